/*
 * roles.c — roles: CREATE / ALTER / DROP ROLE with their options, role
 * membership (GRANT role TO role), and the model_put_role/_membership
 * builders of the live reader.
 */
#include "model/model_internal.h"

static void
append_member_of(pgr_role *r, const char *group)
{
    r->member_of = util_xrealloc((void *) r->member_of, (r->n_member_of + 1) * sizeof(char *));
    ((const char **) r->member_of)[r->n_member_of++] = util_xstrdup(group);
}

/* Add group to r's member_of unless it is there (r is one of m's roles). */
static void
add_member_of(model *m, pgr_role *r, const char *group)
{
    model_index *ix = &m->member_ix;
    util_buf b;
    size_t i, k, dummy;

    /* Until the index is worth building, scan r's own memberships. */
    if (ix->frozen || (!ix->built && ix->scans < INDEX_REBUILD_AFTER)) {
        ix->scans++;
        for (k = 0; k < r->n_member_of; k++)
            if (strcmp(r->member_of[k], group) == 0)
                return;
        append_member_of(r, group);
        return;
    }
    util_buf_init(&b);
    if (!ix->built) {
        util_map_clear(&ix->map);
        for (i = 0; i < m->roles.len; i++) {
            const pgr_role *o = util_vec_at(&m->roles, i);

            for (k = 0; !elem_gone(m, JV_ROLES, i) && k < o->n_member_of; k++) {
                pair_bytes(&b, o->name, strlen(o->name) + 1, o->member_of[k]);
                util_map_add(&ix->map, b.data, b.len, 0);
            }
        }
        ix->built = true;
    }
    pair_bytes(&b, r->name, strlen(r->name) + 1, group);
    if (!util_map_get(&ix->map, b.data, b.len, &dummy)) {
        util_map_add(&ix->map, b.data, b.len, 0);
        append_member_of(r, group);
    }
    util_buf_free(&b);
}

long
role_index(const model *m, const char *name)
{
    touch_key(m, TOUCH_ROLE, 0, name, NULL, NULL);
    return index_find3((model_index *) &m->role_ix, &m->roles, role_key, 0, name, NULL, NULL);
}

int
defelem_bool(const PgQuery__DefElem *d)
{
    if (d->arg == NULL)
        return 1;
    if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN)
        return d->arg->boolean->boolval;
    if (d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER)
        return d->arg->integer->ival != 0;
    return 1;
}

