/*
 * main.c — the pgrampart command line.
 *
 *   pgrampart check [options] [PATH...]   lint files and directories
 *   pgrampart rules [options]             list every loaded rule
 *
 * Exit status: 0 clean, 1 findings at or above --fail-on, 2 the tool could
 * not do its job (bad arguments, configuration, plugin, or path).
 */
#include <getopt.h>
#include <limits.h>
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/baseline.h"
#include "scan/check.h"
#include "scan/gitscope.h"
#include "host/config.h"
#include "report/diag.h"
#include "host/host.h"
#include "model/live.h"
#include "report/mask.h"
#include "model/model_json.h"
#include "report/report.h"

#define PGR_VERSION PGR_VERSION_STRING

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_TOOL = 2 };

typedef struct options {
    const char *format;
    const char *migrations;  /* audit --migrations PATH */
    const char *baseline;    /* check --baseline FILE */
    bool staged;             /* check --staged */
    bool markdown;           /* explain --markdown */
    const char *diff_base;   /* check --diff-base REF */
    const char *write_baseline; /* check --write-baseline FILE */
    int timeout_ms;          /* audit: statement_timeout and lock_timeout */
    bool timeout_given;      /* audit: --timeout given (it then bounds connecting too) */
    util_vec schemas;        /* audit --schema (of const char *) */
    util_vec exclude_schemas;/* audit --exclude-schema */
    int fail_on;
    const char *config;
    util_vec plugin_dirs;    /* of const char * */
    bool no_color;
} options;

static void
usage(FILE *out)
{
    fputs("usage: pgrampart check [options] [PATH...]\n"
          "       pgrampart audit [options] [CONNINFO]  audit a live database, read-only\n"
          "       pgrampart model [options] [PATH...]   schema models as JSON\n"
          "       pgrampart rules [options]\n"
          "       pgrampart explain RULE | --markdown   what a rule catches, with examples\n"
          "       pgrampart init                        write a starter .pgrampart.yml\n"
          "       pgrampart --version\n"
          "\n"
          "options:\n"
          "  --format FORMAT          text (default), json, sarif, github or gitlab\n"
          "  --fail-on error|warning|info\n"
          "                           lowest severity that makes the exit status 1\n"
          "                           (default error)\n"
          "  --config FILE            configuration (default: .pgrampart.yml found\n"
          "                           by walking up from the first PATH, or from\n"
          "                           the working directory)\n"
          "  --plugin-dir DIR         also load plugins from DIR (repeatable)\n"
          "  --no-color               no ANSI colours (also: NO_COLOR=1)\n"
          "  --staged                 check the files staged in git, as staged (pre-commit)\n"
          "  --diff-base REF          report only findings that are not at the merge base\n"
          "                           of REF and HEAD (pull requests)\n"
          "  --baseline FILE          hide the findings recorded in FILE, report new ones\n"
          "  --write-baseline FILE    record today's findings in FILE (then exit 0)\n"
          "audit options:\n"
          "  --timeout MS             statement_timeout, lock_timeout and connecting (rounded up\n"
          "                           to whole seconds, at least 2; default 5000, connecting 10 s)\n"
          "  --schema NAME            audit only this schema (repeatable)\n"
          "  --exclude-schema NAME    leave this schema out (repeatable)\n"
          "  --migrations PATH        report drift between these migrations and the database\n"
          "\n"
          "exit status: 0 clean, 1 findings at or above --fail-on, 2 error\n", out);
}

