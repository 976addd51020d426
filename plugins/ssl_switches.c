/*
 * ssl_switches.c — application TLS switches of the database connection
 * (rules/ssl.yml app_tls_switches: DB_SSL=false, PGSSL=0,
 * POSTGRES_DISABLE_TLS=true, *_SSL_REJECT_UNAUTHORIZED=false), for the ssl
 * plugin: ssl/app-tls-disabled, and ssl/tls-verification-disabled for the
 * switches that turn the certificate check off.  A switch beside a
 * database host that is local, a compose service or a variable is a
 * development stack's and is not reported, like one in a CI pipeline or a
 * development environment (.gitpod.yml, .devcontainer/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "compose.h"
#include "ssl.h"

/*
 * Application TLS switches (rules/ssl.yml, ssl.app_tls_switches): settings
 * an application or image reads to turn TLS, or the certificate check, off
 * for its database connection.  Compiled once per run, freed by
 * ssl_switches_finish.
 */
typedef struct tls_switch {
    pgr_regex *name;        /* matches the setting's name */
    const char *off;        /* comma-separated values (any case) that turn it off */
    const char *rule;       /* ssl/app-tls-disabled or ssl/tls-verification-disabled */
} tls_switch;

static tls_switch *switches;
static size_t n_switches;
static pgr_regex **host_names;  /* ssl.database_host_names */
static size_t n_host_names;
static bool switches_loaded;

/* Compile one rule-pack regex; a bad one is logged and skipped (NULL). */
static pgr_regex *
pack_regex(pgr_ctx *ctx, const char *what, const char *regex)
{
    char err[256], msg[512];
    pgr_regex *re = regex ? api->regex_compile(regex, err, sizeof err) : NULL;

    if (re == NULL) {
        snprintf(msg, sizeof msg, "rule-pack %s not used: %s", what, regex ? err : "no regex");
        api->log(ctx, PGR_SEVERITY_WARNING, msg);
    }
    return re;
}

static void
load_switches(pgr_ctx *ctx)
{
    size_t i, n = api->rulepack_list_length(ctx, "app_tls_switches");
    size_t nh = api->rulepack_list_length(ctx, "database_host_names");

    switches_loaded = true;
    switches = calloc(n ? n : 1, sizeof *switches);
    host_names = calloc(nh ? nh : 1, sizeof *host_names);
    if (switches == NULL || host_names == NULL)
        return;
    for (i = 0; i < n; i++) {
        tls_switch *t = &switches[n_switches];
        const char *rule = api->rulepack_item_field(ctx, "app_tls_switches", i, "rule");

        t->name = pack_regex(ctx, "ssl.app_tls_switches name",
                             api->rulepack_item_field(ctx, "app_tls_switches", i, "name"));
        t->off = api->rulepack_item_field(ctx, "app_tls_switches", i, "off");
        /* Only this plugin's two rules; anything else is the default one. */
        t->rule = rule && strcmp(rule, "ssl/tls-verification-disabled") == 0
            ? "ssl/tls-verification-disabled" : "ssl/app-tls-disabled";
        if (t->name != NULL && t->off != NULL)
            n_switches++;
        else
            api->regex_free(t->name);
    }
    for (i = 0; i < nh; i++) {
        pgr_regex *re = pack_regex(ctx, "ssl.database_host_names",
                                   api->rulepack_list_item(ctx, "database_host_names", i));

        if (re)
            host_names[n_host_names++] = re;
    }
}

void
ssl_switches_finish(void)
{
    size_t i;

    for (i = 0; i < n_switches; i++)
        api->regex_free(switches[i].name);
    for (i = 0; i < n_host_names; i++)
        api->regex_free(host_names[i]);
    free(switches);
    free(host_names);
    switches = NULL;
    host_names = NULL;
    n_switches = n_host_names = 0;
    switches_loaded = false;
}

