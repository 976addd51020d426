/*
 * sarif.c — the SARIF 2.1.0 reporter (code scanning): every loaded rule in
 * tool.driver.rules, results with physical locations (relative URIs against
 * %SRCROOT%, the working directory) or logical ones for live objects.
 */
#include "report/reporter.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/fingerprint.h"

#define PGR_INFORMATION_URI "https://github.com/pgrampart/pgrampart"

static const char *
sarif_level(pgr_severity s)
{
    return s == PGR_SEVERITY_ERROR ? "error" : s == PGR_SEVERITY_WARNING ? "warning" : "note";
}

/* A relative URI reference for a path: unreserved bytes and '/' kept,
 * the rest percent-encoded. */
static char *
uri_of(const char *path)
{
    util_buf b;
    const unsigned char *p;

    util_buf_init(&b);
    for (p = (const unsigned char *) path; *p; p++) {
        if (isalnum(*p) || strchr("-._~/", *p))
            util_buf_append(&b, (const char *) p, 1);
        else
            util_buf_printf(&b, "%%%02X", *p);
    }
    return b.data;
}

static json_t *
sarif_rules(const host *h)
{
    json_t *rules = json_array();
    size_t i;

    for (i = 0; i < h->rules.len; i++) {
        const host_rule *r = util_vec_at(&h->rules, i);
        json_t *o = json_object(), *t;
        char *help = util_xasprintf("%s Source: %s", r->rule->hint ? r->rule->hint : "",
                                    r->rule->source ? r->rule->source : "pgrampart");
        char *url = host_rule_doc_url(h, r->rule->id);

        json_object_set_new(o, "id", report_json_string(r->rule->id));
        t = json_object();
        json_object_set_new(t, "text", report_json_string(r->rule->summary));
        json_object_set_new(o, "shortDescription", t);
        /* Code scanning shows fullDescription under the title: the why,
         * where the rule has one (a third-party rule may not). */
        t = json_object();
        json_object_set_new(t, "text", report_json_string(r->rule->why ? r->rule->why
                                                          : r->rule->summary));
        json_object_set_new(o, "fullDescription", t);
        t = json_object();
        json_object_set_new(t, "text", report_json_string(help));
        json_object_set_new(o, "help", t);
        json_object_set_new(o, "helpUri", report_json_string(url));
        t = json_object();
        json_object_set_new(t, "level", json_string(r->severity == PGR_SEVERITY_OFF ? "none"
                                                    : sarif_level(r->severity)));
        json_object_set_new(o, "defaultConfiguration", t);
        json_array_append_new(rules, o);
        free(help);
        free(url);
    }
    return rules;
}

static long
rule_index(const host *h, const char *id)
{
    size_t i;

    for (i = 0; i < h->rules.len; i++)
        if (strcmp(((const host_rule *) util_vec_at(&h->rules, i))->rule->id, id) == 0)
            return (long) i;
    return -1;
}

static json_t *
sarif_location(const diag_finding *f)
{
    json_t *loc = json_object(), *phys, *art, *region, *logical;
    char *uri;

    if (f->path == NULL) {
        logical = json_object();
        json_object_set_new(logical, "fullyQualifiedName", report_json_string(f->object));
        json_object_set_new(logical, "kind", json_string("object"));
        json_object_set_new(loc, "logicalLocations", json_pack("[o]", logical));
        return loc;
    }
    uri = uri_of(f->path);
    art = json_object();
    json_object_set_new(art, "uri", report_json_string(uri));
    json_object_set_new(art, "uriBaseId", json_string("%SRCROOT%"));
    region = json_object();
    json_object_set_new(region, "startLine", json_integer(f->line ? f->line : 1));
    json_object_set_new(region, "startColumn", json_integer(f->column ? f->column : 1));
    json_object_set_new(region, "endLine", json_integer(f->end_line ? f->end_line : f->line ? f->line : 1));
    /* SARIF's endColumn is exclusive; ours is the last byte's column. */
    json_object_set_new(region, "endColumn", json_integer((f->end_column ? f->end_column : 1) + 1));
    phys = json_object();
    json_object_set_new(phys, "artifactLocation", art);
    json_object_set_new(phys, "region", region);
    json_object_set_new(loc, "physicalLocation", phys);
    free(uri);
    return loc;
}

