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

/* Statically, whether the migrations make view v its owner's alone: a
 * REVOKE ... FROM PUBLIC after its CREATE and no grant that reaches it. */
int rls_static_view_private(const pgr_model *m, const pgr_view *v);

/* Whether "schema.name" o is in schema (sl bytes) and, when name is not
 * NULL, is that name. */
int rls_in_schema(const char *o, const char *schema, size_t sl, const char *name);

/* Forget what was noted (the run's end). */
void rls_notes_free(void);

#endif
