/*
 * baseline.c — see baseline.h.
 */
#include "scan/baseline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/fingerprint.h"

int
baseline_write(const char *path, const diag_store *ds, diag_text_fn text_fn, void *text_arg,
               char **err)
{
    json_t *root = json_object(), *arr = json_array();
    char fp[17];
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };
    size_t i;
    int rc;

    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        json_t *o = json_object();
        char *where = util_utf8_sanitize(f->path ? f->path : f->object);

        json_object_set_new(o, "rule", json_string(f->rule_id));
        json_object_set_new(o, "where", json_string(where));
        json_object_set_new(o, "fingerprint",
                            json_string(report_fingerprint(ds, f, text_fn, text_arg, &cur, fp)));
        json_array_append_new(arr, o);
        free(where);
    }
    json_object_set_new(root, "pgrampart_baseline", json_integer(1));
    json_object_set_new(root, "findings", arr);
    rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0) {
        *err = util_xasprintf("%s: cannot write the baseline", path);
        return -1;
    }
    return 0;
}

long
baseline_filter(const char *path, diag_store *ds, diag_text_fn text_fn, void *text_arg, char **err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *arr, *e;
    char (*fps)[17];
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };
    size_t i, j, keep = 0;
    long hidden = 0;
    bool *taken;

    if (root == NULL) {
        *err = util_xasprintf("%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    arr = json_object_get(root, "findings");
    if (json_integer_value(json_object_get(root, "pgrampart_baseline")) != 1 || !json_is_array(arr)) {
        *err = util_xasprintf("%s: not a pgrampart baseline (version 1)", path);
        json_decref(root);
        return -1;
    }
    taken = util_xcalloc(json_array_size(arr) + 1, sizeof(bool));
    /* All fingerprints first: computing one reads the other findings (to
     * mask secrets), so none may be freed before. */
    fps = util_xcalloc(ds->findings.len + 1, sizeof(fps[0]));
    for (i = 0; i < ds->findings.len; i++)
        report_fingerprint(ds, util_vec_at(&ds->findings, i), text_fn, text_arg, &cur, fps[i]);
    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);
        bool hide = false;

        json_array_foreach(arr, j, e) {
            const char *rule = json_string_value(json_object_get(e, "rule"));
            const char *efp = json_string_value(json_object_get(e, "fingerprint"));

            if (!taken[j] && rule && efp && strcmp(rule, f->rule_id) == 0 && strcmp(efp, fps[i]) == 0) {
                taken[j] = true;
                hide = true;
                break;
            }
        }
        if (hide) {
            diag_finding_free(f);
            hidden++;
        } else {
            *(diag_finding *) util_vec_at(&ds->findings, keep++) = *f;
        }
    }
    ds->findings.len = keep;
    free(fps);
    free(taken);
    json_decref(root);
    return hidden;
}
