/*
 * verify.c — pgrampart verify: execute each migration's down on a scratch
 * database and check that it undoes its up (issue 18, first slice).
 *
 * On the server given with --server it creates its own database per
 * migration set (pgrampart_verify_<pid>_<random>, from template0), works
 * only there, and drops it after the set, error paths included; roles the
 * migrations created (roles are cluster-wide, not in the database) are
 * dropped too.
 * Each migration set under PATH is discovered and ordered as check and
 * model do (scan/migrations.c).  For each migration in order: the catalog
 * is read with the audit's live reader (model/live.c) before the up when
 * the migration has a down; the up runs; the down runs; the catalog is
 * read again and compared with the first reading; the up runs again.  A
 * down of comments only declares its up irreversible and is not run.
 *
 * Each up or down runs in one transaction (BEGIN, its statements one by
 * one, COMMIT; ROLLBACK on an error), so that a failed down leaves the
 * database as its up left it, and PostgreSQL's error position is relative
 * to one statement, whose place in the file is known.  A file's own
 * BEGIN/COMMIT are not sent (the transaction is ours); a part of one
 * statement is sent alone, and a file that holds what cannot run in a
 * transaction block (CREATE INDEX CONCURRENTLY) or is named .autocommit.
 * (pop) statement by statement, each committed.  A file that does not
 * parse is sent whole, as one simple query.
 *
 * Findings (core rules, host.c): verify/up-fails (and the rest of the set
 * is not run), verify/down-fails, verify/down-not-inverse (one per
 * difference, at the down file's line 1, or a dbmate file's down marker;
 * a table that survives or goes missing is one finding, not one per
 * column),
 * verify/up-not-repeatable (and the rest of the set is not run),
 * verify/extension-unavailable (an up's CREATE EXTENSION of an extension
 * the server lacks: the rest of the set is skipped, not failed;
 * verify_extensions.c).
 * After all ups of a set, verify_probe.c and verify_roles.c probe tenant
 * isolation and the configured roles' deny lists (verify/tenant-leak,
 * verify/no-context-sees-rows, verify/role-can, verify/probe-skipped).
 */
#include "cli/cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/pqlib.h"
#include "model/live.h"
#include "cli/verify_cluster.h"
#include "cli/verify_extensions.h"
#include "cli/verify_drift.h"
#include "cli/verify_exec.h"
#include "cli/verify_facts.h"
#include "cli/verify_platform.h"
#include "cli/verify_probe.h"
#include "report/reporter.h"
#include "scan/check.h"

void
cli_verify_help(FILE *out)
{
    fputs("usage: pgrampart verify [--server CONNINFO] [options] [PATH]\n"
          "Run PATH's migrations (default .) in order on a scratch database of CONNINFO's\n"
          "server, created from template0 and dropped at the end (with the roles the\n"
          "migrations created); each down is run after its up, the catalog compared with\n"
          "the one before the up, and the up run again.  After the ups, tenant isolation\n"
          "(RLS policies, two tenants) and the deny lists of grants.roles are probed, in\n"
          "transactions rolled back.  The role needs CREATEDB (and CREATEROLE to probe).\n"
          "Without --server, on a throwaway cluster of its own (initdb of the PostgreSQL\n"
          "server binaries of pg_config --bindir or /usr/lib/postgresql/<major>/bin, a\n"
          "Unix socket in a temporary directory only), removed at the end.\n"
          "  --server CONNINFO       the scratch server (libpq URI or key=value)\n"
          "  --server-user NAME      as root: the user the throwaway cluster runs as\n"
          "                          (PostgreSQL refuses root; default postgres)\n"
          "  --timeout MS            connecting: whole seconds, at least 2 (default 10)\n"
          "  --output FILE           write the report to FILE (- for standard output)\n"
          "  --format FORMAT, --fail-on SEVERITY, --config FILE, --plugin-dir DIR\n", out);
    cli_print_report_options(out);
}

/* One verify run: the scratch database and where findings go. */
typedef struct verify_run {
    host *h;
    check_run *check;
    PGconn *admin;          /* to the server's database given in --server */
    PGconn *conn;           /* to the scratch database: every migration runs here */
    char *dbname;           /* the scratch database's name */
    char *conninfo;         /* --server with dbname replaced by it */
    int connect_timeout_s;
    util_vec roles_before;  /* of char *: pg_roles when the run started */
    util_vec models;        /* of model *: each set's replay (verify_drift.c) */
    bool quiet;             /* the ups-only pass: what fails was reported already */
    util_vec extensions;    /* of char *: pg_available_extensions of the server */
} verify_run;

