/*
 * verify_probe.c — pgrampart verify's tenant-isolation probe (issue 18):
 * after all ups of a set, each table under row-level security whose
 * policies compare a column with current_setting('<setting>') is probed on
 * the scratch database.  Source: PostgreSQL docs 5.8 Row Security
 * Policies; the checklists' "Tenant isolation tested / verified manually"
 * and "RLS policies tested in staging" (one ships a script that creates
 * two tenants and asserts that tenant 2 cannot see tenant 1's rows).
 *
 * The tenant column and setting (the configuration's rls.tenant_setting
 * when it names one) are read from the policies' expressions as the
 * server holds them (pg_get_expr of pg_policy), parsed with
 * libpg_query: an equality, at the top of the expression or under
 * AND/OR, between a column (maybe cast) and an expression calling
 * current_setting('<setting>', ...) (maybe cast, or inside COALESCE).  A
 * comparison inside a subquery names another table's column and is not
 * taken.
 *
 * Per table, on a fresh connection (a custom setting, once set in a
 * session, reads '' instead of NULL for the rest of it, and the probe
 * without context must see it unset), in one transaction that is rolled
 * back:
 *   1. a probe role is created (NOLOGIN) and given what an application
 *      role has: USAGE on the schema and its sequences, SELECT, INSERT,
 *      UPDATE, DELETE on the table, and membership in the roles the
 *      policies name (unless such a role would bypass the policies);
 *   2. a row of tenant A is inserted by the session's user (the owner,
 *      for whom the policies do not apply; else with A's context): values
 *      generated from the column types (NULL or the default where
 *      allowed, an enum's first label, a number, a text, a uuid, now()); a
 *      row that cannot be inserted (a foreign key, a CHECK) skips the table
 *      with PostgreSQL's reason (verify/probe-skipped);
 *   3. as the probe role (SET LOCAL ROLE: owners and superusers bypass
 *      row-level security): with the setting unset, then '', a SELECT of
 *      A's row (verify/no-context-sees-rows); with B's context, SELECT,
 *      UPDATE and DELETE of A's row and an INSERT of a row of A
 *      (verify/tenant-leak), each in a savepoint rolled back.
 * A finding names the permissive policy whose expression admits A's row
 * in that context (evaluated by the session's user), and is reported at
 * that policy's CREATE POLICY in the set's files; else at the table's
 * ENABLE ROW LEVEL SECURITY, else at the set's first file's line 1.
 */
#include "cli/verify_probe.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/config.h"
#include "model/live.h"

/* One policy of a probed table, as the server holds it. */
typedef struct probe_policy {
    char *name;
    char cmd;                 /* pg_policy.polcmd: r, a, w, d or * */
    bool permissive;
    bool applies;             /* to the probe role (PUBLIC or a role it is a member of) */
    char *qual;               /* pg_get_expr text, or NULL */
    char *check;
} probe_policy;

/* A table under probe. */
typedef struct probe_table {
    char *oid;                /* digits */
    char *schema, *name;
    char *qname;              /* schema-qualified, quoted */
    const char *want_setting; /* rls.tenant_setting of the configuration, or NULL */
    char *column, *setting;   /* the tenant column and setting, or NULL */
    char *qcolumn;            /* the column quoted */
    char *value_a, *value_b;  /* the tenants' setting values */
    char *lit_a;              /* A's value as a typed SQL literal for the column */
    char *insert_a;           /* INSERT of a row of tenant A */
    util_vec policies;        /* of probe_policy */
} probe_table;

/* ---- where a finding goes ---- */

static bool
same_table(const PgQuery__RangeVar *rv, const probe_table *t)
{
    return rv && rv->relname && strcmp(rv->relname, t->name) == 0 &&
           (rv->schemaname == NULL || rv->schemaname[0] == '\0' || strcmp(rv->schemaname, t->schema) == 0);
}

