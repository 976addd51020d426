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
    bool too_deep;             /* refused unparsed: nests deeper than SQL_MAX_NESTING */
} sql_error;

/*
 * Statements whose expressions or parentheses nest deeper than this are not
 * handed to libpg_query: its protobuf encoder and decoder recurse once per
 * level and overflow an 8 MiB stack a few thousand levels down (measured:
 * SELECT 1+1+...+1 with 5,000 terms).  Estimated from the scanner's tokens.
 */
#define SQL_MAX_NESTING 1000

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
} sql_file;

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
 * Blank psql-only syntax in text (len bytes, modified in place): backslash
 * meta-commands to the end of their line, COPY/\copy ... FROM stdin data up
 * to and including the "\." line; rewrite :'var' to ':var', :"var" to ":var"
 * and :var to " var" so that the statement parses.  Strings, quoted
 * identifiers, dollar quotes and comments are left alone.
 */
void sql_psql_preprocess(char *text, size_t len);

/* Offset of the first byte at or after off that is neither white space nor
 * inside a -- or block comment (len when none). */
size_t sql_skip_blank(const char *text, size_t len, size_t off);

/* Offset of the start of the first line that is a "-- <word>" comment
 * (dbmate's "migrate:up" / "migrate:down" markers), or -1. */
long sql_find_marker(const char *text, size_t len, const char *word);

/* Whether libpg_query was called in this thread (pg_query_exit() must not
 * be called otherwise: it crashes on a context never created). */
bool sql_parser_used(void);

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
