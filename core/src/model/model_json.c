/*
 * model_json.c — see model_json.h.
 */
#include "model/model_json.h"

#include <stdlib.h>

#include "util.h"

static json_t *
str(const char *s)
{
    char *clean;
    json_t *j;

    if (s == NULL)
        return json_null();
    clean = util_utf8_sanitize(s);
    j = json_string(clean);
    free(clean);
    return j;
}

static json_t *
where(const pgr_location *l)
{
    char *s;
    json_t *j;

    if (l->path == NULL || l->line == 0)
        return l->object ? str(l->object) : json_null();
    s = util_xasprintf("%s:%u:%u", l->path, l->line, l->column);
    j = str(s);
    free(s);
    return j;
}

static json_t *
strs_json(const char *const *items, size_t n)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < n; i++)
        json_array_append_new(a, str(items[i]));
    return a;
}

char *
model_acl_letters(uint32_t privileges, char *buf)
{
    /* Bit order of AclMode, letters of aclitemout(). */
    static const char letters[] = "arwdDxtXUCTc";
    size_t i, n = 0;

    for (i = 0; letters[i]; i++)
        if (privileges & (1u << i))
            buf[n++] = letters[i];
    buf[n] = '\0';
    return buf;
}

static json_t *
table_json(const pgr_table *t)
{
    json_t *o = json_object();
    char kind[2] = { t->relkind, '\0' };

    json_object_set_new(o, "oid", json_integer(t->oid));
    json_object_set_new(o, "schema", str(t->schema));
    json_object_set_new(o, "name", str(t->name));
    json_object_set_new(o, "relkind", json_string(kind));
    json_object_set_new(o, "relrowsecurity", json_boolean(t->relrowsecurity));
    json_object_set_new(o, "relforcerowsecurity", json_boolean(t->relforcerowsecurity));
    json_object_set_new(o, "owner", str(t->owner));
    json_object_set_new(o, "columns", strs_json(t->columns, t->n_columns));
    {
        json_t *nums = json_array();
        size_t i;

        for (i = 0; i < t->n_columns; i++)
            json_array_append_new(nums, json_integer(t->attnums[i]));
        json_object_set_new(o, "attnums", nums);
    }
    json_object_set_new(o, "defined_at", where(&t->location));
    return o;
}

static json_t *
policy_json(const pgr_policy *p)
{
    json_t *o = json_object(), *roles = json_array();
    char cmd[2] = { p->polcmd, '\0' };
    size_t i;

    for (i = 0; i < p->n_roles; i++)
        json_array_append_new(roles, str(p->roles[i]));
    json_object_set_new(o, "table", str(p->table));
    json_object_set_new(o, "schema", str(p->schema));
    json_object_set_new(o, "name", str(p->name));
    json_object_set_new(o, "polpermissive", json_boolean(p->polpermissive));
    json_object_set_new(o, "polcmd", json_string(cmd));
    json_object_set_new(o, "roles", roles);
    json_object_set_new(o, "using", str(p->qual));
    json_object_set_new(o, "with_check", str(p->with_check));
    json_object_set_new(o, "columns_referenced",
                        strs_json(p->columns_referenced, p->n_columns_referenced));
    json_object_set_new(o, "defined_at", where(&p->location));
    return o;
}

static json_t *
acl_json(const pgr_acl_item *a)
{
    json_t *o = json_object();
    char kind[2] = { a->objkind, '\0' }, privs[16], opts[16];

    json_object_set_new(o, "objkind", json_string(kind));
    json_object_set_new(o, "object", str(a->object));
    json_object_set_new(o, "grantee", str(a->grantee));
    json_object_set_new(o, "privileges", json_string(model_acl_letters(a->privileges, privs)));
    json_object_set_new(o, "grant_options", json_string(model_acl_letters(a->grant_options, opts)));
    json_object_set_new(o, "defined_at", where(&a->location));
    return o;
}

