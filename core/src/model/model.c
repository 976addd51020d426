/*
 * model.c — see model.h.  Replays DDL from libpg_query's typed parse tree.
 */
#include "model/model.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void drop_function(model *m, const PgQuery__Node *obj);
static const char *schema_of(const model *m, const char *s);
static long object_index(const model *m, char kind, const char *schema, const char *name);
static void qualified_name(const model *m, const PgQuery__Node *n, const char **schema,
                           const char **name);
static void remove_object_at(model *m, size_t i);
static void drop_indexes_on_column(model *m, const char *qualified, const char *column);
static void drop_indexes_of(model *m, const char *qualified);
static void remove_acl_of(model *m, char objkind, const char *object);

/* Growable arrays of owned strings, as the public structs hold them. */
static void
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

static void
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

static void
strs_free(const char *const *items, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free((char *) items[i]);
    free((void *) items);
}

static const char *const *
strs_clone(const char *const *items, size_t n)
{
    const char **a = util_xcalloc(n ? n : 1, sizeof(char *));
    size_t i;

    for (i = 0; i < n; i++)
        a[i] = util_xstrdup(items[i]);
    return a;
}

static char *
dup_or_null(const char *s)
{
    return s ? util_xstrdup(s) : NULL;
}

static pgr_location
copy_loc(const pgr_location *loc)
{
    pgr_location l = *loc;

    l.path = dup_or_null(loc->path);
    l.object = dup_or_null(loc->object);
    return l;
}

static void
free_loc(pgr_location *l)
{
    free((char *) l->path);
    free((char *) l->object);
}

/* --- indexes by name --------------------------------------------------------
 * Replaying a migration looks tables, policies, roles, grants... up by name
 * once per statement; scanning made 20,000 policies on one table take 21 s.
 * Each vector gets a hash index from a key (a kind byte and its names) to
 * the position of the first element with that key, built lazily: elements
 * appended are added on the next lookup, and anything that removes, renames
 * or reorders elements of a vector discards its index (index_stale, or
 * indexes_stale for all).  Lookups then scan, as they always did, until
 * INDEX_REBUILD_AFTER of them have come without another change; only then is
 * the index rebuilt.  So alternating DROP and CREATE costs no more than it
 * did (a removal is O(n) anyway: the vectors close the gap), and a rebuild
 * is paid for by the scans before it.
 */
#define INDEX_REBUILD_AFTER 8

static void
index_init(model_index *ix)
{
    util_map_init(&ix->map);
    ix->upto = 0;
    ix->built = false;
    ix->scans = 0;
}

/* Elements of ix's vector were removed, renamed or moved. */
static void
index_stale(model_index *ix)
{
    ix->built = false;
    ix->scans = 0;
}

static void
index_free(model_index *ix)
{
    util_map_free(&ix->map);
}

static void
indexes_apply(model *m, void (*fn)(model_index *))
{
    fn(&m->table_ix);
    fn(&m->policy_ix);
    fn(&m->role_ix);
    fn(&m->acl_ix);
    fn(&m->function_ix);
    fn(&m->view_ix);
    fn(&m->object_ix);
    fn(&m->column_ix);
    fn(&m->member_ix);
    fn(&m->oid_ix);
}

/* Something was removed, renamed or moved, in more than one vector. */
static void
indexes_stale(model *m)
{
    indexes_apply(m, index_stale);
}

/* The key of an element: a kind byte (0 for none) and one to three names
 * (NULL counts as ""). */
typedef struct elem_key {
    char kind;
    size_t n;
    const char *part[3];
} elem_key;

typedef void (*key_fn)(const void *elem, elem_key *out);

static void
key_set(elem_key *k, char kind, const char *a, const char *b, const char *c)
{
    k->kind = kind;
    k->part[0] = a;
    k->part[1] = b;
    k->part[2] = c;
    k->n = c ? 3 : b ? 2 : 1;
}

/* The bytes of k for the hash map: the kind, then each name and a NUL. */
static void
key_bytes(const elem_key *k, util_buf *b)
{
    size_t i;

    b->len = 0;
    util_buf_append(b, &k->kind, 1);
    for (i = 0; i < k->n; i++)
        util_buf_append(b, k->part[i] ? k->part[i] : "", (k->part[i] ? strlen(k->part[i]) : 0) + 1);
}

static bool
key_equal(const elem_key *a, const elem_key *b)
{
    size_t i;

    if (a->kind != b->kind || a->n != b->n)
        return false;
    for (i = 0; i < a->n; i++)
        if (strcmp(a->part[i] ? a->part[i] : "", b->part[i] ? b->part[i] : "") != 0)
            return false;
    return true;
}

static void
table_key(const void *e, elem_key *k)
{
    key_set(k, 0, ((const pgr_table *) e)->schema, ((const pgr_table *) e)->name, NULL);
}

static void
view_key(const void *e, elem_key *k)
{
    key_set(k, 0, ((const pgr_view *) e)->schema, ((const pgr_view *) e)->name, NULL);
}

static void
policy_index_key(const void *e, elem_key *k)
{
    const pgr_policy *p = e;

    key_set(k, 0, p->schema, p->table, p->name);
}

static void
role_key(const void *e, elem_key *k)
{
    key_set(k, 0, ((const pgr_role *) e)->name, NULL, NULL);
}

static void
acl_key(const void *e, elem_key *k)
{
    const pgr_acl_item *a = e;

    key_set(k, a->objkind, a->object, a->grantee, NULL);
}

static void
function_key(const void *e, elem_key *k)
{
    key_set(k, 0, ((const pgr_function *) e)->schema, ((const pgr_function *) e)->name, NULL);
}

/* Extension names are database-wide; the others live in a schema. */
static void
object_key(const void *e, elem_key *k)
{
    const pgr_object *o = e;

    key_set(k, o->kind, o->kind == 'e' ? "" : o->schema, o->name, NULL);
}

/* The position in v of the first element whose key is want, or -1. */
static long
index_scan(const util_vec *v, key_fn key, const elem_key *want)
{
    elem_key k;
    size_t i;

    for (i = 0; i < v->len; i++) {
        key(util_vec_at(v, i), &k);
        if (key_equal(&k, want))
            return (long) i;
    }
    return -1;
}

/*
 * The position in v of the first element whose key (by key) is want, or -1,
 * through ix.  A hit is checked against the element itself; should a change
 * have gone unannounced, the index is discarded and v scanned.
 */
static long
index_find(model_index *ix, const util_vec *v, key_fn key, const elem_key *want)
{
    util_buf b;
    elem_key k;
    size_t i;
    long found = -1;

    if (!ix->built && ix->scans < INDEX_REBUILD_AFTER) {
        ix->scans++;
        return index_scan(v, key, want);
    }
    if (!ix->built || ix->upto > v->len) {
        util_map_clear(&ix->map);
        ix->upto = 0;
        ix->built = true;
    }
    util_buf_init(&b);
    for (; ix->upto < v->len; ix->upto++) {
        key(util_vec_at(v, ix->upto), &k);
        key_bytes(&k, &b);
        util_map_add(&ix->map, b.data, b.len, ix->upto);
    }
    key_bytes(want, &b);
    if (util_map_get(&ix->map, b.data, b.len, &i)) {
        key(util_vec_at(v, i), &k);
        if (key_equal(&k, want)) {
            found = (long) i;
        } else {
            index_stale(ix);
            found = index_scan(v, key, want);
        }
    }
    util_buf_free(&b);
    return found;
}

/* index_find for the key (kind, a, b, c). */
static long
index_find3(model_index *ix, const util_vec *v, key_fn key, char kind, const char *a,
            const char *b, const char *c)
{
    elem_key want;

    key_set(&want, kind, a, b, c);
    return index_find(ix, v, key, &want);
}

/*
 * Sets of (owner, name) pairs, for the arrays of names that stay unique
 * (a table's columns, a role's groups): the same lazy scheme as the indexes,
 * the owner being a table's oid or a role's name.
 */
static void
pair_bytes(util_buf *b, const void *owner, size_t owner_len, const char *name)
{
    b->len = 0;
    util_buf_append(b, owner, owner_len);
    util_buf_append(b, name, strlen(name) + 1);
}

static bool
strs_has(const char *const *items, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(items[i], s) == 0)
            return true;
    return false;
}

/* Whether table t has a column name (t is one of m's tables). */
static bool
column_exists(model *m, const pgr_table *t, const char *name)
{
    model_index *ix = &m->column_ix;
    util_buf b;
    size_t i, k, dummy;
    bool found;

    if (!ix->built && ix->scans < INDEX_REBUILD_AFTER) {
        ix->scans++;
        return strs_has(t->columns, t->n_columns, name);
    }
    util_buf_init(&b);
    if (!ix->built) {
        util_map_clear(&ix->map);
        for (i = 0; i < m->tables.len; i++) {
            const pgr_table *o = util_vec_at(&m->tables, i);

            for (k = 0; k < o->n_columns; k++) {
                pair_bytes(&b, &o->oid, sizeof o->oid, o->columns[k]);
                util_map_add(&ix->map, b.data, b.len, 0);
            }
        }
        ix->built = true;
    }
    pair_bytes(&b, &t->oid, sizeof t->oid, name);
    found = util_map_get(&ix->map, b.data, b.len, &dummy);
    util_buf_free(&b);
    return found;
}

/* Record that table t now has column name, after column_exists said no. */
static void
column_added(model *m, const pgr_table *t, const char *name)
{
    util_buf b;

    if (!m->column_ix.built)
        return;
    util_buf_init(&b);
    pair_bytes(&b, &t->oid, sizeof t->oid, name);
    util_map_add(&m->column_ix.map, b.data, b.len, 0);
    util_buf_free(&b);
}

