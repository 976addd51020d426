/*
 * env.c — the environment an application is deployed with, against the
 * team's policy (`env:` in .pgrampart.yml: per file pattern or path role,
 * the variables a file must set and how: NODE_ENV=production, a
 * DATABASE_URL through the pooler, SPLIT_DB_MODE=true), and a built-in
 * check that a shadow or test database URL is not the main database's (a
 * shadow database is dropped and recreated by the migration tool).  Reads
 * every settings file: env files, compose/Kubernetes/Helm YAML, shell and
 * JS/TS.  The rules and their docs are in rules[] below.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "compose.h"
#include "policy.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "env/policy", PGR_SEVERITY_ERROR,
      "An environment file breaks the team's policy (`env:` in .pgrampart.yml): a required "
      "variable is missing or has the wrong value.",
      "Set the variable as the policy line named in the message asks, or change the policy.",
      "The team's deployment checklist (\"NODE_ENV=production set\", \"connection string uses "
      "the pooler\"), written once as policy",
      "A production deploy without NODE_ENV=production runs development code paths; a "
      "DATABASE_URL that skips the pooler exhausts the server's connections under load.",
      ".pgrampart.yml:   env: {.env.production: {NODE_ENV: {equals: production}}}\n"
      ".env.production:  NODE_ENV=development",
      ".env.production:  NODE_ENV=production" },
    { "env/shadow-database-is-main", PGR_SEVERITY_ERROR,
      "A shadow or test database URL points at the same server and database as the main "
      "DATABASE_URL.",
      "Give the shadow/test database its own database (or server); never the production one.",
      "Prisma docs \"About the shadow database\" (it is dropped and recreated by migrate dev); "
      "checklist: \"SHADOW_DATABASE_URL for migrations (not the production database)\"",
      "The migration tool resets a shadow database and test suites truncate theirs: pointed at "
      "the main database, they wipe production data.",
      "DATABASE_URL=postgres://app@db.example.com/app\n"
      "SHADOW_DATABASE_URL=postgres://app@db.example.com/app",
      "DATABASE_URL=postgres://app@db.example.com/app\n"
      "SHADOW_DATABASE_URL=postgres://app@db.example.com/app_shadow" },
};

static const pgr_config_key config_keys[] = {
    { "*", PGR_CONFIG_POLICY_SET,
      "Per file pattern (fnmatch on the path or the file name: .env.production, deploy/*.yaml) or "
      "path role (production, example, test, docs): variables and their tests: equals, in, "
      "not_in, present, matches, host_matches (the hosts of a connection string), min, max.",
      policy_test_names, NULL },
};

static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* Whether the policy key pattern applies to f: a path role's name, or a
 * shell pattern on the path or the file name. */
static int
applies(pgr_ctx *ctx, const char *pattern, const pgr_value_file *f)
{
    if (strcmp(pattern, "production") == 0 || strcmp(pattern, "example") == 0 ||
        strcmp(pattern, "test") == 0 || strcmp(pattern, "docs") == 0)
        return strcmp(api->path_role(ctx, f->path), pattern) == 0;
    return fnmatch(pattern, f->path, 0) == 0 || fnmatch(pattern, base_name(f->path), 0) == 0;
}

/* The last value of key in f (a later assignment wins), or -1. */
static long
find_value(const pgr_value_file *f, const char *key)
{
    long found = -1;
    size_t i;

    for (i = 0; i < f->n_values; i++)
        if (f->values[i].key && strcmp(f->values[i].key, key) == 0)
            found = (long) i;
    return found;
}

/* Names whose values may be secrets (a URL holds its password): the
 * message says what is wrong without the value. */
static int
secret_name(const char *key)
{
    static const char *const words[] = { "PASSWORD", "SECRET", "TOKEN", "KEY", "URL", "DSN", NULL };
    size_t i;

    for (i = 0; words[i]; i++)
        if (strcasestr(key, words[i]))
            return 1;
    return 0;
}

/* Variable key of entry (its tests) on f, which pattern's policy covers. */
static void
judge(pgr_ctx *ctx, const pgr_value_file *f, const char *key, const pgr_config_node *entry)
{
    long i = find_value(f, key);
    const char *value = i >= 0 ? f->values[i].value : NULL;
    char why[256];
    pgr_location loc = { f->path, 1, 1, 1, 1, NULL }, pl;

    if (policy_test(entry, value, NULL, why, sizeof why))
        return;
    api->config_node_location(entry, &pl);
    if (i >= 0)
        api->value_location(f, (size_t) i, 0, 0, &loc);
    if (value == NULL)
        pgr_reportf(api, ctx, "env/policy", &loc, "%s is not set (policy %s:%u)", key,
                    base_name(pl.path), (unsigned) pl.line);
    else if (secret_name(key))
        pgr_reportf(api, ctx, "env/policy", &loc, "%s: %s (policy %s:%u)", key, why,
                    base_name(pl.path), (unsigned) pl.line);
    else
        pgr_reportf(api, ctx, "env/policy", &loc, "%s is %s: %s (policy %s:%u)", key, value, why,
                    base_name(pl.path), (unsigned) pl.line);
}

