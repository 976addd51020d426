/*
 * reporters.c — the table of output formats (see reporter.h).  The first
 * is the default.
 */
#include "report/reporter.h"

#include <string.h>

#include "util.h"

/* The writers, one per file (text.c, json.c, ...). */
int report_text_write(const report_ctx *ctx, FILE *out);
int report_json_write(const report_ctx *ctx, FILE *out);
int report_sarif_write(const report_ctx *ctx, FILE *out);
int report_github_write(const report_ctx *ctx, FILE *out);
int report_gitlab_write(const report_ctx *ctx, FILE *out);
int report_markdown_write(const report_ctx *ctx, FILE *out);
int report_html_write(const report_ctx *ctx, FILE *out);

static const reporter reporters[] = {
    { "text", "path:line:col: severity: message [rule], the source line and a hint", report_text_write },
    { "json", "findings and a summary as JSON (format version 1)", report_json_write },
    { "sarif", "SARIF 2.1.0, for code scanning", report_sarif_write },
    { "github", "GitHub Actions workflow commands (annotations)", report_github_write },
    { "gitlab", "GitLab Code Quality JSON", report_gitlab_write },
    { "markdown", "the sign-off report: context, verdict, checklist, findings (Markdown)", report_markdown_write },
    { "html", "the sign-off report as one self-contained HTML page (prints on A4)", report_html_write },
};

const reporter *
report_all(size_t *n)
{
    *n = sizeof reporters / sizeof reporters[0];
    return reporters;
}

const reporter *
report_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof reporters / sizeof reporters[0]; i++)
        if (strcmp(reporters[i].name, name) == 0)
            return &reporters[i];
    return NULL;
}

char *
report_names(const char *sep)
{
    util_buf b;
    size_t i;

    util_buf_init(&b);
    for (i = 0; i < sizeof reporters / sizeof reporters[0]; i++)
        util_buf_printf(&b, "%s%s", i ? sep : "", reporters[i].name);
    return b.data;
}