/* Whether st enables (or forces) row-level security on t. */
static bool
enables_rls(const PgQuery__Node *n, const probe_table *t)
{
    size_t i;

    if (n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || !same_table(n->alter_table_stmt->relation, t))
        return false;
    for (i = 0; i < n->alter_table_stmt->n_cmds; i++) {
        const PgQuery__Node *c = n->alter_table_stmt->cmds[i];

        if (c->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD &&
            c->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity)
            return true;
    }
    return false;
}

/*
 * The statement of the set's ups that created policy (or, when policy is
 * NULL, enabled row-level security on t): the last one in apply order.
 * Returns its file and sets *offset, or NULL.
 */
static const check_file *
statement_site(const verify_probe_site *s, const probe_table *t, const char *policy, size_t *offset)
{
    const check_file *found = NULL;
    size_t k, i;

    for (k = 0; k < s->set->entries.len; k++) {
        const mig_entry *e = util_vec_at(&s->set->entries, k);
        const check_file *f = verify_probe_entry_file(s, e->up);

        for (i = 0; f && f->parsed_sql && i < f->sql.stmts.len; i++) {
            const sql_stmt *st = util_vec_at(&f->sql.stmts, i);
            const PgQuery__Node *n = st->node;
            bool hit;

            if (n == NULL || (e->up == e->down && st->part == PGR_PART_DOWN))
                continue;
            if (policy)
                hit = n->node_case == PG_QUERY__NODE__NODE_CREATE_POLICY_STMT &&
                      n->create_policy_stmt->policy_name &&
                      strcmp(n->create_policy_stmt->policy_name, policy) == 0 &&
                      same_table(n->create_policy_stmt->table, t);
            else
                hit = enables_rls(n, t);
            if (hit) {
                found = f;
                *offset = st->start;
            }
        }
    }
    return found;
}

/* Report rule for t at policy's CREATE POLICY (policy may be NULL), else
 * at its ENABLE ROW LEVEL SECURITY, else at the set's first file. */
static void
report_table(const verify_probe_site *s, const char *rule, const probe_table *t, const char *policy,
             const char *msg)
{
    size_t offset = 0;
    const check_file *f = policy ? statement_site(s, t, policy, &offset) : NULL;

    if (f == NULL)
        f = statement_site(s, t, NULL, &offset);
    if (f == NULL) {
        f = verify_probe_first_file(s);
        offset = 0;
    }
    if (f)
        verify_probe_report(s, rule, f, offset, msg);
}

/* Set t's column and setting from expression text (a policy's, from the
 * server) when it has a tenant comparison and t has none yet. */
static void
tenant_from_expr(probe_table *t, const char *text)
{
    if (text != NULL && t->column == NULL)
        verify_probe_tenant_of(text, t->want_setting, &t->column, &t->setting);
}

/* ---- reading the table ---- */

static void
policies_free(probe_table *t)
{
    size_t i;

    for (i = 0; i < t->policies.len; i++) {
        probe_policy *p = util_vec_at(&t->policies, i);

        free(p->name);
        free(p->qual);
        free(p->check);
    }
    t->policies.len = 0;
}

static void
table_free(probe_table *t)
{
    policies_free(t);
    util_vec_free(&t->policies);
    free(t->oid);
    free(t->schema);
    free(t->name);
    free(t->qname);
    free(t->column);
    free(t->setting);
    free(t->qcolumn);
    free(t->value_a);
    free(t->value_b);
    free(t->lit_a);
    free(t->insert_a);
}

static char *
value_or_null(PGresult *res, int row, int col)
{
    return pqlib_getisnull(res, row, col) ? NULL : util_xstrdup(pqlib_getvalue(res, row, col));
}

/* Read t's policies (again: the previous reading is replaced); with
 * role (the probe role, once it exists) which apply to it, without it
 * none.  Sets t's tenant column and setting.  0 or -1. */