static void
role_options(model *m, pgr_role *r, PgQuery__Node **opts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const PgQuery__DefElem *d;

        if (opts[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
            continue;
        d = opts[i]->def_elem;
        if (d->defname == NULL)
            continue;
        if (strcmp(d->defname, "superuser") == 0)
            r->rolsuper = defelem_bool(d);
        else if (strcmp(d->defname, "canlogin") == 0)
            r->rolcanlogin = defelem_bool(d);
        else if (strcmp(d->defname, "createrole") == 0)
            r->rolcreaterole = defelem_bool(d);
        else if (strcmp(d->defname, "createdb") == 0)
            r->rolcreatedb = defelem_bool(d);
        else if (strcmp(d->defname, "bypassrls") == 0)
            r->rolbypassrls = defelem_bool(d);
        else if (strcmp(d->defname, "isreplication") == 0)
            r->rolreplication = defelem_bool(d);
        else if (strcmp(d->defname, "connectionlimit") == 0 && d->arg &&
                 d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER)
            r->rolconnlimit = d->arg->integer->ival;
        else if (strcmp(d->defname, "validUntil") == 0 && d->arg &&
                 d->arg->node_case == PG_QUERY__NODE__NODE_STRING) {
            free((char *) r->rolvaliduntil);
            r->rolvaliduntil = util_xstrdup(d->arg->string->sval);
        } else if (strcmp(d->defname, "addroleto") == 0 && d->arg &&
                   d->arg->node_case == PG_QUERY__NODE__NODE_LIST) {
            /* CREATE ROLE r IN ROLE a, b */
            size_t k;

            for (k = 0; k < d->arg->list->n_items; k++) {
                const char *g = grantee_name(d->arg->list->items[k]);

                if (g)
                    add_member_of(m, r, g);
            }
        } else if ((strcmp(d->defname, "rolemembers") == 0 ||
                    strcmp(d->defname, "adminmembers") == 0) && d->arg &&
                   d->arg->node_case == PG_QUERY__NODE__NODE_LIST) {
            /* CREATE ROLE r ROLE a, b / ADMIN a: a and b become members of
             * r (pg_auth_members rows for them, as GRANT r TO a). */
            size_t k;

            for (k = 0; k < d->arg->list->n_items; k++) {
                const char *g = grantee_name(d->arg->list->items[k]);
                long j = g ? role_index(m, g) : -1;

                if (j >= 0)
                    add_member_of(m, util_vec_at(&m->roles, (size_t) j), r->name);
            }
        }
    }
}

void
create_role(model *m, const PgQuery__CreateRoleStmt *s, const pgr_location *loc)
{
    pgr_role *r;

    if (s->role == NULL || role_index(m, s->role) >= 0)
        return;
    r = util_vec_push(&m->roles);
    r->name = util_xstrdup(s->role);
    r->rolconnlimit = -1;
    /* CREATE USER is CREATE ROLE ... LOGIN. */
    r->rolcanlogin = s->stmt_type == PG_QUERY__ROLE_STMT_TYPE__ROLESTMT_USER;
    r->location = copy_loc(loc);
    role_options(m, r, s->options, s->n_options);
}

/* ALTER ROLE of a role the migrations did not create (it exists in the
 * cluster already) still changes it: the model gets an entry located at
 * the ALTER. */
void
alter_role(model *m, const PgQuery__AlterRoleStmt *s, const pgr_location *loc)
{
    long i;
    pgr_role *r;

    if (s->role == NULL || s->role->rolename == NULL)
        return;
    i = role_index(m, s->role->rolename);
    if (i < 0) {
        r = util_vec_push(&m->roles);
        r->name = util_xstrdup(s->role->rolename);
        r->rolconnlimit = -1;
        r->location = copy_loc(loc);
    } else {
        r = util_vec_at(&m->roles, (size_t) i);
    }
    role_options(m, r, s->options, s->n_options);
}

void
free_role(pgr_role *r)
{
    free((char *) r->name);
    free((char *) r->rolvaliduntil);
    strs_free(r->member_of, r->n_member_of);
    free_loc(&r->location);
}

void
drop_role(model *m, const PgQuery__DropRoleStmt *s)
{
    size_t k;

    for (k = 0; k < s->n_roles; k++) {
        const char *name = grantee_name(s->roles[k]);
        long i = name ? role_index(m, name) : -1;
        pgr_role *r;

        if (i < 0)
            continue;
        r = util_vec_at(&m->roles, (size_t) i);
        index_removed(&m->role_ix, m->dup_keys, role_key, (size_t) i, r);
        elem_bury(m, JV_ROLES, (size_t) i);
        index_stale(&m->member_ix);
    }
}

/* GRANT role TO member / REVOKE role FROM member: pg_auth_members. */
void
grant_role(model *m, const PgQuery__GrantRoleStmt *s)
{
    size_t i, j;

    for (j = 0; j < s->n_grantee_roles; j++) {
        const char *member = grantee_name(s->grantee_roles[j]);
        long r = member ? role_index(m, member) : -1;
        pgr_role *role;

        if (r < 0)
            continue;
        role = util_vec_at(&m->roles, (size_t) r);
        for (i = 0; i < s->n_granted_roles; i++) {
            const PgQuery__Node *g = s->granted_roles[i];

            if (g->node_case != PG_QUERY__NODE__NODE_ACCESS_PRIV || g->access_priv->priv_name == NULL)
                continue;
            if (s->is_grant)
                add_member_of(m, role, g->access_priv->priv_name);
            else if (!s->admin_opt) {
                strs_remove(&role->member_of, &role->n_member_of, g->access_priv->priv_name);
                index_stale(&m->member_ix);
            }
        }
    }
}

pgr_role *
model_put_role(model *m, const char *name, const pgr_location *loc)
{
    pgr_role *r = util_vec_push(&m->roles);

    r->name = util_xstrdup(name);
    r->rolconnlimit = -1;
    r->location = copy_loc(loc);
    return r;
}

void
model_put_membership(model *m, const char *role, const char *group)
{
    long i = role_index(m, role);

    if (i >= 0) {
        pgr_role *r = util_vec_at(&m->roles, (size_t) i);

        add_member_of(m, r, group);
    }
}
