/*
 * acl.c — privileges: GRANT and REVOKE on every object kind (expanded over
 * ALL ... IN SCHEMA), ALTER DEFAULT PRIVILEGES, what ALL stands for per kind,
 * PUBLIC's CREATE on schema public and EXECUTE on new functions, and the
 * model_put_acl/_default_acl builders for aclitems read from a catalog.
 */
#include "model/model_internal.h"

uint32_t
model_all_privileges(char objkind)
{
    switch (objkind) {
    case 'r':
    case 'p':
    case 'v':
    case 'm':
        return PGR_ACL_INSERT | PGR_ACL_SELECT | PGR_ACL_UPDATE | PGR_ACL_DELETE |
            PGR_ACL_TRUNCATE | PGR_ACL_REFERENCES | PGR_ACL_TRIGGER;
    case 'S':
        return PGR_ACL_SELECT | PGR_ACL_UPDATE | PGR_ACL_USAGE;
    case 'f':
        return PGR_ACL_EXECUTE;
    case 'n':
        return PGR_ACL_USAGE | PGR_ACL_CREATE;
    case 'd':
        return PGR_ACL_CREATE | PGR_ACL_CREATE_TEMP | PGR_ACL_CONNECT;
    case 't':
        return PGR_ACL_CREATE;
    default:
        return PGR_ACL_USAGE;
    }
}

void
remove_acl_of(model *m, char objkind, const char *object)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_ACL, &m->acl_groups, acl_owner, objkind, object, NULL, &pos);
    for (k = 0; k < pos.len; k++) {
        size_t i = *(size_t *) util_vec_at(&pos, k);
        pgr_acl_item *a = util_vec_at(&m->acl, i);

        touch_elem(m, TOUCH_ACL, a);
        index_removed(&m->acl_ix, m->dup_keys, acl_key, i, a);
        elem_bury(m, JV_ACL, i);
    }
    util_vec_free(&pos);
}

void
rename_acl_object(model *m, char objkind, const char *from, const char *to)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_ACL, &m->acl_groups, acl_owner, objkind, from, NULL, &pos);
    for (k = 0; k < pos.len; k++) {
        size_t i = *(size_t *) util_vec_at(&pos, k);
        pgr_acl_item *a = util_vec_at(&m->acl, i);

        journal_change(m, JV_ACL, i);
        rename_target(m, &m->acl_ix, &m->acl, acl_key, objkind, to, a->grantee, NULL);
        a = util_vec_at(&m->acl, i);
        touch_elem(m, TOUCH_ACL, a);
        index_rekey_from(&m->acl_ix, m->dup_keys, acl_key, i, a);
        free((char *) a->object);
        a->object = util_xstrdup(to);
        index_rekey_to(&m->acl_ix, acl_key, i, a);
        touch_elem(m, TOUCH_ACL, a);
    }
    groups_move(&m->acl_groups, objkind, from, NULL, to, NULL);
    util_vec_free(&pos);
}

static uint32_t
privilege_bit(const char *name)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } map[] = {
        { "select", PGR_ACL_SELECT }, { "insert", PGR_ACL_INSERT },
        { "update", PGR_ACL_UPDATE }, { "delete", PGR_ACL_DELETE },
        { "truncate", PGR_ACL_TRUNCATE }, { "references", PGR_ACL_REFERENCES },
        { "trigger", PGR_ACL_TRIGGER }, { "execute", PGR_ACL_EXECUTE },
        { "usage", PGR_ACL_USAGE }, { "create", PGR_ACL_CREATE },
        { "temporary", PGR_ACL_CREATE_TEMP }, { "temp", PGR_ACL_CREATE_TEMP },
        { "connect", PGR_ACL_CONNECT },
    };
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, name) == 0)
            return map[i].bit;
    return 0;
}

