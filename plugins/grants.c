/*
 * grants.c — unsafe grants and role attributes, on the schema model (so a
 * later REVOKE clears a finding, and a live catalog can be checked the same
 * way).  The rules and their docs are in rules[] below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "grants.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "grants/grant-to-public", PGR_SEVERITY_ERROR,
      "A privilege is granted to PUBLIC: every role, including ones created later, gets it.",
      "Grant to a named application role instead, and REVOKE ... FROM PUBLIC.",
      "PostgreSQL docs 5.7 Privileges; CIS PostgreSQL Benchmark 4.x (least privilege)",
      "PUBLIC includes every role that exists and every role created later.",
      "GRANT SELECT ON usage_metrics TO PUBLIC;",
      "GRANT SELECT ON usage_metrics TO app_reporter;" },
    { "grants/grant-all-privileges", PGR_SEVERITY_WARNING,
      "A role holds ALL privileges on a table or view (including TRUNCATE, REFERENCES, TRIGGER).",
      "Grant only what the role needs, e.g. GRANT SELECT, INSERT, UPDATE, DELETE.",
      "PostgreSQL docs GRANT; checklist: \"webapp user cannot DROP/TRUNCATE tables\"",
      "ALL includes TRUNCATE, REFERENCES and TRIGGER, which applications rarely need and "
      "attackers like.",
      "GRANT ALL PRIVILEGES ON TABLE feedback TO app_web;",
      "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE feedback TO app_web;" },
    { "grants/grant-with-grant-option", PGR_SEVERITY_WARNING,
      "A privilege is granted WITH GRANT OPTION: the grantee can hand it to any role.",
      "Drop WITH GRANT OPTION; let the owner or an admin role do the granting.",
      "PostgreSQL docs GRANT (WITH GRANT OPTION); CIS PostgreSQL Benchmark 4.x",
      "The grantee can pass the privilege to anyone, outside review.",
      "GRANT SELECT ON users TO app_reporter WITH GRANT OPTION;",
      "GRANT SELECT ON users TO app_reporter;" },
    { "grants/role-superuser", PGR_SEVERITY_ERROR,
      "A role is created or altered with SUPERUSER: it bypasses every permission check and RLS.",
      "Use NOSUPERUSER and grant only the privileges the role needs.",
      "PostgreSQL docs 22.2 Role Attributes; CIS PostgreSQL Benchmark 4.2",
      "A superuser bypasses every permission check and row-level security.",
      "CREATE ROLE migrator LOGIN SUPERUSER;",
      "CREATE ROLE migrator LOGIN; GRANT CREATE ON SCHEMA app TO migrator;" },
    { "grants/role-bypassrls", PGR_SEVERITY_ERROR,
      "A role is created or altered with BYPASSRLS: row-level security does not apply to it.",
      "Use NOBYPASSRLS; give maintenance jobs a policy of their own instead.",
      "PostgreSQL docs 5.8 Row Security Policies (BYPASSRLS)",
      "Row-level security does not apply to a BYPASSRLS role: tenant isolation stops at it.",
      "CREATE ROLE support_admin BYPASSRLS;",
      "CREATE ROLE support_admin; CREATE POLICY support_read ON tickets FOR SELECT TO "
      "support_admin USING (...);" },
    { "grants/role-createrole", PGR_SEVERITY_WARNING,
      "A role is created or altered with CREATEROLE: it can create roles and grant memberships.",
      "Keep CREATEROLE for an administration role that applications never log in as.",
      "PostgreSQL docs 22.2 Role Attributes",
      "CREATEROLE can create roles and grant memberships, which makes it close to superuser.",
      "CREATE ROLE app_web LOGIN CREATEROLE;",
      "CREATE ROLE app_web LOGIN;" },
    { "grants/security-definer-search-path", PGR_SEVERITY_ERROR,
      "A SECURITY DEFINER function has no fixed search_path: a caller can plant objects it resolves.",
      "Add SET search_path = pg_catalog, pg_temp (schema-qualify everything else) to the function.",
      "PostgreSQL docs CREATE FUNCTION, \"Writing SECURITY DEFINER Functions Safely\"",
      "A SECURITY DEFINER function resolves names through the caller's search_path; a caller can "
      "plant objects it will use.",
      "CREATE FUNCTION purge(t uuid) RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ DELETE FROM "
      "users WHERE tenant_id = t $$;",
      "CREATE FUNCTION purge(t uuid) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = "
      "pg_catalog, pg_temp AS $$ DELETE FROM app.users WHERE tenant_id = t $$;" },
    { "grants/function-execute-public", PGR_SEVERITY_WARNING,
      "A SECURITY DEFINER function is executable by PUBLIC (the default unless revoked).",
      "REVOKE EXECUTE ON FUNCTION <f> FROM PUBLIC; then GRANT EXECUTE to the roles that need it.",
      "PostgreSQL docs CREATE FUNCTION, \"Writing SECURITY DEFINER Functions Safely\"",
      "EXECUTE is granted to PUBLIC by default, so every role can run a function with its owner's "
      "rights.",
      "CREATE FUNCTION purge(...) ... SECURITY DEFINER ...;",
      "CREATE FUNCTION purge(...) ... SECURITY DEFINER ...; REVOKE EXECUTE ON FUNCTION "
      "purge(uuid) FROM PUBLIC;" },
    { "grants/public-schema-create", PGR_SEVERITY_ERROR,
      "PUBLIC may CREATE in schema public: the default before PostgreSQL 15 that the migrations never revoke, or an explicit GRANT.",
      "REVOKE CREATE ON SCHEMA public FROM PUBLIC; in the first migration.",
      "PostgreSQL docs 5.9.6 Usage Patterns (secure schema usage pattern); CVE-2018-1058",
      "Before PostgreSQL 15 any role can create objects in schema public and shadow others' names "
      "(CVE-2018-1058).",
      "(PostgreSQL 14, no migration revokes it)",
      "REVOKE CREATE ON SCHEMA public FROM PUBLIC;" },
    { "grants/default-privileges-to-public", PGR_SEVERITY_ERROR,
      "ALTER DEFAULT PRIVILEGES grants to PUBLIC: every future object is exposed to every role.",
      "Grant the default privileges to a named role instead.",
      "PostgreSQL docs ALTER DEFAULT PRIVILEGES",
      "Default privileges apply to every object created later, including ones nobody has reviewed "
      "yet.",
      "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;",
      "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_reporter;" },
    { "grants/superuser-login-roles", PGR_SEVERITY_WARNING,
      "Besides the bootstrap superuser, another superuser role can log in.",
      "Give administrators NOSUPERUSER roles with the privileges they need; keep one break-glass superuser.",
      "CIS PostgreSQL Benchmark 4.2 (superuser privileges limited)",
      "Every extra login superuser is another password that opens everything.",
      "CREATE ROLE alice LOGIN SUPERUSER;",
      "CREATE ROLE alice LOGIN; GRANT pg_read_all_stats TO alice;" },
    { "grants/role-policy", PGR_SEVERITY_ERROR,
      "A role holds a privilege its policy in .pgrampart.yml (grants.roles) forbids.",
      "REVOKE the privilege, or change the role policy if the access is intended.",
      "Checklist: \"webapp user cannot DROP tables\", \"readonly user cannot INSERT\"",
      "The team's policy (\"readonly user cannot INSERT\", \"webapp user cannot DROP\") written "
      "once, checked on every migration.",
      "GRANT INSERT ON tenants TO app_reporter;  (policy: app_reporter allow [SELECT])",
      "GRANT SELECT ON tenants TO app_reporter;" },
    { "grants/role-membership-escalation", PGR_SEVERITY_ERROR,
      "An application role is made a member of a role that is superuser, bypasses RLS, owns "
      "RLS tables or is a powerful predefined role: it inherits those rights.",
      "REVOKE the membership; grant the application role only the table privileges it needs.",
      "PostgreSQL docs 22.3 Role Membership and 22.5 Predefined Roles; 5.8 Row Security "
      "Policies (table owners and BYPASSRLS roles skip policies)",
      "A member inherits (or can SET ROLE to) the granted role: a login or API role that is a "
      "member of a superuser, a BYPASSRLS role or an RLS table's owner skips the tenant "
      "policies.",
      "CREATE ROLE app_user LOGIN; GRANT postgres TO app_user;",
      "CREATE ROLE app_user LOGIN; GRANT SELECT, INSERT ON orders TO app_user;" },
    { "grants/function-execute-api-role", PGR_SEVERITY_WARNING,
      "A SECURITY DEFINER function is granted EXECUTE to a role end users act as through an "
      "API (anon, authenticated).",
      "REVOKE EXECUTE from the API role, or make the function SECURITY INVOKER, or move it "
      "to a schema the API does not expose.",
      "PostgreSQL docs CREATE FUNCTION, \"Writing SECURITY DEFINER Functions Safely\"; "
      "Supabase splinter anon_security_definer_function_executable / "
      "authenticated_security_definer_function_executable",
      "Every client of the API can call the function, which runs with its owner's rights and "
      "so around the row-level security the API roles are held to.",
      "CREATE FUNCTION purge(...) ... SECURITY DEFINER ...; GRANT EXECUTE ON FUNCTION "
      "purge(uuid) TO authenticated;",
      "CREATE FUNCTION purge(...) ... SECURITY DEFINER ...; GRANT EXECUTE ON FUNCTION "
      "purge(uuid) TO service_role;" },
};

static const char *const role_policy_keys[] = { "allow", "deny", NULL };
static const char *const privilege_words[] = {
    "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "EXECUTE",
    "USAGE", "CREATE", "TEMPORARY", "CONNECT", "DROP", NULL
};

static const pgr_config_key config_keys[] = {
    { "roles", PGR_CONFIG_MAP,
      "Per role: allow (the only privileges it may hold) and/or deny (privileges it must not "
      "hold; DROP: it must not own tables).", role_policy_keys, privilege_words },
};

static int is_trigger_function(const char *schema, const char *name);

static const struct {
    unsigned bit;
    const char *name;
} privilege_names[] = {
    { PGR_ACL_SELECT, "SELECT" }, { PGR_ACL_INSERT, "INSERT" }, { PGR_ACL_UPDATE, "UPDATE" },
    { PGR_ACL_DELETE, "DELETE" }, { PGR_ACL_TRUNCATE, "TRUNCATE" },
    { PGR_ACL_REFERENCES, "REFERENCES" }, { PGR_ACL_TRIGGER, "TRIGGER" },
    { PGR_ACL_EXECUTE, "EXECUTE" }, { PGR_ACL_USAGE, "USAGE" }, { PGR_ACL_CREATE, "CREATE" },
    { PGR_ACL_CREATE_TEMP, "TEMPORARY" }, { PGR_ACL_CONNECT, "CONNECT" },
};

static const char *
kind_name(char kind)
{
    switch (kind) {
    case 'r':
    case 'p':
        return "table";
    case 'v':
        return "view";
    case 'm':
        return "materialized view";
    case 'S':
        return "sequence";
    case 'f':
        return "function";
    case 'n':
        return "schema";
    case 'd':
        return "database";
    case 'T':
        return "type";
    case 'l':
        return "language";
    case 't':
        return "tablespace";
    default:
        return "object";
    }
}

/*
 * What a grant is on, for messages: "sequence public.s", or for a GRANT ...
 * ON ALL <kind> IN SCHEMA (object "schema.*") "all sequences in schema
 * public" — sequences and functions are not tables.  Written into buf.
 */
