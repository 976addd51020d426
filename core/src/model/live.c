/*
 * live.c — see live.h.
 *
 * Every catalog query reads a whole catalog (never one query per table), so
 * the number of queries is the same for 10 tables as for 10,000.  Checks
 * that need a privilege the role lacks (pg_hba_file_rules, pg_authid) are
 * skipped and reported, not failed.
 */
#include "model/live.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "host/pqlib.h"
#include "model/live_internal.h"

/* Schemas PostgreSQL owns: not the application's objects. */
#define USER_SCHEMAS \
    "n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema}'::pg_catalog.name[]) " \
    "AND n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp)'"

/*
 * A function's identity argument list (pg_proc.proargtypes: IN, INOUT and
 * VARIADIC arguments) as format_type() prints it under the audit's empty
 * search_path: "integer, text[], public.mood" — the model's signature.c
 * prints a replayed CREATE FUNCTION the same way.  p is the pg_proc row.
 */
#define FUNCTION_ARGS \
    "coalesce((SELECT pg_catalog.string_agg(pg_catalog.format_type(a.t, NULL), ', ' ORDER BY a.k) " \
    "FROM pg_catalog.unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS a(t, k)), '')"

typedef struct live_conn {
    PGconn *conn;
    live_result *res;
} live_conn;

/* See live_internal.h. */
char *
live_escape_controls(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    size_t n = strlen(s);
    util_buf b;

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    util_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            util_buf_puts(&b, "; ");
            while (i + 1 < n && p[i + 1] == '\t')
                i++;
        } else if (p[i] == '\t') {
            util_buf_puts(&b, "\\t");
        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            util_buf_printf(&b, "\\x%02x", p[i]);
        } else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
            util_buf_printf(&b, "\\u%04x", p[++i]);
        } else {
            util_buf_append(&b, s + i, 1);
        }
    }
    return b.data;
}

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
    r = pqlib_exec(lc->conn, sql);
    if (pqlib_result_status(r) != PGRES_TUPLES_OK && pqlib_result_status(r) != PGRES_COMMAND_OK) {
        pqlib_clear(r);
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

    pqlib_clear(sp);
    lc->res->queries++;
    r = pqlib_exec(lc->conn, sql);
    if (pqlib_result_status(r) != PGRES_TUPLES_OK) {
        char *why = live_escape_controls(pqlib_result_error_message(r));

        skip(lc->res, check, why);
        free(why);
        pqlib_clear(r);
        pqlib_clear(run(lc, "ROLLBACK TO SAVEPOINT pgrampart"));
        return NULL;
    }
    return r;
}

static const char *
val(const PGresult *r, int row, int col)
{
    return pqlib_getisnull(r, row, col) ? NULL : pqlib_getvalue(r, row, col);
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
        "pg_catalog.pg_get_userbyid(c.relowner), "
        "coalesce(c.reloptions OPERATOR(pg_catalog.&&) "
        "'{security_invoker=true,security_invoker=on}'::pg_catalog.text[], false), "
        "coalesce(c.reloptions OPERATOR(pg_catalog.@>) '{security_barrier=true}'::pg_catalog.text[], false) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
        "WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m}'::pg_catalog.\"char\"[]) AND " USER_SCHEMAS
        " ORDER BY c.oid");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
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
    pqlib_clear(r);
}

/* Columns with their types as format_type() prints them under the empty
 * search_path (the replay prints a migration's the same way, signature.c). */
static void
load_columns(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "columns",
        "SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
        "n.nspname, c.relname FROM pg_catalog.pg_attribute a "
        "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
        "WHERE a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped "
        "AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p}'::pg_catalog.\"char\"[]) AND " USER_SCHEMAS
        " ORDER BY a.attrelid, a.attnum");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
        uint32_t oid = (uint32_t) strtoul(val(r, i, 0), NULL, 10);
        int16_t attnum = (int16_t) atoi(val(r, i, 1));
        char *table = util_xasprintf("%s.%s", val(r, i, 4), val(r, i, 5));
        pgr_location l = object_loc("db:%s.%s", table, val(r, i, 2));

        model_put_column(m, oid, attnum, val(r, i, 2));
        model_put_column_type(m, oid, attnum, val(r, i, 3), &l);
        free_obj(&l);
        free(table);
    }
    pqlib_clear(r);
}

/* Most key columns kept of one index or constraint (INDEX_MAX_KEYS is 32). */
#define MAX_KEYS 64

