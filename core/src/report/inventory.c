/*
 * inventory.c — pgrampart audit --inventory: what deployment checklists ask
 * a person to eyeball in a live database ("RLS enabled on every table",
 * "policies exist (should be 4)", "connection limits set"), listed from the
 * live model the audit already read: tables with their RLS flags and
 * policies per command, roles with login, superuser, BYPASSRLS and
 * connection limit.  Built once as JSON; the JSON reporter adds it to its
 * document, the text reporter prints it from there, escaping every name
 * (names are chosen by whoever owns the database).
 */
#include "report/reporter.h"

#include <string.h>

/* pg_policy.polcmd letters and the commands they name, in print order. */
static const struct {
    char polcmd;
    const char *command;
} commands[] = {
    { 'r', "SELECT" }, { 'a', "INSERT" }, { 'w', "UPDATE" }, { 'd', "DELETE" }, { '*', "ALL" },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* The policies of table t per command, as a JSON object. */
static json_t *
policy_counts(const pgr_model *m, const pgr_table *t)
{
    json_int_t n[N_COMMANDS] = { 0 };
    json_t *o = json_object();
    size_t i, k;

    for (i = 0; i < m->n_policies; i++) {
        const pgr_policy *p = &m->policies[i];

        if (strcmp(p->schema, t->schema) != 0 || strcmp(p->table, t->name) != 0)
            continue;
        for (k = 0; k < N_COMMANDS; k++)
            if (commands[k].polcmd == p->polcmd)
                n[k]++;
    }
    for (k = 0; k < N_COMMANDS; k++)
        json_object_set_new(o, commands[k].command, json_integer(n[k]));
    return o;
}

json_t *
report_inventory(const pgr_model *m)
{
    json_t *inv = json_object(), *tables = json_array(), *roles = json_array();
    size_t i;

    for (i = 0; i < m->n_tables; i++) {
        const pgr_table *t = &m->tables[i];
        json_t *o = json_object();

        json_object_set_new(o, "schema", report_json_string(t->schema));
        json_object_set_new(o, "name", report_json_string(t->name));
        json_object_set_new(o, "owner", t->owner ? report_json_string(t->owner) : json_null());
        json_object_set_new(o, "rls_enabled", json_boolean(t->relrowsecurity));
        json_object_set_new(o, "rls_forced", json_boolean(t->relforcerowsecurity));
        json_object_set_new(o, "policies", policy_counts(m, t));
        json_array_append_new(tables, o);
    }
    for (i = 0; i < m->n_roles; i++) {
        const pgr_role *r = &m->roles[i];
        json_t *o = json_object();

        json_object_set_new(o, "name", report_json_string(r->name));
        json_object_set_new(o, "login", json_boolean(r->rolcanlogin));
        json_object_set_new(o, "superuser", json_boolean(r->rolsuper));
        json_object_set_new(o, "bypassrls", json_boolean(r->rolbypassrls));
        /* -1: no limit, as pg_roles.rolconnlimit. */
        json_object_set_new(o, "connection_limit", json_integer(r->rolconnlimit));
        json_array_append_new(roles, o);
    }
    json_object_set_new(inv, "tables", tables);
    json_object_set_new(inv, "roles", roles);
    return inv;
}

static const char *
text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static bool
flag_of(const json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

/* "  table public.users: RLS enabled, forced; policies SELECT 1, ..." —
 * indented, so that no name can pass for a finding's header line. */
static void
table_line(const json_t *t, FILE *out)
{
    const json_t *p = json_object_get(t, "policies");
    size_t k;

    fputs("  table ", out);
    diag_put_safe(out, text_of(t, "schema"));
    fputc('.', out);
    diag_put_safe(out, text_of(t, "name"));
    fprintf(out, ": RLS %s%s; policies", flag_of(t, "rls_enabled") ? "enabled" : "disabled",
            flag_of(t, "rls_forced") ? ", forced" : "");
    for (k = 0; k < N_COMMANDS; k++)
        fprintf(out, "%s %s %lld", k ? "," : "", commands[k].command,
                (long long) json_integer_value(json_object_get(p, commands[k].command)));
    fputc('\n', out);
}

static void
role_line(const json_t *r, FILE *out)
{
    json_int_t limit = json_integer_value(json_object_get(r, "connection_limit"));

    fputs("  role ", out);
    diag_put_safe(out, text_of(r, "name"));
    fprintf(out, ": %s%s%s, ", flag_of(r, "login") ? "LOGIN" : "NOLOGIN",
            flag_of(r, "superuser") ? " SUPERUSER" : "", flag_of(r, "bypassrls") ? " BYPASSRLS" : "");
    if (limit < 0)
        fputs("no connection limit\n", out);
    else
        fprintf(out, "connection limit %lld\n", (long long) limit);
}

void
report_inventory_text(const json_t *inv, FILE *out)
{
    const json_t *tables = json_object_get(inv, "tables"), *roles = json_object_get(inv, "roles");
    size_t i;

    fprintf(out, "inventory: %zu table%s, %zu role%s\n", json_array_size(tables),
            json_array_size(tables) == 1 ? "" : "s", json_array_size(roles),
            json_array_size(roles) == 1 ? "" : "s");
    for (i = 0; i < json_array_size(tables); i++)
        table_line(json_array_get(tables, i), out);
    for (i = 0; i < json_array_size(roles); i++)
        role_line(json_array_get(roles, i), out);
}