static const char *
grant_object(const pgr_acl_item *a, char *buf, size_t size)
{
    size_t n = strlen(a->object);

    if (!a->all_in_schema) {
        snprintf(buf, size, "%s %s", kind_name(a->objkind), a->object);
        return buf;
    }
    if (n >= 2 && strcmp(a->object + n - 2, ".*") == 0)
        n -= 2;
    snprintf(buf, size, "all %s in schema %.*s",
             a->objkind == 'S' ? "sequences" : a->objkind == 'f' ? "functions" : "tables",
             (int) n, a->object);
    return buf;
}

static void
privilege_list(unsigned privs, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < sizeof privilege_names / sizeof privilege_names[0]; i++) {
        if (!(privs & privilege_names[i].bit))
            continue;
        used += (size_t) snprintf(buf + used, used < size ? size - used : 0, "%s%s",
                                  used ? ", " : "", privilege_names[i].name);
    }
}

/* A finding located where the grant was made. */
static void
check_roles(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;

    for (i = 0; i < m->n_roles; i++) {
        const pgr_role *r = &m->roles[i];

        /* initdb's superuser always exists; superuser-login-roles counts
         * the others. */
        if (r->bootstrap)
            continue;
        if (m->is_live && r->rolsuper && r->rolcanlogin) {
            pgr_reportf(api, ctx, "grants/superuser-login-roles", &r->location,
                        "role %s is a second superuser that can log in", r->name);
        }
        if (r->rolsuper) {
            pgr_reportf(api, ctx, "grants/role-superuser", &r->location,
                        "role %s is a superuser%s", r->name,
                        r->rolcanlogin ? " that can log in" : "");
        }
        if (r->rolbypassrls) {
            pgr_reportf(api, ctx, "grants/role-bypassrls", &r->location,
                        "role %s has BYPASSRLS: row-level security does not "
                        "apply to it", r->name);
        }
        if (r->rolcreaterole) {
            pgr_reportf(api, ctx, "grants/role-createrole", &r->location,
                        "role %s has CREATEROLE", r->name);
        }
    }
}

