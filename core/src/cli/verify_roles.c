/*
 * verify_roles.c — pgrampart verify's role least-privilege probe (issue
 * 18): after all ups of a set, each role of the configuration's
 * grants.roles.<role>.deny (the grants plugin's role policies, written once
 * for grants/role-policy) that exists on the server attempts each denied
 * action on each table of the scratch database.  Source: the checklists'
 * "webapp user cannot DROP tables", "readonly user cannot INSERT" (least
 * privilege); PostgreSQL docs 5.7 Privileges.
 *
 * One transaction per role, on a connection of its own, rolled back:
 * SET LOCAL ROLE to it, then per table and denied action one statement in
 * a savepoint rolled back.  The statements touch no row, so that a
 * constraint cannot hide a privilege: PostgreSQL checks the privileges of
 * every table a statement names before it runs, rows or none —
 *   SELECT    SELECT FROM t WHERE false
 *   INSERT    INSERT INTO t SELECT WHERE false
 *   UPDATE    UPDATE t SET <first column> = DEFAULT WHERE false
 *   DELETE    DELETE FROM t WHERE false
 *   TRUNCATE  TRUNCATE t
 *   DROP      DROP TABLE t CASCADE
 * (none of them reads a column, which would need SELECT too).  Other words
 * of a deny list (REFERENCES, EXECUTE, ...) are not probed.  A statement
 * that succeeds is verify/role-can at the last GRANT in the set's ups that
 * gives the privilege to the role or PUBLIC (on the table, or on all
 * tables of its schema), else at the deny list's entry in the
 * configuration.
 */
#include "cli/verify_probe.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "host/config.h"
#include "model/live.h"

/* The actions probed: the deny list's word and the statement (a format
 * taking the quoted table, then for UPDATE its first column). */
static const struct {
    const char *word;
    const char *statement;
} role_actions[] = {
    { "SELECT", "SELECT FROM %s WHERE false" },
    { "INSERT", "INSERT INTO %s SELECT WHERE false" },
    { "UPDATE", "UPDATE %s SET %s = DEFAULT WHERE false" },
    { "DELETE", "DELETE FROM %s WHERE false" },
    { "TRUNCATE", "TRUNCATE %s" },
    { "DROP", "DROP TABLE %s CASCADE" },
};

/* A table of the scratch database. */
typedef struct role_table {
    char *qname;              /* schema-qualified, quoted */
    char *schema, *name;
    char *column;             /* its first column quoted, or NULL */
} role_table;

/* Whether grantee (a RoleSpec node) is role or PUBLIC. */
static bool
grantee_is(const PgQuery__Node *g, const char *role)
{
    if (g == NULL || g->node_case != PG_QUERY__NODE__NODE_ROLE_SPEC)
        return false;
    return g->role_spec->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC ||
           (g->role_spec->rolename && strcmp(g->role_spec->rolename, role) == 0);
}