static char
grant_objkind(PgQuery__ObjectType t)
{
    switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        return 'r';
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        return 'S';
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
        return 'f';
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        return 'n';
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
        return 'd';
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
        return 'T';
    case PG_QUERY__OBJECT_TYPE__OBJECT_LANGUAGE:
        return 'l';
    case PG_QUERY__OBJECT_TYPE__OBJECT_FDW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER:
        return 'F';
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLESPACE:
        return 't';
    default:
        return 0;
    }
}

/*
 * A function's name in grants: "schema.name(args)" with its identity
 * argument list (signature.c), public when unqualified.  Without an argument
 * list (PostgreSQL then requires the name to be unique) that of the model's
 * function of the name, or "schema.name" when the model has none.
 */
static char *
function_object_name(model *m, const PgQuery__ObjectWithArgs *o)
{
    const char *schema, *name;
    model_function *f = resolve_function(m, o);
    char *args, *out;

    if (f)
        return function_acl_name(f);
    qualified_func(m, o->objname, o->n_objname, &schema, &name);
    if (name == NULL)
        return NULL;
    if (o->args_unspecified)
        return util_xasprintf("%s.%s", schema, name);
    args = signature_of(m, o->objargs, o->n_objargs);
    out = util_xasprintf("%s.%s(%s)", schema, name, args);
    free(args);
    return out;
}

/* The model's name of one GRANT object; caller frees. */
char *
grant_object_name(model *m, const PgQuery__Node *n, int all_in_schema)
{
    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
        return util_xasprintf("%s.%s", schema_of(m, n->range_var->schemaname),
                              n->range_var->relname);
    if (n->node_case == PG_QUERY__NODE__NODE_STRING)
        return all_in_schema ? util_xasprintf("%s.*", n->string->sval)
            : util_xstrdup(n->string->sval);
    if (n->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS)
        return function_object_name(m, n->object_with_args);
    if (n->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
        const char *schema, *name;
        PgQuery__Node wrap = PG_QUERY__NODE__INIT;
        PgQuery__List list = PG_QUERY__LIST__INIT;

        list.n_items = n->type_name->n_names;
        list.items = n->type_name->names;
        wrap.node_case = PG_QUERY__NODE__NODE_LIST;
        wrap.list = &list;
        qualified_name(m, &wrap, &schema, &name);
        return name ? util_xasprintf("%s.%s", schema, name) : NULL;
    }
    return NULL;
}

const char *
grantee_name(const PgQuery__Node *n)
{
    const PgQuery__RoleSpec *r;

    if (n->node_case != PG_QUERY__NODE__NODE_ROLE_SPEC)
        return NULL;
    r = n->role_spec;
    switch (r->roletype) {
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC:
        return "PUBLIC";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_USER:
        return "CURRENT_USER";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER:
        return "SESSION_USER";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_ROLE:
        return "CURRENT_ROLE";
    default:
        return r->rolename;
    }
}

static pgr_acl_item *
find_acl(model *m, char objkind, const char *object, const char *grantee, int create)
{
    long i;
    pgr_acl_item *a;

    touch_key(m, TOUCH_ACL, objkind, object, grantee, NULL);
    i = index_find3(&m->acl_ix, &m->acl, acl_key, objkind, object, grantee, NULL);
    if (i >= 0)
        return util_vec_at(&m->acl, (size_t) i);
    if (!create)
        return NULL;
    a = util_vec_push(&m->acl);
    journal_push(m, JV_ACL);
    a->objkind = objkind;
    a->object = util_xstrdup(object);
    a->grantee = util_xstrdup(grantee);
    return a;
}

