/*
 * sql.c — see sql.h.
 *
 * libpg_query parses SQL, not psql scripts: psql.c blanks or rewrites
 * meta-commands, variables and COPY data first.  To recover from syntax
 * errors we first parse the whole file (fast, exact); when that fails we
 * split it with libpg_query's scanner and parse each statement alone, so one
 * bad statement does not hide the findings of the others.
 */
#include "frontends/sql.h"

#include "frontends/frontend.h"

#include <ctype.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static sql_error *
add_error(sql_file *f, size_t offset, const char *message)
{
    sql_error *e = util_vec_push(&f->errors);

    e->offset = offset;
    e->message = util_xstrdup(message);
    e->too_deep = false;
    return e;
}

/*
 * Whether the calling thread runs with an ordinary stack (sql_run_deep
 * could not start its thread): the token bound is then much lower.
 */
static _Thread_local bool small_stack;

/* The longest chain of tokens allowed, see sql_chain_bound_at. */
static size_t
chain_limit(void)
{
    return small_stack ? SQL_MAX_CHAIN / 32 : SQL_MAX_CHAIN;
}

/* The tokens of the whole file (free with pg_query__scan_result__free_unpacked),
 * or NULL after recording the scanner's error. */
static PgQuery__ScanResult *
scan_file(sql_file *f)
{
    PgQueryScanResult r = pg_query_scan(f->text);
    PgQuery__ScanResult *sr = NULL;

    if (r.error) {
        size_t cur = r.error->cursorpos > 0
            ? util_utf8_char_to_byte(f->text, f->len, (size_t) r.error->cursorpos) : 0;

        add_error(f, cur, r.error->message);
    } else {
        sr = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *) r.pbuf.data);
        if (sr == NULL)
            add_error(f, 0, "could not decode the scanner's tokens");
    }
    pg_query_free_scan_result(r);
    return sr;
}

/* Record that statement text at offset from nests too deep to be parsed. */
static void
add_too_deep(sql_file *f, size_t from)
{
    char *m = util_xasprintf("the statement nests deeper than the parser can safely go (more than "
                             "%d parse-tree levels, or %zu chained tokens); not parsed",
                             SQL_MAX_DEPTH, chain_limit());

    add_error(f, sql_skip_blank(f->text, f->len, from), m)->too_deep = true;
    free(m);
}

/* Add the statements of a parse result; locations in it are relative to
 * base (the first byte of the parsed string).  A statement whose tree is
 * deeper than SQL_MAX_DEPTH is freed here, on the deep stack, and
 * reported: the rules walk trees recursively on the main thread. */
static void
add_statements(sql_file *f, PgQuery__ParseResult *res, size_t base, size_t limit)
{
    size_t i;

    *(PgQuery__ParseResult **) util_vec_push(&f->results) = res;
    for (i = 0; i < res->n_stmts; i++) {
        PgQuery__RawStmt *rs = res->stmts[i];
        size_t start = base + (size_t) rs->stmt_location;
        size_t end = rs->stmt_len ? start + (size_t) rs->stmt_len : limit;
        sql_stmt *st;

        if (rs->stmt == NULL)
            continue;
        if (sql_tree_depth((const ProtobufCMessage *) rs->stmt, SQL_MAX_DEPTH) > SQL_MAX_DEPTH) {
            protobuf_c_message_free_unpacked((ProtobufCMessage *) rs->stmt, NULL);
            rs->stmt = NULL;
            add_too_deep(f, start);
            continue;
        }
        start = sql_skip_blank(f->text, end, start);
        while (end > start && isspace((unsigned char) f->text[end - 1]))
            end--;
        st = util_vec_push(&f->stmts);
        st->start = start;
        st->end = end;
        st->base = base;
        st->node = rs->stmt;
        st->part = PGR_PART_NONE;
    }
}

/* Whether libpg_query was called in this thread (sql_run_deep's threads
 * release its memory when they end). */
static _Thread_local bool parser_used;

bool
sql_parser_used(void)
{
    return parser_used;
}

/* Parse text[from, to) as one unit.  Returns 0, or -1 after recording the
 * syntax error.  Runs on sql_run_deep's stack. */
