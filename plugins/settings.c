/*
 * settings.c — server and pooler settings checked against policies: the
 * shipped controls of rules/settings.yml (password_encryption md5, ssl off,
 * connection and DDL logging off, TLS below 1.2, pgbouncer trust/plain) and
 * the team's own `settings:` policy in .pgrampart.yml, one mechanism for
 * both (policy.h).  Settings come from every place they are written:
 * postgresql.conf and pgbouncer.ini (and YAML that carries them) as models,
 * ALTER SYSTEM in SQL files and scripts, environment variables of images
 * that read them (PGBOUNCER_POOL_MODE), and a live server (pg_settings).
 *
 * A shipped control judges only values written down (an unset ssl is not
 * reported: the file may not be the whole configuration).  A team's policy
 * also judges what a whole configuration leaves unset: a postgresql.conf,
 * a pgbouncer.ini or a live server, where an unset setting takes its
 * default (rules/settings.yml `defaults:`).  The rules and their docs are
 * in rules[] below.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "compose.h"
#include "policy.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "auth/pgbouncer-auth-type", PGR_SEVERITY_ERROR,
      "pgbouncer's auth_type is trust or any (no password) or plain (clear-text passwords).",
      "Set auth_type = scram-sha-256.",
      "PgBouncer configuration (auth_type)",
      "trust and any let anyone through; plain sends and stores passwords in clear text.",
      "auth_type = plain",
      "auth_type = scram-sha-256" },
    { "auth/password-encryption-md5", PGR_SEVERITY_WARNING,
      "password_encryption is md5: new passwords are stored as MD5 hashes.",
      "Set password_encryption = 'scram-sha-256' and reset the passwords.",
      "PostgreSQL docs 20.3 (password_encryption); CIS PostgreSQL 6.x",
      "New passwords would be stored as MD5 hashes.",
      "password_encryption = md5",
      "password_encryption = scram-sha-256" },
    { "logging/connections-not-logged", PGR_SEVERITY_WARNING,
      "log_connections or log_disconnections is off: who connected cannot be audited.",
      "Set log_connections = on and log_disconnections = on.",
      "CIS PostgreSQL Benchmark 3.1.20/3.1.21; checklist: \"audit logging on\"",
      "Without connection logs a breach investigation cannot tell who connected when.",
      "log_connections = off",
      "log_connections = on\n"
      "log_disconnections = on" },
    { "logging/ddl-not-logged", PGR_SEVERITY_WARNING,
      "log_statement is none: schema changes leave no trace in the log.",
      "Set log_statement = 'ddl' (or use pgaudit).",
      "CIS PostgreSQL Benchmark 3.1.22; checklist: \"audit logging on\"",
      "Schema changes made outside migrations leave no trace.",
      "log_statement = none",
      "log_statement = ddl" },
    { "ssl/server-ssl-off", PGR_SEVERITY_ERROR,
      "The server does not offer TLS (ssl = off): every connection is plain text.",
      "Set ssl = on with a certificate (ssl_cert_file, ssl_key_file) and reload.",
      "PostgreSQL docs 19.9 Secure TCP/IP Connections with SSL; CIS PostgreSQL 6.7",
      "With ssl off no client can encrypt, whatever it asks for.",
      "ssl = off",
      "ssl = on\n"
      "ssl_cert_file = 'server.crt'\n"
      "ssl_key_file = 'server.key'" },
    { "ssl/weak-min-protocol", PGR_SEVERITY_WARNING,
      "ssl_min_protocol_version allows TLS older than 1.2.",
      "Set ssl_min_protocol_version = 'TLSv1.2' (or TLSv1.3).",
      "PostgreSQL docs 20.3 (ssl_min_protocol_version); CIS PostgreSQL 6.8",
      "TLS 1.0 and 1.1 have known weaknesses and are deprecated (RFC 8996).",
      "ssl_min_protocol_version = 'TLSv1'",
      "ssl_min_protocol_version = 'TLSv1.2'" },
    { "settings/policy", PGR_SEVERITY_ERROR,
      "A server or pgbouncer setting breaks the team's policy (`settings:` in .pgrampart.yml).",
      "Set it as the policy line named in the message asks, or change the policy.",
      "The team's deployment checklist, written once as policy (log_statement = ddl, "
      "pool_mode = transaction, pg_stat_statements loaded, ...)",
      "A checklist item verified by hand is forgotten on the next server; as policy it is "
      "checked in every postgresql.conf, pgbouncer.ini, ALTER SYSTEM and live server.",
      ".pgrampart.yml:  settings: {log_statement: {in: [ddl, mod, all]}}\n"
      "postgresql.conf: log_statement = none",
      "postgresql.conf: log_statement = ddl" },
    { "settings/policy-unverified", PGR_SEVERITY_INFO,
      "A setting the team's policy names cannot be read on the audited server.",
      "Audit as a role with pg_read_all_settings, or load the extension that defines it.",
      "PostgreSQL docs 54.24 pg_settings (superuser-only settings are hidden from other roles)",
      "An unverified requirement is not a passed one: the sign-off must say it was not checked.",
      "settings: {pgaudit.log: {contains: [ddl]}} on a server without pgaudit",
      "settings: {log_statement: {in: [ddl, all]}}" },
};

/* A policy's tests, and the keys of a shipped control besides them. */
static const char *const control_keys[] = {
    "equals", "in", "not_in", "min", "max", "present", "contains", "matches", NULL
};