/* Add group to r's member_of unless it is there (r is one of m's roles). */
static void
add_member_of(model *m, pgr_role *r, const char *group)
{
    model_index *ix = &m->member_ix;
    util_buf b;
    size_t i, k, dummy;

    if (!ix->built && ix->scans < INDEX_REBUILD_AFTER) {
        ix->scans++;
        add_member_of(m, r, group);
        return;
    }
    util_buf_init(&b);
    if (!ix->built) {
        util_map_clear(&ix->map);
        for (i = 0; i < m->roles.len; i++) {
            const pgr_role *o = util_vec_at(&m->roles, i);

            for (k = 0; k < o->n_member_of; k++) {
                pair_bytes(&b, o->name, strlen(o->name) + 1, o->member_of[k]);
                util_map_add(&ix->map, b.data, b.len, 0);
            }
        }
        ix->built = true;
    }
    pair_bytes(&b, r->name, strlen(r->name) + 1, group);
    if (!util_map_get(&ix->map, b.data, b.len, &dummy)) {
        util_map_add(&ix->map, b.data, b.len, 0);
        r->member_of = util_xrealloc((void *) r->member_of, (r->n_member_of + 1) * sizeof(char *));
        ((const char **) r->member_of)[r->n_member_of++] = util_xstrdup(group);
    }
    util_buf_free(&b);
}

void
model_init(model *m, const char *source, int from_migrations)
{
    m->source = util_xstrdup(source);
    m->from_migrations = from_migrations;
    util_vec_init(&m->tables, sizeof(pgr_table));
    util_vec_init(&m->acl, sizeof(pgr_acl_item));
    util_vec_init(&m->roles, sizeof(pgr_role));
    util_vec_init(&m->policies, sizeof(pgr_policy));
    util_vec_init(&m->functions, sizeof(pgr_function));
    util_vec_init(&m->views, sizeof(pgr_view));
    util_vec_init(&m->objects, sizeof(pgr_object));
    util_vec_init(&m->default_acl, sizeof(pgr_acl_item));
    m->server_version = 15;
    m->public_schema_create = 0;
    memset(&m->origin, 0, sizeof m->origin);
    m->is_live = 0;
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
    indexes_apply(m, index_init);
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

/* --- extensions, indexes, types ------------------------------------------ */

static void
free_object(pgr_object *o)
{
    free((char *) o->schema);
    free((char *) o->name);
    free((char *) o->parent);
    strs_free(o->columns, o->n_columns);
    free_loc(&o->location);
}

static long
object_index(const model *m, char kind, const char *schema, const char *name)
{
    return index_find3((model_index *) &m->object_ix, &m->objects, object_key, kind,
                       kind == 'e' ? "" : schema, name, NULL);
}

static pgr_object *
add_object(model *m, char kind, const char *schema, const char *name, const char *parent,
           const pgr_location *loc)
{
    pgr_object *o;

    if (name == NULL || object_index(m, kind, schema, name) >= 0)
        return NULL;
    o = util_vec_push(&m->objects);
    o->kind = kind;
    o->schema = util_xstrdup(schema);
    o->name = util_xstrdup(name);
    o->parent = dup_or_null(parent);
    o->location = copy_loc(loc);
    return o;
}

/* Dropping a column drops the indexes that use it. */
static void
drop_indexes_on_column(model *m, const char *qualified, const char *column)
{
    size_t i = m->objects.len, k;

    while (i-- > 0) {
        const pgr_object *o = util_vec_at(&m->objects, i);

        if (o->kind != 'i' || o->parent == NULL || strcmp(o->parent, qualified) != 0)
            continue;
        for (k = 0; k < o->n_columns; k++) {
            if (strcmp(o->columns[k], column) == 0) {
                remove_object_at(m, i);
                break;
            }
        }
    }
}

static void
remove_object_at(model *m, size_t i)
{
    pgr_object *o = util_vec_at(&m->objects, i);

    free_object(o);
    memmove(o, o + 1, (m->objects.len - i - 1) * sizeof(pgr_object));
    m->objects.len--;
    /* After the change (here and in the other removers): a lookup made
     * before it would rebuild the index from the old state. */
    index_stale(&m->object_ix);
}

static void
drop_object(model *m, char kind, const char *schema, const char *name)
{
    long i = object_index(m, kind, schema, name);

    if (i >= 0)
        remove_object_at(m, (size_t) i);
}

/* Indexes go with their table. */
static void
drop_indexes_of(model *m, const char *qualified)
{
    size_t i = m->objects.len;

    while (i-- > 0) {
        const pgr_object *o = util_vec_at(&m->objects, i);

        if (o->kind == 'i' && o->parent && strcmp(o->parent, qualified) == 0)
            remove_object_at(m, i);
    }
}

static void
reparent_indexes(model *m, const char *from, const char *to)
{
    size_t i;

    for (i = 0; i < m->objects.len; i++) {
        pgr_object *o = util_vec_at(&m->objects, i);

        if (o->kind == 'i' && o->parent && strcmp(o->parent, from) == 0) {
            free((char *) o->parent);
            o->parent = util_xstrdup(to);
        }
    }
}

/* --- views ---------------------------------------------------------------- */

static void
free_view(pgr_view *v)
{
    free((char *) v->schema);
    free((char *) v->name);
    strs_free(v->relations, v->n_relations);
    free_loc(&v->location);
}

static long
view_index(const model *m, const char *schema, const char *name)
{
    return index_find3((model_index *) &m->view_ix, &m->views, view_key, 0, schema, name, NULL);
}

static void
drop_view_at(model *m, size_t i)
{
    pgr_view *v = util_vec_at(&m->views, i);
    char *q = util_xasprintf("%s.%s", v->schema, v->name);

    remove_acl_of(m, v->relkind, q);
    drop_indexes_of(m, q);
    free(q);
    v = util_vec_at(&m->views, i);
    free_view(v);
    memmove(v, v + 1, (m->views.len - i - 1) * sizeof(pgr_view));
    m->views.len--;
    index_stale(&m->view_ix);
}

/* Reloption booleans: absent value, true, on, yes, 1. */
static int
reloption_true(const PgQuery__DefElem *d)
{
    const char *v;

    if (d->arg == NULL)
        return 1;
    if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN)
        return d->arg->boolean->boolval;
    if (d->arg->node_case != PG_QUERY__NODE__NODE_STRING)
        return 1;
    v = d->arg->string->sval;
    return strcmp(v, "true") == 0 || strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 ||
        strcmp(v, "1") == 0;
}

static void
view_options(pgr_view *v, PgQuery__Node *const *opts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const PgQuery__DefElem *d;

        if (opts[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || opts[i]->def_elem->defname == NULL)
            continue;
        d = opts[i]->def_elem;
        if (strcmp(d->defname, "security_invoker") == 0)
            v->security_invoker = reloption_true(d);
        else if (strcmp(d->defname, "security_barrier") == 0)
            v->security_barrier = reloption_true(d);
    }
}

typedef struct rel_scan {
    const model *m;
    pgr_view *v;
} rel_scan;

/* Collect the relations a view's query reads (CTE names are not told apart
 * from tables; a CTE never matches an RLS table of the model anyway). */
static int
note_relation(const pgr_node *node, void *arg)
{
    const ProtobufCMessage *msg = (const ProtobufCMessage *) node;
    rel_scan *rs = arg;
    const PgQuery__RangeVar *rv;
    char *q;

    if (msg->descriptor != &pg_query__range_var__descriptor)
        return 0;
    rv = (const PgQuery__RangeVar *) msg;
    if (rv->relname == NULL)
        return 0;
    q = util_xasprintf("%s.%s", schema_of(rs->m, rv->schemaname), rv->relname);
    strs_add(&rs->v->relations, &rs->v->n_relations, q);
    free(q);
    return 0;
}

static void
create_view(model *m, const PgQuery__RangeVar *rv, const PgQuery__Node *query, char relkind,
            PgQuery__Node *const *opts, size_t n_opts, int replace, const pgr_location *loc)
{
    const char *schema;
    long i;
    pgr_view *v;
    rel_scan rs;

    if (rv == NULL || rv->relname == NULL || (rv->relpersistence && rv->relpersistence[0] == 't'))
        return;
    schema = schema_of(m, rv->schemaname);
    i = view_index(m, schema, rv->relname);
    if (i >= 0 && !replace)
        return;
    if (i >= 0) {
        v = util_vec_at(&m->views, (size_t) i);
        strs_free(v->relations, v->n_relations);
        v->relations = NULL;
        v->n_relations = 0;
        free_loc(&v->location);
    } else {
        v = util_vec_push(&m->views);
        v->oid = m->next_oid++;
        v->schema = util_xstrdup(schema);
        v->name = util_xstrdup(rv->relname);
        v->relkind = relkind;
    }
    v->location = copy_loc(loc);
    /* CREATE OR REPLACE VIEW resets options not given again. */
    v->security_invoker = v->security_barrier = 0;
    view_options(v, opts, n_opts);
    rs.m = m;
    rs.v = v;
    if (query)
        sql_node_walk(sql_node_wrap(query), note_relation, &rs);
}

/* Views that read relation "schema.name" go with it under DROP ... CASCADE,
 * and so do the views that read those, recursively. */
static void
drop_dependent_views(model *m, const char *qualified)
{
    size_t i = m->views.len;

    while (i-- > 0) {
        const pgr_view *v = util_vec_at(&m->views, i);
        size_t k;

        for (k = 0; k < v->n_relations; k++) {
            if (strcmp(v->relations[k], qualified) == 0) {
                char *name = util_xasprintf("%s.%s", v->schema, v->name);

                drop_view_at(m, i);
                drop_dependent_views(m, name);
                free(name);
                /* The recursion may have removed views below i. */
                i = m->views.len;
                break;
            }
        }
    }
}

static void
rename_in_views(model *m, const char *from, const char *to)
{
    size_t i, k;

    for (i = 0; i < m->views.len; i++) {
        pgr_view *v = util_vec_at(&m->views, i);

        for (k = 0; k < v->n_relations; k++) {
            if (strcmp(v->relations[k], from) == 0) {
                free((char *) v->relations[k]);
                ((const char **) v->relations)[k] = util_xstrdup(to);
            }
        }
    }
}

