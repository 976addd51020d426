/*
 * rls_notes.h — statement notes of the rls plugin (rls_notes.c).  Not a
 * public header.
 */
#ifndef PGR_RLS_NOTES_H
#define PGR_RLS_NOTES_H

#include <stddef.h>
#include <stdint.h>

#include "pgrampart/plugin.h"

/* The host's function table (set by PGR_PLUGIN_MAGIC in rls.c; the plugin
 * is built with hidden visibility, so the name stays inside it). */
extern const pgr_host_api *api;

/* The plugin's on_sql_statement: note REVOKE ... FROM PUBLIC on relations and
 * ALTER TABLE <template placeholder> ENABLE ROW LEVEL SECURITY. */
void rls_note_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt);

/* Whether a template of path's directory enables RLS on tables it names at
 * run time (then table-without-rls cannot claim a table there lacks it). */
int rls_template_dir(const char *path);

/*
 * A relation the migrations REVOKE ALL (or SELECT) ... FROM PUBLIC, as
 * "schema.name" with the statement's place (path "" when it has none):
 * the sign that a (materialized) view is meant for its owner alone.
 */
typedef struct revoke_note {
    char *relation;
    char *path;
    uint32_t line;
} revoke_note;

/* The REVOKE notes in statement order; *n set to their number.  Borrowed
 * until rls_notes_free. */
const revoke_note *rls_revokes(size_t *n);

/* Whether place (path, line) comes after (path2, line2) in migration
 * order (files by name, then lines); true when either path is NULL. */
int rls_later(const char *path, uint32_t line, const char *path2, uint32_t line2);

/* Whether schema is left out of the rls rules (pg_catalog,
 * information_schema and the configuration's exclude_schemas). */
int rls_schema_excluded(pgr_ctx *ctx, const char *schema);

/* A finding held until on_finish: everything copied (rls_hold), reported
 * with rls_held_report, freed with rls_held_free. */
typedef struct rls_held {
    const char *rule;          /* static: the rule table's */
    pgr_location location;     /* path and object owned */
    char *message;
    char *hint;                /* may be NULL */
} rls_held;

void rls_hold(rls_held *h, const char *rule, const pgr_location *loc, const char *message,
              const char *hint);
void rls_held_report(pgr_ctx *ctx, const rls_held *h);
void rls_held_free(rls_held *h);

/* arr (n items of size bytes, room for *cap) with room for one more;
 * aborts when out of memory. */
void *rls_grow(void *arr, size_t n, size_t *cap, size_t size);

/* rls/view-bypasses-rls over model m (rls_views.c).  A view of the
 * migrations that no grant opens is held until rls_views_finish: a REVOKE
 * ... FROM PUBLIC in a statement delivered after m may make it private. */
void rls_check_views(pgr_ctx *ctx, const pgr_model *m);

/* Report the held views that the run's REVOKEs leave exposed, and forget
 * them (the plugin's on_finish, before rls_notes_free). */
void rls_views_finish(pgr_ctx *ctx);

/* Hold rls/table-without-rls at loc (message, hint copied) until
 * rls_report_deferred_tables: dropped when a template of the table's
 * directory enables RLS, whose statement may come after the model. */
void rls_defer_table(const pgr_location *loc, const char *message, const char *hint);

/* Report the held tables no template's directory covers, and forget them
 * (the plugin's on_finish, before rls_notes_free). */
void rls_report_deferred_tables(pgr_ctx *ctx);

/* Whether "schema.name" o is in schema (sl bytes) and, when name is not
 * NULL, is that name. */
int rls_in_schema(const char *o, const char *schema, size_t sl, const char *name);

/* Forget what was noted (the run's end). */
void rls_notes_free(void);

#endif
