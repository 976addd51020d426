/*
 * rls.c — row-level security rules.
 *
 * All run on the schema model (replayed migrations, or a live catalog), so
 * renames keep RLS state, dropped tables and policies are not reported.
 * The rules and their docs are in rules[] below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "rls_notes.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "rls/table-without-rls", PGR_SEVERITY_ERROR,
      "A table is created without row-level security, and no later migration enables it (in a "
      "schema that uses RLS, or a table with the tenant column).",
      "ALTER TABLE <table> ENABLE ROW LEVEL SECURITY; then CREATE POLICY for each role that uses it.",
      "PostgreSQL docs 5.8 Row Security Policies; checklist: \"RLS enabled on every table\"",
      "Without row-level security every role with SELECT sees every tenant's rows.",
      "CREATE TABLE messages (tenant_id uuid, body text);",
      "CREATE TABLE messages (tenant_id uuid, body text);\n"
      "ALTER TABLE messages ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY tenant ON messages USING (tenant_id = "
      "current_setting('app.tenant_id')::uuid);" },
    { "rls/rls-without-policy", PGR_SEVERITY_WARNING,
      "Row-level security is enabled but the table has no policy, so it denies every row.",
      "CREATE POLICY ... for each role and command that uses the table.",
      "PostgreSQL docs 5.8 (\"If no policy exists for the table, a default-deny policy is used\"); "
      "checklist: \"policies exist\"",
      "With RLS on and no policy, every query by a non-owner returns nothing; usually a policy "
      "was forgotten.",
      "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;",
      "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY tenant ON audit_log USING (tenant_id = "
      "current_setting('app.tenant_id')::uuid);" },
    { "rls/policy-without-rls", PGR_SEVERITY_ERROR,
      "Policies exist on a table whose row-level security is off: they are not applied.",
      "ALTER TABLE <table> ENABLE ROW LEVEL SECURITY;",
      "PostgreSQL docs CREATE POLICY (\"policies ... are applied only when row-level security is enabled\")",
      "Policies are applied only when RLS is enabled; until then they give a false sense of "
      "isolation.",
      "CREATE POLICY tenant ON api_keys USING (tenant_id = "
      "current_setting('app.tenant_id')::uuid);",
      "ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY tenant ON api_keys USING (...);" },
    { "rls/policy-always-true", PGR_SEVERITY_ERROR,
      "A policy for INSERT, UPDATE, DELETE or ALL has a constant-true USING or WITH CHECK.",
      "Compare the row with the session's tenant or user, e.g. USING (tenant_id = current_setting('app.tenant_id')::uuid).",
      "PostgreSQL docs 5.8 Row Security Policies; Supabase splinter rls_policy_always_true",
      "A constant-true write policy lets any role write any row, whatever the other policies say "
      "(permissive policies are OR-ed).",
      "CREATE POLICY ins ON feedback FOR INSERT WITH CHECK (true);",
      "CREATE POLICY ins ON feedback FOR INSERT WITH CHECK (tenant_id = "
      "current_setting('app.tenant_id')::uuid);" },
    { "rls/policy-missing-with-check", PGR_SEVERITY_WARNING,
      "An INSERT, UPDATE or ALL policy has neither WITH CHECK nor USING: any row may be written.",
      "Add WITH CHECK (...) restricting the rows the role may write.",
      "PostgreSQL docs CREATE POLICY (WITH CHECK applies to INSERT and UPDATE)",
      "Without WITH CHECK (or USING) nothing limits which rows a role inserts or updates.",
      "CREATE POLICY upd ON users FOR UPDATE TO app_web;",
      "CREATE POLICY upd ON users FOR UPDATE TO app_web USING (id = "
      "current_setting('app.user_id')::uuid) WITH CHECK (id = "
      "current_setting('app.user_id')::uuid);" },
    { "rls/multiple-permissive-policies", PGR_SEVERITY_WARNING,
      "Two permissive policies apply to the same role and command: they are OR-ed together.",
      "Merge them into one policy, or make the narrowing one AS RESTRICTIVE.",
      "PostgreSQL docs 5.8 (permissive policies are combined with OR); splinter multiple_permissive_policies",
      "Permissive policies are OR-ed; the loosest one decides, and each adds planning cost.",
      "CREATE POLICY tenant ON messages USING (tenant_id = ...);\n"
      "CREATE POLICY support_read ON messages FOR SELECT USING (true);",
      "CREATE POLICY support_read ON messages AS RESTRICTIVE FOR SELECT USING (...);" },
    { "rls/rls-not-forced", PGR_SEVERITY_ERROR,
      "A table owned by an application role has RLS enabled but not forced: its owner bypasses the policies.",
      "ALTER TABLE <table> FORCE ROW LEVEL SECURITY; or let a non-application role own the table.",
      "PostgreSQL docs ALTER TABLE (FORCE ROW LEVEL SECURITY); checklist: \"webapp user cannot bypass RLS\"",
      "A table's owner bypasses its RLS unless FORCE is set; if the application connects as the "
      "owner, isolation is off.",
      "ALTER TABLE sessions OWNER TO app_web;  (app_web is the application role)",
      "ALTER TABLE sessions FORCE ROW LEVEL SECURITY;" },
    { "rls/tenant-policy-not-scoped", PGR_SEVERITY_ERROR,
      "A permissive policy on a tenant table never compares the tenant column: it crosses tenants.",
      "Add the tenant check, e.g. USING (tenant_id = current_setting('app.tenant_id')::uuid).",
      "PostgreSQL docs 5.8 Row Security Policies; checklist: \"tenant isolation verified\"",
      "A policy on a tenant table that never compares the tenant column lets rows of every tenant "
      "through.",
      "CREATE POLICY read ON messages FOR SELECT USING (true);",
      "CREATE POLICY read ON messages FOR SELECT USING (tenant_id = "
      "current_setting('app.tenant_id')::uuid);" },
    { "rls/policy-command-coverage", PGR_SEVERITY_INFO,
      "A tenant table's policies leave a command (SELECT, INSERT, UPDATE, DELETE) without a policy.",
      "Add a policy for the missing command if the application needs it; list the commands every "
      "tenant table is meant to allow in rls.intended_commands to hear only about those.",
      "Checklist: \"policies exist (should be 4)\"; PostgreSQL docs CREATE POLICY",
      "A command without a policy is denied to every role but the owner: the safe default, so this "
      "is info, for a reviewer to confirm the denial is deliberate (an append-only table has no "
      "UPDATE policy on purpose).  With rls.intended_commands set, only a missing command of that "
      "list is reported; raise the rule's severity to make it a gate.",
      "CREATE POLICY r ON invitations FOR SELECT USING (...);\n"
      "CREATE POLICY c ON invitations FOR INSERT WITH CHECK (...);",
      "CREATE POLICY all_ops ON invitations USING (...) WITH CHECK (...);" },
    { "rls/view-bypasses-rls", PGR_SEVERITY_ERROR,
      "A view reads a table with row-level security using its owner's rights, not the caller's.",
      "CREATE VIEW ... WITH (security_invoker = true) (PostgreSQL 15+), or revoke the view from roles "
      "that must not see every row.",
      "PostgreSQL docs CREATE VIEW (security_invoker); Supabase splinter security_definer_view",
      "A view runs with its owner's rights, so the base table's RLS is checked against the owner, "
      "not the caller.  A view no other role may use exposes nothing: the audit reads its ACL; "
      "check trusts a REVOKE ... FROM PUBLIC with no grant after it (grants a platform makes outside "
      "the migrations, such as Supabase's to anon and authenticated, must be revoked too).",
      "CREATE VIEW message_stats AS SELECT tenant_id, count(*) FROM messages GROUP BY 1;",
      "CREATE VIEW message_stats WITH (security_invoker = true) AS SELECT tenant_id, count(*) "
      "FROM messages GROUP BY 1;" },
};

static const pgr_config_key config_keys[] = {
    { "exclude_schemas", PGR_CONFIG_LIST,
      "Schemas whose tables need no RLS (e.g. an internal or audit schema).", NULL, NULL },
    { "application_roles", PGR_CONFIG_LIST,
      "Roles the application connects as; tables they own must FORCE ROW LEVEL SECURITY.", NULL, NULL },
    { "tenant_column", PGR_CONFIG_STRING,
      "The column that says which tenant a row belongs to (default: the first of tenant_id, "
      "org_id, organization_id, account_id, workspace_id that the most policies compare; else "
      "tenant_id).", NULL, NULL },
    { "required", PGR_CONFIG_BOOL,
      "Every table needs row-level security even where the migrations never use it (default "
      "false: table-without-rls applies only to a schema with some RLS, or to tables with the "
      "tenant column).", NULL, NULL },
    { "intended_commands", PGR_CONFIG_LIST,
      "Commands (SELECT, INSERT, UPDATE, DELETE) every tenant table is meant to allow: "
      "rls/policy-command-coverage reports only these when no policy covers them (default: all four).",
      NULL, NULL },
    { "tenant_setting", PGR_CONFIG_STRING,
      "The setting the policies compare the tenant column with (current_setting('app.tenant_id')); "
      "pgrampart verify probes tenant isolation with it (default: the first one a policy of the "
      "table compares a column with).", NULL, NULL },
};

/* Tenant columns recognised when the configuration names none, in order of
 * preference on a tie (the names multi-tenant schemas use in practice). */
