/*
 * check.c — pgrampart check: lint files and directories, or what git stages or a change touched.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/baseline.h"
#include "frontends/frontend.h"
#include "scan/check.h"
#include "scan/diffbase.h"
#include "scan/gitscope.h"

void
cli_check_help(FILE *out)
{
    fputs("usage: pgrampart check [options] [PATH...]\n"
          "       pgrampart check [options] - [--stdin-filename PATH]\n"
          "Lint migrations, env, YAML, shell, JS/TS and server configuration files\n"
          "(default PATH: .); - reads standard input, as the file at --stdin-filename\n"
          "(its kind, migration set and configuration; findings at PATH), else as SQL\n"
          "named <stdin>.\n", out);
    cli_print_format_option(out, "  --format FORMAT         ");
    fputs("  --fail-on SEVERITY      error (default), warning, info\n"
          "  --staged                the files staged in git, as staged\n"
          "  --diff-base REF         only findings not at the merge base with REF\n"
          "  --baseline FILE         hide the findings recorded in FILE\n"
          "  --write-baseline FILE   record today's findings, exit 0\n"
          "  --output FILE           write the report to FILE (- for standard output)\n"
          "  --jobs N                parse SQL files on N threads (default: one per CPU)\n"
          "  --config FILE, --plugin-dir DIR, --no-color\n", out);
    cli_print_report_options(out);
    fputs("A .pgrampart.yml found in the checked tree is data: its plugin_dirs and paths\n"
          "outside the tree are refused unless named with --config, listed in\n"
          "trusted_repositories of ~/.config/pgrampart/config.yml, or\n"
          "PGRAMPART_TRUST_REPO_CONFIG=1 is set.\n", out);
}

/* The staged files pgrampart reads, or NULL (and *n 0) when none. */
static char **
staged_paths(util_vec *all, size_t *n)
{
    char **out = util_xcalloc(all->len ? all->len : 1, sizeof(char *));
    size_t i;

    *n = 0;
    for (i = 0; i < all->len; i++) {
        char *p = *(char **) util_vec_at(all, i);

        if (frontends_match(p))
            out[(*n)++] = p;
    }
    return out;
}
/* Add name to the space-separated list b unless it is there. */
static void
add_input(util_buf *b, const char *name)
{
    size_t n = strlen(name);
    const char *at;

    for (at = strstr(b->data, name); at; at = strstr(at + 1, name))
        if ((at == b->data || at[-1] == ' ') && (at[n] == '\0' || at[n] == ' '))
            return;
    util_buf_printf(b, "%s%s", b->len ? " " : "", name);
}

/*
 * The front-ends that read something in this run, space-separated ("sql
 * dotenv pgconf"): a file's own, "sql" for SQL embedded anywhere (psql in a
 * script, a Markdown block), and those of embedded configuration and value
 * files.  The checklist skips a control none of whose inputs was read
 * rather than pass it on nothing.  Caller frees.
 */
static char *
inputs_read(const check_run *run)
{
    util_buf b;
    size_t i, k;

    util_buf_init(&b);
    for (i = 0; i < run->files.len; i++) {
        const check_file *f = util_vec_at(&run->files, i);

        if (f->context || f->text == NULL)
            continue;
        if (f->fe)
            add_input(&b, f->fe->name);
        if (f->parsed_sql)
            add_input(&b, "sql");
        for (k = 0; f->parsed_values && k < f->model_texts.len; k++)
            add_input(&b, ((const frontend_embedded *) util_vec_at(&f->model_texts, k))->frontend);
        for (k = 0; f->parsed_values && k < f->own_values.len; k++)
            add_input(&b, (*(check_values *const *) util_vec_at(&f->own_values, k))->fe->name);
    }
    return b.data;
}