static const pgr_config_key config_keys[] = {
    { "*", PGR_CONFIG_POLICY,
      "A setting the servers must have: its name (pgbouncer.ini's as pgbouncer.<name>) and "
      "tests: equals, in, not_in, min, max (with units: 250ms, 1GB), present, contains "
      "(a list setting such as shared_preload_libraries), matches (a shell pattern).",
      control_keys, NULL },
};

/* A setting to judge: name, value (NULL: unset) and where it is written. */
typedef struct judged {
    const char *name;
    const char *value;
    const pgr_location *location;
    int defaulted;       /* value is the default of an unset setting */
} judged;

/* The entry for name in the rule packs' mapping key (a later pack wins). */
static const pgr_config_node *
pack_entry(pgr_ctx *ctx, const char *key, const char *name)
{
    const pgr_config_node *found = NULL, *sec;
    size_t k;

    for (k = 0; (sec = api->rulepack_node(ctx, k)) != NULL; k++) {
        const pgr_config_node *e = policy_get(policy_get(sec, key), name);

        if (e)
            found = e;
    }
    return found;
}

static const char *
pack_string(pgr_ctx *ctx, const char *key, const char *name)
{
    return api->config_node_string(pack_entry(ctx, key, name));
}

/* The file name of a path (the policy's file is named, not where it is). */
static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* Settings whose values may hold a password or a command with keys in it
 * (primary_conninfo, archive_command): their values are never printed. */
static int
sensitive(const char *name)
{
    if (strcmp(name, "password_encryption") == 0)
        return 0;
    return strstr(name, "conninfo") || strstr(name, "command") || strstr(name, "password") ||
        strstr(name, "passphrase") || strstr(name, "secret");
}

/* "name is value" (or "name is not set"), redacted where needed. */
static void
describe(const judged *j, char *buf, size_t size)
{
    char red[64];

    if (j->value == NULL)
        snprintf(buf, size, "%s is not set", j->name);
    else if (j->defaulted && j->value[0] == '\0')
        snprintf(buf, size, "%s is not set (empty by default)", j->name);
    else if (j->defaulted)
        snprintf(buf, size, "%s is not set, so its default %s applies", j->name, j->value);
    else
        snprintf(buf, size, "%s is %s", j->name,
                 sensitive(j->name) ? api->redact(j->value, red, sizeof red) : j->value);
}

/* The shipped control for j->name, if any, on a value written down. */
static void
judge_control(pgr_ctx *ctx, const judged *j)
{
    const pgr_config_node *c = pack_entry(ctx, "controls", j->name);
    const char *rule, *msg;
    char why[256], what[320];

    if (c == NULL || j->value == NULL || j->defaulted)
        return;
    rule = api->config_node_string(policy_get(c, "rule"));
    msg = api->config_node_string(policy_get(c, "message"));
    if (rule == NULL ||
        policy_test(c, j->value, pack_string(ctx, "units", j->name), why, sizeof why))
        return;
    describe(j, what, sizeof what);
    pgr_reportf(api, ctx, rule, j->location, "%s: %s", what, msg ? msg : why);
}

/* The team's policy entry e (for j->name) on j. */
static void
judge_policy(pgr_ctx *ctx, const pgr_config_node *e, const judged *j)
{
    char why[256], what[320];
    pgr_location pl;

    if (policy_test(e, j->value, pack_string(ctx, "units", j->name), why, sizeof why))
        return;
    describe(j, what, sizeof what);
    api->config_node_location(e, &pl);
    pgr_reportf(api, ctx, "settings/policy", j->location, "%s: %s (policy %s:%u)", what, why,
                base_name(pl.path), (unsigned) pl.line);
}

/* The model being judged, for by_name (qsort has no argument). */
static const pgr_model *sorting;

