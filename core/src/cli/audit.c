/*
 * audit.c — pgrampart audit: the live catalog through the same rules as check.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/pqlib.h"
#include "model/live.h"
#include "report/reporter.h"
#include "scan/check.h"
#include "scan/suppress.h"

void
cli_audit_help(FILE *out)
{
    fputs("usage: pgrampart audit [options] [CONNINFO...]\n"
          "Audit a live database, read-only (libpq defaults without CONNINFO);\n"
          "several CONNINFOs: one report with a summary row per database.\n"
          "  --migrations PATH       also report drift from these migrations\n"
          "  --all-databases         every database of CONNINFO's server but templates\n"
          "  --services FILE         every service of this pg_service.conf\n"
          "  --jobs N                with several databases: read N at once (default 2)\n"
          "  --inventory             also list tables (RLS, policies per command) and roles\n"
          "                          (login, superuser, bypassrls, connection limit); text, json\n"
          "  --schema NAME           only this schema (repeatable)\n"
          "  --exclude-schema NAME   leave this schema out (repeatable)\n"
          "  --timeout MS            statement_timeout, lock_timeout and connecting (5000;\n"
          "                          connecting: whole seconds, at least 2, default 10)\n"
          "  --output FILE           write the report to FILE (- for standard output)\n"
          "  --format FORMAT, --fail-on SEVERITY, --config FILE, --plugin-dir DIR\n", out);
    cli_print_report_options(out);
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
filter_schemas(model *m, const cli_options *o)
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
/* A core/check-skipped finding per check the role could not run. */
static void
report_skipped(host *h, const live_result *res)
{
    size_t i;

    for (i = 0; i < res->skipped.len; i++) {
        const live_skip *s = util_vec_at(&res->skipped, i);
        pgr_location loc;
        char *obj = util_xasprintf("check:%s", s->check), *msg;

        memset(&loc, 0, sizeof loc);
        loc.object = obj;
        msg = util_xasprintf("skipped: %s", s->reason);
        host_report_core(h, "core/check-skipped", &loc, msg);
        free(msg);
        free(obj);
    }
}

/*
 * Audit one database: read conninfo's catalogs (NULL: libpq's defaults),
 * then audit_model: run the model rules and, when expected->have, drift against the
 * migrations, reporting into h->diags (its inventory too with
 * --inventory), and fill context with the server's facts.  One database's
 * result is its context and its findings: a fleet of databases is a list
 * of these, each audited into a diag_store of its own.  *queries is set to
 * the statements sent.  Returns 0, or -1 with *err set to why it could not
 * connect or read (one line, password masked; caller frees).
 */
static void
audit_model(host *h, const cli_options *o, const char *conninfo, model *m, const live_result *res,
            cli_kept_model *expected, report_context *context)
{
    filter_schemas(m, o);
    report_context_set_live(context, res, conninfo);
    report_skipped(h, res);
    if (o->inventory) {
        pgr_model view;

        model_view(m, &view);
        h->diags->inventory = report_inventory(&view);
    }
    check_model_hooks(h, m);
    if (expected->have)
        check_drift_hooks(h, &expected->m, m);
    check_finish_hooks(h);
    if (expected->have)
        suppress_apply_migrations(h, &expected->m);
    h->diags->files = 0;
}

/* Read conninfo's catalogs and audit_model them: *queries is set to the
 * statements sent, *parsed to the distinct policy expressions parsed.
 * Returns 0, or -1 with *err set (one line, password masked; caller frees). */
static int
audit_database(host *h, const cli_options *o, const char *conninfo, cli_kept_model *expected,
               report_context *context, size_t *queries, size_t *parsed, char **err)
{
    live_result res;
    model m;
    int rc = -1;

    model_init(&m, "database", 0);
    if (live_read_model(conninfo, o->timeout_ms, cli_connect_timeout_s(o), &m, &res, err) == 0) {
        audit_model(h, o, conninfo, &m, &res, expected, context);
        *queries = res.queries;
        *parsed = res.clauses_parsed;
        rc = 0;
    }
    live_result_free(&res);
    model_free(&m);
    return rc;
}

