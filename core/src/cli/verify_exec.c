/*
 * verify_exec.c — see verify_exec.h: a file's part cut into units (its
 * statements, or the whole part when it does not parse), sent one by one
 * inside a transaction, PostgreSQL's error position turned back into a
 * byte offset of the file.
 */
#include "cli/verify_exec.h"

#include <stdlib.h>
#include <string.h>

#include "host/pqlib.h"

/* A piece of a file sent as one query: bytes [start, end) of its SQL text. */
typedef struct verify_unit {
    size_t start, end;
    const sql_stmt *st;     /* the statement, or NULL for a whole part */
} verify_unit;



/* The bytes of a dbmate file's part when it does not parse: from its
 * marker to the other marker (or the end). */
static void
part_span(const check_file *f, pgr_part part, size_t *start, size_t *end)
{
    long up = f->sql.up_marker, down = f->sql.down_marker;

    *start = 0;
    *end = f->sql.len;
    if (part == PGR_PART_UP && up >= 0) {
        *start = (size_t) up;
        if (down > up)
            *end = (size_t) down;
    } else if (part == PGR_PART_DOWN && down >= 0) {
        *start = (size_t) down;
        if (up > down)
            *end = (size_t) up;
    }
}

/* The units of f's part: its statements (not BEGIN/COMMIT: the transaction
 * is ours), or the whole part when the file has syntax errors.  Appends to
 * units (of verify_unit). */
static void
part_units(const check_file *f, pgr_part part, util_vec *units)
{
    size_t k;

    if (f->sql.errors.len > 0) {
        verify_unit *u = util_vec_push(units);

        part_span(f, part, &u->start, &u->end);
        u->st = NULL;
        return;
    }
    for (k = 0; k < f->sql.stmts.len; k++) {
        const sql_stmt *st = util_vec_at(&f->sql.stmts, k);

        if ((part != PGR_PART_NONE && st->part != part) || st->end <= st->start)
            continue;
        if (st->node && st->node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT)
            continue;
        ((verify_unit *) util_vec_push(units))->start = st->start;
        ((verify_unit *) util_vec_at(units, units->len - 1))->end = st->end;
        ((verify_unit *) util_vec_at(units, units->len - 1))->st = st;
    }
}

/* Whether st cannot run inside a transaction block: PostgreSQL refuses
 * CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and VACUUM there
 * (PostgreSQL docs: CREATE INDEX, DROP INDEX, VACUUM). */
static bool
needs_autocommit(const sql_stmt *st)
{
    const PgQuery__Node *n = st ? st->node : NULL;

    if (n == NULL)
        return false;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        return n->index_stmt->concurrent;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        return n->drop_stmt->concurrent;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
        return true;
    default:
        return false;
    }
}

/* Whether the units of f run one by one, each committed: pop's
 * ".autocommit." files say so, and a statement that cannot run in a
 * transaction block needs it (migration tools run such files so). */
static bool
autocommit(const check_file *f, const util_vec *units)
{
    size_t k;

    if (strstr(f->path, ".autocommit.") != NULL)
        return true;
    for (k = 0; k < units->len; k++)
        if (needs_autocommit(((const verify_unit *) util_vec_at(units, k))->st))
            return true;
    return false;
}

/* Whether part of f holds something to run: a down of comments only
 * ("down migrations are not available") declares the migration
 * irreversible (rollback/declared-empty-down says so statically), it does
 * not try to undo it. */
bool
verify_part_runs(const check_file *f, pgr_part part)
{
    util_vec units;
    bool runs;

    if (f == NULL)
        return false;
    util_vec_init(&units, sizeof(verify_unit));
    part_units(f, part, &units);
    runs = units.len > 0;
    util_vec_free(&units);
    return runs;
}

/* The byte offset in text[0..len) of PostgreSQL's 1-based character
 * position pos (PG_DIAG_STATEMENT_POSITION counts characters: a UTF-8
 * continuation byte is not one). */
static size_t
char_to_byte(const char *text, size_t len, long pos)
{
    size_t i;
    long chars = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char) text[i] & 0xC0) != 0x80 && ++chars == pos)
            return i;
    }
    return len;
}

/* PostgreSQL's primary message of a failed query, with its DETAIL (which
 * says what depends on a dropped object) on the same line; caller frees. */
char *
verify_error_text(PGconn *conn, PGresult *res)
{
    const char *msg = res ? pqlib_result_error_field(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? pqlib_result_error_field(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    char *s = detail ? util_xasprintf("%s (%s)", msg ? msg : "error", detail)
                     : util_xstrdup(msg ? msg : pqlib_error_message(conn));
    char *p;

    /* One line: a DETAIL lists dependent objects one per line. */
    for (p = s; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = *(p + 1) ? ';' : '\0';
    return s;
}

/* Send one query; 0 when it succeeded, else -1 with e filled (offsets
 * relative to u's start in f). */
static int
exec_unit(PGconn *conn, const check_file *f, const verify_unit *u, verify_error *e)
{
    char *query = util_xstrndup(f->sql.text + u->start, u->end - u->start);
    PGresult *res = pqlib_exec(conn, query);
    ExecStatusType st = pqlib_result_status(res);
    int rc = 0;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        const char *pos = res ? pqlib_result_error_field(res, PG_DIAG_STATEMENT_POSITION) : NULL;

        e->message = verify_error_text(conn, res);
        e->offset = u->start;
        if (pos && atol(pos) > 0)
            e->offset += char_to_byte(query, u->end - u->start, atol(pos));
        rc = -1;
    }
    pqlib_clear(res);
    free(query);
    return rc;
}

/* Send a statement of our own (BEGIN, COMMIT, ROLLBACK, DISCARD ALL); 0 or -1. */
int
verify_exec_simple(PGconn *conn, const char *sql)
{
    PGresult *res = pqlib_exec(conn, sql);
    ExecStatusType st = pqlib_result_status(res);

    pqlib_clear(res);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
}

/*
 * Run part of f on the scratch database in one transaction (one unit:
 * alone; autocommit: each statement alone, e->partial set on a failure
 * after the first).  A fresh session state first (DISCARD ALL): a migration tool
 * runs each file in a session of its own, and a SET search_path must not
 * outlive its file.  Returns 0, or -1 with e filled (caller frees
 * e->message); the transaction is then rolled back.
 */
int
verify_run_part(PGconn *conn, const check_file *f, pgr_part part, verify_error *e)
{
    util_vec units;
    size_t k;
    bool wrap;
    int rc = 0;

    util_vec_init(&units, sizeof(verify_unit));
    part_units(f, part, &units);
    wrap = units.len > 1 && !autocommit(f, &units);
    verify_exec_simple(conn, "DISCARD ALL");
    if (wrap)
        verify_exec_simple(conn, "BEGIN");
    for (k = 0; k < units.len && rc == 0; k++)
        rc = exec_unit(conn, f, util_vec_at(&units, k), e);
    if (rc != 0)
        e->partial = !wrap && k > 1;
    if (wrap && rc == 0 && verify_exec_simple(conn, "COMMIT") != 0) {
        e->message = util_xstrdup("COMMIT failed (a deferred constraint?)");
        e->offset = 0;
        e->partial = false;
        rc = -1;
    } else if (wrap && rc != 0) {
        verify_exec_simple(conn, "ROLLBACK");
    }
    util_vec_free(&units);
    return rc;
}

