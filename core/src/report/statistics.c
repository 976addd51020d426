/*
 * statistics.c — --statistics (issue 17, as ruff's): how many findings
 * each rule made, at which severity, and whether they say how to fix them,
 * for a team deciding what to turn on, off or baseline first.
 */
#include "report/reporter.h"

#include <stdlib.h>
#include <string.h>

/* One rule and severity's findings. */
typedef struct stat_row {
    const char *rule_id;     /* borrowed from the store */
    pgr_severity severity;
    size_t count;
    bool hint;
} stat_row;

/* Most findings first, then the most severe, then by rule id. */
static int
row_cmp(const void *a, const void *b)
{
    const stat_row *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    return strcmp(x->rule_id, y->rule_id);
}

/* The row of f's rule and severity in rows, added when new. */
static stat_row *
row_of(util_vec *rows, const diag_finding *f)
{
    size_t i;
    stat_row *r;

    for (i = 0; i < rows->len; i++) {
        r = util_vec_at(rows, i);
        if (r->severity == f->severity && strcmp(r->rule_id, f->rule_id) == 0)
            return r;
    }
    r = util_vec_push(rows);
    r->rule_id = f->rule_id;
    r->severity = f->severity;
    return r;
}

json_t *
report_statistics(const diag_store *ds)
{
    json_t *arr = json_array();
    util_vec rows;
    size_t i;

    util_vec_init(&rows, sizeof(stat_row));
    for (i = 0; i < ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ds->findings, i);
        stat_row *r = row_of(&rows, f);

        r->count++;
        r->hint = r->hint || (f->hint != NULL && f->hint[0] != '\0');
    }
    if (rows.len > 0)
        qsort(rows.items, rows.len, sizeof(stat_row), row_cmp);
    for (i = 0; i < rows.len; i++) {
        const stat_row *r = util_vec_at(&rows, i);
        json_t *o = json_object();

        json_object_set_new(o, "rule", report_json_string(r->rule_id));
        json_object_set_new(o, "severity", json_string(diag_severity_name(r->severity)));
        json_object_set_new(o, "count", json_integer((json_int_t) r->count));
        json_object_set_new(o, "hint", json_boolean(r->hint));
        json_array_append_new(arr, o);
    }
    util_vec_free(&rows);
    return arr;
}