static int
parse_range(sql_file *f, size_t from, size_t to)
{
    char *piece = util_xstrndup(f->text + from, to - from);
    PgQueryProtobufParseResult r;
    int rc = 0;

    parser_used = true;
    r = pg_query_parse_protobuf(piece);

    if (r.error && strstr(r.error->message, "memory exhausted")) {
        /* Bison's own stack (YYMAXDEPTH, 10,000 states) ran out: the
         * grammar's depth limit, not a syntax error. */
        add_too_deep(f, from);
        rc = -1;
    } else if (r.error) {
        size_t cur = r.error->cursorpos > 0
            ? util_utf8_char_to_byte(piece, to - from, (size_t) r.error->cursorpos)
            : sql_skip_blank(piece, to - from, 0);

        add_error(f, from + cur, r.error->message);
        rc = -1;
    } else {
        PgQuery__ParseResult *res = pg_query__parse_result__unpack(
            NULL, r.parse_tree.len, (const uint8_t *) r.parse_tree.data);

        if (res)
            add_statements(f, res, from, to);
        else
            add_error(f, from, "could not decode the parse tree");
    }
    pg_query_free_protobuf_parse_result(r);
    free(piece);
    return rc;
}

/* Whether the tokens from i on spell CREATE [OR REPLACE] RULE. */
static bool
starts_create_rule(const char *text, const PgQuery__ScanResult *sr, size_t i)
{
    static const char *const words[] = { "create", "or", "replace", "rule" };
    size_t w = 0;

    for (; i < sr->n_tokens && w < 4; i++, w++) {
        const PgQuery__ScanToken *t = sr->tokens[i];
        size_t n = (size_t) (t->end - t->start);

        if (w == 1 && !(n == 2 && strncasecmp(text + t->start, "or", 2) == 0))
            w = 3;
        if (n != strlen(words[w]) || strncasecmp(text + t->start, words[w], n) != 0)
            return false;
        if (w == 3)
            return true;
    }
    return false;
}

/* The whole file failed to parse, or may nest too deep: split it at the
 * top-level ';' tokens of libpg_query's scanner and parse each statement
 * alone.  (We do not use pg_query_split_with_scanner: in libpg_query
 * 15-4.0.0 it stops at the first statement that does not parse.)
 * Parentheses are tracked because CREATE RULE ... DO (a; b) holds ';'
 * inside one statement. */
static void
parse_each(sql_file *f, const PgQuery__ScanResult *sr)
{
    size_t i, from = 0, stmt_first = 0;
    int depth = 0;
    bool first = true, is_rule = false;

    for (i = 0; i <= sr->n_tokens; i++) {
        size_t to, last = i < sr->n_tokens ? i : sr->n_tokens;
        char c = i < sr->n_tokens ? f->text[sr->tokens[i]->start] : ';';

        if (first && i < sr->n_tokens) {
            is_rule = starts_create_rule(f->text, sr, i);
            first = false;
        }
        if (is_rule && (c == '(' || c == ')')) {
            depth += c == '(' ? 1 : -1;
            continue;
        }
        if (c != ';' || (depth > 0 && i < sr->n_tokens))
            continue;
        to = i < sr->n_tokens ? (size_t) sr->tokens[i]->start + 1 : f->len;
        depth = 0;
        first = true;
        from = sql_skip_blank(f->text, to, from);
        if (sql_chain_bound_at(f->text, sr, stmt_first, last, chain_limit()) < last)
            add_too_deep(f, from);
        else if (from < to && !(to - from == 1 && f->text[from] == ';'))
            parse_range(f, from, to);
        from = to;
        stmt_first = i + 1;
    }
}

/*
 * The offset just after the first ';' at or after text[from + min] that is
 * outside brackets, strings, quoted identifiers, dollar quotes and
 * comments (a statement's end, unless a BEGIN ATOMIC body holds it), or
 * len when there is none.
 */
static size_t
chunk_end(const char *text, size_t len, size_t from, size_t min)
{
    size_t i = from, next, depth = 0;

    while (i < len) {
        char c = text[i];

        next = sql_skip_unit(text, len, i);
        if (next > i) {
            i = next;
            continue;
        }
        if (c == '(' || c == '[')
            depth++;
        else if ((c == ')' || c == ']') && depth > 0)
            depth--;
        else if (c == ';' && depth == 0 && i >= from + min)
            return i + 1;
        i++;
    }
    return len;
}

