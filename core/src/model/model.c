/*
 * model.c — the model's lifecycle: creating one, the helpers every part
 * shares (owned string arrays, copied locations), the read-only view handed
 * to plugins, freeing and deep-copying a whole model, forgetting a schema,
 * and the server settings and pg_hba rules a live reader adds.  Replaying
 * statements is replay.c's job; each object kind has its own file.
 */
#include "model/model_internal.h"

/* Growable arrays of owned strings, as the public structs hold them. */
void
strs_add(const char *const **items, size_t *n, const char *s)
{
    const char **a = (const char **) *items;
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcmp(a[i], s) == 0)
            return;
    a = util_xrealloc(a, (*n + 1) * sizeof(char *));
    a[(*n)++] = util_xstrdup(s);
    *items = a;
}

void
strs_remove(const char *const **items, size_t *n, const char *s)
{
    const char **a = (const char **) *items;
    size_t i;

    for (i = 0; i < *n; i++) {
        if (strcmp(a[i], s) == 0) {
            free((char *) a[i]);
            memmove(&a[i], &a[i + 1], (*n - i - 1) * sizeof(char *));
            (*n)--;
            return;
        }
    }
}

void
strs_free(const char *const *items, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free((char *) items[i]);
    free((void *) items);
}

const char *const *
strs_clone(const char *const *items, size_t n)
{
    const char **a = util_xcalloc(n ? n : 1, sizeof(char *));
    size_t i;

    for (i = 0; i < n; i++)
        a[i] = util_xstrdup(items[i]);
    return a;
}

char *
dup_or_null(const char *s)
{
    return s ? util_xstrdup(s) : NULL;
}

pgr_location
copy_loc(const pgr_location *loc)
{
    pgr_location l = *loc;

    l.path = dup_or_null(loc->path);
    l.object = dup_or_null(loc->object);
    return l;
}

void
free_loc(pgr_location *l)
{
    free((char *) l->path);
    free((char *) l->object);
}

void
model_init(model *m, const char *source, int from_migrations)
{
    int i;

    m->source = util_xstrdup(source);
    m->from_migrations = from_migrations;
    util_vec_init(&m->tables, sizeof(pgr_table));
    util_vec_init(&m->acl, sizeof(pgr_acl_item));
    util_vec_init(&m->roles, sizeof(pgr_role));
    util_vec_init(&m->policies, sizeof(pgr_policy));
    util_vec_init(&m->functions, sizeof(model_function));
    util_vec_init(&m->view_functions, sizeof(pgr_function));
    util_vec_init(&m->view_function_args, sizeof(const char *));
    util_vec_init(&m->view_function_trigger, sizeof(unsigned char));
    util_vec_init(&m->views, sizeof(pgr_view));
    util_vec_init(&m->objects, sizeof(pgr_object));
    util_vec_init(&m->default_acl, sizeof(pgr_acl_item));
    m->server_version = 15;
    m->public_schema_create = 0;
    memset(&m->origin, 0, sizeof m->origin);
    m->is_live = 0;
    m->settings_scope = PGR_SETTINGS_PARTIAL;
    util_vec_init(&m->settings, sizeof(pgr_setting));
    m->hba_available = 0;
    util_vec_init(&m->hba, sizeof(pgr_hba_rule));
    m->authid_available = 0;
    m->connection_ssl = -1;
    m->connection_ssl_version = NULL;
    m->default_public_execute = 1;
    /* FirstNormalObjectId: replayed objects get oids like user objects do. */
    m->next_oid = 16384;
    m->default_schema = util_xstrdup("public");
    util_vec_init(&m->deep_lines, sizeof(size_t));
    util_vec_init(&m->column_info, sizeof(column_info));
    util_map_init(&m->column_info_ix);
    util_vec_init(&m->clause_cache, sizeof(clause_entry));
    util_map_init(&m->clause_cache_ix);
    m->clauses_parsed = 0;
    util_vec_init(&m->constraints, sizeof(model_constraint));
    util_vec_init(&m->view_constraints, sizeof(pgr_constraint));
    util_vec_init(&m->index_deps, sizeof(index_dep));
    util_vec_init(&m->view_column_types, sizeof(const char *));
    util_vec_init(&m->view_column_locations, sizeof(pgr_location));
    util_vec_init(&m->view_column_type_rows, sizeof(const char *const *));
    util_vec_init(&m->view_column_location_rows, sizeof(const pgr_location *));
    util_vec_init(&m->view_columns_complete, sizeof(unsigned char));
    indexes_apply(m, index_init);
    for (i = 0; i < JV_COUNT; i++) {
        util_vec_init(&m->gone[i], sizeof(unsigned char));
        m->n_gone[i] = 0;
    }
    indexes_bind(m);
    groups_apply(m, groups_init);
    m->journal = NULL;
    m->touched = NULL;
    m->dup_keys = false;
}