static const char *const tenant_candidates[] = {
    "tenant_id", "org_id", "organization_id", "account_id", "workspace_id", NULL
};

/* Schemas PostgreSQL owns are never the application's tenant data. */
int
rls_schema_excluded(pgr_ctx *ctx, const char *schema)
{
    size_t i, n = api->config_list_length(ctx, "exclude_schemas");

    if (strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0)
        return 1;
    for (i = 0; i < n; i++)
        if (strcmp(api->config_list_item(ctx, "exclude_schemas", i), schema) == 0)
            return 1;
    return 0;
}

static size_t
count_policies(const pgr_model *m, const pgr_table *t, const pgr_policy **first)
{
    *first = t->policy_count ? &m->policies[t->policy_first] : NULL;
    return t->policy_count;
}

static const char *
command_name(char polcmd)
{
    switch (polcmd) {
    case 'r':
        return "SELECT";
    case 'a':
        return "INSERT";
    case 'w':
        return "UPDATE";
    case 'd':
        return "DELETE";
    default:
        return "ALL";
    }
}

/* Whether policy r applies to every role p applies to (no roles: PUBLIC). */
static int
roles_cover(const pgr_policy *r, const pgr_policy *p)
{
    size_t i, j;

    for (i = 0; i < r->n_roles; i++)
        if (strcasecmp(r->roles[i], "public") == 0)
            return 1;
    if (r->n_roles == 0)
        return 1;
    for (i = 0; i < p->n_roles; i++) {
        for (j = 0; j < r->n_roles && strcmp(r->roles[j], p->roles[i]) != 0; j++)
            ;
        if (j == r->n_roles)
            return 0;
    }
    return p->n_roles > 0;
}

