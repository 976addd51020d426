/*
 * yamltpl.c — see yamltpl.h.
 */
#include "frontends/yamltpl.h"

#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "util.h"

/* Key paths deeper than this are cut (the line reader's indentation stack). */
#define YAMLTPL_MAX_NESTING 64

/*
 * The end of the action that opens at i ({{ ... }} or <% ... %>), or 0 when
 * none opens there (or it is never closed).  unclosed[k] records that an
 * opener of kind k (0: {{, 1: <%) found no closer: no later one can, and
 * searching again for each of a file's openers would be quadratic.
 */
static size_t
action_end(const char *t, size_t len, size_t i, bool unclosed[2])
{
    const char *close;
    size_t j;
    int kind;

    if (i + 1 >= len)
        return 0;
    if (t[i] == '{' && t[i + 1] == '{' && (i == 0 || t[i - 1] != '$'))
        kind = 0;
    else if (t[i] == '<' && t[i + 1] == '%')
        kind = 1;
    else
        return 0;
    if (unclosed[kind])
        return 0;
    close = kind == 0 ? "}}" : "%>";
    for (j = i + 2; j + 1 < len; j++)
        if (t[j] == close[0] && t[j + 1] == close[1])
            return j + 2;
    unclosed[kind] = true;
    return 0;
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Whether every byte of the line [s, e) that is not white space or a
 * trailing comment belongs to an action: a control line, which renders to
 * nothing of its own here. */
static bool
only_actions(const char *t, const unsigned char *mask, size_t s, size_t e)
{
    size_t i;

    for (i = s; i < e; i++) {
        if (!mask[i] && t[i] == '#' && (i == s || is_blank(t[i - 1]) || mask[i - 1]))
            return true;
        if (!mask[i] && !is_blank(t[i]))
            return false;
    }
    return true;
}

/*
 * Whether the action [s, e) renders a block under the key before it:
 * "labels: {{- include "l" . | nindent 4 }}" ends its line, and "{{-" (which
 * eats the space after the colon) or nindent starts the rendered mapping on
 * a new line.  Then it blanks to spaces, as a control line does, leaving
 * "labels:" to open the more indented lines that follow.
 */
static bool
renders_block(const char *t, size_t len, size_t s, size_t e)
{
    size_t i;

    for (i = e; i < len && t[i] != '\n'; i++)
        if (!is_blank(t[i]))
            return false;
    if (t[s] != '{')
        return false;
    if (e - s > 3 && t[s + 2] == '-')
        return true;
    for (i = s; i + 7 <= e; i++)
        if (memcmp(t + i, "nindent", 7) == 0)
            return true;
    return false;
}

char *
yamltpl_blank(const char *text, size_t len, bool comments, unsigned char **mask)
{
    unsigned char *m = util_xcalloc(len + 1, 1);
    bool any = false, unclosed[2] = { false, false };
    size_t i, s, e;
    char *out;

    /* mask: 1 in an action among text (blanked to '_'), 2 in an action
     * that renders a block (blanked to spaces). */
    for (i = 0; i < len; i++) {
        size_t end = action_end(text, len, i, unclosed);

        if (end == 0)
            continue;
        memset(m + i, renders_block(text, len, i, end) ? 2 : 1, end - i);
        any = true;
        i = end - 1;
    }
    if (!any) {
        free(m);
        *mask = NULL;
        return NULL;
    }
    out = util_xstrndup(text, len);
    for (s = 0; s < len; s = e + 1) {
        bool control, first = true;

        for (e = s; e < len && text[e] != '\n'; e++)
            ;
        control = only_actions(text, m, s, e);
        for (i = s; i < e; i++) {
            if (!m[i])
                continue;
            out[i] = control && first && comments ? '#' : control || m[i] == 2 ? ' ' : '_';
            first = false;
        }
    }
    *mask = m;
    return out;
}

/* --- reading a template line by line ------------------------------------ */

typedef struct tpl_level {
    size_t column;      /* the key's column (bytes from the line start) */
    char *path;         /* the dotted path down to and including the key */
} tpl_level;

typedef struct tpl_reader {
    values_file *vf;
    const char *text;             /* the file as written */
    const char *blanked;          /* its actions blanked */
    tpl_level stack[YAMLTPL_MAX_NESTING];
    size_t depth;
    char *name;                   /* the last "name:" value, for a "value:" line */
    size_t name_column, name_offset, name_len;
} tpl_reader;

/* A plain key's bytes: no white space, no YAML indicator. */
static bool
is_key_char(char c)
{
    return c != '\0' && !is_blank(c) && c != '\n' && strchr(":#{}[],&*!|>'\"%@`", c) == NULL;
}

/* Drop the levels at or right of column: they ended. */
static void
close_levels(tpl_reader *r, size_t column)
{
    while (r->depth > 0 && r->stack[r->depth - 1].column >= column)
        free(r->stack[--r->depth].path);
}

/* The dotted path of the open levels, or NULL at the top (borrowed). */
static const char *
open_path(const tpl_reader *r)
{
    return r->depth > 0 ? r->stack[r->depth - 1].path : NULL;
}

static void
add_setting(tpl_reader *r, const char *key, size_t key_off, size_t key_len, size_t vs, size_t ve,
            unsigned flags)
{
    values_entry e;

    memset(&e, 0, sizeof e);
    e.key = util_xstrdup(key);
    e.key_path = values_key_path(open_path(r), key);
    e.value = util_xstrndup(r->text + vs, ve - vs);
    e.flags = flags;
    e.key_offset = key_off;
    e.key_len = key_len;
    e.value_offset = vs;
    e.value_len = ve - vs;
    values_add(r->vf, &e);
}

/*
 * The value that starts at s on a line ending at e: *vs, *ve span it
 * without quotes or a trailing comment; returns its PGR_VALUE_* quote flags,
 * or -1 when there is no scalar value here (none, a block scalar, a flow
 * collection, an anchor, alias or tag: left alone).
 */
static int
value_span(const char *b, size_t s, size_t e, size_t *vs, size_t *ve)
{
    size_t i;

    if (s >= e || b[s] == '#' || strchr("|>{[&*!", b[s]) != NULL)
        return -1;
    if (b[s] == '"' || b[s] == '\'') {
        for (i = s + 1; i < e && b[i] != b[s]; i++)
            if (b[s] == '"' && b[i] == '\\')
                i++;
        if (i >= e)
            return -1;
        *vs = s + 1;
        *ve = i;
        return b[s] == '"' ? (int) PGR_VALUE_DOUBLE_QUOTED : (int) PGR_VALUE_SINGLE_QUOTED;
    }
    for (i = s; i < e && !(b[i] == '#' && i > s && is_blank(b[i - 1])); i++)
        ;
    while (i > s && is_blank(b[i - 1]))
        i--;
    *vs = s;
    *ve = i;
    return i > s ? 0 : -1;
}

/* One line [s, e) of the blanked text. */
static void
read_line(tpl_reader *r, size_t s, size_t e)
{
    const char *b = r->blanked;
    size_t k = s, ks, ke, vs, ve, column;
    char *key;
    int flags;

    while (k < e && is_blank(b[k]))
        k++;
    if (k < e && b[k] == '-' && k + 1 < e && b[k + 1] == ' ') {
        for (k += 2; k < e && is_blank(b[k]); k++)
            ;
        free(r->name);
        r->name = NULL;
    }
    if (k >= e || b[k] == '#')
        return;
    for (ks = k; k < e && is_key_char(b[k]); k++)
        ;
    ke = k;
    if (ke == ks || k >= e || b[k] != ':' || (k + 1 < e && !is_blank(b[k + 1])))
        return;
    column = ks - s;
    close_levels(r, column);
    key = util_xstrndup(r->text + ks, ke - ks);
    for (k++; k < e && is_blank(b[k]); k++)
        ;
    flags = value_span(b, k, e, &vs, &ve);
    if (flags < 0 && (k >= e || b[k] == '#' || b[k] == '&' || b[k] == '!')) {
        /* A mapping or list opens under key. */
        if (r->depth < YAMLTPL_MAX_NESTING) {
            r->stack[r->depth].column = column;
            r->stack[r->depth].path = values_key_path(open_path(r), key);
            r->depth++;
        }
    } else if (flags >= 0 && strcmp(key, "value") == 0 && r->name && r->name_column == column) {
        /* {name: K, value: V}: the setting K. */
        add_setting(r, r->name, r->name_offset, r->name_len, vs, ve, (unsigned) flags);
    } else if (flags >= 0) {
        add_setting(r, key, ks, ke - ks, vs, ve, (unsigned) flags);
        if (strcmp(key, "name") == 0) {
            free(r->name);
            r->name = util_xstrndup(r->text + vs, ve - vs);
            r->name_column = column;
            r->name_offset = ks;
            r->name_len = ke - ks;
        }
    }
    free(key);
}

void
yamltpl_read_lines(values_file *vf, const char *text, const char *blanked, size_t len)
{
    tpl_reader r;
    size_t s, e;

    memset(&r, 0, sizeof r);
    r.vf = vf;
    r.text = text;
    r.blanked = blanked;
    for (s = 0; s < len; s = e + 1) {
        for (e = s; e < len && blanked[e] != '\n'; e++)
            ;
        read_line(&r, s, e);
    }
    close_levels(&r, 0);
    free(r.name);
}
