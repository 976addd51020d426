/*
 * doblock.c — DO blocks: the PL/pgSQL body is parsed (on a thread with a
 * large stack when it is big, and recorded in deep_lines when too deep) and
 * its plain SQL statements replayed like top-level ones; EXECUTEs of dynamic
 * strings are counted, as they cannot be analysed.
 */
#include "model/model_internal.h"

#include <jansson.h>

/* --- DO blocks ------------------------------------------------------------ */

typedef struct do_walk {
    model *m;
    const sql_file *f;
    size_t body_line;       /* file line where the body starts (1-based) */
    int dynamic;            /* EXECUTEs of dynamic strings met */
} do_walk;

/* Replay one static SQL statement of a DO body.  It is parsed from a
 * synthetic source padded with newlines so that its line numbers are the
 * file's; columns start at 1. */
static void
do_statement(do_walk *w, const char *query, long lineno)
{
    size_t line = w->body_line + (size_t) (lineno > 0 ? lineno - 1 : 0), i;
    util_buf b;
    sql_file sub;

    util_buf_init(&b);
    for (i = 1; i < line; i++)
        util_buf_append(&b, "\n", 1);
    util_buf_puts(&b, query);
    sql_file_parse(&sub, w->f->path, b.data, b.len);
    for (i = 0; i < sub.errors.len; i++) {
        const sql_error *e = util_vec_at(&sub.errors, i);
        uint32_t l, c;

        if (e->too_deep) {
            util_lines_pos(&sub.lines, e->offset, &l, &c);
            *(size_t *) util_vec_push(&w->m->deep_lines) = l;
        }
    }
    for (i = 0; i < sub.stmts.len; i++)
        w->dynamic += model_apply(w->m, &sub, util_vec_at(&sub.stmts, i));
    sql_file_free(&sub);
    util_buf_free(&b);
}

/* Walk PL/pgSQL's JSON tree in statement order (both arms of an IF). */
static void
do_walk_json(do_walk *w, json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            do_walk_json(w, v);
        return;
    }
    if (!json_is_object(j))
        return;
    json_object_foreach(j, key, v) {
        if (strcmp(key, "PLpgSQL_stmt_execsql") == 0) {
            json_t *q = json_object_get(json_object_get(json_object_get(v, "sqlstmt"),
                                                        "PLpgSQL_expr"), "query");

            if (json_is_string(q))
                do_statement(w, json_string_value(q),
                             (long) json_integer_value(json_object_get(v, "lineno")));
        } else if (strcmp(key, "PLpgSQL_stmt_dynexecute") == 0) {
            w->dynamic++;
        } else {
            do_walk_json(w, v);
        }
    }
}

/* DO bodies up to this many bytes are parsed on the calling thread. */
#define PLPGSQL_SHALLOW_BYTES 16384

/* pg_query_parse_plpgsql and the load of its JSON, run by sql_run_deep: its
 * output functions recurse once per nested block. */
typedef struct plpgsql_job {
    const char *body;
    json_t *json;           /* out: the functions, or NULL */
    bool too_deep;          /* out: the body nests deeper than the parsers go */
} plpgsql_job;

static void
parse_plpgsql_deep(void *arg)
{
    plpgsql_job *j = arg;
    char *wrapper = util_xasprintf("CREATE FUNCTION pgrampart_do() RETURNS void LANGUAGE plpgsql "
                                   "AS $pgrampart$%s$pgrampart$", j->body);
    PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(wrapper);
    json_error_t err;

    j->json = r.error ? NULL : json_loads(r.plpgsql_funcs, 0, &err);
    /* Bison's stack ran out, or jansson's depth limit (2,048) was hit. */
    j->too_deep = r.error ? strstr(r.error->message, "memory exhausted") != NULL
        : j->json == NULL && json_error_code(&err) == json_error_stack_overflow;
    free(wrapper);
    pg_query_free_plpgsql_parse_result(r);
}

/* DO $$ ... $$ in PL/pgSQL: replay the plain SQL statements of its body
 * with pg_query_parse_plpgsql.  Returns how many EXECUTEs of dynamic
 * strings it holds (their effect is not analysed). */
int
do_block(model *m, const sql_file *f, const sql_stmt *st)
{
    const PgQuery__DoStmt *d = st->node->do_stmt;
    const char *body = NULL, *lang = NULL, *at;
    plpgsql_job job;
    do_walk w;
    size_t i;
    uint32_t line, col;

    for (i = 0; i < d->n_args; i++) {
        const PgQuery__DefElem *e = d->args[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM
            ? d->args[i]->def_elem : NULL;

        if (e && e->defname && e->arg && e->arg->node_case == PG_QUERY__NODE__NODE_STRING)
            *(strcmp(e->defname, "language") == 0 ? &lang : &body) = e->arg->string->sval;
    }
    if (body == NULL || (lang && strcmp(lang, "plpgsql") != 0) || strstr(body, "$pgrampart$"))
        return 0;
    job.body = body;
    /* libpg_query 15-4.0.0 leaks a byte per pg_query_parse_plpgsql call,
     * which a thread that ends turns into a lost block: a body this short
     * cannot nest deep enough to need sql_run_deep's stack (measured: 1,000
     * nested IF blocks take under 1 MiB). */
    if (strlen(body) <= PLPGSQL_SHALLOW_BYTES)
        parse_plpgsql_deep(&job);
    else
        sql_run_deep(parse_plpgsql_deep, &job);
    if (job.too_deep) {
        /* PL/pgSQL's parser gives no position for it: the DO statement's. */
        util_lines_pos(&f->lines, st->start, &line, &col);
        *(size_t *) util_vec_push(&m->deep_lines) = line;
    }
    if (job.json == NULL)
        return 0;
    /* The body's first line, where its text starts inside the statement. */
    at = memmem(f->text + st->start, st->end - st->start, body, strlen(body));
    util_lines_pos(&f->lines, at ? (size_t) (at - f->text) : st->start, &line, &col);
    w.m = m;
    w.f = f;
    w.body_line = line;
    w.dynamic = 0;
    do_walk_json(&w, job.json);
    json_decref(job.json);
    return w.dynamic;
}
