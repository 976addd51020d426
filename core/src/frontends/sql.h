/*
 * sql.h — the SQL front-end: psql-script preprocessing, statement splitting
 * and parsing with libpg_query, with syntax-error recovery per statement.
 */
#ifndef PGR_SQL_H
#define PGR_SQL_H

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "pgrampart/plugin.h"
#include "util.h"

/* One parsed statement of a file.  Offsets are bytes into the file. */
typedef struct sql_stmt {
    size_t start;              /* first byte of the first token */
    size_t end;                /* one past the last non-blank byte */
    size_t base;               /* node "location" fields are relative to it */
    const PgQuery__Node *node; /* the statement; owned by the sql_file */
    pgr_part part;
} sql_stmt;

/* A syntax error: offset of the offending byte, and libpg_query's message. */
typedef struct sql_error {
    size_t offset;
    char *message;
    bool too_deep;             /* refused: nests deeper than SQL_MAX_DEPTH / SQL_MAX_CHAIN */
} sql_error;

/*
 * libpg_query's output functions and protobuf-c's unpack (and free) recurse
 * once per parse-tree level, about 1 KiB of stack each, with no limit of
 * their own (libpg_query 15-4.0.0 ships PostgreSQL's check_stack_depth
 * disabled): SELECT 1::int::int... with 5,000 casts overflows an 8 MiB
 * stack.  So statements are parsed on a thread with SQL_STACK_BYTES of
 * (virtual) stack, after a bound computed from the tokens: more than
 * SQL_MAX_CHAIN tokens chained at one level (see chain_bound_at in sql.c)
 * and the statement is refused unparsed.  A parsed statement whose tree is
 * deeper than SQL_MAX_DEPTH levels (protobuf messages) is refused too, so
 * that the rules, which walk trees recursively on the main thread, never
 * meet one.  Measured: the deepest statement of the test corpus has 30
 * levels; SELECT 1+1+...+1 with 900 terms has 1,807.
 */
#define SQL_MAX_DEPTH 2000
#define SQL_MAX_CHAIN 20000
#define SQL_STACK_BYTES ((size_t) 256 << 20)

/* A file larger than twice this is parsed in pieces of about this many
 * bytes, each ending at a statement's ';' (peak memory; see parse_chunks
 * in sql.c). */
#define SQL_CHUNK_BYTES ((size_t) 64 << 10)

/*
 * A parsed SQL file.  text is the source with psql-only syntax blanked out
 * (meta-commands, COPY ... FROM stdin data) or rewritten (psql variables);
 * it has the same length and line structure as the source, so offsets agree.
 */
typedef struct sql_file {
    char *path;
    char *text;
    size_t len;
    util_lines lines;
    util_vec stmts;            /* of sql_stmt */
    util_vec errors;           /* of sql_error */
    util_vec results;          /* of PgQuery__ParseResult *, to free */
    long up_marker;            /* dbmate "-- migrate:up" line offset, or -1 */
    long down_marker;          /* dbmate "-- migrate:down" line offset, or -1 */
    bool named_queries;        /* a file of named queries (sql_has_named_queries) */
    util_vec placeholders;     /* of size_t: offsets of blanked template placeholders */
    size_t stream_next;        /* sql_stream_next: where the next piece starts */
    bool stream_whole;         /* sql_stream_begin parsed it whole, not delivered yet */
    bool released;             /* sql_file_release ran: spans, not stmts */
    util_vec spans;            /* of sql_span, once released */
} sql_file;

/* Where a statement of a released sql_file was: its first byte and one past
 * its last (sql_stmt.start, .end; files are at most 64 MiB). */
typedef struct sql_span {
    uint32_t start;
    uint32_t end;
} sql_span;

/*
 * Parse src (len bytes, need not be NUL-terminated) as a SQL/psql script.
 * Never fails: syntax errors land in f->errors and the statements around
 * them are still parsed.  Statements after a dbmate down marker get
 * PGR_PART_DOWN, before it PGR_PART_UP; without markers, PGR_PART_NONE.
 * Free with sql_file_free.
 */
void sql_file_parse(sql_file *f, const char *path, const char *src, size_t len);
void sql_file_free(sql_file *f);

