/*
 * ssl.c — transport security of PostgreSQL connections.
 *
 * ssl/missing-sslmode: a connection string to a non-local host that does
 * not require TLS (no sslmode, or disable/allow/prefer), or an environment
 * that weakens every connection (PGSSLMODE=disable|allow|prefer, PGHOST to
 * a remote host without PGSSLMODE).  libpq's default sslmode is "prefer",
 * which silently falls back to plain text.
 */
#include <stdio.h>
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

static const pgr_rule rules[] = {
    { "ssl/missing-sslmode", PGR_SEVERITY_ERROR,
      "A connection to a non-local PostgreSQL server does not require TLS (sslmode).",
      "Add sslmode=verify-full (or at least require) to the connection string.",
      "PostgreSQL docs 34.19 SSL Support (libpq sslmode); CIS PostgreSQL 6.x: require SSL" },
};

static int
weak_sslmode(const char *mode)
{
    return mode == NULL || strcmp(mode, "disable") == 0 || strcmp(mode, "allow") == 0 ||
        strcmp(mode, "prefer") == 0;
}

static const pgr_env_entry *
find_key(const pgr_env_file *f, const char *key)
{
    size_t i;

    for (i = f->n_entries; i-- > 0;)
        if (strcmp(f->entries[i].key, key) == 0)
            return &f->entries[i];
    return NULL;
}

static void
report(pgr_ctx *ctx, const pgr_env_file *f, size_t entry, const char *msg)
{
    const pgr_env_entry *e = &f->entries[entry];
    size_t off, len;
    pgr_finding fd;

    memset(&fd, 0, sizeof fd);
    fd.rule_id = "ssl/missing-sslmode";
    fd.location = e->value_location;
    fd.message = msg;
    /* The value may carry a password: keep it out of every snippet. */
    if (api->conninfo_password_span(e->value, &off, &len))
        api->env_value_location(f, entry, off, len, &fd.secret);
    api->report(ctx, &fd);
}

static void
on_env_file(pgr_ctx *ctx, const pgr_env_file *f)
{
    const pgr_env_entry *pgssl = find_key(f, "PGSSLMODE");
    const char *env_mode = pgssl ? pgssl->value : NULL;
    size_t i;
    char msg[512];

    for (i = 0; i < f->n_entries; i++) {
        const pgr_env_entry *e = &f->entries[i];
        pgr_conninfo *ci;
        const char *mode, *host;

        if (strcmp(e->key, "PGSSLMODE") == 0 && weak_sslmode(e->value)) {
            snprintf(msg, sizeof msg, "PGSSLMODE=%s lets every libpq connection of this "
                     "environment run unencrypted", e->value);
            report(ctx, f, i, msg);
            continue;
        }
        if (strcmp(e->key, "PGHOST") == 0 && pgssl == NULL) {
            char conninfo[600];

            snprintf(conninfo, sizeof conninfo, "host='%s'", e->value);
            ci = api->conninfo_parse(conninfo);
            if (ci && !api->conninfo_is_local(ci)) {
                snprintf(msg, sizeof msg, "PGHOST points at %s but no PGSSLMODE is set: libpq "
                         "defaults to sslmode=prefer", e->value);
                report(ctx, f, i, msg);
            }
            api->conninfo_free(ci);
            continue;
        }
        ci = api->conninfo_parse(e->value);
        if (ci == NULL)
            continue;
        mode = api->conninfo_value(ci, "sslmode");
        host = api->conninfo_value(ci, "host");
        if (mode == NULL)
            mode = env_mode;
        if (!api->conninfo_is_local(ci) && weak_sslmode(mode)) {
            if (mode == NULL)
                snprintf(msg, sizeof msg, "%s connects to %s without sslmode: libpq defaults "
                         "to prefer, which falls back to plain text", e->key, host ? host : "?");
            else
                snprintf(msg, sizeof msg, "%s connects to %s with sslmode=%s, which allows "
                         "plain text", e->key, host ? host : "?", mode);
            report(ctx, f, i, msg);
        }
        api->conninfo_free(ci);
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "ssl", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    NULL, on_env_file, NULL, NULL, NULL, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
