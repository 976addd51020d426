/*
 * ssl.c — transport security of PostgreSQL connections: connection strings
 * in every settings file (env, YAML, shell, JS/TS), whose libpq default
 * sslmode "prefer" silently falls back to plain text, and a live server's
 * TLS settings (pgrampart audit).  The rules and their docs are in rules[]
 * below.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "compose.h"
#include "ssl.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "ssl/missing-sslmode", PGR_SEVERITY_ERROR,
      "A connection to a non-local PostgreSQL server (not localhost, a socket, a service of the "
      "same compose file or a variable) does not require TLS (sslmode).",
      "Add sslmode=verify-full (or at least require) to the connection string.",
      "PostgreSQL docs 34.19 SSL Support (libpq sslmode); CIS PostgreSQL 6.x: require SSL",
      "libpq's default sslmode=prefer falls back to plain text without telling anyone.",
      "DATABASE_URL=postgres://app@db.example.com/app",
      "DATABASE_URL=postgres://app@db.example.com/app?sslmode=verify-full" },
    { "ssl/hba-host-without-ssl", PGR_SEVERITY_ERROR,
      "A pg_hba.conf host rule admits non-local clients without TLS.",
      "Use hostssl for remote clients (and hostnossl ... reject), keep host for loopback only.",
      "PostgreSQL docs 21.1 The pg_hba.conf File; checklist: \"SSL required\"",
      "A host rule admits clients that do not use TLS; hostssl refuses them.",
      "host all all 10.0.0.0/8 scram-sha-256",
      "hostssl all all 10.0.0.0/8 scram-sha-256\n"
      "hostnossl all all 0.0.0.0/0 reject" },
    { "ssl/pgbouncer-tls-disabled", PGR_SEVERITY_ERROR,
      "pgbouncer does not require TLS toward clients or toward the server (client_tls_sslmode, "
      "server_tls_sslmode; both default to disable).",
      "Set client_tls_sslmode = require (with a certificate) and server_tls_sslmode = verify-full.",
      "PgBouncer configuration (client_tls_sslmode, server_tls_sslmode)",
      "pgbouncer defaults to plain text on both sides; a TLS-only database behind it is reached "
      "unencrypted.",
      "[pgbouncer]\n"
      "server_tls_sslmode = prefer",
      "[pgbouncer]\n"
      "client_tls_sslmode = require\n"
      "server_tls_sslmode = verify-full" },
    { "ssl/tls-verification-disabled", PGR_SEVERITY_ERROR,
      "TLS is used but the server's certificate is not verified (rejectUnauthorized: false in a "
      "PostgreSQL client's options, NODE_TLS_REJECT_UNAUTHORIZED=0, sslmode=no-verify, or an sslmode "
      "below ssl.required_sslmode).",
      "Verify the server: ssl: { ca: <the server's CA> }, sslmode=verify-full with sslrootcert.",
      "PostgreSQL docs 34.19.1 Client Verification of Server Certificates; Node.js tls (rejectUnauthorized)",
      "Encryption without verification stops eavesdroppers but not impostors: whoever answers on "
      "the path gets the password.",
      "new Pool({ connectionString, ssl: { rejectUnauthorized: false } })",
      "new Pool({ connectionString, ssl: { ca: readFileSync(\"db-ca.pem\", \"utf8\") } })" },
    { "ssl/connection-not-encrypted", PGR_SEVERITY_WARNING,
      "The audit's own TCP connection to the server is not encrypted.",
      "Connect with sslmode=verify-full; make the server require it (hostssl).",
      "PostgreSQL docs 28.2 pg_stat_ssl",
      "If the audit's own connection is plain text, so may the application's be.",
      "pgrampart audit 'host=db.example.com sslmode=disable'",
      "pgrampart audit 'host=db.example.com sslmode=verify-full'" },
    { "ssl/app-tls-disabled", PGR_SEVERITY_ERROR,
      "An application setting switches TLS off for its database connection (DB_SSL=false, "
      "DATABASE_SSL=false, PGSSL=0, POSTGRES_DISABLE_TLS=true; names in rules/ssl.yml), and "
      "nothing beside it puts the database on this machine or in the same compose stack.",
      "Remove the switch (or set it to true) and give the server a certificate; for a local "
      "database keep the switch in a development file only.",
      "PostgreSQL docs 34.19 SSL Support; checklist: \"SSL required for database connections\"",
      "Many frameworks and images read their own TLS switch and pass ssl: false to the driver: "
      "no sslmode in any connection string shows it, and the password and every row cross the "
      "network in plain text.",
      "DB_HOST=db.internal.example.com\n"
      "DB_SSL=false  (.env.production)",
      "DB_HOST=db.internal.example.com\n"
      "DB_SSL=true\n"
      "DB_SSL_CA=/etc/ssl/db-ca.pem" },
};

static const char *const sslmodes_verifying[] = { "require", "verify-ca", "verify-full", NULL };

static const pgr_config_key config_keys[] = {
    { "required_sslmode", PGR_CONFIG_STRING,
      "The sslmode every connection string must reach (require, verify-ca or verify-full; default "
      "require): weaker TLS modes are reported as ssl/tls-verification-disabled.",
      NULL, sslmodes_verifying },
};

/* How a message names a value: its key, the call it is passed to, or what
 * it is. */
