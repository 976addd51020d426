/*
 * verify_extensions.c — which CREATE EXTENSION of a migration the verify
 * server cannot run (verify/extension-unavailable; issue 18).
 *
 * The test is pg_available_extensions (PostgreSQL docs 54.3): an extension
 * whose control file the server lacks fails with "extension ... is not
 * available" (or "could not open extension control file" before 15), IF
 * NOT EXISTS or not.  The statement is read from libpg_query's tree, never
 * from the text.
 */
#include "cli/verify_extensions.h"

#include <string.h>

void
verify_names_query(PGconn *conn, const char *sql, util_vec *names)
{
    PGresult *res = pqlib_exec(conn, sql);
    int i;

    if (pqlib_result_status(res) == PGRES_TUPLES_OK)
        for (i = 0; i < pqlib_ntuples(res); i++)
            *(char **) util_vec_push(names) = util_xstrdup(pqlib_getvalue(res, i, 0));
    pqlib_clear(res);
}

bool
verify_names_has(const util_vec *names, const char *name)
{
    size_t i;

    for (i = 0; i < names->len; i++)
        if (strcmp(*(char **) util_vec_at(names, i), name) == 0)
            return true;
    return false;
}

void
verify_extensions_available(PGconn *conn, util_vec *names)
{
    verify_names_query(conn, "SELECT name FROM pg_catalog.pg_available_extensions", names);
}

const sql_stmt *
verify_extension_missing(const check_file *f, pgr_part part, const util_vec *available,
                         const char **name)
{
    size_t k;

    for (k = 0; k < f->sql.stmts.len; k++) {
        const sql_stmt *st = util_vec_at(&f->sql.stmts, k);
        const PgQuery__Node *n = st->node;

        if ((part != PGR_PART_NONE && st->part != part) || n == NULL ||
            n->node_case != PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT ||
            n->create_extension_stmt->extname == NULL)
            continue;
        if (!verify_names_has(available, n->create_extension_stmt->extname)) {
            *name = n->create_extension_stmt->extname;
            return st;
        }
    }
    return NULL;
}
