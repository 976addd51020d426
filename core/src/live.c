/*
 * live.c — see live.h.
 *
 * Every catalog query reads a whole catalog (never one query per table), so
 * the number of queries is the same for 10 tables as for 10,000.  Checks
 * that need a privilege the role lacks (pg_hba_file_rules, pg_authid) are
 * skipped and reported, not failed.
 */
#include "live.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

/* Schemas PostgreSQL owns: not the application's objects. */
#define USER_SCHEMAS \
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'"

typedef struct live_conn {
    PGconn *conn;
    live_result *res;
} live_conn;

static void
skip(live_result *res, const char *check, const char *reason)
{
    live_skip *s = util_vec_push(&res->skipped);

    s->check = util_xstrdup(check);
    s->reason = util_xstrdup(reason);
}

/* Run one statement; NULL (after recording why) when it failed. */
static PGresult *
run(live_conn *lc, const char *sql)
{
    PGresult *r;

    lc->res->queries++;
    r = PQexec(lc->conn, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        return NULL;
    }
    return r;
}

/*
 * A catalog query inside a savepoint: if it fails (an unexpected privilege
 * or version difference), the transaction survives and the check is
 * reported as skipped.
 */
static PGresult *
catalog(live_conn *lc, const char *check, const char *sql)
{
    PGresult *r, *sp = run(lc, "SAVEPOINT pgrampart");

    PQclear(sp);
    lc->res->queries++;
    r = PQexec(lc->conn, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char *why = util_xstrdup(PQresultErrorMessage(r));
        size_t n = strlen(why);

        while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' '))
            why[--n] = '\0';
        skip(lc->res, check, why);
        free(why);
        PQclear(r);
        PQclear(run(lc, "ROLLBACK TO SAVEPOINT pgrampart"));
        return NULL;
    }
    return r;
}

static const char *
val(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static int
flag(const PGresult *r, int row, int col)
{
    const char *v = val(r, row, col);

    return v && v[0] == 't';
}

static pgr_location
object_loc(const char *fmt, const char *a, const char *b)
{
    pgr_location l;

    memset(&l, 0, sizeof l);
    l.object = b ? util_xasprintf(fmt, a, b) : util_xasprintf(fmt, a);
    return l;
}

static void
free_obj(pgr_location *l)
{
    free((char *) l->object);
}

static void
load_tables(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "tables",
        "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, "
        "pg_get_userbyid(c.relowner), "
        "coalesce(c.reloptions @> '{security_invoker=true}' OR c.reloptions @> '{security_invoker=on}', false), "
        "coalesce(c.reloptions @> '{security_barrier=true}', false) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND " USER_SCHEMAS " ORDER BY c.oid");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        uint32_t oid = (uint32_t) strtoul(val(r, i, 0), NULL, 10);
        char kind = val(r, i, 3)[0];
        pgr_location l = object_loc("db:%s.%s", val(r, i, 1), val(r, i, 2));

        if (kind == 'v' || kind == 'm') {
            pgr_view *v = model_put_view(m, oid, val(r, i, 1), val(r, i, 2), kind, &l);

            v->security_invoker = flag(r, i, 7);
            v->security_barrier = flag(r, i, 8);
        } else {
            model_put_table(m, oid, val(r, i, 1), val(r, i, 2), kind, flag(r, i, 4), flag(r, i, 5),
                            val(r, i, 6), &l);
        }
        free_obj(&l);
    }
    PQclear(r);
}

static void
load_columns(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "columns",
        "SELECT a.attrelid, a.attnum, a.attname FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND " USER_SCHEMAS
        " ORDER BY a.attrelid, a.attnum");
    int i;

    for (i = 0; r && i < PQntuples(r); i++)
        model_put_column(m, (uint32_t) strtoul(val(r, i, 0), NULL, 10),
                         (int16_t) atoi(val(r, i, 1)), val(r, i, 2));
    PQclear(r);
}