static const char *
label(const pgr_value *v)
{
    return v->key[0] ? v->key : v->key_path[0] ? v->key_path : "a string literal";
}

static int
weak_sslmode(const char *mode)
{
    return mode == NULL || strcmp(mode, "disable") == 0 || strcmp(mode, "allow") == 0 ||
        strcmp(mode, "prefer") == 0;
}

/* Length of the parent part of a key path ("a.b" of "a.b.KEY"). */
size_t
parent_len(const char *key_path)
{
    const char *dot = strrchr(key_path, '.');

    return dot ? (size_t) (dot - key_path) : 0;
}

/*
 * The values of a file sorted by (parent key path, key, position), built
 * once per file so that finding a key beside a value is two binary
 * searches, not a scan: 40,000 keys in one YAML file took 28 s scanning.
 */
typedef struct key_entry {
    const pgr_value *v;
    size_t plen;            /* parent_len(v->key_path) */
    size_t pos;             /* index in the file */
} key_entry;

typedef struct key_index {
    key_entry *entries;     /* n_values of them, sorted */
    size_t n;
} key_index;

/* Order of (parent path a[0, alen), key ka) against b's. */
static int
key_order(const char *a, size_t alen, const char *ka, const char *b, size_t blen, const char *kb)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    if (c == 0 && alen != blen)
        c = alen < blen ? -1 : 1;
    return c != 0 ? c : strcmp(ka, kb);
}

static int
key_entry_cmp(const void *pa, const void *pb)
{
    const key_entry *a = pa, *b = pb;
    int c = key_order(a->v->key_path, a->plen, a->v->key, b->v->key_path, b->plen, b->v->key);

    return c != 0 ? c : (a->pos < b->pos ? -1 : a->pos > b->pos);
}

static void
key_index_build(key_index *ix, const pgr_value_file *f)
{
    size_t i;

    ix->n = f->n_values;
    ix->entries = malloc((f->n_values ? f->n_values : 1) * sizeof *ix->entries);
    if (ix->entries == NULL) {
        ix->n = 0;
        return;
    }
    for (i = 0; i < f->n_values; i++) {
        ix->entries[i].v = &f->values[i];
        ix->entries[i].plen = parent_len(f->values[i].key_path);
        ix->entries[i].pos = i;
    }
    qsort(ix->entries, ix->n, sizeof *ix->entries, key_entry_cmp);
}

/* The first entry not before (parent of v, key) when after is false, the
 * first one after all of them when it is true. */
