/*
 * check.c — pgrampart check: lint files and directories, or what git stages or a change touched.
 */
#include "cli/cli.h"

#include <stdlib.h>

#include "scan/baseline.h"
#include "frontends/frontend.h"
#include "scan/check.h"
#include "scan/diffbase.h"
#include "scan/gitscope.h"

void
cli_check_help(FILE *out)
{
    fputs("usage: pgrampart check [options] [PATH...]\n"
          "Lint migrations, env, YAML, shell, JS/TS and server configuration files\n"
          "(default PATH: .).\n", out);
    cli_print_format_option(out, "  --format FORMAT         ");
    fputs("  --fail-on SEVERITY      error (default), warning, info\n"
          "  --staged                the files staged in git, as staged\n"
          "  --diff-base REF         only findings not at the merge base with REF\n"
          "  --baseline FILE         hide the findings recorded in FILE\n"
          "  --write-baseline FILE   record today's findings, exit 0\n"
          "  --jobs N                parse SQL files on N threads (default: one per CPU)\n"
          "  --config FILE, --plugin-dir DIR, --no-color\n"
          "A .pgrampart.yml found in the checked tree is data: its plugin_dirs and paths\n"
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
/* Check paths, narrow the findings (--diff-base, --baseline), print them. */
static int
check_and_report(host *h, const cli_options *o, char *const *paths, size_t n)
{
    check_run run;
    char *err = NULL;
    int rc = CLI_EXIT_TOOL;

    if (n == 0) {
        /* Nothing staged that pgrampart reads. */
        return cli_print_findings(h, o, NULL, NULL) == 0 ? CLI_EXIT_CLEAN : CLI_EXIT_TOOL;
    }
    if (check_paths(h, paths, n, &run, &err) != 0 ||
        (o->diff_base && diffbase_filter(h, o->diff_base, paths, n, check_text, &run, &err) != 0) ||
        (o->baseline && baseline_filter(o->baseline, h->diags, check_text, &run, &err) < 0))
        goto out;
    if (o->write_baseline) {
        if (baseline_write(o->write_baseline, h->diags, check_text, &run, &err) != 0)
            goto out;
        fprintf(stderr, "pgrampart: %zu finding%s recorded in %s\n", h->diags->findings.len,
                h->diags->findings.len == 1 ? "" : "s", o->write_baseline);
        rc = CLI_EXIT_CLEAN;
        goto out;
    }
    diag_sort(h->diags);
    /* A report that could not be written is the tool failing, not a clean run. */
    if (cli_print_findings(h, o, check_text, &run) != 0 || fflush(stdout) != 0)
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
int
cli_check(host *h, const cli_options *o, char *const *paths, size_t n)
{
    static char *const dot[] = { "." };
    char *err = NULL;
    int rc;
    util_vec staged;
    char **staged_list = NULL;

    util_vec_init(&staged, sizeof(char *));
    check_set_jobs(o->jobs);
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
    rc = check_and_report(h, o, paths, n);
    check_set_reader(NULL, NULL);
    gitscope_staged_done();
    free(staged_list);
    for (size_t i = 0; i < staged.len; i++)
        free(*(char **) util_vec_at(&staged, i));
    util_vec_free(&staged);
    return rc;
}
