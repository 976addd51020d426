/*
 * drift.h — what drift.c shares with drift_schema.c inside the drift
 * plugin.  Not a public header.
 */
#ifndef PGR_DRIFT_H
#define PGR_DRIFT_H

#include <stddef.h>

#include "pgrampart/plugin.h"

/* The host's function table (set by PGR_PLUGIN_MAGIC in drift.c; the
 * plugin is built with hidden visibility, so the name stays inside it). */
extern const pgr_host_api *api;

/*
 * The migrations (by up file path) none of whose objects is in the
 * database.  Their objects' own missing-findings are left out: one
 * drift/migration-not-applied says it all.  paths point into the
 * migrations' model.
 */
typedef struct pending {
    size_t n;
    const char **paths;
} pending;

/* Whether loc is in a pending migration. */
int is_pending(const pending *p, const pgr_location *loc);

/* Lookups in the migrations' or the live model during on_drift (binary
 * searches over what on_drift sorted; NULL when absent).  Borrowed. */
const pgr_table *table_of(const pgr_model *m, const char *schema, const char *name);
const pgr_object *index_of(const pgr_model *m, const char *schema, const char *name);
const pgr_constraint *constraint_of(const pgr_model *m, const pgr_constraint *c);

/* The index of column name in t, or -1; where column k of t was created
 * (its table's location when the model does not know). */
long column_at(const pgr_table *t, const char *name);
const pgr_location *column_location(const pgr_model *m, const pgr_table *t, size_t k);

/* The view schema.name of m, or NULL (binary search during on_drift). */
const pgr_view *view_of(const pgr_model *m, const char *schema, const char *name);

/* Whether the migrations (want) put any table in schema: only such schemas
 * are compared. */
int schema_covered(const pgr_model *want, const char *schema);

/* Whether two strings (either may be NULL) differ. */
int differs(const char *a, const char *b);

/* drift/column-missing, column-type, column-extra; index-missing;
 * constraint-missing, constraint-extra (drift_schema.c).  Objects of
 * pending migrations are left to drift/migration-not-applied. */
void compare_columns(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p);
void compare_indexes(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p);
void compare_constraints(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p);

/* drift/grant (drift_acl.c): privileges the database holds that no
 * migration gives, and grants of the migrations the database lacks.
 * Sorted indexes of both models' grants, built and freed inside. */
void compare_acl(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p);

#endif