/*
 * The rows of one object, from *row on, in a result with one row per key
 * column, ordered by the object's oid (column 0): the non-NULL column names
 * of column name_col into cols (at most MAX_KEYS; pointers into r).  *row
 * moves past them; returns how many names.
 */
static size_t
key_columns(const PGresult *r, int *row, int name_col, const char **cols)
{
    const char *oid = val(r, *row, 0);
    size_t n = 0;

    for (; *row < pqlib_ntuples(r) && strcmp(val(r, *row, 0), oid) == 0; (*row)++)
        if (val(r, *row, name_col) && n < MAX_KEYS)
            cols[n++] = val(r, *row, name_col);
    return n;
}

/*
 * Indexes with their key columns (INCLUDE columns and expressions left
 * out), one row per key column, in one query.  Indexes that carry a
 * PRIMARY KEY, UNIQUE or EXCLUDE constraint are the constraint's (read by
 * load_constraints), as the replay keeps them.  An index that is not
 * valid (a CREATE INDEX CONCURRENTLY that failed leaves one behind) serves
 * no query and enforces nothing: it is left out, as if absent.
 */
static void
load_indexes(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "indexes",
        "SELECT i.indexrelid, n.nspname, ic.relname, c.relname, a.attname "
        "FROM pg_catalog.pg_index i "
        "JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid "
        "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
        "CROSS JOIN pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k (attnum, o) "
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid "
        "AND a.attnum OPERATOR(pg_catalog.=) k.attnum "
        "WHERE " USER_SCHEMAS " AND i.indisvalid AND NOT k.o OPERATOR(pg_catalog.>) i.indnkeyatts "
        "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint x "
        "WHERE x.conindid OPERATOR(pg_catalog.=) i.indexrelid AND x.conrelid OPERATOR(pg_catalog.=) i.indrelid "
        "AND x.contype OPERATOR(pg_catalog.=) ANY ('{p,u,x}'::pg_catalog.\"char\"[])) "
        "ORDER BY i.indexrelid, k.o");
    int i = 0;

    while (r && i < pqlib_ntuples(r)) {
        const char *cols[MAX_KEYS];
        int first = i;
        size_t n = key_columns(r, &i, 4, cols);
        char *parent = util_xasprintf("%s.%s", val(r, first, 1), val(r, first, 3));
        pgr_location l = object_loc("db:%s.%s", val(r, first, 1), val(r, first, 2));

        model_put_index(m, val(r, first, 1), val(r, first, 2), parent, cols, n, &l);
        free_obj(&l);
        free(parent);
    }
    pqlib_clear(r);
}

/*
 * Table constraints (not NOT NULL; not the copies PostgreSQL makes on
 * partitions and inheritance children, which no migration writes), one row
 * per key column, in one query.
 */
static void
load_constraints(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "constraints",
        "SELECT k.oid, n.nspname, c.relname, k.conname, k.contype, a.attname, rn.nspname, rc.relname "
        "FROM pg_catalog.pg_constraint k "
        "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) k.conrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
        "LEFT JOIN pg_catalog.pg_class rc ON rc.oid OPERATOR(pg_catalog.=) k.confrelid "
        "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid OPERATOR(pg_catalog.=) rc.relnamespace "
        "LEFT JOIN pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u (attnum, o) ON true "
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid "
        "AND a.attnum OPERATOR(pg_catalog.=) u.attnum "
        "WHERE k.contype OPERATOR(pg_catalog.=) ANY ('{p,u,f,c,x}'::pg_catalog.\"char\"[]) "
        "AND k.conparentid OPERATOR(pg_catalog.=) 0 AND k.conislocal AND " USER_SCHEMAS
        " ORDER BY k.oid, u.o");
    int i = 0;

    while (r && i < pqlib_ntuples(r)) {
        const char *cols[MAX_KEYS];
        int first = i;
        size_t n = key_columns(r, &i, 5, cols);
        char *table = util_xasprintf("%s.%s", val(r, first, 1), val(r, first, 2));
        char *refs = val(r, first, 7) ? util_xasprintf("%s.%s", val(r, first, 6), val(r, first, 7)) : NULL;
        pgr_location l = object_loc("db:%s constraint %s", table, val(r, first, 3));

        model_put_constraint(m, val(r, first, 1), val(r, first, 2), val(r, first, 3), val(r, first, 4)[0],
                             cols, n, refs, &l);
        free_obj(&l);
        free(refs);
        free(table);
    }
    pqlib_clear(r);
}

