/*
 * rollback_flow.h — copies and drop sites of a migration set's statements
 * (rollback_flow.c), for the rollback plugin.
 */
#ifndef PGR_ROLLBACK_FLOW_H
#define PGR_ROLLBACK_FLOW_H

#include <stddef.h>

#include "pgrampart/plugin.h"

/* The host's function table: rollback.c's, which PGR_PLUGIN_MAGIC sets when
 * the host loads the plugin (the plugin is built with hidden visibility, so
 * the name stays inside it). */
extern const pgr_host_api *api;

/* Note what an up statement copies and drops (call for every statement of
 * every up, before the first migration is judged). */
void flow_note_statement(const pgr_sql_statement *stmt);

/* Whether the up of migration index of set, or an earlier up of the set,
 * copied key ("schema.table[.column]") elsewhere; some copies count for a
 * drop in the same up only (see rollback_flow.c). */
int flow_rows_copied(const pgr_migration_set *set, size_t index, const char *key);

/* Whether schema.table[.column] (column NULL: its rows), dropped by the up
 * of migration index, was copied by that up or an earlier one, under its
 * name or, in that up, under a name an ALTER TABLE ... RENAME TO gave it
 * (rename-and-rebuild). */
int flow_object_copied(const pgr_migration_set *set, size_t index, const char *schema,
                       const char *table, const char *column);

/* Whether every column of table t (dropped by the up of migration index)
 * was copied by that up or an earlier one. */
int flow_table_copied(const pgr_migration_set *set, size_t index, const pgr_table *t);

/* Where the up of mig drops schema.table[.column] (column NULL: the table),
 * into *out, following the up's ALTER TABLE ... RENAME TO (a backup it
 * drops); the up's first line when no statement of it names the object. */
void flow_drop_location(const pgr_migration *mig, const char *schema, const char *table,
                        const char *column, pgr_location *out);

/* A new migration set is about to be replayed (on_migration_set): forget
 * the previous set's index of copies by migration. */
void flow_new_set(void);

/* Forget everything noted (the run's end). */
void flow_free(void);

#endif