static int
read_policies(PGconn *conn, probe_table *t, const char *role)
{
    char *lit = role ? verify_probe_literal(role) : util_xstrdup("NULL::name");
    char *sql = util_xasprintf(
        "SELECT p.polname, p.polcmd, p.polpermissive, "
        "p.polroles = '{0}' OR EXISTS (SELECT 1 FROM pg_catalog.unnest(p.polroles) r "
        "WHERE r <> 0 AND pg_catalog.pg_has_role(%s, r, 'USAGE')), "
        "pg_catalog.pg_get_expr(p.polqual, p.polrelid), "
        "pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) "
        "FROM pg_catalog.pg_policy p WHERE p.polrelid = %s ORDER BY p.polname", lit, t->oid);
    PGresult *res = pqlib_exec(conn, sql);
    int i, rc = -1;

    policies_free(t);
    if (pqlib_result_status(res) == PGRES_TUPLES_OK) {
        for (i = 0; i < pqlib_ntuples(res); i++) {
            probe_policy *p = util_vec_push(&t->policies);

            p->name = util_xstrdup(pqlib_getvalue(res, i, 0));
            p->cmd = pqlib_getvalue(res, i, 1)[0];
            p->permissive = pqlib_getvalue(res, i, 2)[0] == 't';
            p->applies = pqlib_getvalue(res, i, 3)[0] == 't';
            p->qual = value_or_null(res, i, 4);
            p->check = value_or_null(res, i, 5);
            tenant_from_expr(t, p->qual);
            tenant_from_expr(t, p->check);
        }
        rc = 0;
    }
    pqlib_clear(res);
    free(sql);
    free(lit);
    return rc;
}

/* The values of tenants A and B for a tenant column of base type typname
 * and category typcat (pg_type), or false when there are none. */
static bool
tenant_values(probe_table *t, const char *typname, const char *typcat)
{
    if (strcmp(typname, "uuid") == 0) {
        t->value_a = util_xstrdup("a0000000-0000-4000-8000-00000000000a");
        t->value_b = util_xstrdup("b0000000-0000-4000-8000-00000000000b");
    } else if (strcmp(typcat, "N") == 0) {
        /* Small enough for smallint, unlikely to be a seeded tenant. */
        t->value_a = util_xstrdup("32001");
        t->value_b = util_xstrdup("32002");
    } else if (strcmp(typcat, "S") == 0) {
        t->value_a = util_xstrdup("pgrampart-tenant-a");
        t->value_b = util_xstrdup("pgrampart-tenant-b");
    } else {
        return false;
    }
    return true;
}

/* The tenant column's quoted name, type, base type name and category. */
static const char tenant_column_sql[] =
    "SELECT pg_catalog.quote_ident(a.attname), pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "b.typname, b.typcategory FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
    "WHERE a.attrelid = %s AND a.attname = %s AND a.attnum > 0 AND NOT a.attisdropped";

/*
 * Choose the tenants' values by the tenant column's type and build t's
 * INSERT of a row of tenant A (verify_rows.c; its parents are inserted).
 * Returns NULL, or why no row can be generated (caller frees).
 */
static char *
build_insert(PGconn *conn, probe_table *t)
{
    char *lit = verify_probe_literal(t->column);
    char *sql = util_xasprintf(tenant_column_sql, t->oid, lit);
    PGresult *res = pqlib_exec(conn, sql);
    char *why = NULL;

    free(sql);
    free(lit);
    if (pqlib_result_status(res) != PGRES_TUPLES_OK || pqlib_ntuples(res) != 1) {
        why = util_xasprintf("it has no column %s", t->column);
    } else if (!tenant_values(t, pqlib_getvalue(res, 0, 2), pqlib_getvalue(res, 0, 3))) {
        why = util_xasprintf("no tenant values for its tenant column %s of type %s", pqlib_getvalue(res, 0, 0),
                             pqlib_getvalue(res, 0, 1));
    } else {
        t->qcolumn = util_xstrdup(pqlib_getvalue(res, 0, 0));
        lit = verify_probe_literal(t->value_a);
        t->lit_a = util_xasprintf("%s::%s", lit, pqlib_getvalue(res, 0, 1));
        free(lit);
        why = verify_row_insert(conn, t->oid, t->column, t->value_a, &t->insert_a);
    }
    pqlib_clear(res);
    return why;
}

