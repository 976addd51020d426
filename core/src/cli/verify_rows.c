/*
 * verify_rows.c — one row of a table, generated for pgrampart verify's
 * tenant probe (issue 18): values from the column types, CHECK
 * constraints and foreign keys, as the server describes them (pg_attribute,
 * pg_type, pg_enum, pg_constraint).
 *
 * A column gets NULL or its default when it allows one (it is left out of
 * the INSERT); else a value by its base type: an enum's first label, a
 * random integer (a key unlikely to collide with a seeded row), 1 for
 * other numbers (numeric(p,s) may hold little), a text, a uuid, now(),
 * '{}' for arrays and JSON.  A column
 * under a CHECK constraint of its own gets the first constant of the
 * constraint's expression (parsed with libpg_query) that passes it (IN
 * ('user', 'assistant'): 'user'), else the generated value.  A column of a
 * single-column foreign key gets a parent row first, generated the same
 * way (down to VERIFY_ROWS_DEPTH levels) and inserted by the session's
 * user into the caller's transaction; the child takes the parent's key.
 * The tenant column, and a parent's column of the same name, hold the
 * tenant's value.
 */
#include "cli/verify_probe.h"

#include <stdlib.h>
#include <string.h>

/* Foreign keys followed to parents at most this deep. */
#define VERIFY_ROWS_DEPTH 4

/*
 * Per column: quoted name, type, raw name, must be given, generated value
 * expression (NULL: none for its type), its CHECK constraints (AND-ed),
 * and the single-column foreign key's table oid and quoted column.
 */
static const char row_columns_sql[] =
    "SELECT pg_catalog.quote_ident(a.attname), pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "a.attname, a.attnotnull AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = '', "
    "CASE WHEN b.typtype = 'e' THEN (SELECT pg_catalog.quote_literal(e.enumlabel) FROM "
    "pg_catalog.pg_enum e WHERE e.enumtypid = b.oid ORDER BY e.enumsortorder LIMIT 1) "
    "WHEN b.typname = 'uuid' THEN 'pg_catalog.md5(pg_catalog.random()::text)' "
    "WHEN b.typname IN ('json', 'jsonb') OR b.typcategory = 'A' THEN '''{}''' "
    "WHEN b.typname IN ('int2', 'int4', 'int8') THEN 'pg_catalog.floor(pg_catalog.random() * 30000 + 1)' "
    "WHEN b.typcategory = 'N' THEN '1' "
    "WHEN b.typcategory = 'S' THEN '''pgrampart probe '' || pg_catalog.random()' "
    "WHEN b.typcategory = 'B' THEN 'false' "
    "WHEN b.typcategory = 'D' THEN 'pg_catalog.now()' "
    "WHEN b.typcategory = 'T' THEN '''1 day''' END, "
    "(SELECT pg_catalog.string_agg('(' || pg_catalog.pg_get_expr(c.conbin, c.conrelid) || ')', ' AND ') "
    "FROM pg_catalog.pg_constraint c WHERE c.conrelid = a.attrelid AND c.contype = 'c' "
    "AND c.conkey = ARRAY[a.attnum]), "
    "f.confrelid, (SELECT pg_catalog.quote_ident(r.attname) FROM pg_catalog.pg_attribute r "
    "WHERE r.attrelid = f.confrelid AND r.attnum = f.confkey[1]) "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
    "LEFT JOIN LATERAL (SELECT c.confrelid, c.confkey FROM pg_catalog.pg_constraint c "
    "WHERE c.conrelid = a.attrelid AND c.contype = 'f' AND c.conkey = ARRAY[a.attnum] LIMIT 1) f ON true "
    "WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

/* What a row is built for. */
typedef struct row_request {
    PGconn *conn;
    const char *tenant_col;    /* raw name, or NULL */
    const char *tenant_value;  /* text of the tenant's value */
    const char *fixed_col;     /* raw name of a column whose value is given, or NULL */
    const char *fixed_lit;     /* that value (a SQL expression) */
    int depth;
} row_request;