void
model_new_session(model *m)
{
    free(m->default_schema);
    m->default_schema = util_xstrdup("public");
}

/* SET search_path TO a, b: unqualified names now mean a ("$user" is
 * skipped: its schema rarely exists in migrations); RESET restores public. */
static void
set_search_path(model *m, const PgQuery__VariableSetStmt *v)
{
    size_t i;

    if (v->name == NULL || strcmp(v->name, "search_path") != 0)
        return;
    if (v->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
        model_new_session(m);
        return;
    }
    for (i = 0; i < v->n_args; i++) {
        const PgQuery__Node *a = v->args[i];
        const char *s = NULL;

        if (a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL)
            s = a->a_const->sval->sval;
        else if (a->node_case == PG_QUERY__NODE__NODE_STRING)
            s = a->string->sval;
        if (s == NULL || *s == '\0' || strcmp(s, "$user") == 0)
            continue;
        free(m->default_schema);
        m->default_schema = util_xstrdup(s);
        return;
    }
}

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

/* The schema of a name: the one written, else the first schema of the
 * session's search_path (public unless a SET search_path changed it). */
static const char *
schema_of(const model *m, const char *s)
{
    return (s && *s) ? s : m->default_schema;
}

static long
table_index(const model *m, const char *schema, const char *name)
{
    return index_find3((model_index *) &m->table_ix, &m->tables, table_key, 0, schema, name, NULL);
}

const pgr_table *
model_find_table(const model *m, const char *schema, const char *name)
{
    long i = table_index(m, schema, name);

    return i < 0 ? NULL : util_vec_at(&m->tables, (size_t) i);
}

static void
remove_acl_of(model *m, char objkind, const char *object)
{
    size_t i, keep = 0;

    for (i = 0; i < m->acl.len; i++) {
        pgr_acl_item *a = util_vec_at(&m->acl, i);

        if (a->objkind == objkind && strcmp(a->object, object) == 0) {
            free((char *) a->object);
            free((char *) a->grantee);
            free_loc(&a->location);
        } else
            *(pgr_acl_item *) util_vec_at(&m->acl, keep++) = *a;
    }
    m->acl.len = keep;
    index_stale(&m->acl_ix);
}

static void
free_policy(pgr_policy *p)
{
    size_t i;

    free((char *) p->schema);
    free((char *) p->table);
    free((char *) p->name);
    for (i = 0; i < p->n_roles; i++)
        free((char *) p->roles[i]);
    free((void *) p->roles);
    free((char *) p->qual);
    free((char *) p->with_check);
    free_loc(&p->location);
    free_loc(&p->qual_location);
    free_loc(&p->with_check_location);
    strs_free(p->columns_referenced, p->n_columns_referenced);
    free((char *) p->qual_canonical);
    free((char *) p->with_check_canonical);
}

/* Remove the policies of a table, or the one named name when non-NULL. */
static void
remove_policies(model *m, const char *schema, const char *table, const char *name)
{
    size_t i, keep = 0;

    for (i = 0; i < m->policies.len; i++) {
        pgr_policy *p = util_vec_at(&m->policies, i);

        if (strcmp(p->schema, schema) == 0 && strcmp(p->table, table) == 0 &&
            (name == NULL || strcmp(p->name, name) == 0))
            free_policy(p);
        else
            *(pgr_policy *) util_vec_at(&m->policies, keep++) = *p;
    }
    m->policies.len = keep;
    index_stale(&m->policy_ix);
}

static void
free_table(pgr_table *t)
{
    free_loc(&t->rls_location);
    free((char *) t->owner);
    strs_free(t->columns, t->n_columns);
    free((void *) t->attnums);
    free((char *) t->schema);
    free((char *) t->name);
    free_loc(&t->location);
}

static void
drop_table_at(model *m, size_t i)
{
    pgr_table *t = util_vec_at(&m->tables, i);
    char *qual = util_xasprintf("%s.%s", t->schema, t->name);

    remove_acl_of(m, 'r', qual);
    drop_indexes_of(m, qual);
    remove_policies(m, t->schema, t->name, NULL);
    free(qual);
    free_table(t);
    memmove(t, (char *) t + sizeof(pgr_table), (m->tables.len - i - 1) * sizeof(pgr_table));
    m->tables.len--;
    index_stale(&m->table_ix);
    index_stale(&m->oid_ix);
}

static pgr_table *
add_table(model *m, const PgQuery__RangeVar *rv, char relkind, int if_not_exists,
          const pgr_location *loc)
{
    const char *schema;
    pgr_table *t;

    if (rv == NULL || rv->relname == NULL)
        return NULL;
    /* Temporary tables live for one session: no RLS question there. */
    if (rv->relpersistence && rv->relpersistence[0] == 't')
        return NULL;
    schema = schema_of(m, rv->schemaname);
    if (table_index(m, schema, rv->relname) >= 0) {
        (void) if_not_exists;
        return NULL;
    }
    t = util_vec_push(&m->tables);
    t->oid = m->next_oid++;
    t->schema = util_xstrdup(schema);
    t->name = util_xstrdup(rv->relname);
    t->relkind = relkind;
    t->location = copy_loc(loc);
    return t;
}

/* Add a column with the next attnum (numbers are never reused, as in
 * pg_attribute, so a dropped and re-added column is a new one). */
static void
add_column(model *m, pgr_table *t, const char *name)
{
    /* max_attnum is never below an attnum of the table (every writer of
     * attnums raises it), so it alone gives the next number. */
    int16_t next = (int16_t) (t->max_attnum >= 1 ? t->max_attnum + 1 : 1);

    if (column_exists(m, t, name))
        return;
    t->columns = util_xrealloc((void *) t->columns, (t->n_columns + 1) * sizeof(char *));
    ((const char **) t->columns)[t->n_columns++] = util_xstrdup(name);
    column_added(m, t, name);
    t->attnums = util_xrealloc((void *) t->attnums, t->n_columns * sizeof(int16_t));
    ((int16_t *) t->attnums)[t->n_columns - 1] = next;
    t->max_attnum = next;
}

static void
drop_column(pgr_table *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->n_columns; i++) {
        if (strcmp(t->columns[i], name) == 0) {
            memmove((int16_t *) t->attnums + i, t->attnums + i + 1,
                    (t->n_columns - i - 1) * sizeof(int16_t));
            strs_remove(&t->columns, &t->n_columns, name);
            return;
        }
    }
}

static void
add_columns(model *m, pgr_table *t, PgQuery__Node *const *elts, size_t n)
{
    size_t i;

    for (i = 0; t && i < n; i++)
        if (elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && elts[i]->column_def->colname)
            add_column(m, t, elts[i]->column_def->colname);
}