/* pgrampart CMD --help */
static void
usage_command(const char *cmd, FILE *out)
{
    if (strcmp(cmd, "check") == 0)
        fputs("usage: pgrampart check [options] [PATH...]\n"
              "Lint migrations, env, YAML, shell, JS/TS and server configuration files\n"
              "(default PATH: .).\n"
              "  --format FORMAT         text, json, sarif, github, gitlab\n"
              "  --fail-on SEVERITY      error (default), warning, info\n"
              "  --staged                the files staged in git, as staged\n"
              "  --diff-base REF         only findings not at the merge base with REF\n"
              "  --baseline FILE         hide the findings recorded in FILE\n"
              "  --write-baseline FILE   record today's findings, exit 0\n"
              "  --config FILE, --plugin-dir DIR, --no-color\n"
              "A .pgrampart.yml found in the checked tree is data: its plugin_dirs and paths\n"
              "outside the tree are refused unless named with --config, listed in\n"
              "trusted_repositories of ~/.config/pgrampart/config.yml, or\n"
              "PGRAMPART_TRUST_REPO_CONFIG=1 is set.\n", out);
    else if (strcmp(cmd, "audit") == 0)
        fputs("usage: pgrampart audit [options] [CONNINFO]\n"
              "Audit a live database, read-only (libpq defaults without CONNINFO).\n"
              "  --migrations PATH       also report drift from these migrations\n"
              "  --schema NAME           only this schema (repeatable)\n"
              "  --exclude-schema NAME   leave this schema out (repeatable)\n"
              "  --timeout MS            statement_timeout, lock_timeout and connecting (5000;\n"
              "                          connecting: whole seconds, at least 2, default 10)\n"
              "  --format FORMAT, --fail-on SEVERITY, --config FILE, --plugin-dir DIR\n", out);
    else if (strcmp(cmd, "model") == 0)
        fputs("usage: pgrampart model [PATH...]\nPrint the schema models replayed from PATH as JSON.\n", out);
    else if (strcmp(cmd, "rules") == 0)
        fputs("usage: pgrampart rules [--plugin-dir DIR] [--config FILE]\n"
              "List every loaded rule: id, plugin, severity, summary.\n", out);
    else if (strcmp(cmd, "explain") == 0)
        fputs("usage: pgrampart explain RULE\n       pgrampart explain --markdown\n"
              "What a rule catches, why it matters, a bad and a good example, its source.\n", out);
    else if (strcmp(cmd, "init") == 0)
        fputs("usage: pgrampart init\nWrite a commented starter .pgrampart.yml here (never overwrites).\n",
              out);
    else
        usage(out);
}

static bool
is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the binary's own plugins and rule packs are: beside it in a build
 * tree, or under its install prefix (so an installed tree is relocatable). */
static void
default_dirs(char **plugins, char **rules)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *dir, *build_plugins;

    *plugins = *rules = NULL;
    if (n <= 0)
        return;
    exe[n] = '\0';
    dir = util_dirname(exe);
    build_plugins = util_path_join(dir, "plugins");
    if (is_dir(build_plugins)) {
        *plugins = build_plugins;
        *rules = util_xstrdup(PGR_SOURCE_RULES_DIR);
    } else {
        free(build_plugins);
        *plugins = util_xasprintf("%s/../%s/pgrampart/plugins", dir, PGR_LIBDIR_NAME);
        *rules = util_xasprintf("%s/../share/pgrampart/rules", dir);
    }
    free(dir);
}

/* Load plugins (default dir, config dirs, --plugin-dir) and rule packs. */
static int
setup_host(host *h, const config *cfg, const options *o)
{
    char *plugins, *rules, *err = NULL;
    size_t i;
    int rc;

    default_dirs(&plugins, &rules);
    rc = plugins ? host_load_dir(h, plugins, 1, &err) : 0;
    for (i = 0; rc == 0 && i < cfg->plugin_dirs.len; i++)
        rc = host_load_dir(h, *(char **) util_vec_at(&cfg->plugin_dirs, i), 0, &err);
    for (i = 0; rc == 0 && i < o->plugin_dirs.len; i++)
        rc = host_load_dir(h, *(const char **) util_vec_at(&o->plugin_dirs, i), 0, &err);
    if (rc == 0 && rules && is_dir(rules))
        rc = host_load_rulepacks(h, rules, &err);
    /* The user's packs extend the shipped ones (rule_packs: in the config). */
    for (i = 0; rc == 0 && i < cfg->rule_packs.len; i++) {
        const char *pack = *(char **) util_vec_at(&cfg->rule_packs, i);

        rc = is_dir(pack) ? host_load_rulepacks(h, pack, &err) : host_load_rulepack(h, pack, &err);
    }
    if (rc == 0)
        rc = host_apply_config(h, &err);
    if (rc != 0)
        diag_print_error(stderr, err);
    else
        mask_load_patterns(&h->rulepacks);   /* the masker knows the packs' secret formats */
    free(err);
    free(plugins);
    free(rules);
    return rc;
}

