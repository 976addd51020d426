/*
 * common.c — what several commands share: printing findings in the chosen
 * format, the --format line of help texts, the model of a migration set.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/reporter.h"
#include "scan/check.h"

/* Print the findings in the chosen format.  Returns 0, or -1 if writing
 * failed. */
int
cli_print_findings(host *h, const cli_options *o, diag_text_fn text_fn, void *text_arg,
                   const report_context *context)
{
    bool to_stdout = o->output == NULL || strcmp(o->output, "-") == 0;
    bool color = to_stdout && !o->no_color && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO);
    /* OSC 8 links only on a terminal: FORCE_COLOR in a CI log is colour,
     * not a hyperlink the log viewer would show as escape garbage. */
    report_ctx ctx = { h->diags, h, text_fn, text_arg, color, context,
                       color && isatty(STDOUT_FILENO) };
    FILE *out = to_stdout ? stdout : fopen(o->output, "w");
    int rc;

    if (out == NULL) {
        char *msg = util_xasprintf("--output %s: %s", o->output, strerror(errno));

        diag_print_error(stderr, msg);
        free(msg);
        return -1;
    }
    /* A message may quote its line (a syntax error its token): mask first. */
    diag_mask_findings(h->diags, text_fn, text_arg);
    rc = report_find(o->format)->write(&ctx, out);
    if (!to_stdout && (fclose(out) != 0 || rc != 0)) {
        char *msg = util_xasprintf("--output %s: cannot write the report", o->output);

        diag_print_error(stderr, msg);
        free(msg);
        rc = -1;
    }
    return rc;
}
/* The --format line of a help text, from the reporters' table (the first
 * is the default). */
void
cli_print_format_option(FILE *out, const char *lead)
{
    char *names = report_names(", ");
    size_t n;

    fprintf(out, "%s%s (default %s; --format list)\n", lead, names, report_all(&n)[0].name);
    free(names);
}
static void
keep_model(model *m, void *arg)
{
    cli_kept_model *k = arg;

    if (!k->have && m->from_migrations) {
        model_clone(m, &k->m);
        k->have = true;
    }
}
/* Replay the migrations at path quietly (their own findings are check's
 * business) and keep their model.  Returns 0, or -1 after printing why. */
int
cli_migrations_model(host *h, const char *path, cli_kept_model *k)
{
    diag_store scratch, *saved = h->diags;
    char *const paths[] = { (char *) path };
    check_run run;
    char *err = NULL;
    int rc = 0;

    diag_init(&scratch);
    h->diags = &scratch;
    k->have = false;
    if (check_paths_models(h, paths, 1, &run, &err, keep_model, k) != 0) {
        char *msg = util_xasprintf("--migrations: %s", err);

        diag_print_error(stderr, msg);
        free(msg);
        free(err);
        rc = -1;
    } else if (!k->have) {
        fprintf(stderr, "pgrampart: --migrations: no migration set found under %s\n", path);
        rc = -1;
    }
    check_free(&run);
    h->diags = saved;
    diag_free(&scratch);
    return rc;
}
