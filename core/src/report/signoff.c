/*
 * signoff.c — the sign-off report (issue 16), Markdown and HTML: one JSON
 * document (report_document) filled into one template file of the shipped
 * rule packs' directory (rules/report.md.tmpl, rules/report.html.tmpl) by
 * template.c.  Every string of the document is data (catalog names are
 * chosen by whoever can create a table): the template escapes all of it.
 */
#include "report/reporter.h"

#include <stdlib.h>
#include <string.h>

#include "report/fingerprint.h"
#include "report/template.h"


static const char *
severity_label(pgr_severity s)
{
    return s == PGR_SEVERITY_ERROR ? "error" : s == PGR_SEVERITY_WARNING ? "warning" : "info";
}


/* One header row: label and value (skipped when the value is unknown). */
static void
header_row(json_t *rows, const char *label, const char *value)
{
    if (value)
        json_array_append_new(rows, json_pack("{s:s, s:o}", "label", label, "value",
                                              report_json_string(value)));
}

static json_t *
header_rows(const report_context *c)
{
    json_t *rows = json_array(), *cj = report_context_json(c);
    char *ssl = c->ssl ? util_xasprintf("yes (%s)", c->ssl_protocol ? c->ssl_protocol : "TLS")
                       : util_xstrdup("no");
    char *role = c->role ? util_xasprintf("%s (%s)", c->role, c->role_attributes && *c->role_attributes
                                                          ? c->role_attributes : "no attributes")
                         : NULL;
    char *tool = util_xasprintf("%s (plugin ABI %lld; libpg_query for PostgreSQL %s)",
                                json_string_value(json_object_get(cj, "pgrampart_version")),
                                (long long) json_integer_value(json_object_get(cj, "plugin_abi")),
                                json_string_value(json_object_get(cj, "libpg_query_version")));
    char *when = util_xasprintf("%s, %lld ms", json_string_value(json_object_get(cj, "start_time")),
                                (long long) json_integer_value(json_object_get(cj, "duration_ms")));

    header_row(rows, "Database", c->database);
    header_row(rows, "Host", c->host);
    header_row(rows, "Port", c->port);
    header_row(rows, "Server version", c->server_version);
    if (strcmp(c->command, "audit") == 0)
        header_row(rows, "SSL in use", ssl);
    header_row(rows, "Audited as", role);
    header_row(rows, "Connection", c->conninfo);
    header_row(rows, "Repository", c->repository);
    header_row(rows, "Commit", c->commit);
    header_row(rows, "Branch", c->branch);
    header_row(rows, "Paths checked", c->paths);
    header_row(rows, "Inputs read", c->inputs && !*c->inputs ? "none" : c->inputs);
    header_row(rows, "pgrampart", tool);
    header_row(rows, "Started (UTC), duration", when);
    free(ssl);
    free(role);
    free(tool);
    free(when);
    json_decref(cj);
    return rows;
}

/* A finding as the templates show it; anchor is its fingerprint, with a
 * suffix when two findings share one. */
static json_t *
finding_json(const report_ctx *ctx, const diag_finding *f, json_t *seen)
{
    char fp[17], *where, *url = host_rule_doc_url(ctx->h, f->rule_id), *anchor;
    json_t *o = json_object();
    json_int_t n;

    report_fingerprint(ctx->ds, f, ctx->text_fn, ctx->text_arg, NULL, fp);
    n = json_integer_value(json_object_get(seen, fp)) + 1;
    json_object_set_new(seen, fp, json_integer(n));
    anchor = n > 1 ? util_xasprintf("f-%s-%lld", fp, (long long) n) : util_xasprintf("f-%s", fp);
    where = f->path ? util_xasprintf("%s:%u:%u", f->path, f->line, f->column)
                    : util_xstrdup(f->object ? f->object : "?");
    json_object_set_new(o, "anchor", json_string(anchor));
    json_object_set_new(o, "rule", report_json_string(f->rule_id));
    json_object_set_new(o, "doc_url", report_json_string(url));
    json_object_set_new(o, "severity", json_string(severity_label(f->severity)));
    json_object_set_new(o, "where", report_json_string(where));
    json_object_set_new(o, "message", report_json_string(f->message));
    if (f->hint)
        json_object_set_new(o, "hint", report_json_string(f->hint));
    free(anchor);
    free(where);
    free(url);
    return o;
}