/* Whether GRANT g names table t (itself, or all tables of its schema). */
static bool
grant_on(const PgQuery__GrantStmt *g, const role_table *t)
{
    size_t i;

    if (g->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
        return false;
    for (i = 0; i < g->n_objects; i++) {
        const PgQuery__Node *o = g->objects[i];

        if (g->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA) {
            if (o->node_case == PG_QUERY__NODE__NODE_STRING && strcmp(o->string->sval, t->schema) == 0)
                return true;
        } else if (o->node_case == PG_QUERY__NODE__NODE_RANGE_VAR && o->range_var->relname &&
                   strcmp(o->range_var->relname, t->name) == 0 &&
                   (o->range_var->schemaname == NULL || o->range_var->schemaname[0] == '\0' ||
                    strcmp(o->range_var->schemaname, t->schema) == 0)) {
            return true;
        }
    }
    return false;
}

/* Whether statement n grants word on t to role (or PUBLIC). */
static bool
grants(const PgQuery__Node *n, const role_table *t, const char *role, const char *word)
{
    const PgQuery__GrantStmt *g;
    bool priv = false, who = false;
    size_t i;

    if (n == NULL || n->node_case != PG_QUERY__NODE__NODE_GRANT_STMT || !n->grant_stmt->is_grant)
        return false;
    g = n->grant_stmt;
    if (!grant_on(g, t))
        return false;
    /* No privilege list: ALL PRIVILEGES. */
    priv = g->n_privileges == 0;
    for (i = 0; i < g->n_privileges; i++) {
        const PgQuery__Node *p = g->privileges[i];

        if (p->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV && p->access_priv->priv_name &&
            strcasecmp(p->access_priv->priv_name, word) == 0)
            priv = true;
    }
    for (i = 0; i < g->n_grantees; i++)
        who = who || grantee_is(g->grantees[i], role);
    return priv && who;
}

/* What grant_site looks for: a GRANT of word on t to role. */
typedef struct grant_want {
    const role_table *t;
    const char *role, *word;
} grant_want;

static bool
grant_match(const PgQuery__Node *n, void *arg)
{
    const grant_want *w = arg;

    return grants(n, w->t, w->role, w->word);
}

/* The last GRANT of the set's ups giving word on t to role: its file and
 * *offset, or NULL. */
static const check_file *
grant_site(const verify_probe_site *s, const role_table *t, const char *role, const char *word,
           size_t *offset)
{
    grant_want w = { t, role, word };

    return verify_probe_last_up(s, grant_match, &w, offset);
}

/* Report rule at a node of the configuration: its path relative to the
 * working directory when below it, as the migrations are shown. */
static void
report_config(const verify_probe_site *s, const char *rule, const cfg_node *node, const char *msg)
{
    pgr_location loc;
    char cwd[4096];
    size_t n = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;

    memset(&loc, 0, sizeof loc);
    loc.path = node->file;
    if (n > 0 && strncmp(node->file, cwd, n) == 0 && node->file[n] == '/')
        loc.path = node->file + n + 1;
    loc.line = loc.end_line = node->line;
    loc.column = loc.end_column = node->column;
    host_report_core(s->h, rule, &loc, msg);
}

/* Report that role could do word on t with statement sql: at the GRANT,
 * else at the deny list's entry (entry: its YAML node). */
static void
report_can(const verify_probe_site *s, const role_table *t, const char *role, const char *word,
           const char *sql, const cfg_node *entry)
{
    char *msg = util_xasprintf("%s can %s %s.%s, which grants.roles.%s.deny forbids: `%s` succeeded",
                               role, word, t->schema, t->name, role, sql);
    size_t offset = 0;
    const check_file *f = grant_site(s, t, role, word, &offset);

    if (f)
        verify_probe_report(s, "verify/role-can", f, offset, msg);
    else
        report_config(s, "verify/role-can", entry, msg);
    free(msg);
}

/* The tables of the scratch database (not the catalogs'), appended to
 * tables (of role_table). */
static void
read_tables(PGconn *conn, util_vec *tables)
{
    PGresult *res = pqlib_exec(
        conn, "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
              "n.nspname, c.relname, (SELECT pg_catalog.quote_ident(a.attname) FROM pg_catalog.pg_attribute a "
              "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LIMIT 1) "
              "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
              "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
              "AND n.nspname !~ '^pg_(toast|temp)' ORDER BY 2, 3");
    int i;

    for (i = 0; pqlib_result_status(res) == PGRES_TUPLES_OK && i < pqlib_ntuples(res); i++) {
        role_table *t = util_vec_push(tables);

        t->qname = util_xstrdup(pqlib_getvalue(res, i, 0));
        t->schema = util_xstrdup(pqlib_getvalue(res, i, 1));
        t->name = util_xstrdup(pqlib_getvalue(res, i, 2));
        t->column = pqlib_getisnull(res, i, 3) ? NULL : util_xstrdup(pqlib_getvalue(res, i, 3));
    }
    pqlib_clear(res);
}

static void
tables_free(util_vec *tables)
{
    size_t i;

    for (i = 0; i < tables->len; i++) {
        role_table *t = util_vec_at(tables, i);

        free(t->qname);
        free(t->schema);
        free(t->name);
        free(t->column);
    }
    util_vec_free(tables);
}

/* Whether role exists on the server. */
static bool
role_exists(PGconn *conn, const char *role)
{
    char *lit = verify_probe_literal(role);
    char *sql = util_xasprintf("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = %s", lit);
    bool yes = verify_probe_count(conn, sql, NULL) > 0;

    free(sql);
    free(lit);
    return yes;
}

/* Attempt the action of deny entry (a scalar node) on each table as the
 * role the transaction has switched to. */
static void
probe_action(const verify_probe_site *s, PGconn *conn, const char *role, const cfg_node *entry,
             const util_vec *tables)
{
    size_t a, i;

    for (a = 0; a < sizeof role_actions / sizeof role_actions[0]; a++) {
        if (entry->kind != CFG_SCALAR || strcasecmp(entry->scalar, role_actions[a].word) != 0)
            continue;
        for (i = 0; i < tables->len; i++) {
            const role_table *t = util_vec_at(tables, i);
            char *sql;

            if (t->column == NULL && strcmp(role_actions[a].word, "UPDATE") == 0)
                continue;
            sql = util_xasprintf(role_actions[a].statement, t->qname, t->column);
            if (verify_probe_count(conn, sql, NULL) >= 0)
                report_can(s, t, role, role_actions[a].word, sql, entry);
            free(sql);
        }
    }
}

/* Probe one role's deny list (a sequence node) on a connection of its
 * own, in one transaction rolled back. */
static int
probe_role(const verify_probe_site *s, const char *role, const cfg_node *deny, char **err)
{
    PGconn *conn = live_connect(s->conninfo, s->connect_timeout_s, err);
    util_vec tables;
    char *ident, *set;
    size_t i;

    if (conn == NULL)
        return -1;
    util_vec_init(&tables, sizeof(role_table));
    read_tables(conn, &tables);
    ident = verify_probe_ident(role);
    set = util_xasprintf("SET LOCAL ROLE %s", ident);
    pqlib_clear(pqlib_exec(conn, "BEGIN"));
    pqlib_clear(pqlib_exec(conn, VERIFY_PROBE_TIMEOUT));
    if (role_exists(conn, role)) {
        PGresult *res = pqlib_exec(conn, set);

        if (pqlib_result_status(res) == PGRES_COMMAND_OK) {
            for (i = 0; i < deny->n; i++)
                probe_action(s, conn, role, deny->items[i], &tables);
        } else {
            /* The session's user may not SET ROLE to it (not a member,
             * not a superuser): say so, at the role's deny list. */
            const char *why = pqlib_result_error_field(res, PG_DIAG_MESSAGE_PRIMARY);
            char *msg = util_xasprintf("the role probe of %s was skipped: %s", role, why ? why : "SET ROLE failed");

            report_config(s, "verify/probe-skipped", deny, msg);
            free(msg);
        }
        pqlib_clear(res);
    }
    pqlib_clear(pqlib_exec(conn, "ROLLBACK"));
    free(set);
    free(ident);
    tables_free(&tables);
    pqlib_finish(conn);
    return 0;
}

int
verify_probe_roles(const verify_probe_site *s, char **err)
{
    const cfg_node *roles = cfg_get(cfg_get(s->h->cfg->root, "grants"), "roles");
    size_t i;

    if (roles == NULL || roles->kind != CFG_MAP)
        return 0;
    for (i = 0; i + 1 < roles->n; i += 2) {
        const cfg_node *deny = cfg_get(roles->items[i + 1], "deny");

        if (roles->items[i]->kind != CFG_SCALAR || deny == NULL || deny->kind != CFG_SEQ)
            continue;
        if (probe_role(s, roles->items[i]->scalar, deny, err) != 0)
            return -1;
    }
    return 0;
}