/* Setting indexes by name (ASCII case folded), then by place in the file. */
static int
by_name(const void *a, const void *b)
{
    size_t x = *(const size_t *) a, y = *(const size_t *) b;
    int c = strcasecmp(sorting->settings[x].name, sorting->settings[y].name);

    return c != 0 ? c : (x > y) - (x < y);
}

/*
 * The settings of m by name: indexes sorted by name, then file order (n:
 * m->n_settings; caller frees), and in *counted (caller frees) which of
 * them are judged.  A whole configuration's setting written twice counts
 * once, as the server reads it: the last line wins (an include comes where
 * it is written).  A partial source keeps every occurrence: two services
 * of one compose file, two documents of one manifest, each sets its own
 * server.  NULL when out of memory.
 */
static size_t *
settings_by_name(const pgr_model *m, bool **counted)
{
    size_t *idx = malloc((m->n_settings + 1) * sizeof *idx), i;

    *counted = calloc(m->n_settings + 1, sizeof **counted);
    if (idx == NULL || *counted == NULL) {
        free(idx);
        free(*counted);
        return NULL;
    }
    for (i = 0; i < m->n_settings; i++)
        idx[i] = i;
    sorting = m;
    qsort(idx, m->n_settings, sizeof *idx, by_name);
    sorting = NULL;
    for (i = 0; i < m->n_settings; i++)
        (*counted)[idx[i]] = m->settings_scope == PGR_SETTINGS_PARTIAL || i + 1 == m->n_settings ||
            strcasecmp(m->settings[idx[i]].name, m->settings[idx[i + 1]].name) != 0;
    return idx;
}

/* Whether m is read from a compose file of a laptop or a CI job. */
static bool
local_compose(const pgr_model *m)
{
    const char *path = m->origin.path, *base;

    if (path == NULL)
        return false;
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strstr(base, "compose") != NULL && compose_local_runtime_file(path);
}

/* The first of the n sorted indexes naming name, or n. */
static size_t
first_named(const pgr_model *m, const size_t *idx, size_t n, const char *name)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcasecmp(m->settings[idx[mid]].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int
is_pgbouncer(const char *name)
{
    return strncmp(name, "pgbouncer.", 10) == 0;
}

/* A policy entry on a setting m does not write. */
static void
judge_unset(pgr_ctx *ctx, const pgr_model *m, const char *name, const pgr_config_node *e)
{
    judged j = { name, NULL, &m->origin, 0 };
    char why[256];
    pgr_location pl;

    /* Only a whole configuration of the setting's kind leaves it to its
     * default (pgr_model.settings_scope, set by the front-end that read it). */
    if (m->settings_scope != (is_pgbouncer(name) ? PGR_SETTINGS_PGBOUNCER : PGR_SETTINGS_SERVER))
        return;
    j.value = pack_string(ctx, "defaults", name);
    j.defaulted = j.value != NULL;
    if (j.value == NULL && m->is_live) {
        /* pg_settings hides superuser-only settings from other roles, and
         * an extension's settings exist only once it is loaded. */
        if (!policy_requires_value(e) || policy_test(e, NULL, NULL, why, sizeof why))
            return;
        api->config_node_location(e, &pl);
        pgr_reportf(api, ctx, "settings/policy-unverified", &m->origin,
                    "%s is not visible to the audit's role (pg_read_all_settings) or not defined "
                    "on this server; policy %s:%u not verified", name, base_name(pl.path),
                    (unsigned) pl.line);
        return;
    }
    judge_policy(ctx, e, &j);
}

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    const pgr_config_node *policy = api->config_node(ctx, NULL);
    bool *counted;
    size_t i, k, *idx = settings_by_name(m, &counted);

    if (idx == NULL)
        return;
    /* A local compose file's server (command: postgres -c ...) is a
     * throwaway, as its environment is (on_value_file): the shipped
     * controls judge deployments; a team's policy judges wherever it says. */
    for (i = 0; i < m->n_settings && !local_compose(m); i++) {
        judged j = { m->settings[i].name, m->settings[i].value, &m->settings[i].location, 0 };

        if (counted[i])
            judge_control(ctx, &j);
    }
    for (i = 0; i < api->config_node_length(policy); i++) {
        const char *name = api->config_node_key(policy, i);
        bool any = false;

        for (k = first_named(m, idx, m->n_settings, name);
             k < m->n_settings && strcasecmp(m->settings[idx[k]].name, name) == 0; k++) {
            const pgr_setting *st = &m->settings[idx[k]];
            judged j = { name, st->value, &st->location, 0 };

            if (!counted[idx[k]])
                continue;
            judge_policy(ctx, api->config_node_item(policy, i), &j);
            any = true;
        }
        if (!any)
            judge_unset(ctx, m, name, api->config_node_item(policy, i));
    }
    free(counted);
    free(idx);
}