static void
apply_acl(model *m, char objkind, const char *object, int all_in_schema,
          const char *grantee, uint32_t privs, const PgQuery__GrantStmt *s,
          const pgr_location *loc)
{
    pgr_acl_item *a = find_acl(m, objkind, object, grantee, s->is_grant);

    if (a == NULL)
        return;
    journal_change(m, JV_ACL, (size_t) (a - (pgr_acl_item *) m->acl.items));
    if (s->is_grant) {
        uint32_t before = a->privileges, options = a->grant_options;

        a->all_in_schema = all_in_schema;
        a->privileges |= privs;
        if (s->grant_option)
            a->grant_options |= privs;
        /* A finding points at the statement that gave what it is about: a
         * GRANT SELECT after GRANT ALL ... WITH GRANT OPTION adds nothing,
         * and the grant option stays where it was given (issue 13). */
        if (a->privileges != before || a->grant_options != options ||
            (a->location.path == NULL && a->location.object == NULL)) {
            free_loc(&a->location);
            a->location = copy_loc(loc);
        }
        return;
    }
    /* REVOKE GRANT OPTION FOR keeps the privilege itself. */
    a->grant_options &= ~privs;
    if (!s->grant_option)
        a->privileges &= ~privs;
    if (a->privileges == 0) {
        size_t i = (size_t) (a - (pgr_acl_item *) m->acl.items);

        index_removed(&m->acl_ix, m->dup_keys, acl_key, i, a);
        elem_bury(m, JV_ACL, i);
    }
}

/*
 * Whether ON ALL <objtype> IN SCHEMA reaches a function of this prokind:
 * ALL FUNCTIONS leaves procedures out, ALL PROCEDURES takes only them, ALL
 * ROUTINES both (PostgreSQL docs GRANT).
 */
static bool
all_in_schema_reaches(PgQuery__ObjectType objtype, const pgr_function *fn)
{
    if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION)
        return fn->prokind != 'p';
    if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE)
        return fn->prokind == 'p';
    return true;
}

/* GRANT/REVOKE EXECUTE to PUBLIC flips a function's public_execute; the
 * ALTER DEFAULT PRIVILEGES form flips it for functions created later. */
static void
function_public_execute(model *m, const PgQuery__GrantStmt *s, uint32_t privs)
{
    size_t i, j;
    bool public = false;

    if (!(privs & PGR_ACL_EXECUTE))
        return;
    for (j = 0; j < s->n_grantees; j++) {
        const char *g = grantee_name(s->grantees[j]);

        public = public || (g && strcmp(g, "PUBLIC") == 0);
    }
    if (!public)
        return;
    if (s->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_DEFAULTS) {
        m->default_public_execute = s->is_grant;
        return;
    }
    for (i = 0; i < s->n_objects; i++) {
        const PgQuery__Node *o = s->objects[i];
        model_function *f = o->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS
            ? resolve_function(m, o->object_with_args) : NULL;

        if (f) {
            journal_change(m, JV_FUNCTIONS, (size_t) (f - (model_function *) m->functions.items));
            f->fn.public_execute = s->is_grant;
        }
        /* ON ALL FUNCTIONS IN SCHEMA: each one that exists now. */
        for (j = 0; o->node_case == PG_QUERY__NODE__NODE_STRING && j < m->functions.len; j++) {
            f = util_vec_at(&m->functions, j);
            if (!elem_gone(m, JV_FUNCTIONS, j) && strcmp(f->fn.schema, o->string->sval) == 0 && all_in_schema_reaches(s->objtype, &f->fn)) {
                touch_elem(m, TOUCH_FUNCTION, f);
                journal_change(m, JV_FUNCTIONS, j);
                f->fn.public_execute = s->is_grant;
            }
        }
    }
}

/* Apply a GRANT/REVOKE ... ON ALL <kind> IN SCHEMA to each table or
 * function of the schema in the model.  Returns whether there was any. */