/* The group of family/severity in groups (created in first-seen order). */
static json_t *
group_of(json_t *groups, const char *rule_id, pgr_severity sev)
{
    const char *slash = strchr(rule_id, '/');
    char *family = util_xstrndup(rule_id, slash ? (size_t) (slash - rule_id) : strlen(rule_id));
    json_t *g;
    size_t i;

    json_array_foreach(groups, i, g) {
        if (strcmp(json_string_value(json_object_get(g, "family")), family) == 0 &&
            strcmp(json_string_value(json_object_get(g, "severity")), severity_label(sev)) == 0) {
            free(family);
            return json_object_get(g, "findings");
        }
    }
    g = json_pack("{s:o, s:s, s:[]}", "family", report_json_string(family), "severity",
                  severity_label(sev), "findings");
    json_array_append_new(groups, g);
    free(family);
    return json_object_get(g, "findings");
}

static int
group_cmp(const void *a, const void *b)
{
    json_t *ga = *(json_t *const *) a, *gb = *(json_t *const *) b;
    int c = strcmp(json_string_value(json_object_get(ga, "family")),
                   json_string_value(json_object_get(gb, "family")));
    const char *sa = json_string_value(json_object_get(ga, "severity"));
    const char *sb = json_string_value(json_object_get(gb, "severity"));
    static const char order[] = "ewi";   /* error, warning, info */

    return c ? c : (int) (strchr(order, sa[0]) - strchr(order, sb[0]));
}

/* The findings: skipped checks and drift apart, the rest grouped by family
 * then severity. */
static void
findings_sections(const report_ctx *ctx, json_t *doc)
{
    json_t *groups = json_array(), *skipped = json_array(), *drift = json_array(), *seen = json_object();
    json_t **sorted, *g;
    size_t i;

    for (i = 0; i < ctx->ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ctx->ds->findings, i);

        if (strcmp(f->rule_id, "core/check-skipped") == 0)
            json_array_append_new(skipped, json_pack("{s:o, s:o}", "check",
                                  report_json_string(f->object ? f->object + (strncmp(f->object, "check:", 6)
                                                                              ? 0 : 6) : "?"),
                                  "reason", report_json_string(f->message)));
        else if (strncmp(f->rule_id, "drift/", 6) == 0)
            json_array_append_new(drift, finding_json(ctx, f, seen));
        else
            json_array_append_new(group_of(groups, f->rule_id, f->severity), finding_json(ctx, f, seen));
    }
    sorted = util_xcalloc(json_array_size(groups) + 1, sizeof *sorted);
    json_array_foreach(groups, i, g)
        sorted[i] = json_incref(g);
    qsort(sorted, json_array_size(groups), sizeof *sorted, group_cmp);
    json_array_clear(groups);
    for (i = 0; sorted[i]; i++)
        json_array_append_new(groups, sorted[i]);
    free(sorted);
    json_object_set_new(doc, "groups", groups);
    json_object_set_new(doc, "has_skipped", json_boolean(json_array_size(skipped) > 0));
    json_object_set_new(doc, "skipped", skipped);
    json_object_set_new(doc, "drift", drift);
    json_decref(seen);
}

json_t *
report_document(const report_ctx *ctx)
{
    const report_context *c = ctx->context;
    json_t *doc = json_object();
    size_t errors = 0, warnings = 0, infos = 0;
    int fail_on = diag_severity_parse(c->fail_on);
    bool fail = diag_count_at_least(ctx->ds, (pgr_severity) (fail_on > 0 ? fail_on : PGR_SEVERITY_ERROR)) > 0;
    char *subject = strcmp(c->command, "audit") == 0
        ? util_xasprintf("database %s", c->database ? c->database : "?")
        : util_xasprintf("%s", c->repository ? c->repository : c->paths ? c->paths : ".");

    diag_tally(ctx->ds, &errors, &warnings, &infos);
    json_object_set_new(doc, "command", json_string(c->command));
    json_object_set_new(doc, "is_audit", json_boolean(strcmp(c->command, "audit") == 0));
    json_object_set_new(doc, "subject", report_json_string(subject));
    json_object_set_new(doc, "header", header_rows(c));
    json_object_set_new(doc, "verdict", json_string(fail ? "FAIL" : "PASS"));
    json_object_set_new(doc, "is_fail", json_boolean(fail));
    json_object_set_new(doc, "fail_on", json_string(c->fail_on));
    json_object_set_new(doc, "errors", json_integer((json_int_t) errors));
    json_object_set_new(doc, "warnings", json_integer((json_int_t) warnings));
    json_object_set_new(doc, "infos", json_integer((json_int_t) infos));
    json_object_set_new(doc, "checklist", report_checklist(ctx));
    /* verify's controls are what it proved on a server: its section says so. */
    json_object_set_new(doc, "checklist_title",
                        json_string(strcmp(c->command, "verify") == 0 ? "Verified" : "Checklist"));
    findings_sections(ctx, doc);
    json_object_set_new(doc, "migrations", json_boolean(c->migrations));
    json_object_set_new(doc, "command_line", report_json_string(c->command_line));
    json_object_set_new(doc, "version", json_string(PGR_VERSION_STRING));
    free(subject);
    return doc;
}

