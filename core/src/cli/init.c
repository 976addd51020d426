/*
 * init.c — pgrampart init: a commented starter .pgrampart.yml.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/check.h"

void
cli_init_help(FILE *out)
{
    fputs("usage: pgrampart init\nWrite a commented starter .pgrampart.yml here (never overwrites).\n",
          out);
}

/* pgrampart init: a commented starter .pgrampart.yml for this repository,
 * with the migration sets and env files it finds.  Never overwrites. */
/* Write the starter configuration for what run found to f; returns how
 * many env files it named. */
static size_t
write_starter(FILE *f, const check_run *run)
{
    size_t i, envs = 0;

    fprintf(f, "# pgrampart configuration, written by `pgrampart init`: edit freely.\n"
               "# Every key: README \"Configuration\"; every rule: `pgrampart explain RULE`.\n#\n");
    fprintf(f, "# Migration sets found (detected by file names; pin one under `migrations:`\n"
               "# if the detection is wrong):\n");
    for (i = 0; i < run->mig.sets.len; i++) {
        const mig_set *ms = util_vec_at(&run->mig.sets, i);

        /* A directory name holding a newline must not end the comment. */
        fputs("# - ", f);
        diag_put_safe(f, ms->root);
        fprintf(f, "  (%s, %zu migrations)\n", ms->convention, ms->entries.len);
    }
    if (run->mig.sets.len == 0)
        fprintf(f, "# - (none)\n");
    fprintf(f, "# Environment files found:");
    for (i = 0; i < run->files.len; i++) {
        const check_file *cf = util_vec_at(&run->files, i);

        if (strcmp(cf->fe->name, "dotenv") == 0 && !cf->context) {
            fputc(' ', f);
            diag_put_safe(f, cf->path);
            envs++;
        }
    }
    fprintf(f, "%s\n\n", envs ? "" : " (none)");
    fprintf(f, "# The PostgreSQL major version you deploy to (default 15).\n#postgres_version: 15\n\n");
    fprintf(f, "# Pin a directory to a convention, or declare one is not migrations:\n#migrations:\n");
    for (i = 0; i < run->mig.sets.len; i++) {
        const mig_set *ms = util_vec_at(&run->mig.sets, i);

        fputs("#  - {path: ", f);
        diag_put_safe(f, ms->root);
        fprintf(f, ", convention: %s}\n", ms->convention);
    }
    fprintf(f, "\n# Paths to leave out (fnmatch patterns).\n#exclude: [\"vendor/*\"]\n\n"
               "# Rule severities: error, warning, info or off.\n#rules:\n"
               "#  grants/grant-all-privileges: error\n\n"
               "rls:\n  # The column that says which tenant a row belongs to.\n  tenant_column: tenant_id\n"
               "  # Roles the application connects as (tables they own must FORCE RLS).\n"
               "  #application_roles: [app_web]\n  #exclude_schemas: [audit]\n\n"
               "# Role policies, as the deployment checklist states them.\n#grants:\n#  roles:\n"
               "#    app_readonly: {allow: [SELECT, USAGE]}\n"
               "#    app_web: {deny: [TRUNCATE, REFERENCES, TRIGGER, DROP]}\n");
    return envs;
}

int
cli_init(host *h, const cli_options *o, char *const *args, size_t n)
{
    static char *const dot[] = { "." };
    diag_store scratch, *saved = h->diags;
    check_run run;
    char *err = NULL;
    FILE *f;
    size_t envs;
    int rc = CLI_EXIT_TOOL, checked;
    bool failed;

    (void) o;
    (void) args;
    (void) n;

    if (access(".pgrampart.yml", F_OK) == 0) {
        fprintf(stderr, "pgrampart: .pgrampart.yml exists already; not overwriting it\n");
        return CLI_EXIT_TOOL;
    }
    diag_init(&scratch);
    h->diags = &scratch;
    checked = check_paths(h, dot, 1, &run, &err);
    h->diags = saved;
    if (checked != 0) {
        diag_print_error(stderr, err);
        goto out;
    }
    f = fopen(".pgrampart.yml", "w");
    if (f == NULL) {
        fprintf(stderr, "pgrampart: cannot write .pgrampart.yml\n");
        goto out;
    }
    envs = write_starter(f, &run);
    /* A starter cut short by a full disk is not a starter: say so (and
     * close the file either way). */
    failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        fprintf(stderr, "pgrampart: cannot write .pgrampart.yml\n");
        goto out;
    }
    printf("wrote .pgrampart.yml (%zu migration set%s, %zu env file%s found)\n", run.mig.sets.len,
           run.mig.sets.len == 1 ? "" : "s", envs, envs == 1 ? "" : "s");
    rc = CLI_EXIT_CLEAN;
out:
    free(err);
    check_free(&run);
    diag_free(&scratch);
    return rc;
}