/* The constants of a CHECK expression, as SQL literals (of char *). */
static int
note_constant(const pgr_node *n, void *arg)
{
    const ProtobufCMessage *m = (const ProtobufCMessage *) n;
    const PgQuery__AConst *c;
    util_vec *out = arg;

    if (m->descriptor != &pg_query__a__const__descriptor)
        return 0;
    c = (const PgQuery__AConst *) m;
    if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL && c->sval)
        *(char **) util_vec_push(out) = verify_probe_literal(c->sval->sval);
    else if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL && c->ival)
        *(char **) util_vec_push(out) = util_xasprintf("%d", (int) c->ival->ival);
    else if (c->val_case == PG_QUERY__A__CONST__VAL_FVAL && c->fval && c->fval->fval)
        *(char **) util_vec_push(out) = verify_probe_literal(c->fval->fval);
    return 0;
}

/* The first constant of check (an expression on column qname of type)
 * that passes it, or NULL (caller frees). */
static char *
check_value(PGconn *conn, const char *check, const char *qname, const char *type)
{
    char *sql = util_xasprintf("SELECT %s", check), *found = NULL;
    util_vec consts;
    sql_file sub;
    size_t i;

    util_vec_init(&consts, sizeof(char *));
    sql_file_parse(&sub, "", sql, strlen(sql));
    free(sql);
    if (sub.errors.len == 0 && sub.stmts.len == 1)
        sql_node_walk(sql_node_wrap(((const sql_stmt *) util_vec_at(&sub.stmts, 0))->node), note_constant,
                      &consts);
    sql_file_free(&sub);
    for (i = 0; i < consts.len; i++) {
        char *c = *(char **) util_vec_at(&consts, i);

        sql = util_xasprintf("SELECT count(*) FROM (SELECT (%s)::%s AS %s) s WHERE %s", c, type, qname, check);
        if (found == NULL && verify_probe_count(conn, sql, NULL) == 1)
            found = util_xasprintf("(%s)::%s", c, type);
        free(sql);
        free(c);
    }
    util_vec_free(&consts);
    return found;
}

static char *row_build(const row_request *rq, const char *oid, char **insert);

/*
 * Insert a parent row of table oid whose column key (quoted) is fixed
 * (when fixed is not NULL) and return its key as a literal of type for
 * the child, or NULL with *why set.
 */
static char *
parent_key(const row_request *rq, const char *oid, const char *key, const char *fixed, const char *type,
           char **why)
{
    row_request sub = *rq;
    char *insert = NULL, *sql, *lit = NULL;
    PGresult *res;

    sub.depth = rq->depth + 1;
    sub.fixed_col = NULL;
    sub.fixed_lit = fixed;
    if (fixed) {
        /* The key's raw name: the quoted one unquoted by the server. */
        char *qkey = verify_probe_literal(key);

        sql = util_xasprintf("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = %s AND "
                             "pg_catalog.quote_ident(attname) = %s", oid, qkey);
        free(qkey);
        res = pqlib_exec(rq->conn, sql);
        free(sql);
        sub.fixed_col = pqlib_ntuples(res) == 1 ? util_xstrdup(pqlib_getvalue(res, 0, 0)) : NULL;
        pqlib_clear(res);
    }
    if (sub.depth > VERIFY_ROWS_DEPTH)
        *why = util_xstrdup("its foreign keys nest too deep");
    else
        *why = row_build(&sub, oid, &insert);
    if (*why == NULL) {
        sql = util_xasprintf("%s ON CONFLICT DO NOTHING RETURNING pg_catalog.quote_literal(%s)", insert, key);
        verify_probe_keep(rq->conn, sql, &lit, why);
        free(sql);
        if (*why == NULL && lit == NULL && fixed)
            lit = util_xstrdup(fixed);
        else if (*why == NULL && lit == NULL)
            *why = util_xstrdup("its parent row was not inserted");
        if (lit) {
            char *typed = util_xasprintf("(%s)::%s", lit, type);

            free(lit);
            lit = typed;
        }
    }
    free((char *) sub.fixed_col);
    free(insert);
    return lit;
}

/* The value of one column of a row (a SQL expression, caller frees), or
 * NULL when it is left out (*why unset) or cannot be generated (*why set).
 * res: row_columns_sql's result, row i. */