static void
check_policy(pgr_ctx *ctx, const pgr_value_file *f)
{
    const pgr_config_node *set = api->config_node(ctx, NULL);
    size_t p, k;

    for (p = 0; p < api->config_node_length(set); p++) {
        const pgr_config_node *policy = api->config_node_item(set, p);

        if (!applies(ctx, api->config_node_key(set, p), f))
            continue;
        for (k = 0; k < api->config_node_length(policy); k++)
            judge(ctx, f, api->config_node_key(policy, k), api->config_node_item(policy, k));
    }
}

/*
 * Whether key names a shadow or test database's URL (SHADOW_DATABASE_URL,
 * TEST_DATABASE_URL, DATABASE_URL_TEST, PRISMA_SHADOW_DATABASE_URL), or the
 * main one (DATABASE_URL, DB_URL, POSTGRES_URL).  DIRECT_URL is the main
 * database without the pooler: the same database by design.
 */
static int
shadow_key(const char *key)
{
    return (strstr(key, "SHADOW") || strstr(key, "TEST")) &&
        (strstr(key, "DATABASE_URL") || strstr(key, "DB_URL") || strstr(key, "POSTGRES_URL"));
}

static int
main_key(const char *key)
{
    return strcmp(key, "DATABASE_URL") == 0 || strcmp(key, "DB_URL") == 0 ||
        strcmp(key, "POSTGRES_URL") == 0;
}

/* host, port (default 5432) and database (default: the user) of ci, as one
 * comparable string; 0 when the URL does not name them. */
static int
target_of(const pgr_conninfo *ci, char *buf, size_t size)
{
    const char *host = api->conninfo_value(ci, "host");
    const char *port = api->conninfo_value(ci, "port");
    const char *db = api->conninfo_value(ci, "dbname");
    size_t i;

    if (db == NULL || db[0] == '\0')
        db = api->conninfo_value(ci, "user");
    if (host == NULL || host[0] == '\0' || db == NULL || db[0] == '\0')
        return 0;
    snprintf(buf, size, "%s:%s/%s", host, port && port[0] ? port : "5432", db);
    for (i = 0; buf[i] && buf[i] != '/'; i++)
        buf[i] = (char) tolower((unsigned char) buf[i]);
    return 1;
}

/* The target of value i of f when it is a remote database's URL. */
static int
remote_target(const pgr_value_file *f, size_t i, char *buf, size_t size)
{
    pgr_conninfo *ci = api->conninfo_parse(f->values[i].value);
    int ok;

    if (ci == NULL)
        return 0;
    ok = !api->conninfo_is_local(ci) &&
        !compose_hosts_are_services(f, api->conninfo_value(ci, "host")) &&
        !compose_host_is_variable(api->conninfo_value(ci, "host")) && target_of(ci, buf, size);
    api->conninfo_free(ci);
    return ok;
}

/* A shadow/test URL of f that names the main URL's server and database.
 * Local and compose-service hosts are throwaway databases: not judged. */
static void
check_shadow(pgr_ctx *ctx, const pgr_value_file *f)
{
    char main_target[512], target[512];
    long m = -1;
    size_t i;

    for (i = 0; i < f->n_values; i++)
        if (f->values[i].key && main_key(f->values[i].key))
            m = (long) i;
    if (m < 0 || !remote_target(f, (size_t) m, main_target, sizeof main_target))
        return;
    for (i = 0; i < f->n_values; i++) {
        pgr_location loc;

        if (f->values[i].key == NULL || !shadow_key(f->values[i].key) ||
            !remote_target(f, i, target, sizeof target) || strcmp(target, main_target) != 0)
            continue;
        api->value_location(f, i, 0, 0, &loc);
        pgr_reportf(api, ctx, "env/shadow-database-is-main", &loc,
                    "%s names the same database as %s (%s): resetting it wipes the main database",
                    f->values[i].key, f->values[m].key, strchr(target, '/') + 1);
    }
}

static void
on_value_file(pgr_ctx *ctx, const pgr_value_file *f)
{
    check_policy(ctx, f);
    check_shadow(ctx, f);
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "env", "1",
    sizeof rules / sizeof rules[0], rules,
    sizeof config_keys / sizeof config_keys[0], config_keys,
    NULL, on_value_file, NULL, NULL, NULL, NULL, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
