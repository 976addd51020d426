/*
 * psql.c — psql scripts made parseable SQL (see sql.h: sql_skip_blank,
 * sql_psql_preprocess, sql_find_marker).
 *
 * libpg_query parses SQL, not psql scripts: migrations routinely contain
 * psql meta-commands, psql variables and COPY data.  They are blanked or
 * rewritten in place, keeping every byte offset, so that findings point at
 * the script's own lines and columns.
 */
#include "frontends/sql.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_ident_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool
is_ident_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

size_t
sql_skip_blank(const char *text, size_t len, size_t off)
{
    while (off < len) {
        if (isspace((unsigned char) text[off]))
            off++;
        else if (off + 1 < len && text[off] == '-' && text[off + 1] == '-') {
            while (off < len && text[off] != '\n')
                off++;
        } else if (off + 1 < len && text[off] == '/' && text[off + 1] == '*') {
            int depth = 1;

            off += 2;
            while (off < len && depth > 0) {
                if (off + 1 < len && text[off] == '/' && text[off + 1] == '*') {
                    depth++;
                    off += 2;
                } else if (off + 1 < len && text[off] == '*' && text[off + 1] == '/') {
                    depth--;
                    off += 2;
                } else
                    off++;
            }
        } else
            break;
    }
    return off;
}

/* Replace text[from, to) by spaces, keeping line breaks. */
static void
blank(char *text, size_t from, size_t to)
{
    for (; from < to; from++)
        if (text[from] != '\n' && text[from] != '\r')
            text[from] = ' ';
}

/* Whether the words of text[from, to) start with "copy" and include the word
 * "stdin": psql then reads the data that follows from the script itself. */
static bool
is_copy_from_stdin(const char *text, size_t from, size_t to, bool meta)
{
    size_t i = from + (meta ? 1 : 0);

    if (to - i < 4 || strncasecmp(text + i, "copy", 4) != 0 ||
        (i + 4 < to && is_ident_char((unsigned char) text[i + 4])))
        return false;
    for (i += 4; i + 5 <= to; i++) {
        if (strncasecmp(text + i, "stdin", 5) == 0 &&
            !is_ident_char((unsigned char) text[i - 1]) &&
            (i + 5 == to || !is_ident_char((unsigned char) text[i + 5])))
            return true;
    }
    return false;
}

/* Blank COPY data lines starting at off, through the "\." terminator line.
 * Returns the offset after it. */
static size_t
blank_copy_data(char *text, size_t len, size_t off)
{
    while (off < len) {
        size_t eol = off, t;

        while (eol < len && text[eol] != '\n')
            eol++;
        t = off;
        while (t < eol && (text[t] == ' ' || text[t] == '\t'))
            t++;
        bool done = (t + 2 <= eol && text[t] == '\\' && text[t + 1] == '.');

        blank(text, off, eol);
        off = eol < len ? eol + 1 : eol;
        if (done)
            break;
    }
    return off;
}

size_t
sql_dollar_tag_len(const char *text, size_t len, size_t i)
{
    size_t j = i + 1;

    if (j < len && text[j] == '$')
        return 2;
    if (j >= len || !is_ident_start((unsigned char) text[j]))
        return 0;
    while (j < len && (isalnum((unsigned char) text[j]) || text[j] == '_' ||
                       (unsigned char) text[j] >= 0x80))
        j++;
    return (j < len && text[j] == '$') ? j - i + 1 : 0;
}

size_t
sql_skip_quoted(const char *text, size_t len, size_t i, char q, bool escapes)
{
    for (i++; i < len; i++) {
        if (escapes && text[i] == '\\')
            i++;
        else if (text[i] == q) {
            if (i + 1 < len && text[i + 1] == q)
                i++;
            else
                return i + 1;
        }
    }
    return len;
}

/* Rewrite a psql variable reference at text[i] == ':'; returns the offset to
 * continue at.  Inside brackets (an array slice a[1:n]) nothing is done. */
