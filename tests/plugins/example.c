/*
 * An out-of-tree plugin: built by the ABI test with nothing but
 * pgrampart/plugin.h.  It flags every DROP TABLE statement.
 */
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

/* Its docs are what `pgrampart explain example/drop-table` prints (NO_DOCS:
 * none, which explain refuses). */
static const pgr_rule rules[] = {
#ifdef NULL_RULE_ID
    { NULL, PGR_SEVERITY_WARNING, "A rule without an id.", "Be sure.", "test plugin",
      NULL, NULL, NULL },
#elif defined(NO_DOCS)
    { "example/drop-table", PGR_SEVERITY_WARNING, "A DROP TABLE statement.",
      "Be sure.", "test plugin", NULL, NULL, NULL },
#else
    { "example/drop-table", PGR_SEVERITY_WARNING, "A DROP TABLE statement.",
      "Be sure.", "test plugin",
      "A dropped table takes its rows with it; no down migration brings them back.",
      "DROP TABLE invoices;\nDROP TABLE payments;",
      "ALTER TABLE invoices RENAME TO invoices_retired;" },
#endif
};

#ifdef CTOR_MARKER
#include <stdio.h>
#include <stdlib.h>

/* The trust-model test: a plugin's constructor runs at dlopen, before any
 * ABI check, so loading it at all is running its code.  It leaves a mark. */
__attribute__((constructor)) static void
mark_loaded(void)
{
    const char *path = getenv("PGRAMPART_TEST_MARKER");
    FILE *f = path ? fopen(path, "w") : NULL;

    if (f)
        fclose(f);
}
#endif

static void
on_stmt(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    pgr_finding f;

#ifdef LOG_SOURCE
    /* The log test: a plugin that logs what it read from the checked tree. */
    {
        char text[256];
        size_t n = stmt->text_len < sizeof text - 1 ? stmt->text_len : sizeof text - 1;

        memcpy(text, stmt->text, n);
        text[n] = '\0';
        api->log(ctx, PGR_SEVERITY_WARNING, text);
    }
#endif
    if (strcmp(api->node_tag(stmt->root), "DropStmt") != 0 ||
        strcmp(api->node_string(stmt->root, "remove_type"), "OBJECT_TABLE") != 0)
        return;
    memset(&f, 0, sizeof f);
    f.rule_id = "example/drop-table";
    f.location = stmt->location;
    f.message = "DROP TABLE";
    api->report(ctx, &f);
}

#ifdef LOG_FORMAT
/* The format-name test: a plugin that logs the format of each settings file
 * as the host names it. */
static void
on_values(pgr_ctx *ctx, const pgr_value_file *file)
{
    char line[512];

    snprintf(line, sizeof line, "format %s %s", file->path, file->format_name);
    api->log(ctx, PGR_SEVERITY_WARNING, line);
}
#else
#define on_values NULL
#endif

static const pgr_plugin plugin = {
#ifdef WRONG_ABI
    PGR_ABI_VERSION + 1,
#else
    PGR_ABI_VERSION,
#endif
    sizeof(pgr_plugin),
#ifdef NULL_NAME
    NULL,
#else
    "example",
#endif
    "1", 1,
#ifdef NULL_RULES
    NULL,
#else
    rules,
#endif
    0, NULL, on_stmt, on_values, NULL, NULL, NULL, NULL, NULL
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