/*
 * functions[i] as PostgreSQL names it, "schema.name(integer, text)" — the
 * name grants on it carry (pgr_model.function_args); "schema.name" from a
 * host without argument lists.  Written into buf.
 */
static const char *
function_label(const pgr_model *m, size_t i, char *buf, size_t size)
{
    const pgr_function *fn = &m->functions[i];

    if (m->function_args)
        snprintf(buf, size, "%s.%s(%s)", fn->schema, fn->name, m->function_args[i]);
    else
        snprintf(buf, size, "%s.%s", fn->schema, fn->name);
    return buf;
}

/* Whether functions[i] returns trigger or event_trigger: the model says
 * (pgr_model.function_trigger), else what the statements said. */
static int
function_is_trigger(const pgr_model *m, size_t i)
{
    if (m->function_trigger)
        return m->function_trigger[i];
    return is_trigger_function(m->functions[i].schema, m->functions[i].name);
}

static void
check_functions(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;
    char label[2048];

    for (i = 0; i < m->n_functions; i++) {
        const pgr_function *fn = &m->functions[i];
        const char *kind = fn->prokind == 'p' ? "procedure" : "function";

        if (!fn->prosecdef)
            continue;
        function_label(m, i, label, sizeof label);
        if (!fn->search_path_set) {
            pgr_reportf(api, ctx, "grants/security-definer-search-path", &fn->location,
                        "SECURITY DEFINER %s %s does not set search_path", kind, label);
        }
        if (fn->public_execute && !function_is_trigger(m, i)) {
            pgr_reportf(api, ctx, "grants/function-execute-public", &fn->location,
                        "SECURITY DEFINER %s %s is executable by PUBLIC", kind, label);
        }
    }
}