static check_file *
file_at(check_run *run, long mig_index)
{
    return mig_index < 0 ? NULL : util_vec_at(&run->files, run->sql_index[mig_index]);
}

static void
report_at(verify_run *v, const char *rule, const check_file *f, size_t offset, const char *msg)
{
    pgr_location loc;

    if (v->quiet)
        return;
    memset(&loc, 0, sizeof loc);
    loc.path = f->path;
    util_lines_pos(&f->sql.lines, offset, &loc.line, &loc.column);
    loc.end_line = loc.line;
    loc.end_column = loc.column;
    host_report_core(v->h, rule, &loc, msg);
}

/* Report a failed part of f: "what: PostgreSQL's message" at its error's
 * position; frees e's message. */
static void
report_error(verify_run *v, const char *rule, const check_file *f, const char *what, verify_error *e)
{
    char *msg = util_xasprintf("%s: %s", what, e->message);

    report_at(v, rule, f, e->offset, msg);
    free(msg);
    free(e->message);
}

/* Where a down's differences are reported (verify_facts_compare's arg). */
typedef struct down_site {
    verify_run *v;
    const check_file *down;
    size_t offset;
} down_site;

static void
report_difference(void *arg, const char *msg)
{
    down_site *site = arg;

    report_at(site->v, "verify/down-not-inverse", site->down, site->offset, msg);
}

/*
 * Read the scratch database's catalog with the audit's reader and turn it
 * into sorted facts (of verify_fact; caller verify_facts_free-s).  Returns 0, or
 * -1 with *err set (caller frees).
 */
static int
snapshot(verify_run *v, util_vec *facts, char **err)
{
    live_result res;
    pgr_model view;
    model m;
    int rc;

    util_vec_init(facts, sizeof(verify_fact));
    model_init(&m, "database", 0);
    rc = live_read_model(v->conninfo, 0, v->connect_timeout_s, &m, &res, err);
    if (rc == 0) {
        model_view(&m, &view);
        verify_facts_of(&view, facts);
    }
    live_result_free(&res);
    model_free(&m);
    return rc;
}


/* The part of an entry's file: a dbmate file holds both halves. */
static pgr_part
entry_part(const mig_entry *e, bool down)
{
    if (e->up != e->down)
        return PGR_PART_NONE;
    return down ? PGR_PART_DOWN : PGR_PART_UP;
}

/* Run the ups of entries [a, b) of set; on a failure report rule at the
 * up's error and return -1. */
static int
run_ups(verify_run *v, const mig_set *set, size_t a, size_t b, const char *rule, const char *what)
{
    size_t k;

    for (k = a; k < b; k++) {
        const mig_entry *e = util_vec_at(&set->entries, k);
        const check_file *up = file_at(v->check, e->up);
        const sql_stmt *st;
        const char *ext;
        verify_error err;

        /* What needs an extension the server lacks cannot be verified
         * there: say so and skip the rest of the set, not fail it. */
        if (up && (st = verify_extension_missing(up, entry_part(e, false), &v->extensions, &ext))) {
            char *msg = util_xasprintf("extension \"%s\" is not available on the server "
                                       "(pg_available_extensions): this migration and the rest of "
                                       "its set are not verified", ext);

            report_at(v, "verify/extension-unavailable", up, st->start, msg);
            free(msg);
            return -1;
        }
        if (up == NULL || verify_run_part(v->conn, up, entry_part(e, false), &err) == 0)
            continue;
        report_error(v, rule, up, what, &err);
        return -1;
    }
    return 0;
}

/* Where a down's whole-file finding goes: line 1, or a dbmate file's
 * down marker. */
static size_t
down_offset(const check_file *f, const mig_entry *e)
{
    return e->up == e->down && f->sql.down_marker >= 0 ? (size_t) f->sql.down_marker : 0;
}