static void
alter_table(model *m, const PgQuery__AlterTableStmt *s, const pgr_location *loc)
{
    long i;
    size_t k;
    pgr_table *t;

    if ((s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
         s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) && s->relation) {
        long v = view_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);

        for (k = 0; v >= 0 && k < s->n_cmds; k++) {
            const PgQuery__AlterTableCmd *c = s->cmds[k]->node_case ==
                PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ? s->cmds[k]->alter_table_cmd : NULL;

            if (c && c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions && c->def &&
                c->def->node_case == PG_QUERY__NODE__NODE_LIST)
                view_options(util_vec_at(&m->views, (size_t) v), c->def->list->items,
                             c->def->list->n_items);
        }
        return;
    }
    if (s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || s->relation == NULL)
        return;
    i = table_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);
    if (i < 0)
        return;
    t = util_vec_at(&m->tables, (size_t) i);
    for (k = 0; k < s->n_cmds; k++) {
        const PgQuery__AlterTableCmd *c;

        if (s->cmds[k]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
            continue;
        c = s->cmds[k]->alter_table_cmd;
        switch (c->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
            t->relrowsecurity = 1;
            free_loc(&t->rls_location);
            t->rls_location = copy_loc(loc);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
            t->relrowsecurity = 0;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
            t->relforcerowsecurity = 1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
            t->relforcerowsecurity = 0;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
            if (c->def)
                add_columns(m, t, &c->def, 1);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
            if (c->name) {
                char *q = util_xasprintf("%s.%s", t->schema, t->name);

                drop_column(t, c->name);
                index_stale(&m->column_ix);
                drop_indexes_on_column(m, q, c->name);
                free(q);
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
            if (c->newowner && c->newowner->rolename) {
                free((char *) t->owner);
                t->owner = util_xstrdup(c->newowner->rolename);
            }
            break;
        default:
            break;
        }
    }
}

static void
rename_acl_object(model *m, char objkind, const char *from, const char *to)
{
    size_t i;

    for (i = 0; i < m->acl.len; i++) {
        pgr_acl_item *a = util_vec_at(&m->acl, i);

        if (a->objkind == objkind && strcmp(a->object, from) == 0) {
            free((char *) a->object);
            a->object = util_xstrdup(to);
        }
    }
    index_stale(&m->acl_ix);
}

/* Move or rename a table, keeping its RLS state and grants. */
static void
move_table(model *m, const PgQuery__RangeVar *rv, const char *new_schema, const char *new_name)
{
    long i;
    pgr_table *t;
    char *from, *to;

    if (rv == NULL)
        return;
    i = table_index(m, schema_of(m, rv->schemaname), rv->relname);
    if (i < 0)
        return;
    t = util_vec_at(&m->tables, (size_t) i);
    from = util_xasprintf("%s.%s", t->schema, t->name);
    if (new_schema) {
        free((char *) t->schema);
        t->schema = util_xstrdup(new_schema);
    }
    if (new_name) {
        free((char *) t->name);
        t->name = util_xstrdup(new_name);
    }
    to = util_xasprintf("%s.%s", t->schema, t->name);
    rename_acl_object(m, 'r', from, to);
    rename_in_views(m, from, to);
    reparent_indexes(m, from, to);
    for (size_t k = 0; k < m->policies.len; k++) {
        pgr_policy *p = util_vec_at(&m->policies, k);
        char *pq = util_xasprintf("%s.%s", p->schema, p->table);

        if (strcmp(pq, from) == 0) {
            free((char *) p->schema);
            free((char *) p->table);
            p->schema = util_xstrdup(t->schema);
            p->table = util_xstrdup(t->name);
        }
        free(pq);
    }
    free(from);
    free(to);
    index_stale(&m->table_ix);
    index_stale(&m->policy_ix);
}

static long
role_index(const model *m, const char *name)
{
    return index_find3((model_index *) &m->role_ix, &m->roles, role_key, 0, name, NULL, NULL);
}

static pgr_function *find_function(model *m, const char *qualified);
static char *grant_object_name(const model *m, const PgQuery__Node *n, int all_in_schema);

/* ALTER FUNCTION ... RENAME TO / SET SCHEMA, keeping its grants. */
static void
rename_function(model *m, const PgQuery__Node *obj, const char *new_schema, const char *new_name)
{
    char *from = grant_object_name(m, obj, 0), *to;
    pgr_function *fn = from ? find_function(m, from) : NULL;

    if (fn) {
        if (new_schema) {
            free((char *) fn->schema);
            fn->schema = util_xstrdup(new_schema);
        }
        if (new_name) {
            free((char *) fn->name);
            fn->name = util_xstrdup(new_name);
        }
        to = util_xasprintf("%s.%s", fn->schema, fn->name);
        rename_acl_object(m, 'f', from, to);
        free(to);
    }
    free(from);
    index_stale(&m->function_ix);
}

static void
rename_stmt(model *m, const PgQuery__RenameStmt *s)
{
    size_t i;

    if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && s->relation && s->subname) {
        long t = table_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);

        if (t >= 0) {
            pgr_table *tb = util_vec_at(&m->tables, (size_t) t);
            size_t k;

            char *q = util_xasprintf("%s.%s", tb->schema, tb->name);

            for (k = 0; k < tb->n_columns; k++) {
                if (strcmp(tb->columns[k], s->subname) == 0) {
                    free((char *) tb->columns[k]);
                    ((const char **) tb->columns)[k] = util_xstrdup(s->newname);
                }
            }
            /* Indexes follow the column (pg_index refers to it by attnum). */
            for (k = 0; k < m->objects.len; k++) {
                pgr_object *o = util_vec_at(&m->objects, k);
                size_t c;

                for (c = 0; o->kind == 'i' && o->parent && strcmp(o->parent, q) == 0 &&
                     c < o->n_columns; c++) {
                    if (strcmp(o->columns[c], s->subname) == 0) {
                        free((char *) o->columns[c]);
                        ((const char **) o->columns)[c] = util_xstrdup(s->newname);
                    }
                }
            }
            free(q);
        }
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
        move_table(m, s->relation, NULL, s->newname);
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA && s->subname) {
        for (i = 0; i < m->tables.len; i++) {
            pgr_table *t = util_vec_at(&m->tables, i);

            if (strcmp(t->schema, s->subname) == 0) {
                PgQuery__RangeVar rv = PG_QUERY__RANGE_VAR__INIT;

                rv.schemaname = (char *) t->schema;
                rv.relname = (char *) t->name;
                move_table(m, &rv, s->newname, NULL);
            }
        }
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY && s->relation && s->subname) {
        for (i = 0; i < m->policies.len; i++) {
            pgr_policy *p = util_vec_at(&m->policies, i);

            if (strcmp(p->schema, schema_of(m, s->relation->schemaname)) == 0 &&
                strcmp(p->table, s->relation->relname) == 0 && strcmp(p->name, s->subname) == 0) {
                free((char *) p->name);
                p->name = util_xstrdup(s->newname);
            }
        }
    } else if ((s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) && s->object && s->newname) {
        const char *schema, *name;
        long o;

        qualified_name(m, s->object, &schema, &name);
        o = name ? object_index(m, 'T', schema, name) : -1;
        if (o >= 0) {
            pgr_object *ob = util_vec_at(&m->objects, (size_t) o);

            free((char *) ob->name);
            ob->name = util_xstrdup(s->newname);
        }
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX && s->relation &&
               s->relation->relname && s->newname) {
        long o = object_index(m, 'i', schema_of(m, s->relation->schemaname), s->relation->relname);

        if (o >= 0) {
            pgr_object *ob = util_vec_at(&m->objects, (size_t) o);

            free((char *) ob->name);
            ob->name = util_xstrdup(s->newname);
        }
    } else if ((s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) && s->relation && s->newname) {
        long v = view_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);

        if (v >= 0) {
            pgr_view *vw = util_vec_at(&m->views, (size_t) v);

            free((char *) vw->name);
            vw->name = util_xstrdup(s->newname);
        }
    } else if ((s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE) && s->object && s->newname) {
        rename_function(m, s->object, NULL, s->newname);
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ROLE && s->subname) {
        long r = role_index(m, s->subname);

        if (r >= 0) {
            pgr_role *role = util_vec_at(&m->roles, (size_t) r);

            free((char *) role->name);
            role->name = util_xstrdup(s->newname);
        }
    }
    indexes_stale(m);
}

/* A dotted name from a List of String nodes (DROP's object names). */
static void
qualified_name(const model *m, const PgQuery__Node *n, const char **schema, const char **name)
{
    const PgQuery__List *l;

    *schema = m->default_schema;
    *name = NULL;
    if (n->node_case == PG_QUERY__NODE__NODE_STRING) {
        *name = n->string->sval;
        return;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
        PgQuery__List list = PG_QUERY__LIST__INIT;
        PgQuery__Node wrap = PG_QUERY__NODE__INIT;

        list.n_items = n->type_name->n_names;
        list.items = n->type_name->names;
        wrap.node_case = PG_QUERY__NODE__NODE_LIST;
        wrap.list = &list;
        qualified_name(m, &wrap, schema, name);
        return;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_LIST)
        return;
    l = n->list;
    if (l->n_items >= 1 && l->items[l->n_items - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
        *name = l->items[l->n_items - 1]->string->sval;
    if (l->n_items >= 2 && l->items[l->n_items - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
        *schema = l->items[l->n_items - 2]->string->sval;
}

static void free_function(pgr_function *fn);

static void
drop_functions_in(model *m, const char *schema)
{
    size_t i, keep = 0;

    for (i = 0; i < m->functions.len; i++) {
        pgr_function *fn = util_vec_at(&m->functions, i);

        if (strcmp(fn->schema, schema) == 0) {
            char *q = util_xasprintf("%s.%s", fn->schema, fn->name);

            remove_acl_of(m, 'f', q);
            free(q);
            free_function(fn);
        } else {
            *(pgr_function *) util_vec_at(&m->functions, keep++) = *fn;
        }
    }
    m->functions.len = keep;
    index_stale(&m->function_ix);
}

/* DROP POLICY name ON [schema.]table: the object is the list
 * [schema,] table, name. */
static void
drop_policy(model *m, const PgQuery__Node *n)
{
    const PgQuery__List *l;
    const char *schema = m->default_schema, *table, *name;

    if (n->node_case != PG_QUERY__NODE__NODE_LIST || n->list->n_items < 2)
        return;
    l = n->list;
    name = l->items[l->n_items - 1]->string->sval;
    table = l->items[l->n_items - 2]->string->sval;
    if (l->n_items >= 3)
        schema = l->items[l->n_items - 3]->string->sval;
    remove_policies(m, schema, table, name);
}

static void
drop_stmt(model *m, const PgQuery__DropStmt *s)
{
    size_t k, i;

    for (k = 0; k < s->n_objects; k++) {
        const char *schema, *name;

        /* Functions are named with their argument types, not a name list. */
        if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION ||
            s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ||
            s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE) {
            drop_function(m, s->objects[k]);
            continue;
        }
        qualified_name(m, s->objects[k], &schema, &name);
        if (name == NULL)
            continue;
        if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
            long t = table_index(m, schema, name);

            if (t >= 0) {
                char *q = util_xasprintf("%s.%s", schema, name);

                drop_table_at(m, (size_t) t);
                if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                    drop_dependent_views(m, q);
                free(q);
            }
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                   s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) {
            long v = view_index(m, schema, name);

            if (v >= 0) {
                char *q = util_xasprintf("%s.%s", schema, name);

                drop_view_at(m, (size_t) v);
                if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                    drop_dependent_views(m, q);
                free(q);
            }
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION) {
            drop_object(m, 'e', schema, name);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
            drop_object(m, 'i', schema, name);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
                   s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) {
            drop_object(m, 'T', schema, name);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY) {
            drop_policy(m, s->objects[k]);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
            char *all = util_xasprintf("%s.*", name);

            /* The schema's own grants, and ON ALL ... IN SCHEMA ones kept
             * while it had no table, go with it. */
            remove_acl_of(m, 'n', name);
            remove_acl_of(m, 'r', all);
            remove_acl_of(m, 'f', all);
            remove_acl_of(m, 'S', all);
            free(all);
            /* Without CASCADE PostgreSQL refuses to drop a non-empty schema. */
            if (s->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                continue;
            for (i = m->tables.len; i-- > 0;)
                if (strcmp(((pgr_table *) util_vec_at(&m->tables, i))->schema, name) == 0)
                    drop_table_at(m, i);
            for (i = m->views.len; i-- > 0;)
                if (strcmp(((pgr_view *) util_vec_at(&m->views, i))->schema, name) == 0)
                    drop_view_at(m, i);
            for (i = m->objects.len; i-- > 0;)
                if (strcmp(((pgr_object *) util_vec_at(&m->objects, i))->schema, name) == 0)
                    remove_object_at(m, i);
            drop_functions_in(m, name);
        }
    }
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

/* The model's name of one GRANT object; caller frees. */
static char *
grant_object_name(const model *m, const PgQuery__Node *n, int all_in_schema)
{
    util_buf b;
    size_t i;

    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR)
        return util_xasprintf("%s.%s", schema_of(m, n->range_var->schemaname),
                              n->range_var->relname);
    if (n->node_case == PG_QUERY__NODE__NODE_STRING)
        return all_in_schema ? util_xasprintf("%s.*", n->string->sval)
            : util_xstrdup(n->string->sval);
    if (n->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
        /* Functions are named schema.name, public when unqualified. */
        util_buf_init(&b);
        if (n->object_with_args->n_objname == 1)
            util_buf_printf(&b, "%s.", m->default_schema);
        for (i = 0; i < n->object_with_args->n_objname; i++) {
            const PgQuery__Node *p = n->object_with_args->objname[i];

            if (p->node_case == PG_QUERY__NODE__NODE_STRING)
                util_buf_printf(&b, "%s%s", i ? "." : "", p->string->sval);
        }
        (void) all_in_schema;
        return b.data;
    }
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

static const char *
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
    long i = index_find3(&m->acl_ix, &m->acl, acl_key, objkind, object, grantee, NULL);
    pgr_acl_item *a;

    if (i >= 0)
        return util_vec_at(&m->acl, (size_t) i);
    if (!create)
        return NULL;
    a = util_vec_push(&m->acl);
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
    if (s->is_grant) {
        a->all_in_schema = all_in_schema;
        a->privileges |= privs;
        if (s->grant_option)
            a->grant_options |= privs;
        free_loc(&a->location);
        a->location = copy_loc(loc);
        return;
    }
    /* REVOKE GRANT OPTION FOR keeps the privilege itself. */
    a->grant_options &= ~privs;
    if (!s->grant_option)
        a->privileges &= ~privs;
    if (a->privileges == 0) {
        size_t i = (size_t) (a - (pgr_acl_item *) m->acl.items);

        free((char *) a->object);
        free((char *) a->grantee);
        free_loc(&a->location);
        memmove(a, a + 1, (m->acl.len - i - 1) * sizeof(pgr_acl_item));
        m->acl.len--;
        index_stale(&m->acl_ix);
    }
}

static pgr_function *
find_function(model *m, const char *qualified)
{
    const char *dot;
    long best = -1;

    /* "a.b.c" is schema a, function b.c or schema a.b, function c: the
     * first function in creation order of any split, as a scan finds. */
    for (dot = strchr(qualified, '.'); dot; dot = strchr(dot + 1, '.')) {
        char *schema = util_xstrndup(qualified, (size_t) (dot - qualified));
        long i = index_find3(&m->function_ix, &m->functions, function_key, 0, schema, dot + 1,
                             NULL);

        if (i >= 0 && (best < 0 || i < best))
            best = i;
        free(schema);
    }
    return best < 0 ? NULL : util_vec_at(&m->functions, (size_t) best);
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
        char *name = grant_object_name(m, s->objects[i], 0);
        pgr_function *fn = name ? find_function(m, name) : NULL;

        if (fn)
            fn->public_execute = s->is_grant;
        free(name);
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
        const char *sch, *name;
        char *object;

        if (objkind == 'r') {
            sch = ((pgr_table *) util_vec_at(&m->tables, i))->schema;
            name = ((pgr_table *) util_vec_at(&m->tables, i))->name;
        } else {
            sch = ((pgr_function *) util_vec_at(&m->functions, i))->schema;
            name = ((pgr_function *) util_vec_at(&m->functions, i))->name;
        }
        if (strcmp(sch, schema) != 0)
            continue;
        any = true;
        object = util_xasprintf("%s.%s", sch, name);
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
static void
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

static void
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

static int
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
        }
    }
}

static void
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
static void
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

static void
free_role(pgr_role *r)
{
    free((char *) r->name);
    free((char *) r->rolvaliduntil);
    strs_free(r->member_of, r->n_member_of);
    free_loc(&r->location);
}

static void
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
        free_role(r);
        memmove(r, r + 1, (m->roles.len - (size_t) i - 1) * sizeof(pgr_role));
        m->roles.len--;
        index_stale(&m->role_ix);
        index_stale(&m->member_ix);
    }
}