void
model_set_version(model *m, int major)
{
    m->server_version = major;
    m->public_schema_create = major < 15;
}

void
model_set_origin(model *m, const pgr_location *loc)
{
    free_loc(&m->origin);
    m->origin = copy_loc(loc);
}

typedef struct policy_key {
    const pgr_policy *p;
    size_t seq;
} policy_key;

static int
policy_key_cmp(const void *a, const void *b)
{
    const policy_key *x = a, *y = b;
    int c = strcmp(x->p->schema, y->p->schema);

    if (c == 0)
        c = strcmp(x->p->table, y->p->table);
    if (c == 0)
        c = x->seq < y->seq ? -1 : x->seq > y->seq;
    return c;
}

/* Whether the policies are grouped by table already: grouping them again
 * would leave them where they are (the model's view is taken after every
 * migration of a replayed history, issue 15). */
static bool
policies_grouped(const model *m)
{
    size_t i;

    for (i = 1; i < m->policies.len; i++) {
        const pgr_policy *a = util_vec_at(&m->policies, i - 1), *b = util_vec_at(&m->policies, i);
        int c = strcmp(a->schema, b->schema);

        if (c > 0 || (c == 0 && strcmp(a->table, b->table) > 0))
            return false;
    }
    return true;
}

/* Group the policies by table, keeping creation order within a table. */
static void
group_policies(model *m)
{
    size_t n = m->policies.len, i;
    policy_key *keys = util_xcalloc(n ? n : 1, sizeof(policy_key));
    pgr_policy *sorted = util_xcalloc(n ? n : 1, sizeof(pgr_policy));

    for (i = 0; i < n; i++) {
        keys[i].p = util_vec_at(&m->policies, i);
        keys[i].seq = i;
    }
    if (n > 1)
        qsort(keys, n, sizeof(policy_key), policy_key_cmp);
    for (i = 0; i < n; i++) {
        sorted[i] = *keys[i].p;
        /* Moved: the positions the policy index holds are no longer
         * theirs (a lookup would miss a policy appended before the move). */
        if (keys[i].seq != i) {
            index_stale(&m->policy_ix);
            groups_stale(&m->policy_groups);
        }
    }
    if (n > 0)
        memcpy(m->policies.items, sorted, n * sizeof(pgr_policy));
    free(sorted);
    free(keys);
}

/* Group the policies by table and point each table at its range, so rules
 * need not scan every policy for every table (20,000 policies on 10,000
 * tables in a live audit). */
static void
index_policies(model *m)
{
    size_t n = m->policies.len, i, lo, hi;

    if (!policies_grouped(m))
        group_policies(m);
    for (i = 0; i < m->tables.len; i++) {
        pgr_table *t = util_vec_at(&m->tables, i);
        const pgr_policy *ps = m->policies.items;

        /* Binary search for the first policy of (schema, table). */
        lo = 0;
        hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(ps[mid].schema, t->schema);

            if (c == 0)
                c = strcmp(ps[mid].table, t->name);
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        t->policy_first = lo;
        t->policy_count = 0;
        while (lo + t->policy_count < n && strcmp(ps[lo + t->policy_count].schema, t->schema) == 0 &&
               strcmp(ps[lo + t->policy_count].table, t->name) == 0)
            t->policy_count++;
    }
}

/*
 * The functions as plugins see them: a pgr_function array (the model's
 * elements are larger, model_function) and the parallel identity argument
 * lists and trigger flags appended to pgr_model in ABI 5.
 */
static void
view_functions(model *m, pgr_model *out)
{
    size_t i;

    m->view_functions.len = m->view_function_args.len = m->view_function_trigger.len = 0;
    for (i = 0; i < m->functions.len; i++) {
        const model_function *f = util_vec_at(&m->functions, i);

        *(pgr_function *) util_vec_push(&m->view_functions) = f->fn;
        *(const char **) util_vec_push(&m->view_function_args) = f->args;
        *(unsigned char *) util_vec_push(&m->view_function_trigger) = f->trigger;
    }
    out->n_functions = m->functions.len;
    out->functions = m->view_functions.items;
    out->function_args = m->view_function_args.items;
    out->function_trigger = m->view_function_trigger.items;
}