/*
 * Run the downs of entries [a, b) in reverse order (as the tools roll
 * back).  Returns 0, or -1 after reporting verify/down-fails (-2 when
 * the statements before the failing one stayed applied).  *last is set
 * to the last down file run and *last_entry to its entry.
 */
static int
run_downs(verify_run *v, const mig_set *set, size_t a, size_t b, const check_file **last,
          const mig_entry **last_entry)
{
    size_t k;

    for (k = b; k-- > a;) {
        const mig_entry *e = util_vec_at(&set->entries, k);
        const check_file *down = file_at(v->check, e->down);
        verify_error err;

        if (!verify_part_runs(down, entry_part(e, true)))
            continue;
        *last = down;
        *last_entry = e;
        if (verify_run_part(v->conn, down, entry_part(e, true), &err) == 0)
            continue;
        report_error(v, "verify/down-fails", down, "the down fails after its up", &err);
        return err.partial ? -2 : -1;
    }
    return 0;
}

/* Whether a migration (entries [a, b) of set) has a down that runs. */
static bool
has_down(verify_run *v, const mig_set *set, size_t a, size_t b)
{
    size_t k;

    for (k = a; k < b; k++) {
        const mig_entry *e = util_vec_at(&set->entries, k);

        if (verify_part_runs(file_at(v->check, e->down), entry_part(e, true)))
            return true;
    }
    return false;
}

/*
 * One logical migration, entries [a, b): up; with a down, snapshot before,
 * down, snapshot after, compare, up again.  Returns 0 to go on with the
 * set, 1 to stop it (an up failed, or a down failed half-run), -1 when the
 * catalog could not be read (*err set).
 */
static int
verify_migration(verify_run *v, const mig_set *set, size_t a, size_t b, char **err)
{
    util_vec before, after;
    const check_file *down = NULL;
    const mig_entry *entry = NULL;
    bool downs = has_down(v, set, a, b);
    int rc = 0;

    if (downs && snapshot(v, &before, err) != 0)
        return -1;
    if (run_ups(v, set, a, b, "verify/up-fails", "the up fails") != 0) {
        rc = 1;
    } else if (downs && (rc = run_downs(v, set, a, b, &down, &entry)) != 0) {
        /* A failed down in a transaction left the up in place: go on; a
         * half-run one (autocommit) left a state no migration expects. */
        rc = rc == -2;
    } else if (downs) {
        if (snapshot(v, &after, err) != 0) {
            rc = -1;
        } else {
            down_site site = { v, down, down_offset(down, entry) };

            verify_facts_compare(&before, &after, report_difference, &site);
            verify_facts_free(&after);
            if (run_ups(v, set, a, b, "verify/up-not-repeatable",
                        "the up fails when applied again after its down") != 0)
                rc = 1;
        }
    }
    if (downs)
        verify_facts_free(&before);
    return rc;
}

/* Set by SIGINT, SIGTERM or SIGHUP while verify works on the server: the
 * migration under way finishes (libpq retries a poll a signal interrupts),
 * then the scratch database is dropped and verify exits 2. */
static volatile sig_atomic_t verify_interrupted;

static void
on_signal(int sig)
{
    (void) sig;
    verify_interrupted = 1;
}

/* The signals that interrupt verify, and their dispositions before. */
static const int verify_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define N_VERIFY_SIGNALS (sizeof verify_signals / sizeof verify_signals[0])

static void
catch_signals(struct sigaction saved[N_VERIFY_SIGNALS])
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < N_VERIFY_SIGNALS; i++)
        sigaction(verify_signals[i], &sa, &saved[i]);
}

static void
restore_signals(const struct sigaction saved[N_VERIFY_SIGNALS])
{
    size_t i;

    for (i = 0; i < N_VERIFY_SIGNALS; i++)
        sigaction(verify_signals[i], &saved[i], NULL);
}

/* After all ups of set: the tenant and role probes (verify_probe.c). */
static int
verify_probes(verify_run *v, const mig_set *set, char **err)
{
    verify_probe_site site = { v->h, v->check, set, v->conninfo, v->connect_timeout_s };

    return verify_probe_tenants(&site, err) == 0 ? verify_probe_roles(&site, err) : -1;
}

/*
 * A set of a platform (rules/platforms.yml: under supabase/migrations)
 * assumes what the platform made first: its prelude runs before the set,
 * and the first pass says so at the set's first file (info), or says why
 * it failed (the set then likely fails at an up, reported as usual).
 */
