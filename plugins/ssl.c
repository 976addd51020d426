/*
 * ssl.c — transport security of PostgreSQL connections.
 *
 * ssl/missing-sslmode: a connection string to a non-local host that does
 * not require TLS (no sslmode, or disable/allow/prefer), or an environment
 * that weakens every connection (PGSSLMODE=disable|allow|prefer, PGHOST to
 * a remote host without PGSSLMODE).  libpq's default sslmode is "prefer",
 * which silently falls back to plain text.
 *
 * On a live database (pgrampart audit):
 * ssl/server-ssl-off: the server's ssl setting is off.
 * ssl/hba-host-without-ssl: a pg_hba.conf host (or hostnossl) rule for a
 *   non-local address that does not reject: clients may connect unencrypted.
 * ssl/weak-min-protocol: ssl_min_protocol_version below TLSv1.2.
 * ssl/connection-not-encrypted: the audit's own TCP connection is plain text.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

static const pgr_rule rules[] = {
    { "ssl/missing-sslmode", PGR_SEVERITY_ERROR,
      "A connection to a non-local PostgreSQL server does not require TLS (sslmode).",
      "Add sslmode=verify-full (or at least require) to the connection string.",
      "PostgreSQL docs 34.19 SSL Support (libpq sslmode); CIS PostgreSQL 6.x: require SSL" },
    { "ssl/server-ssl-off", PGR_SEVERITY_ERROR,
      "The server does not offer TLS (ssl = off): every connection is plain text.",
      "Set ssl = on with a certificate (ssl_cert_file, ssl_key_file) and reload.",
      "PostgreSQL docs 19.9 Secure TCP/IP Connections with SSL; CIS PostgreSQL 6.7" },
    { "ssl/hba-host-without-ssl", PGR_SEVERITY_ERROR,
      "A pg_hba.conf host rule admits non-local clients without TLS.",
      "Use hostssl for remote clients (and hostnossl ... reject), keep host for loopback only.",
      "PostgreSQL docs 21.1 The pg_hba.conf File; checklist: \"SSL required\"" },
    { "ssl/weak-min-protocol", PGR_SEVERITY_WARNING,
      "ssl_min_protocol_version allows TLS older than 1.2.",
      "Set ssl_min_protocol_version = 'TLSv1.2' (or TLSv1.3).",
      "PostgreSQL docs 20.3 (ssl_min_protocol_version); CIS PostgreSQL 6.8" },
    { "ssl/pgbouncer-tls-disabled", PGR_SEVERITY_ERROR,
      "pgbouncer does not require TLS toward clients or toward the server (client_tls_sslmode, "
      "server_tls_sslmode; both default to disable).",
      "Set client_tls_sslmode = require (with a certificate) and server_tls_sslmode = verify-full.",
      "PgBouncer configuration (client_tls_sslmode, server_tls_sslmode)" },
    { "ssl/connection-not-encrypted", PGR_SEVERITY_WARNING,
      "The audit's own TCP connection to the server is not encrypted.",
      "Connect with sslmode=verify-full; make the server require it (hostssl).",
      "PostgreSQL docs 28.2 pg_stat_ssl" },
};

static int
weak_sslmode(const char *mode)
{
    return mode == NULL || strcmp(mode, "disable") == 0 || strcmp(mode, "allow") == 0 ||
        strcmp(mode, "prefer") == 0;
}

/* Length of the parent part of a key path ("a.b" of "a.b.KEY"). */
static size_t
parent_len(const char *key_path)
{
    const char *dot = strrchr(key_path, '.');

    return dot ? (size_t) (dot - key_path) : 0;
}

/*
 * The last value named key that applies beside v: anywhere in an env file,
 * which is one environment; elsewhere only in the same mapping (a compose
 * service's environment, a Kubernetes env list, one JS object).
 */
static const pgr_value *
find_key(const pgr_value_file *f, const pgr_value *v, const char *key)
{
    size_t i, plen = parent_len(v->key_path);

    for (i = f->n_values; i-- > 0;) {
        const pgr_value *c = &f->values[i];

        if (strcmp(c->key, key) != 0)
            continue;
        if (f->format == PGR_FORMAT_DOTENV ||
            (parent_len(c->key_path) == plen && strncmp(c->key_path, v->key_path, plen) == 0))
            return c;
    }
    return NULL;
}

