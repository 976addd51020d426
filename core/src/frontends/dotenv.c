/*
 * dotenv.c — see dotenv.h.
 */
#include "frontends/dotenv.h"

#include "frontends/frontend.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"

static size_t
skip_to_eol(const char *t, size_t len, size_t i)
{
    while (i < len && t[i] != '\n')
        i++;
    return i;
}

/* Parse a quoted value opened at t[i]; on success returns the offset after
 * the closing quote and fills the entry's value, else returns 0. */
static size_t
parse_quoted(const char *t, size_t len, size_t i, values_entry *e)
{
    char q = t[i];
    size_t j = i + 1;
    util_buf b;

    util_buf_init(&b);
    while (j < len && t[j] != q) {
        if (q == '"' && t[j] == '\\' && j + 1 < len) {
            char c = t[j + 1];
            const char *rep = c == 'n' ? "\n" : c == 't' ? "\t" : c == 'r' ? "\r" : NULL;

            if (rep)
                util_buf_puts(&b, rep);
            else
                util_buf_append(&b, &t[j + 1], 1);
            j += 2;
            continue;
        }
        util_buf_append(&b, &t[j], 1);
        j++;
    }
    if (j >= len) {
        util_buf_free(&b);
        return 0;
    }
    e->value = b.data;
    e->value_offset = i + 1;
    e->value_len = j - (i + 1);
    e->flags |= q == '\'' ? PGR_VALUE_SINGLE_QUOTED : q == '"' ? PGR_VALUE_DOUBLE_QUOTED : 0;
    return j + 1;
}

/* Parse one logical line starting at i (after leading blanks); returns the
 * offset of the next line. */
static size_t
parse_line(values_file *df, const char *t, size_t len, size_t i)
{
    values_entry e;
    size_t k, eol, v;

    memset(&e, 0, sizeof e);
    if (len - i > 7 && strncmp(t + i, "export", 6) == 0 && (t[i + 6] == ' ' || t[i + 6] == '\t')) {
        e.flags |= PGR_VALUE_EXPORT;
        i += 7;
        while (i < len && (t[i] == ' ' || t[i] == '\t'))
            i++;
    }
    k = i;
    if (k < len && (isalpha((unsigned char) t[k]) || t[k] == '_')) {
        while (k < len && (isalnum((unsigned char) t[k]) || t[k] == '_' || t[k] == '.' || t[k] == '-'))
            k++;
    }
    if (k == i) {
        values_add_error(df, "env/syntax-error", i, "expected a variable name");
        return skip_to_eol(t, len, i);
    }
    e.key_offset = i;
    e.key_len = k - i;
    v = k;
    while (v < len && (t[v] == ' ' || t[v] == '\t'))
        v++;
    if (v >= len || t[v] != '=') {
        values_add_error(df, "env/syntax-error", v, "expected '=' after the variable name");
        return skip_to_eol(t, len, i);
    }
    v++;
    while (v < len && (t[v] == ' ' || t[v] == '\t'))
        v++;
    if (v < len && (t[v] == '"' || t[v] == '\'' || t[v] == '`')) {
        size_t after = parse_quoted(t, len, v, &e);

        if (after == 0) {
            values_add_error(df, "env/syntax-error", v, "unterminated quoted value");
            /* The rest of the file is inside the quote: nothing more to read. */
            return len;
        }
        eol = skip_to_eol(t, len, after);
    } else {
        size_t end;

        eol = skip_to_eol(t, len, v);
        end = v;
        /* An unquoted value ends at " #" (an inline comment) or the line end. */
        while (end < eol && !(t[end] == '#' && end > v && (t[end - 1] == ' ' || t[end - 1] == '\t')))
            end++;
        while (end > v && isspace((unsigned char) t[end - 1]))
            end--;
        e.value = util_xstrndup(t + v, end - v);
        e.value_offset = v;
        e.value_len = end - v;
    }
    e.key = util_xstrndup(t + i, k - i);
    values_add(df, &e);
    return eol;
}

void
dotenv_parse(values_file *df, const char *t, size_t len)
{
    size_t i = 0;

    values_init(df);
    while (i < len) {
        while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r'))
            i++;
        if (i >= len)
            break;
        if (t[i] == '\n') {
            i++;
            continue;
        }
        if (t[i] == '#')
            i = skip_to_eol(t, len, i);
        else
            i = parse_line(df, t, len, i);
        if (i < len)
            i++;
    }
}

/* The env-file front-end: .env, .env.* and *.env. */
static bool
dotenv_match(const char *path)
{
    const char *base = util_basename(path);

    return strcmp(base, ".env") == 0 || strncmp(base, ".env.", 5) == 0 || util_ends_with(base, ".env");
}

static void
dotenv_parse_values(const frontend_input *in, values_file *out, util_vec *embedded)
{
    (void) embedded;
    dotenv_parse(out, in->text, in->len);
}

const frontend dotenv_frontend = {
    .name = "dotenv",
    .match = dotenv_match,
    .output = FRONTEND_VALUES,
    .parse_values = dotenv_parse_values,
    .format = PGR_FORMAT_DOTENV,
    .git_tracked = true,
    .comment = "#",
    .syntax_rule = {
        .id = "env/syntax-error",
        .default_severity = PGR_SEVERITY_ERROR,
        .summary = "A line of an environment file is not KEY=value.",
        .hint = "Write KEY=value, quote values with spaces, close every quote.",
        .source = "dotenv file format",
        .why = "Loaders disagree on malformed lines; the value an application gets may not be the one written.",
        .bad = "DATABASE_URL postgres://db/app",
        .good = "DATABASE_URL=postgres://db/app?sslmode=verify-full",
    },
};