/* HTML text and attribute values: markup characters as entities, control
 * characters (a table named with an escape sequence) as visible U+2400
 * pictures (CR, ESC...) so that nothing is hidden. */
static void
escape_html(util_buf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char) *s;

        if (ch == '&')
            util_buf_puts(out, "&amp;");
        else if (ch == '<')
            util_buf_puts(out, "&lt;");
        else if (ch == '>')
            util_buf_puts(out, "&gt;");
        else if (ch == '"')
            util_buf_puts(out, "&quot;");
        else if (ch == '\'')
            util_buf_puts(out, "&#39;");
        else if (ch < 0x20 || ch == 0x7f)
            util_buf_printf(out, "&#x%X;", ch == 0x7f ? 0x2421u : 0x2400u + ch);
        else
            util_buf_append(out, s, 1);
    }
}

/* A Markdown table cell or inline text: "|" and the characters Markdown or
 * an HTML-rendering viewer would read as markup are backslash-escaped or
 * written as entities; newlines and other control characters become
 * visible pictures, so that a value never leaves its cell. */
static void
escape_markdown(util_buf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char) *s;

        if (ch == '<')
            util_buf_puts(out, "&lt;");
        else if (ch == '>')
            util_buf_puts(out, "&gt;");
        else if (ch == '&')
            util_buf_puts(out, "&amp;");
        else if (ch < 0x20 || ch == 0x7f)
            util_buf_printf(out, "&#x%X;", ch == 0x7f ? 0x2421u : 0x2400u + ch);
        else if (strchr("|\\`*_[]", ch))
            util_buf_printf(out, "\\%c", ch);
        else
            util_buf_append(out, s, 1);
    }
}

/* Render the named template of the shipped rule packs' directory with
 * data. */
static int
render_file(const host *h, const char *name, template_escape_fn esc, const json_t *data, FILE *out)
{
    char *path = util_path_join(h->rules_dir ? h->rules_dir : PGR_SOURCE_RULES_DIR, name);
    char *tpl = NULL, *err = NULL;
    const char *why = NULL;
    size_t len;
    util_buf b;
    int rc = -1;

    if (util_read_file(path, 1 << 20, &tpl, &len, &why) != 0) {
        char *msg = util_xasprintf("cannot read the report template %s: %s", path, why);

        diag_print_error(stderr, msg);
        free(msg);
        free(path);
        return -1;
    }
    util_buf_init(&b);
    if (template_render(tpl, data, esc, &b, &err) == 0)
        rc = fwrite(b.data, 1, b.len, out) == b.len && !ferror(out) ? 0 : -1;
    else
        diag_print_error(stderr, err);
    util_buf_free(&b);
    free(err);
    free(tpl);
    free(path);
    return rc;
}

int
report_render_signoff(const host *h, const char *format, const json_t *data, FILE *out)
{
    if (strcmp(format, "html") == 0)
        return render_file(h, "report.html.tmpl", escape_html, data, out);
    return render_file(h, "report.md.tmpl", escape_markdown, data, out);
}

/* One database's (or checkout's) report: the template's data is the
 * fleet's shape with that one document as its only part. */
static int
render_single(const report_ctx *ctx, const char *format, FILE *out)
{
    json_t *doc, *root, *parts;
    int rc;

    if (ctx->context == NULL) {
        diag_print_error(stderr, "cannot write the sign-off report: no run context");
        return -1;
    }
    doc = report_document(ctx);
    root = json_object();
    parts = json_array();
    json_object_set(root, "subject", json_object_get(doc, "subject"));
    json_object_set(root, "command_line", json_object_get(doc, "command_line"));
    json_object_set(root, "version", json_object_get(doc, "version"));
    json_object_set_new(root, "is_fleet", json_false());
    json_object_set_new(root, "id_prefix", json_string(""));
    json_array_append_new(parts, doc);
    json_object_set_new(root, "databases", parts);
    rc = report_render_signoff(ctx->h, format, root, out);
    json_decref(root);
    return rc;
}

int
report_markdown_write(const report_ctx *ctx, FILE *out)
{
    return render_single(ctx, "markdown", out);
}

int
report_html_write(const report_ctx *ctx, FILE *out)
{
    return render_single(ctx, "html", out);
}
