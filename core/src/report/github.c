/*
 * github.c — the GitHub Actions reporter: one ::error/::warning/::notice
 * workflow command per finding, escaped as GitHub requires.
 */
#include "report/reporter.h"

#include <stdlib.h>
#include <string.h>

#include "report/mask.h"

/* GitHub's escaping (actions/toolkit escapeData and escapeProperty), after
 * the control characters are escaped: a newline in a name never starts a
 * workflow command of its own, an ESC never reaches the log. */
static void
gh_escape(FILE *out, const char *s, int property)
{
    char *safe = mask_escape(s ? s : "", s ? strlen(s) : 0, MASK_ESC_TABS), *p;

    for (p = safe; *p; p++) {
        if (*p == '%')
            fputs("%25", out);
        else if (*p == '\r')
            fputs("%0D", out);
        else if (*p == '\n')
            fputs("%0A", out);
        else if (property && *p == ':')
            fputs("%3A", out);
        else if (property && *p == ',')
            fputs("%2C", out);
        else
            fputc(*p, out);
    }
    free(safe);
}

int
report_github_write(const report_ctx *ctx, FILE *out)
{
    const diag_store *ds = ctx->ds;
    size_t i;

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        const char *cmd = f->severity == PGR_SEVERITY_ERROR ? "error"
            : f->severity == PGR_SEVERITY_WARNING ? "warning" : "notice";

        fprintf(out, "::%s ", cmd);
        if (f->path) {
            fputs("file=", out);
            gh_escape(out, f->path, 1);
            fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,", f->line, f->column,
                    f->end_line, f->end_column);
        }
        fputs("title=", out);
        gh_escape(out, f->rule_id, 1);
        fputs("::", out);
        if (f->path == NULL && f->object) {
            gh_escape(out, f->object, 0);
            fputs(": ", out);
        }
        gh_escape(out, f->message, 0);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}
