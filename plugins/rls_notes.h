/*
 * rls_notes.h — statement notes of the rls plugin (rls_notes.c).  Not a
 * public header.
 */
#ifndef PGR_RLS_NOTES_H
#define PGR_RLS_NOTES_H

#include <stddef.h>

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

/* Whether the migrations of m open view v to other roles whatever a REVOKE
 * says: default privileges for its schema's tables, or a grant on v. */
int rls_view_granted(const pgr_model *m, const pgr_view *v);

/* Hold rls/table-without-rls at loc (message, hint copied) until
 * rls_report_deferred: dropped when a template of the table's directory
 * enables RLS (a statement that may come after the model). */
void rls_defer_table(const pgr_location *loc, const char *message, const char *hint);

/* Hold rls/view-bypasses-rls of view v of model m at loc (everything
 * copied) until rls_report_deferred: dropped when a REVOKE ... FROM PUBLIC
 * of v after its CREATE, with no grant in its schema after that, makes it
 * its owner's alone.  Only for a view rls_view_granted says is not open. */
void rls_defer_view(const pgr_model *m, const pgr_view *v, const pgr_location *loc,
                    const char *message, const char *hint);

/* Report the held findings the run's statements did not take back (the
 * plugin's on_finish, before rls_notes_free). */
void rls_report_deferred(pgr_ctx *ctx);

/* Whether "schema.name" o is in schema (sl bytes) and, when name is not
 * NULL, is that name. */
int rls_in_schema(const char *o, const char *schema, size_t sl, const char *name);

/* Forget what was noted (the run's end). */
void rls_notes_free(void);

#endif