static const char *
future_kind(char kind)
{
    switch (kind) {
    case 'r':
        return "tables";
    case 'S':
        return "sequences";
    case 'f':
        return "functions";
    case 'T':
        return "types";
    default:
        return "schemas";
    }
}

static void
check_defaults(pgr_ctx *ctx, const pgr_model *m)
{
    char privs[256];
    size_t i;

    /* Before 15 the flag starts set: only a migration set describes a whole
     * database, so only there is its default worth reporting; from 15 on it
     * is set only by an explicit GRANT. */
    if (m->public_schema_create && (m->from_migrations || m->server_version >= 15)) {
        if (m->server_version < 15)
            pgr_reportf(api, ctx, "grants/public-schema-create", &m->origin,
                        "PUBLIC may CREATE in schema public (the default before PostgreSQL 15; "
                        "postgres_version is %d) and no migration revokes it", m->server_version);
        else
            pgr_reportf(api, ctx, "grants/public-schema-create", &m->origin,
                        "PUBLIC is granted CREATE on schema public: every role may "
                        "create objects there");
    }
    for (i = 0; i < m->n_default_acl; i++) {
        const pgr_acl_item *a = &m->default_acl[i];

        if (strcmp(a->grantee, "PUBLIC") != 0)
            continue;
        privilege_list(a->privileges, privs, sizeof privs);
        pgr_reportf(api, ctx, "grants/default-privileges-to-public", &a->location,
                    "default privileges give PUBLIC %s on future %s%s%s", privs,
                    future_kind(a->objkind), strcmp(a->object, "*") ? " in schema " : "",
                    strcmp(a->object, "*") ? a->object : "");
    }
}