static int
cmd_rules(host *h)
{
    size_t i;

    for (i = 0; i < h->rules.len; i++) {
        const host_rule *r = util_vec_at(&h->rules, i);
        const host_plugin *p = util_vec_at(&h->plugins, r->plugin);

        printf("%-34s %-8s %-8s %s\n", r->rule->id, p->desc->name,
               diag_severity_name(r->severity), r->rule->summary);
    }
    return EXIT_CLEAN;
}

/* Print the findings in the chosen format.  Returns 0, or -1 if writing
 * failed. */
static int
print_findings(host *h, const options *o, diag_text_fn text_fn, void *text_arg)
{
    bool color = !o->no_color && getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO);

    /* A message may quote its line (a syntax error its token): mask first. */
    diag_mask_findings(h->diags, text_fn, text_arg);
    if (strcmp(o->format, "json") == 0)
        return diag_print_json(h->diags, stdout);
    if (strcmp(o->format, "sarif") == 0)
        return report_sarif(h->diags, h, stdout, text_fn, text_arg);
    if (strcmp(o->format, "gitlab") == 0)
        return report_gitlab(h->diags, stdout, text_fn, text_arg);
    if (strcmp(o->format, "github") == 0) {
        report_github(h->diags, stdout);
        return 0;
    }
    diag_print_text(h->diags, stdout, color, text_fn, text_arg);
    return 0;
}

static int check_paths_and_report(host *h, const options *o, char *const *paths, size_t n);

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

static int
cmd_check(host *h, const options *o, char *const *paths, size_t n)
{
    static char *const dot[] = { "." };
    char *err = NULL;
    int rc;
    util_vec staged;
    char **staged_list = NULL;

    util_vec_init(&staged, sizeof(char *));
    if (o->staged) {
        if (gitscope_staged(&staged, &err) != 0) {
            diag_print_error(stderr, err);
            free(err);
            util_vec_free(&staged);
            return EXIT_TOOL;
        }
        staged_list = staged_paths(&staged, &n);
        paths = staged_list;
    } else if (n == 0) {
        paths = dot;
        n = 1;
    }
    rc = check_paths_and_report(h, o, paths, n);
    gitscope_staged_done();
    free(staged_list);
    for (size_t i = 0; i < staged.len; i++)
        free(*(char **) util_vec_at(&staged, i));
    util_vec_free(&staged);
    return rc;
}

