/*
 * common.c — what several commands share: printing findings in the chosen
 * format, the --format line of help texts, the model of a migration set.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/reporter.h"
#include "scan/check.h"

bool
cli_use_color(const cli_options *o, FILE *out)
{
    const char *no = getenv("NO_COLOR"), *force = getenv("FORCE_COLOR");

    if (o->color != CLI_COLOR_AUTO)
        return o->color == CLI_COLOR_ALWAYS;
    /* no-color.org: set and not empty; an empty NO_COLOR= is unset. */
    if (no != NULL && no[0] != '\0')
        return false;
    if (force != NULL && force[0] != '\0')
        return true;
    return isatty(fileno(out)) != 0;
}

static void
output_error(const char *path, const char *why)
{
    char *msg = util_xasprintf("--output %s: %s", path, why);

    diag_print_error(stderr, msg);
    free(msg);
}

FILE *
cli_output_open(const cli_options *o, char **tmp)
{
    struct stat st;
    mode_t mask;
    FILE *out;
    int fd;

    *tmp = NULL;
    if (o->output == NULL || strcmp(o->output, "-") == 0)
        return stdout;
    /* Only a regular file (or none yet) is replaced: /dev/stdout, a FIFO or
     * a symbolic link is written through, as named. */
    if (lstat(o->output, &st) == 0 && !S_ISREG(st.st_mode)) {
        out = fopen(o->output, "w");
        if (out == NULL)
            output_error(o->output, strerror(errno));
        return out;
    }
    /* Beside the target, so that the rename stays on one file system. */
    *tmp = util_xasprintf("%s.XXXXXX", o->output);
    fd = mkstemp(*tmp);
    if (fd < 0) {
        output_error(o->output, strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    /* mkstemp makes it 0600; a report is as readable as any file the user
     * writes (the umask decides). */
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || (out = fdopen(fd, "w")) == NULL) {
        output_error(o->output, strerror(errno));
        close(fd);
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    return out;
}

int
cli_output_close(const cli_options *o, FILE *out, char *tmp, int rc)
{
    bool renamed = false;

    if (out == stdout)
        return fflush(out) != 0 ? -1 : rc;
    if (fclose(out) != 0 && rc == 0)
        rc = -1;
    if (rc == 0 && tmp && rename(tmp, o->output) != 0) {
        output_error(o->output, strerror(errno));
        rc = -1;
    } else if (rc != 0) {
        output_error(o->output, "cannot write the report");
    } else {
        renamed = tmp != NULL;
    }
    /* A report that was not written whole leaves no temporary file. */
    if (tmp && !renamed)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* Print the findings in the chosen format.  Returns 0, or -1 if writing
 * failed. */
int
cli_print_findings(host *h, const cli_options *o, diag_text_fn text_fn, void *text_arg,
                   const report_context *context)
{
    char *tmp;
    FILE *out = cli_output_open(o, &tmp);
    report_ctx ctx = { h->diags, h, text_fn, text_arg, false, context, false,
                       o->quiet, o->statistics };

    if (out == NULL)
        return -1;
    ctx.color = cli_use_color(o, out);
    /* Links only where a person reads: colours on, on a terminal. */
    ctx.links = ctx.color && isatty(fileno(out));
    /* A message may quote its line (a syntax error its token): mask first. */
    diag_mask_findings(h->diags, text_fn, text_arg);
    return cli_output_close(o, out, tmp, report_find(o->format)->write(&ctx, out));
}

void
cli_print_report_options(FILE *out)
{
    fputs("  --select RULES          only these rules: ids or globs, comma-separated\n"
          "                          (rls/table-without-rls,grants/*); repeatable\n"
          "  --ignore RULES          not these rules (same syntax; wins over --select)\n"
          "  --exit-zero             exit 0 even with findings (2 still for errors)\n"
          "  --quiet                 findings only: no summary line, no notes\n"
          "  --statistics            a count per rule instead of the findings (text, json)\n"
          "  --color WHEN            always, never or auto (default: not when NO_COLOR is\n"
          "                          set and not empty, yes when FORCE_COLOR is, else on a\n"
          "                          terminal); --no-color is --color=never\n", out);
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
int
cli_connect_timeout_s(const cli_options *o)
{
    if (!o->timeout_given)
        return 10;
    return o->timeout_ms / 1000 + (o->timeout_ms % 1000 != 0);
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
