/*
 * A test plugin for the host's function table (tests/e2e/host_api.py),
 * built out of tree with nothing but pgrampart/plugin.h.  It has no rules:
 * on each schema model it logs what api->all_privileges answers for every
 * object kind ("all_privileges <kind> <bits>"); on each file's first SQL
 * statement what api->file_text and api->path_role say of that file and of a
 * path outside the run ("file <path> <bytes> <role>"); and at init it checks that
 * no entry of the table the host handed over is NULL (the table is written
 * with designated initializers, which leave a forgotten entry NULL without
 * a warning).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

/* The offset of the host table's first NULL function, or 0 when none. */
static size_t null_entry;

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    static const char kinds[] = "rpvmSfndtTlF";
    char line[64];
    size_t i;

    (void) m;
    if (null_entry) {
        snprintf(line, sizeof line, "null entry at offset %zu", null_entry);
        api->log(ctx, PGR_SEVERITY_ERROR, line);
        return;
    }
    for (i = 0; kinds[i]; i++) {
        snprintf(line, sizeof line, "all_privileges %c %u", kinds[i],
                 (unsigned) api->all_privileges(kinds[i]));
        api->log(ctx, PGR_SEVERITY_INFO, line);
    }
}

/* The first statement of each file: what the host says of the file, and
 * that it serves nothing the run does not read. */
static void
on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    static const char outside[] = "/etc/passwd";
    char line[512];
    size_t len = 1;

    if (stmt->index != 0)
        return;
    snprintf(line, sizeof line, "file %s %ld %s", stmt->path,
             api->file_text(ctx, stmt->path, &len) ? (long) len : -1L,
             api->path_role(ctx, stmt->path));
    api->log(ctx, PGR_SEVERITY_INFO, line);
    len = 1;
    snprintf(line, sizeof line, "file %s %ld %s", outside,
             api->file_text(ctx, outside, &len) ? (long) len : -1L - (long) len,
             api->path_role(ctx, outside));
    api->log(ctx, PGR_SEVERITY_INFO, line);
}

static const pgr_plugin plugin = {
    .abi_version = PGR_ABI_VERSION,
    .size = sizeof(pgr_plugin),
    .name = "hostapi",
    .version = "1",
    .on_sql_statement = on_sql_statement,
    .on_model = on_model,
};

PGR_EXPORT const pgr_plugin *pgrampart_plugin_init(const pgr_host_api *host);

PGR_EXPORT const pgr_plugin *
pgrampart_plugin_init(const pgr_host_api *host)
{
    size_t off;

    if (host->abi_version != PGR_ABI_VERSION || host->size < sizeof(pgr_host_api))
        return NULL;
    api = host;
    /* Every member after abi_version and size is a function pointer. */
    for (off = offsetof(pgr_host_api, report); off + sizeof(void (*)(void)) <= host->size;
         off += sizeof(void (*)(void))) {
        void (*fn)(void);

        memcpy(&fn, (const char *) host + off, sizeof fn);
        if (fn == NULL && null_entry == 0)
            null_entry = off;
    }
    return &plugin;
}
