/*
 * baseline.h — adopt pgrampart on a legacy repository: record today's
 * findings (--write-baseline FILE) and later report only new ones
 * (--baseline FILE).  A baseline stores rule ids, paths and fingerprints
 * (report_fingerprint: hashes), never source text or secrets.
 */
#ifndef PGR_BASELINE_H
#define PGR_BASELINE_H

#include "report/diag.h"

/* Write the findings of ds as a baseline file.  Returns 0, or -1 with
 * *err set (caller frees). */
int baseline_write(const char *path, const diag_store *ds, diag_text_fn text_fn, void *text_arg,
                   char **err);

/* Remove from ds the findings the baseline records (each entry hides one
 * finding with the same rule and fingerprint).  Returns the number hidden,
 * or -1 with *err set when the file cannot be read or is not a baseline. */
long baseline_filter(const char *path, diag_store *ds, diag_text_fn text_fn, void *text_arg,
                     char **err);

#endif