static void
load_policies(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "policies",
        "SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd, "
        "array_to_json(ARRAY(SELECT CASE WHEN x = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x) END "
        "FROM unnest(p.polroles) x)), "
        "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
        "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY p.oid");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        json_t *roles = json_loads(val(r, i, 5), 0, NULL);
        const char *names[256];
        size_t n = 0, k;
        char *obj = util_xasprintf("%s.%s", val(r, i, 0), val(r, i, 1));
        pgr_location l = object_loc("db:%s policy %s", obj, val(r, i, 2));

        for (k = 0; roles && k < json_array_size(roles) && n < 256; k++)
            names[n++] = json_string_value(json_array_get(roles, k));
        model_put_policy(m, val(r, i, 0), val(r, i, 1), val(r, i, 2), flag(r, i, 3),
                         val(r, i, 4)[0], names, n, val(r, i, 6), val(r, i, 7), &l);
        json_decref(roles);
        free_obj(&l);
        free(obj);
    }
    PQclear(r);
}

/*
 * Object privileges as exploded aclitems.  The owner's own privileges and
 * PostgreSQL's built-in defaults (PUBLIC's USAGE on schema public, EXECUTE on
 * functions, which the model keeps as flags) are not grants anyone made.
 */
static void
load_acl(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "privileges",
        "SELECT kind, object, CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(grantee) END, "
        "privilege_type, is_grantable FROM ("
        "SELECT 'r' AS kind, n.nspname || '.' || c.relname AS object, a.grantee, a.privilege_type, "
        "a.is_grantable "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND " USER_SCHEMAS " AND a.grantee <> c.relowner "
        "UNION ALL SELECT 'S', n.nspname || '.' || c.relname, a.grantee, a.privilege_type, a.is_grantable "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a "
        "WHERE c.relkind = 'S' AND " USER_SCHEMAS " AND a.grantee <> c.relowner "
        "UNION ALL SELECT 'n', n.nspname, a.grantee, a.privilege_type, a.is_grantable "
        "FROM pg_namespace n, aclexplode(n.nspacl) a "
        "WHERE " USER_SCHEMAS " AND a.grantee <> n.nspowner "
        "AND NOT (n.nspname = 'public' AND a.grantee = 0) "
        "UNION ALL SELECT 'f', n.nspname || '.' || p.proname, a.grantee, a.privilege_type, a.is_grantable "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a "
        "WHERE " USER_SCHEMAS " AND a.grantee <> p.proowner AND a.grantee <> 0) x");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        uint32_t bit = model_privilege_bit(val(r, i, 3));
        pgr_location l = object_loc("db:%s", val(r, i, 1), NULL);

        model_put_acl(m, val(r, i, 0)[0], val(r, i, 1), val(r, i, 2), bit, flag(r, i, 4) ? bit : 0, &l);
        free_obj(&l);
    }
    PQclear(r);
}

static void
load_default_acl(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "default privileges",
        "SELECT d.defaclobjtype, coalesce(n.nspname, '*'), "
        "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type "
        "FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, "
        "aclexplode(d.defaclacl) a WHERE a.grantee <> d.defaclrole");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        /* pg_default_acl: r tables, S sequences, f functions, T types, n schemas */
        pgr_location l = object_loc("db:default privileges in %s", val(r, i, 1), NULL);

        model_put_default_acl(m, val(r, i, 0)[0], val(r, i, 1), val(r, i, 2),
                              model_privilege_bit(val(r, i, 3)), &l);
        free_obj(&l);
    }
    PQclear(r);
}

static void
load_roles(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "roles",
        "SELECT r.rolname, r.rolsuper, r.rolcanlogin, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, "
        "r.rolreplication, r.rolconnlimit, r.rolvaliduntil::text, r.oid = 10 FROM pg_roles r "
        "WHERE r.rolname !~ '^pg_' ORDER BY r.oid");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        pgr_location l = object_loc("role:%s", val(r, i, 0), NULL);
        pgr_role *role = model_put_role(m, val(r, i, 0), &l);

        role->rolsuper = flag(r, i, 1);
        role->rolcanlogin = flag(r, i, 2);
        role->rolcreaterole = flag(r, i, 3);
        role->rolcreatedb = flag(r, i, 4);
        role->rolbypassrls = flag(r, i, 5);
        role->rolreplication = flag(r, i, 6);
        role->rolconnlimit = atoi(val(r, i, 7));
        role->rolvaliduntil = val(r, i, 8) ? util_xstrdup(val(r, i, 8)) : NULL;
        role->bootstrap = flag(r, i, 9);
        free_obj(&l);
    }
    PQclear(r);
    r = catalog(lc, "role memberships",
        "SELECT pg_get_userbyid(member), pg_get_userbyid(roleid) FROM pg_auth_members");
    for (i = 0; r && i < PQntuples(r); i++)
        model_put_membership(m, val(r, i, 0), val(r, i, 1));
    PQclear(r);
}