static void
platform_prelude(verify_run *v, const mig_set *set)
{
    const mig_entry *first = set->entries.len ? util_vec_at(&set->entries, 0) : NULL;
    const check_file *f = first ? file_at(v->check, first->up) : NULL;
    const char *name = NULL;
    char *error = NULL, *msg = NULL;
    int rc = verify_platform_prelude(v->h, v->conn, set->root, &name, &error);

    if (rc > 0)
        msg = util_xasprintf("a %s migration set: what the platform creates before the migrations "
                             "(its roles, schemas and functions; rules/platforms.yml) was created first "
                             "on the scratch database", name);
    else if (rc < 0)
        msg = util_xasprintf("a %s migration set: the platform's prelude (rules/platforms.yml) failed: %s",
                             name, error);
    if (msg && f)
        report_at(v, "verify/platform-prelude", f, 0, msg);
    free(msg);
    free(error);
}

/* The migrations of set in order, until one's up fails; then the probes.  Returns 0, or
 * -1 with *err set (interrupted too). */
static int
verify_set(verify_run *v, const mig_set *set, char **err)
{
    size_t k;

    platform_prelude(v, set);
    for (k = 0; k < set->entries.len; k = mig_group_end(set, k)) {
        int rc;

        if (verify_interrupted) {
            *err = util_xstrdup("verify: interrupted (the scratch database is dropped)");
            return -1;
        }
        rc = verify_migration(v, set, k, mig_group_end(set, k), err);

        if (rc < 0)
            return -1;
        if (rc > 0)
            return 0;
    }
    return verify_probes(v, set, err);
}

/*
 * verify/model-drift: on a database of its own, the set's ups alone, in
 * order (the downs run before may not undo their ups), then pgrampart's
 * replay of the set against the catalog.  An up that fails (reported by
 * the first pass) leaves nothing to compare.  Returns 0, or -1 with *err
 * set.
 */
static int
verify_model(verify_run *v, const mig_set *set, char **err)
{
    size_t k;
    int failed = 0;

    v->quiet = true;
    platform_prelude(v, set);
    for (k = 0; k < set->entries.len && !failed && !verify_interrupted; k = mig_group_end(set, k))
        failed = run_ups(v, set, k, mig_group_end(set, k), "verify/up-fails", "the up fails");
    v->quiet = false;
    if (failed || verify_interrupted)
        return 0;
    return verify_drift_check(v->h, &v->models, set->root, v->conninfo, v->connect_timeout_s, err);
}

/* ---- the scratch database ---- */

/* The role names of the server (pg_roles), appended to names (char *). */
static void
list_roles(PGconn *conn, util_vec *names)
{
    verify_names_query(conn, "SELECT rolname FROM pg_catalog.pg_roles", names);
}

static void
names_free(util_vec *names)
{
    size_t i;

    for (i = 0; i < names->len; i++)
        free(*(char **) util_vec_at(names, i));
    util_vec_free(names);
}

/*
 * Create the scratch database (a name no other run can pick: pid and
 * random bits) and connect to it; refuse it unless current_database() is
 * that name.  Returns 0, or -1 with *err set (caller frees).
 */
