/*
 * diag.c — see diag.h.
 */
#include "diag.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

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
    ds->subject = NULL;
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

char *
diag_mask_line(const diag_store *ds, const char *path, uint32_t lineno,
               const char *line, size_t len)
{
    char *out = util_xstrndup(line, len);
    size_t i, c;

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);

        if (!f->has_secret || f->path == NULL || f->secret_line != lineno ||
            strcmp(f->path, path) != 0)
            continue;
        /* Keep the first two bytes, as the redacted messages do (none of a
         * short secret). */
        c = (size_t) f->secret_column - 1;
        if (f->secret_end_column == UINT32_MAX || f->secret_end_column - f->secret_column >= 7)
            c += 2;
        for (; c < len && c < f->secret_end_column; c++)
            out[c] = '*';
    }
    return out;
}

/* Print the source line of f and a caret under its column. */
static void
print_snippet(const diag_store *ds, const diag_finding *f, FILE *out,
              diag_text_fn text_fn, void *text_arg)
{
    size_t len, i, start = 0, end;
    const char *text = text_fn ? text_fn(text_arg, f->path, &len) : NULL;
    uint32_t line = 1;
    char *masked, *p;

    if (text == NULL || f->line == 0)
        return;
    for (i = 0; i < len && line < f->line; i++) {
        if (text[i] == '\n') {
            line++;
            start = i + 1;
        }
    }
    if (line != f->line)
        return;
    end = start;
    while (end < len && text[end] != '\n' && text[end] != '\r')
        end++;
    /* Very long lines (minified files) are not worth echoing whole. */
    if (end - start > 400)
        end = start + 400;
    masked = diag_mask_line(ds, f->path, f->line, text + start, end - start);
    /* Keep the terminal sane: show control bytes as spaces. */
    for (p = masked; *p; p++)
        if ((unsigned char) *p < 0x20 && *p != '\t')
            *p = ' ';
    fprintf(out, "  %s\n  ", masked);
    for (i = 1; i < f->column && start + i - 1 < end; i++)
        fputc(text[start + i - 1] == '\t' ? '\t' : ' ', out);
    fputs("^\n", out);
    free(masked);
}

void
diag_print_text(const diag_store *ds, FILE *out, bool color,
                diag_text_fn text_fn, void *text_arg)
{
    size_t i, errors = 0, warnings = 0, infos = 0;
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        const char *sc = "";

        if (color)
            sc = f->severity == PGR_SEVERITY_ERROR ? "\033[1;31m"
                : f->severity == PGR_SEVERITY_WARNING ? "\033[1;33m" : "\033[1;36m";
        if (f->path)
            fprintf(out, "%s%s:%u:%u:%s ", bold, f->path, f->line, f->column, reset);
        else
            fprintf(out, "%s%s:%s ", bold, f->object ? f->object : "?", reset);
        fprintf(out, "%s%s:%s %s [%s]\n", sc, diag_severity_name(f->severity), reset,
                f->message, f->rule_id);
        if (f->path)
            print_snippet(ds, f, out, text_fn, text_arg);
        if (f->hint)
            fprintf(out, "  hint: %s\n", f->hint);
        if (f->severity == PGR_SEVERITY_ERROR)
            errors++;
        else if (f->severity == PGR_SEVERITY_WARNING)
            warnings++;
        else
            infos++;
    }
    if (ds->subject)
        fprintf(out, "%s audited", ds->subject);
    else
        fprintf(out, "%zu file%s checked", ds->files, ds->files == 1 ? "" : "s");
    fprintf(out, ": %zu error%s, %zu warning%s, %zu info\n", errors, errors == 1 ? "" : "s",
            warnings, warnings == 1 ? "" : "s", infos);
}

/* A JSON string from s, sanitised to valid UTF-8. */
static json_t *
json_str(const char *s)
{
    char *clean = util_utf8_sanitize(s);
    json_t *j = json_string(clean);

    free(clean);
    return j;
}

int
diag_print_json(const diag_store *ds, FILE *out)
{
    json_t *root = json_object(), *arr = json_array(), *sum = json_object();
    size_t i, errors = 0, warnings = 0, infos = 0;
    int rc;

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        json_t *o = json_object();

        json_object_set_new(o, "rule", json_str(f->rule_id));
        json_object_set_new(o, "severity", json_string(diag_severity_name(f->severity)));
        json_object_set_new(o, "path", f->path ? json_str(f->path) : json_null());
        json_object_set_new(o, "line", json_integer(f->line));
        json_object_set_new(o, "column", json_integer(f->column));
        json_object_set_new(o, "end_line", json_integer(f->end_line));
        json_object_set_new(o, "end_column", json_integer(f->end_column));
        if (f->object)
            json_object_set_new(o, "object", json_str(f->object));
        json_object_set_new(o, "message", json_str(f->message));
        json_object_set_new(o, "hint", f->hint ? json_str(f->hint) : json_null());
        json_array_append_new(arr, o);
        if (f->severity == PGR_SEVERITY_ERROR)
            errors++;
        else if (f->severity == PGR_SEVERITY_WARNING)
            warnings++;
        else
            infos++;
    }
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "findings", arr);
    json_object_set_new(sum, "files", json_integer((json_int_t) ds->files));
    json_object_set_new(sum, "statements", json_integer((json_int_t) ds->statements));
    json_object_set_new(sum, "findings", json_integer((json_int_t) ds->findings.len));
    json_object_set_new(sum, "errors", json_integer((json_int_t) errors));
    json_object_set_new(sum, "warnings", json_integer((json_int_t) warnings));
    json_object_set_new(sum, "info", json_integer((json_int_t) infos));
    json_object_set_new(root, "summary", sum);
    rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 ? 0 : -1;
}
