/*
 * rls.c — row-level security rules.
 *
 * rls/table-without-rls: a table the migrations create that no migration
 * puts under ENABLE ROW LEVEL SECURITY.  Runs on the schema model, so
 * renames keep RLS state and dropped tables are not reported.
 */
#include <stdio.h>
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

static const pgr_rule rules[] = {
    { "rls/table-without-rls", PGR_SEVERITY_ERROR,
      "A table is created without row-level security, and no later migration enables it.",
      "ALTER TABLE <table> ENABLE ROW LEVEL SECURITY; then CREATE POLICY for each role that uses it.",
      "PostgreSQL docs 5.8 Row Security Policies; checklist: \"RLS enabled on every table\"" },
};

static const pgr_config_key config_keys[] = {
    { "exclude_schemas", PGR_CONFIG_LIST,
      "Schemas whose tables need no RLS (e.g. an internal or audit schema)." },
};

/* Schemas PostgreSQL owns are never the application's tenant data. */
static int
schema_excluded(pgr_ctx *ctx, const char *schema)
{
    size_t i, n = api->config_list_length(ctx, "exclude_schemas");

    if (strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0)
        return 1;
    for (i = 0; i < n; i++)
        if (strcmp(api->config_list_item(ctx, "exclude_schemas", i), schema) == 0)
            return 1;
    return 0;
}

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;
    char msg[512], hint[512];

    for (i = 0; i < m->n_tables; i++) {
        const pgr_table *t = &m->tables[i];
        pgr_finding f;

        if (t->relrowsecurity || schema_excluded(ctx, t->schema))
            continue;
        snprintf(msg, sizeof msg, "table %s.%s has no row-level security: %s enables it",
                 t->schema, t->name,
                 m->from_migrations ? "no migration" : "nothing in this file");
        snprintf(hint, sizeof hint,
                 "add ALTER TABLE %s.%s ENABLE ROW LEVEL SECURITY; and a policy per role",
                 t->schema, t->name);
        memset(&f, 0, sizeof f);
        f.rule_id = "rls/table-without-rls";
        f.location = t->location;
        f.message = msg;
        f.hint = hint;
        api->report(ctx, &f);
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "rls", "1",
    sizeof rules / sizeof rules[0], rules,
    sizeof config_keys / sizeof config_keys[0], config_keys,
    NULL, NULL, NULL, on_model
};

PGR_PLUGIN_MAGIC(api, plugin)
