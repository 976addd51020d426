/*
 * sql_chain.c — the nesting guard's token bound (see sql.h:
 * sql_chain_bound_at, sql_bytes_may_chain): how deep libpg_query and
 * protobuf-c would recurse on a run of tokens, counted before parsing
 * because neither has a limit of its own.
 */
#include "frontends/sql.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The counts of sql_chain_bound_at: per open bracket level (levels[0, depth])
 * and their sum. */
typedef struct chain_count {
    size_t *levels;
    size_t depth;
    size_t total;
} chain_count;

/* Count one token that starts with c; restart: a top-level AND / OR. */
static void
chain_step(chain_count *cc, char c, bool restart)
{
    if ((c == ')' || c == ']') && cc->depth > 0) {
        cc->total -= cc->levels[cc->depth];
        cc->depth--;
    } else if (c == ',' || c == ';' || restart) {
        cc->total -= cc->levels[cc->depth];
        cc->levels[cc->depth] = 0;
    } else if (c == '(' || c == '[') {
        /* The bracket counts on its enclosing level, so that depth
         * never exceeds total (and levels[] its limit + 2 slots). */
        cc->levels[cc->depth]++;
        cc->total++;
        cc->levels[++cc->depth] = 0;
    } else {
        cc->levels[cc->depth]++;
        cc->total++;
    }
}

/* See sql.h. */
size_t
sql_chain_bound_at(const char *text, const PgQuery__ScanResult *sr, size_t first, size_t end,
               size_t limit)
{
    chain_count cc = { util_xmalloc((limit + 2) * sizeof(size_t)), 0, 0 };
    size_t i;

    cc.levels[0] = 0;
    for (i = first; i < end; i++) {
        const PgQuery__ScanToken *t = sr->tokens[i];

        if (t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT)
            continue;
        chain_step(&cc, text[t->start],
                   t->token == PG_QUERY__TOKEN__AND || t->token == PG_QUERY__TOKEN__OR);
        if (cc.total > limit)
            break;
    }
    free(cc.levels);
    return i < end ? i : end;
}

/* Whether c can continue an identifier (PostgreSQL's ident_cont, which
 * holds '$': "a$b$" is one identifier, not a dollar quote). */
static bool
ident_cont(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* See sql.h. */
size_t
sql_skip_unit(const char *text, size_t len, size_t i)
{
    char c = text[i];
    bool after_ident;
    size_t tag;
    const char *end;

    /* Called on every byte of a large file: the common case first. */
    if (c != '\'' && c != '"' && c != '$' && c != '-' && c != '/')
        return i;
    after_ident = i > 0 && ident_cont((unsigned char) text[i - 1]);
    if (c == '\'') {
        /* E'...' (not part of a longer word) escapes with backslashes. */
        bool e = after_ident && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
            !(i > 1 && ident_cont((unsigned char) text[i - 2]));

        return sql_skip_quoted(text, len, i, c, e);
    }
    if (c == '"')
        return sql_skip_quoted(text, len, i, c, false);
    if (c == '$' && !after_ident && (tag = sql_dollar_tag_len(text, len, i)) > 0) {
        end = memmem(text + i + tag, len - i - tag, text + i, tag);
        return end ? (size_t) (end - text) + tag : len;
    }
    if (i + 1 < len && ((c == '-' && text[i + 1] == '-') || (c == '/' && text[i + 1] == '*')))
        return sql_skip_blank(text, len, i);
    return i;
}

/* See sql.h.  sql_chain_bound_at over the bytes: every byte outside strings,
 * quoted identifiers, dollar quotes and comments counts as a token (a
 * token has at least one byte, so the counts are at least the scanner's);
 * each of those is one token, as the scanner makes it, or none for a
 * comment; ',' and ';' restart their level's count, brackets open and
 * close levels, as there.  AND / OR, which restart it there, are counted
 * as bytes here. */
bool
sql_bytes_may_chain(const char *text, size_t len, size_t limit)
{
    chain_count cc = { util_xmalloc((limit + 2) * sizeof(size_t)), 0, 0 };
    size_t i = 0, next;

    cc.levels[0] = 0;
    while (i < len && cc.total <= limit) {
        char c = text[i];

        next = sql_skip_unit(text, len, i);
        if (next > i) {
            if (c != '-' && c != '/')
                chain_step(&cc, 'x', false);    /* one token, not a bracket */
            i = next;
            continue;
        }
        if (!isspace((unsigned char) c))
            chain_step(&cc, c, false);
        i++;
    }
    free(cc.levels);
    return cc.total > limit;
}