void
model_view(model *m, pgr_model *out)
{
    /* Plugins index the arrays: no removed element may be left in them. */
    model_compact(m);
    index_policies(m);
    out->source = m->source;
    out->from_migrations = m->from_migrations;
    out->n_tables = m->tables.len;
    out->tables = m->tables.items;
    out->n_acl = m->acl.len;
    out->acl = m->acl.items;
    out->n_roles = m->roles.len;
    out->roles = m->roles.items;
    out->n_policies = m->policies.len;
    out->policies = m->policies.items;
    view_functions(m, out);
    out->n_views = m->views.len;
    out->views = m->views.items;
    out->n_objects = m->objects.len;
    out->objects = m->objects.items;
    out->n_default_acl = m->default_acl.len;
    out->default_acl = m->default_acl.items;
    out->server_version = m->server_version;
    out->public_schema_create = m->public_schema_create;
    out->origin = m->origin;
    out->is_live = m->is_live;
    out->settings_scope = m->is_live ? PGR_SETTINGS_SERVER : m->settings_scope;
    out->n_settings = m->settings.len;
    out->settings = m->settings.items;
    out->hba_available = m->hba_available;
    out->n_hba = m->hba.len;
    out->hba = m->hba.items;
    out->authid_available = m->authid_available;
    out->connection_ssl = m->connection_ssl;
    out->connection_ssl_version = m->connection_ssl_version;
    view_columns(m, out);
    view_constraints(m, out);
}

void
model_free(model *m)
{
    size_t i;

    /* The removed elements' strings are freed already: close the gaps. */
    model_compact(m);
    for (i = 0; i < JV_COUNT; i++)
        util_vec_free(&m->gone[i]);
    util_vec_free(&m->deep_lines);
    clause_cache_free(m);
    indexes_apply(m, index_free);
    groups_apply(m, groups_free);
    columns_free(m);
    constraints_free(m);
    index_deps_free(m);
    /* Not drop_table_at: its removal of each table's grants, indexes and
     * policies would make this O(n^2); all of them are freed below. */
    for (i = 0; i < m->tables.len; i++)
        free_table(util_vec_at(&m->tables, i));
    m->tables.len = 0;
    for (i = 0; i < m->acl.len; i++) {
        pgr_acl_item *a = util_vec_at(&m->acl, i);

        free((char *) a->object);
        free((char *) a->grantee);
        free_loc(&a->location);
    }
    for (i = 0; i < m->roles.len; i++)
        free_role(util_vec_at(&m->roles, i));
    for (i = 0; i < m->objects.len; i++)
        free_object(util_vec_at(&m->objects, i));
    util_vec_free(&m->objects);
    util_vec_free(&m->tables);
    util_vec_free(&m->acl);
    for (i = 0; i < m->policies.len; i++)
        free_policy(util_vec_at(&m->policies, i));
    util_vec_free(&m->roles);
    util_vec_free(&m->policies);
    for (i = 0; i < m->functions.len; i++)
        free_function(util_vec_at(&m->functions, i));
    util_vec_free(&m->functions);
    util_vec_free(&m->view_functions);
    util_vec_free(&m->view_function_args);
    util_vec_free(&m->view_function_trigger);
    for (i = 0; i < m->views.len; i++)
        free_view(util_vec_at(&m->views, i));
    util_vec_free(&m->views);
    for (i = 0; i < m->default_acl.len; i++) {
        pgr_acl_item *a = util_vec_at(&m->default_acl, i);

        free((char *) a->object);
        free((char *) a->grantee);
        free_loc(&a->location);
    }
    util_vec_free(&m->default_acl);
    for (i = 0; i < m->settings.len; i++) {
        pgr_setting *st = util_vec_at(&m->settings, i);

        free((char *) st->name);
        free((char *) st->value);
        free_loc(&st->location);
    }
    util_vec_free(&m->settings);
    for (i = 0; i < m->hba.len; i++) {
        pgr_hba_rule *h = util_vec_at(&m->hba, i);

        free((char *) h->type);
        free((char *) h->database);
        free((char *) h->user_name);
        free((char *) h->address);
        free((char *) h->netmask);
        free((char *) h->auth_method);
        free_loc(&h->location);
    }
    util_vec_free(&m->hba);
    free(m->connection_ssl_version);
    free_loc(&m->origin);
    free(m->default_schema);
    free(m->source);
}