static bool
const_equal(const PgQuery__Node *a, const PgQuery__Node *b)
{
    const PgQuery__AConst *x, *y;

    if (a->node_case != PG_QUERY__NODE__NODE_A_CONST || b->node_case != PG_QUERY__NODE__NODE_A_CONST)
        return false;
    x = a->a_const;
    y = b->a_const;
    if (x->isnull || y->isnull || x->val_case != y->val_case)
        return false;
    switch (x->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        return x->ival->ival == y->ival->ival;
    case PG_QUERY__A__CONST__VAL_SVAL:
        return strcmp(x->sval->sval, y->sval->sval) == 0;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        return x->boolval->boolval == y->boolval->boolval;
    case PG_QUERY__A__CONST__VAL_FVAL:
        return strcmp(x->fval->fval, y->fval->fval) == 0;
    default:
        return false;
    }
}

bool
model_expr_always_true(const PgQuery__Node *e)
{
    size_t i;

    if (e == NULL)
        return false;
    switch (e->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
        return e->a_const->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL && e->a_const->boolval->boolval;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        const PgQuery__AConst *c = e->type_cast->arg && e->type_cast->arg->node_case ==
            PG_QUERY__NODE__NODE_A_CONST ? e->type_cast->arg->a_const : NULL;

        if (c == NULL || c->val_case != PG_QUERY__A__CONST__VAL_SVAL)
            return model_expr_always_true(e->type_cast->arg);
        return strcmp(c->sval->sval, "t") == 0 || strcmp(c->sval->sval, "true") == 0;
    }
    case PG_QUERY__NODE__NODE_A_EXPR: {
        const PgQuery__AExpr *x = e->a_expr;

        return x->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP && x->n_name == 1 &&
            x->name[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
            strcmp(x->name[0]->string->sval, "=") == 0 && x->lexpr && x->rexpr &&
            const_equal(x->lexpr, x->rexpr);
    }
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
        const PgQuery__BoolExpr *b = e->bool_expr;
        bool all = b->n_args > 0;

        for (i = 0; i < b->n_args; i++) {
            bool t = model_expr_always_true(b->args[i]);

            if (b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR && t)
                return true;
            all = all && t;
        }
        return b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR && all;
    }
    default:
        return false;
    }
}

static char
policy_cmd(const char *cmd_name)
{
    if (cmd_name == NULL || strcmp(cmd_name, "all") == 0)
        return '*';
    if (strcmp(cmd_name, "select") == 0)
        return 'r';
    if (strcmp(cmd_name, "insert") == 0)
        return 'a';
    if (strcmp(cmd_name, "update") == 0)
        return 'w';
    return 'd';
}

static void
set_policy_roles(pgr_policy *p, PgQuery__Node **roles, size_t n)
{
    const char **names;
    size_t i, k = 0;

    for (i = 0; i < p->n_roles; i++)
        free((char *) p->roles[i]);
    free((void *) p->roles);
    names = util_xcalloc(n ? n : 1, sizeof(char *));
    for (i = 0; i < n; i++) {
        const char *g = grantee_name(roles[i]);

        if (g)
            names[k++] = util_xstrdup(g);
    }
    if (k == 0)
        names[k++] = util_xstrdup("PUBLIC");
    p->roles = names;
    p->n_roles = k;
}

/* Drop "location" keys and ::text casts of string literals, recursively:
 * what is left is the same for an expression as written and as
 * pg_get_expr() deparses it.  Edits j in place; returns a new reference to
 * what replaces j (j itself, or the literal a cast wrapped). */
static json_t *
canonical_json(json_t *j)
{
    const char *key;
    json_t *v;
    void *tmp;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            json_array_set_new(j, i, canonical_json(v));
        return json_incref(j);
    }
    if (!json_is_object(j))
        return json_incref(j);
    json_object_foreach_safe(j, tmp, key, v) {
        if (strcmp(key, "location") == 0)
            json_object_del(j, key);
    }
    v = json_object_get(j, "TypeCast");
    if (v) {
        json_t *arg = json_object_get(v, "arg");
        json_t *names = json_object_get(json_object_get(v, "typeName"), "names");
        json_t *last = json_array_get(names, json_array_size(names) - 1);
        const char *type = json_string_value(json_object_get(json_object_get(last, "String"), "sval"));

        if (arg && json_object_get(arg, "A_Const") && type && strcmp(type, "text") == 0)
            return canonical_json(arg);
    }
    json_object_foreach(j, key, v)
        json_object_set_new(j, key, canonical_json(v));
    return json_incref(j);
}

/* The canonical text of an expression given as source text; NULL if it
 * does not parse.  Caller frees. */
static char *
canonical_expr(const char *text)
{
    char *sql = util_xasprintf("SELECT %s", text), *out = NULL;
    PgQueryParseResult r = pg_query_parse(sql);
    json_t *j;

    free(sql);
    if (r.error == NULL && (j = json_loads(r.parse_tree, 0, NULL)) != NULL) {
        json_t *c = canonical_json(json_object_get(j, "stmts"));

        out = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(c);
        json_decref(j);
    }
    pg_query_free_parse_result(r);
    return out;
}

/* Collect the names of the columns an expression mentions (the last part
 * of each ColumnRef, at any depth, subqueries included). */
