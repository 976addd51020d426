/*
 * diag.c — see diag.h.
 */
#include "report/diag.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/mask.h"

static char *
dup_or_null(const char *s)
{
    return s ? util_xstrdup(s) : NULL;
}

void
diag_init(diag_store *ds)
{
    util_vec_init(&ds->findings, sizeof(diag_finding));
    ds->files = 0;
    ds->statements = 0;
    ds->suppressed = 0;
    ds->baselined = 0;
    ds->subject = NULL;
    ds->inventory = NULL;
    ds->secret_index = NULL;
    ds->n_secret_index = 0;
    ds->index_len = 0;
    ds->index_items = NULL;
}

void
diag_finding_free(diag_finding *f)
{
    free(f->rule_id);
    free(f->path);
    free(f->object);
    free(f->message);
    free(f->hint);
}

void
diag_free(diag_store *ds)
{
    size_t i;

    for (i = 0; i < ds->findings.len; i++)
        diag_finding_free(util_vec_at(&ds->findings, i));
    util_vec_free(&ds->findings);
    free(ds->secret_index);
    ds->secret_index = NULL;
}

void
diag_add(diag_store *ds, const pgr_finding *in, pgr_severity severity, const char *hint)
{
    diag_finding *f = util_vec_push(&ds->findings);

    f->rule_id = util_xstrdup(in->rule_id);
    f->severity = severity;
    f->path = dup_or_null(in->location.path);
    f->line = in->location.line;
    f->column = in->location.column;
    f->end_line = in->location.end_line ? in->location.end_line : in->location.line;
    f->end_column = in->location.end_column ? in->location.end_column : in->location.column;
    f->object = dup_or_null(in->location.object);
    f->message = util_xstrdup(in->message ? in->message : "");
    f->hint = dup_or_null(in->hint ? in->hint : hint);
    if (in->secret.line != 0) {
        f->has_secret = true;
        f->secret_line = in->secret.line;
        f->secret_column = in->secret.column;
        /* A secret spanning lines is masked to the end of its first line. */
        f->secret_end_column = in->secret.end_line == in->secret.line
            ? in->secret.end_column : UINT32_MAX;
    }
}

diag_finding *
diag_last(diag_store *ds)
{
    return util_vec_at(&ds->findings, ds->findings.len - 1);
}

static int
cmp_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

static int
finding_cmp(const void *pa, const void *pb)
{
    const diag_finding *a = pa, *b = pb;
    int c;

    /* File findings first, then object findings. */
    if ((a->path == NULL) != (b->path == NULL))
        return a->path == NULL ? 1 : -1;
    if ((c = cmp_str(a->path, b->path)) != 0)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    if ((c = cmp_str(a->object, b->object)) != 0)
        return c;
    if ((c = strcmp(a->rule_id, b->rule_id)) != 0)
        return c;
    return strcmp(a->message, b->message);
}

void
diag_sort(diag_store *ds)
{
    if (ds->findings.len > 0)
        qsort(ds->findings.items, ds->findings.len, sizeof(diag_finding), finding_cmp);
}

void
diag_tally(const diag_store *ds, size_t *errors, size_t *warnings, size_t *infos)
{
    size_t i;

    *errors = *warnings = *infos = 0;
    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);

        if (f->severity == PGR_SEVERITY_ERROR)
            (*errors)++;
        else if (f->severity == PGR_SEVERITY_WARNING)
            (*warnings)++;
        else
            (*infos)++;
    }
}

size_t
diag_count_at_least(const diag_store *ds, pgr_severity severity)
{
    size_t i, n = 0;

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);

        if (f->severity >= severity)
            n++;
    }
    return n;
}

const char *
diag_severity_name(pgr_severity s)
{
    switch (s) {
    case PGR_SEVERITY_ERROR:
        return "error";
    case PGR_SEVERITY_WARNING:
        return "warning";
    case PGR_SEVERITY_INFO:
        return "info";
    default:
        return "off";
    }
}

