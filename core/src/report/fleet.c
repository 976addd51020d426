/*
 * fleet.c — the report of a fleet audit (issue 16): many databases signed
 * off in one document.  A summary table (database, verdict, errors,
 * warnings, skipped controls) comes first, then each database's own
 * report, in the order the databases were given, so that two runs over
 * the same fleet give the same document whatever order the audits
 * finished in.  Text and JSON.
 */
#include "report/reporter.h"

#include <stdlib.h>
#include <string.h>

/* The per-database numbers of the summary table. */
typedef struct fleet_row {
    const char *verdict;
    size_t errors, warnings, infos, skipped;
    json_t *checklist; /* NULL for a database that was not audited */
} fleet_row;

const char *
report_fleet_verdict(const report_fleet_member *m, pgr_severity fail_on)
{
    if (m->error)
        return "error";
    return diag_count_at_least(m->ds, fail_on) > 0 ? "fail" : "pass";
}

static report_ctx
member_ctx(const host *h, const report_fleet_member *m)
{
    report_ctx ctx = { m->ds, h, NULL, NULL, false, m->context, false };

    return ctx;
}

/* Tally one member; the checklist is computed once and kept for JSON. */
static void
fleet_row_fill(const host *h, const report_fleet_member *m, pgr_severity fail_on, fleet_row *r)
{
    memset(r, 0, sizeof *r);
    r->verdict = report_fleet_verdict(m, fail_on);
    if (m->error)
        return;
    diag_tally(m->ds, &r->errors, &r->warnings, &r->infos);
    {
        report_ctx ctx = member_ctx(h, m);
        size_t i;
        json_t *c;

        r->checklist = report_checklist(&ctx);
        json_array_foreach(r->checklist, i, c)
            if (strcmp(json_string_value(json_object_get(c, "status")), "skipped") == 0)
                r->skipped++;
    }
}

/* The name a row is known by: the database audited, else its conninfo. */
static const char *
member_label(const report_fleet_member *m)
{
    if (m->error == NULL && m->context->database)
        return m->context->database;
    return m->conninfo;
}

static int
fleet_write_text(const host *h, const report_fleet_member *members, const fleet_row *rows,
                 size_t n, FILE *out)
{
    size_t i;

    fprintf(out, "Fleet audit: %zu database%s\n\n", n, n == 1 ? "" : "s");
    fprintf(out, "%-4s %-8s %6s %8s %7s  %s\n", "#", "verdict", "errors", "warnings", "skipped",
            "database");
    for (i = 0; i < n; i++) {
        fprintf(out, "%-4zu %-8s %6zu %8zu %7zu  ", i + 1, rows[i].verdict, rows[i].errors,
                rows[i].warnings, rows[i].skipped);
        /* The conninfo (masked) tells same-named databases on different
         * servers apart, and names the one that could not be reached. */
        diag_put_safe(out, members[i].error ? "-" : member_label(&members[i]));
        fputs(" (", out);
        diag_put_safe(out, members[i].conninfo);
        fputs(")\n", out);
        if (members[i].error) {
            fputs("     error: ", out);
            diag_put_safe(out, members[i].error);
            fputc('\n', out);
        }
    }
    for (i = 0; i < n; i++) {
        report_ctx ctx = member_ctx(h, &members[i]);

        fprintf(out, "\n== %zu. ", i + 1);
        diag_put_safe(out, member_label(&members[i]));
        fputs(" ==\n", out);
        if (members[i].error) {
            fputs("not audited: ", out);
            diag_put_safe(out, members[i].error);
            fputc('\n', out);
        } else if (report_find("text")->write(&ctx, out) != 0) {
            return -1;
        }
    }
    return ferror(out) ? -1 : 0;
}

static json_t *
fleet_member_json(const host *h, const report_fleet_member *m, fleet_row *r)
{
    json_t *o = json_object();

    json_object_set_new(o, "conninfo", report_json_string(m->conninfo));
    json_object_set_new(o, "database", m->error || !m->context->database
                                           ? json_null() : report_json_string(m->context->database));
    json_object_set_new(o, "verdict", json_string(r->verdict));
    json_object_set_new(o, "error", m->error ? report_json_string(m->error) : json_null());
    json_object_set_new(o, "errors", json_integer((json_int_t) r->errors));
    json_object_set_new(o, "warnings", json_integer((json_int_t) r->warnings));
    json_object_set_new(o, "skipped", json_integer((json_int_t) r->skipped));
    if (m->error == NULL) {
        report_ctx ctx = member_ctx(h, m);
        json_t *doc = report_json_document(&ctx);
        const char *key;
        json_t *v;

        json_object_foreach(doc, key, v)
            if (strcmp(key, "version") != 0)
                json_object_set(o, key, v);
        json_decref(doc);
        json_object_set(o, "checklist", r->checklist);
    }
    return o;
}