/* The PGR_ACL_* bits of a role-policy list; sets *drop for DROP. */
static unsigned
policy_bits(pgr_ctx *ctx, const char *role, const char *which, int *drop, int *present)
{
    char key[300];
    size_t i, k, n;
    unsigned bits = 0;

    snprintf(key, sizeof key, "roles.%s.%s", role, which);
    n = api->config_list_length(ctx, key);
    *present = api->config_string(ctx, key) != NULL || n > 0;
    for (i = 0; i < n; i++) {
        const char *w = api->config_list_item(ctx, key, i);

        if (strcasecmp(w, "DROP") == 0)
            *drop = 1;
        for (k = 0; k < sizeof privilege_names / sizeof privilege_names[0]; k++)
            if (strcasecmp(w, privilege_names[k].name) == 0)
                bits |= privilege_names[k].bit;
    }
    return bits;
}

/* Check one role against its policy; PUBLIC's privileges apply to it too. */
static void
check_role_policy(pgr_ctx *ctx, const pgr_model *m, const char *role)
{
    int drop = 0, has_allow = 0, has_deny = 0;
    unsigned allow = policy_bits(ctx, role, "allow", &drop, &has_allow);
    unsigned deny = policy_bits(ctx, role, "deny", &drop, &has_deny);
    char privs[256], what[600];
    size_t i;

    (void) has_deny;
    for (i = 0; i < m->n_acl; i++) {
        const pgr_acl_item *a = &m->acl[i];
        int via_public = strcmp(a->grantee, "PUBLIC") == 0;
        unsigned bad = (has_allow ? a->privileges & ~allow : 0) | (a->privileges & deny);

        if (bad == 0 || (!via_public && strcmp(a->grantee, role) != 0))
            continue;
        privilege_list(bad, privs, sizeof privs);
        pgr_reportf(api, ctx, "grants/role-policy", &a->location,
                    "%s holds %s on %s%s, which its role policy forbids", role,
                    privs, grant_object(a, what, sizeof what), via_public ? " (through PUBLIC)" : "");
    }
    for (i = 0; drop && i < m->n_tables; i++) {
        const pgr_table *t = &m->tables[i];

        if (t->owner == NULL || strcmp(t->owner, role) != 0)
            continue;
        pgr_reportf(api, ctx, "grants/role-policy", &t->location,
                    "%s owns table %s.%s, so it can DROP it, which its role policy "
                    "forbids", role, t->schema, t->name);
    }
}

/* The roles of the model on_model is checking, sorted by name (built at
 * its start, freed at its end): find_role is a binary search, not a scan
 * per membership and grant. */
static const pgr_role **sorted_roles;
static size_t n_sorted_roles;

static int
role_cmp(const void *a, const void *b)
{
    return strcmp((*(const pgr_role *const *) a)->name, (*(const pgr_role *const *) b)->name);
}

static void
sort_roles(const pgr_model *m)
{
    size_t i;

    sorted_roles = malloc((m->n_roles + 1) * sizeof *sorted_roles);
    if (sorted_roles == NULL)
        abort();
    for (i = 0; i < m->n_roles; i++)
        sorted_roles[i] = &m->roles[i];
    n_sorted_roles = m->n_roles;
    qsort(sorted_roles, n_sorted_roles, sizeof *sorted_roles, role_cmp);
}

