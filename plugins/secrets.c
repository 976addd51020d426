/*
 * secrets.c — hardcoded credentials.
 *
 * secrets/hardcoded-password: a password inside a PostgreSQL connection
 * string of an env file; PASSWORD 'literal' in CREATE/ALTER ROLE/USER and
 * in user mappings.  References (${VAR}, $VAR), psql variables (:'pw') and
 * placeholders (rules/secrets.yml) are not secrets.  Messages show a
 * secret redacted: its first two bytes and its length.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

static const pgr_rule rules[] = {
    { "secrets/hardcoded-password", PGR_SEVERITY_ERROR,
      "A database password is written into a committed file.",
      "Read it from the environment or a secret store: ${DB_PASSWORD}, psql :'password'.",
      "OWASP ASVS 2.10.4 (no secrets in source); checklist: \"no credentials in the repository\"" },
};

/* Whether value is a reference or an obvious placeholder, not a secret. */
static int
is_placeholder(pgr_ctx *ctx, const char *v)
{
    size_t len = strlen(v), i, n;

    if (len == 0)
        return 1;
    /* ${VAR}, $VAR, {{ template }}, <fill-me-in>, %(name)s */
    if (v[0] == '$' && (v[1] == '{' || isalpha((unsigned char) v[1]) || v[1] == '_'))
        return 1;
    if ((v[0] == '<' && v[len - 1] == '>') || (len >= 4 && strncmp(v, "{{", 2) == 0) ||
        strncmp(v, "%(", 2) == 0)
        return 1;
    /* A psql variable, as the SQL front-end rewrites :'pw' to ':pw'. */
    if (v[0] == ':' && (isalpha((unsigned char) v[1]) || v[1] == '_'))
        return 1;
    /* One character repeated: "xxxxxx", "******". */
    for (i = 1; i < len && v[i] == v[0]; i++)
        ;
    if (i == len && len >= 3 &&
        (!isalnum((unsigned char) v[0]) || v[0] == 'x' || v[0] == 'X'))
        return 1;
    n = api->rulepack_list_length(ctx, "placeholders");
    for (i = 0; i < n; i++)
        if (strcasecmp(api->rulepack_list_item(ctx, "placeholders", i), v) == 0)
            return 1;
    return 0;
}

static void
report(pgr_ctx *ctx, const pgr_location *where, const pgr_location *secret, const char *what,
       const char *value)
{
    char red[64], msg[512];
    pgr_finding f;

    api->redact(value, red, sizeof red);
    snprintf(msg, sizeof msg, "hardcoded password in %s: %s", what, red);
    memset(&f, 0, sizeof f);
    f.rule_id = "secrets/hardcoded-password";
    f.location = *where;
    f.message = msg;
    f.secret = *secret;
    api->report(ctx, &f);
}

static void
on_env_file(pgr_ctx *ctx, const pgr_env_file *f)
{
    size_t i, off, len;
    char what[300];

    for (i = 0; i < f->n_entries; i++) {
        const pgr_env_entry *e = &f->entries[i];
        pgr_conninfo *ci = api->conninfo_parse(e->value);
        const char *pw = ci ? api->conninfo_value(ci, "password") : NULL;
        pgr_location loc;

        if (pw && !is_placeholder(ctx, pw)) {
            if (api->conninfo_password_span(e->value, &off, &len))
                api->env_value_location(f, i, off, len, &loc);
            else
                loc = e->value_location;
            snprintf(what, sizeof what, "the connection string %s", e->key);
            report(ctx, &loc, &loc, what, pw);
        }
        api->conninfo_free(ci);
    }
}

/* The span of the quoted literal that follows byte offset from in stmt. */
static void
literal_location(const pgr_sql_statement *stmt, int64_t from, pgr_location *out)
{
    int64_t rel = from - stmt->text_location, i, j;

    for (i = rel < 0 ? 0 : rel; i < (int64_t) stmt->text_len && stmt->text[i] != '\''; i++)
        ;
    for (j = i + 1; j < (int64_t) stmt->text_len && stmt->text[j] != '\''; j++)
        ;
    if (i >= (int64_t) stmt->text_len) {
        api->sql_location(stmt, from, 1, out);
        return;
    }
    api->sql_location(stmt, stmt->text_location + i + 1, (size_t) (j - i - 1), out);
}

static void
on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    const char *tag = api->node_tag(stmt->root);
    const char *list = "options";
    size_t i, n;
    char what[300];

    if (strcmp(tag, "CreateRoleStmt") && strcmp(tag, "AlterRoleStmt") &&
        strcmp(tag, "CreateUserMappingStmt") && strcmp(tag, "AlterUserMappingStmt"))
        return;
    n = api->node_list_length(stmt->root, list);
    for (i = 0; i < n; i++) {
        const pgr_node *d = api->node_list_item(stmt->root, list, i);
        const char *name = api->node_string(d, "defname");
        const pgr_node *arg = api->node_child(d, "arg");
        const char *value = arg ? api->node_string(arg, "sval") : NULL;
        const char *role = api->node_string(stmt->root, "role");
        pgr_location loc;

        if (name == NULL || strcmp(name, "password") != 0 || value == NULL ||
            is_placeholder(ctx, value))
            continue;
        if (role == NULL) {
            const pgr_node *spec = api->node_child(stmt->root, "role");

            role = spec ? api->node_string(spec, "rolename") : NULL;
        }
        literal_location(stmt, api->node_int(d, "location", -1), &loc);
        snprintf(what, sizeof what, "%s %s%s", tag[0] == 'C' ? "CREATE" : "ALTER",
                 strstr(tag, "Mapping") ? "USER MAPPING" : "ROLE", role ? "" : "");
        if (role)
            snprintf(what + strlen(what), sizeof what - strlen(what), " %s", role);
        report(ctx, &loc, &loc, what, value);
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "secrets", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    on_sql_statement, on_env_file, NULL, NULL, NULL, NULL, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
