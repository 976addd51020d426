/*
 * verify_probe_common.c — what pgrampart verify's probes share (issue 18):
 * SQL quoting, statements in savepoints on a probe's connection, findings
 * at a file position, and the tenant comparison of a policy's expression
 * (read with libpg_query: "column = current_setting('<setting>')" at the
 * top of the expression or under AND/OR, the column maybe cast, the call
 * maybe cast or inside COALESCE; a comparison inside a subquery names
 * another table's column and is not taken).
 */
#include "cli/verify_probe.h"

#include <stdlib.h>
#include <string.h>

/* s between two q, each q inside doubled (SQL's quoting of literals and
 * identifiers); caller frees. */
static char *
quote_with(const char *s, char q)
{
    util_buf b;

    util_buf_init(&b);
    util_buf_append(&b, &q, 1);
    for (; *s; s++) {
        if (*s == q)
            util_buf_append(&b, &q, 1);
        util_buf_append(&b, s, 1);
    }
    util_buf_append(&b, &q, 1);
    return b.data;
}

char *
verify_probe_literal(const char *s)
{
    return quote_with(s, '\'');
}

char *
verify_probe_ident(const char *s)
{
    return quote_with(s, '"');
}

int
verify_probe_exec(PGconn *conn, const char *sql, char **why)
{
    PGresult *res = pqlib_exec(conn, sql);
    ExecStatusType st = pqlib_result_status(res);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;

    if (rc != 0 && why) {
        const char *m = res ? pqlib_result_error_field(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

        *why = util_xstrdup(m ? m : pqlib_error_message(conn));
    }
    pqlib_clear(res);
    return rc;
}

int
verify_probe_try(PGconn *conn, const char *sql, char **why)
{
    int rc;

    verify_probe_exec(conn, "SAVEPOINT pgrampart_try", NULL);
    rc = verify_probe_exec(conn, sql, why);
    verify_probe_exec(conn, rc == 0 ? "RELEASE SAVEPOINT pgrampart_try" : "ROLLBACK TO SAVEPOINT pgrampart_try",
                      NULL);
    return rc;
}

int
verify_probe_keep(PGconn *conn, const char *sql, char **value, char **why)
{
    PGresult *res;
    ExecStatusType st;
    int rc;

    *value = NULL;
    verify_probe_exec(conn, "SAVEPOINT pgrampart_keep", NULL);
    res = pqlib_exec(conn, sql);
    st = pqlib_result_status(res);
    rc = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK ? 0 : -1;
    if (rc == 0 && st == PGRES_TUPLES_OK && pqlib_ntuples(res) > 0 && !pqlib_getisnull(res, 0, 0))
        *value = util_xstrdup(pqlib_getvalue(res, 0, 0));
    if (rc != 0) {
        const char *m = res ? pqlib_result_error_field(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

        *why = util_xstrdup(m ? m : pqlib_error_message(conn));
    }
    pqlib_clear(res);
    verify_probe_exec(conn, rc == 0 ? "RELEASE SAVEPOINT pgrampart_keep" : "ROLLBACK TO SAVEPOINT pgrampart_keep",
               NULL);
    return rc;
}

long
verify_probe_count(PGconn *conn, const char *sql, char **why)
{
    PGresult *res;
    long n = -1;

    verify_probe_exec(conn, "SAVEPOINT pgrampart_probe", NULL);
    res = pqlib_exec(conn, sql);
    if (pqlib_result_status(res) == PGRES_TUPLES_OK) {
        n = pqlib_ntuples(res) > 0 && !pqlib_getisnull(res, 0, 0) ? atol(pqlib_getvalue(res, 0, 0)) : 0;
    } else if (pqlib_result_status(res) == PGRES_COMMAND_OK) {
        n = 0;
    } else if (why) {
        const char *m = res ? pqlib_result_error_field(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

        *why = util_xstrdup(m ? m : pqlib_error_message(conn));
    }
    pqlib_clear(res);
    verify_probe_exec(conn, "ROLLBACK TO SAVEPOINT pgrampart_probe", NULL);
    return n;
}

void
verify_probe_report(const verify_probe_site *s, const char *rule, const check_file *f,
                    size_t offset, const char *msg)
{
    pgr_location loc;

    memset(&loc, 0, sizeof loc);
    loc.path = f->path;
    loc.line = loc.column = 1;
    if (f->parsed_sql)
        util_lines_pos(&f->sql.lines, offset, &loc.line, &loc.column);
    loc.end_line = loc.line;
    loc.end_column = loc.column;
    host_report_core(s->h, rule, &loc, msg);
}

const check_file *
verify_probe_entry_file(const verify_probe_site *s, long mig_index)
{
    return mig_index < 0 ? NULL : util_vec_at(&s->check->files, s->check->sql_index[mig_index]);
}

const check_file *
verify_probe_last_up(const verify_probe_site *s, bool (*match)(const PgQuery__Node *node, void *arg),
                     void *arg, size_t *offset)
{
    const check_file *found = NULL;
    size_t k, i;

    for (k = 0; k < s->set->entries.len; k++) {
        const mig_entry *e = util_vec_at(&s->set->entries, k);
        const check_file *f = verify_probe_entry_file(s, e->up);

        for (i = 0; f && f->parsed_sql && i < f->sql.stmts.len; i++) {
            const sql_stmt *st = util_vec_at(&f->sql.stmts, i);

            if (st->node == NULL || (e->up == e->down && st->part == PGR_PART_DOWN))
                continue;
            if (match(st->node, arg)) {
                found = f;
                *offset = st->start;
            }
        }
    }
    return found;
}

const check_file *
verify_probe_first_file(const verify_probe_site *s)
{
    size_t k;

    for (k = 0; k < s->set->entries.len; k++) {
        const check_file *f = verify_probe_entry_file(s, ((const mig_entry *) util_vec_at(&s->set->entries, k))->up);

        if (f)
            return f;
    }
    return NULL;
}

/* ---- the tenant comparison of a policy ---- */

static const char *
string_of(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* The setting named by a current_setting('<setting>', ...) call n is or
 * holds (through casts and COALESCE), or NULL. */
static const char *
setting_in(const PgQuery__Node *n, int depth)
{
    const PgQuery__Node *arg;
    size_t i;

    if (n == NULL || depth > 16)
        return NULL;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_TYPE_CAST:
        return setting_in(n->type_cast->arg, depth + 1);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        for (i = 0; i < n->coalesce_expr->n_args; i++)
            if (setting_in(n->coalesce_expr->args[i], depth + 1))
                return setting_in(n->coalesce_expr->args[i], depth + 1);
        return NULL;
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
        const PgQuery__FuncCall *fc = n->func_call;
        const char *fn = fc->n_funcname ? string_of(fc->funcname[fc->n_funcname - 1]) : NULL;

        if (fn == NULL || strcmp(fn, "current_setting") != 0 || fc->n_args == 0)
            return NULL;
        for (arg = fc->args[0]; arg && arg->node_case == PG_QUERY__NODE__NODE_TYPE_CAST;)
            arg = arg->type_cast->arg;
        if (arg && arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL && arg->a_const->sval)
            return arg->a_const->sval->sval;
        return NULL;
    }
    default:
        return NULL;
    }
}

/* The column n names (through casts), or NULL. */
static const char *
column_in(const PgQuery__Node *n)
{
    while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
        n = n->type_cast->arg;
    if (n == NULL || n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || n->column_ref->n_fields == 0)
        return NULL;
    return string_of(n->column_ref->fields[n->column_ref->n_fields - 1]);
}

/* Whether a comparison with setting is the tenant's: any, or the one
 * the configuration names (rls.tenant_setting). */
static bool
wanted(const char *setting, const char *want)
{
    return setting != NULL && (want == NULL || strcmp(setting, want) == 0);
}

/* Find "column = <current_setting(...)>" in n (at its top or under
 * AND/OR) whose setting is wanted; sets *column and *setting (pointers
 * into n) and returns true. */
static bool
tenant_compare(const PgQuery__Node *n, const char *want, const char **column, const char **setting, int depth)
{
    size_t i;

    if (n == NULL || depth > 32)
        return false;
    if (n->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR) {
        for (i = 0; i < n->bool_expr->n_args; i++)
            if (tenant_compare(n->bool_expr->args[i], want, column, setting, depth + 1))
                return true;
        return false;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_A_EXPR) {
        const PgQuery__AExpr *e = n->a_expr;
        const char *op = e->n_name == 1 ? string_of(e->name[0]) : NULL;

        if (e->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP || op == NULL || strcmp(op, "=") != 0)
            return false;
        if ((*column = column_in(e->lexpr)) && wanted(*setting = setting_in(e->rexpr, 0), want))
            return true;
        if ((*column = column_in(e->rexpr)) && wanted(*setting = setting_in(e->lexpr, 0), want))
            return true;
    }
    return false;
}

/* The text is the migrations' (the server's deparse of a policy): it is
 * parsed with sql_file_parse's depth limits before anything walks it. */
bool
verify_probe_tenant_of(const char *text, const char *want, char **column, char **setting)
{
    char *sql = util_xasprintf("SELECT %s", text);
    const char *col = NULL, *set = NULL;
    sql_file sub;
    bool found = false;

    sql_file_parse(&sub, "", sql, strlen(sql));
    if (sub.errors.len == 0 && sub.stmts.len == 1) {
        const PgQuery__Node *n = ((const sql_stmt *) util_vec_at(&sub.stmts, 0))->node;

        found = n && n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT && n->select_stmt->n_target_list == 1 &&
                n->select_stmt->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET &&
                tenant_compare(n->select_stmt->target_list[0]->res_target->val, want, &col, &set, 0);
        if (found) {
            *column = util_xstrdup(col);
            *setting = util_xstrdup(set);
        }
    }
    sql_file_free(&sub);
    free(sql);
    return found;
}
