/*
 * index.c — the model's indexes by name, so that replaying n statements
 * is not O(n^2): one lazily built hash index per vector (tables, policies,
 * roles, grants, functions, views, objects) from a key to the position of
 * its first element, plus the (owner, name) pair sets for a table's columns
 * and a role's groups.
 */
#include "model/model_internal.h"

#include <stdio.h>

void
index_init(model_index *ix)
{
    util_map_init(&ix->map);
    ix->gone = NULL;
    ix->upto = 0;
    ix->built = false;
    ix->scans = 0;
    ix->frozen = false;
    ix->journal = NULL;
    ix->vec = 0;
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
}

/* Something was removed, renamed or moved, in more than one vector. */
void
indexes_stale(model *m)
{
    indexes_apply(m, index_stale);
    groups_apply(m, groups_stale);
}

void
key_set(elem_key *k, char kind, const char *a, const char *b, const char *c)
{
    k->kind = kind;
    k->part[0] = a;
    k->part[1] = b;
    k->part[2] = c;
    k->n = c ? 3 : b ? 2 : 1;
}

/* The bytes of k for the hash map: the kind, then each name and a NUL. */
void
key_bytes(const elem_key *k, util_buf *b)
{
    size_t i;

    b->len = 0;
    util_buf_append(b, &k->kind, 1);
    for (i = 0; i < k->n; i++)
        util_buf_append(b, k->part[i] ? k->part[i] : "", (k->part[i] ? strlen(k->part[i]) : 0) + 1);
}

bool
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

/* The position in v (ix's vector) of the first element whose key is
 * want, or -1. */
static long
index_scan(const model_index *ix, const util_vec *v, key_fn key, const elem_key *want)
{
    elem_key k;
    size_t i;

    for (i = 0; i < v->len; i++) {
        if (gone_at(ix->gone, i))
            continue;
        key(util_vec_at(v, i), &k);
        if (key_equal(&k, want))
            return (long) i;
    }
    return -1;
}

/* Empty ix's map for a rebuild. */
static void
index_clear(model_index *ix)
{
    util_map_clear(&ix->map);
    ix->upto = 0;
}

/* Add the elements of v ix does not hold yet to its map (ix built). */
static void
catch_up(model_index *ix, const util_vec *v, key_fn key, util_buf *b)
{
    elem_key k;

    for (; ix->upto < v->len; ix->upto++) {
        if (gone_at(ix->gone, ix->upto))
            continue;
        key(util_vec_at(v, ix->upto), &k);
        key_bytes(&k, b);
        util_map_add(&ix->map, b->data, b->len, ix->upto);
    }
}

/* Take elem's key (at pos) out of ix's map when the map names it there. */
static void
index_forget(model_index *ix, key_fn key, size_t pos, const void *elem)
{
    util_buf b;
    elem_key k;
    size_t at;

    util_buf_init(&b);
    key(elem, &k);
    key_bytes(&k, &b);
    if (util_map_get(&ix->map, b.data, b.len, &at) && at == pos)
        util_map_del(&ix->map, b.data, b.len);
    util_buf_free(&b);
}

void
index_removed(model_index *ix, bool dups, key_fn key, size_t pos, const void *elem)
{
    /* A journal restores the index whole (journal.c); an index not built
     * yet has nothing to keep (its lookups still count toward building it:
     * resetting them here made GRANT/REVOKE churn scan forever). */
    if (ix->frozen || !ix->built)
        return;
    if (dups) {
        /* Another element may have the same key: built again by the next
         * lookup. */
        index_stale(ix);
        ix->scans = INDEX_REBUILD_AFTER;
        return;
    }
    /* Not in the map yet: nothing to forget (catch_up skips it, gone). */
    if (pos >= ix->upto)
        return;
    index_forget(ix, key, pos, elem);
}

void
index_catch_up(model_index *ix, const util_vec *v, key_fn key)
{
    util_buf b;

    if (ix->upto > v->len) {
        index_stale(ix);
        return;
    }
    util_buf_init(&b);
    catch_up(ix, v, key, &b);
    util_buf_free(&b);
}

/* Whether element p of v (when there is one) has key want, and comes
 * before *best (-1: none yet): then it is the best. */
