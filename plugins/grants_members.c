/*
 * grants_members.c — role memberships for the grants plugin
 * (grants/role-membership-escalation).  The model keeps memberships as names
 * only (pgr_role.member_of), so where each one was granted is noted from the
 * statements (GRANT role TO role, CREATE ROLE ... IN ROLE / ROLE / ADMIN): a
 * finding points at the statement that made it, and a GRANT to a role the
 * migrations never create (anon, a role of the cluster) is only here.  The
 * host delivers the statements of every file below a model's root (its
 * set's directory, or its own file) before the model (plugin.h);
 * members_free ends the run.
 */
#include <stdlib.h>
#include <string.h>

#include "grants.h"

typedef struct membership {
    char *member;
    char *group;
    int granted;               /* 1 GRANT / CREATE ROLE, 0 REVOKE */
    pgr_location location;     /* path and object owned here */
} membership;

static membership *memberships;
static size_t n_memberships;

static void
membership_free(membership *ms)
{
    free(ms->member);
    free(ms->group);
    free((char *) ms->location.path);
    free((char *) ms->location.object);
}

/*
 * Record that member was granted (or, grant 0, revoked) group at loc.  Every
 * event is kept, in file order: which of them count is decided per model
 * (check_memberships), since a REVOKE in one file of a set undoes a GRANT
 * of an earlier file of that set but not of another model's file.
 */
static void
note_membership(const char *member, const char *group, const pgr_location *loc, int grant)
{
    membership *ms;

    memberships = grow(memberships, n_memberships, sizeof *memberships);
    ms = &memberships[n_memberships++];
    ms->member = strdup(member);
    ms->group = strdup(group);
    ms->granted = grant;
    ms->location = *loc;
    ms->location.path = xstrdup_or_null(loc->path);
    ms->location.object = xstrdup_or_null(loc->object);
    if (ms->member == NULL || ms->group == NULL)
        abort();
}

/* A RoleSpec's name; NULL for PUBLIC, CURRENT_USER and the like. */
static const char *
rolespec_name(const pgr_node *n)
{
    const char *type = api->node_string(n, "roletype");

    if (type == NULL || strcmp(type, "ROLESPEC_CSTRING") != 0)
        return NULL;
    return api->node_string(n, "rolename");
}

/* GRANT a, b TO x, y / REVOKE a FROM x (REVOKE ADMIN OPTION FOR keeps it). */
void
members_note_grant(const pgr_sql_statement *st)
{
    size_t i, j, ng = api->node_list_length(st->root, "granted_roles");
    size_t nm = api->node_list_length(st->root, "grantee_roles");
    int grant = (int) api->node_int(st->root, "is_grant", 0);

    if (!grant && api->node_int(st->root, "admin_opt", 0) != 0)
        return;
    for (i = 0; i < ng; i++) {
        const char *group = api->node_string(api->node_list_item(st->root, "granted_roles", i),
                                             "priv_name");

        for (j = 0; group && j < nm; j++) {
            const char *member = rolespec_name(api->node_list_item(st->root, "grantee_roles", j));

            if (member)
                note_membership(member, group, &st->location, grant);
        }
    }
}

/* CREATE ROLE r IN ROLE a (r joins a) / ROLE b, ADMIN c (b and c join r). */
void
members_note_create_role(const pgr_sql_statement *st)
{
    const char *role = api->node_string(st->root, "role");
    size_t i, k, n = api->node_list_length(st->root, "options");

    for (i = 0; role && i < n; i++) {
        const pgr_node *d = api->node_list_item(st->root, "options", i);
        const char *name = api->node_string(d, "defname");
        const pgr_node *list = api->node_child(d, "arg");
        int in_role;

        if (name == NULL || list == NULL)
            continue;
        in_role = strcmp(name, "addroleto") == 0;
        if (!in_role && strcmp(name, "rolemembers") != 0 && strcmp(name, "adminmembers") != 0)
            continue;
        for (k = 0; k < api->node_list_length(list, "items"); k++) {
            const char *other = rolespec_name(api->node_list_item(list, "items", k));

            if (other)
                note_membership(in_role ? role : other, in_role ? other : role,
                                &st->location, 1);
        }
    }
}

/*
 * Why membership in group escalates, or NULL: a superuser or BYPASSRLS role
 * of the model, an admin role of the rule pack, a predefined role of the
 * pack's escalating_roles, or the owner of a table with row-level security
 * (an owner skips its policies unless FORCE ROW LEVEL SECURITY).
 */