/* ---- the probes ---- */

/* One probe session: a table's connection and its probe role. */
typedef struct probe_session {
    const verify_probe_site *s;
    PGconn *conn;
    probe_table *t;
    char *role;               /* the probe role's name, quoted */
    char *role_name;
} probe_session;

/* The commands of pg_policy.polcmd a probe's command is held to. */
static bool
policy_for(const probe_policy *p, char cmd)
{
    return p->cmd == '*' || p->cmd == cmd;
}

static const char *
command_name(char cmd)
{
    switch (cmd) {
    case 'r':
        return "SELECT";
    case 'a':
        return "INSERT";
    case 'w':
        return "UPDATE";
    default:
        return "DELETE";
    }
}

/*
 * The permissive policy for cmd whose expression admits A's row in the
 * current context, evaluated by the session's user (to whom the policies
 * do not apply) and back to the probe role after; NULL when none does
 * (then the message lists what applies).
 */
static const char *
admitting_policy(probe_session *ps, char cmd)
{
    probe_table *t = ps->t;
    const char *found = NULL;
    size_t i;

    verify_probe_exec(ps->conn, "SET LOCAL ROLE NONE", NULL);
    for (i = 0; i < t->policies.len && found == NULL; i++) {
        const probe_policy *p = util_vec_at(&t->policies, i);
        const char *expr = cmd == 'a' && p->check ? p->check : p->qual;
        char *sql;

        if (!p->permissive || !p->applies || !policy_for(p, cmd) || expr == NULL)
            continue;
        sql = util_xasprintf("SELECT count(*) FROM %s WHERE %s = %s AND (%s)", t->qname, t->qcolumn,
                             t->lit_a, expr);
        if (verify_probe_count(ps->conn, sql, NULL) > 0)
            found = p->name;
        free(sql);
    }
    verify_probe_exec(ps->conn, ps->role, NULL);
    return found;
}

/* Report rule for what leaked with cmd ("SELECT ... sees ..."), naming
 * the policy that let it through. */
static void
report_leak(probe_session *ps, const char *rule, char cmd, const char *what)
{
    const char *policy = admitting_policy(ps, cmd);
    char *msg;

    if (policy)
        msg = util_xasprintf("%s (policy %s lets it through)", what, policy);
    else
        msg = util_xasprintf("%s (no policy for %s restricts it)", what, command_name(cmd));
    report_table(ps->s, rule, ps->t, policy, msg);
    free(msg);
}

/* Set the tenant setting to value (NULL: leave it as it is). */
static void
set_tenant(probe_session *ps, const char *value)
{
    char *name = verify_probe_literal(ps->t->setting), *v = verify_probe_literal(value);
    char *sql = util_xasprintf("SELECT pg_catalog.set_config(%s, %s, true)", name, v);

    verify_probe_exec(ps->conn, sql, NULL);
    free(sql);
    free(name);
    free(v);
}

/* With no tenant context: the setting unset (when this session never set
 * it), then '' (what RESET leaves): a SELECT of A's row must see nothing. */
static void
probe_no_context(probe_session *ps, bool never_set)
{
    probe_table *t = ps->t;
    char *sql = util_xasprintf("SELECT count(*) FROM %s WHERE %s = %s", t->qname, t->qcolumn, t->lit_a);
    char *what = NULL;

    if (never_set && verify_probe_count(ps->conn, sql, NULL) > 0)
        what = util_xasprintf("SELECT with %s unset sees tenant A's row of %s.%s", t->setting, t->schema,
                              t->name);
    if (what == NULL) {
        set_tenant(ps, "");
        if (verify_probe_count(ps->conn, sql, NULL) > 0)
            what = util_xasprintf("SELECT with %s empty (as after RESET) sees tenant A's row of %s.%s",
                                  t->setting, t->schema, t->name);
    }
    if (what)
        report_leak(ps, "verify/no-context-sees-rows", 'r', what);
    free(what);
    free(sql);
}

