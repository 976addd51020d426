/*
 * An out-of-tree plugin: built by the ABI test with nothing but
 * pgrampart/plugin.h.  It flags every DROP TABLE statement.
 */
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

static const pgr_rule rules[] = {
    { "example/drop-table", PGR_SEVERITY_WARNING, "A DROP TABLE statement.",
      "Be sure.", "test plugin" },
};

static void
on_stmt(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    pgr_finding f;

    if (strcmp(api->node_tag(stmt->root), "DropStmt") != 0 ||
        strcmp(api->node_string(stmt->root, "remove_type"), "OBJECT_TABLE") != 0)
        return;
    memset(&f, 0, sizeof f);
    f.rule_id = "example/drop-table";
    f.location = stmt->location;
    f.message = "DROP TABLE";
    api->report(ctx, &f);
}

static const pgr_plugin plugin = {
#ifdef WRONG_ABI
    PGR_ABI_VERSION + 1,
#else
    PGR_ABI_VERSION,
#endif
    sizeof(pgr_plugin), "example", "1", 1, rules, 0, NULL, on_stmt, NULL, NULL, NULL, NULL, NULL, NULL
};

#ifndef NO_INIT
PGR_EXPORT const pgr_plugin *
pgrampart_plugin_init(const pgr_host_api *host)
{
    if (host->abi_version != PGR_ABI_VERSION || host->size < sizeof(pgr_host_api))
        return NULL;
    api = host;
    return &plugin;
}
#else
PGR_EXPORT int pgrampart_something_else;
#endif
