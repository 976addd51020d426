/*
 * gitlab.c — the GitLab Code Quality reporter: a JSON array of issues.
 */
#include "report/reporter.h"

#include <stdlib.h>

#include "report/fingerprint.h"

int
report_gitlab_write(const report_ctx *ctx, FILE *out)
{
    const diag_store *ds = ctx->ds;
    diag_text_fn text_fn = ctx->text_fn;
    void *text_arg = ctx->text_arg;
    json_t *arr = json_array();
    char fp[17];
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };
    size_t i;
    int rc;

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        json_t *o = json_object(), *loc = json_object(), *lines = json_object();
        char *desc = util_xasprintf("%s [%s]", f->message, f->rule_id);

        json_object_set_new(o, "description", report_json_string(desc));
        json_object_set_new(o, "check_name", report_json_string(f->rule_id));
        json_object_set_new(o, "fingerprint", json_string(report_fingerprint(ds, f, text_fn,
                                                                              text_arg, &cur, fp)));
        json_object_set_new(o, "severity", json_string(f->severity == PGR_SEVERITY_ERROR ? "critical"
                                                       : f->severity == PGR_SEVERITY_WARNING ? "major"
                                                       : "info"));
        json_object_set_new(loc, "path", report_json_string(f->path ? f->path : f->object));
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