static size_t
key_index_bound(const key_index *ix, const pgr_value *v, const char *key, bool after)
{
    size_t lo = 0, hi = ix->n, plen = parent_len(v->key_path);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const key_entry *e = &ix->entries[mid];
        int c = key_order(e->v->key_path, e->plen, e->v->key, v->key_path, plen, key);

        if (c < 0 || (after && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The last value named key in the same mapping as v, or NULL. */
static const pgr_value *
key_index_last(const key_index *ix, const pgr_value *v, const char *key)
{
    size_t from = key_index_bound(ix, v, key, false), to = key_index_bound(ix, v, key, true);

    return to > from ? ix->entries[to - 1].v : NULL;
}

/*
 * The last value named key that applies beside v: anywhere in an env file or
 * script, which is one environment, or for a command's argument; elsewhere
 * only in the same mapping (a compose service's environment, a Kubernetes
 * env list, one JS object).  file_last is the file's last value named key.
 */
static const pgr_value *
find_key(const pgr_value_file *f, const key_index *ix, const pgr_value *file_last,
         const pgr_value *v, const char *key)
{
    /* An env file or a script is one environment; a command in a CI
     * file's step sees the workflow's, job's and step's env: maps. */
    if (f->format == PGR_FORMAT_DOTENV || f->format == PGR_FORMAT_SHELL ||
        (v->flags & PGR_VALUE_ARGUMENT))
        return file_last;
    return key_index_last(ix, v, key);
}

/* libpq's sslmode values, weakest first; node-postgres adds no-verify. */
static int
sslmode_rank(const char *mode)
{
    static const char *const modes[] = { "disable", "allow", "prefer", "require", "verify-ca",
                                         "verify-full", NULL };
    int i;

    for (i = 0; mode && modes[i]; i++)
        if (strcmp(mode, modes[i]) == 0)
            return i;
    return -1;
}

/* The sslmode the configuration requires (ssl.required_sslmode): require,
 * verify-ca or verify-full; require when unset or not one of those. */
static const char *
required_sslmode(pgr_ctx *ctx)
{
    const char *m = api->config_string(ctx, "required_sslmode");

    return m && sslmode_rank(m) >= 3 ? m : "require";
}

/*
 * Whether a connection to the hosts of ci stays off the network TLS
 * protects, or the host is not known here: localhost or a socket, a service
 * of the same compose file (the compose network), or a shell/template
 * variable ($database_host, ${DB_HOST}: known only where it runs).
 */
bool
host_not_remote(const pgr_value_file *f, const pgr_conninfo *ci)
{
    const char *host = api->conninfo_value(ci, "host");

    return api->conninfo_is_local(ci) || compose_hosts_are_services(f, host) ||
        compose_host_is_variable(host) || compose_host_is_variable(api->conninfo_value(ci, "hostaddr"));
}

/* Report value i; a password inside it is kept out of every snippet. */
void
report_rule(pgr_ctx *ctx, const pgr_value_file *f, size_t i, const char *rule, const char *msg)
{
    const pgr_value *e = &f->values[i];
    size_t off, len;
    pgr_finding fd;

    memset(&fd, 0, sizeof fd);
    fd.rule_id = rule;
    fd.location = e->value_location;
    fd.message = msg;
    if (api->conninfo_password_span(e->value, &off, &len))
        api->value_location(f, i, off, len, &fd.secret);
    api->report(ctx, &fd);
}

static void
report(pgr_ctx *ctx, const pgr_value_file *f, size_t i, const char *msg)
{
    report_rule(ctx, f, i, "ssl/missing-sslmode", msg);
}

/* Keys of an object that make it a database client's configuration. */
static bool
client_config_sibling(const key_index *ix, const pgr_value *v)
{
    static const char *const keys[] = { "host", "connectionString", "database", "user", "port",
                                        "url", "dialect", "client", "password", NULL };
    size_t k;

    for (k = 0; keys[k]; k++)
        if (key_index_last(ix, v, keys[k]) != NULL)
            return true;
    return false;
}

/*
 * Whether word occurs in text (case-insensitively) as a whole token of
 * letters and digits (db in "src/db.ts", Pool in "new Pool.ssl"), or, for a
 * word of five letters or more, anywhere in it (postgres in
 * "postgresClient", prisma in "prisma.service.ts").
 */
static bool
mentions(const char *text, const char *word)
{
    size_t n = strlen(word);
    const char *at;

    for (at = strcasestr(text, word); at; at = strcasestr(at + 1, word)) {
        bool start = at == text || !isalnum((unsigned char) at[-1]) ||
            (islower((unsigned char) at[-1]) && isupper((unsigned char) at[0]));
        bool end = !isalnum((unsigned char) at[n]) || isupper((unsigned char) at[n]);

        if (n >= 5 || (start && end))
            return true;
    }
    return false;
}

/* The first of words text mentions, or NULL. */
static const char *
mentions_any(const char *text, const char *const *words)
{
    size_t k;

    for (k = 0; words[k]; k++)
        if (mentions(text, words[k]))
            return words[k];
    return NULL;
}

/*
 * What a TLS option of value e configures, from the closest evidence: its
 * key path (new Pool.ssl.rejectUnauthorized, redis.tls...), a database
 * client's keys beside it, then the file's path (prisma.service.ts,
 * mailer/helper.ts).  "PostgreSQL", "Redis", "SMTP", "HTTP", or NULL when
 * nothing says.
 */
static const char *
tls_client_kind(const pgr_value_file *f, const key_index *ix, const pgr_value *e)
{
    static const char *const redis[] = { "redis", "ioredis", "bull", "bullmq", "valkey", NULL };
    static const char *const smtp[] = { "smtp", "mail", "mailer", "nodemailer", "createTransport",
                                        "imap", NULL };
    static const char *const http[] = { "axios", "https", "http", "agent", "fetch", "got", "request",
                                        "webhook", "websocket", "ws", "undici", NULL };
    static const char *const pg[] = { "postgres", "postgresql", "pg", "Pool", "knex", "sequelize",
                                      "typeorm", "prisma", "drizzle", "database", "db", "sql",
                                      "dialectOptions", NULL };
    const char *text[2] = { e->key_path, f->path };
    int t;

    for (t = 0; t < 2; t++) {
        if (mentions_any(text[t], redis))
            return "Redis";
        if (mentions_any(text[t], smtp))
            return "SMTP";
        if (mentions_any(text[t], pg) || (t == 0 && client_config_sibling(ix, e)))
            return "PostgreSQL";
        if (mentions_any(text[t], http))
            return "HTTP";
    }
    return NULL;
}

/*
 * ssl/tls-verification-disabled: TLS without checking who answers.
 * rejectUnauthorized: false in a PostgreSQL client's options (a Redis,
 * SMTP or HTTP client's, or one nothing ties to a database, is not this
 * rule's), NODE_TLS_REJECT_UNAUTHORIZED=0 (every connection of the process,
 * PostgreSQL's too), sslmode=no-verify (node-postgres), and an sslmode
 * below the configured required_sslmode when that asks for verification.
 */
static void
check_verification(pgr_ctx *ctx, const pgr_value_file *f, const key_index *ix, size_t i,
                   const char *mode)
{
    const pgr_value *e = &f->values[i];
    const char *required = required_sslmode(ctx);
    char msg[512];

    if (strcmp(e->key, "rejectUnauthorized") == 0 && (e->flags & PGR_VALUE_BOOLEAN) &&
        strcmp(e->value, "false") == 0) {
        const char *kind = tls_client_kind(f, ix, e);

        if (kind == NULL || strcmp(kind, "PostgreSQL") != 0)
            return;
        report_rule(ctx, f, i, "ssl/tls-verification-disabled",
                    "rejectUnauthorized: false in a PostgreSQL client's TLS options accepts any "
                    "server certificate: anyone on the path can impersonate the database");
    } else if (strcmp(e->key, "NODE_TLS_REJECT_UNAUTHORIZED") == 0 && strcmp(e->value, "0") == 0) {
        report_rule(ctx, f, i, "ssl/tls-verification-disabled",
                    "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for every TLS "
                    "connection of the process, PostgreSQL's included");
    } else if (mode && strcmp(mode, "no-verify") == 0) {
        snprintf(msg, sizeof msg, "%s uses sslmode=no-verify: the PostgreSQL connection is "
                 "encrypted, but any certificate is accepted", label(e));
        report_rule(ctx, f, i, "ssl/tls-verification-disabled", msg);
    } else if (mode && sslmode_rank(mode) >= 3 && sslmode_rank(mode) < sslmode_rank(required)) {
        snprintf(msg, sizeof msg, "%s uses sslmode=%s, but the policy (ssl.required_sslmode) asks "
                 "for %s: the PostgreSQL server's certificate is not fully verified", label(e), mode,
                 required);
        report_rule(ctx, f, i, "ssl/tls-verification-disabled", msg);
    }
}

/* Whether the host beside v in its object (a client's options) is local,
 * a compose service or a variable: ssl: false toward it is not remote. */
static bool
sibling_host_not_remote(const pgr_value_file *f, const key_index *ix, const pgr_value *v)
{
    const pgr_value *h = key_index_last(ix, v, "host");
    char conninfo[600];
    pgr_conninfo *ci;
    bool local;

    if (h == NULL || strchr(h->value, '\'') != NULL)
        return false;
    snprintf(conninfo, sizeof conninfo, "host='%s'", h->value);
    ci = api->conninfo_parse(conninfo);
    local = ci != NULL && host_not_remote(f, ci);
    api->conninfo_free(ci);
    return local;
}

/* The sslmode a non-URL setting implies, from PGSSLMODE in scope. */
static void
check_host_settings(pgr_ctx *ctx, const pgr_value_file *f, size_t i, const pgr_value *pgssl)
{
    const pgr_value *e = &f->values[i];
    bool argument = (e->flags & PGR_VALUE_ARGUMENT) && strcmp(e->key, "host") == 0;
    char conninfo[600], msg[512];
    pgr_conninfo *ci;

    if ((strcmp(e->key, "PGHOST") != 0 && !argument) || pgssl != NULL)
        return;
    snprintf(conninfo, sizeof conninfo, "host='%s'", e->value);
    ci = api->conninfo_parse(conninfo);
    if (ci && !host_not_remote(f, ci)) {
        if (argument)
            snprintf(msg, sizeof msg, "%.*s -h %s without sslmode (no PGSSLMODE, no sslmode in a "
                     "connection string): libpq defaults to prefer", (int) parent_len(e->key_path),
                     e->key_path, e->value);
        else
            snprintf(msg, sizeof msg, "PGHOST points at %s but no PGSSLMODE is set: libpq "
                     "defaults to sslmode=prefer", e->value);
        report(ctx, f, i, msg);
    }
    api->conninfo_free(ci);
}

static void
on_value_file(pgr_ctx *ctx, const pgr_value_file *f)
{
    size_t i;
    char msg[512];
    key_index ix;
    const pgr_value *last_pgssl = NULL;

    key_index_build(&ix, f);
    for (i = 0; i < f->n_values; i++)
        if (strcmp(f->values[i].key, "PGSSLMODE") == 0)
            last_pgssl = &f->values[i];
    for (i = 0; i < f->n_values; i++) {
        const pgr_value *e = &f->values[i];
        const pgr_value *pgssl = find_key(f, &ix, last_pgssl, e, "PGSSLMODE");
        const char *env_mode = pgssl ? pgssl->value : NULL;
        pgr_conninfo *ci;
        const char *mode, *host;

        if (ssl_switches_check(ctx, f, i))
            continue;
        if (strcmp(e->key, "PGSSLMODE") == 0) {
            if (weak_sslmode(e->value)) {
                snprintf(msg, sizeof msg, "PGSSLMODE=%s lets every libpq connection of this "
                         "environment run unencrypted", e->value);
                report(ctx, f, i, msg);
            } else {
                check_verification(ctx, f, &ix, i, e->value);
            }
            continue;
        }
        /* ssl: false in a database client's options (pg, knex, Sequelize). */
        if (strcmp(e->key, "ssl") == 0 && (e->flags & PGR_VALUE_BOOLEAN) &&
            strcmp(e->value, "false") == 0 && client_config_sibling(&ix, e) &&
            !sibling_host_not_remote(f, &ix, e)) {
            report(ctx, f, i, "ssl: false in a database client's options: the connection is "
                   "plain text");
            continue;
        }
        check_host_settings(ctx, f, i, pgssl);
        ci = api->conninfo_parse(e->value);
        if (ci == NULL) {
            check_verification(ctx, f, &ix, i, NULL);
            continue;
        }
        mode = api->conninfo_value(ci, "sslmode");
        host = api->conninfo_value(ci, "host");
        if (mode == NULL)
            mode = env_mode;
        if (!host_not_remote(f, ci) && weak_sslmode(mode)) {
            if (mode == NULL)
                snprintf(msg, sizeof msg, "%s connects to %s without sslmode: libpq defaults "
                         "to prefer, which falls back to plain text", label(e), host ? host : "?");
            else
                snprintf(msg, sizeof msg, "%s connects to %s with sslmode=%s, which allows "
                         "plain text", label(e), host ? host : "?", mode);
            report(ctx, f, i, msg);
        } else if (!host_not_remote(f, ci)) {
            check_verification(ctx, f, &ix, i, mode);
        }
        api->conninfo_free(ci);
    }
    free(ix.entries);
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

static void
on_finish(pgr_ctx *ctx)
{
    (void) ctx;
    ssl_switches_finish();
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "ssl", "1",
    sizeof rules / sizeof rules[0], rules,
    sizeof config_keys / sizeof config_keys[0], config_keys,
    NULL, on_value_file, NULL, on_model, NULL, on_finish, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