static int
fleet_write_json(const host *h, const report_fleet_member *members, fleet_row *rows, size_t n,
                 FILE *out)
{
    json_t *root = json_object(), *arr = json_array(), *sum = json_object();
    size_t i, audited = 0, failing = 0;
    int rc;

    for (i = 0; i < n; i++) {
        json_array_append_new(arr, fleet_member_json(h, &members[i], &rows[i]));
        audited += members[i].error == NULL;
        failing += strcmp(rows[i].verdict, "fail") == 0;
    }
    json_object_set_new(sum, "databases", json_integer((json_int_t) n));
    json_object_set_new(sum, "audited", json_integer((json_int_t) audited));
    json_object_set_new(sum, "failed", json_integer((json_int_t) failing));
    json_object_set_new(sum, "unreachable", json_integer((json_int_t) (n - audited)));
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "command", json_string("audit"));
    json_object_set_new(root, "summary", sum);
    json_object_set_new(root, "databases", arr);
    rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 && !ferror(out) ? 0 : -1;
}

/* The sign-off templates' data for a fleet (report_render_signoff). */
static json_t *
fleet_signoff_data(const host *h, const report_fleet_member *members, const fleet_row *rows, size_t n)
{
    json_t *root = json_object(), *table = json_array(), *parts = json_array();
    char *subject = util_xasprintf("%zu databases", n);
    size_t i;

    for (i = 0; i < n; i++) {
        const report_fleet_member *m = &members[i];
        json_t *row = json_object(), *part;
        char *prefix = util_xasprintf("db%zu-", i + 1);

        json_object_set_new(row, "n", json_integer((json_int_t) (i + 1)));
        json_object_set_new(row, "database", report_json_string(m->error ? "-" : member_label(m)));
        json_object_set_new(row, "verdict", json_string(rows[i].verdict));
        json_object_set_new(row, "errors", json_integer((json_int_t) rows[i].errors));
        json_object_set_new(row, "warnings", json_integer((json_int_t) rows[i].warnings));
        json_object_set_new(row, "skipped", json_integer((json_int_t) rows[i].skipped));
        json_object_set_new(row, "conninfo", report_json_string(m->conninfo));
        json_array_append_new(table, row);
        if (m->error) {
            part = json_object();
            json_object_set_new(part, "error", report_json_string(m->error));
        } else {
            report_ctx ctx = member_ctx(h, m);

            part = report_document(&ctx);
        }
        json_object_set_new(part, "n", json_integer((json_int_t) (i + 1)));
        json_object_set_new(part, "name", report_json_string(member_label(m)));
        json_object_set_new(part, "id_prefix", json_string(prefix));
        json_array_append_new(parts, part);
        free(prefix);
    }
    json_object_set_new(root, "subject", json_string(subject));
    json_object_set_new(root, "is_fleet", json_true());
    json_object_set_new(root, "rows", table);
    json_object_set_new(root, "databases", parts);
    /* Every part's command line is the same run's. */
    json_object_set_new(root, "command_line",
                        report_json_string(n ? members[0].context->command_line : ""));
    json_object_set_new(root, "version", json_string(PGR_VERSION_STRING));
    free(subject);
    return root;
}

/* SARIF: one run per database, in the order given. */
static int
fleet_write_sarif(const host *h, const report_fleet_member *members, size_t n, FILE *out)
{
    json_t *runs = json_array(), *root;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        report_ctx ctx = member_ctx(h, &members[i]);
        json_t *run = report_sarif_run(&ctx), *inv, *note;

        json_object_set_new(json_object_get(run, "properties"), "conninfo",
                            report_json_string(members[i].conninfo));
        if (members[i].error) {
            inv = json_array_get(json_object_get(run, "invocations"), 0);
            note = json_pack("{s:s,s:{s:o}}", "level", "error", "message", "text",
                             report_json_string(members[i].error));
            json_object_set_new(inv, "executionSuccessful", json_false());
            json_object_set_new(inv, "toolExecutionNotifications", json_pack("[o]", note));
        }
        json_array_append_new(runs, run);
    }
    root = report_sarif_log(runs);
    rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 && !ferror(out) ? 0 : -1;
}

int
report_fleet_write(const host *h, const char *format, const report_fleet_member *members, size_t n,
                   pgr_severity fail_on, FILE *out)
{
    fleet_row *rows = util_xcalloc(n ? n : 1, sizeof *rows);
    size_t i;
    int rc;

    for (i = 0; i < n; i++)
        fleet_row_fill(h, &members[i], fail_on, &rows[i]);
    if (strcmp(format, "json") == 0) {
        rc = fleet_write_json(h, members, rows, n, out);
    } else if (strcmp(format, "sarif") == 0) {
        rc = fleet_write_sarif(h, members, n, out);
    } else if (strcmp(format, "markdown") == 0 || strcmp(format, "html") == 0) {
        json_t *data = fleet_signoff_data(h, members, rows, n);

        rc = report_render_signoff(h, format, data, out);
        json_decref(data);
    } else
        rc = fleet_write_text(h, members, rows, n, out);
    for (i = 0; i < n; i++)
        json_decref(rows[i].checklist);
    free(rows);
    return rc;
}