/*
 * Whether a RESTRICTIVE policy with a real condition limits every row the
 * permissive policy p lets through: a row must pass some permissive policy
 * and every restrictive one (PostgreSQL docs 5.9), so "permissive USING
 * (true)" beside "restrictive USING (tenant_id = ...)" is tenant isolation
 * written in two parts (logto's tables), not an open table.  restrictive
 * holds the model's restrictive policies (few, usually).
 */
static int
restricted(const pgr_policy *const *restrictive, size_t n, const pgr_policy *p)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const pgr_policy *r = restrictive[i];

        if (strcmp(r->table, p->table) == 0 && strcmp(r->schema, p->schema) == 0 &&
            (r->polcmd == '*' || r->polcmd == p->polcmd) && roles_cover(r, p) &&
            ((r->qual && !r->qual_always_true) || (r->with_check && !r->with_check_always_true)))
            return 1;
    }
    return 0;
}

static void
check_policies(pgr_ctx *ctx, const pgr_model *m)
{
    const pgr_policy **restrictive = calloc(m->n_policies + 1, sizeof *restrictive);
    size_t i, n_restrictive = 0;

    if (restrictive == NULL)
        abort();
    for (i = 0; i < m->n_policies; i++)
        if (!m->policies[i].polpermissive)
            restrictive[n_restrictive++] = &m->policies[i];
    for (i = 0; i < m->n_policies; i++) {
        const pgr_policy *p = &m->policies[i];

        if (rls_schema_excluded(ctx, p->schema))
            continue;
        if ((p->qual_always_true || p->with_check_always_true) &&
            restricted(restrictive, n_restrictive, p))
            continue;
        if (p->polcmd != 'r' && p->polpermissive && p->qual_always_true) {
            pgr_reportf(api, ctx, "rls/policy-always-true", &p->qual_location,
                        "policy %s on %s.%s (FOR %s) has USING (%s): every row "
                        "qualifies", p->name, p->schema, p->table, command_name(p->polcmd), p->qual);
        }
        if (p->polcmd != 'r' && p->polpermissive && p->with_check_always_true) {
            pgr_reportf(api, ctx, "rls/policy-always-true", &p->with_check_location,
                        "policy %s on %s.%s (FOR %s) has WITH CHECK (%s): any row "
                        "may be written", p->name, p->schema, p->table, command_name(p->polcmd),
                        p->with_check);
        }
        if ((p->polcmd == 'a' || p->polcmd == 'w' || p->polcmd == '*') && p->polpermissive &&
            p->with_check == NULL && p->qual == NULL) {
            pgr_reportf(api, ctx, "rls/policy-missing-with-check", &p->location,
                        "policy %s on %s.%s (FOR %s) has neither WITH CHECK nor "
                        "USING: nothing limits the rows written", p->name, p->schema, p->table,
                        command_name(p->polcmd));
        }
    }
    free(restrictive);
}