/* Databases read at once by default in a fleet audit: a DBA's run should
 * not hold many connections on a shared server (--jobs raises it). */
#define FLEET_DEFAULT_JOBS 2

/* One database of a fleet: what audit_database filled, kept until the
 * report is written. */
typedef struct fleet_db {
    diag_store diags;
    report_context context;
    char *conninfo;  /* masked, for the report */
    char *subject;   /* "database NAME" */
    char *error;     /* NULL when audited */
    size_t queries;
} fleet_db;

/* Audit one database of the fleet from its catalogs read (r) into db's
 * own store and context, on this thread; a database that could not be read
 * keeps its error and the fleet goes on.  args[0..n) are the command
 * line's conninfos, masked in the context's command line. */
static void
fleet_audit_one(host *h, const cli_options *o, char *const *args, size_t n, live_read *r,
                cli_kept_model *expected, fleet_db *db)
{
    diag_store *saved = h->diags;

    diag_init(&db->diags);
    report_context_init_fleet(&db->context, "audit", o->argc, o->argv, (char const *const *) args, n);
    db->context.fail_on = diag_severity_name((pgr_severity) o->fail_on);
    db->context.migrations = expected->have;
    db->context.start = r->start;
    db->context.end = r->end;
    db->conninfo = report_mask_conninfo(r->conninfo);
    if (r->rc != 0) {
        db->error = r->err;
        r->err = NULL;
        return;
    }
    h->diags = &db->diags;
    audit_model(h, o, r->conninfo, &r->m, &r->res, expected, &db->context);
    db->queries = r->res.queries;
    db->subject = util_xasprintf("database %s", db->context.database ? db->context.database : "?");
    db->diags.subject = db->subject;
    diag_sort(&db->diags);
    diag_mask_findings(&db->diags, NULL, NULL);
    h->diags = saved;
}

static void
fleet_db_free(fleet_db *db)
{
    json_decref(db->diags.inventory);
    db->diags.inventory = NULL;
    db->diags.subject = NULL;
    diag_free(&db->diags);
    report_context_free(&db->context);
    free(db->conninfo);
    free(db->subject);
    free(db->error);
}

/* Write the fleet report to --output (standard output by default). */
static int
fleet_print(host *h, const cli_options *o, const fleet_db *dbs, size_t n)
{
    char *tmp;
    report_fleet_member *members;
    FILE *out = cli_output_open(o, &tmp);
    size_t i;
    int rc;

    if (out == NULL)
        return -1;
    members = util_xcalloc(n, sizeof *members);
    for (i = 0; i < n; i++) {
        members[i].conninfo = dbs[i].conninfo;
        members[i].ds = &dbs[i].diags;
        members[i].context = &dbs[i].context;
        members[i].error = dbs[i].error;
    }
    rc = report_fleet_write(h, o->format, members, n, (pgr_severity) o->fail_on, out);
    rc = cli_output_close(o, out, tmp, rc);
    free(members);
    return rc;
}

/*
 * audit of a fleet, targets[0..n_targets) (conninfos, in report order;
 * args[0..n) those of the command line): each database audited in turn
 * into its own store and context, then one report.  Exit status: 2 (tool) when no
 * database could be audited or the report not written, else 1 when any
 * audited database has a finding at --fail-on, else 0 — an unreachable
 * database is a row with its error, not a failed run.
 */