static void
consider(const model_index *ix, const util_vec *v, key_fn key, const elem_key *want, size_t p,
         long *best)
{
    elem_key k;

    if (p >= v->len || gone_at(ix->gone, p) || (*best >= 0 && (size_t) *best <= p))
        return;
    key(util_vec_at(v, p), &k);
    if (key_equal(&k, want))
        *best = (long) p;
}

void
index_rekey_from(model_index *ix, bool dups, key_fn key, size_t pos, const void *elem)
{
    /* A journal restores the index whole; one not built has nothing to keep;
     * an element past upto is not in the map yet. */
    if (ix->frozen || !ix->built || pos >= ix->upto)
        return;
    if (dups) {
        index_stale(ix);
        return;
    }
    index_forget(ix, key, pos, elem);
}

void
index_rekey_to(model_index *ix, key_fn key, size_t pos, const void *elem)
{
    util_buf b;
    elem_key k;

    if (ix->frozen || !ix->built || pos >= ix->upto)
        return;
    util_buf_init(&b);
    key(elem, &k);
    key_bytes(&k, &b);
    /* Another element has that name already (rename_target noted it in
     * dup_keys): which one comes first is for a rebuild to say. */
    if (!util_map_add(&ix->map, b.data, b.len, pos))
        index_stale(ix);
    util_buf_free(&b);
}

/*
 * index_find while a journal runs (ix frozen, its map as before the
 * journal): the object the map names (positions stay put: gone.c),
 * unless it is gone or renamed; or one the journal appended or changed (a
 * new name).  The least position of those with key want: keys name one
 * object each unless a rename made two alike (dup_keys), when this scans.
 * O(records), not O(n): a down runs on the model (issue 15).
 */
static long
frozen_find(model_index *ix, const util_vec *v, key_fn key, const elem_key *want)
{
    const model_journal *j = ix->journal;
    util_buf b;
    size_t p, i, n;
    long best = -1;

    if (j == NULL || journal_dup_keys(j))
        return index_scan(ix, v, key, want);
    util_buf_init(&b);
    key_bytes(want, &b);
    if (util_map_get(&ix->map, b.data, b.len, &p))
        consider(ix, v, key, want, p, &best);
    util_buf_free(&b);
    n = journal_length(j);
    for (i = 0; i < n; i++)
        if (journal_placed(j, i, ix->vec, &p))
            consider(ix, v, key, want, p, &best);
    return best;
}

/*
 * The position in v of the first element whose key (by key) is want, or -1,
 * through ix.  A hit is checked against the element itself; should a change
 * have gone unannounced, the index is discarded and v scanned.
 */
static long
index_lookup(model_index *ix, const util_vec *v, key_fn key, const elem_key *want)
{
    util_buf b;
    elem_key k;
    size_t i;
    long found = -1;

    /* Under a journal the map must stay as it was (model.h). */
    if (ix->frozen)
        return frozen_find(ix, v, key, want);
    if (!ix->built && ix->scans < INDEX_REBUILD_AFTER) {
        ix->scans++;
        return index_scan(ix, v, key, want);
    }
    if (!ix->built || ix->upto > v->len) {
        index_clear(ix);
        ix->built = true;
    }
    util_buf_init(&b);
    catch_up(ix, v, key, &b);
    key_bytes(want, &b);
    if (util_map_get(&ix->map, b.data, b.len, &i)) {
        /* Removed since (a name two objects shared): not a match. */
        if (i < v->len && !gone_at(ix->gone, i))
            key(util_vec_at(v, i), &k);
        else
            k.kind = (char) (want->kind + 1);
        if (key_equal(&k, want)) {
            found = (long) i;
        } else {
            index_stale(ix);
            found = index_scan(ix, v, key, want);
        }
    }
    util_buf_free(&b);
    return found;
}

/* PGRAMPART_INDEX_CHECK (tests): every lookup is checked against a scan. */
static bool
index_checking(void)
{
    static int on = -1;

    if (on < 0)
        on = getenv("PGRAMPART_INDEX_CHECK") != NULL;
    return on;
}