static int
scratch_create(verify_run *v, const char *server, char **err)
{
    PGresult *res;
    char *sql, *why;
    unsigned r;

    util_vec_init(&v->extensions, sizeof(char *));
    r = (unsigned) rand();
    v->dbname = util_xasprintf("pgrampart_verify_%ld_%08x", (long) getpid(), r);
    sql = util_xasprintf("CREATE DATABASE %s TEMPLATE template0", v->dbname);
    res = pqlib_exec(v->admin, sql);
    free(sql);
    if (pqlib_result_status(res) != PGRES_COMMAND_OK) {
        why = verify_error_text(v->admin, res);
        *err = util_xasprintf("cannot create the scratch database %s on --server: %s (verify "
                              "needs a role with CREATEDB)", v->dbname, why);
        free(why);
        free(v->dbname);
        v->dbname = NULL;
        pqlib_clear(res);
        return -1;
    }
    pqlib_clear(res);
    /* PostgreSQL's NOTICEs (IF EXISTS ... skipping) are the migrations'
     * business, not lines on our stderr: every session of the scratch
     * database (DISCARD ALL returns to this) reports errors only. */
    sql = util_xasprintf("ALTER DATABASE %s SET client_min_messages TO error", v->dbname);
    verify_exec_simple(v->admin, sql);
    free(sql);
    if ((v->conninfo = live_conninfo_with_dbname(server, v->dbname, err)) == NULL ||
        (v->conn = live_connect(v->conninfo, v->connect_timeout_s, err)) == NULL)
        return -1;
    res = pqlib_exec(v->conn, "SELECT pg_catalog.current_database()");
    if (pqlib_result_status(res) != PGRES_TUPLES_OK || pqlib_ntuples(res) != 1 ||
        strcmp(pqlib_getvalue(res, 0, 0), v->dbname) != 0) {
        *err = util_xasprintf("connected to another database than %s: refusing to run migrations "
                              "there", v->dbname);
        pqlib_clear(res);
        return -1;
    }
    pqlib_clear(res);
    verify_extensions_available(v->conn, &v->extensions);
    return 0;
}

/* Drop the scratch database and the roles created since the run started
 * (they are cluster-wide); say on stderr what could not be dropped. */
static void
scratch_drop(verify_run *v)
{
    util_vec now;
    PGresult *res;
    char *sql;
    size_t i;

    pqlib_finish(v->conn);
    v->conn = NULL;
    if (v->dbname) {
        sql = util_xasprintf("DROP DATABASE IF EXISTS %s", v->dbname);
        res = pqlib_exec(v->admin, sql);
        if (pqlib_result_status(res) != PGRES_COMMAND_OK) {
            char *why = verify_error_text(v->admin, res);

            fprintf(stderr, "pgrampart: could not drop the scratch database %s: %s\n", v->dbname, why);
            free(why);
        }
        pqlib_clear(res);
        free(sql);
        free(v->dbname);
        v->dbname = NULL;
    }
    free(v->conninfo);
    v->conninfo = NULL;
    names_free(&v->extensions);
    util_vec_init(&now, sizeof(char *));
    list_roles(v->admin, &now);
    for (i = 0; i < now.len; i++) {
        const char *name = *(char **) util_vec_at(&now, i);
        char *quoted;

        if (verify_names_has(&v->roles_before, name))
            continue;
        quoted = verify_probe_ident(name);
        sql = util_xasprintf("DROP ROLE %s", quoted);
        res = pqlib_exec(v->admin, sql);
        if (pqlib_result_status(res) != PGRES_COMMAND_OK)
            fprintf(stderr, "pgrampart: could not drop role %s that the migrations created\n", quoted);
        pqlib_clear(res);
        free(sql);
        free(quoted);
    }
    names_free(&now);
}

/*
 * Connect, then for each migration set: create a scratch database, verify
 * the set there, drop it.  A set is a schema's history from nothing: two
 * sets of one repository (a service's, a tool's templates) are not
 * stacked on each other.  Returns 0, or -1 with *err set.
 */
static int
verify_on_server(verify_run *v, const cli_options *o, const char *server, char **err)
{
    struct sigaction saved[N_VERIFY_SIGNALS];
    size_t s;
    int rc = 0;

    v->connect_timeout_s = cli_connect_timeout_s(o);
    if ((v->admin = live_connect(server, v->connect_timeout_s, err)) == NULL)
        return -1;
    /* From here a database may exist on the server: an interrupted run
     * must still drop it. */
    catch_signals(saved);
    list_roles(v->admin, &v->roles_before);
    srand((unsigned) time(NULL) ^ (unsigned) getpid());
    for (s = 0; s < v->check->mig.sets.len && rc == 0; s++) {
        const mig_set *set = util_vec_at(&v->check->mig.sets, s);

        rc = scratch_create(v, server, err);
        if (rc == 0)
            rc = verify_set(v, set, err);
        scratch_drop(v);
        if (rc != 0)
            break;
        rc = scratch_create(v, server, err);
        if (rc == 0)
            rc = verify_model(v, set, err);
        scratch_drop(v);
    }
    pqlib_finish(v->admin);
    restore_signals(saved);
    return rc;
}

/* On --server, or on a throwaway cluster started for the run and removed
 * after it (verify_cluster.c).  Returns 0, or -1 with *err set. */