static int
audit_fleet(host *h, const cli_options *o, char *const *args, size_t n, char *const *targets,
            size_t n_targets)
{
    cli_kept_model expected;
    live_read *reads;
    live_pool *pool;
    fleet_db *dbs;
    size_t i, audited = 0, failing = 0;
    int rc = CLI_EXIT_TOOL;

    memset(&expected, 0, sizeof expected);
    /* The CI annotation formats (github, gitlab) have no fleet form: say
     * so rather than print one database of many. */
    if (strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0 &&
        strcmp(o->format, "markdown") != 0 && strcmp(o->format, "html") != 0 &&
        strcmp(o->format, "sarif") != 0) {
        fprintf(stderr, "pgrampart: audit of several databases prints with --format text, json, "
                        "markdown, html or sarif\n");
        return CLI_EXIT_TOOL;
    }
    /* The fleet report has a summary table of its own, not a count per rule. */
    if (o->statistics) {
        fprintf(stderr, "pgrampart: --statistics counts the findings of one database\n");
        return CLI_EXIT_TOOL;
    }
    if (o->migrations && cli_migrations_model(h, o->migrations, &expected) != 0)
        return CLI_EXIT_TOOL;
    if (expected.have)
        filter_schemas(&expected.m, o);
    dbs = util_xcalloc(n_targets, sizeof *dbs);
    reads = util_xcalloc(n_targets, sizeof *reads);
    for (i = 0; i < n_targets; i++)
        reads[i].conninfo = targets[i];
    /* The catalogs are read concurrently (network and server: the slow
     * part); the rules and plugins then run here, in the order given. */
    pool = live_pool_start(reads, n_targets, o->jobs ? o->jobs : FLEET_DEFAULT_JOBS, o->timeout_ms,
                           cli_connect_timeout_s(o));
    for (i = 0; i < n_targets; i++) {
        fleet_audit_one(h, o, args, n, live_pool_wait(pool, i), &expected, &dbs[i]);
        live_pool_release(pool, i);
        audited += dbs[i].error == NULL;
        failing += dbs[i].error == NULL &&
                   diag_count_at_least(&dbs[i].diags, (pgr_severity) o->fail_on) > 0;
        if (getenv("PGRAMPART_REPORT_QUERIES") && dbs[i].error == NULL)
            fprintf(stderr, "pgrampart: %zu queries (%s)\n", dbs[i].queries, dbs[i].conninfo);
    }
    live_pool_finish(pool);
    if (fleet_print(h, o, dbs, n_targets) == 0 && audited > 0)
        rc = failing > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
    for (i = 0; i < n_targets; i++)
        fleet_db_free(&dbs[i]);
    free(dbs);
    free(reads);
    if (expected.have)
        model_free(&expected.m);
    return rc;
}

/*
 * The service names of a pg_service.conf: its [section] headers, in file
 * order (libpq's INI syntax: leading blanks skipped, '#' comments).  Each
 * is appended to names (of char *, caller frees).  Returns 0, or -1 with
 * *err set.
 */
static int
read_services(const char *path, util_vec *names, char **err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t size = 0;

    if (f == NULL) {
        *err = util_xasprintf("--services %s: %s", path, strerror(errno));
        return -1;
    }
    /* Whole lines (getline): a long value must not be split into a piece
     * that looks like a [section]. */
    while (getline(&line, &size, f) != -1) {
        char *p = line, *end;

        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '[' || (end = strchr(p, ']')) == NULL)
            continue;
        *end = '\0';
        *(char **) util_vec_push(names) = live_conninfo_pair("service", p + 1);
    }
    free(line);
    fclose(f);
    return 0;
}

/*
 * The fleet's conninfos: the command line's, then each service of
 * --services (libpq resolves "service=NAME" in PGSERVICEFILE, set to the
 * file), or with --all-databases every database of the first conninfo's
 * server.  Appends to targets (of char *, caller frees).  Returns 0, or -1
 * with *err set.
 */