static void
report(pgr_ctx *ctx, const pgr_value_file *f, size_t entry, const char *msg)
{
    const pgr_value *e = &f->values[entry];
    size_t off, len;
    pgr_finding fd;

    memset(&fd, 0, sizeof fd);
    fd.rule_id = "ssl/missing-sslmode";
    fd.location = e->value_location;
    fd.message = msg;
    /* The value may carry a password: keep it out of every snippet. */
    if (api->conninfo_password_span(e->value, &off, &len))
        api->value_location(f, entry, off, len, &fd.secret);
    api->report(ctx, &fd);
}

static void
on_value_file(pgr_ctx *ctx, const pgr_value_file *f)
{
    size_t i;
    char msg[512];

    for (i = 0; i < f->n_values; i++) {
        const pgr_value *e = &f->values[i];
        const pgr_value *pgssl = find_key(f, e, "PGSSLMODE");
        const char *env_mode = pgssl ? pgssl->value : NULL;
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

/* 127.0.0.0/8, ::1, samehost: addresses on the server itself. */
static int
local_address(const char *a)
{
    return a == NULL || strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
        strcmp(a, "samehost") == 0 || strcmp(a, "localhost") == 0;
}

/* pgbouncer.ini's TLS modes (settings "pgbouncer.*"): absent means its
 * default, disable. */
static void
check_pgbouncer(pgr_ctx *ctx, const pgr_model *m)
{
    static const char *const keys[] = { "pgbouncer.client_tls_sslmode", "pgbouncer.server_tls_sslmode" };
    size_t i, k;
    bool any = false;

    for (i = 0; i < m->n_settings; i++)
        any = any || strncmp(m->settings[i].name, "pgbouncer.", 10) == 0;
    if (!any)
        return;
    for (k = 0; k < 2; k++) {
        const pgr_setting *st = NULL;

        for (i = 0; i < m->n_settings && st == NULL; i++)
            if (strcmp(m->settings[i].name, keys[k]) == 0)
                st = &m->settings[i];
        if (st == NULL) {
            pgr_reportf(api, ctx, "ssl/pgbouncer-tls-disabled", &m->origin,
                        "%s is not set: pgbouncer's default is disable", keys[k] + 10);
        } else if (weak_sslmode(st->value)) {
            pgr_reportf(api, ctx, "ssl/pgbouncer-tls-disabled", &st->location,
                        "%s = %s: connections may run unencrypted", keys[k] + 10, st->value);
        }
    }
}

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;

    for (i = 0; i < m->n_settings; i++) {
        const pgr_setting *st = &m->settings[i];

        if (strcmp(st->name, "ssl") == 0 && st->value && strcmp(st->value, "off") == 0)
            pgr_report_at(api, ctx, "ssl/server-ssl-off", &st->location,
                          "ssl is off: the server accepts no encrypted connections", NULL);
        if (strcmp(st->name, "ssl_min_protocol_version") == 0 && st->value &&
            (strcmp(st->value, "TLSv1") == 0 || strcmp(st->value, "TLSv1.1") == 0)) {
            pgr_reportf(api, ctx, "ssl/weak-min-protocol", &st->location,
                        "ssl_min_protocol_version is %s: TLS below 1.2 is accepted",
                        st->value);
        }
    }
    for (i = 0; i < m->n_hba; i++) {
        const pgr_hba_rule *h = &m->hba[i];

        if ((strcmp(h->type, "host") != 0 && strcmp(h->type, "hostnossl") != 0) ||
            local_address(h->address) || strcmp(h->auth_method, "reject") == 0)
            continue;
        pgr_reportf(api, ctx, "ssl/hba-host-without-ssl", &h->location,
                    "%s rule for %s%s%s (%s) lets clients connect without TLS",
                    h->type, h->address ? h->address : "?", h->netmask ? "/" : "",
                    h->netmask ? h->netmask : "", h->auth_method);
    }
    check_pgbouncer(ctx, m);
    if (m->is_live && m->connection_ssl == 0)
        pgr_report_at(api, ctx, "ssl/connection-not-encrypted", &m->origin,
                      "this audit's TCP connection is not encrypted", NULL);
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "ssl", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    NULL, on_value_file, NULL, on_model, NULL, NULL, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
