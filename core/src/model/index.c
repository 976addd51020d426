/*
 * index.c — the model's indexes by name, so that replaying n statements
 * is not O(n^2): one lazily built hash index per vector (tables, policies,
 * roles, grants, functions, views, objects) from a key to the position of
 * its first element, plus the (owner, name) pair sets for a table's columns
 * and a role's groups.
 */
#include "model/model_internal.h"

void
index_init(model_index *ix)
{
    util_map_init(&ix->map);
    ix->upto = 0;
    ix->built = false;
    ix->scans = 0;
}

/* Elements of ix's vector were removed, renamed or moved. */
void
index_stale(model_index *ix)
{
    ix->built = false;
    ix->scans = 0;
}

void
index_free(model_index *ix)
{
    util_map_free(&ix->map);
}

void
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
    fn(&m->constraint_ix);
    fn(&m->constraint_name_ix);
    fn(&m->constraint_type_ix);
}

/* Something was removed, renamed or moved, in more than one vector. */
void
indexes_stale(model *m)
{
    indexes_apply(m, index_stale);
}

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

void
table_key(const void *e, elem_key *k)
{
    key_set(k, 0, ((const pgr_table *) e)->schema, ((const pgr_table *) e)->name, NULL);
}

void
view_key(const void *e, elem_key *k)
{
    key_set(k, 0, ((const pgr_view *) e)->schema, ((const pgr_view *) e)->name, NULL);
}

void
policy_index_key(const void *e, elem_key *k)
{
    const pgr_policy *p = e;

    key_set(k, 0, p->schema, p->table, p->name);
}

void
constraint_key(const void *e, elem_key *k)
{
    const pgr_constraint *c = e;

    key_set(k, 0, c->schema, c->table, c->name);
}

void
constraint_name_key(const void *e, elem_key *k)
{
    const pgr_constraint *c = e;

    key_set(k, 0, c->schema, c->name, NULL);
}

void
constraint_type_key(const void *e, elem_key *k)
{
    const pgr_constraint *c = e;

    key_set(k, c->contype, c->schema, c->table, NULL);
}

void
role_key(const void *e, elem_key *k)
{
    key_set(k, 0, ((const pgr_role *) e)->name, NULL, NULL);
}

void
acl_key(const void *e, elem_key *k)
{
    const pgr_acl_item *a = e;

    key_set(k, a->objkind, a->object, a->grantee, NULL);
}

void
function_key(const void *e, elem_key *k)
{
    const model_function *f = e;

    /* Overloads are distinct: schema, name and identity arguments. */
    key_set(k, 0, f->fn.schema, f->fn.name, f->args);
}

/* Extension names are database-wide; the others live in a schema. */
void
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
long
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
long
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
void
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
bool
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
void
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