/* Check paths, narrow the findings (--diff-base, --baseline), print them. */
static int
check_paths_and_report(host *h, const options *o, char *const *paths, size_t n)
{
    check_run run;
    char *err = NULL;
    int rc;

    if (n == 0) {
        /* Nothing staged that pgrampart reads. */
        print_findings(h, o, NULL, NULL);
        return EXIT_CLEAN;
    }
    if (check_paths(h, paths, n, &run, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        check_free(&run);
        return EXIT_TOOL;
    }
    if (o->diff_base &&
        gitscope_diff_base(h, o->diff_base, paths, n, check_text, &run, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        check_free(&run);
        return EXIT_TOOL;
    }
    if (o->baseline && baseline_filter(o->baseline, h->diags, check_text, &run, &err) < 0) {
        diag_print_error(stderr, err);
        free(err);
        check_free(&run);
        return EXIT_TOOL;
    }
    if (o->write_baseline) {
        rc = baseline_write(o->write_baseline, h->diags, check_text, &run, &err);
        if (rc != 0) {
            diag_print_error(stderr, err);
            free(err);
        } else {
            fprintf(stderr, "pgrampart: %zu finding%s recorded in %s\n", h->diags->findings.len,
                    h->diags->findings.len == 1 ? "" : "s", o->write_baseline);
        }
        check_free(&run);
        return rc == 0 ? EXIT_CLEAN : EXIT_TOOL;
    }
    diag_sort(h->diags);
    rc = print_findings(h, o, check_text, &run);
    check_free(&run);
    if (rc != 0 || fflush(stdout) != 0)
        return EXIT_TOOL;
    return diag_count_at_least(h->diags, (pgr_severity) o->fail_on) > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

static void
collect_model(model *m, void *arg)
{
    pgr_model view;

    model_view(m, &view);
    json_array_append_new((json_t *) arg, model_json(&view));
}

/* Keep a copy of the first migration set's model (audit --migrations). */
typedef struct kept_model {
    model m;
    bool have;
} kept_model;

static void
keep_model(model *m, void *arg)
{
    kept_model *k = arg;

    if (!k->have && m->from_migrations) {
        model_clone(m, &k->m);
        k->have = true;
    }
}

/* Replay the migrations at path quietly (their own findings are check's
 * business) and keep their model.  Returns 0, or -1 after printing why. */
static int
migrations_model(host *h, const char *path, kept_model *k)
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

/* pgrampart model: the replayed schema models as JSON (the only format). */
static int
cmd_model(host *h, char *const *paths, size_t n)
{
    static char *const dot[] = { "." };
    json_t *models = json_array(), *root = json_object();
    check_run run;
    char *err = NULL;
    int rc = EXIT_CLEAN;

    if (n == 0) {
        paths = dot;
        n = 1;
    }
    if (check_paths_models(h, paths, n, &run, &err, collect_model, models) != 0) {
        diag_print_error(stderr, err);
        free(err);
        rc = EXIT_TOOL;
    } else {
        json_object_set_new(root, "version", json_integer(1));
        json_object_set_new(root, "models", models);
        models = NULL;
        if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
            rc = EXIT_TOOL;
        fputc('\n', stdout);
    }
    json_decref(models);
    json_decref(root);
    check_free(&run);
    return rc;
}

static bool
listed(const util_vec *v, const char *s)
{
    size_t i;

    for (i = 0; i < v->len; i++)
        if (strcmp(*(const char **) util_vec_at(v, i), s) == 0)
            return true;
    return false;
}

/* Apply --schema / --exclude-schema to a live model. */
static void
filter_schemas(model *m, const options *o)
{
    size_t i;

    for (i = m->tables.len; i-- > 0;) {
        /* Collect candidate schemas from every kind of object. */
        const char *s = ((pgr_table *) util_vec_at(&m->tables, i))->schema;

        if (listed(&o->exclude_schemas, s) || (o->schemas.len > 0 && !listed(&o->schemas, s))) {
            char *copy = util_xstrdup(s);

            model_forget_schema(m, copy);
            free(copy);
            i = m->tables.len;
        }
    }
    for (i = 0; i < o->exclude_schemas.len; i++)
        model_forget_schema(m, *(const char **) util_vec_at(&o->exclude_schemas, i));
}

/* Seconds allowed for connecting: --timeout rounded up, else libpq's 10. */
static int
connect_timeout_s(const options *o)
{
    if (!o->timeout_given)
        return 10;
    return o->timeout_ms / 1000 + (o->timeout_ms % 1000 != 0);
}

/* pgrampart audit: the live catalog through the same rules as check. */
static int
cmd_audit(host *h, const options *o, char *const *args, size_t n)
{
    live_result res;
    model m;
    char *err = NULL, *subject;
    size_t i;
    int rc;

    if (n > 1) {
        fprintf(stderr, "pgrampart: audit takes one connection string\n");
        return EXIT_TOOL;
    }
    kept_model expected;

    memset(&expected, 0, sizeof expected);
    if (o->migrations && migrations_model(h, o->migrations, &expected) != 0) {
        if (expected.have)
            model_free(&expected.m);
        return EXIT_TOOL;
    }
    model_init(&m, "database", 0);
    if (live_read_model(n ? args[0] : NULL, o->timeout_ms, connect_timeout_s(o), &m, &res, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        live_result_free(&res);
        model_free(&m);
        if (expected.have)
            model_free(&expected.m);
        return EXIT_TOOL;
    }
    filter_schemas(&m, o);
    for (i = 0; i < res.skipped.len; i++) {
        const live_skip *s = util_vec_at(&res.skipped, i);
        pgr_location loc;
        char *obj = util_xasprintf("check:%s", s->check), *msg;

        memset(&loc, 0, sizeof loc);
        loc.object = obj;
        msg = util_xasprintf("skipped: %s", s->reason);
        host_report_core(h, "core/check-skipped", &loc, msg);
        free(msg);
        free(obj);
    }
    check_model_hooks(h, &m);
    if (expected.have) {
        filter_schemas(&expected.m, o);
        check_drift_hooks(h, &expected.m, &m);
        model_free(&expected.m);
    }
    check_finish_hooks(h);
    h->diags->files = 0;
    subject = util_xasprintf("database %s", res.database ? res.database : "?");
    h->diags->subject = subject;
    diag_sort(h->diags);
    print_findings(h, o, NULL, NULL);
    if (getenv("PGRAMPART_REPORT_QUERIES"))
        fprintf(stderr, "pgrampart: %zu queries\n", res.queries);
    rc = diag_count_at_least(h->diags, (pgr_severity) o->fail_on) > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
    h->diags->subject = NULL;
    free(subject);
    live_result_free(&res);
    model_free(&m);
    return rc;
}

/* pgrampart init: a commented starter .pgrampart.yml for this repository,
 * with the migration sets and env files it finds.  Never overwrites. */
static int
cmd_init(host *h)
{
    static char *const dot[] = { "." };
    diag_store scratch, *saved = h->diags;
    check_run run;
    char *err = NULL;
    FILE *f;
    size_t i, envs = 0;

    if (access(".pgrampart.yml", F_OK) == 0) {
        fprintf(stderr, "pgrampart: .pgrampart.yml exists already; not overwriting it\n");
        return EXIT_TOOL;
    }
    diag_init(&scratch);
    h->diags = &scratch;
    if (check_paths(h, dot, 1, &run, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        h->diags = saved;
        diag_free(&scratch);
        return EXIT_TOOL;
    }
    h->diags = saved;
    f = fopen(".pgrampart.yml", "w");
    if (f == NULL) {
        fprintf(stderr, "pgrampart: cannot write .pgrampart.yml\n");
        check_free(&run);
        diag_free(&scratch);
        return EXIT_TOOL;
    }
    fprintf(f, "# pgrampart configuration, written by `pgrampart init`: edit freely.\n"
               "# Every key: README \"Configuration\"; every rule: `pgrampart explain RULE`.\n#\n");
    fprintf(f, "# Migration sets found (detected by file names; pin one under `migrations:`\n"
               "# if the detection is wrong):\n");
    for (i = 0; i < run.mig.sets.len; i++) {
        const mig_set *ms = util_vec_at(&run.mig.sets, i);

        /* A directory name holding a newline must not end the comment. */
        fputs("# - ", f);
        diag_put_safe(f, ms->root);
        fprintf(f, "  (%s, %zu migrations)\n", ms->convention, ms->entries.len);
    }
    if (run.mig.sets.len == 0)
        fprintf(f, "# - (none)\n");
    fprintf(f, "# Environment files found:");
    for (i = 0; i < run.files.len; i++) {
        const check_file *cf = util_vec_at(&run.files, i);

        if (strcmp(cf->fe->name, "dotenv") == 0 && !cf->context) {
            fputc(' ', f);
            diag_put_safe(f, cf->path);
            envs++;
        }
    }
    fprintf(f, "%s\n\n", envs ? "" : " (none)");
    fprintf(f, "# The PostgreSQL major version you deploy to (default 15).\n#postgres_version: 15\n\n");
    fprintf(f, "# Pin a directory to a convention, or declare one is not migrations:\n#migrations:\n");
    for (i = 0; i < run.mig.sets.len; i++) {
        const mig_set *ms = util_vec_at(&run.mig.sets, i);

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
    fclose(f);
    printf("wrote .pgrampart.yml (%zu migration set%s, %zu env file%s found)\n", run.mig.sets.len,
           run.mig.sets.len == 1 ? "" : "s", envs, envs == 1 ? "" : "s");
    check_free(&run);
    diag_free(&scratch);
    return EXIT_CLEAN;
}

/* One rule's explanation text (why/bad/good), or NULL. */
static const char *
explain_text(const cfg_node *docs, const char *rule, const char *what)
{
    const cfg_node *n = cfg_get(cfg_get(docs, rule), what);

    return n && n->kind == CFG_SCALAR ? n->scalar : NULL;
}

static void
print_indented(const char *text, const char *indent)
{
    const char *p = text;

    while (p && *p) {
        size_t n = strcspn(p, "\n");

        printf("%s%.*s\n", indent, (int) n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void
explain_one(const host *h, const host_rule *r, const cfg_node *docs, bool markdown)
{
    const host_plugin *p = util_vec_at(&h->plugins, r->plugin);
    const char *why = explain_text(docs, r->rule->id, "why");
    const char *bad = explain_text(docs, r->rule->id, "bad");
    const char *good = explain_text(docs, r->rule->id, "good");

    if (markdown) {
        printf("## `%s`\n\n*%s plugin, default severity %s*\n\n%s\n\n", r->rule->id, p->desc->name,
               diag_severity_name(r->rule->default_severity), r->rule->summary);
        printf("**Why it matters.** %s\n\n**Bad**\n\n```\n%s\n```\n\n**Good**\n\n```\n%s\n```\n\n",
               why, bad, good);
        printf("**Fix.** %s\n\n**Source.** %s\n\n", r->rule->hint ? r->rule->hint : "",
               r->rule->source ? r->rule->source : "");
        return;
    }
    printf("%s  (%s plugin, default %s)\n\n", r->rule->id, p->desc->name,
           diag_severity_name(r->rule->default_severity));
    print_indented(r->rule->summary, "  ");
    printf("\nWhy it matters:\n");
    print_indented(why, "  ");
    printf("\nBad:\n");
    print_indented(bad, "    ");
    printf("\nGood:\n");
    print_indented(good, "    ");
    printf("\nFix: %s\nSource: %s\n", r->rule->hint ? r->rule->hint : "",
           r->rule->source ? r->rule->source : "");
}

/* pgrampart explain RULE, or --markdown for every rule (docs/rules.md). */
static int
cmd_explain(host *h, const options *o, char *const *args, size_t n)
{
    char *plugins, *rules, *path, *err = NULL;
    cfg_node *docs = NULL;
    size_t i;
    int rc = EXIT_CLEAN;

    default_dirs(&plugins, &rules);
    path = util_path_join(rules ? rules : ".", "docs/explain.yml");
    if (cfg_load(path, &docs, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        free(path);
        free(plugins);
        free(rules);
        return EXIT_TOOL;
    }
    /* Every rule needs its explanation: a gap is an error, not a blank. */
    for (i = 0; i < h->rules.len; i++) {
        const host_rule *r = util_vec_at(&h->rules, i);

        if ((o->markdown || (n == 1 && strcmp(args[0], r->rule->id) == 0)) &&
            (!explain_text(docs, r->rule->id, "why") || !explain_text(docs, r->rule->id, "bad") ||
             !explain_text(docs, r->rule->id, "good"))) {
            fprintf(stderr, "pgrampart: %s: no why/bad/good for rule %s\n", path, r->rule->id);
            rc = EXIT_TOOL;
        }
    }
    if (rc == EXIT_CLEAN && o->markdown) {
        printf("# pgrampart rules\n\nGenerated by `pgrampart explain --markdown` from the loaded "
               "rules and `rules/docs/explain.yml`; do not edit by hand.\n\n");
        for (i = 0; i < h->rules.len; i++)
            explain_one(h, util_vec_at(&h->rules, i), docs, true);
    } else if (rc == EXIT_CLEAN) {
        const host_rule *r = n == 1 ? host_find_rule(h, args[0]) : NULL;

        if (r == NULL) {
            fprintf(stderr, "pgrampart: %s\n", n == 1 ? "unknown rule (see pgrampart rules)"
                    : "usage: pgrampart explain RULE | --markdown");
            rc = EXIT_TOOL;
        } else {
            explain_one(h, r, docs, false);
        }
    }
    cfg_free(docs);
    free(path);
    free(plugins);
    free(rules);
    return rc;
}

static int
parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "fail-on", required_argument, NULL, 'F' },
        { "config", required_argument, NULL, 'c' },
        { "plugin-dir", required_argument, NULL, 'P' },
        { "no-color", no_argument, NULL, 'N' },
        { "timeout", required_argument, NULL, 'T' },
        { "schema", required_argument, NULL, 'S' },
        { "exclude-schema", required_argument, NULL, 'X' },
        { "migrations", required_argument, NULL, 'M' },
        { "baseline", required_argument, NULL, 'B' },
        { "staged", no_argument, NULL, 'G' },
        { "markdown", no_argument, NULL, 'K' },
        { "diff-base", required_argument, NULL, 'D' },
        { "write-baseline", required_argument, NULL, 'W' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c;

    o->format = "text";
    o->fail_on = PGR_SEVERITY_ERROR;
    o->timeout_ms = 5000;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "sarif") &&
                strcmp(optarg, "github") && strcmp(optarg, "gitlab")) {
                fprintf(stderr, "pgrampart: unknown format '%s' (text, json, sarif, github, "
                        "gitlab)\n", optarg);
                return -1;
            }
            o->format = optarg;
            break;
        case 'F':
            o->fail_on = diag_severity_parse(optarg);
            if (o->fail_on <= PGR_SEVERITY_OFF) {
                fprintf(stderr, "pgrampart: --fail-on takes error, warning or info\n");
                return -1;
            }
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'P':
            *(const char **) util_vec_push(&o->plugin_dirs) = optarg;
            break;
        case 'N':
            o->no_color = true;
            break;
        case 'T':
            o->timeout_ms = atoi(optarg);
            o->timeout_given = true;
            if (o->timeout_ms <= 0) {
                fprintf(stderr, "pgrampart: --timeout takes milliseconds > 0\n");
                return -1;
            }
            break;
        case 'S':
            *(const char **) util_vec_push(&o->schemas) = optarg;
            break;
        case 'X':
            *(const char **) util_vec_push(&o->exclude_schemas) = optarg;
            break;
        case 'M':
            o->migrations = optarg;
            break;
        case 'B':
            o->baseline = optarg;
            break;
        case 'G':
            o->staged = true;
            break;
        case 'K':
            o->markdown = true;
            break;
        case 'D':
            o->diff_base = optarg;
            break;
        case 'W':
            o->write_baseline = optarg;
            break;
        case 'h':
            usage_command(argv[0], stdout);
            exit(EXIT_CLEAN);
        default:
            usage(stderr);
            return -1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    options o;
    config cfg;
    diag_store ds;
    host h;
    const char *cmd;
    char *err = NULL;
    int rc;

    if (argc < 2) {
        usage(stderr);
        return EXIT_TOOL;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("pgrampart %s (plugin ABI %d, libpg_query for PostgreSQL %s)\n",
               PGR_VERSION, PGR_ABI_VERSION, PG_VERSION);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "check") && strcmp(cmd, "rules") && strcmp(cmd, "model") && strcmp(cmd, "audit") &&
        strcmp(cmd, "explain") && strcmp(cmd, "init")) {
        fprintf(stderr, "pgrampart: unknown command '%s'\n", cmd);
        usage(stderr);
        return EXIT_TOOL;
    }
    memset(&o, 0, sizeof o);
    util_vec_init(&o.plugin_dirs, sizeof(const char *));
    util_vec_init(&o.schemas, sizeof(const char *));
    util_vec_init(&o.exclude_schemas, sizeof(const char *));
    if (parse_options(argc - 1, argv + 1, &o) != 0) {
        util_vec_free(&o.plugin_dirs);
        return EXIT_TOOL;
    }
    if (config_load(&cfg, o.config, optind < argc - 1 ? argv[1 + optind] : NULL, &err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        config_free(&cfg);
        util_vec_free(&o.plugin_dirs);
        return EXIT_TOOL;
    }
    diag_init(&ds);
    host_init(&h, &cfg, &ds);
    if (setup_host(&h, &cfg, &o) != 0)
        rc = EXIT_TOOL;
    else if (strcmp(cmd, "rules") == 0)
        rc = cmd_rules(&h);
    else if (strcmp(cmd, "init") == 0)
        rc = cmd_init(&h);
    else if (strcmp(cmd, "explain") == 0)
        rc = cmd_explain(&h, &o, argv + 1 + optind, (size_t) (argc - 1 - optind));
    else if (strcmp(cmd, "audit") == 0)
        rc = cmd_audit(&h, &o, argv + 1 + optind, (size_t) (argc - 1 - optind));
    else if (strcmp(cmd, "model") == 0)
        rc = cmd_model(&h, argv + 1 + optind, (size_t) (argc - 1 - optind));
    else
        rc = cmd_check(&h, &o, argv + 1 + optind, (size_t) (argc - 1 - optind));
    host_free(&h);
    diag_free(&ds);
    config_free(&cfg);
    util_vec_free(&o.plugin_dirs);
    util_vec_free(&o.schemas);
    util_vec_free(&o.exclude_schemas);
    /* libpg_query keeps a memory context per thread; release it last. */
    if (sql_parser_used())
        pg_query_exit();
    mask_free_patterns();
    return rc;
}