static int
note_column(const pgr_node *node, void *arg)
{
    const ProtobufCMessage *msg = (const ProtobufCMessage *) node;
    pgr_policy *p = arg;
    const PgQuery__ColumnRef *c;

    if (msg->descriptor != &pg_query__column_ref__descriptor)
        return 0;
    c = (const PgQuery__ColumnRef *) msg;
    if (c->n_fields > 0 && c->fields[c->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
        strs_add(&p->columns_referenced, &p->n_columns_referenced,
                 c->fields[c->n_fields - 1]->string->sval);
    return 0;
}

/* Record an expression clause (USING or WITH CHECK) of a policy. */
static void
set_clause(pgr_policy *policy, const sql_file *f, const sql_stmt *st, const PgQuery__Node *expr,
           const char *kw1, const char *kw2, const char **text, int *always_true, pgr_location *loc)
{
    size_t from, to;

    if (expr == NULL)
        return;
    free((char *) *text);
    free_loc(loc);
    *always_true = model_expr_always_true(expr);
    sql_node_walk(sql_node_wrap(expr), note_column, policy);
    if (sql_clause_span(f, st, kw1, kw2, &from, &to)) {
        while (from < to && (f->text[from] == ' ' || f->text[from] == '\n'))
            from++;
        *text = util_xstrndup(f->text + from, to - from);
        if (strcmp(kw1, "using") == 0) {
            free((char *) policy->qual_canonical);
            policy->qual_canonical = canonical_expr(*text);
        } else {
            free((char *) policy->with_check_canonical);
            policy->with_check_canonical = canonical_expr(*text);
        }
        sql_offset_location(f, from, to - from, loc);
    } else {
        *text = util_xstrdup("?");
        sql_stmt_location(f, st, loc);
    }
    loc->path = util_xstrdup(loc->path);
}

static pgr_policy *
find_policy(model *m, const PgQuery__RangeVar *rv, const char *name)
{
    long i = rv && rv->relname && name
        ? index_find3(&m->policy_ix, &m->policies, policy_index_key, 0,
                      schema_of(m, rv->schemaname), rv->relname, name)
        : -1;

    return i < 0 ? NULL : util_vec_at(&m->policies, (size_t) i);
}

static void
create_policy(model *m, const sql_file *f, const sql_stmt *st, const pgr_location *loc)
{
    const PgQuery__CreatePolicyStmt *s = st->node->create_policy_stmt;
    pgr_policy *p;

    if (s->table == NULL || s->policy_name == NULL || find_policy(m, s->table, s->policy_name))
        return;
    p = util_vec_push(&m->policies);
    p->schema = util_xstrdup(schema_of(m, s->table->schemaname));
    p->table = util_xstrdup(s->table->relname);
    p->name = util_xstrdup(s->policy_name);
    p->polpermissive = s->permissive;
    p->polcmd = policy_cmd(s->cmd_name);
    p->location = copy_loc(loc);
    set_policy_roles(p, s->roles, s->n_roles);
    set_clause(p, f, st, s->qual, "using", NULL, &p->qual, &p->qual_always_true,
               &p->qual_location);
    set_clause(p, f, st, s->with_check, "with", "check", &p->with_check,
               &p->with_check_always_true, &p->with_check_location);
}

static void
alter_policy(model *m, const sql_file *f, const sql_stmt *st)
{
    const PgQuery__AlterPolicyStmt *s = st->node->alter_policy_stmt;
    pgr_policy *p = s->policy_name ? find_policy(m, s->table, s->policy_name) : NULL;

    if (p == NULL)
        return;
    if (s->n_roles > 0)
        set_policy_roles(p, s->roles, s->n_roles);
    /* The expressions are replaced: recollect their columns. */
    if (s->qual || s->with_check) {
        strs_free(p->columns_referenced, p->n_columns_referenced);
        p->columns_referenced = NULL;
        p->n_columns_referenced = 0;
    }
    set_clause(p, f, st, s->qual, "using", NULL, &p->qual, &p->qual_always_true,
               &p->qual_location);
    set_clause(p, f, st, s->with_check, "with", "check", &p->with_check,
               &p->with_check_always_true, &p->with_check_location);
}

/* Apply CREATE/ALTER FUNCTION options (DefElems) to fn. */
static void
function_options(pgr_function *fn, PgQuery__Node **opts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const PgQuery__DefElem *d;

        if (opts[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || opts[i]->def_elem->defname == NULL)
            continue;
        d = opts[i]->def_elem;
        if (strcmp(d->defname, "security") == 0)
            fn->prosecdef = defelem_bool(d);
        else if (strcmp(d->defname, "language") == 0 && d->arg &&
                 d->arg->node_case == PG_QUERY__NODE__NODE_STRING) {
            free((char *) fn->language);
            fn->language = util_xstrdup(d->arg->string->sval);
        } else if (strcmp(d->defname, "set") == 0 && d->arg &&
                   d->arg->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) {
            const PgQuery__VariableSetStmt *v = d->arg->variable_set_stmt;

            if (v->name && strcmp(v->name, "search_path") == 0)
                fn->search_path_set = v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE;
            else if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL)
                fn->search_path_set = 0;
        }
    }
}

static void
qualified_func(const model *m, PgQuery__Node **names, size_t n, const char **schema,
               const char **name)
{
    PgQuery__List list = PG_QUERY__LIST__INIT;
    PgQuery__Node wrap = PG_QUERY__NODE__INIT;

    list.n_items = n;
    list.items = names;
    wrap.node_case = PG_QUERY__NODE__NODE_LIST;
    wrap.list = &list;
    qualified_name(m, &wrap, schema, name);
}

static void
create_function(model *m, const PgQuery__CreateFunctionStmt *s, const pgr_location *loc)
{
    const char *schema, *name;
    pgr_function *fn;
    char *q;

    qualified_func(m, s->funcname, s->n_funcname, &schema, &name);
    if (name == NULL)
        return;
    q = util_xasprintf("%s.%s", schema, name);
    fn = find_function(m, q);
    free(q);
    if (fn == NULL) {
        fn = util_vec_push(&m->functions);
        fn->schema = util_xstrdup(schema);
        fn->name = util_xstrdup(name);
        fn->public_execute = m->default_public_execute;
    } else {
        /* CREATE OR REPLACE keeps privileges but resets the options. */
        free_loc(&fn->location);
        fn->prosecdef = 0;
        fn->search_path_set = 0;
    }
    fn->prokind = s->is_procedure ? 'p' : 'f';
    fn->location = copy_loc(loc);
    function_options(fn, s->options, s->n_options);
}

static void
alter_function(model *m, const PgQuery__AlterFunctionStmt *s)
{
    char *q;
    pgr_function *fn;
    PgQuery__Node wrap = PG_QUERY__NODE__INIT;

    if (s->func == NULL)
        return;
    wrap.node_case = PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS;
    wrap.object_with_args = s->func;
    q = grant_object_name(m, &wrap, 0);
    fn = q ? find_function(m, q) : NULL;
    free(q);
    if (fn)
        function_options(fn, s->actions, s->n_actions);
}

static void
free_function(pgr_function *fn)
{
    free((char *) fn->schema);
    free((char *) fn->name);
    free((char *) fn->language);
    free_loc(&fn->location);
}

static void
drop_function(model *m, const PgQuery__Node *obj)
{
    char *q = grant_object_name(m, obj, 0);
    pgr_function *fn = q ? find_function(m, q) : NULL;

    if (fn) {
        size_t i = (size_t) (fn - (pgr_function *) m->functions.items);

        remove_acl_of(m, 'f', q);
        free_function(fn);
        memmove(fn, fn + 1, (m->functions.len - i - 1) * sizeof(pgr_function));
        m->functions.len--;
    }
    free(q);
    index_stale(&m->function_ix);
}

/* ALTER DEFAULT PRIVILEGES [FOR ROLE ...] [IN SCHEMA s, ...] GRANT/REVOKE
 * ... ON TABLES|SEQUENCES|FUNCTIONS|TYPES|SCHEMAS: one default_acl item per
 * schema ("*" without IN SCHEMA) and grantee. */
static void
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
            /* Reuse the object-ACL arithmetic on the default_acl vector. */
            tmp = *m;
            tmp.acl = m->default_acl;
            apply_acl(&tmp, objkind, schemas[i], 0, who, privs, g, loc);
            m->default_acl = tmp.acl;
        }
    }
}

static void
create_extension(model *m, const PgQuery__CreateExtensionStmt *s, const pgr_location *loc)
{
    const char *schema = m->default_schema;
    size_t i;

    for (i = 0; i < s->n_options; i++) {
        const PgQuery__DefElem *d = s->options[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM
            ? s->options[i]->def_elem : NULL;

        if (d && d->defname && strcmp(d->defname, "schema") == 0 && d->arg &&
            d->arg->node_case == PG_QUERY__NODE__NODE_STRING)
            schema = d->arg->string->sval;
    }
    add_object(m, 'e', schema, s->extname, NULL, loc);
}

static void
create_type(model *m, PgQuery__Node **names, size_t n, const pgr_location *loc)
{
    const char *schema, *name;

    qualified_func(m, names, n, &schema, &name);
    add_object(m, 'T', schema, name, NULL, loc);
}

/* GRANT role TO member / REVOKE role FROM member: pg_auth_members. */
static void
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

/* --- DO blocks ------------------------------------------------------------ */

typedef struct do_walk {
    model *m;
    const sql_file *f;
    size_t body_line;       /* file line where the body starts (1-based) */
    int dynamic;            /* EXECUTEs of dynamic strings met */
} do_walk;

/* Replay one static SQL statement of a DO body.  It is parsed from a
 * synthetic source padded with newlines so that its line numbers are the
 * file's; columns start at 1. */
static void
do_statement(do_walk *w, const char *query, long lineno)
{
    size_t line = w->body_line + (size_t) (lineno > 0 ? lineno - 1 : 0), i;
    util_buf b;
    sql_file sub;

    util_buf_init(&b);
    for (i = 1; i < line; i++)
        util_buf_append(&b, "\n", 1);
    util_buf_puts(&b, query);
    sql_file_parse(&sub, w->f->path, b.data, b.len);
    for (i = 0; i < sub.errors.len; i++) {
        const sql_error *e = util_vec_at(&sub.errors, i);
        uint32_t l, c;

        if (e->too_deep) {
            util_lines_pos(&sub.lines, e->offset, &l, &c);
            *(size_t *) util_vec_push(&w->m->deep_lines) = l;
        }
    }
    for (i = 0; i < sub.stmts.len; i++)
        w->dynamic += model_apply(w->m, &sub, util_vec_at(&sub.stmts, i));
    sql_file_free(&sub);
    util_buf_free(&b);
}

/* Walk PL/pgSQL's JSON tree in statement order (both arms of an IF). */
static void
do_walk_json(do_walk *w, json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            do_walk_json(w, v);
        return;
    }
    if (!json_is_object(j))
        return;
    json_object_foreach(j, key, v) {
        if (strcmp(key, "PLpgSQL_stmt_execsql") == 0) {
            json_t *q = json_object_get(json_object_get(json_object_get(v, "sqlstmt"),
                                                        "PLpgSQL_expr"), "query");

            if (json_is_string(q))
                do_statement(w, json_string_value(q),
                             (long) json_integer_value(json_object_get(v, "lineno")));
        } else if (strcmp(key, "PLpgSQL_stmt_dynexecute") == 0) {
            w->dynamic++;
        } else {
            do_walk_json(w, v);
        }
    }
}