/* Forget what parses added to f beyond n_stmts statements, n_results
 * results and n_errors errors. */
static void
truncate_parse(sql_file *f, size_t n_stmts, size_t n_results, size_t n_errors)
{
    size_t i;

    for (i = n_errors; i < f->errors.len; i++)
        free(((sql_error *) util_vec_at(&f->errors, i))->message);
    for (i = n_results; i < f->results.len; i++)
        pg_query__parse_result__free_unpacked(
            *(PgQuery__ParseResult **) util_vec_at(&f->results, i), NULL);
    f->stmts.len = n_stmts;
    f->results.len = n_results;
    f->errors.len = n_errors;
}

/*
 * Parse a large file in pieces of about SQL_CHUNK_BYTES that end at a
 * statement's ';': libpg_query holds a whole piece's raw tree, its
 * protobuf and our copy at once, so a 2.7 MB schema dump parsed whole
 * peaks at 80 MiB in libpg_query alone.  The statements, their offsets and
 * the too-deep refusals are those of a parse of the whole file.  Returns
 * 0, or -1 (f as it was) when a piece does not parse: a syntax error, or a
 * ';' that ends no statement (inside a BEGIN ATOMIC body); the caller
 * then parses the whole file.
 */
static int
parse_chunks(sql_file *f)
{
    size_t n_stmts = f->stmts.len, n_results = f->results.len, n_errors = f->errors.len;
    size_t from = 0, to;

    while (from < f->len) {
        to = chunk_end(f->text, f->len, from, SQL_CHUNK_BYTES);
        if (parse_range(f, from, to) != 0) {
            truncate_parse(f, n_stmts, n_results, n_errors);
            return -1;
        }
        from = to;
    }
    return 0;
}

/* The libpg_query part of sql_file_parse, run by sql_run_deep. */
static void
parse_file_deep(void *arg)
{
    sql_file *f = arg;
    PgQuery__ScanResult *sr = NULL;
    bool whole = true;

    /* Each token takes at least one byte: a file whose bytes cannot pass
     * the chain bound is not worth scanning first. */
    if (f->len > chain_limit() && sql_bytes_may_chain(f->text, f->len, chain_limit())) {
        parser_used = true;
        sr = scan_file(f);
        /* Statement by statement, so that a too-deep one is refused alone. */
        if (sr == NULL)
            whole = false;  /* the scanner's error is the file's error */
        else if (sql_chain_bound_at(f->text, sr, 0, sr->n_tokens, chain_limit()) < sr->n_tokens) {
            parse_each(f, sr);
            whole = false;
        }
    }
    if (whole && f->len > 2 * SQL_CHUNK_BYTES && parse_chunks(f) == 0)
        whole = false;
    if (whole && parse_range(f, 0, f->len) != 0) {
        /* Drop the whole-file error; per-statement parsing reports each. */
        sql_error *e = util_vec_at(&f->errors, 0);

        free(e->message);
        f->errors.len = 0;
        if (sr == NULL)
            sr = scan_file(f);
        if (sr)
            parse_each(f, sr);
    }
    if (sr)
        pg_query__scan_result__free_unpacked(sr, NULL);
}

/*
 * The one thread with a deep stack, started on first use and kept: a new
 * thread per file would map (and under valgrind, mark) SQL_STACK_BYTES per
 * file.  Requests are handed over one at a time; the caller waits.
 */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void (*fn)(void *);     /* the request; NULL when there is none */
    void *arg;
    bool done;              /* the request has run */
    bool quit;              /* end the thread (at exit) */
    int state;              /* 0 not started, 1 running, -1 could not start */
    pthread_t thread;
} deep = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, false, false, 0, 0 };

/* Whether the calling thread is the deep one (a nested request runs in place). */
static _Thread_local bool on_deep_stack;