static int
has_role(const pgr_policy *p, const char *role)
{
    size_t i;

    for (i = 0; i < p->n_roles; i++)
        if (strcmp(p->roles[i], role) == 0)
            return 1;
    return 0;
}

/* Whether policy p applies to command cmd ('r', 'a', 'w', 'd'). */
static int
covers(const pgr_policy *p, char cmd)
{
    return p->polcmd == '*' || p->polcmd == cmd;
}

/* For each later permissive policy of a table, find an earlier one that
 * shares a role and a command; report once per later policy. */
static void
check_permissive_overlap(pgr_ctx *ctx, const pgr_model *m, const pgr_table *t)
{
    static const char cmds[] = "rawd";
    size_t i, j, r, c;

    for (i = t->policy_first + 1; i < t->policy_first + t->policy_count; i++) {
        const pgr_policy *b = &m->policies[i];

        if (!b->polpermissive)
            continue;
        for (j = t->policy_first; j < i; j++) {
            const pgr_policy *a = &m->policies[j];
            const char *role = NULL;
            char cmd = 0;

            if (!a->polpermissive)
                continue;
            for (r = 0; r < b->n_roles && role == NULL; r++)
                if (has_role(a, b->roles[r]))
                    role = b->roles[r];
            for (c = 0; c < 4 && role && cmd == 0; c++)
                if (covers(a, cmds[c]) && covers(b, cmds[c]))
                    cmd = cmds[c];
            if (role == NULL || cmd == 0)
                continue;
            pgr_reportf(api, ctx, "rls/multiple-permissive-policies", &b->location,
                        "policies %s and %s on %s.%s both let %s %s rows: permissive "
                        "policies are OR-ed", a->name, b->name, b->schema, b->table, role,
                        command_name(cmd));
            break;
        }
    }
}

static int
in_list(const char *const *items, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(items[i], s) == 0)
            return 1;
    return 0;
}

/* Whether a command left without a policy is worth reporting: any, unless
 * rls.intended_commands lists the commands the application means to allow. */