/* DO bodies up to this many bytes are parsed on the calling thread. */
#define PLPGSQL_SHALLOW_BYTES 16384

/* pg_query_parse_plpgsql and the load of its JSON, run by sql_run_deep: its
 * output functions recurse once per nested block. */
typedef struct plpgsql_job {
    const char *body;
    json_t *json;           /* out: the functions, or NULL */
    bool too_deep;          /* out: the body nests deeper than the parsers go */
} plpgsql_job;

static void
parse_plpgsql_deep(void *arg)
{
    plpgsql_job *j = arg;
    char *wrapper = util_xasprintf("CREATE FUNCTION pgrampart_do() RETURNS void LANGUAGE plpgsql "
                                   "AS $pgrampart$%s$pgrampart$", j->body);
    PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(wrapper);
    json_error_t err;

    j->json = r.error ? NULL : json_loads(r.plpgsql_funcs, 0, &err);
    /* Bison's stack ran out, or jansson's depth limit (2,048) was hit. */
    j->too_deep = r.error ? strstr(r.error->message, "memory exhausted") != NULL
        : j->json == NULL && json_error_code(&err) == json_error_stack_overflow;
    free(wrapper);
    pg_query_free_plpgsql_parse_result(r);
}

/* DO $$ ... $$ in PL/pgSQL: replay the plain SQL statements of its body
 * with pg_query_parse_plpgsql.  Returns how many EXECUTEs of dynamic
 * strings it holds (their effect is not analysed). */
