/*
 * fingerprint.h — a finding's identity across edits, for SARIF
 * partialFingerprints, GitLab fingerprints, baselines and --diff-base.
 */
#ifndef PGR_FINGERPRINT_H
#define PGR_FINGERPRINT_H

#include "report/diag.h"

/*
 * A fingerprint of a finding that survives edits which only move lines:
 * rule id, path (or object) and the finding's source line with white space
 * folded and secrets masked (text_fn gives file contents; may be NULL).
 * cur (may be NULL; start it zeroed) carries the last line found, so a walk
 * over the sorted findings reads each file once, not once per finding.
 * 64-bit FNV-1a, as 16 hex digits into buf (at least 17 bytes); returns buf.
 */
char *report_fingerprint(const diag_store *ds, const diag_finding *f, diag_text_fn text_fn,
                         void *text_arg, diag_line_cursor *cur, char *buf);

#endif