static size_t
rewrite_psql_variable(char *text, size_t len, size_t i, int brackets)
{
    unsigned char next = i + 1 < len ? (unsigned char) text[i + 1] : 0;

    if (next == '\'' || next == '"') {
        /* :'name' -> ':name' and :"name" -> ":name": the same bytes, now a
         * literal (or identifier) whose value starts with ':'. */
        size_t end = sql_skip_quoted(text, len, i + 1, (char) next, false);

        text[i] = (char) next;
        text[i + 1] = ':';
        return end;
    }
    if (!is_ident_start(next) || brackets > 0)
        return i + 1;
    text[i] = ' ';
    return i + 1;
}

void
sql_psql_preprocess(char *text, size_t len)
{
    size_t i = 0, stmt_start = 0;
    bool in_stmt = false;
    int brackets = 0;

    while (i < len) {
        unsigned char c = (unsigned char) text[i];
        size_t tl;

        if (c == '-' && i + 1 < len && text[i + 1] == '-') {
            while (i < len && text[i] != '\n')
                i++;
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            i = sql_skip_blank(text, len, i);
            continue;
        }
        if (!in_stmt && !isspace(c) && c != '\\') {
            stmt_start = i;
            in_stmt = true;
        }
        if (c == '\'') {
            bool esc = i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
                (i < 2 || !is_ident_char((unsigned char) text[i - 2]));

            i = sql_skip_quoted(text, len, i, '\'', esc);
        } else if (c == '"') {
            i = sql_skip_quoted(text, len, i, '"', false);
        } else if (c == '$' && (i == 0 || !is_ident_char((unsigned char) text[i - 1])) &&
                   (tl = sql_dollar_tag_len(text, len, i)) > 0) {
            const char *close;
            char *tag = util_xstrndup(text + i, tl);

            close = strstr(text + i + tl, tag);
            i = close ? (size_t) (close - text) + tl : len;
            free(tag);
        } else if (c == '\\') {
            /* A psql meta-command runs to the end of the line. */
            size_t eol = i;
            bool copy;

            while (eol < len && text[eol] != '\n')
                eol++;
            copy = is_copy_from_stdin(text, i, eol, true);
            /* \g, \gset, \gexec ... send the query buffer: they end a
             * statement as ';' does. */
            bool sends = i + 1 < len && text[i + 1] == 'g';

            blank(text, i, eol);
            if (sends) {
                text[i] = ';';
                in_stmt = false;
            }
            i = eol < len ? eol + 1 : eol;
            if (copy)
                i = blank_copy_data(text, len, i);
        } else if (c == ';') {
            brackets = 0;
            bool copy = in_stmt && is_copy_from_stdin(text, stmt_start, i, false);

            in_stmt = false;
            i++;
            if (copy) {
                while (i < len && text[i] != '\n')
                    i++;
                i = blank_copy_data(text, len, i < len ? i + 1 : i);
            }
        } else if (c == ':' && i + 1 < len && text[i + 1] == ':') {
            i += 2;
        } else if (c == ':') {
            i = rewrite_psql_variable(text, len, i, brackets);
        } else if (c == '[' || c == ']') {
            brackets += c == '[' ? 1 : (brackets > 0 ? -1 : 0);
            i++;
        } else {
            i++;
        }
    }
}

long
sql_find_marker(const char *text, size_t len, const char *word)
{
    size_t i = 0, wl = strlen(word);

    while (i < len) {
        size_t t = i;

        while (t < len && (text[t] == ' ' || text[t] == '\t'))
            t++;
        if (t + 2 < len && text[t] == '-' && text[t + 1] == '-') {
            size_t w = t + 2;

            while (w < len && text[w] == ' ')
                w++;
            if (w + wl <= len && strncmp(text + w, word, wl) == 0 &&
                (w + wl == len || !isalpha((unsigned char) text[w + wl])))
                return (long) i;
        }
        while (i < len && text[i] != '\n')
            i++;
        i++;
    }
    return -1;
}
