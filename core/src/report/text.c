/*
 * text.c — the text reporter: "path:line:col: severity: message [rule]",
 * the source line with a caret, the hint, then a summary line.
 */
#include "report/reporter.h"

#include <stdlib.h>
#include <string.h>

#include "report/mask.h"

/* Print the source line of f and a caret under its column.  The line is
 * masked (with a margin past what is shown, so that a secret cut by the
 * end is still recognised), cut to DIAG_SNIPPET_MAX bytes and escaped; the
 * caret line repeats the tabs before the column and a space per other
 * character shown. */
static void
print_snippet(const diag_store *ds, const diag_finding *f, FILE *out,
              diag_text_fn text_fn, void *text_arg, diag_line_cursor *cur)
{
    size_t len, start, end, shown, before, i;
    const char *text = text_fn ? text_fn(text_arg, f->path, &len) : NULL;
    char *masked, *line, *lead;

    if (!diag_find_line(cur, text, text ? len : 0, f->line, &start, &end))
        return;
    if (end > start && text[end - 1] == '\r')
        end--;
    /* Very long lines (minified files) are not worth echoing whole. */
    shown = end - start > DIAG_SNIPPET_MAX ? DIAG_SNIPPET_MAX : end - start;
    if (end - start > DIAG_SNIPPET_MAX + DIAG_MASK_MARGIN)
        end = start + DIAG_SNIPPET_MAX + DIAG_MASK_MARGIN;
    masked = diag_mask_line(ds, f->path, f->line, text, len, start, end);
    before = f->column > 0 && f->column - 1 < shown ? f->column - 1 : shown;
    line = mask_escape(masked, shown, 0);
    lead = mask_escape(masked, before, 0);
    fprintf(out, "  %s\n  ", line);
    for (i = 0; lead[i]; i++) {
        if (lead[i] == '\t')
            fputc('\t', out);
        else if (((unsigned char) lead[i] & 0xC0) != 0x80)
            fputc(' ', out);
    }
    fputs("^\n", out);
    free(lead);
    free(line);
    free(masked);
}

/* The rule id, as an OSC 8 hyperlink to its documentation when asked
 * (ctx->links).  Rule ids are family/kebab-name (registry.c) and the URL
 * printable ASCII without escapes (config.c, host_rule_doc_url), so
 * neither can end the escape early. */
static void
print_rule_id(const report_ctx *ctx, const char *id, FILE *out)
{
    char *url;

    if (!ctx->links) {
        diag_put_safe(out, id);
        return;
    }
    url = host_rule_doc_url(ctx->h, id);
    fprintf(out, "\033]8;;%s\033\\", url);
    diag_put_safe(out, id);
    fputs("\033]8;;\033\\", out);
    free(url);
}

int
report_text_write(const report_ctx *ctx, FILE *out)
{
    const diag_store *ds = ctx->ds;
    diag_text_fn text_fn = ctx->text_fn;
    void *text_arg = ctx->text_arg;
    bool color = ctx->color;
    size_t i, errors = 0, warnings = 0, infos = 0;
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };

    if (ds->inventory)
        report_inventory_text(ds->inventory, out);
    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        const char *sc = "";

        if (color)
            sc = f->severity == PGR_SEVERITY_ERROR ? "\033[1;31m"
                : f->severity == PGR_SEVERITY_WARNING ? "\033[1;33m" : "\033[1;36m";
        fputs(bold, out);
        diag_put_safe(out, f->path ? f->path : f->object ? f->object : "?");
        if (f->path)
            fprintf(out, ":%u:%u", f->line, f->column);
        fprintf(out, ":%s %s%s:%s ", reset, sc, diag_severity_name(f->severity), reset);
        diag_put_safe(out, f->message);
        fputs(" [", out);
        print_rule_id(ctx, f->rule_id, out);
        fputs("]\n", out);
        if (f->path)
            print_snippet(ds, f, out, text_fn, text_arg, &cur);
        if (f->hint) {
            fputs("  hint: ", out);
            diag_put_safe(out, f->hint);
            fputc('\n', out);
        }
    }
    diag_tally(ds, &errors, &warnings, &infos);
    if (ds->subject) {
        diag_put_safe(out, ds->subject);
        fputs(" audited", out);
    } else {
        fprintf(out, "%zu file%s checked", ds->files, ds->files == 1 ? "" : "s");
    }
    fprintf(out, ": %zu error%s, %zu warning%s, %zu info\n", errors, errors == 1 ? "" : "s",
            warnings, warnings == 1 ? "" : "s", infos);
    return ferror(out) ? -1 : 0;
}
