/*
 * report.h — machine reporters beyond diag.c's text and JSON: SARIF 2.1.0
 * (code scanning), GitHub Actions workflow commands and GitLab Code Quality.
 */
#ifndef PGR_REPORT_H
#define PGR_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "report/diag.h"
#include "host/host.h"

/*
 * A fingerprint of a finding that survives edits which only move lines:
 * rule id, path (or object) and the finding's source line with white space
 * folded and secrets masked (text_fn gives file contents; may be NULL).
 * 64-bit FNV-1a, as 16 hex digits into buf (at least 17 bytes).
 */
char *report_fingerprint(const diag_store *ds, const diag_finding *f, diag_text_fn text_fn,
                         void *text_arg, char *buf);

/* SARIF 2.1.0: every loaded rule in tool.driver.rules, results with
 * physical locations (relative URIs against %SRCROOT%, the working
 * directory) or logical ones for live objects.  Returns 0 or -1. */
int report_sarif(const diag_store *ds, const host *h, FILE *out, diag_text_fn text_fn,
                 void *text_arg);

/* GitHub Actions: one ::error/::warning/::notice workflow command per
 * finding, escaped as GitHub requires. */
void report_github(const diag_store *ds, FILE *out);

/* GitLab Code Quality: a JSON array of issues.  Returns 0 or -1. */
int report_gitlab(const diag_store *ds, FILE *out, diag_text_fn text_fn, void *text_arg);

#endif