/*
 * A large file parsed as it is consumed, so that its trees are not all
 * held at once (issue 15): sql_stream_begin prepares f as sql_file_parse
 * does and returns true when f is parsed in pieces (over 2 *
 * SQL_CHUNK_BYTES, and no statement may chain too many tokens), false when
 * it parsed f whole.  Each sql_stream_next call then adds the statements of
 * the next piece to f (they are f->stmts[*first, *first + *n)) and returns
 * true; false when the file is done (a whole parse is one piece).  The
 * caller uses a piece's trees, then frees them (sql_file_free_trees) before
 * the next call.  The statements, errors and offsets are those of
 * sql_file_parse, except that when a piece does not parse, the statements
 * before it are those of the pieces (sql_file_parse parses the whole file
 * again, and statement by statement when that fails too).
 */
bool sql_stream_begin(sql_file *f, const char *path, const char *src, size_t len);
bool sql_stream_next(sql_file *f, size_t *first, size_t *n);

/* Free f's parse trees; its statements stay, each node NULL. */
void sql_file_free_trees(sql_file *f);

/*
 * Free what f holds for its statements' consumers: the parse trees, the
 * statements, the preprocessed text, its line index and placeholders.
 * What stays is what suppressions need, the statements' spans (8 bytes
 * each, sql_file_span), and the errors and markers.  Called once the
 * statement hooks and every replay of f ran (issue 15: a run holds the
 * trees of the files it is consuming, not of all files); sql_file_free
 * still frees the rest.
 */
void sql_file_release(sql_file *f);

/* The number of statements of f, released or not. */
size_t sql_file_n_statements(const sql_file *f);

/* Statement k (< sql_file_n_statements) of f: its first byte, and one past
 * its last non-blank byte (sql_stmt.start, .end), released or not. */
void sql_file_span(const sql_file *f, size_t k, size_t *start, size_t *end);

/* One file for sql_file_parse_all: src (len bytes, not taken over, read
 * only) parsed as path into *out. */
typedef struct sql_parse_job {
    sql_file *out;
    const char *path;
    const char *src;
    size_t len;
} sql_parse_job;

/*
 * sql_file_parse for each of jobs[0, n), on up to n_threads worker threads
 * (each with SQL_STACK_BYTES of stack; libpg_query is thread-safe, and each
 * job writes only its own sql_file), or on the calling thread when
 * n_threads <= 1 (the single-threaded path, exactly sql_file_parse in
 * order).  Every sql_file is the same whatever n_threads: a file's parse
 * depends on that file alone.  Returns when every job is done.  Not for
 * concurrent callers.
 */
void sql_file_parse_all(sql_parse_job *jobs, size_t n, unsigned n_threads);

/*
 * Blank psql-only syntax in text (len bytes, modified in place): backslash
 * meta-commands to the end of their line, COPY/\copy ... FROM stdin data up
 * to and including the "\." line; rewrite :'var' to ':var', :"var" to ":var"
 * and :var to " var" so that the statement parses.  Strings, quoted
 * identifiers, dollar quotes and comments are left alone.
 */
void sql_psql_preprocess(char *text, size_t len);

/* Length of a dollar-quote tag ($$ or $tag$) at text+i, or 0. */
size_t sql_dollar_tag_len(const char *text, size_t len, size_t i);

/* Skip a quoted string or identifier opened at text[i] == q.  escapes: E''
 * syntax, where backslash escapes the next byte.  Returns the offset after
 * the closing quote (len when unterminated). */
size_t sql_skip_quoted(const char *text, size_t len, size_t i, char q, bool escapes);

/*
 * Blank the template placeholders of text (len bytes, modified in place,
 * outside strings, quoted identifiers, dollar quotes and comments): Go
 * template actions {{ ... }} anywhere (PostgreSQL has no "{{"), and in a
 * file of named queries (named: "-- name: x" markers, as yesql, goyesql,
 * sqlc and HugSQL's "-- :name x" write) also %name%, %s / %d / %v and
 * %(name)s.  A placeholder among other text becomes an identifier of the
 * same length ("xxxx": it stands for a name or a value); an action alone on
 * its line ({{ if .x }}, {{ end }}) becomes spaces.  Line breaks are kept,
 * so every offset holds.  Appends each placeholder's first byte offset to
 * offsets (of size_t).  Source: listmonk's queries.sql (%order%), popx's
 * templated migrations ({{ identifier .Parameters.tableName }}).
 */
void sql_template_blank(char *text, size_t len, bool named, util_vec *offsets);

/* Whether text holds a "-- name: x" or "-- :name x" marker line (a file
 * of named queries: yesql, goyesql, sqlc, HugSQL). */
bool sql_has_named_queries(const char *text, size_t len);

/* Offset of the first byte at or after off that is neither white space nor
 * inside a -- or block comment (len when none). */