static void
load_functions(live_conn *lc, model *m)
{
    /* Members of extensions are the extension's business, not the schema's. */
    PGresult *r = catalog(lc, "functions",
        "SELECT n.nspname, p.proname, p.prokind, l.lanname, p.prosecdef, "
        "coalesce(array_to_string(p.proconfig, ',') ~ '(^|,)search_path=', false), "
        "p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a "
        "WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "JOIN pg_language l ON l.oid = p.prolang WHERE " USER_SCHEMAS
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
        "AND d.objid = p.oid AND d.deptype = 'e') ORDER BY p.oid");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        char *name = util_xasprintf("%s.%s", val(r, i, 0), val(r, i, 1));
        pgr_location l = object_loc("db:%s()", name, NULL);
        pgr_function *fn = model_put_function(m, val(r, i, 0), val(r, i, 1),
                                               val(r, i, 2)[0] == 'p' ? 'p' : 'f', val(r, i, 3), &l);

        /* Overloads: any SECURITY DEFINER one makes the name count as one. */
        if (flag(r, i, 4)) {
            fn->prosecdef = 1;
            fn->search_path_set = flag(r, i, 5);
        }
        fn->public_execute = fn->public_execute || flag(r, i, 6);
        free_obj(&l);
        free(name);
    }
    PQclear(r);
}

static void
load_view_relations(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "view dependencies",
        "SELECT DISTINCT v.oid, dn.nspname || '.' || dc.relname FROM pg_rewrite rw "
        "JOIN pg_class v ON v.oid = rw.ev_class "
        "JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid "
        "AND d.refclassid = 'pg_class'::regclass "
        "JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace "
        "WHERE v.relkind IN ('v', 'm') AND dc.oid <> v.oid");
    int i;

    for (i = 0; r && i < PQntuples(r); i++)
        model_put_view_relation(m, (uint32_t) strtoul(val(r, i, 0), NULL, 10), val(r, i, 1));
    PQclear(r);
}

static void
load_extensions(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "extensions",
        "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname <> 'plpgsql'");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        pgr_location l = object_loc("db:extension %s", val(r, i, 0), NULL);

        model_put_object(m, 'e', val(r, i, 1), val(r, i, 0), &l);
        free_obj(&l);
    }
    PQclear(r);
}

static void
load_settings(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "settings",
        "SELECT name, setting FROM pg_settings WHERE name IN ('ssl', 'ssl_min_protocol_version', "
        "'password_encryption', 'log_connections', 'log_disconnections', 'log_statement', "
        "'server_version_num')");
    int i;

    for (i = 0; r && i < PQntuples(r); i++) {
        model_put_setting(m, val(r, i, 0), val(r, i, 1));
        if (strcmp(val(r, i, 0), "server_version_num") == 0)
            model_set_version(m, atoi(val(r, i, 1)) / 10000);
    }
    PQclear(r);
    /* Our own connection, for ssl/connection-not-encrypted. */
    r = catalog(lc, "connection encryption",
                "SELECT ssl, version, inet_client_addr() IS NOT NULL FROM pg_stat_ssl "
                "WHERE pid = pg_backend_pid()");
    /* Over a Unix socket there is nothing to encrypt. */
    if (r && PQntuples(r) == 1 && flag(r, 0, 2)) {
        m->connection_ssl = flag(r, 0, 0);
        m->connection_ssl_version = val(r, 0, 1) ? util_xstrdup(val(r, 0, 1)) : NULL;
    }
    PQclear(r);
}

static void
load_hba(live_conn *lc, model *m, int allowed)
{
    PGresult *r;
    int i;

    if (!allowed) {
        skip(lc->res, "pg_hba.conf rules (ssl/hba-*, auth/hba-*)",
             "reading pg_hba_file_rules needs superuser (or EXECUTE on pg_hba_file_rules())");
        return;
    }
    r = catalog(lc, "pg_hba.conf rules",
        "SELECT line_number, type, array_to_string(database, ','), array_to_string(user_name, ','), "
        "address, netmask, auth_method FROM pg_hba_file_rules WHERE error IS NULL ORDER BY line_number");
    m->hba_available = r != NULL;
    for (i = 0; r && i < PQntuples(r); i++) {
        pgr_hba_rule h;
        char line[32];

        memset(&h, 0, sizeof h);
        h.line_number = (uint32_t) atoi(val(r, i, 0));
        h.type = val(r, i, 1);
        h.database = val(r, i, 2);
        h.user_name = val(r, i, 3);
        h.address = val(r, i, 4);
        h.netmask = val(r, i, 5);
        h.auth_method = val(r, i, 6);
        snprintf(line, sizeof line, "hba:line %u", h.line_number);
        h.location.object = line;
        model_put_hba(m, &h);
    }
    PQclear(r);
}