static int
fleet_targets(const cli_options *o, char *const *args, size_t n, util_vec *targets, char **err)
{
    util_vec names;
    size_t i;
    int rc = 0;

    util_vec_init(&names, sizeof(char *));
    if (o->all_databases) {
        if (n > 1 || o->services) {
            *err = util_xstrdup("--all-databases takes one connection string (its server), "
                                "and not --services");
            return -1;
        }
        if (live_list_databases(n ? args[0] : NULL, cli_connect_timeout_s(o), &names, err) != 0)
            rc = -1;
        for (i = 0; i < names.len; i++) {
            char *name = *(char **) util_vec_at(&names, i);
            char *ci = rc == 0 ? live_conninfo_with_dbname(n ? args[0] : NULL, name, err) : NULL;

            if (ci)
                *(char **) util_vec_push(targets) = ci;
            else
                rc = -1;
            free(name);
        }
        util_vec_free(&names);
        return rc;
    }
    for (i = 0; i < n; i++)
        *(char **) util_vec_push(targets) = util_xstrdup(args[i]);
    if (o->services) {
        /* libpq reads the services itself, with the rest of its defaults. */
        setenv("PGSERVICEFILE", o->services, 1);
        rc = read_services(o->services, targets, err);
    }
    return rc;
}

/* audit of several databases: the fleet's targets, then audit_fleet. */
static int
audit_fleet_main(host *h, const cli_options *o, char *const *args, size_t n)
{
    util_vec targets;
    char *err = NULL;
    size_t i;
    int rc = CLI_EXIT_TOOL;

    util_vec_init(&targets, sizeof(char *));
    if (fleet_targets(o, args, n, &targets, &err) != 0)
        diag_print_error(stderr, err);
    else if (targets.len == 0)
        diag_print_error(stderr, "no database to audit");
    else
        rc = audit_fleet(h, o, args, n, (char *const *) targets.items, targets.len);
    for (i = 0; i < targets.len; i++)
        free(*(char **) util_vec_at(&targets, i));
    util_vec_free(&targets);
    free(err);
    return rc;
}

/* pgrampart audit: the live catalog through the same rules as check. */
int
cli_audit(host *h, const cli_options *o, char *const *args, size_t n)
{
    cli_kept_model expected;
    char *subject = NULL, *err = NULL;
    report_context context;
    size_t queries = 0, parsed = 0;
    int rc = CLI_EXIT_TOOL;

    memset(&expected, 0, sizeof expected);
    /* libpq is loaded on first use (host/pqlib.h): a missing one is said
     * here, before any work. */
    if (pqlib_load(&err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        return CLI_EXIT_TOOL;
    }
    if (n > 1 || o->all_databases || o->services)
        return audit_fleet_main(h, o, args, n);
    /* The inventory is a listing, not findings: only the formats that are
     * read by people or by scripts as a whole document carry it. */
    if (o->inventory && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0) {
        fprintf(stderr, "pgrampart: --inventory prints with --format text or json\n");
        return CLI_EXIT_TOOL;
    }
    report_context_init(&context, "audit", o->argc, o->argv, n ? args[0] : NULL);
    context.fail_on = diag_severity_name((pgr_severity) o->fail_on);
    context.migrations = o->migrations != NULL;
    if (o->migrations && cli_migrations_model(h, o->migrations, &expected) != 0)
        goto out;
    if (expected.have)
        filter_schemas(&expected.m, o);
    if (audit_database(h, o, n ? args[0] : NULL, &expected, &context, &queries, &parsed, &err) != 0) {
        diag_print_error(stderr, err);
        goto out;
    }
    subject = util_xasprintf("database %s", context.database ? context.database : "?");
    h->diags->subject = subject;
    diag_sort(h->diags);
    report_context_finish(&context);
    /* A report that could not be written is the tool failing, not a clean run. */
    if (cli_print_findings(h, o, NULL, NULL, &context) != 0 || fflush(stdout) != 0)
        goto out;
    if (getenv("PGRAMPART_REPORT_QUERIES"))
        fprintf(stderr, "pgrampart: %zu queries, %zu policy expressions parsed\n", queries, parsed);
    rc = diag_count_at_least(h->diags, (pgr_severity) o->fail_on) > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
out:
    h->diags->subject = NULL;
    json_decref(h->diags->inventory);
    h->diags->inventory = NULL;
    free(subject);
    free(err);
    report_context_free(&context);
    if (expected.have)
        model_free(&expected.m);
    return rc;
}