static int
command_intended(pgr_ctx *ctx, const char *command)
{
    size_t i, n = api->config_list_length(ctx, "intended_commands");

    for (i = 0; i < n; i++)
        if (strcasecmp(api->config_list_item(ctx, "intended_commands", i), command) == 0)
            return 1;
    return n == 0;
}

/* Tenant scoping and command coverage of one tenant table. */
static void
check_tenant_table(pgr_ctx *ctx, const pgr_model *m, const pgr_table *t, const char *column)
{
    static const char cmds[] = "rawd";
    const pgr_policy *first = NULL;
    const pgr_policy **scoping = calloc(t->policy_count + 1, sizeof *scoping);
    char missing[64] = "";
    size_t i, c, n_scoping = 0;

    if (scoping == NULL)
        abort();
    /* Restrictive policies that check the tenant column scope every
     * permissive policy they cover (restricted). */
    for (i = t->policy_first; i < t->policy_first + t->policy_count; i++) {
        const pgr_policy *r = &m->policies[i];

        if (!r->polpermissive && in_list(r->columns_referenced, r->n_columns_referenced, column))
            scoping[n_scoping++] = r;
    }
    for (i = t->policy_first; i < t->policy_first + t->policy_count; i++) {
        const pgr_policy *p = &m->policies[i];

        if (!p->polpermissive)
            continue;
        if (first == NULL)
            first = p;
        if (!in_list(p->columns_referenced, p->n_columns_referenced, column) &&
            !restricted(scoping, n_scoping, p)) {
            pgr_reportf(api, ctx, "rls/tenant-policy-not-scoped", &p->location,
                        "policy %s on %s.%s (FOR %s) never checks %s: it applies to "
                        "the rows of every tenant", p->name, t->schema, t->name,
                        command_name(p->polcmd), column);
        }
    }
    free(scoping);
    if (first == NULL)
        return;
    for (c = 0; c < 4; c++) {
        int covered = 0;

        for (i = t->policy_first; i < t->policy_first + t->policy_count && !covered; i++)
            covered = m->policies[i].polpermissive && covers(&m->policies[i], cmds[c]);
        if (!covered && command_intended(ctx, command_name(cmds[c])))
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s",
                     missing[0] ? ", " : "", command_name(cmds[c]));
    }
    if (missing[0]) {
        pgr_reportf(api, ctx, "rls/policy-command-coverage", &first->location,
                    "no policy of %s.%s allows %s: every role but the owner is "
                    "denied it", t->schema, t->name, missing);
    }
}

static int
is_application_role(pgr_ctx *ctx, const char *role)
{
    size_t i, n = api->config_list_length(ctx, "application_roles");

    for (i = 0; role && i < n; i++)
        if (strcmp(api->config_list_item(ctx, "application_roles", i), role) == 0)
            return 1;
    return 0;
}

/*
 * The tenant column when the configuration names none: the candidate that
 * the most policies compare (a column named org_id that no policy mentions
 * says nothing about tenancy); tenant_id when no policy compares any.
 */
static const char *
detect_tenant_column(const pgr_model *m)
{
    size_t best = 0, i, k, uses;
    const char *found = tenant_candidates[0];

    for (k = 0; tenant_candidates[k]; k++) {
        uses = 0;
        for (i = 0; i < m->n_policies; i++)
            uses += (size_t) in_list(m->policies[i].columns_referenced,
                                     m->policies[i].n_columns_referenced, tenant_candidates[k]);
        if (uses > best) {
            best = uses;
            found = tenant_candidates[k];
        }
    }
    return found;
}

/*
 * Whether the schema uses row-level security at all: some table enables it
 * or has a policy, or the configuration says every table needs it.  A
 * schema that never does (an app isolating tenants in its own code, a
 * single-tenant service) gets table-without-rls only on tables that carry
 * the tenant column: reporting every other table would be noise (issue 12).
 */