static int
do_block(model *m, const sql_file *f, const sql_stmt *st)
{
    const PgQuery__DoStmt *d = st->node->do_stmt;
    const char *body = NULL, *lang = NULL, *at;
    plpgsql_job job;
    do_walk w;
    size_t i;
    uint32_t line, col;

    for (i = 0; i < d->n_args; i++) {
        const PgQuery__DefElem *e = d->args[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM
            ? d->args[i]->def_elem : NULL;

        if (e && e->defname && e->arg && e->arg->node_case == PG_QUERY__NODE__NODE_STRING)
            *(strcmp(e->defname, "language") == 0 ? &lang : &body) = e->arg->string->sval;
    }
    if (body == NULL || (lang && strcmp(lang, "plpgsql") != 0) || strstr(body, "$pgrampart$"))
        return 0;
    job.body = body;
    /* libpg_query 15-4.0.0 leaks a byte per pg_query_parse_plpgsql call,
     * which a thread that ends turns into a lost block: a body this short
     * cannot nest deep enough to need sql_run_deep's stack (measured: 1,000
     * nested IF blocks take under 1 MiB). */
    if (strlen(body) <= PLPGSQL_SHALLOW_BYTES)
        parse_plpgsql_deep(&job);
    else
        sql_run_deep(parse_plpgsql_deep, &job);
    if (job.too_deep) {
        /* PL/pgSQL's parser gives no position for it: the DO statement's. */
        util_lines_pos(&f->lines, st->start, &line, &col);
        *(size_t *) util_vec_push(&m->deep_lines) = line;
    }
    if (job.json == NULL)
        return 0;
    /* The body's first line, where its text starts inside the statement. */
    at = memmem(f->text + st->start, st->end - st->start, body, strlen(body));
    util_lines_pos(&f->lines, at ? (size_t) (at - f->text) : st->start, &line, &col);
    w.m = m;
    w.f = f;
    w.body_line = line;
    w.dynamic = 0;
    do_walk_json(&w, job.json);
    json_decref(job.json);
    return w.dynamic;
}

int
model_apply(model *m, const sql_file *f, const sql_stmt *st)
{
    const PgQuery__Node *n = st->node;
    pgr_location loc;

    sql_stmt_location(f, st, &loc);
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_DO_STMT:
        return do_block(m, f, st);
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        add_columns(m, add_table(m, n->create_stmt->relation, n->create_stmt->partspec ? 'p' : 'r',
                              n->create_stmt->if_not_exists, &loc),
                    n->create_stmt->table_elts, n->create_stmt->n_table_elts);
        break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        if (n->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
            n->create_table_as_stmt->into)
            add_table(m, n->create_table_as_stmt->into->rel, 'r',
                      n->create_table_as_stmt->if_not_exists, &loc);
        else if (n->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW &&
                 n->create_table_as_stmt->into)
            create_view(m, n->create_table_as_stmt->into->rel, n->create_table_as_stmt->query, 'm',
                        n->create_table_as_stmt->into->options,
                        n->create_table_as_stmt->into->n_options, 0, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        alter_table(m, n->alter_table_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        rename_stmt(m, n->rename_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
        if (n->alter_object_schema_stmt->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
            move_table(m, n->alter_object_schema_stmt->relation,
                       n->alter_object_schema_stmt->newschema, NULL);
        else if (n->alter_object_schema_stmt->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION &&
                 n->alter_object_schema_stmt->object)
            rename_function(m, n->alter_object_schema_stmt->object,
                            n->alter_object_schema_stmt->newschema, NULL);
        break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        drop_stmt(m, n->drop_stmt);
        break;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        grant_stmt(m, n->grant_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
        create_role(m, n->create_role_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
        alter_role(m, n->alter_role_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
        drop_role(m, n->drop_role_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
        create_policy(m, f, st, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
        alter_policy(m, f, st);
        break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        create_function(m, n->create_function_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
        alter_function(m, n->alter_function_stmt);
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        set_search_path(m, n->variable_set_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
        if (n->alter_default_privileges_stmt->action) {
            grant_stmt(m, n->alter_default_privileges_stmt->action, &loc);
            default_privileges(m, n->alter_default_privileges_stmt, &loc);
        }
        break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        create_extension(m, n->create_extension_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        if (n->index_stmt->relation && n->index_stmt->idxname) {
            const char *sch = schema_of(m, n->index_stmt->relation->schemaname);
            char *parent = util_xasprintf("%s.%s", sch, n->index_stmt->relation->relname);
            pgr_object *o = add_object(m, 'i', sch, n->index_stmt->idxname, parent, &loc);
            size_t k;

            for (k = 0; o && k < n->index_stmt->n_index_params; k++) {
                const PgQuery__Node *p = n->index_stmt->index_params[k];

                if (p->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && p->index_elem->name)
                    strs_add(&o->columns, &o->n_columns, p->index_elem->name);
            }
            free(parent);
        }
        break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        create_type(m, n->create_enum_stmt->type_name, n->create_enum_stmt->n_type_name, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
        create_type(m, n->create_range_stmt->type_name, n->create_range_stmt->n_type_name, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        create_type(m, n->create_domain_stmt->domainname, n->create_domain_stmt->n_domainname, &loc);
        break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        if (n->composite_type_stmt->typevar && n->composite_type_stmt->typevar->relname)
            add_object(m, 'T', schema_of(m, n->composite_type_stmt->typevar->schemaname),
                       n->composite_type_stmt->typevar->relname, NULL, &loc);
        break;
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
        grant_role(m, n->grant_role_stmt);
        break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        create_view(m, n->view_stmt->view, n->view_stmt->query, 'v', n->view_stmt->options,
                    n->view_stmt->n_options, n->view_stmt->replace, &loc);
        break;
    default:
        break;
    }
    return 0;
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

/* Group the policies by table (keeping creation order within a table) and
 * point each table at its range, so rules need not scan every policy for
 * every table (20,000 policies on 10,000 tables in a live audit). */
static void
index_policies(model *m)
{
    size_t n = m->policies.len, i, lo, hi;
    policy_key *keys = util_xcalloc(n ? n : 1, sizeof(policy_key));
    pgr_policy *sorted = util_xcalloc(n ? n : 1, sizeof(pgr_policy));

    for (i = 0; i < n; i++) {
        keys[i].p = util_vec_at(&m->policies, i);
        keys[i].seq = i;
    }
    if (n > 1)
        qsort(keys, n, sizeof(policy_key), policy_key_cmp);
    for (i = 0; i < n; i++)
        sorted[i] = *keys[i].p;
    if (n > 0)
        memcpy(m->policies.items, sorted, n * sizeof(pgr_policy));
    free(sorted);
    free(keys);
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

void
model_view(model *m, pgr_model *out)
{
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
    out->n_functions = m->functions.len;
    out->functions = m->functions.items;
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
    out->n_settings = m->settings.len;
    out->settings = m->settings.items;
    out->hba_available = m->hba_available;
    out->n_hba = m->hba.len;
    out->hba = m->hba.items;
    out->authid_available = m->authid_available;
    out->connection_ssl = m->connection_ssl;
    out->connection_ssl_version = m->connection_ssl_version;
}

void
model_free(model *m)
{
    size_t i;

    util_vec_free(&m->deep_lines);
    indexes_apply(m, index_free);
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
static pgr_table
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

/* Appends deep copies of the ACL items of src to dst. */
static void
clone_acl(util_vec *dst, const util_vec *src)
{
    size_t i;

    for (i = 0; i < src->len; i++) {
        const pgr_acl_item *a = util_vec_at(src, i);
        pgr_acl_item *c = util_vec_push(dst);

        *c = *a;
        c->object = util_xstrdup(a->object);
        c->grantee = util_xstrdup(a->grantee);
        c->location = copy_loc(&a->location);
    }
}

static pgr_view
clone_view(const pgr_view *v)
{
    pgr_view c = *v;

    c.schema = util_xstrdup(v->schema);
    c.name = util_xstrdup(v->name);
    c.relations = strs_clone(v->relations, v->n_relations);
    c.location = copy_loc(&v->location);
    return c;
}

static pgr_object
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

static pgr_role
clone_role(const pgr_role *r)
{
    pgr_role c = *r;

    c.name = util_xstrdup(r->name);
    c.rolvaliduntil = dup_or_null(r->rolvaliduntil);
    c.member_of = strs_clone(r->member_of, r->n_member_of);
    c.location = copy_loc(&r->location);
    return c;
}

static pgr_function
clone_function(const pgr_function *fn)
{
    pgr_function c = *fn;

    c.schema = util_xstrdup(fn->schema);
    c.name = util_xstrdup(fn->name);
    c.language = dup_or_null(fn->language);
    c.location = copy_loc(&fn->location);
    return c;
}

static pgr_policy
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
    dst->server_version = src->server_version;
    dst->public_schema_create = src->public_schema_create;
    dst->origin = copy_loc(&src->origin);
    for (i = 0; i < src->views.len; i++)
        *(pgr_view *) util_vec_push(&dst->views) = clone_view(util_vec_at(&src->views, i));
    for (i = 0; i < src->objects.len; i++)
        *(pgr_object *) util_vec_push(&dst->objects) = clone_object(util_vec_at(&src->objects, i));
    clone_acl(&dst->default_acl, &src->default_acl);
    free(dst->default_schema);
    dst->default_schema = util_xstrdup(src->default_schema);
    for (i = 0; i < src->tables.len; i++)
        *(pgr_table *) util_vec_push(&dst->tables) = clone_table(util_vec_at(&src->tables, i));
    for (i = 0; i < src->policies.len; i++)
        *(pgr_policy *) util_vec_push(&dst->policies) = clone_policy(util_vec_at(&src->policies, i));
    clone_acl(&dst->acl, &src->acl);
    for (i = 0; i < src->roles.len; i++)
        *(pgr_role *) util_vec_push(&dst->roles) = clone_role(util_vec_at(&src->roles, i));
    for (i = 0; i < src->functions.len; i++)
        *(pgr_function *) util_vec_push(&dst->functions) = clone_function(util_vec_at(&src->functions, i));
}

/* --- builders for live catalogs ------------------------------------------- */

pgr_table *
model_put_table(model *m, uint32_t oid, const char *schema, const char *name, char relkind,
                int rls, int force, const char *owner, const pgr_location *loc)
{
    pgr_table *t = util_vec_push(&m->tables);

    t->oid = oid;
    t->schema = util_xstrdup(schema);
    t->name = util_xstrdup(name);
    t->relkind = relkind;
    t->relrowsecurity = rls;
    t->relforcerowsecurity = force;
    t->owner = dup_or_null(owner);
    t->location = copy_loc(loc);
    if (rls)
        t->rls_location = copy_loc(loc);
    return t;
}

/* The position of the table with oid by a scan, or -1. */
static long
table_scan_oid(const model *m, uint32_t oid)
{
    size_t i;

    for (i = 0; i < m->tables.len; i++)
        if (((const pgr_table *) util_vec_at(&m->tables, i))->oid == oid)
            return (long) i;
    return -1;
}

/* The position of the table with oid, or -1 (the lazy scheme of index_find;
 * oids are unique). */
static long
table_by_oid(model *m, uint32_t oid)
{
    model_index *ix = &m->oid_ix;
    size_t i;

    if (!ix->built && ix->scans < INDEX_REBUILD_AFTER) {
        ix->scans++;
        return table_scan_oid(m, oid);
    }
    if (!ix->built || ix->upto > m->tables.len) {
        util_map_clear(&ix->map);
        ix->upto = 0;
        ix->built = true;
    }
    for (; ix->upto < m->tables.len; ix->upto++) {
        const pgr_table *t = util_vec_at(&m->tables, ix->upto);

        util_map_add(&ix->map, (const char *) &t->oid, sizeof t->oid, ix->upto);
    }
    if (!util_map_get(&ix->map, (const char *) &oid, sizeof oid, &i))
        return -1;
    if (((const pgr_table *) util_vec_at(&m->tables, i))->oid == oid)
        return (long) i;
    index_stale(ix);
    return table_scan_oid(m, oid);
}

void
model_put_column(model *m, uint32_t oid, int16_t attnum, const char *name)
{
    long i = table_by_oid(m, oid);
    pgr_table *t;

    if (i < 0)
        return;
    t = util_vec_at(&m->tables, (size_t) i);
    strs_add(&t->columns, &t->n_columns, name);
    t->attnums = util_xrealloc((void *) t->attnums, t->n_columns * sizeof(int16_t));
    ((int16_t *) t->attnums)[t->n_columns - 1] = attnum;
    if (attnum > t->max_attnum)
        t->max_attnum = attnum;
    index_stale(&m->column_ix);
}

/* Parse "SELECT <expr>" to judge a policy expression read as text. */
static void
live_clause(pgr_policy *p, const char *text, const char **out, int *always_true,
            pgr_location *loc, const pgr_location *where)
{
    char *sql;
    sql_file sub;

    if (text == NULL)
        return;
    *out = util_xstrdup(text);
    *loc = copy_loc(where);
    /* The text comes from the catalog, whose owner may be hostile: parse it
     * with sql_file_parse's depth limits before anything walks it. */
    sql = util_xasprintf("SELECT %s", text);
    sql_file_parse(&sub, "", sql, strlen(sql));
    free(sql);
    if (sub.errors.len == 0 && sub.stmts.len == 1) {
        const PgQuery__Node *st = ((const sql_stmt *) util_vec_at(&sub.stmts, 0))->node;

        if (out == &p->qual)
            p->qual_canonical = canonical_expr(text);
        else
            p->with_check_canonical = canonical_expr(text);
        if (st->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
            st->select_stmt->n_target_list == 1 &&
            st->select_stmt->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET) {
            const PgQuery__Node *e = st->select_stmt->target_list[0]->res_target->val;

            *always_true = model_expr_always_true(e);
            sql_node_walk(sql_node_wrap(e), note_column, p);
        }
    }
    sql_file_free(&sub);
}

void
model_put_policy(model *m, const char *schema, const char *table, const char *name,
                 int permissive, char polcmd, const char *const *roles, size_t n_roles,
                 const char *qual, const char *with_check, const pgr_location *loc)
{
    pgr_policy *p = util_vec_push(&m->policies);
    size_t i;

    p->schema = util_xstrdup(schema);
    p->table = util_xstrdup(table);
    p->name = util_xstrdup(name);
    p->polpermissive = permissive;
    p->polcmd = polcmd;
    p->location = copy_loc(loc);
    for (i = 0; i < n_roles; i++)
        strs_add(&p->roles, &p->n_roles, roles[i]);
    if (p->n_roles == 0)
        strs_add(&p->roles, &p->n_roles, "PUBLIC");
    live_clause(p, qual, &p->qual, &p->qual_always_true, &p->qual_location, loc);
    live_clause(p, with_check, &p->with_check, &p->with_check_always_true,
                &p->with_check_location, loc);
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

pgr_function *
model_put_function(model *m, const char *schema, const char *name, char prokind,
                   const char *language, const pgr_location *loc)
{
    char *q = util_xasprintf("%s.%s", schema, name);
    pgr_function *fn = find_function(m, q);

    free(q);
    /* Overloads share one entry, as in the replayed model. */
    if (fn)
        return fn;
    fn = util_vec_push(&m->functions);
    fn->schema = util_xstrdup(schema);
    fn->name = util_xstrdup(name);
    fn->prokind = prokind;
    fn->language = dup_or_null(language);
    fn->location = copy_loc(loc);
    return fn;
}

pgr_view *
model_put_view(model *m, uint32_t oid, const char *schema, const char *name, char relkind,
               const pgr_location *loc)
{
    pgr_view *v = util_vec_push(&m->views);

    v->oid = oid;
    v->schema = util_xstrdup(schema);
    v->name = util_xstrdup(name);
    v->relkind = relkind;
    v->location = copy_loc(loc);
    return v;
}

void
model_put_view_relation(model *m, uint32_t oid, const char *qualified)
{
    size_t i;

    for (i = 0; i < m->views.len; i++) {
        pgr_view *v = util_vec_at(&m->views, i);

        if (v->oid == oid)
            strs_add(&v->relations, &v->n_relations, qualified);
    }
}

void
model_put_object(model *m, char kind, const char *schema, const char *name,
                 const pgr_location *loc)
{
    add_object(m, kind, schema, name, NULL, loc);
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

void
model_forget_schema(model *m, const char *schema)
{
    size_t i = m->tables.len;
    size_t keep = 0;
    size_t sl = strlen(schema);

    while (i-- > 0)
        if (strcmp(((pgr_table *) util_vec_at(&m->tables, i))->schema, schema) == 0)
            drop_table_at(m, i);
    for (i = m->views.len; i-- > 0;)
        if (strcmp(((pgr_view *) util_vec_at(&m->views, i))->schema, schema) == 0)
            drop_view_at(m, i);
    for (i = m->objects.len; i-- > 0;)
        if (strcmp(((pgr_object *) util_vec_at(&m->objects, i))->schema, schema) == 0)
            remove_object_at(m, i);
    drop_functions_in(m, schema);
    /* Grants on anything in the schema, and on the schema itself. */
    for (i = 0; i < m->acl.len; i++) {
        pgr_acl_item *a = util_vec_at(&m->acl, i);

        if ((strncmp(a->object, schema, sl) == 0 && a->object[sl] == '.') ||
            (a->objkind == 'n' && strcmp(a->object, schema) == 0)) {
            free((char *) a->object);
            free((char *) a->grantee);
            free_loc(&a->location);
        } else {
            *(pgr_acl_item *) util_vec_at(&m->acl, keep++) = *a;
        }
    }
    m->acl.len = keep;
    indexes_stale(m);
}