/* Deep copies of model elements (every string duplicated). */
pgr_table
clone_table(const pgr_table *t)
{
    pgr_table c = *t;

    c.schema = util_xstrdup(t->schema);
    c.name = util_xstrdup(t->name);
    c.location = copy_loc(&t->location);
    c.rls_location = copy_loc(&t->rls_location);
    c.owner = dup_or_null(t->owner);
    c.columns = strs_clone(t->columns, t->n_columns);
    c.attnums = util_xcalloc(t->n_columns ? t->n_columns : 1, sizeof(int16_t));
    if (t->n_columns > 0)
        memcpy((int16_t *) c.attnums, t->attnums, t->n_columns * sizeof(int16_t));
    return c;
}

pgr_acl_item
clone_acl_item(const pgr_acl_item *a)
{
    pgr_acl_item c = *a;

    c.object = util_xstrdup(a->object);
    c.grantee = util_xstrdup(a->grantee);
    c.location = copy_loc(&a->location);
    return c;
}

void
free_acl_item(pgr_acl_item *a)
{
    free((char *) a->object);
    free((char *) a->grantee);
    free_loc(&a->location);
}

/* Appends deep copies of the ACL items of src to dst, but those gone
 * marks (NULL: none) say were removed. */
static void
clone_acl(util_vec *dst, const util_vec *src, const util_vec *gone)
{
    size_t i;

    for (i = 0; i < src->len; i++)
        if (!gone_at(gone, i))
            *(pgr_acl_item *) util_vec_push(dst) = clone_acl_item(util_vec_at(src, i));
}

pgr_view
clone_view(const pgr_view *v)
{
    pgr_view c = *v;

    c.schema = util_xstrdup(v->schema);
    c.name = util_xstrdup(v->name);
    c.relations = strs_clone(v->relations, v->n_relations);
    c.location = copy_loc(&v->location);
    return c;
}

pgr_object
clone_object(const pgr_object *o)
{
    pgr_object c = *o;

    c.schema = util_xstrdup(o->schema);
    c.name = util_xstrdup(o->name);
    c.parent = dup_or_null(o->parent);
    c.columns = strs_clone(o->columns, o->n_columns);
    c.location = copy_loc(&o->location);
    return c;
}

pgr_role
clone_role(const pgr_role *r)
{
    pgr_role c = *r;

    c.name = util_xstrdup(r->name);
    c.rolvaliduntil = dup_or_null(r->rolvaliduntil);
    c.member_of = strs_clone(r->member_of, r->n_member_of);
    c.location = copy_loc(&r->location);
    return c;
}

model_function
clone_function(const model_function *f)
{
    model_function c = *f;

    c.fn.schema = util_xstrdup(f->fn.schema);
    c.fn.name = util_xstrdup(f->fn.name);
    c.fn.language = dup_or_null(f->fn.language);
    c.fn.location = copy_loc(&f->fn.location);
    c.args = util_xstrdup(f->args);
    return c;
}

pgr_policy
clone_policy(const pgr_policy *p)
{
    pgr_policy c = *p;
    const char **roles = util_xcalloc(p->n_roles ? p->n_roles : 1, sizeof(char *));
    size_t i;

    for (i = 0; i < p->n_roles; i++)
        roles[i] = util_xstrdup(p->roles[i]);
    c.roles = roles;
    c.schema = util_xstrdup(p->schema);
    c.table = util_xstrdup(p->table);
    c.name = util_xstrdup(p->name);
    c.qual = dup_or_null(p->qual);
    c.with_check = dup_or_null(p->with_check);
    c.location = copy_loc(&p->location);
    c.qual_location = copy_loc(&p->qual_location);
    c.with_check_location = copy_loc(&p->with_check_location);
    c.columns_referenced = strs_clone(p->columns_referenced, p->n_columns_referenced);
    c.qual_canonical = dup_or_null(p->qual_canonical);
    c.with_check_canonical = dup_or_null(p->with_check_canonical);
    return c;
}