static bool
expand_in_schema(model *m, char objkind, const PgQuery__Node *schema_node,
                 const PgQuery__GrantStmt *s, uint32_t privs, const pgr_location *loc)
{
    const char *schema;
    size_t i, j, n;
    bool any = false;

    if (schema_node->node_case != PG_QUERY__NODE__NODE_STRING || (objkind != 'r' && objkind != 'f'))
        return false;
    schema = schema_node->string->sval;
    n = objkind == 'r' ? m->tables.len : m->functions.len;
    for (i = 0; i < n; i++) {
        const pgr_table *t = objkind == 'r' ? util_vec_at(&m->tables, i) : NULL;
        const model_function *f = objkind == 'f' ? util_vec_at(&m->functions, i) : NULL;
        char *object;

        if (elem_gone(m, objkind == 'r' ? JV_TABLES : JV_FUNCTIONS, i) ||
            strcmp(t ? t->schema : f->fn.schema, schema) != 0 ||
            (f && !all_in_schema_reaches(s->objtype, &f->fn)))
            continue;
        any = true;
        object = t ? util_xasprintf("%s.%s", t->schema, t->name) : function_acl_name(f);
        for (j = 0; j < s->n_grantees; j++) {
            const char *g = grantee_name(s->grantees[j]);

            if (g)
                apply_acl(m, objkind, object, 0, g, privs, s, loc);
        }
        free(object);
    }
    return any;
}

/* GRANT/REVOKE CREATE ON SCHEMA public TO/FROM PUBLIC. */
void
public_schema_create(model *m, const PgQuery__GrantStmt *s)
{
    size_t i, j;

    for (i = 0; i < s->n_objects; i++) {
        if (s->objects[i]->node_case != PG_QUERY__NODE__NODE_STRING ||
            strcmp(s->objects[i]->string->sval, "public") != 0)
            continue;
        for (j = 0; j < s->n_grantees; j++) {
            const char *g = grantee_name(s->grantees[j]);

            if (g && strcmp(g, "PUBLIC") == 0 && !(s->grant_option && !s->is_grant))
                m->public_schema_create = s->is_grant;
        }
    }
}

void
grant_stmt(model *m, const PgQuery__GrantStmt *s, const pgr_location *loc)
{
    char objkind = grant_objkind(s->objtype);
    int all_in_schema = s->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA;
    uint32_t privs = 0;
    size_t i, j;

    if (objkind == 0)
        return;
    if (s->n_privileges == 0)
        privs = model_all_privileges(objkind);
    for (i = 0; i < s->n_privileges; i++) {
        const PgQuery__Node *p = s->privileges[i];

        if (p->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV && p->access_priv->priv_name)
            privs |= privilege_bit(p->access_priv->priv_name);
    }
    privs &= model_all_privileges(objkind);
    if (privs == 0)
        return;
    if (objkind == 'f')
        function_public_execute(m, s, privs);
    /* ALTER DEFAULT PRIVILEGES is not an object grant: the caller records
     * it in default_acl. */
    if (s->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_DEFAULTS)
        return;
    if (objkind == 'n' && (privs & PGR_ACL_CREATE))
        public_schema_create(m, s);
    for (i = 0; i < s->n_objects; i++) {
        char *object = grant_object_name(m, s->objects[i], all_in_schema);

        if (object == NULL)
            continue;
        /* ON ALL TABLES / FUNCTIONS IN SCHEMA means each one that exists now
         * (PostgreSQL expands it at GRANT time); with none in the model the
         * grant is kept on "schema.*" so it is not lost. */
        if (all_in_schema && expand_in_schema(m, objkind, s->objects[i], s, privs, loc)) {
            free(object);
            continue;
        }
        for (j = 0; j < s->n_grantees; j++) {
            const char *g = grantee_name(s->grantees[j]);
            uint32_t p = privs;

            /* PUBLIC's CREATE on schema public is the public_schema_create
             * flag (a default before PostgreSQL 15), not an ACL item. */
            if (objkind == 'n' && g && strcmp(object, "public") == 0 && strcmp(g, "PUBLIC") == 0)
                p &= ~PGR_ACL_CREATE;
            if (g && p)
                apply_acl(m, objkind, object, all_in_schema, g, p, s, loc);
        }
        free(object);
    }
}

/* ALTER DEFAULT PRIVILEGES [FOR ROLE ...] [IN SCHEMA s, ...] GRANT/REVOKE
 * ... ON TABLES|SEQUENCES|FUNCTIONS|TYPES|SCHEMAS: one default_acl item per
 * schema ("*" without IN SCHEMA) and grantee. */
