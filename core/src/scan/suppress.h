/*
 * suppress.h — inline suppressions, in each front-end's line-comment syntax
 * (frontend.comment):
 *
 *   -- pgrampart-ignore grants/grant-to-public: reporting role reads everything
 *   -- pgrampart-ignore-file rls/table-without-rls: this schema is a public catalogue
 *   # pgrampart-ignore ssl/missing-sslmode: tunnelled through a VPN   (.env)
 *
 * "pgrampart-ignore" covers the next SQL statement (the next line in other
 * files); "pgrampart-ignore-file" the whole file.  Rules are comma-separated
 * ids, or a family followed by a star.  A reason after ':' is required
 * (unless the configuration says suppressions: {require_reason: false});
 * without one the suppression is reported (core/suppression-without-reason)
 * and not applied.
 * A suppression that hides nothing is reported as core/unused-suppression.
 */
#ifndef PGR_SUPPRESS_H
#define PGR_SUPPRESS_H

#include "scan/check.h"

/* Remove the suppressed findings of run's files from the host's store and
 * report the suppressions' own problems. */
void suppress_apply(check_run *run);

/*
 * audit --migrations: remove the findings in h's store that the migration
 * files' suppressions cover — findings located in those files by line, and
 * live findings on the objects (tables, views, policies, roles, functions,
 * extensions, grants) the covered statements define.  The files are the
 * ones migrations' objects were defined in, read again.  Suppressions that
 * hide nothing or lack a reason are check's to report, not the audit's.
 * migrations is compacted (model_compact), its contents unchanged.
 */
void suppress_apply_migrations(host *h, model *migrations);

#endif