void
model_clone(const model *src, model *dst)
{
    size_t i;

    model_init(dst, src->source, src->from_migrations);
    dst->default_public_execute = src->default_public_execute;
    dst->next_oid = src->next_oid;
    dst->dup_keys = src->dup_keys;
    dst->server_version = src->server_version;
    dst->public_schema_create = src->public_schema_create;
    dst->origin = copy_loc(&src->origin);
    dst->settings_scope = src->settings_scope;
    for (i = 0; i < src->views.len; i++)
        if (!elem_gone(src, JV_VIEWS, i))
            *(pgr_view *) util_vec_push(&dst->views) = clone_view(util_vec_at(&src->views, i));
    for (i = 0; i < src->objects.len; i++)
        if (!elem_gone(src, JV_OBJECTS, i))
            *(pgr_object *) util_vec_push(&dst->objects) = clone_object(util_vec_at(&src->objects, i));
    clone_acl(&dst->default_acl, &src->default_acl, NULL);
    free(dst->default_schema);
    dst->default_schema = util_xstrdup(src->default_schema);
    for (i = 0; i < src->tables.len; i++)
        if (!elem_gone(src, JV_TABLES, i))
            *(pgr_table *) util_vec_push(&dst->tables) = clone_table(util_vec_at(&src->tables, i));
    for (i = 0; i < src->policies.len; i++)
        if (!elem_gone(src, JV_POLICIES, i))
            *(pgr_policy *) util_vec_push(&dst->policies) = clone_policy(util_vec_at(&src->policies, i));
    clone_acl(&dst->acl, &src->acl, &src->gone[JV_ACL]);
    for (i = 0; i < src->roles.len; i++)
        if (!elem_gone(src, JV_ROLES, i))
            *(pgr_role *) util_vec_push(&dst->roles) = clone_role(util_vec_at(&src->roles, i));
    for (i = 0; i < src->functions.len; i++)
        if (!elem_gone(src, JV_FUNCTIONS, i))
            *(model_function *) util_vec_push(&dst->functions) =
                clone_function(util_vec_at(&src->functions, i));
    columns_clone(src, dst);
    constraints_clone(src, dst);
    index_deps_clone(src, dst);
}

void
model_put_setting(model *m, const char *name, const char *value)
{
    pgr_setting *st = util_vec_push(&m->settings);
    char *obj = util_xasprintf("setting:%s", name);

    st->name = util_xstrdup(name);
    st->value = dup_or_null(value);
    st->location.object = obj;
}

void
model_put_hba(model *m, const pgr_hba_rule *rule)
{
    pgr_hba_rule *h = util_vec_push(&m->hba);

    *h = *rule;
    h->type = dup_or_null(rule->type);
    h->database = dup_or_null(rule->database);
    h->user_name = dup_or_null(rule->user_name);
    h->address = dup_or_null(rule->address);
    h->netmask = dup_or_null(rule->netmask);
    h->auth_method = dup_or_null(rule->auth_method);
    h->location = copy_loc(&rule->location);
}

/* Positions of vec in schema, highest first, through the lists by schema. */
static void
in_schema(model *m, int vec, const char *schema, util_vec *pos)
{
    pos->len = 0;
    schema_positions(m, vec, schema, pos);
}

void
drop_schema_contents(model *m, const char *schema)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    in_schema(m, JV_TABLES, schema, &pos);
    for (k = pos.len; k-- > 0;)
        drop_table_at(m, *(size_t *) util_vec_at(&pos, k));
    in_schema(m, JV_VIEWS, schema, &pos);
    for (k = pos.len; k-- > 0;)
        drop_view_at(m, *(size_t *) util_vec_at(&pos, k));
    /* Dropping the tables took their indexes: what is left of the list. */
    in_schema(m, JV_OBJECTS, schema, &pos);
    for (k = pos.len; k-- > 0;)
        if (!elem_gone(m, JV_OBJECTS, *(size_t *) util_vec_at(&pos, k)))
            remove_object_at(m, *(size_t *) util_vec_at(&pos, k));
    util_vec_free(&pos);
    drop_functions_in(m, schema);
}

void
model_forget_schema(model *m, const char *schema)
{
    size_t i;
    size_t sl = strlen(schema);

    drop_schema_contents(m, schema);
    /* Grants on anything in the schema, and on the schema itself. */
    for (i = 0; i < m->acl.len; i++) {
        pgr_acl_item *a = util_vec_at(&m->acl, i);

        if (!elem_gone(m, JV_ACL, i) && ((strncmp(a->object, schema, sl) == 0 && a->object[sl] == '.') ||
                                         (a->objkind == 'n' && strcmp(a->object, schema) == 0)))
            elem_bury(m, JV_ACL, i);
    }
    model_compact(m);
    indexes_stale(m);
}