/* The role of the model named name, or NULL. */
const pgr_role *
find_role(const pgr_model *m, const char *name)
{
    size_t lo = 0, hi = n_sorted_roles;

    (void) m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sorted_roles[mid]->name, name);

        if (c == 0)
            return sorted_roles[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int
in_rulepack_list(pgr_ctx *ctx, const char *key, const char *name)
{
    size_t i, n = api->rulepack_list_length(ctx, key);

    for (i = 0; i < n; i++)
        if (strcmp(api->rulepack_list_item(ctx, key, i), name) == 0)
            return 1;
    return 0;
}

/*
 * Whether grantee administers the database anyway: a role the model gives
 * SUPERUSER or BYPASSRLS, or one of the rule pack's admin_roles (roles a
 * platform creates as administrators, such as Supabase's service_role).
 * ALL on a table is nothing such a role did not have.
 */
static int
is_admin_role(pgr_ctx *ctx, const pgr_model *m, const char *grantee)
{
    const pgr_role *r = find_role(m, grantee);

    return in_rulepack_list(ctx, "admin_roles", grantee) ||
        (r && (r->rolsuper || r->rolbypassrls));
}

/* Trigger functions, noted from the statements (freed in on_finish), for
 * a host whose pgr_model has no function_trigger (before ABI 5's append):
 * such a host delivers every statement before any model.  A newer one
 * fills function_trigger, so this order is not needed (plugin.h). */
static char **trigger_functions; /* "schema.name" */
static size_t n_trigger_functions;

char *
xstrdup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void *
grow(void *array, size_t n, size_t size)
{
    void *p = realloc(array, (n + 1) * size);

    if (p == NULL)
        abort();
    return p;
}

/* CREATE FUNCTION ... RETURNS trigger / event_trigger: noted as schema.name
 * (public when unqualified, as the model names functions). */
static void
note_trigger_function(const pgr_sql_statement *st)
{
    const pgr_node *rt = api->node_child(st->root, "return_type");
    size_t nt = rt ? api->node_list_length(rt, "names") : 0;
    size_t nf = api->node_list_length(st->root, "funcname");
    const char *type, *name, *schema = "public";
    char *key;

    if (nt == 0 || nf == 0 || nf > 3)
        return;
    type = api->node_string(api->node_list_item(rt, "names", nt - 1), "sval");
    if (type == NULL || (strcmp(type, "trigger") != 0 && strcmp(type, "event_trigger") != 0))
        return;
    name = api->node_string(api->node_list_item(st->root, "funcname", nf - 1), "sval");
    if (nf >= 2)
        schema = api->node_string(api->node_list_item(st->root, "funcname", nf - 2), "sval");
    if (name == NULL || schema == NULL)
        return;
    key = malloc(strlen(schema) + strlen(name) + 2);
    if (key == NULL)
        abort();
    sprintf(key, "%s.%s", schema, name);
    trigger_functions = grow(trigger_functions, n_trigger_functions, sizeof(char *));
    trigger_functions[n_trigger_functions++] = key;
}

static void
on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *st)
{
    const char *tag = api->node_tag(st->root);

    (void) ctx;
    if (tag == NULL)
        return;
    if (strcmp(tag, "GrantRoleStmt") == 0)
        members_note_grant(st);
    else if (strcmp(tag, "CreateRoleStmt") == 0)
        members_note_create_role(st);
    else if (strcmp(tag, "CreateFunctionStmt") == 0)
        note_trigger_function(st);
}

/* Whether schema.name was created RETURNS trigger or event_trigger: it
 * cannot be called directly, so EXECUTE on it gives nobody anything. */
static int
is_trigger_function(const char *schema, const char *name)
{
    size_t i, ls = strlen(schema);

    for (i = 0; i < n_trigger_functions; i++) {
        const char *k = trigger_functions[i];

        if (strncmp(k, schema, ls) == 0 && k[ls] == '.' && strcmp(k + ls + 1, name) == 0)
            return 1;
    }
    return 0;
}

/*
 * Whether ALL on an object of this kind is excessive: on a table or view it
 * adds TRUNCATE (which no policy limits), REFERENCES and TRIGGER to what an
 * application needs.  ALL on a database, schema or sequence is CONNECT,
 * TEMPORARY and CREATE, USAGE and CREATE, USAGE, SELECT and UPDATE: what an
 * application that runs its own migrations is given (n8n's and Nextcloud's
 * init scripts), and on a function or tablespace ALL is its one privilege.
 */
static int
relation_kind(char objkind)
{
    return objkind == 'r' || objkind == 'p' || objkind == 'v' || objkind == 'm';
}

static void
on_finish(pgr_ctx *ctx)
{
    size_t i;

    (void) ctx;
    members_free();
    for (i = 0; i < n_trigger_functions; i++)
        free(trigger_functions[i]);
    free(trigger_functions);
    trigger_functions = NULL;
    n_trigger_functions = 0;
}