static void
load_policies(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "policies",
        "SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd, "
        "pg_catalog.array_to_json(ARRAY(SELECT CASE WHEN x OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' "
        "ELSE pg_catalog.pg_get_userbyid(x) END FROM pg_catalog.unnest(p.polroles) x)), "
        "pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) "
        "FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) p.polrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace ORDER BY p.oid");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
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
    pqlib_clear(r);
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
        "SELECT kind, object, CASE WHEN grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' "
        "ELSE pg_catalog.pg_get_userbyid(grantee) END, privilege_type, is_grantable FROM ("
        "SELECT 'r' AS kind, n.nspname::pg_catalog.text OPERATOR(pg_catalog.||) '.' "
        "OPERATOR(pg_catalog.||) c.relname::pg_catalog.text AS object, a.grantee, a.privilege_type, "
        "a.is_grantable FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace, "
        "pg_catalog.aclexplode(c.relacl) a "
        "WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m}'::pg_catalog.\"char\"[]) AND " USER_SCHEMAS
        " AND a.grantee OPERATOR(pg_catalog.<>) c.relowner "
        "UNION ALL SELECT 'S', n.nspname::pg_catalog.text OPERATOR(pg_catalog.||) '.' "
        "OPERATOR(pg_catalog.||) c.relname::pg_catalog.text, a.grantee, a.privilege_type, a.is_grantable "
        "FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace, "
        "pg_catalog.aclexplode(c.relacl) a "
        "WHERE c.relkind OPERATOR(pg_catalog.=) 'S' AND " USER_SCHEMAS
        " AND a.grantee OPERATOR(pg_catalog.<>) c.relowner "
        "UNION ALL SELECT 'n', n.nspname::pg_catalog.text, a.grantee, a.privilege_type, a.is_grantable "
        "FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a "
        "WHERE " USER_SCHEMAS " AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner "
        "AND NOT (n.nspname OPERATOR(pg_catalog.=) 'public' AND a.grantee OPERATOR(pg_catalog.=) 0) "
        "UNION ALL SELECT 'f', n.nspname::pg_catalog.text OPERATOR(pg_catalog.||) '.' "
        "OPERATOR(pg_catalog.||) p.proname::pg_catalog.text OPERATOR(pg_catalog.||) '(' "
        "OPERATOR(pg_catalog.||) " FUNCTION_ARGS " OPERATOR(pg_catalog.||) ')', "
        "a.grantee, a.privilege_type, a.is_grantable "
        "FROM pg_catalog.pg_proc p "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace, "
        "pg_catalog.aclexplode(p.proacl) a "
        "WHERE " USER_SCHEMAS " AND a.grantee OPERATOR(pg_catalog.<>) p.proowner "
        "AND a.grantee OPERATOR(pg_catalog.<>) 0) x");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
        uint32_t bit = model_privilege_bit(val(r, i, 3));
        pgr_location l = object_loc("db:%s", val(r, i, 1), NULL);

        model_put_acl(m, val(r, i, 0)[0], val(r, i, 1), val(r, i, 2), bit, flag(r, i, 4) ? bit : 0, &l);
        free_obj(&l);
    }
    pqlib_clear(r);
}

static void
load_default_acl(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "default privileges",
        "SELECT d.defaclobjtype, coalesce(n.nspname, '*'), "
        "CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' "
        "ELSE pg_catalog.pg_get_userbyid(a.grantee) END, a.privilege_type "
        "FROM pg_catalog.pg_default_acl d "
        "LEFT JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) d.defaclnamespace, "
        "pg_catalog.aclexplode(d.defaclacl) a WHERE a.grantee OPERATOR(pg_catalog.<>) d.defaclrole");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
        /* pg_default_acl: r tables, S sequences, f functions, T types, n schemas */
        pgr_location l = object_loc("db:default privileges in %s", val(r, i, 1), NULL);

        model_put_default_acl(m, val(r, i, 0)[0], val(r, i, 1), val(r, i, 2),
                              model_privilege_bit(val(r, i, 3)), &l);
        free_obj(&l);
    }
    pqlib_clear(r);
}