static int
verify_where(verify_run *v, const cli_options *o, char **err)
{
    struct sigaction saved[N_VERIFY_SIGNALS];
    verify_cluster cluster;
    int rc;

    if (o->server)
        return verify_on_server(v, o, o->server, err);
    /* From the start of the cluster to its removal a signal must not end
     * verify: the server (in a session of its own) would outlive it. */
    catch_signals(saved);
    rc = verify_cluster_start(&cluster, o->server_user, err);
    if (rc == 0 && verify_interrupted) {
        *err = util_xstrdup("verify: interrupted (the throwaway cluster is removed)");
        rc = -1;
    } else if (rc == 0) {
        rc = verify_on_server(v, o, cluster.conninfo, err);
    }
    verify_cluster_stop(&cluster);  /* a cluster that failed to start is already gone */
    restore_signals(saved);
    return rc;
}

/* The up and down files of the run's migration sets, for the summary. */
static size_t
migration_files(const check_run *run)
{
    size_t s, k, n = 0;

    for (s = 0; s < run->mig.sets.len; s++) {
        const mig_set *set = util_vec_at(&run->mig.sets, s);

        for (k = 0; k < set->entries.len; k++) {
            const mig_entry *e = util_vec_at(&set->entries, k);

            n += (e->up >= 0) + (e->down >= 0 && e->down != e->up);
        }
    }
    return n;
}

/* pgrampart verify --server CONNINFO [PATH]. */

int
cli_verify(host *h, const cli_options *o, char *const *args, size_t n)
{
    static char *const dot[] = { "." };
    diag_store scratch, *saved = h->diags;
    report_context context;
    check_run run;
    verify_run v;
    char *err = NULL, *masked;
    int rc = CLI_EXIT_TOOL;

    if (o->server && o->server_user) {
        fprintf(stderr, "pgrampart: verify: --server-user is the throwaway cluster's; with --server "
                        "the server runs already\n");
        return CLI_EXIT_TOOL;
    }
    if (n > 1) {
        fprintf(stderr, "pgrampart: verify takes one PATH\n");
        return CLI_EXIT_TOOL;
    }
    if (pqlib_load(&err) != 0) {
        diag_print_error(stderr, err);
        free(err);
        return CLI_EXIT_TOOL;
    }
    memset(&v, 0, sizeof v);
    util_vec_init(&v.roles_before, sizeof(char *));
    verify_drift_init(&v.models);
    v.h = h;
    v.check = &run;
    masked = o->server ? report_mask_conninfo(o->server) : util_xstrdup("a throwaway cluster");
    report_context_init(&context, "verify", o->argc, o->argv, masked);
    context.fail_on = diag_severity_name((pgr_severity) o->fail_on);
    /* The static findings of the migrations are check's business: the
     * discovery and parsing go to a scratch store. */
    diag_init(&scratch);
    h->diags = &scratch;
    /* A model callback keeps check's unstreamed order: every file parsed
     * and its statements kept until check_free, which the runs below need
     * (a streamed check frees a file's statements once it is consumed);
     * it keeps each set's replayed model for verify/model-drift. */
    if (check_paths_models(h, n ? args : dot, 1, &run, &err, verify_drift_keep, &v.models) != 0) {
        h->diags = saved;
        diag_print_error(stderr, err);
        goto out;
    }
    h->diags = saved;
    if (run.mig.sets.len == 0) {
        fprintf(stderr, "pgrampart: verify: no migration set found under %s\n", n ? args[0] : ".");
        goto out;
    }
    if (verify_where(&v, o, &err) != 0) {
        diag_print_error(stderr, err);
        goto out;
    }
    h->diags->files = migration_files(&run);
    diag_sort(h->diags);
    report_context_finish(&context);
    if (cli_print_findings(h, o, check_text, &run, &context) != 0 || fflush(stdout) != 0)
        goto out;
    rc = diag_count_at_least(h->diags, (pgr_severity) o->fail_on) > 0 ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
out:
    check_free(&run);
    diag_free(&scratch);
    names_free(&v.roles_before);
    verify_drift_free(&v.models);
    free(v.dbname);
    free(v.conninfo);
    free(err);
    free(masked);
    report_context_free(&context);
    return rc;
}