static json_t *
role_json(const pgr_role *r)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", str(r->name));
    json_object_set_new(o, "rolsuper", json_boolean(r->rolsuper));
    json_object_set_new(o, "rolcanlogin", json_boolean(r->rolcanlogin));
    json_object_set_new(o, "rolcreaterole", json_boolean(r->rolcreaterole));
    json_object_set_new(o, "rolcreatedb", json_boolean(r->rolcreatedb));
    json_object_set_new(o, "rolbypassrls", json_boolean(r->rolbypassrls));
    json_object_set_new(o, "rolreplication", json_boolean(r->rolreplication));
    json_object_set_new(o, "rolconnlimit", json_integer(r->rolconnlimit));
    json_object_set_new(o, "rolvaliduntil", str(r->rolvaliduntil));
    json_object_set_new(o, "member_of", strs_json(r->member_of, r->n_member_of));
    json_object_set_new(o, "defined_at", where(&r->location));
    return o;
}

static json_t *
function_json(const pgr_function *fn, const char *args)
{
    json_t *o = json_object();
    char kind[2] = { fn->prokind, '\0' };

    json_object_set_new(o, "schema", str(fn->schema));
    json_object_set_new(o, "name", str(fn->name));
    json_object_set_new(o, "args", str(args));
    json_object_set_new(o, "prokind", json_string(kind));
    json_object_set_new(o, "language", str(fn->language));
    json_object_set_new(o, "prosecdef", json_boolean(fn->prosecdef));
    json_object_set_new(o, "search_path_set", json_boolean(fn->search_path_set));
    json_object_set_new(o, "public_execute", json_boolean(fn->public_execute));
    json_object_set_new(o, "defined_at", where(&fn->location));
    return o;
}

static json_t *
view_json(const pgr_view *v)
{
    json_t *o = json_object();
    char kind[2] = { v->relkind, '\0' };

    json_object_set_new(o, "oid", json_integer(v->oid));
    json_object_set_new(o, "schema", str(v->schema));
    json_object_set_new(o, "name", str(v->name));
    json_object_set_new(o, "relkind", json_string(kind));
    json_object_set_new(o, "security_invoker", json_boolean(v->security_invoker));
    json_object_set_new(o, "security_barrier", json_boolean(v->security_barrier));
    json_object_set_new(o, "relations", strs_json(v->relations, v->n_relations));
    json_object_set_new(o, "defined_at", where(&v->location));
    return o;
}

json_t *
model_json(const pgr_model *m)
{
    json_t *o = json_object(), *a;
    size_t i;

    json_object_set_new(o, "source", str(m->source));
    json_object_set_new(o, "from_migrations", json_boolean(m->from_migrations));
    json_object_set_new(o, "server_version", json_integer(m->server_version));
    json_object_set_new(o, "public_schema_create", json_boolean(m->public_schema_create));
    a = json_array();
    for (i = 0; i < m->n_tables; i++)
        json_array_append_new(a, table_json(&m->tables[i]));
    json_object_set_new(o, "tables", a);
    a = json_array();
    for (i = 0; i < m->n_policies; i++)
        json_array_append_new(a, policy_json(&m->policies[i]));
    json_object_set_new(o, "policies", a);
    a = json_array();
    for (i = 0; i < m->n_acl; i++)
        json_array_append_new(a, acl_json(&m->acl[i]));
    json_object_set_new(o, "acl", a);
    a = json_array();
    for (i = 0; i < m->n_roles; i++)
        json_array_append_new(a, role_json(&m->roles[i]));
    json_object_set_new(o, "roles", a);
    a = json_array();
    for (i = 0; i < m->n_functions; i++)
        json_array_append_new(a, function_json(&m->functions[i], m->function_args ? m->function_args[i] : NULL));
    json_object_set_new(o, "functions", a);
    a = json_array();
    for (i = 0; i < m->n_views; i++)
        json_array_append_new(a, view_json(&m->views[i]));
    json_object_set_new(o, "views", a);
    a = json_array();
    for (i = 0; i < m->n_default_acl; i++)
        json_array_append_new(a, acl_json(&m->default_acl[i]));
    json_object_set_new(o, "default_acl", a);
    a = json_array();
    for (i = 0; i < m->n_objects; i++) {
        json_t *ob = json_object();
        char kind[2] = { m->objects[i].kind, '\0' };

        json_object_set_new(ob, "kind", json_string(kind));
        json_object_set_new(ob, "schema", str(m->objects[i].schema));
        json_object_set_new(ob, "name", str(m->objects[i].name));
        json_object_set_new(ob, "parent", str(m->objects[i].parent));
        json_object_set_new(ob, "defined_at", where(&m->objects[i].location));
        json_array_append_new(a, ob);
    }
    json_object_set_new(o, "objects", a);
    return o;
}
