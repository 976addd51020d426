/*
 * template.c — the report templates' Mustache subset (template.h): one
 * recursive pass over the template text, the data a stack of JSON scopes.
 */
#include "report/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE_MAX_DEPTH 32

typedef struct tpl_state {
    const char *tpl;                 /* the whole template, for line numbers */
    template_escape_fn esc;
    util_buf *out;
    const json_t *scopes[TEMPLATE_MAX_DEPTH + 1];
    size_t depth;
    char *err;
} tpl_state;

static void
tpl_fail(tpl_state *st, const char *at, const char *what)
{
    unsigned line = 1;
    const char *p;

    if (st->err)
        return;
    for (p = st->tpl; p < at; p++)
        line += *p == '\n';
    st->err = util_xasprintf("report template line %u: %s", line, what);
}

/* The value of name, innermost scope first ("." is the innermost scope). */
static const json_t *
tpl_lookup(const tpl_state *st, const char *name, size_t len)
{
    size_t i;

    if (len == 1 && name[0] == '.')
        return st->scopes[st->depth];
    for (i = st->depth + 1; i-- > 0;) {
        const json_t *s = st->scopes[i];
        const json_t *v;

        if (!json_is_object(s))
            continue;
        v = json_object_getn(s, name, len);
        if (v)
            return v;
    }
    return NULL;
}

static bool
tpl_truthy(const json_t *v)
{
    if (v == NULL || json_is_null(v) || json_is_false(v))
        return false;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    return true;
}

static void
tpl_put_value(tpl_state *st, const json_t *v)
{
    char num[64];

    if (json_is_string(v)) {
        st->esc(st->out, json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        st->esc(st->out, num);
    } else if (json_is_true(v)) {
        st->esc(st->out, "true");
    } else if (json_is_false(v)) {
        st->esc(st->out, "false");
    }
}

/* Where the {{/name}} closing the section that starts at p is, nesting
 * counted; NULL when none.  *after is set past its "}}". */
static const char *
tpl_section_end(const char *p, const char *name, size_t len, const char **after)
{
    int nest = 0;

    while ((p = strstr(p, "{{")) != NULL) {
        const char *q = p + 2, *close = strstr(q, "}}");

        if (close == NULL)
            return NULL;
        if ((*q == '#' || *q == '^' || *q == '/') && (size_t) (close - q - 1) == len &&
            strncmp(q + 1, name, len) == 0) {
            if (*q != '/') {
                nest++;
            } else if (nest-- == 0) {
                *after = close + 2;
                return p;
            }
        }
        p = close + 2;
    }
    return NULL;
}

static void tpl_render_range(tpl_state *st, const char *p, const char *end);

/* Render the body [p, end) once with scope pushed (when not NULL). */
static void
tpl_body(tpl_state *st, const json_t *scope, const char *p, const char *end, const char *tag)
{
    if (scope == NULL) {
        tpl_render_range(st, p, end);
        return;
    }
    if (st->depth >= TEMPLATE_MAX_DEPTH) {
        tpl_fail(st, tag, "sections nested too deep");
        return;
    }
    st->scopes[++st->depth] = scope;
    tpl_render_range(st, p, end);
    st->depth--;
}

/* A section {{#name}} or {{^name}} whose body is [body, end). */
static void
tpl_section(tpl_state *st, char kind, const json_t *v, const char *body, const char *end, const char *tag)
{
    size_t i;

    if (kind == '^') {
        if (!tpl_truthy(v))
            tpl_body(st, NULL, body, end, tag);
        return;
    }
    if (!tpl_truthy(v))
        return;
    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v) && st->err == NULL; i++)
            tpl_body(st, json_array_get(v, i), body, end, tag);
    } else {
        tpl_body(st, json_is_object(v) ? v : NULL, body, end, tag);
    }
}

static void
tpl_render_range(tpl_state *st, const char *p, const char *end)
{
    while (p < end && st->err == NULL) {
        const char *open = strstr(p, "{{"), *name, *close, *after, *body_end;
        size_t len;
        char kind;

        if (open == NULL || open >= end) {
            util_buf_append(st->out, p, (size_t) (end - p));
            return;
        }
        util_buf_append(st->out, p, (size_t) (open - p));
        close = strstr(open + 2, "}}");
        if (close == NULL || close > end) {
            tpl_fail(st, open, "unclosed {{");
            return;
        }
        kind = open[2];
        name = strchr("#^/!", kind) ? open + 3 : open + 2;
        len = (size_t) (close - name);
        p = close + 2;
        if (kind == '!')
            continue;
        if (kind == '/') {
            tpl_fail(st, open, "{{/...}} without its section");
            return;
        }
        if (kind != '#' && kind != '^') {
            const json_t *v = tpl_lookup(st, name, len);

            if (v)
                tpl_put_value(st, v);
            continue;
        }
        body_end = tpl_section_end(p, name, len, &after);
        if (body_end == NULL || body_end > end) {
            tpl_fail(st, open, "section without its {{/...}}");
            return;
        }
        tpl_section(st, kind, tpl_lookup(st, name, len), p, body_end, open);
        p = after;
    }
}

/* Whether [p, end) is white space only (spaces and tabs). */
static bool
tpl_blank(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p != ' ' && *p != '\t')
            return false;
    return true;
}

/*
 * The template with Mustache's "standalone" lines folded: a line holding
 * only one section, closing or comment tag (and white space) becomes just
 * that tag, without its indentation and its newline, so that the
 * template's layout does not leave blank lines in the report.  Caller
 * frees.
 */
static char *
tpl_fold_standalone(const char *tpl)
{
    util_buf b;
    const char *line = tpl;

    util_buf_init(&b);
    while (*line) {
        const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
        const char *open = strstr(line, "{{"), *close = open ? strstr(open, "}}") : NULL;
        const char *next = open ? strstr(open + 2, "{{") : NULL;

        if (open && close && close + 2 <= end && open[2] != '\0' && strchr("#^/!", open[2]) &&
            tpl_blank(line, open) && tpl_blank(close + 2, end) && (next == NULL || next > close)) {
            util_buf_append(&b, open, (size_t) (close + 2 - open));
        } else {
            util_buf_append(&b, line, (size_t) (end - line));
            if (nl)
                util_buf_puts(&b, "\n");
        }
        line = nl ? nl + 1 : end;
    }
    return b.data;
}

int
template_render(const char *tpl, const json_t *data, template_escape_fn esc, util_buf *out, char **err)
{
    tpl_state st;
    char *folded = tpl_fold_standalone(tpl);

    memset(&st, 0, sizeof st);
    st.tpl = folded;
    st.esc = esc;
    st.out = out;
    st.scopes[0] = data;
    tpl_render_range(&st, folded, folded + strlen(folded));
    free(folded);
    if (st.err) {
        *err = st.err;
        return -1;
    }
    return 0;
}