static char *
column_value(const row_request *rq, const char *oid, PGresult *res, int i, char **why)
{
    const char *qname = pqlib_getvalue(res, i, 0), *type = pqlib_getvalue(res, i, 1);
    const char *raw = pqlib_getvalue(res, i, 2);
    bool needed = pqlib_getvalue(res, i, 3)[0] == 't';
    char *value = NULL;

    if (rq->fixed_col && strcmp(raw, rq->fixed_col) == 0) {
        value = util_xasprintf("(%s)::%s", rq->fixed_lit, type);
    } else if (rq->tenant_col && strcmp(raw, rq->tenant_col) == 0) {
        char *lit = verify_probe_literal(rq->tenant_value);

        value = util_xasprintf("%s::%s", lit, type);
        free(lit);
    } else if (!needed) {
        return NULL;
    } else if (!pqlib_getisnull(res, i, 5)) {
        value = check_value(rq->conn, pqlib_getvalue(res, i, 5), qname, type);
    }
    if (value == NULL && !pqlib_getisnull(res, i, 4))
        value = util_xasprintf("(%s)::%s", pqlib_getvalue(res, i, 4), type);
    if (value == NULL) {
        *why = util_xasprintf("no value can be generated for column %s of type %s", qname, type);
        return NULL;
    }
    /* A foreign key: the parent first, and its key here. */
    if (!pqlib_getisnull(res, i, 6) && !pqlib_getisnull(res, i, 7)) {
        const char *parent = pqlib_getvalue(res, i, 6);
        bool fixed = rq->fixed_col && strcmp(raw, rq->fixed_col) == 0;
        bool tenant = rq->tenant_col && strcmp(raw, rq->tenant_col) == 0;
        char *key;

        if (strcmp(parent, oid) == 0) {
            *why = util_xasprintf("column %s references its own table", qname);
            free(value);
            return NULL;
        }
        key = parent_key(rq, parent, pqlib_getvalue(res, i, 7), fixed || tenant ? value : NULL, type, why);
        free(value);
        value = key;
    }
    return value;
}

/* Build the INSERT of one row of table oid for rq into *insert (caller
 * frees); returns NULL, or why not (caller frees). */
static char *
row_build(const row_request *rq, const char *oid, char **insert)
{
    char *sql = util_xasprintf(row_columns_sql, oid), *why = NULL, *name;
    PGresult *res = pqlib_exec(rq->conn, sql);
    util_buf cols, vals;
    int i;

    free(sql);
    if (pqlib_result_status(res) != PGRES_TUPLES_OK) {
        pqlib_clear(res);
        return util_xstrdup("its columns could not be read");
    }
    util_buf_init(&cols);
    util_buf_init(&vals);
    for (i = 0; i < pqlib_ntuples(res) && why == NULL; i++) {
        char *value = column_value(rq, oid, res, i, &why);

        if (value == NULL)
            continue;
        util_buf_printf(&cols, "%s%s", cols.len ? ", " : "", pqlib_getvalue(res, i, 0));
        util_buf_printf(&vals, "%s%s", vals.len ? ", " : "", value);
        free(value);
    }
    pqlib_clear(res);
    sql = util_xasprintf("SELECT %s::pg_catalog.regclass::text", oid);
    res = pqlib_exec(rq->conn, sql);
    name = pqlib_ntuples(res) == 1 ? pqlib_getvalue(res, 0, 0) : "?";
    if (why == NULL)
        *insert = cols.len ? util_xasprintf("INSERT INTO %s (%s) VALUES (%s)", name, cols.data, vals.data)
                           : util_xasprintf("INSERT INTO %s DEFAULT VALUES", name);
    pqlib_clear(res);
    free(sql);
    util_buf_free(&cols);
    util_buf_free(&vals);
    return why;
}

char *
verify_row_insert(PGconn *conn, const char *oid, const char *tenant_col, const char *tenant_value,
                  char **insert)
{
    row_request rq = { conn, tenant_col, tenant_value, NULL, NULL, 0 };

    *insert = NULL;
    return row_build(&rq, oid, insert);
}