long
index_find(model_index *ix, const util_vec *v, key_fn key, const elem_key *want)
{
    long found = index_lookup(ix, v, key, want);

    if (index_checking() && found != index_scan(ix, v, key, want)) {
        fprintf(stderr, "pgrampart: PGRAMPART_INDEX_CHECK: an index lookup found %ld, a scan %ld\n",
                found, index_scan(ix, v, key, want));
        abort();
    }
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

    if (ix->frozen || (!ix->built && ix->scans < INDEX_REBUILD_AFTER)) {
        ix->scans++;
        return strs_has(t->columns, t->n_columns, name);
    }
    util_buf_init(&b);
    if (!ix->built) {
        util_map_clear(&ix->map);
        for (i = 0; i < m->tables.len; i++) {
            const pgr_table *o = util_vec_at(&m->tables, i);

            for (k = 0; !elem_gone(m, JV_TABLES, i) && k < o->n_columns; k++) {
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

    if (!m->column_ix.built || m->column_ix.frozen)
        return;
    util_buf_init(&b);
    pair_bytes(&b, &t->oid, sizeof t->oid, name);
    util_map_add(&m->column_ix.map, b.data, b.len, 0);
    util_buf_free(&b);
}

void
column_renamed(model *m, const pgr_table *t, const char *from, const char *to)
{
    util_buf b;

    if (!m->column_ix.built || m->column_ix.frozen)
        return;
    util_buf_init(&b);
    pair_bytes(&b, &t->oid, sizeof t->oid, from);
    util_map_del(&m->column_ix.map, b.data, b.len);
    util_buf_free(&b);
    column_added(m, t, to);
}

/* --- what a migration touched (model.h: model_touched) ------------------- */

void
model_touched_init(model_touched *t)
{
    int k;

    for (k = 0; k < TOUCH_KINDS; k++) {
        util_map_init(&t->seen[k]);
        util_vec_init(&t->keys[k], sizeof(char *));
    }
}

void
model_touched_free(model_touched *t)
{
    size_t i;
    int k;

    for (k = 0; k < TOUCH_KINDS; k++) {
        for (i = 0; i < t->keys[k].len; i++)
            free(*(char **) util_vec_at(&t->keys[k], i));
        util_vec_free(&t->keys[k]);
        util_map_free(&t->seen[k]);
    }
}

void
model_record_touched(model *m, model_touched *t)
{
    m->touched = t;
}

/* Add k to the touched set of kind; grants are keyed without their object
 * kind (see model_touched_positions). */
static void
touch_add(model_touched *t, int kind, elem_key *k)
{
    util_buf b;
    char *copy;

    if (kind == TOUCH_ACL || kind == TOUCH_DEFAULT_ACL)
        k->kind = 0;
    util_buf_init(&b);
    key_bytes(k, &b);
    if (util_map_add(&t->seen[kind], b.data, b.len, 0)) {
        /* The number of names first, for model_touched_positions. */
        copy = util_xcalloc(b.len + 2, 1);
        copy[0] = (char) k->n;
        memcpy(copy + 1, b.data, b.len);
        *(char **) util_vec_push(&t->keys[kind]) = copy;
    }
    util_buf_free(&b);
}

void
touch_key(const model *m, int kind, char k, const char *a, const char *b, const char *c)
{
    elem_key key;

    if (m->touched == NULL || a == NULL)
        return;
    key_set(&key, k, a, b, c);
    touch_add(m->touched, kind, &key);
}

/* The vector of kind (TOUCH_*) and the key function of its elements. */
static const util_vec *
touched_vector(const model *m, int kind, key_fn *key)
{
    static const key_fn keys[TOUCH_KINDS] = {
        table_key, policy_index_key, function_key, role_key, acl_key, view_key, object_key, acl_key
    };
    const util_vec *vs[TOUCH_KINDS] = {
        &m->tables, &m->policies, &m->functions, &m->roles, &m->acl, &m->views, &m->objects,
        &m->default_acl
    };

    *key = keys[kind];
    return vs[kind];
}

void
touch_elem(const model *m, int kind, const void *elem)
{
    elem_key key;
    key_fn fn;

    if (m->touched == NULL)
        return;
    touched_vector(m, kind, &fn);
    fn(elem, &key);
    touch_add(m->touched, kind, &key);
}

void
rename_target(model *m, model_index *ix, const util_vec *v, key_fn key, char k, const char *a,
              const char *b, const char *c)
{
    if (a != NULL && index_find3(ix, v, key, k, a, b, c) >= 0)
        m->dup_keys = true;
}

/* model_touched_positions when a name may stand for several objects: each
 * object whose key t holds, by a scan. */
static void
scan_positions(const model *m, const model_touched *t, int kind, util_vec *out)
{
    /* TOUCH_* kind -> vector (default privileges: no removal marks). */
    static const int vecs[TOUCH_KINDS] = {
        JV_TABLES, JV_POLICIES, JV_FUNCTIONS, JV_ROLES, JV_ACL, JV_VIEWS, JV_OBJECTS, -1
    };
    key_fn key;
    const util_vec *v = touched_vector(m, kind, &key);
    util_buf b;
    elem_key k;
    size_t i, dummy;

    util_buf_init(&b);
    for (i = 0; i < v->len; i++) {
        if (vecs[kind] >= 0 && elem_gone(m, vecs[kind], i))
            continue;
        key(util_vec_at(v, i), &k);
        if (kind == TOUCH_ACL || kind == TOUCH_DEFAULT_ACL)
            k.kind = 0;
        key_bytes(&k, &b);
        if (util_map_get(&t->seen[kind], b.data, b.len, &dummy))
            *(size_t *) util_vec_push(out) = i;
    }
    util_buf_free(&b);
}

/* Object kinds a grant may have (acl.c: grant_objkind, and the relkinds of
 * a live catalog). */
static const char acl_objkinds[] = "rSfndTlFtpvm";

static void
push_pos(util_vec *out, long i)
{
    if (i >= 0)
        *(size_t *) util_vec_push(out) = (size_t) i;
}

static int
size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *) a, y = *(const size_t *) b;

    return x < y ? -1 : x > y;
}

/* The positions in m of the objects of kind whose key is (k, a, b, c),
 * as touch_add recorded it. */
static void
key_positions(model *m, int kind, char k, const char *a, const char *b, const char *c,
              util_vec *out)
{
    model_index *const indexes[TOUCH_KINDS] = {
        &m->table_ix, &m->policy_ix, &m->function_ix, &m->role_ix, &m->acl_ix, &m->view_ix,
        &m->object_ix, NULL
    };
    key_fn key;
    const util_vec *v = touched_vector(m, kind, &key);
    size_t i;
    const char *o;

    if (kind == TOUCH_ACL) {
        /* Recorded without their object kind: each kind a grant may have. */
        for (o = acl_objkinds; *o; o++)
            push_pos(out, index_find3(&m->acl_ix, &m->acl, acl_key, *o, a, b, NULL));
    } else if (kind == TOUCH_DEFAULT_ACL) {
        /* A handful per model: no index of their own. */
        for (i = 0; i < m->default_acl.len; i++) {
            const pgr_acl_item *d = util_vec_at(&m->default_acl, i);

            if (strcmp(d->object, a) == 0 && b && strcmp(d->grantee, b) == 0)
                push_pos(out, (long) i);
        }
    } else {
        push_pos(out, index_find3(indexes[kind], v, key, k, a, b, c));
    }
}

void
model_touched_positions(model *m, const model_touched *t, int kind, util_vec *out)
{
    size_t i, from = out->len, keep;

    if (m->dup_keys) {
        scan_positions(m, t, kind, out);
        return;
    }
    for (i = 0; i < t->keys[kind].len; i++) {
        /* touch_add's copy: the number of names, the kind byte, then each
         * name NUL-terminated. */
        const char *copy = *(char **) util_vec_at(&t->keys[kind], i);
        const char *part[3] = { NULL, NULL, NULL }, *p = copy + 2;
        size_t n;

        for (n = 0; n < (size_t) copy[0] && n < 3; n++) {
            part[n] = p;
            p += strlen(p) + 1;
        }
        key_positions(m, kind, copy[1], part[0], part[1], part[2], out);
    }
    if (out->len - from > 1)
        qsort((size_t *) out->items + from, out->len - from, sizeof(size_t), size_cmp);
    for (i = from, keep = from; i < out->len; i++)
        if (keep == from || *(size_t *) util_vec_at(out, i) != *(size_t *) util_vec_at(out, keep - 1))
            *(size_t *) util_vec_at(out, keep++) = *(size_t *) util_vec_at(out, i);
    out->len = keep;
}
