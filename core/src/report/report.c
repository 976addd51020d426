/*
 * report.c — see report.h.
 */
#include "report/report.h"

#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/mask.h"

#define PGR_INFORMATION_URI "https://github.com/pgrampart/pgrampart"

/* The source line of f, masked, NUL-terminated in a new string (NULL when
 * none). */
static char *
source_line(const diag_store *ds, const diag_finding *f, diag_text_fn text_fn, void *text_arg)
{
    size_t len, start, end;
    const char *text = (text_fn && f->path) ? text_fn(text_arg, f->path, &len) : NULL;

    if (!diag_find_line(NULL, text, text ? len : 0, f->line, &start, &end))
        return NULL;
    return diag_mask_line(ds, f->path, f->line, text, len, start, end);
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char) *s;
        h *= 1099511628211ULL;
    }
    return h;
}

char *
report_fingerprint(const diag_store *ds, const diag_finding *f, diag_text_fn text_fn,
                   void *text_arg, char *buf)
{
    uint64_t h = 14695981039346656037ULL;
    char *line = source_line(ds, f, text_fn, text_arg), *w, *r;

    h = fnv1a(h, f->rule_id);
    h = fnv1a(h, "\x1f");
    h = fnv1a(h, f->path ? f->path : f->object);
    h = fnv1a(h, "\x1f");
    if (line) {
        /* Fold white space so that re-indentation keeps the fingerprint. */
        for (r = w = line; *r; r++)
            if (!isspace((unsigned char) *r))
                *w++ = *r;
        *w = '\0';
        h = fnv1a(h, line);
        free(line);
    } else {
        h = fnv1a(h, f->message);
    }
    snprintf(buf, 17, "%016llx", (unsigned long long) h);
    return buf;
}

static json_t *
jstr(const char *s)
{
    char *clean = util_utf8_sanitize(s ? s : "");
    json_t *j = json_string(clean);

    free(clean);
    return j;
}

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

        json_object_set_new(o, "id", jstr(r->rule->id));
        t = json_object();
        json_object_set_new(t, "text", jstr(r->rule->summary));
        json_object_set_new(o, "shortDescription", t);
        t = json_object();
        json_object_set_new(t, "text", jstr(r->rule->summary));
        json_object_set_new(o, "fullDescription", t);
        t = json_object();
        json_object_set_new(t, "text", jstr(help));
        json_object_set_new(o, "help", t);
        t = json_object();
        json_object_set_new(t, "level", json_string(r->severity == PGR_SEVERITY_OFF ? "none"
                                                    : sarif_level(r->severity)));
        json_object_set_new(o, "defaultConfiguration", t);
        json_array_append_new(rules, o);
        free(help);
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
        json_object_set_new(logical, "fullyQualifiedName", jstr(f->object));
        json_object_set_new(logical, "kind", json_string("object"));
        json_object_set_new(loc, "logicalLocations", json_pack("[o]", logical));
        return loc;
    }
    uri = uri_of(f->path);
    art = json_object();
    json_object_set_new(art, "uri", jstr(uri));
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

int
report_sarif(const diag_store *ds, const host *h, FILE *out, diag_text_fn text_fn, void *text_arg)
{
    json_t *root = json_object(), *run = json_object(), *tool = json_object(), *driver = json_object();
    json_t *results = json_array(), *bases = json_object(), *src = json_object();
    char cwd[PATH_MAX], fp[17];
    size_t i;
    int rc;

    json_object_set_new(root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_set_new(root, "version", json_string("2.1.0"));
    json_object_set_new(driver, "name", json_string("pgrampart"));
    json_object_set_new(driver, "version", json_string(PGR_VERSION_STRING));
    json_object_set_new(driver, "informationUri", json_string(PGR_INFORMATION_URI));
    json_object_set_new(driver, "rules", sarif_rules(h));
    json_object_set_new(tool, "driver", driver);
    json_object_set_new(run, "tool", tool);
    if (getcwd(cwd, sizeof cwd - 1)) {
        char *uri = uri_of(cwd), *full = util_xasprintf("file://%s/", uri);

        json_object_set_new(src, "uri", jstr(full));
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

        json_object_set_new(r, "ruleId", jstr(f->rule_id));
        if (idx >= 0)
            json_object_set_new(r, "ruleIndex", json_integer(idx));
        json_object_set_new(r, "level", json_string(sarif_level(f->severity)));
        json_object_set_new(msg, "text", jstr(f->message));
        json_object_set_new(r, "message", msg);
        json_object_set_new(r, "locations", json_pack("[o]", sarif_location(f)));
        json_object_set_new(fps, "pgrampart/v1", json_string(report_fingerprint(ds, f, text_fn,
                                                                                text_arg, fp)));
        json_object_set_new(r, "partialFingerprints", fps);
        json_array_append_new(results, r);
    }
    json_object_set_new(run, "results", results);
    json_object_set_new(root, "runs", json_pack("[o]", run));
    rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 ? 0 : -1;
}

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

void
report_github(const diag_store *ds, FILE *out)
{
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
}

int
report_gitlab(const diag_store *ds, FILE *out, diag_text_fn text_fn, void *text_arg)
{
    json_t *arr = json_array();
    char fp[17];
    size_t i;
    int rc;

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        json_t *o = json_object(), *loc = json_object(), *lines = json_object();
        char *desc = util_xasprintf("%s [%s]", f->message, f->rule_id);

        json_object_set_new(o, "description", jstr(desc));
        json_object_set_new(o, "check_name", jstr(f->rule_id));
        json_object_set_new(o, "fingerprint", json_string(report_fingerprint(ds, f, text_fn,
                                                                              text_arg, fp)));
        json_object_set_new(o, "severity", json_string(f->severity == PGR_SEVERITY_ERROR ? "critical"
                                                       : f->severity == PGR_SEVERITY_WARNING ? "major"
                                                       : "info"));
        json_object_set_new(loc, "path", jstr(f->path ? f->path : f->object));
        json_object_set_new(lines, "begin", json_integer(f->line ? f->line : 1));
        json_object_set_new(loc, "lines", lines);
        json_object_set_new(o, "location", loc);
        json_array_append_new(arr, o);
        free(desc);
    }
    rc = json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(arr);
    return rc == 0 ? 0 : -1;
}