/* Whether v is one of the comma-separated words of list, in any case. */
static bool
in_list(const char *list, const char *v)
{
    size_t n = strlen(v);
    const char *p = list;

    while (*p) {
        size_t w;

        p += strspn(p, ", ");
        w = strcspn(p, ",");
        if (w == n && n > 0 && strncasecmp(p, v, n) == 0)
            return true;
        p += w;
    }
    return false;
}

/* Whether re matches the setting name text; names over 128 bytes are no
 * switch's, and a hostile one would cost the nested repetitions of the
 * rule pack's patterns quadratic time. */
static bool
regex_matches(const pgr_regex *re, const char *text)
{
    size_t s, l, n = strlen(text);

    return n <= 128 && api->regex_match(re, text, n, 0, &s, &l);
}

/* The switch setting e turns off (its name and an "off" value), or NULL. */
static const tls_switch *
switch_turned_off(const pgr_value *e)
{
    size_t k;

    for (k = 0; k < n_switches; k++)
        if (e->key[0] && regex_matches(switches[k].name, e->key) && in_list(switches[k].off, e->value))
            return &switches[k];
    return NULL;
}

/* Whether a and b of f are set in the same environment: an env file or a
 * script is one; elsewhere the same mapping (a compose service's
 * environment, a Kubernetes env list, a CI step's env). */
static bool
same_environment(const pgr_value_file *f, const pgr_value *a, const pgr_value *b)
{
    size_t n = parent_len(a->key_path);

    if (f->format == PGR_FORMAT_DOTENV || f->format == PGR_FORMAT_SHELL)
        return true;
    return n == parent_len(b->key_path) && strncmp(a->key_path, b->key_path, n) == 0;
}

/*
 * Where the database of a TLS switch is, from the settings beside it: a
 * connection string, or a setting named like a database host (DB_HOST,
 * ssl.database_host_names).  -1: nothing says; 0: every host named is
 * local, a compose service or a variable; 1: one is on the network.
 */
static int
database_host_beside(const pgr_value_file *f, const pgr_value *e)
{
    int where = -1;
    size_t i, k;

    for (i = 0; i < f->n_values && where != 1; i++) {
        const pgr_value *o = &f->values[i];
        pgr_conninfo *ci = NULL;
        char conninfo[600];

        if (o == e || !same_environment(f, e, o))
            continue;
        ci = api->conninfo_parse(o->value);
        for (k = 0; ci == NULL && k < n_host_names; k++) {
            if (o->key[0] && regex_matches(host_names[k], o->key) && *o->value &&
                strchr(o->value, '\'') == NULL && strlen(o->value) < 500) {
                snprintf(conninfo, sizeof conninfo, "host='%s'", o->value);
                ci = api->conninfo_parse(conninfo);
            }
        }
        if (ci != NULL)
            where = host_not_remote(f, ci) ? 0 : 1;
        api->conninfo_free(ci);
    }
    return where;
}

bool
ssl_switches_check(pgr_ctx *ctx, const pgr_value_file *f, size_t i)
{
    const pgr_value *e = &f->values[i];
    const tls_switch *t;
    char msg[512];

    if (!switches_loaded)
        load_switches(ctx);
    t = switch_turned_off(e);
    if (t == NULL)
        return false;
    /* A CI pipeline's or a development environment's database is a
     * throwaway service container or a local one, as is one beside it. */
    if (compose_ci_file(f->path) || compose_dev_env_file(f->path) || database_host_beside(f, e) == 0)
        return true;
    if (strcmp(t->rule, "ssl/app-tls-disabled") == 0)
        snprintf(msg, sizeof msg, "%s=%s switches TLS off for the application's database "
                 "connection: the password and every row cross the network in plain text",
                 e->key, e->value);
    else
        snprintf(msg, sizeof msg, "%s=%s accepts any certificate from the database server: "
                 "anyone on the path can impersonate it", e->key, e->value);
    report_rule(ctx, f, i, t->rule, msg);
    return true;
}