static void *
deep_thread(void *unused)
{
    (void) unused;
    on_deep_stack = true;
    pthread_mutex_lock(&deep.mu);
    for (;;) {
        while (deep.fn == NULL && !deep.quit)
            pthread_cond_wait(&deep.cv, &deep.mu);
        if (deep.fn == NULL)
            break;
        pthread_mutex_unlock(&deep.mu);
        deep.fn(deep.arg);
        pthread_mutex_lock(&deep.mu);
        deep.fn = NULL;
        deep.done = true;
        pthread_cond_broadcast(&deep.cv);
    }
    pthread_mutex_unlock(&deep.mu);
    /* libpg_query frees this thread's memory contexts itself when the
     * thread ends (a pthread key destructor); pg_query_exit() here would
     * free them twice. */
    return NULL;
}

/* atexit: end the deep thread, so that libpg_query's memory of it is freed. */
static void
deep_stop(void)
{
    if (on_deep_stack)
        return;     /* exit() called on the deep thread itself: cannot join */
    pthread_mutex_lock(&deep.mu);
    deep.quit = true;
    pthread_cond_broadcast(&deep.cv);
    pthread_mutex_unlock(&deep.mu);
    pthread_join(deep.thread, NULL);
}

static void
deep_start(void)
{
    pthread_attr_t attr;
    bool ok = false;

#ifdef M_ARENA_MAX
    /* The thread never runs beside the caller (which waits for it), but
     * glibc would give it an arena of its own, where the parser's freed
     * memory is lost to the main thread: +30% peak memory on big files. */
    mallopt(M_ARENA_MAX, 1);
#endif
    if (pthread_attr_init(&attr) == 0) {
        ok = pthread_attr_setstacksize(&attr, SQL_STACK_BYTES) == 0 &&
             pthread_create(&deep.thread, &attr, deep_thread, NULL) == 0;
        pthread_attr_destroy(&attr);
    }
    deep.state = ok ? 1 : -1;
    if (ok)
        atexit(deep_stop);
}

bool
sql_run_deep(void (*fn)(void *), void *arg)
{
    if (on_deep_stack) {
        fn(arg);
        return true;
    }
    if (deep.state == 0)
        deep_start();
    if (deep.state < 0) {
        /* No thread (address space limit?): run here, under the lower bound. */
        bool was = small_stack;

        small_stack = true;
        fn(arg);
        small_stack = was;
        return false;
    }
    pthread_mutex_lock(&deep.mu);
    deep.fn = fn;
    deep.arg = arg;
    deep.done = false;
    pthread_cond_broadcast(&deep.cv);
    while (!deep.done)
        pthread_cond_wait(&deep.cv, &deep.mu);
    pthread_mutex_unlock(&deep.mu);
    return true;
}

/* Everything of sql_file_parse before the parse: f holds src (len bytes)
 * preprocessed, no statements yet. */
static void
prepare_file(sql_file *f, const char *path, const char *src, size_t len)
{
    size_t i;

    memset(f, 0, sizeof *f);
    f->path = util_xstrdup(path);
    f->text = util_xstrndup(src, len);
    /* An embedded NUL would end the parser's input early; a binary file is
     * refused before we get here, so treat stray NULs as spaces. */
    for (i = 0; i < len; i++)
        if (f->text[i] == '\0')
            f->text[i] = ' ';
    f->len = len;
    util_lines_build(&f->lines, f->text, len);
    util_vec_init(&f->stmts, sizeof(sql_stmt));
    util_vec_init(&f->errors, sizeof(sql_error));
    util_vec_init(&f->results, sizeof(PgQuery__ParseResult *));
    f->up_marker = sql_find_marker(f->text, len, "migrate:up");
    f->down_marker = sql_find_marker(f->text, len, "migrate:down");
    /* Templates first: their actions may hold what psql syntax looks like. */
    f->named_queries = sql_has_named_queries(f->text, len);
    util_vec_init(&f->placeholders, sizeof(size_t));
    sql_template_blank(f->text, len, f->named_queries, &f->placeholders);
    sql_psql_preprocess(f->text, len);
}

/* The parts of f's statements from first on, by its dbmate markers. */
static void
set_marker_parts(sql_file *f, size_t first)
{
    size_t i;

    if (f->up_marker < 0 && f->down_marker < 0)
        return;
    for (i = first; i < f->stmts.len; i++) {
        sql_stmt *st = util_vec_at(&f->stmts, i);

        st->part = (f->down_marker >= 0 && st->start > (size_t) f->down_marker)
            ? PGR_PART_DOWN : PGR_PART_UP;
    }
}