static int
schema_uses_rls(pgr_ctx *ctx, const pgr_model *m)
{
    const char *required = api->config_string(ctx, "required");
    size_t i;

    if (required && strcmp(required, "true") == 0)
        return 1;
    if (m->n_policies > 0)
        return 1;
    for (i = 0; i < m->n_tables; i++)
        if (m->tables[i].relrowsecurity && !rls_schema_excluded(ctx, m->tables[i].schema))
            return 1;
    return 0;
}

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;
    char msg[512], hint[512];
    const char *tenant = api->config_string(ctx, "tenant_column");
    int uses_rls = schema_uses_rls(ctx, m);

    rls_check_views(ctx, m);

    if (tenant == NULL)
        tenant = detect_tenant_column(m);
    check_policies(ctx, m);
    for (i = 0; i < m->n_tables; i++) {
        const pgr_table *t = &m->tables[i];
        const pgr_policy *first;
        size_t n_pol = count_policies(m, t, &first);

        if (rls_schema_excluded(ctx, t->schema))
            continue;
        check_permissive_overlap(ctx, m, t);
        if (t->relrowsecurity && n_pol == 0) {
            pgr_reportf(api, ctx, "rls/rls-without-policy", t->rls_location.line ? &t->rls_location : &t->location,
                        "table %s.%s has row-level security but no policy: it "
                        "denies every row to every role but its owner", t->schema, t->name);
        }
        if (!t->relrowsecurity && n_pol > 0) {
            snprintf(msg, sizeof msg, "table %s.%s has %zu polic%s but row-level security is off: "
                     "%s not applied", t->schema, t->name, n_pol, n_pol == 1 ? "y" : "ies",
                     n_pol == 1 ? "it is" : "they are");
            snprintf(hint, sizeof hint, "add ALTER TABLE %s.%s ENABLE ROW LEVEL SECURITY;",
                     t->schema, t->name);
            pgr_report_at(api, ctx, "rls/policy-without-rls", &first->location, msg, hint);
            continue;
        }
        if (t->relrowsecurity && n_pol > 0 && in_list(t->columns, t->n_columns, tenant))
            check_tenant_table(ctx, m, t, tenant);
        if (t->relrowsecurity && !t->relforcerowsecurity && is_application_role(ctx, t->owner)) {
            snprintf(msg, sizeof msg, "table %s.%s is owned by application role %s and RLS is not "
                     "forced: %s bypasses every policy", t->schema, t->name, t->owner, t->owner);
            snprintf(hint, sizeof hint, "add ALTER TABLE %s.%s FORCE ROW LEVEL SECURITY;",
                     t->schema, t->name);
            pgr_report_at(api, ctx, "rls/rls-not-forced",
                   t->rls_location.line ? &t->rls_location : &t->location, msg, hint);
        }
        if (t->relrowsecurity || (!uses_rls && !in_list(t->columns, t->n_columns, tenant)))
            continue;
        if (m->is_live)
            snprintf(msg, sizeof msg, "table %s.%s has no row-level security: it is not enabled",
                     t->schema, t->name);
        else
            snprintf(msg, sizeof msg, "table %s.%s has no row-level security: %s enables it",
                     t->schema, t->name,
                     m->from_migrations ? "no migration" : "nothing in this file");
        snprintf(hint, sizeof hint,
                 "add ALTER TABLE %s.%s ENABLE ROW LEVEL SECURITY; and a policy per role",
                 t->schema, t->name);
        /* A template of the table's directory may enable RLS on it, and its
         * statement may come after this model (plugin.h): decided in
         * on_finish (rls_defer_table). */
        if (m->is_live)
            pgr_report_at(api, ctx, "rls/table-without-rls", &t->location, msg, hint);
        else
            rls_defer_table(&t->location, msg, hint);
    }
}

static void
on_finish(pgr_ctx *ctx)
{
    rls_report_deferred_tables(ctx);
    rls_views_finish(ctx);
    rls_notes_free();
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "rls", "1",
    sizeof rules / sizeof rules[0], rules,
    sizeof config_keys / sizeof config_keys[0], config_keys,
    rls_note_statement, NULL, NULL, on_model, NULL, on_finish, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