/* Check paths, narrow the findings (--diff-base, --baseline), print them. */
static int
check_and_report(host *h, const cli_options *o, char *const *paths, size_t n, report_context *context)
{
    check_run run;
    char *err = NULL;
    long hidden = 0;
    int rc = CLI_EXIT_TOOL;

    if (n == 0) {
        /* Nothing staged that pgrampart reads. */
        report_context_finish(context);
        return cli_print_findings(h, o, NULL, NULL, context) == 0 ? CLI_EXIT_CLEAN : CLI_EXIT_TOOL;
    }
    if (check_paths(h, paths, n, &run, &err) != 0 ||
        (o->diff_base && diffbase_filter(h, o->diff_base, paths, n, check_text, &run, &err) != 0) ||
        (o->baseline && (hidden = baseline_filter(o->baseline, h->diags, check_text, &run, &err)) < 0))
        goto out;
    h->diags->baselined = (size_t) hidden;
    if (o->write_baseline) {
        if (baseline_write(o->write_baseline, h->diags, check_text, &run, &err) != 0)
            goto out;
        if (!o->quiet)
            fprintf(stderr, "pgrampart: %zu finding%s recorded in %s\n", h->diags->findings.len,
                    h->diags->findings.len == 1 ? "" : "s", o->write_baseline);
        rc = CLI_EXIT_CLEAN;
        goto out;
    }
    diag_sort(h->diags);
    context->inputs = inputs_read(&run);
    report_context_finish(context);
    /* A report that could not be written is the tool failing, not a clean run. */
    if (cli_print_findings(h, o, check_text, &run, context) != 0 || fflush(stdout) != 0)
        goto out;
    rc = diag_count_at_least(h->diags, (pgr_severity) o->fail_on) > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
out:
    if (err) {
        diag_print_error(stderr, err);
        free(err);
    }
    check_free(&run);
    return rc;
}

/* What check says of a named file no front-end reads (by its name). */
static const char unknown_kind[] = "not a kind of file pgrampart reads (SQL, env, YAML, shell, JS/TS, "
                                   "Markdown or server configuration, by its name)";

/* Standard input as the file check - reads (issue 17). */
typedef struct stdin_file {
    const char *name;        /* --stdin-filename, or "<stdin>" */
    util_buf data;
    bool too_large;          /* more than CHECK_MAX_FILE_BYTES: not kept */
} stdin_file;

/* Read standard input whole, or until it passes the size limit of files
 * (then in->too_large, and nothing kept). */
static int
read_stdin(stdin_file *in, char **err)
{
    char chunk[65536];
    ssize_t got;

    util_buf_init(&in->data);
    while ((got = read(STDIN_FILENO, chunk, sizeof chunk)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *err = util_xasprintf("standard input: %s", strerror(errno));
            return -1;
        }
        /* As a file: too large is a finding, and not kept in memory. */
        if (in->data.len + (size_t) got > CHECK_MAX_FILE_BYTES) {
            in->too_large = true;
            util_buf_free(&in->data);
            util_buf_init(&in->data);
            return 0;
        }
        util_buf_append(&in->data, chunk, (size_t) got);
    }
    return 0;
}

/* check_reader_fn: standard input for its name, the working tree else. */
static int
stdin_reader(void *arg, const char *path, char **data, size_t *len, const char **err)
{
    stdin_file *in = arg;

    if (strcmp(path, in->name) != 0)
        return 0;
    if (in->too_large) {
        *err = "file too large";
        return -1;
    }
    *data = util_xmalloc(in->data.len + 1);
    memcpy(*data, in->data.data ? in->data.data : "", in->data.len);
    (*data)[in->data.len] = '\0';
    *len = in->data.len;
    return 1;
}

/*
 * An operand the user named that check cannot read is an error, not "0
 * files checked" (issue 17): a file of no kind pgrampart reads (a missing
 * path is discover's error).  "-" only alone, and --stdin-filename only
 * with it, naming a file (not a directory) of a kind pgrampart reads.
 * Returns 0, or -1 with *err set.
 */