void
sql_file_parse(sql_file *f, const char *path, const char *src, size_t len)
{
    prepare_file(f, path, src, len);
    /* libpg_query's output functions and protobuf-c's unpack recurse once
     * per tree level with no limit: parse on a thread with a deep stack. */
    sql_run_deep(parse_file_deep, f);
    set_marker_parts(f, 0);
    f->stream_next = f->len;
}

/*
 * The file as the piece that failed left it: parse it whole, as
 * parse_file_deep does after parse_chunks fails (statement by statement
 * when the whole does not parse), and keep what starts at or after
 * stream_next: what comes before was delivered piece by piece.  Runs on
 * sql_run_deep's stack.
 */
static void
parse_rest_deep(void *arg)
{
    sql_file *f = arg;
    PgQuery__ScanResult *sr = NULL;
    size_t n_stmts = f->stmts.len, n_errors = f->errors.len, i, keep;

    if (parse_range(f, 0, f->len) != 0) {
        sql_error *e = util_vec_at(&f->errors, f->errors.len - 1);

        free(e->message);
        f->errors.len--;
        sr = scan_file(f);
        if (sr)
            parse_each(f, sr);
        if (sr)
            pg_query__scan_result__free_unpacked(sr, NULL);
    }
    for (i = keep = n_stmts; i < f->stmts.len; i++) {
        sql_stmt *st = util_vec_at(&f->stmts, i);

        if (st->start >= f->stream_next)
            *(sql_stmt *) util_vec_at(&f->stmts, keep++) = *st;
    }
    f->stmts.len = keep;
    for (i = keep = n_errors; i < f->errors.len; i++) {
        sql_error *e = util_vec_at(&f->errors, i);

        if (e->offset >= f->stream_next)
            *(sql_error *) util_vec_at(&f->errors, keep++) = *e;
        else
            free(e->message);
    }
    f->errors.len = keep;
}

/* The next piece of a streamed file (sql_stream_next), on the deep stack:
 * one chunk (parse_chunks' pieces); the rest of the file when it does not
 * parse. */
static void
parse_piece_deep(void *arg)
{
    sql_file *f = arg;
    size_t n_stmts = f->stmts.len, n_results = f->results.len, n_errors = f->errors.len;
    size_t to = chunk_end(f->text, f->len, f->stream_next, SQL_CHUNK_BYTES);

    if (parse_range(f, f->stream_next, to) == 0) {
        f->stream_next = to;
        return;
    }
    truncate_parse(f, n_stmts, n_results, n_errors);
    parse_rest_deep(f);
    f->stream_next = f->len;
}

bool
sql_stream_begin(sql_file *f, const char *path, const char *src, size_t len)
{
    prepare_file(f, path, src, len);
    f->stream_next = 0;
    /* As parse_file_deep: a file that may chain too many tokens is
     * scanned whole first; a small one is parsed whole. */
    if (len > 2 * SQL_CHUNK_BYTES &&
        !(len > chain_limit() && sql_bytes_may_chain(f->text, len, chain_limit())))
        return true;
    sql_run_deep(parse_file_deep, f);
    set_marker_parts(f, 0);
    f->stream_next = f->len;
    f->stream_whole = true;
    return false;
}

bool
sql_stream_next(sql_file *f, size_t *first, size_t *n)
{
    size_t before = f->stmts.len;

    if (f->stream_whole) {
        /* Parsed whole by sql_stream_begin: one piece, all of it. */
        f->stream_whole = false;
        *first = 0;
        *n = f->stmts.len;
        return true;
    }
    if (f->stream_next >= f->len)
        return false;
    sql_run_deep(parse_piece_deep, f);
    set_marker_parts(f, before);
    *first = before;
    *n = f->stmts.len - before;
    return true;
}

void
sql_file_free_trees(sql_file *f)
{
    size_t i;

    for (i = 0; i < f->results.len; i++)
        pg_query__parse_result__free_unpacked(
            *(PgQuery__ParseResult **) util_vec_at(&f->results, i), NULL);
    util_vec_free(&f->results);
    util_vec_init(&f->results, sizeof(PgQuery__ParseResult *));
    for (i = 0; i < f->stmts.len; i++)
        ((sql_stmt *) util_vec_at(&f->stmts, i))->node = NULL;
}

