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

/*
 * Tenant columns init looks for, as the rls plugin does when
 * rls.tenant_column is unset (plugins/rls.c, tenant_candidates): the one
 * that the most policies compare is written, so that the starter says what
 * the check assumed.
 */
static const char *const tenant_candidates[] = {
    "tenant_id", "org_id", "organization_id", "account_id", "workspace_id", NULL
};
#define N_TENANT_CANDIDATES (sizeof tenant_candidates / sizeof tenant_candidates[0] - 1)

/* Policies per candidate column, over every model the check replays. */
typedef struct tenant_votes {
    size_t policies[N_TENANT_CANDIDATES];
} tenant_votes;

static void
count_tenant_policies(model *m, void *arg)
{
    tenant_votes *votes = arg;
    size_t i, k, c;

    model_compact(m);
    for (i = 0; i < m->policies.len; i++) {
        const pgr_policy *p = util_vec_at(&m->policies, i);

        for (k = 0; k < N_TENANT_CANDIDATES; k++)
            for (c = 0; c < p->n_columns_referenced; c++)
                if (strcmp(p->columns_referenced[c], tenant_candidates[k]) == 0) {
                    votes->policies[k]++;
                    break;
                }
    }
}

/* The rls section: the detected tenant column, or the whole section as
 * comments when no policy compares one (the plugin's default then holds). */
static void
write_rls_section(FILE *f, const tenant_votes *votes)
{
    size_t k, best = N_TENANT_CANDIDATES;
    const char *c;

    for (k = 0; k < N_TENANT_CANDIDATES; k++)
        if (votes->policies[k] > 0 && (best == N_TENANT_CANDIDATES ||
                                       votes->policies[k] > votes->policies[best]))
            best = k;
    c = best < N_TENANT_CANDIDATES ? "" : "#";
    fprintf(f, "%srls:\n", c);
    if (best < N_TENANT_CANDIDATES)
        fprintf(f, "  # The column that says which tenant a row belongs to (detected: %zu "
                   "%s it).\n  tenant_column: %s\n", votes->policies[best],
                votes->policies[best] == 1 ? "policy compares" : "policies compare",
                tenant_candidates[best]);
    else
        fprintf(f, "#  # The column that says which tenant a row belongs to (no policy compares "
                   "one yet;\n#  # default: the one policies compare, else tenant_id).\n"
                   "#  tenant_column: tenant_id\n");
    fprintf(f, "%s  # Every table needs RLS, even where no migration enables it (default false).\n"
               "%s  #required: true\n", c, c);
    fprintf(f, "%s  # Roles the application connects as (tables they own must FORCE RLS).\n"
               "%s  #application_roles: [app_web]\n%s  #exclude_schemas: [audit]\n\n", c, c, c);
}

/* pgrampart init: a commented starter .pgrampart.yml for this repository,
 * with the migration sets, env files and tenant column it finds.  Never
 * overwrites. */
/* Write the starter configuration for what run found to f; returns how
 * many env files it named. */
static size_t
write_starter(FILE *f, const check_run *run, const tenant_votes *votes)
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
               "#  grants/grant-all-privileges: error\n\n");
    write_rls_section(f, votes);
    fprintf(f, "# Role policies, as the deployment checklist states them.\n#grants:\n#  roles:\n"
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
    tenant_votes votes = { { 0 } };
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
    checked = check_paths_models(h, dot, 1, &run, &err, count_tenant_policies, &votes);
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
    envs = write_starter(f, &run, &votes);
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