void
default_privileges(model *m, const PgQuery__AlterDefaultPrivilegesStmt *s, const pgr_location *loc)
{
    const PgQuery__GrantStmt *g = s->action;
    const char *schemas[64];
    size_t n_schemas = 0, i, j, k;
    char objkind = grant_objkind(g->objtype);
    uint32_t privs = 0;

    if (objkind == 0)
        return;
    for (i = 0; i < s->n_options; i++) {
        const PgQuery__DefElem *d = s->options[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM
            ? s->options[i]->def_elem : NULL;

        if (d == NULL || d->defname == NULL || strcmp(d->defname, "schemas") != 0 || d->arg == NULL ||
            d->arg->node_case != PG_QUERY__NODE__NODE_LIST)
            continue;
        for (k = 0; k < d->arg->list->n_items && n_schemas < 64; k++)
            if (d->arg->list->items[k]->node_case == PG_QUERY__NODE__NODE_STRING)
                schemas[n_schemas++] = d->arg->list->items[k]->string->sval;
    }
    if (n_schemas == 0)
        schemas[n_schemas++] = "*";
    if (g->n_privileges == 0)
        privs = model_all_privileges(objkind);
    for (i = 0; i < g->n_privileges; i++)
        if (g->privileges[i]->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV &&
            g->privileges[i]->access_priv->priv_name)
            privs |= privilege_bit(g->privileges[i]->access_priv->priv_name);
    for (i = 0; i < n_schemas; i++) {
        for (j = 0; j < g->n_grantees; j++) {
            const char *who = grantee_name(g->grantees[j]);
            model tmp;

            if (who == NULL)
                continue;
            touch_key(m, TOUCH_DEFAULT_ACL, 0, schemas[i], who, NULL);
            /* Reuse the object-ACL arithmetic on the default_acl vector,
             * with an index of its own: sharing m's acl_ix (a copy of the
             * struct, the same slots) let a lookup here rebuild and
             * reallocate the slots m's grants are found through. */
            tmp = *m;
            tmp.acl = m->default_acl;
            index_init(&tmp.acl_ix);
            /* Removal marks of its own too (gone.c), closed before the
             * vector goes back: only the object grants keep marks. */
            util_vec_init(&tmp.gone[JV_ACL], sizeof(unsigned char));
            tmp.n_gone[JV_ACL] = 0;
            tmp.acl_ix.gone = &tmp.gone[JV_ACL];
            apply_acl(&tmp, objkind, schemas[i], 0, who, privs, g, loc);
            compact_vec(&tmp, JV_ACL);
            util_vec_free(&tmp.gone[JV_ACL]);
            index_free(&tmp.acl_ix);
            m->default_acl = tmp.acl;
        }
    }
}

void
model_put_acl(model *m, char objkind, const char *object, const char *grantee,
              uint32_t privileges, uint32_t grant_options, const pgr_location *loc)
{
    pgr_acl_item *a = find_acl(m, objkind, object, grantee, 1);

    a->privileges |= privileges;
    a->grant_options |= grant_options;
    if (a->location.object == NULL && a->location.path == NULL)
        a->location = copy_loc(loc);
}

void
model_put_default_acl(model *m, char objkind, const char *schema, const char *grantee,
                      uint32_t privileges, const pgr_location *loc)
{
    size_t i;
    pgr_acl_item *a;

    for (i = 0; i < m->default_acl.len; i++) {
        a = util_vec_at(&m->default_acl, i);
        if (a->objkind == objkind && strcmp(a->object, schema) == 0 &&
            strcmp(a->grantee, grantee) == 0) {
            a->privileges |= privileges;
            return;
        }
    }
    a = util_vec_push(&m->default_acl);
    a->objkind = objkind;
    a->object = util_xstrdup(schema);
    a->grantee = util_xstrdup(grantee);
    a->privileges = privileges;
    a->location = copy_loc(loc);
}

uint32_t
model_privilege_bit(const char *name)
{
    char lower[32];
    size_t i;

    for (i = 0; name[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char) (name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    lower[i] = '\0';
    return privilege_bit(lower);
}