/* The shared state of sql_file_parse_all's workers. */
typedef struct parse_pool {
    pthread_mutex_t mu;
    sql_parse_job *jobs;
    size_t n;
    size_t next;            /* the first job no worker has taken */
} parse_pool;

/* The next job of pool, or NULL when every job is taken. */
static sql_parse_job *
pool_take(parse_pool *pool)
{
    sql_parse_job *job = NULL;

    pthread_mutex_lock(&pool->mu);
    if (pool->next < pool->n)
        job = &pool->jobs[pool->next++];
    pthread_mutex_unlock(&pool->mu);
    return job;
}

/* A worker: parse jobs until none is left.  It runs with SQL_STACK_BYTES of
 * stack, so sql_run_deep runs its requests in place; libpg_query frees
 * this thread's memory contexts when it ends (never pg_query_exit here). */
static void *
pool_worker(void *arg)
{
    parse_pool *pool = arg;
    sql_parse_job *job;

    on_deep_stack = true;
    while ((job = pool_take(pool)) != NULL)
        sql_file_parse(job->out, job->path, job->src, job->len);
    return NULL;
}

void
sql_file_parse_all(sql_parse_job *jobs, size_t n, unsigned n_threads)
{
    parse_pool pool = { PTHREAD_MUTEX_INITIALIZER, jobs, n, 0 };
    pthread_t *threads;
    pthread_attr_t attr;
    unsigned started = 0, i;
    sql_parse_job *job;

    if (n_threads > n)
        n_threads = (unsigned) n;
    if (n_threads <= 1) {
        for (i = 0; i < n; i++)
            sql_file_parse(jobs[i].out, jobs[i].path, jobs[i].src, jobs[i].len);
        return;
    }
#ifdef M_ARENA_MAX
    /* Workers allocate at once: one arena each, not one lock for all
     * (deep_start keeps the deep thread, which never runs beside the
     * caller, on the main arena). */
    mallopt(M_ARENA_MAX, (int) n_threads + 1);
#endif
    threads = util_xcalloc(n_threads, sizeof *threads);
    if (pthread_attr_init(&attr) == 0) {
        if (pthread_attr_setstacksize(&attr, SQL_STACK_BYTES) == 0)
            while (started < n_threads &&
                   pthread_create(&threads[started], &attr, pool_worker, &pool) == 0)
                started++;
        pthread_attr_destroy(&attr);
    }
    /* No worker could start (address space limit?): the calling thread
     * parses what is left, through the deep thread as sql_file_parse does. */
    if (started == 0)
        while ((job = pool_take(&pool)) != NULL)
            sql_file_parse(job->out, job->path, job->src, job->len);
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&pool.mu);
}

size_t
sql_count_part(const sql_file *f, pgr_part part)
{
    size_t i, n = 0;

    for (i = 0; i < f->stmts.len; i++) {
        const sql_stmt *st = util_vec_at(&f->stmts, i);

        if (part == PGR_PART_NONE || st->part == part)
            n++;
    }
    return n;
}

void
sql_file_release(sql_file *f)
{
    size_t i;

    if (f->released)
        return;
    sql_file_free_trees(f);
    util_vec_init(&f->spans, sizeof(sql_span));
    for (i = 0; i < f->stmts.len; i++) {
        const sql_stmt *st = util_vec_at(&f->stmts, i);
        sql_span *sp = util_vec_push(&f->spans);

        sp->start = (uint32_t) st->start;
        sp->end = (uint32_t) st->end;
    }
    /* Exactly as long as it is: the doubling would leave half of it empty. */
    if (f->spans.len > 0)
        f->spans.items = util_xrealloc(f->spans.items, f->spans.len * sizeof(sql_span));
    f->spans.cap = f->spans.len;
    util_vec_free(&f->stmts);
    util_vec_free(&f->placeholders);
    util_lines_free(&f->lines);
    memset(&f->lines, 0, sizeof f->lines);
    free(f->text);
    f->text = NULL;
    f->released = true;
}

size_t
sql_file_n_statements(const sql_file *f)
{
    return f->released ? f->spans.len : f->stmts.len;
}