/* The ctid of A's row as the session's user sees it (caller frees), or
 * NULL; the probe role is back in place after. */
static char *
row_a_ctid(probe_session *ps)
{
    probe_table *t = ps->t;
    char *sql = util_xasprintf("SELECT ctid::text FROM %s WHERE %s = %s LIMIT 1", t->qname, t->qcolumn, t->lit_a);
    char *ctid = NULL, *why = NULL;

    verify_probe_exec(ps->conn, "SET LOCAL ROLE NONE", NULL);
    verify_probe_keep(ps->conn, sql, &ctid, &why);
    verify_probe_exec(ps->conn, ps->role, NULL);
    free(why);
    free(sql);
    return ctid;
}

/*
 * Whether stmt (an UPDATE or DELETE without WHERE, run as the probe role)
 * reached A's row: afterwards the session's user no longer finds it at
 * ctid (an UPDATE writes a new version elsewhere, a DELETE removes it).
 * All in a savepoint rolled back.  Other rows B reaches (a tenant-less
 * shared row a policy admits) do not count: they are not A's.
 */
static bool
reaches_row_a(probe_session *ps, const char *stmt, const char *ctid)
{
    probe_table *t = ps->t;
    char *lit = verify_probe_literal(ctid);
    char *sql = util_xasprintf("SELECT count(*) FROM %s WHERE ctid = %s::tid AND %s = %s", t->qname, lit,
                               t->qcolumn, t->lit_a);
    long n = -1;

    verify_probe_exec(ps->conn, "SAVEPOINT pgrampart_reach", NULL);
    if (verify_probe_exec(ps->conn, stmt, NULL) == 0) {
        verify_probe_exec(ps->conn, "SET LOCAL ROLE NONE", NULL);
        n = verify_probe_count(ps->conn, sql, NULL);
    }
    verify_probe_exec(ps->conn, "ROLLBACK TO SAVEPOINT pgrampart_reach", NULL);
    free(sql);
    free(lit);
    return n == 0;
}

/* The probe of cmd as tenant B; true when it got through. */
static bool
probe_command(probe_session *ps, char cmd, const char *ctid)
{
    probe_table *t = ps->t;
    char *sql;
    bool leak;

    if (cmd == 'r')
        sql = util_xasprintf("SELECT count(*) FROM %s WHERE %s = %s", t->qname, t->qcolumn, t->lit_a);
    else if (cmd == 'w')
        sql = util_xasprintf("UPDATE %s SET %s = %s", t->qname, t->qcolumn, t->lit_a);
    else if (cmd == 'd')
        sql = util_xasprintf("DELETE FROM %s", t->qname);
    else
        sql = util_xasprintf("WITH i AS (%s RETURNING 1) SELECT count(*) FROM i", t->insert_a);
    if ((cmd == 'w' || cmd == 'd') && ctid) {
        leak = reaches_row_a(ps, sql, ctid);
    } else if (cmd == 'w' || cmd == 'd') {
        /* A's row is not visible to the session's user either (FORCE
         * ROW LEVEL SECURITY, not a superuser): count what B reaches. */
        char *counted = util_xasprintf("WITH x AS (%s RETURNING 1) SELECT count(*) FROM x", sql);

        leak = verify_probe_count(ps->conn, counted, NULL) > 0;
        free(counted);
    } else {
        leak = verify_probe_count(ps->conn, sql, NULL) > 0;
    }
    free(sql);
    return leak;
}

/*
 * With tenant B's context: a SELECT of A's row, an UPDATE and a DELETE
 * without WHERE and an INSERT of a row of A must each fail or leave A's
 * row alone.  The UPDATE and DELETE read no column (SET to a constant):
 * reading one would hold them to the SELECT policies too (PostgreSQL
 * docs, CREATE POLICY: "Policies Applied by Command Type"), and an
 * attacker needs no WHERE to reach every row the UPDATE or DELETE
 * policies let through.
 */