static void
load_roles(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "roles",
        "SELECT r.rolname, r.rolsuper, r.rolcanlogin, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, "
        "r.rolreplication, r.rolconnlimit, r.rolvaliduntil::pg_catalog.text, r.oid OPERATOR(pg_catalog.=) 10 "
        "FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.!~) '^pg_' ORDER BY r.oid");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
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
    pqlib_clear(r);
    r = catalog(lc, "role memberships",
        "SELECT pg_catalog.pg_get_userbyid(member), pg_catalog.pg_get_userbyid(roleid) "
        "FROM pg_catalog.pg_auth_members");
    for (i = 0; r && i < pqlib_ntuples(r); i++)
        model_put_membership(m, val(r, i, 0), val(r, i, 1));
    pqlib_clear(r);
}

static void
load_functions(live_conn *lc, model *m)
{
    /* Members of extensions are the extension's business, not the schema's.
     * A trigger function (RETURNS trigger / event_trigger) cannot be called
     * directly, so PUBLIC's EXECUTE on it gives nothing: public_execute is
     * false for it, as the grants plugin treats one created by a migration. */
    PGresult *r = catalog(lc, "functions",
        "SELECT n.nspname, p.proname, p.prokind, l.lanname, p.prosecdef, "
        "coalesce(pg_catalog.array_to_string(p.proconfig, ',') OPERATOR(pg_catalog.~) '(^|,)search_path=', "
        "false), p.prorettype OPERATOR(pg_catalog.<>) 'pg_catalog.trigger'::pg_catalog.regtype "
        "AND p.prorettype OPERATOR(pg_catalog.<>) 'pg_catalog.event_trigger'::pg_catalog.regtype "
        "AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM pg_catalog.aclexplode(p.proacl) a "
        "WHERE a.grantee OPERATOR(pg_catalog.=) 0 AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE')), "
        FUNCTION_ARGS ", p.prorettype OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.trigger'::pg_catalog.regtype, "
        "'pg_catalog.event_trigger'::pg_catalog.regtype]) "
        "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace "
        "JOIN pg_catalog.pg_language l ON l.oid OPERATOR(pg_catalog.=) p.prolang WHERE " USER_SCHEMAS
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
        "WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass "
        "AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e') ORDER BY p.oid");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
        const char *args = val(r, i, 7) ? val(r, i, 7) : "";
        char *name = util_xasprintf("%s.%s(%s)", val(r, i, 0), val(r, i, 1), args);
        pgr_location l = object_loc("db:%s", name, NULL);
        pgr_function *fn = model_put_function(m, val(r, i, 0), val(r, i, 1), args,
                                               flag(r, i, 8), val(r, i, 2)[0] == 'p' ? 'p' : 'f',
                                               val(r, i, 3), &l);

        /* Each overload is its own function, as in pg_proc. */
        fn->prosecdef = flag(r, i, 4);
        fn->search_path_set = flag(r, i, 5);
        fn->public_execute = flag(r, i, 6);
        free_obj(&l);
        free(name);
    }
    pqlib_clear(r);
}

static void
load_view_relations(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "view dependencies",
        "SELECT DISTINCT v.oid, dn.nspname::pg_catalog.text OPERATOR(pg_catalog.||) '.' "
        "OPERATOR(pg_catalog.||) dc.relname::pg_catalog.text FROM pg_catalog.pg_rewrite rw "
        "JOIN pg_catalog.pg_class v ON v.oid OPERATOR(pg_catalog.=) rw.ev_class "
        "JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) "
        "'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid OPERATOR(pg_catalog.=) rw.oid "
        "AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
        "JOIN pg_catalog.pg_class dc ON dc.oid OPERATOR(pg_catalog.=) d.refobjid "
        "JOIN pg_catalog.pg_namespace dn ON dn.oid OPERATOR(pg_catalog.=) dc.relnamespace "
        "WHERE v.relkind OPERATOR(pg_catalog.=) ANY ('{v,m}'::pg_catalog.\"char\"[]) "
        "AND dc.oid OPERATOR(pg_catalog.<>) v.oid");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++)
        model_put_view_relation(m, (uint32_t) strtoul(val(r, i, 0), NULL, 10), val(r, i, 1));
    pqlib_clear(r);
}

static void
load_extensions(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "extensions",
        "SELECT e.extname, n.nspname FROM pg_catalog.pg_extension e "
        "JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace "
        "WHERE e.extname OPERATOR(pg_catalog.<>) 'plpgsql'");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
        pgr_location l = object_loc("db:extension %s", val(r, i, 0), NULL);

        model_put_object(m, 'e', val(r, i, 1), val(r, i, 0), &l);
        free_obj(&l);
    }
    pqlib_clear(r);
}