static const char *
escalation_reason(pgr_ctx *ctx, const pgr_model *m, const char *group)
{
    const pgr_role *g = find_role(m, group);
    size_t i;

    if (g && g->rolsuper)
        return "a superuser";
    if (g && g->rolbypassrls)
        return "a BYPASSRLS role";
    if (in_rulepack_list(ctx, "admin_roles", group))
        return "a platform's administrator role";
    if (in_rulepack_list(ctx, "escalating_roles", group))
        return "a predefined role with server-wide rights";
    for (i = 0; i < m->n_tables; i++) {
        const pgr_table *t = &m->tables[i];

        if (t->relrowsecurity && !t->relforcerowsecurity && t->owner &&
            strcmp(t->owner, group) == 0)
            return "the owner of a table with row-level security";
    }
    return NULL;
}

/* Whether loc is a file of the model (its set's root or its own file). */
static int
in_model(const pgr_model *m, const pgr_location *loc)
{
    size_t n = m->source ? strlen(m->source) : 0;

    return loc->path && n && strncmp(loc->path, m->source, n) == 0 &&
        (loc->path[n] == '\0' || loc->path[n] == '/' || m->source[n - 1] == '/');
}

/* Why member's membership in group escalates, or NULL when it does not. */
static const char *
membership_escalates(pgr_ctx *ctx, const pgr_model *m, const char *member, const char *group)
{
    if (strcmp(member, group) == 0 || !is_application_role(ctx, m, member))
        return NULL;
    return escalation_reason(ctx, m, group);
}

static void
report_membership(pgr_ctx *ctx, const char *member, const char *group, const char *why,
                  const pgr_location *loc)
{
    pgr_reportf(api, ctx, "grants/role-membership-escalation", loc,
                "application role %s is a member of %s, %s: it gets that role's rights",
                member, group, why);
}

static int
event_cmp(const void *a, const void *b)
{
    const membership *x = &memberships[*(const size_t *) a];
    const membership *y = &memberships[*(const size_t *) b];
    int c = strcmp(x->member, y->member);

    if (c == 0)
        c = strcmp(x->group, y->group);
    if (c == 0)
        c = *(const size_t *) a < *(const size_t *) b ? -1 : 1;
    return c;
}

/* Indexes of the membership events of m's files, sorted by member, group,
 * then file order (so the last of each run is the one that counts);
 * *n their number.  Caller frees. */
static size_t *
model_events(const pgr_model *m, size_t *n)
{
    size_t i, *ix = malloc((n_memberships + 1) * sizeof *ix);

    if (ix == NULL)
        abort();
    *n = 0;
    for (i = 0; i < n_memberships; i++)
        if (in_model(m, &memberships[i].location))
            ix[(*n)++] = i;
    qsort(ix, *n, sizeof *ix, event_cmp);
    return ix;
}

/*
 * Memberships: a live model's pg_auth_members; a replayed model's noted
 * GRANTs of its files, those of a role of the model only while the model
 * still has them (a REVOKE or DROP ROLE took them away otherwise).
 */
void
members_check(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i, k, n, *ix;

    if (m->is_live) {
        for (i = 0; i < m->n_roles; i++)
            for (k = 0; k < m->roles[i].n_member_of; k++) {
                const char *group = m->roles[i].member_of[k];
                const char *why = membership_escalates(ctx, m, m->roles[i].name, group);

                if (why)
                    report_membership(ctx, m->roles[i].name, group, why, &m->roles[i].location);
            }
        return;
    }
    ix = model_events(m, &n);
    for (i = 0; i < n; i++) {
        const membership *ms = &memberships[ix[i]];
        const pgr_role *r = find_role(m, ms->member);
        int held = r == NULL;
        const char *why;

        /* A later GRANT or REVOKE of the same membership replaces it. */
        if (i + 1 < n && strcmp(memberships[ix[i + 1]].member, ms->member) == 0 &&
            strcmp(memberships[ix[i + 1]].group, ms->group) == 0)
            continue;
        why = ms->granted ? membership_escalates(ctx, m, ms->member, ms->group) : NULL;
        if (why == NULL)
            continue;
        /* A role of the model must still have it (DROP ROLE forgets). */
        for (k = 0; r && !held && k < r->n_member_of; k++)
            held = strcmp(r->member_of[k], ms->group) == 0;
        if (held)
            report_membership(ctx, ms->member, ms->group, why, &ms->location);
    }
    free(ix);
}

void
members_free(void)
{
    size_t i;

    for (i = 0; i < n_memberships; i++)
        membership_free(&memberships[i]);
    free(memberships);
    memberships = NULL;
    n_memberships = 0;
}