static void
probe_other_tenant(probe_session *ps)
{
    probe_table *t = ps->t;
    static const char cmds[] = { 'r', 'w', 'd', 'a' };
    char *ctid;
    size_t i;

    set_tenant(ps, t->value_b);
    ctid = row_a_ctid(ps);
    for (i = 0; i < sizeof cmds; i++) {
        char *what;

        if (!probe_command(ps, cmds[i], ctid))
            continue;
        what = util_xasprintf(cmds[i] == 'r' ? "SELECT as tenant B sees tenant A's row of %s.%s"
                              : cmds[i] == 'w' ? "UPDATE as tenant B changes tenant A's row of %s.%s"
                              : cmds[i] == 'd' ? "DELETE as tenant B removes tenant A's row of %s.%s"
                                               : "INSERT as tenant B adds a row of tenant A to %s.%s",
                              t->schema, t->name);
        report_leak(ps, "verify/tenant-leak", cmds[i], what);
        free(what);
    }
    free(ctid);
}

static void
report_skipped(probe_session *ps, const char *why)
{
    char *msg = util_xasprintf("the tenant probe of %s.%s was skipped: %s", ps->t->schema,
                               ps->t->name, why);

    report_table(ps->s, "verify/probe-skipped", ps->t, NULL, msg);
    free(msg);
}

/*
 * Give the probe role what an application role of t has: the table's
 * privileges, the schema's and its sequences' USAGE, and the roles the
 * policies name (not one that bypasses them: a superuser, a BYPASSRLS
 * role or a role with the owner's privileges).  Then make the session's
 * user able to SET ROLE to it.  0, or -1 with *why set.
 */
static int
grant_probe_role(probe_session *ps, char **why)
{
    probe_table *t = ps->t;
    char *schema = verify_probe_ident(t->schema);
    char *sql = util_xasprintf("GRANT USAGE ON SCHEMA %s TO %s; "
                               "GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s; "
                               "GRANT USAGE ON ALL SEQUENCES IN SCHEMA %s TO %s",
                               schema, ps->role_name, t->qname, ps->role_name, schema, ps->role_name);
    PGresult *res;
    int rc = verify_probe_exec(ps->conn, sql, why), i;

    free(sql);
    free(schema);
    if (rc != 0)
        return -1;
    sql = util_xasprintf("SELECT DISTINCT pg_catalog.quote_ident(r.rolname) FROM pg_catalog.pg_policy p "
                         "CROSS JOIN pg_catalog.unnest(p.polroles) ro JOIN pg_catalog.pg_roles r ON r.oid = ro "
                         "JOIN pg_catalog.pg_class c ON c.oid = p.polrelid WHERE p.polrelid = %s "
                         "AND NOT r.rolsuper AND NOT r.rolbypassrls "
                         "AND NOT pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')", t->oid);
    res = pqlib_exec(ps->conn, sql);
    free(sql);
    for (i = 0; pqlib_result_status(res) == PGRES_TUPLES_OK && i < pqlib_ntuples(res); i++) {
        sql = util_xasprintf("GRANT %s TO %s", pqlib_getvalue(res, i, 0), ps->role_name);
        verify_probe_try(ps->conn, sql, NULL);
        free(sql);
    }
    pqlib_clear(res);
    /* A superuser may SET ROLE to any role; another creator needs the
     * membership (PostgreSQL 16 gives CREATEROLE creators ADMIN only). */
    sql = util_xasprintf("GRANT %s TO CURRENT_USER", ps->role_name);
    verify_probe_try(ps->conn, sql, NULL);
    free(sql);
    return 0;
}

/*
 * Insert A's row: as the session's user without a tenant context (the
 * owner: the policies do not apply), else with A's context.  Sets
 * *context_set when the setting had to be set.  0, or -1 with *why set.
 */
static int
insert_tenant_a(probe_session *ps, bool *context_set, char **why)
{
    *context_set = false;
    if (verify_probe_try(ps->conn, ps->t->insert_a, NULL) == 0)
        return 0;
    *context_set = true;
    set_tenant(ps, ps->t->value_a);
    return verify_probe_try(ps->conn, ps->t->insert_a, why);
}

