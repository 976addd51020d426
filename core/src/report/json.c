/*
 * json.c — the JSON reporter (format version 1; see README "JSON output"),
 * and the JSON string helper the other JSON reporters share.
 */
#include "report/reporter.h"

#include <stdlib.h>

#include "report/fingerprint.h"

json_t *
report_json_string(const char *s)
{
    char *clean = util_utf8_sanitize(s ? s : "");
    json_t *j = json_string(clean);

    free(clean);
    return j;
}

/* The JSON report of one store as an object (see reporter.h). */
json_t *
report_json_document(const report_ctx *ctx)
{
    const diag_store *ds = ctx->ds;
    json_t *root = json_object(), *arr = json_array(), *sum = json_object();
    size_t i, errors = 0, warnings = 0, infos = 0;
    char fp[17];
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        json_t *o = json_object();

        json_object_set_new(o, "rule", report_json_string(f->rule_id));
        json_object_set_new(o, "severity", json_string(diag_severity_name(f->severity)));
        json_object_set_new(o, "path", f->path ? report_json_string(f->path) : json_null());
        /* Why a finding in a test or example file is info (path roles). */
        if (f->role)
            json_object_set_new(o, "role", json_string(f->role));
        json_object_set_new(o, "line", json_integer(f->line));
        json_object_set_new(o, "column", json_integer(f->column));
        json_object_set_new(o, "end_line", json_integer(f->end_line));
        json_object_set_new(o, "end_column", json_integer(f->end_column));
        if (f->object)
            json_object_set_new(o, "object", report_json_string(f->object));
        json_object_set_new(o, "message", report_json_string(f->message));
        json_object_set_new(o, "hint", f->hint ? report_json_string(f->hint) : json_null());
        /* The same fingerprint as SARIF's partialFingerprints and GitLab's:
         * stable across line moves, for baselines and dedup. */
        json_object_set_new(o, "fingerprint", json_string(report_fingerprint(ds, f, ctx->text_fn,
                                                                             ctx->text_arg, &cur, fp)));
        json_array_append_new(arr, o);
    }
    diag_tally(ds, &errors, &warnings, &infos);
    json_object_set_new(root, "version", json_integer(1));
    if (ctx->context)
        json_object_set_new(root, "context", report_context_json(ctx->context));
    json_object_set_new(root, "findings", arr);
    json_object_set_new(sum, "files", json_integer((json_int_t) ds->files));
    json_object_set_new(sum, "statements", json_integer((json_int_t) ds->statements));
    json_object_set_new(sum, "findings", json_integer((json_int_t) ds->findings.len));
    json_object_set_new(sum, "errors", json_integer((json_int_t) errors));
    json_object_set_new(sum, "warnings", json_integer((json_int_t) warnings));
    json_object_set_new(sum, "info", json_integer((json_int_t) infos));
    if (ds->inventory)
        json_object_set(root, "inventory", ds->inventory);
    json_object_set_new(root, "summary", sum);
    return root;
}

int
report_json_write(const report_ctx *ctx, FILE *out)
{
    json_t *root = report_json_document(ctx);
    int rc;

    rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 ? 0 : -1;
}