/*
 * A setting's value as postgresql.conf would write it: pg_settings gives
 * numbers in the setting's unit ("250" and "ms"; "16384" and "8kB" for
 * shared_buffers), so the unit is appended, a block-sized one multiplied
 * out, and a policy's {max: 1s} compares with it.  Caller frees.
 */
static char *
setting_with_unit(const char *setting, const char *unit)
{
    char *end;
    long long n, mult;

    if (unit == NULL || unit[0] == '\0' || setting[0] == '\0')
        return util_xstrdup(setting);
    n = strtoll(setting, &end, 10);
    /* A real ("0.5") is left as it is; -1 and friends mean "disabled",
     * not an amount. */
    if (*end != '\0' || n < 0)
        return util_xstrdup(setting);
    mult = strtoll(unit, &end, 10);
    if (end == unit)
        return util_xasprintf("%s%s", setting, unit);
    return util_xasprintf("%lld%s", n * mult, end);
}

/* Every setting the audit's role may read (pg_settings hides a few from
 * roles without pg_read_all_settings), for the settings policy. */
static void
load_settings(live_conn *lc, model *m)
{
    PGresult *r = catalog(lc, "settings",
        "SELECT name, setting, unit FROM pg_catalog.pg_settings ORDER BY name");
    int i;

    for (i = 0; r && i < pqlib_ntuples(r); i++) {
        char *v = setting_with_unit(val(r, i, 1), pqlib_getisnull(r, i, 2) ? NULL : val(r, i, 2));

        model_put_setting(m, val(r, i, 0), v);
        free(v);
        if (strcmp(val(r, i, 0), "server_version_num") == 0)
            model_set_version(m, atoi(val(r, i, 1)) / 10000);
    }
    pqlib_clear(r);
    /* Our own connection, for ssl/connection-not-encrypted. */
    r = catalog(lc, "connection encryption",
                "SELECT ssl, version, pg_catalog.inet_client_addr() IS NOT NULL FROM pg_catalog.pg_stat_ssl "
                "WHERE pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()");
    /* Over a Unix socket there is nothing to encrypt. */
    if (r && pqlib_ntuples(r) == 1 && flag(r, 0, 2)) {
        m->connection_ssl = flag(r, 0, 0);
        m->connection_ssl_version = val(r, 0, 1) ? util_xstrdup(val(r, 0, 1)) : NULL;
    }
    pqlib_clear(r);
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
        "SELECT line_number, type, pg_catalog.array_to_string(database, ','), "
        "pg_catalog.array_to_string(user_name, ','), address, netmask, auth_method "
        "FROM pg_catalog.pg_hba_file_rules WHERE error IS NULL ORDER BY line_number");
    m->hba_available = r != NULL;
    for (i = 0; r && i < pqlib_ntuples(r); i++) {
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
    pqlib_clear(r);
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
                "SELECT rolname FROM pg_catalog.pg_authid WHERE rolpassword OPERATOR(pg_catalog.~~) 'md5%'");
    m->authid_available = r != NULL;
    for (i = 0; r && i < pqlib_ntuples(r); i++) {
        for (k = 0; k < m->roles.len; k++) {
            pgr_role *role = util_vec_at(&m->roles, k);

            if (strcmp(role->name, val(r, i, 0)) == 0)
                role->password_md5 = 1;
        }
    }
    pqlib_clear(r);
}

/*
 * Make the session safe before reading anything, as PostgreSQL's own
 * clients do since CVE-2018-1058: one REPEATABLE READ READ ONLY transaction
 * (BEGIN resolves no names), an empty search_path for it before any other
 * statement (only pg_catalog is then searched, and a database owner cannot
 * create objects there; transaction-local, so the session commits
 * nothing), then statement_timeout and lock_timeout.  The catalog queries also name every
 * operator, function, cast and relation with its schema, so a setting that
 * changes search_path later cannot redirect them.  Returns 0, or -1 with
 * *err set.
 */