static int
check_operands(const cli_options *o, char *const *paths, size_t n, char **err)
{
    struct stat st;
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(paths[i], "-") == 0) {
            if (n > 1 || o->staged) {
                *err = util_xstrdup("- (standard input) is checked alone, without other paths or --staged");
                return -1;
            }
        } else if (stat(paths[i], &st) == 0 && !S_ISDIR(st.st_mode) && frontends_match(paths[i]) == NULL) {
            *err = util_xasprintf("%s: %s", paths[i], unknown_kind);
            return -1;
        }
    }
    if (o->stdin_filename == NULL)
        return 0;
    if (n != 1 || strcmp(paths[0], "-") != 0)
        *err = util_xstrdup("--stdin-filename names standard input: check - --stdin-filename PATH");
    else if (stat(o->stdin_filename, &st) == 0 && S_ISDIR(st.st_mode))
        *err = util_xasprintf("--stdin-filename %s: is a directory", o->stdin_filename);
    else if (frontends_match(o->stdin_filename) == NULL)
        *err = util_xasprintf("--stdin-filename %s: %s", o->stdin_filename, unknown_kind);
    return *err ? -1 : 0;
}

/* check -: standard input as the file o->stdin_filename, else as SQL
 * named <stdin>. */
static int
check_stdin(host *h, const cli_options *o, report_context *context)
{
    stdin_file in = { o->stdin_filename ? o->stdin_filename : "<stdin>", { NULL, 0, 0 }, false };
    char *const paths[] = { (char *) in.name };
    char *err = NULL;
    int rc;

    if (read_stdin(&in, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        util_buf_free(&in.data);
        return CLI_EXIT_TOOL;
    }
    check_set_reader(stdin_reader, &in);
    check_set_virtual(in.name, o->stdin_filename ? NULL : frontends_by_name("sql"));
    report_context_set_checkout(context, paths, 1);
    rc = check_and_report(h, o, paths, 1, context);
    check_set_virtual(NULL, NULL);
    check_set_reader(NULL, NULL);
    util_buf_free(&in.data);
    return rc;
}

int
cli_check(host *h, const cli_options *o, char *const *paths, size_t n)
{
    static char *const dot[] = { "." };
    char *err = NULL;
    int rc;
    util_vec staged;
    char **staged_list = NULL;
    report_context context;

    report_context_init(&context, "check", o->argc, o->argv, NULL);
    context.fail_on = diag_severity_name((pgr_severity) o->fail_on);
    util_vec_init(&staged, sizeof(char *));
    check_set_jobs(o->jobs);
    if (check_operands(o, paths, n, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        report_context_free(&context);
        return CLI_EXIT_TOOL;
    }
    if (n == 1 && strcmp(paths[0], "-") == 0) {
        rc = check_stdin(h, o, &context);
        report_context_free(&context);
        return rc;
    }
    if (o->staged) {
        if (gitscope_staged(&staged, &err) != 0) {
            diag_print_error(stderr, err);
            free(err);
            util_vec_free(&staged);
            return CLI_EXIT_TOOL;
        }
        /* Staged files are read from the index, not the working tree. */
        check_set_reader(gitscope_index_reader, NULL);
        staged_list = staged_paths(&staged, &n);
        paths = staged_list;
    } else if (n == 0) {
        paths = dot;
        n = 1;
    }
    /* Staged paths are the index's: describe the repository we are in. */
    report_context_set_checkout(&context, o->staged ? dot : paths, o->staged ? 1 : n);
    rc = check_and_report(h, o, paths, n, &context);
    report_context_free(&context);
    check_set_reader(NULL, NULL);
    gitscope_staged_done();
    free(staged_list);
    for (size_t i = 0; i < staged.len; i++)
        free(*(char **) util_vec_at(&staged, i));
    util_vec_free(&staged);
    return rc;
}