int
diag_severity_parse(const char *name)
{
    if (strcmp(name, "error") == 0)
        return PGR_SEVERITY_ERROR;
    if (strcmp(name, "warning") == 0)
        return PGR_SEVERITY_WARNING;
    if (strcmp(name, "info") == 0)
        return PGR_SEVERITY_INFO;
    if (strcmp(name, "off") == 0)
        return PGR_SEVERITY_OFF;
    return -1;
}

bool
diag_find_line(diag_line_cursor *cur, const char *text, size_t len, uint32_t lineno,
               size_t *start, size_t *end)
{
    size_t i = 0, s = 0;
    uint32_t line = 1;

    if (text == NULL || lineno == 0)
        return false;
    /* Findings come sorted by line: go on from the last one found. */
    if (cur && cur->text == text && cur->len == len && cur->line <= lineno) {
        line = cur->line;
        i = s = cur->start;
    }
    for (; i < len && line < lineno; i++) {
        if (text[i] == '\n') {
            line++;
            s = i + 1;
        }
    }
    if (line != lineno)
        return false;
    if (cur && cur->text == text && cur->len == len && cur->line == lineno && cur->start == s) {
        i = cur->end;
    } else {
        for (i = s; i < len && text[i] != '\n'; i++)
            ;
    }
    if (cur) {
        cur->text = text;
        cur->len = len;
        cur->line = line;
        cur->start = s;
        cur->end = i;
    }
    *start = s;
    *end = i;
    return true;
}

/* Order of the secret index: path, then secret line. */
static const diag_store *index_store;

static int
secret_key_cmp(const diag_finding *f, const char *path, uint32_t line)
{
    int c = strcmp(f->path, path);

    if (c != 0)
        return c;
    return f->secret_line < line ? -1 : f->secret_line > line ? 1 : 0;
}

static int
secret_index_cmp(const void *a, const void *b)
{
    const diag_finding *fb = util_vec_at(&index_store->findings, *(const size_t *) b);

    return secret_key_cmp(util_vec_at(&index_store->findings, *(const size_t *) a), fb->path,
                          fb->secret_line);
}

/* (Re)build the secret index when the findings changed since it was built.
 * The store is logically const: the index is a cache of what it holds. */
static void
secret_index(const diag_store *cds)
{
    diag_store *ds = (diag_store *) cds;
    size_t i;

    if (ds->secret_index && ds->index_len == ds->findings.len && ds->index_items == ds->findings.items)
        return;
    free(ds->secret_index);
    ds->secret_index = util_xcalloc(ds->findings.len + 1, sizeof(size_t));
    ds->n_secret_index = 0;
    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);

        if (f->has_secret && f->path != NULL && f->secret_column != 0)
            ds->secret_index[ds->n_secret_index++] = i;
    }
    index_store = ds;
    qsort(ds->secret_index, ds->n_secret_index, sizeof(size_t), secret_index_cmp);
    ds->index_len = ds->findings.len;
    ds->index_items = ds->findings.items;
}