/* The run's invocation (command line with the password masked, times; a
 * run that gets this far executed successfully, findings or not) and the
 * context's other facts as run.properties. */
static void
sarif_invocation(const report_context *c, json_t *run)
{
    json_t *inv = json_object(), *props = report_context_json(c);
    char start[32], end[32];

    report_iso_time(&c->start, start, sizeof start);
    report_iso_time(&c->end, end, sizeof end);
    json_object_set_new(inv, "commandLine", report_json_string(c->command_line));
    json_object_set_new(inv, "startTimeUtc", json_string(start));
    json_object_set_new(inv, "endTimeUtc", json_string(end));
    json_object_set_new(inv, "executionSuccessful", json_true());
    json_object_set_new(run, "invocations", json_pack("[o]", inv));
    json_object_set_new(run, "properties", props);
}

json_t *
report_sarif_run(const report_ctx *ctx)
{
    const diag_store *ds = ctx->ds;
    const host *h = ctx->h;
    diag_text_fn text_fn = ctx->text_fn;
    void *text_arg = ctx->text_arg;
    json_t *run = json_object(), *tool = json_object(), *driver = json_object();
    json_t *results = json_array(), *bases = json_object(), *src = json_object();
    char cwd[PATH_MAX], fp[17];
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };
    size_t i;

    json_object_set_new(driver, "name", json_string("pgrampart"));
    json_object_set_new(driver, "version", json_string(PGR_VERSION_STRING));
    json_object_set_new(driver, "informationUri", json_string(PGR_INFORMATION_URI));
    json_object_set_new(driver, "rules", sarif_rules(h));
    json_object_set_new(tool, "driver", driver);
    json_object_set_new(run, "tool", tool);
    if (getcwd(cwd, sizeof cwd - 1)) {
        char *uri = uri_of(cwd), *full = util_xasprintf("file://%s/", uri);

        json_object_set_new(src, "uri", report_json_string(full));
        json_object_set_new(bases, "%SRCROOT%", src);
        json_object_set_new(run, "originalUriBaseIds", bases);
        free(uri);
        free(full);
    } else {
        json_decref(src);
        json_decref(bases);
    }
    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        json_t *r = json_object(), *msg = json_object(), *fps = json_object();
        long idx = rule_index(h, f->rule_id);

        json_object_set_new(r, "ruleId", report_json_string(f->rule_id));
        if (idx >= 0)
            json_object_set_new(r, "ruleIndex", json_integer(idx));
        json_object_set_new(r, "level", json_string(sarif_level(f->severity)));
        json_object_set_new(msg, "text", report_json_string(f->message));
        json_object_set_new(r, "message", msg);
        json_object_set_new(r, "locations", json_pack("[o]", sarif_location(f)));
        json_object_set_new(fps, "pgrampart/v1", json_string(report_fingerprint(ds, f, text_fn,
                                                                                text_arg, &cur, fp)));
        json_object_set_new(r, "partialFingerprints", fps);
        if (f->role)
            json_object_set_new(r, "properties", json_pack("{s:s}", "role", f->role));
        json_array_append_new(results, r);
    }
    json_object_set_new(run, "results", results);
    if (ctx->context)
        sarif_invocation(ctx->context, run);
    return run;
}

json_t *
report_sarif_log(json_t *runs)
{
    json_t *root = json_object();

    json_object_set_new(root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_set_new(root, "version", json_string("2.1.0"));
    json_object_set_new(root, "runs", runs);
    return root;
}

int
report_sarif_write(const report_ctx *ctx, FILE *out)
{
    json_t *root = report_sarif_log(json_pack("[o]", report_sarif_run(ctx)));
    int rc;

    rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 ? 0 : -1;
}
