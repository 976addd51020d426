/*
 * rollback_diff.h — the comparison of the models around a migration
 * (rollback_diff.c), for the rollback plugin's on_migration_replay.
 */
#ifndef PGR_ROLLBACK_DIFF_H
#define PGR_ROLLBACK_DIFF_H

#include <stddef.h>

#include "pgrampart/plugin.h"

/* The up of migration index of set dropped tables or columns (before vs
 * after_up) whose rows no copy keeps: rollback/irreversible-up and the
 * dropped columns' findings. */
void rollback_report_drops(pgr_ctx *ctx, const pgr_migration_set *set, size_t index,
                           const pgr_model *before, const pgr_model *after_up);

/* Compare the touched objects of migration mig before its up, after it and
 * after its down: rollback/incomplete-down and rollback/down-changes-more. */
void rollback_compare(pgr_ctx *ctx, const pgr_migration *mig, const pgr_model *before,
                      const pgr_model *after_up, const pgr_model *after_down);

#endif