/*
 * Images configured by environment variables (rules/settings.yml
 * `environment:`): PGBOUNCER_POOL_MODE=session in a Kubernetes manifest is
 * pgbouncer.pool_mode.  Judged as written: such a file is never the whole
 * configuration.  JavaScript's process.env.X || 'v' is the application
 * reading a variable, not setting it.
 */
static void
on_value_file(pgr_ctx *ctx, const pgr_value_file *f)
{
    const pgr_config_node *policy = api->config_node(ctx, NULL);
    size_t i, k;

    if (f->format == PGR_FORMAT_JAVASCRIPT)
        return;
    for (i = 0; i < f->n_values; i++) {
        const pgr_value *v = &f->values[i];
        const char *name = v->key ? pack_string(ctx, "environment", v->key) : NULL;
        pgr_location loc;

        if (name == NULL || (v->flags & PGR_VALUE_FALLBACK))
            continue;
        api->value_location(f, i, 0, 0, &loc);
        {
            judged j = { name, v->value, &loc, 0 };

            /* A local compose file's or CI service's pooler is a throwaway:
             * the shipped controls judge deployments; a team's policy
             * judges wherever it says. */
            if (!compose_local_runtime_file(f->path))
                judge_control(ctx, &j);
            for (k = 0; k < api->config_node_length(policy); k++)
                if (strcasecmp(api->config_node_key(policy, k), name) == 0)
                    judge_policy(ctx, api->config_node_item(policy, k), &j);
        }
    }
}

/* The value of one argument of ALTER SYSTEM SET (an A_Const, "AConst" in the protobuf): a string,
 * an integer or a number, written into buf. */
static int
const_text(const pgr_node *c, char *buf, size_t size)
{
    const pgr_node *v;

    if (c == NULL || strcmp(api->node_tag(c), "AConst") != 0)
        return -1;
    if ((v = api->node_child(c, "sval")) != NULL)
        snprintf(buf, size, "%s", api->node_string(v, "sval") ? api->node_string(v, "sval") : "");
    else if ((v = api->node_child(c, "fval")) != NULL)
        snprintf(buf, size, "%s", api->node_string(v, "fval") ? api->node_string(v, "fval") : "");
    else if ((v = api->node_child(c, "ival")) != NULL)
        snprintf(buf, size, "%lld", (long long) api->node_int(v, "ival", 0));
    else if ((v = api->node_child(c, "boolval")) != NULL)
        snprintf(buf, size, "%s", api->node_int(v, "boolval", 0) ? "on" : "off");
    else
        return -1;
    return 0;
}

/*
 * ALTER SYSTEM SET name = value in a migration or a script writes
 * postgresql.auto.conf: a setting like any other (PostgreSQL docs ALTER
 * SYSTEM).  Several values (shared_preload_libraries = 'a', 'b') are one
 * comma-separated list.  SET ... TO DEFAULT and RESET remove a value: not
 * judged.
 */
static void
on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    const pgr_node *set = api->node_child(stmt->root, "setstmt");
    const pgr_config_node *policy, *e;
    char value[1024] = "", one[512];
    const char *name, *kind;
    size_t i, n;
    pgr_location loc;

    if (set == NULL || strcmp(api->node_tag(stmt->root), "AlterSystemStmt") != 0)
        return;
    name = api->node_string(set, "name");
    kind = api->node_string(set, "kind");
    n = api->node_list_length(set, "args");
    if (name == NULL || kind == NULL || strcmp(kind, "VAR_SET_VALUE") != 0 || n == 0)
        return;
    for (i = 0; i < n; i++) {
        if (const_text(api->node_list_item(set, "args", i), one, sizeof one) != 0)
            return;
        snprintf(value + strlen(value), sizeof value - strlen(value), "%s%s", i ? "," : "", one);
    }
    api->sql_location(stmt, api->node_int(api->node_list_item(set, "args", 0), "location", -1), 0,
                      &loc);
    {
        judged j = { name, value, &loc, 0 };

        judge_control(ctx, &j);
        policy = api->config_node(ctx, NULL);
        for (i = 0; i < api->config_node_length(policy); i++) {
            if (strcasecmp(api->config_node_key(policy, i), name) != 0)
                continue;
            e = api->config_node_item(policy, i);
            judge_policy(ctx, e, &j);
        }
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "settings", "1",
    sizeof rules / sizeof rules[0], rules,
    sizeof config_keys / sizeof config_keys[0], config_keys,
    on_sql_statement, on_value_file, NULL, on_model, NULL, NULL, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