/*
 * Whether role is one clients of the application use: listed in
 * rls.application_roles, one of the rule pack's api_roles (Supabase's anon
 * and authenticated), or a role of the model that can log in.
 */
int
is_application_role(pgr_ctx *ctx, const pgr_model *m, const char *role)
{
    const pgr_role *r = find_role(m, role);
    const char *a;
    size_t i;

    for (i = 0; (a = api->config_shared_list_item(ctx, "rls.application_roles", i)) != NULL; i++)
        if (strcmp(a, role) == 0)
            return 1;
    return in_rulepack_list(ctx, "api_roles", role) || (r && r->rolcanlogin);
}

/*
 * Explicit EXECUTE grants on SECURITY DEFINER functions to API roles
 * (Supabase splinter's anon/authenticated_security_definer_function_
 * executable), at the GRANT.  The grant names one overload,
 * "schema.name(args)", and only that overload's SECURITY DEFINER counts.
 * Trigger functions are left out, replayed or live (function_trigger).
 */
static void
check_api_execute(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i, j;
    char label[2048];

    for (i = 0; i < m->n_acl; i++) {
        const pgr_acl_item *a = &m->acl[i];

        /* Only the roles end users act as through an API (the pack's
         * api_roles): a backend's own role (rls.application_roles, a login
         * role) being granted EXECUTE is the fix function-execute-public
         * asks for, not a fault. */
        if (a->objkind != 'f' || !(a->privileges & PGR_ACL_EXECUTE) ||
            !in_rulepack_list(ctx, "api_roles", a->grantee))
            continue;
        for (j = 0; j < m->n_functions; j++) {
            const pgr_function *fn = &m->functions[j];

            if (!fn->prosecdef || strcmp(a->object, function_label(m, j, label, sizeof label)) != 0 ||
                function_is_trigger(m, j))
                continue;
            pgr_reportf(api, ctx, "grants/function-execute-api-role", &a->location,
                        "SECURITY DEFINER %s %s is executable by %s",
                        fn->prokind == 'p' ? "procedure" : "function", a->object, a->grantee);
            break;
        }
    }
}

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i, n = api->config_map_length(ctx, "roles");
    char privs[256];

    sort_roles(m);
    check_roles(ctx, m);
    check_functions(ctx, m);
    check_defaults(ctx, m);
    members_check(ctx, m);
    check_api_execute(ctx, m);
    for (i = 0; i < n; i++)
        check_role_policy(ctx, m, api->config_map_key(ctx, "roles", i));
    for (i = 0; i < m->n_acl; i++) {
        const pgr_acl_item *a = &m->acl[i];
        uint32_t all = api->all_privileges(a->objkind);
        char what_buf[600];
        const char *what = grant_object(a, what_buf, sizeof what_buf);

        privilege_list(a->privileges, privs, sizeof privs);
        if (strcmp(a->grantee, "PUBLIC") == 0) {
            pgr_reportf(api, ctx, "grants/grant-to-public", &a->location,
                        "%s on %s is granted to PUBLIC", privs, what);
        }
        /* ALL on a one-privilege kind (EXECUTE on a function) is just that
         * privilege: nothing excessive about it. */
        if ((a->privileges & all) == all && relation_kind(a->objkind) &&
            !is_admin_role(ctx, m, a->grantee)) {
            pgr_reportf(api, ctx, "grants/grant-all-privileges", &a->location,
                        "%s holds ALL privileges (%s) on %s",
                        strcmp(a->grantee, "PUBLIC") == 0 ? "PUBLIC" : a->grantee, privs, what);
        }
        if (a->grant_options) {
            privilege_list(a->grant_options, privs, sizeof privs);
            pgr_reportf(api, ctx, "grants/grant-with-grant-option", &a->location,
                        "%s may grant %s on %s to others (WITH GRANT OPTION)",
                        a->grantee, privs, what);
        }
    }
    free(sorted_roles);
    sorted_roles = NULL;
    n_sorted_roles = 0;
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "grants", "1",
    sizeof rules / sizeof rules[0], rules,
    sizeof config_keys / sizeof config_keys[0], config_keys,
    on_sql_statement, NULL, NULL, on_model, NULL, on_finish, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