size_t sql_skip_blank(const char *text, size_t len, size_t off);

/* Offset of the start of the first line that is a "-- <word>" comment
 * (dbmate's "migrate:up" / "migrate:down" markers), or -1. */
long sql_find_marker(const char *text, size_t len, const char *word);

/* Whether libpg_query was called in this thread (pg_query_exit() must not
 * be called otherwise: it crashes on a context never created).  Parsing
 * runs on sql_run_deep's threads, so this tells of scanning only. */
bool sql_parser_used(void);

/*
 * Run fn(arg) on a thread with SQL_STACK_BYTES of stack and wait for it: for
 * libpg_query and protobuf-c calls, which recurse once per tree level.  The
 * thread is started on the first call and ended at exit (atexit), which
 * releases libpg_query's memory of it.  Not for concurrent callers.  When no
 * thread can be created, fn runs on the calling thread with the token bound
 * lowered 32 times, and false is returned.
 */
bool sql_run_deep(void (*fn)(void *), void *arg);

/* The offset after the quoted string (E'' escapes included), quoted
 * identifier, dollar quote or comment that starts at text[i] (len bytes),
 * or i when none does (sql_chain.c). */
size_t sql_skip_unit(const char *text, size_t len, size_t i);

/*
 * A bound of how deep libpg_query and protobuf-c will recurse on tokens
 * [first, end) of sr (text's scanner tokens), computed before parsing
 * because they have no limit of their own.  Every token counts as one
 * level (measured: a level costs at most 3 parse-tree levels, each about
 * 1 KiB of stack in protobuf-c's unpack) except where the grammar makes
 * siblings, not children: after a ',' or a top-level AND / OR (makeAndExpr
 * and makeOrExpr flatten chains), the count of the current parenthesis
 * level starts again.  Closing brackets count nothing.  Returns the token
 * where the bound first passes limit, or end (sql_chain.c).
 */
size_t sql_chain_bound_at(const char *text, const PgQuery__ScanResult *sr, size_t first, size_t end,
                          size_t limit);

/*
 * Whether the token bound of the nesting guard (more than limit tokens
 * chained at one level of one statement, see sql_chain_bound_at)
 * could be passed anywhere in text (len bytes, psql syntax already
 * blanked), judged from its bytes alone, in one pass: false means it
 * cannot, so libpg_query's scanner need not run over the whole file first
 * (7% of a check of a large schema dump); true, that it may.  Strings,
 * E'' strings, quoted identifiers, dollar quotes and comments are skipped
 * as PostgreSQL's lexer skips them (a ';' inside one ends nothing).
 */
bool sql_bytes_may_chain(const char *text, size_t len, size_t limit);

/* The depth of a protobuf message tree (1 for a message without message
 * fields), counted up to limit + 1: a result above limit means "deeper
 * than limit", and the walk never goes further down than that. */
size_t sql_tree_depth(const ProtobufCMessage *m, size_t limit);

/* Location of bytes [from, from+len) of f (len 0 counts as 1). */
void sql_offset_location(const sql_file *f, size_t from, size_t len, pgr_location *out);
/* Location of a whole statement. */
void sql_stmt_location(const sql_file *f, const sql_stmt *st, pgr_location *out);

/*
 * Find "kw1 [kw2] ( ... )" among the tokens of statement st (keywords
 * compared case-insensitively, e.g. "using" or "with" "check") and return
 * the byte span inside the parentheses as file offsets [*from, *to).
 * Returns 1 when found, else 0.
 */
int sql_clause_span(const sql_file *f, const sql_stmt *st, const char *kw1, const char *kw2,
                    size_t *from, size_t *to);

/* Count the statements of f in part (PGR_PART_NONE counts all). */
size_t sql_count_part(const sql_file *f, pgr_part part);

/* Parse-tree reflection for plugins (see pgr_host_api's node_* members).
 * A pgr_node is a ProtobufCMessage, never libpg_query's Node wrapper. */
const pgr_node *sql_node_wrap(const PgQuery__Node *node);
const char *sql_node_tag(const pgr_node *node);
const pgr_node *sql_node_child(const pgr_node *node, const char *field);
size_t sql_node_list_length(const pgr_node *node, const char *field);
const pgr_node *sql_node_list_item(const pgr_node *node, const char *field, size_t i);
const char *sql_node_string(const pgr_node *node, const char *field);
int64_t sql_node_int(const pgr_node *node, const char *field, int64_t dflt);
void sql_node_walk(const pgr_node *node, int (*visit)(const pgr_node *, void *), void *arg);

#endif