/* The first position in the secret index of (path, line). */
static size_t
secret_index_first(const diag_store *ds, const char *path, uint32_t line)
{
    size_t lo = 0, hi = ds->n_secret_index;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (secret_key_cmp(util_vec_at(&ds->findings, ds->secret_index[mid]), path, line) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The secrets in text[from, to), a part of line lineno that starts at
 * line_start: the spans the findings of the store declared there, then
 * every one the masker finds. */
static void
line_spans(const diag_store *ds, const char *path, uint32_t lineno, const char *text,
           size_t len, size_t line_start, size_t from, size_t to, util_vec *spans)
{
    size_t i;

    secret_index(ds);
    for (i = secret_index_first(ds, path, lineno); i < ds->n_secret_index; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, ds->secret_index[i]);
        mask_span *sp;
        size_t a, b;

        if (secret_key_cmp(f, path, lineno) != 0)
            break;
        a = line_start + f->secret_column - 1;
        b = f->secret_end_column == UINT32_MAX ? to : line_start + f->secret_end_column;
        if (b > to)
            b = to;
        if (a < b && b > from) {
            sp = util_vec_push(spans);
            sp->start = a;
            sp->end = b;
        }
    }
    mask_line_spans(text, len, from, to, spans);
}

char *
diag_mask_line(const diag_store *ds, const char *path, uint32_t lineno, const char *text,
               size_t len, size_t start, size_t end)
{
    char *out = util_xstrndup(text + start, end - start);
    util_vec spans;

    util_vec_init(&spans, sizeof(mask_span));
    line_spans(ds, path, lineno, text, len, start, start, end, &spans);
    mask_apply(out, end - start, start, &spans);
    util_vec_free(&spans);
    return out;
}

/* The secret values on the source line of f near its column (a vec of
 * char *, to free with free_values), for masking the same values in its
 * message. */
static void
secret_values(const diag_store *ds, const diag_finding *f, diag_text_fn text_fn, void *text_arg,
              diag_line_cursor *cur, util_vec *values)
{
    size_t len, start, end, at, from, to, i;
    const char *text = text_fn && f->path ? text_fn(text_arg, f->path, &len) : NULL;
    util_vec spans;

    if (!diag_find_line(cur, text, text ? len : 0, f->line, &start, &end))
        return;
    /* A message quotes what is at its column: look around it only. */
    at = f->column > 0 && f->column - 1 < end - start ? start + f->column - 1 : start;
    from = at - start > DIAG_MASK_MARGIN ? at - DIAG_MASK_MARGIN : start;
    to = end - at > DIAG_MASK_MARGIN ? at + DIAG_MASK_MARGIN : end;
    util_vec_init(&spans, sizeof(mask_span));
    line_spans(ds, f->path, f->line, text, len, start, from, to, &spans);
    for (i = 0; i < spans.len; i++) {
        const mask_span *sp = util_vec_at(&spans, i);

        *(char **) util_vec_push(values) = util_xstrndup(text + sp->start, sp->end - sp->start);
    }
    util_vec_free(&spans);
}

static void
free_values(util_vec *values)
{
    size_t i;

    for (i = 0; i < values->len; i++)
        free(*(char **) util_vec_at(values, i));
    util_vec_free(values);
}

/* Replace *s by its masked copy. */
static void
mask_field(char **s, const util_vec *values)
{
    char *m;

    if (*s == NULL)
        return;
    m = mask_message(*s, values);
    free(*s);
    *s = m;
}

void
diag_mask_findings(diag_store *ds, diag_text_fn text_fn, void *text_arg)
{
    util_vec *all = util_xcalloc(ds->findings.len ? ds->findings.len : 1, sizeof(util_vec));
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };
    size_t i;

    /* Every line's values first: they read the other findings' spans. */
    for (i = 0; i < ds->findings.len; i++) {
        util_vec_init(&all[i], sizeof(char *));
        secret_values(ds, util_vec_at(&ds->findings, i), text_fn, text_arg, &cur, &all[i]);
    }
    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);

        mask_field(&f->message, &all[i]);
        mask_field(&f->hint, &all[i]);
        mask_field(&f->object, &all[i]);
        free_values(&all[i]);
    }
    free(all);
}

void
diag_put_safe(FILE *out, const char *s)
{
    char *e = mask_escape(s, strlen(s), MASK_ESC_TABS);

    fputs(e, out);
    free(e);
}

void
diag_print_error(FILE *out, const char *msg)
{
    size_t n = strlen(msg);
    char *m = mask_message(msg, NULL), *e;

    /* One trailing newline is the message's end, not part of it. */
    if (n > 0 && m[n - 1] == '\n')
        m[--n] = '\0';
    e = mask_escape(m, n, MASK_ESC_TABS);
    fprintf(out, "pgrampart: %s\n", e);
    free(e);
    free(m);
}