/* Create the probe role and give it what an application role has;
 * 0, or -1 with *why set. */
static int
make_probe_role(probe_session *ps, char **why)
{
    char *create = util_xasprintf("CREATE ROLE %s NOLOGIN", ps->role_name);
    char *msg = NULL;
    int rc = verify_probe_exec(ps->conn, create, &msg) == 0 ? grant_probe_role(ps, &msg) : -1;

    if (rc != 0) {
        *why = util_xasprintf("the probe role cannot be created (%s)", msg);
        free(msg);
    }
    free(create);
    return rc;
}

/* Probe table t (its oid and names set) on a connection of its own, in
 * one transaction that is rolled back.  The policies are read twice: for
 * the tenant column first, then to know which apply to the probe role. */
static int
probe_table_run(const verify_probe_site *s, probe_table *t, char **err)
{
    probe_session ps;
    char *why = NULL;
    bool context_set = false;

    memset(&ps, 0, sizeof ps);
    ps.s = s;
    ps.t = t;
    if ((ps.conn = live_connect(s->conninfo, s->connect_timeout_s, err)) == NULL)
        return -1;
    ps.role_name = util_xasprintf("pgrampart_probe_%ld", (long) getpid());
    ps.role = util_xasprintf("SET LOCAL ROLE %s", ps.role_name);
    verify_probe_exec(ps.conn, "BEGIN", NULL);
    verify_probe_exec(ps.conn, "SET LOCAL standard_conforming_strings TO on", NULL);
    verify_probe_exec(ps.conn, VERIFY_PROBE_TIMEOUT, NULL);
    if (read_policies(ps.conn, t, NULL) == 0 && t->column != NULL && make_probe_role(&ps, &why) == 0 &&
        read_policies(ps.conn, t, ps.role_name) == 0 && (why = build_insert(ps.conn, t)) == NULL &&
        insert_tenant_a(&ps, &context_set, &why) == 0 && verify_probe_exec(ps.conn, ps.role, &why) == 0) {
        probe_no_context(&ps, !context_set);
        probe_other_tenant(&ps);
    }
    if (why)
        report_skipped(&ps, why);
    free(why);
    verify_probe_exec(ps.conn, "ROLLBACK", NULL);
    pqlib_finish(ps.conn);
    free(ps.role);
    free(ps.role_name);
    return 0;
}

int
verify_probe_tenants(const verify_probe_site *s, char **err)
{
    const cfg_node *want = cfg_get(cfg_get(s->h->cfg->root, "rls"), "tenant_setting");
    PGconn *conn = live_connect(s->conninfo, s->connect_timeout_s, err);
    PGresult *res;
    int i, rc = 0;

    if (conn == NULL)
        return -1;
    if (want && want->kind != CFG_SCALAR)
        want = NULL;
    res = pqlib_exec(conn, "SELECT c.oid, n.nspname, c.relname, "
                           "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) "
                           "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE c.relrowsecurity AND c.relkind IN ('r', 'p') "
                           "AND EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid) "
                           "ORDER BY n.nspname, c.relname");
    for (i = 0; rc == 0 && pqlib_result_status(res) == PGRES_TUPLES_OK && i < pqlib_ntuples(res); i++) {
        probe_table t;

        memset(&t, 0, sizeof t);
        util_vec_init(&t.policies, sizeof(probe_policy));
        t.oid = util_xstrdup(pqlib_getvalue(res, i, 0));
        t.schema = util_xstrdup(pqlib_getvalue(res, i, 1));
        t.name = util_xstrdup(pqlib_getvalue(res, i, 2));
        t.qname = util_xstrdup(pqlib_getvalue(res, i, 3));
        t.want_setting = want ? want->scalar : NULL;
        rc = probe_table_run(s, &t, err);
        table_free(&t);
    }
    pqlib_clear(res);
    pqlib_finish(conn);
    return rc;
}