static void
load_authid(live_conn *lc, model *m, int allowed)
{
    PGresult *r;
    int i;
    size_t k;

    if (!allowed) {
        skip(lc->res, "stored password hashes (auth/md5-password-hashes)",
             "reading pg_authid needs superuser");
        return;
    }
    r = catalog(lc, "stored password hashes",
                "SELECT rolname FROM pg_authid WHERE rolpassword LIKE 'md5%'");
    m->authid_available = r != NULL;
    for (i = 0; r && i < PQntuples(r); i++) {
        for (k = 0; k < m->roles.len; k++) {
            pgr_role *role = util_vec_at(&m->roles, k);

            if (strcmp(role->name, val(r, i, 0)) == 0)
                role->password_md5 = 1;
        }
    }
    PQclear(r);
}

int
live_read_model(const char *conninfo, int timeout_ms, model *m, live_result *res, char **err)
{
    const char *keys[3], *vals[3];
    int n = 0, can_hba = 0, can_authid = 0;
    live_conn lc;
    PGresult *r;
    char set[128], *origin_name;
    pgr_location origin;

    memset(res, 0, sizeof *res);
    util_vec_init(&res->skipped, sizeof(live_skip));
    /* The conninfo first: keywords after it win, so application_name is ours. */
    if (conninfo && *conninfo) {
        keys[n] = "dbname";
        vals[n++] = conninfo;
    }
    keys[n] = "application_name";
    vals[n++] = "pgrampart";
    keys[n] = NULL;
    vals[n] = NULL;
    lc.conn = PQconnectdbParams(keys, vals, 1);
    lc.res = res;
    if (PQstatus(lc.conn) != CONNECTION_OK) {
        *err = util_xasprintf("cannot connect: %s", PQerrorMessage(lc.conn));
        PQfinish(lc.conn);
        return -1;
    }
    if ((r = run(&lc, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) == NULL) {
        *err = util_xasprintf("cannot start a read-only transaction: %s", PQerrorMessage(lc.conn));
        PQfinish(lc.conn);
        return -1;
    }
    PQclear(r);
    snprintf(set, sizeof set, "SET LOCAL statement_timeout = %d", timeout_ms);
    PQclear(run(&lc, set));
    snprintf(set, sizeof set, "SET LOCAL lock_timeout = %d", timeout_ms);
    PQclear(run(&lc, set));
    r = catalog(&lc, "privileges of this role",
        "SELECT current_database(), "
        "has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE'), "
        "has_table_privilege('pg_catalog.pg_authid', 'SELECT')");
    if (r && PQntuples(r) == 1) {
        res->database = util_xstrdup(val(r, 0, 0));
        can_hba = flag(r, 0, 1);
        can_authid = flag(r, 0, 2);
    }
    PQclear(r);
    m->is_live = 1;
    memset(&origin, 0, sizeof origin);
    origin_name = util_xasprintf("db:%s", res->database ? res->database : "database");
    origin.object = origin_name;
    model_set_origin(m, &origin);
    free(origin_name);
    load_settings(&lc, m);
    load_tables(&lc, m);
    load_columns(&lc, m);
    load_policies(&lc, m);
    load_roles(&lc, m);
    load_acl(&lc, m);
    load_default_acl(&lc, m);
    load_functions(&lc, m);
    load_view_relations(&lc, m);
    load_extensions(&lc, m);
    load_hba(&lc, m, can_hba);
    load_authid(&lc, m, can_authid);
    PQclear(run(&lc, "ROLLBACK"));
    PQfinish(lc.conn);
    return 0;
}

void
live_result_free(live_result *res)
{
    size_t i;

    for (i = 0; i < res->skipped.len; i++) {
        live_skip *s = util_vec_at(&res->skipped, i);

        free(s->check);
        free(s->reason);
    }
    util_vec_free(&res->skipped);
    free(res->database);
}
