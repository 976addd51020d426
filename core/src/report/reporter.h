/*
 * reporter.h — the output formats, one file each (text.c, json.c, sarif.c,
 * github.c, gitlab.c), listed in one table (reporters.c).
 *
 * A new output format is one file here with a report_<name>_write
 * function, its declaration and one line in reporters.c's table, and one
 * test: --format,
 * --help, the error for an unknown format and the shell completion
 * (`--format list`) all read the table.
 */
#ifndef PGR_REPORTER_H
#define PGR_REPORTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "host/host.h"
#include "report/context.h"
#include "report/diag.h"

/*
 * What every reporter is handed.  The findings are sorted, and their
 * messages, hints and objects already masked (diag_mask_findings); text_fn
 * gives a file's contents for snippets and fingerprints (may be NULL);
 * color asks for ANSI colours (text only); links asks for each rule id to
 * be an OSC 8 hyperlink to its documentation (text on a terminal only:
 * a log that does not understand OSC 8 would show the escape).
 */
typedef struct report_ctx {
    const diag_store *ds;
    const host *h;
    diag_text_fn text_fn;
    void *text_arg;
    bool color;
    /* The run: command, server or repository, times (NULL for none). */
    const report_context *context;
    bool links;
} report_ctx;

/* One output format: its --format name, a line for --format list, and the
 * function that writes the whole report to out (0, or -1 when writing
 * failed). */
typedef struct reporter {
    const char *name;
    const char *summary;
    int (*write)(const report_ctx *ctx, FILE *out);
} reporter;

/* The reporter named name, or NULL. */
const reporter *report_find(const char *name);

/* The reporters in table order; *n is set to their number. */
const reporter *report_all(size_t *n);

/* The names joined with sep ("text, json, ..."), for help and errors.
 * Caller frees. */
char *report_names(const char *sep);

/* A JSON string from s (NULL as ""), sanitised to valid UTF-8 (invalid
 * bytes become U+FFFD).  A new reference. */
json_t *report_json_string(const char *s);

/*
 * audit --inventory (inventory.c): the tables of live model m with their
 * RLS flags and policies per command ({"tables": [{"schema", "name",
 * "owner", "rls_enabled", "rls_forced", "policies": {"SELECT": n,
 * "INSERT", "UPDATE", "DELETE", "ALL"}}], "roles": [{"name", "login",
 * "superuser", "bypassrls", "connection_limit" (-1: none)}]}); a new
 * reference.  report_inventory_text prints it as indented lines, every
 * name escaped (diag_put_safe).
 */
json_t *report_inventory(const pgr_model *m);

/*
 * The sign-off checklist (checklist.c): one object per control of the rule
 * packs' report.checklist lists ({"id", "title", "rules", "status": "pass"
 * | "fail" | "skipped", "is_pass", "is_fail", "is_skipped", "count": the
 * error and warning findings of its rules, "reason" when skipped}).
 * ctx->context must be set.  A new reference.
 */
json_t *report_checklist(const report_ctx *ctx);

/*
 * The sign-off report as data (signoff.c), what the Markdown and HTML
 * templates are filled with: "header" rows (label, value), "verdict"
 * (PASS/FAIL at --fail-on), "checklist", "groups" (family, severity,
 * findings: anchor, rule, doc_url, severity, where, message, hint),
 * "skipped" (check, reason), "drift" (findings), "command_line".
 * ctx->context must be set.  A new reference.
 */
json_t *report_document(const report_ctx *ctx);
void report_inventory_text(const json_t *inv, FILE *out);

/*
 * Render the sign-off template of format ("markdown": rules/report.md.tmpl,
 * "html": rules/report.html.tmpl, from h's rule packs' directory) with
 * data: {"subject", "is_fleet", "rows" (fleet: the summary table),
 * "databases": [report_document objects, or for a fleet member that could
 * not be audited {"n", "name", "error"}], "command_line", "version",
 * "id_prefix" (prefix of every HTML id of a part, "" for one database)}.
 * Returns 0, or -1 after printing why (template unreadable or broken,
 * writing failed).
 */
int report_render_signoff(const host *h, const char *format, const json_t *data, FILE *out);

/* The JSON reporter's document for ctx ({"version", "context",
 * "findings", "inventory", "summary"}, json.c).  A new reference. */
json_t *report_json_document(const report_ctx *ctx);

/* SARIF 2.1.0 (sarif.c): one run of ctx's findings (tool, results,
 * invocation and run.properties from ctx->context when set), and the log
 * around a JSON array of runs (stolen).  New references. */
json_t *report_sarif_run(const report_ctx *ctx);
json_t *report_sarif_log(json_t *runs);

/*
 * One database of a fleet audit (issue 16, fleet.c): its masked conninfo,
 * and either its findings and context (error NULL) or the one-line error,
 * password masked, that kept it from being audited (ds and context then
 * still valid but empty).  All borrowed.
 */
typedef struct report_fleet_member {
    const char *conninfo;
    const diag_store *ds;
    const report_context *context;
    const char *error;
} report_fleet_member;

/* A member's verdict at fail_on: "error" (not audited), "fail" (a finding
 * at or above fail_on) or "pass".  Static string. */
const char *report_fleet_verdict(const report_fleet_member *m, pgr_severity fail_on);

/*
 * Write the fleet report of members[0..n) in their given order: a summary
 * table (database, verdict, errors, warnings, skipped controls) then a
 * section per database with the single-database report.  format is
 * "text", "markdown", "html" (the sign-off templates), "sarif" (one run
 * per database; one that was not audited a run whose invocation failed
 * with its error as a notification) or "json" ({"version": 1, "command": "audit", "summary", "databases":
 * [{"conninfo", "database", "verdict", "error", "errors", "warnings",
 * "skipped", "context", "findings", "summary", "checklist"}]}).  h gives
 * the rule packs (checklist).  Returns 0, or -1 when writing failed.
 */
int report_fleet_write(const host *h, const char *format, const report_fleet_member *members,
                       size_t n, pgr_severity fail_on, FILE *out);

#endif