void
sql_file_span(const sql_file *f, size_t k, size_t *start, size_t *end)
{
    if (f->released) {
        const sql_span *sp = util_vec_at(&f->spans, k);

        *start = sp->start;
        *end = sp->end;
    } else {
        const sql_stmt *st = util_vec_at(&f->stmts, k);

        *start = st->start;
        *end = st->end;
    }
}

void
sql_file_free(sql_file *f)
{
    size_t i;

    for (i = 0; i < f->errors.len; i++)
        free(((sql_error *) util_vec_at(&f->errors, i))->message);
    for (i = 0; i < f->results.len; i++)
        pg_query__parse_result__free_unpacked(
            *(PgQuery__ParseResult **) util_vec_at(&f->results, i), NULL);
    util_vec_free(&f->errors);
    util_vec_free(&f->results);
    util_vec_free(&f->stmts);
    util_vec_free(&f->placeholders);
    util_vec_free(&f->spans);
    util_lines_free(&f->lines);
    free(f->text);
    free(f->path);
}

void
sql_offset_location(const sql_file *f, size_t from, size_t len, pgr_location *out)
{
    size_t to = from + (len ? len - 1 : 0);

    memset(out, 0, sizeof *out);
    out->path = f->path;
    util_lines_pos(&f->lines, from, &out->line, &out->column);
    util_lines_pos(&f->lines, to, &out->end_line, &out->end_column);
}

void
sql_stmt_location(const sql_file *f, const sql_stmt *st, pgr_location *out)
{
    sql_offset_location(f, st->start, st->end > st->start ? st->end - st->start : 1, out);
}

static bool
token_is(const char *text, const PgQuery__ScanToken *t, const char *word)
{
    size_t n = (size_t) (t->end - t->start);

    return n == strlen(word) && strncasecmp(text + t->start, word, n) == 0;
}

int
sql_clause_span(const sql_file *f, const sql_stmt *st, const char *kw1, const char *kw2,
                size_t *from, size_t *to)
{
    char *text = util_xstrndup(f->text + st->start, st->end - st->start);
    PgQueryScanResult r;
    PgQuery__ScanResult *sr = NULL;
    size_t i, k;

    parser_used = true;
    r = pg_query_scan(text);
    int found = 0;

    if (r.error == NULL)
        sr = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *) r.pbuf.data);
    for (i = 0; sr && !found && i + 1 < sr->n_tokens; i++) {
        int depth = 0;

        if (!token_is(text, sr->tokens[i], kw1))
            continue;
        k = i + 1;
        if (kw2) {
            if (!token_is(text, sr->tokens[k], kw2) || k + 1 >= sr->n_tokens)
                continue;
            k++;
        }
        if (text[sr->tokens[k]->start] != '(')
            continue;
        /* The clause runs to the matching ')'. */
        for (size_t j = k; j < sr->n_tokens; j++) {
            char c = text[sr->tokens[j]->start];

            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0) {
                *from = st->start + (size_t) sr->tokens[k]->end;
                *to = st->start + (size_t) sr->tokens[j]->start;
                found = 1;
                break;
            }
        }
    }
    if (sr)
        pg_query__scan_result__free_unpacked(sr, NULL);
    pg_query_free_scan_result(r);
    free(text);
    return found;
}

/* The SQL front-end: migrations and other SQL files.  The check parses them
 * itself (sql_file_parse), after pairing them into migration sets. */
static bool
sql_match(const char *path)
{
    const char *base = util_basename(path);

    return util_ends_with(base, ".sql") || util_ends_with(base, ".psql") ||
        util_ends_with(base, ".pgsql");
}

const frontend sql_frontend = {
    .name = "sql",
    .match = sql_match,
    .output = FRONTEND_STATEMENTS,
    .comment = "--",
    .syntax_rule = {
        .id = "sql/syntax-error",
        .default_severity = PGR_SEVERITY_ERROR,
        .summary = "A SQL statement does not parse as PostgreSQL; it was not checked.",
        .hint = "Fix the statement; PostgreSQL would reject it when the migration runs.",
        .source = "PostgreSQL docs 4.1 Lexical Structure",
        .why = "A statement PostgreSQL rejects fails the migration at deploy time, after review said yes.",
        .bad = "CREATE TABLE (id int);",
        .good = "CREATE TABLE accounts (id int);",
    },
};