static int
secure_session(live_conn *lc, int timeout_ms, char **err)
{
    static const char *const first[] = {
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        "SELECT pg_catalog.set_config('search_path', '', true)",
    };
    char set[128], *why;
    size_t i;

    for (i = 0; i < 2; i++) {
        PGresult *r = run(lc, first[i]);

        if (r == NULL) {
            why = live_escape_controls(pqlib_error_message(lc->conn));
            *err = util_xasprintf("cannot start a safe read-only session: %s", why);
            free(why);
            return -1;
        }
        pqlib_clear(r);
    }
    snprintf(set, sizeof set, "SET LOCAL statement_timeout TO %d", timeout_ms);
    pqlib_clear(run(lc, set));
    snprintf(set, sizeof set, "SET LOCAL lock_timeout TO %d", timeout_ms);
    pqlib_clear(run(lc, set));
    return 0;
}

/* What libpq knows of the connection, for the report's header: no query. */
static void
connection_facts(live_conn *lc, live_result *res)
{
    const char *v;

    res->host = (v = pqlib_host(lc->conn)) ? util_xstrdup(v) : NULL;
    res->port = (v = pqlib_port(lc->conn)) ? util_xstrdup(v) : NULL;
    res->server_version = (v = pqlib_parameter_status(lc->conn, "server_version")) ? util_xstrdup(v) : NULL;
    res->ssl_in_use = pqlib_ssl_in_use(lc->conn);
    res->ssl_protocol = res->ssl_in_use && (v = pqlib_ssl_attribute(lc->conn, "protocol")) ? util_xstrdup(v) : NULL;
}

int
live_read_model(const char *conninfo, int timeout_ms, int connect_timeout_s, model *m, live_result *res,
                char **err)
{
    int can_hba = 0, can_authid = 0;
    live_conn lc;
    PGresult *r;
    char *origin_name;
    pgr_location origin;

    memset(res, 0, sizeof *res);
    util_vec_init(&res->skipped, sizeof(live_skip));
    lc.res = res;
    if ((lc.conn = live_connect(conninfo, connect_timeout_s, err)) == NULL)
        return -1;
    if (secure_session(&lc, timeout_ms, err) != 0) {
        pqlib_finish(lc.conn);
        return -1;
    }
    r = catalog(&lc, "privileges of this role",
        "SELECT pg_catalog.current_database(), "
        "pg_catalog.has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE'), "
        "pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT'), current_user, "
        /* The role's attributes for the report's header, in this same
         * query: the audit's query count does not depend on the report. */
        "(SELECT pg_catalog.concat_ws(', ', CASE WHEN rolsuper THEN 'superuser' END, "
        "CASE WHEN rolcreaterole THEN 'createrole' END, CASE WHEN rolcreatedb THEN 'createdb' END, "
        "CASE WHEN rolbypassrls THEN 'bypassrls' END, CASE WHEN rolreplication THEN 'replication' END, "
        "CASE WHEN rolcanlogin THEN 'login' END) "
        "FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) current_user)");
    if (r && pqlib_ntuples(r) == 1) {
        res->database = util_xstrdup(val(r, 0, 0));
        can_hba = flag(r, 0, 1);
        can_authid = flag(r, 0, 2);
        res->user = val(r, 0, 3) ? util_xstrdup(val(r, 0, 3)) : NULL;
        res->role_attributes = util_xstrdup(pqlib_getisnull(r, 0, 4) ? "" : val(r, 0, 4));
    }
    pqlib_clear(r);
    connection_facts(&lc, res);
    m->is_live = 1;
    memset(&origin, 0, sizeof origin);
    origin_name = util_xasprintf("db:%s", res->database ? res->database : "database");
    origin.object = origin_name;
    model_set_origin(m, &origin);
    free(origin_name);
    load_settings(&lc, m);
    load_tables(&lc, m);
    load_columns(&lc, m);
    load_indexes(&lc, m);
    load_constraints(&lc, m);
    load_policies(&lc, m);
    res->clauses_parsed = model_clauses_parsed(m);
    model_forget_clauses(m);
    load_roles(&lc, m);
    load_acl(&lc, m);
    load_default_acl(&lc, m);
    load_functions(&lc, m);
    load_view_relations(&lc, m);
    load_extensions(&lc, m);
    load_hba(&lc, m, can_hba);
    load_authid(&lc, m, can_authid);
    pqlib_clear(run(&lc, "ROLLBACK"));
    pqlib_finish(lc.conn);
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
    free(res->host);
    free(res->port);
    free(res->server_version);
    free(res->ssl_protocol);
    free(res->user);
    free(res->role_attributes);
}
