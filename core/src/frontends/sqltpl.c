/*
 * sqltpl.c — SQL that is a template until a program fills it in (see sql.h:
 * sql_template_blank, sql_has_named_queries).
 *
 * Query files of Go and Clojure services (listmonk's queries.sql, yesql,
 * sqlc) hold named queries whose placeholders (%order%, %s) the program
 * replaces before sending them; popx renders migrations as Go templates
 * ({{ identifier .Parameters.tableName }}); Node programs fill ${name} in
 * SQL files they read as template literals.  As written they are not
 * PostgreSQL, and they are not wrong: the placeholders are blanked, keeping
 * every byte offset (as yamltpl.c does for YAML), so that libpg_query
 * parses the rest and the rules still see it.
 */
#include "frontends/sql.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The byte a placeholder among other text becomes: it reads as an
 * identifier, which may stand where a name or a value stood. */
#define SQLTPL_FILLER 'x'

static bool
is_word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

/* Whether text[from, to) is alone on its line(s): only blanks between it
 * and the line breaks around it. */
static bool
alone_on_line(const char *text, size_t len, size_t from, size_t to)
{
    size_t i;

    for (i = from; i > 0 && text[i - 1] != '\n'; i--)
        if (!isspace((unsigned char) text[i - 1]))
            return false;
    for (i = to; i < len && text[i] != '\n'; i++)
        if (!isspace((unsigned char) text[i]))
            return false;
    return true;
}

/* Whether the Go template action text[from, to) renders no text of its
 * own: a control action ({{- if .x }}, {{ else }}, {{ end }}, {{ range }})
 * or a comment ({{/ * ... * /}}, written without the blanks). */
static bool
control_action(const char *text, size_t from, size_t to)
{
    static const char *const words[] = {
        "if", "else", "end", "range", "with", "define", "block", "break", "continue", NULL
    };
    size_t i = from + 2, k, n;

    if (text[from] != '{')
        return false;
    if (i < to && text[i] == '-')
        i++;
    while (i < to && isspace((unsigned char) text[i]))
        i++;
    if (i + 1 < to && text[i] == '/' && text[i + 1] == '*')
        return true;
    for (k = 0; words[k]; k++) {
        n = strlen(words[k]);
        if (i + n <= to && strncmp(text + i, words[k], n) == 0 &&
            !is_word_char((unsigned char) text[i + n]))
            return true;
    }
    return false;
}

/* Whether the word that ends at text[at - 1] is a number (1 in
 * "LIMIT 1{{ end }}"): a filler joined to it would be "1xxx", which the
 * scanner rejects for the whole file. */
static bool
after_number(const char *text, size_t at)
{
    while (at > 0 && is_word_char((unsigned char) text[at - 1]))
        at--;
    return isdigit((unsigned char) text[at]);
}

/* Replace text[from, to) by the filler, or by spaces when it renders no
 * text (a control action) or stands alone on its line, keeping line
 * breaks.  A filler never joins a number before it. */
static void
fill(char *text, size_t len, size_t from, size_t to, util_vec *offsets)
{
    bool blank = control_action(text, from, to) || alone_on_line(text, len, from, to);
    size_t i;

    for (i = from; i < to; i++)
        if (text[i] != '\n' && text[i] != '\r')
            text[i] = blank ? ' ' : SQLTPL_FILLER;
    if (!blank && from > 0 && is_word_char((unsigned char) text[from - 1]) &&
        after_number(text, from))
        text[from] = ' ';
    *(size_t *) util_vec_push(offsets) = from;
}

/* End (one past) of a Go template action opened at text[i] == '{', or 0
 * when "{{" is not closed by "}}". */
static size_t
action_end(const char *text, size_t len, size_t i)
{
    const char *close = memmem(text + i + 2, len - i - 2, "}}", 2);

    return close ? (size_t) (close - text) + 2 : 0;
}

/* End (one past) of a JavaScript template substitution ${...} opened at
 * text[i] == '$' (SQL a Node program assembles: logto's "alter table ${name}
 * enable row level security"), or 0 when it is not closed on its line.
 * PostgreSQL has no "${" outside strings: a dollar quote's tag starts with
 * a letter or "_", or is empty ("$$"). */
static size_t
substitution_end(const char *text, size_t len, size_t i)
{
    size_t j;

    for (j = i + 2; j < len && text[j] != '\n'; j++)
        if (text[j] == '}')
            return j + 1;
    return 0;
}

/* End (one past) of a printf or named placeholder at text[i] == '%' of a
 * named-query file: %name% (listmonk), %(name)s (Python), or %s, %d, %v
 * followed by no word character; 0 when there is none. */
static size_t
percent_end(const char *text, size_t len, size_t i)
{
    size_t j = i + 1;

    if (j < len && (isalpha((unsigned char) text[j]) || text[j] == '_')) {
        while (j < len && is_word_char((unsigned char) text[j]))
            j++;
        if (j < len && text[j] == '%')
            return j + 1;
        if (j == i + 2 && strchr("sdv", text[i + 1]) != NULL)
            return j;
        return 0;
    }
    if (j < len && text[j] == '(') {
        for (j++; j < len && is_word_char((unsigned char) text[j]); j++)
            ;
        if (j + 1 < len && text[j] == ')' && text[j + 1] == 's')
            return j + 2;
    }
    return 0;
}

/* Offset after the string, quoted identifier, dollar quote or comment that
 * starts at text[i], or i when none does. */
static size_t
skip_literal(const char *text, size_t len, size_t i)
{
    char c = text[i];
    size_t tl;

    if (c == '-' && i + 1 < len && text[i + 1] == '-') {
        const char *nl = memchr(text + i, '\n', len - i);

        return nl ? (size_t) (nl - text) : len;
    }
    if (c == '/' && i + 1 < len && text[i + 1] == '*')
        return sql_skip_blank(text, len, i);
    if (c == '\'') {
        bool esc = i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
            (i < 2 || !is_word_char((unsigned char) text[i - 2]));

        return sql_skip_quoted(text, len, i, '\'', esc);
    }
    if (c == '"')
        return sql_skip_quoted(text, len, i, '"', false);
    if (c == '$' && (i == 0 || !is_word_char((unsigned char) text[i - 1])) &&
        (tl = sql_dollar_tag_len(text, len, i)) > 0) {
        const char *close = memmem(text + i + tl, len - i - tl, text + i, tl);

        return close ? (size_t) (close - text) + tl : len;
    }
    return i;
}

void
sql_template_blank(char *text, size_t len, bool named, util_vec *offsets)
{
    size_t i = 0, end;

    while (i < len) {
        if ((end = skip_literal(text, len, i)) > i) {
            i = end;
            continue;
        }
        end = 0;
        if (text[i] == '{' && i + 1 < len && text[i + 1] == '{')
            end = action_end(text, len, i);
        else if (text[i] == '$' && i + 1 < len && text[i + 1] == '{')
            end = substitution_end(text, len, i);
        else if (named && text[i] == '%')
            end = percent_end(text, len, i);
        if (end > i) {
            fill(text, len, i, end, offsets);
            i = end;
        } else
            i++;
    }
}

bool
sql_has_named_queries(const char *text, size_t len)
{
    return sql_find_marker(text, len, "name:") >= 0 || sql_find_marker(text, len, ":name") >= 0;
}
