/*
 * grants.h — what grants.c shares with grants_members.c inside the grants
 * plugin.  Not a public header.
 */
#ifndef PGR_GRANTS_H
#define PGR_GRANTS_H

#include <stddef.h>

#include "pgrampart/plugin.h"

/* The host's function table (set by PGR_PLUGIN_MAGIC in grants.c; the
 * plugin is built with hidden visibility, so the name stays inside it). */
extern const pgr_host_api *api;

/* The role of the model being checked named name, or NULL (a binary search
 * over the roles on_model sorted). */
const pgr_role *find_role(const pgr_model *m, const char *name);

/* Whether name is in the rule pack's list key (rules/grants.yml). */
int in_rulepack_list(pgr_ctx *ctx, const char *key, const char *name);

/* Whether role is one clients of the application use: rls.application_roles,
 * the pack's api_roles, or a role of the model that can log in. */
int is_application_role(pgr_ctx *ctx, const pgr_model *m, const char *role);

/* array (n elements of size bytes) grown by one; aborts when out of memory. */
void *grow(void *array, size_t n, size_t size);

/* strdup that passes NULL through (NULL also when out of memory). */
char *xstrdup_or_null(const char *s);

/* Note a GRANT/REVOKE role statement, or a CREATE ROLE's IN ROLE, ROLE and
 * ADMIN memberships (grants_members.c). */
void members_note_grant(const pgr_sql_statement *st);
void members_note_create_role(const pgr_sql_statement *st);

/* Report the memberships of model m that escalate an application role. */
void members_check(pgr_ctx *ctx, const pgr_model *m);

/* Forget the noted memberships (the run's end). */
void members_free(void);

#endif
