/*
 * groups.c — the elements an owner has (model.h: model_groups): a table's
 * policies, grants, indexes and constraints, the foreign keys that
 * reference it, an index's dependencies.  DROP TABLE scanned every policy,
 * grant, index and constraint for the table's own, so dropping n tables
 * cost O(n^2) (issue 15).  The lists follow the lazy scheme of the indexes
 * by name (index.c): scans until INDEX_REBUILD_AFTER listings have come
 * without a change of owners, then one pass builds the lists, appends are
 * added on the next listing, and a rename of owners or a compaction makes
 * them build again.
 */
#include "model/model_internal.h"

#include <stdio.h>

bool
policy_owner(const void *e, elem_key *k)
{
    const pgr_policy *p = e;

    key_set(k, 0, p->schema, p->table, NULL);
    return true;
}

bool
acl_owner(const void *e, elem_key *k)
{
    const pgr_acl_item *a = e;

    key_set(k, a->objkind, a->object, NULL, NULL);
    return true;
}

bool
object_owner(const void *e, elem_key *k)
{
    const pgr_object *o = e;

    if (o->kind != 'i' || o->parent == NULL)
        return false;
    key_set(k, 'i', o->parent, NULL, NULL);
    return true;
}

bool
constraint_owner(const void *e, elem_key *k)
{
    const pgr_constraint *c = e;

    key_set(k, 0, c->schema, c->table, NULL);
    return true;
}

bool
reference_owner(const void *e, elem_key *k)
{
    const pgr_constraint *c = e;

    if (c->references == NULL)
        return false;
    key_set(k, 'f', c->references, NULL, NULL);
    return true;
}

bool
dep_owner(const void *e, elem_key *k)
{
    const index_dep *d = e;

    key_set(k, 0, d->schema, d->index, NULL);
    return true;
}

void
groups_init(model_groups *g)
{
    util_map_init(&g->map);
    util_vec_init(&g->lists, sizeof(util_vec));
    g->upto = 0;
    g->built = false;
    g->scans = 0;
}

/* Empty g's lists for a rebuild. */
static void
groups_clear(model_groups *g)
{
    size_t i;

    for (i = 0; i < g->lists.len; i++)
        util_vec_free(util_vec_at(&g->lists, i));
    g->lists.len = 0;
    util_map_clear(&g->map);
    g->upto = 0;
}

void
groups_free(model_groups *g)
{
    groups_clear(g);
    util_vec_free(&g->lists);
    util_map_free(&g->map);
}

void
groups_stale(model_groups *g)
{
    g->built = false;
    g->scans = 0;
}

void
groups_apply(model *m, void (*fn)(model_groups *))
{
    fn(&m->policy_groups);
    fn(&m->acl_groups);
    fn(&m->object_groups);
    fn(&m->constraint_groups);
    fn(&m->reference_groups);
    fn(&m->dep_groups);
}

size_t
groups_of(model *m, int vec, model_groups *out[2])
{
    switch (vec) {
    case JV_POLICIES:
        out[0] = &m->policy_groups;
        return 1;
    case JV_ACL:
        out[0] = &m->acl_groups;
        return 1;
    case JV_OBJECTS:
        out[0] = &m->object_groups;
        return 1;
    case JV_CONSTRAINTS:
        out[0] = &m->constraint_groups;
        out[1] = &m->reference_groups;
        return 2;
    case JV_INDEX_DEPS:
        out[0] = &m->dep_groups;
        return 1;
    default:
        return 0;
    }
}

/* Whether element i of vec is there and owned by want. */
static bool
owned_by(model *m, int vec, owner_fn owner, size_t i, const elem_key *want)
{
    elem_key k;

    return !elem_gone(m, vec, i) && owner(util_vec_at(model_vec(m, vec), i), &k) && key_equal(&k, want);
}

static void
scan_owned(model *m, int vec, owner_fn owner, const elem_key *want, util_vec *out)
{
    size_t i, n = model_vec(m, vec)->len;

    for (i = 0; i < n; i++)
        if (owned_by(m, vec, owner, i, want))
            *(size_t *) util_vec_push(out) = i;
}

/* Add the elements of vec g does not hold yet to its lists. */
static void
catch_up(model *m, int vec, model_groups *g, owner_fn owner)
{
    const util_vec *v = model_vec(m, vec);
    util_buf b;
    elem_key k;
    size_t at;

    util_buf_init(&b);
    for (; g->upto < v->len; g->upto++) {
        if (elem_gone(m, vec, g->upto) || !owner(util_vec_at(v, g->upto), &k))
            continue;
        key_bytes(&k, &b);
        if (!util_map_get(&g->map, b.data, b.len, &at)) {
            at = g->lists.len;
            util_vec_init(util_vec_push(&g->lists), sizeof(size_t));
            util_map_add(&g->map, b.data, b.len, at);
        }
        *(size_t *) util_vec_push(util_vec_at(&g->lists, at)) = g->upto;
    }
    util_buf_free(&b);
}

/* The listing through g's lists (built, up to the vector). */
static void
list_owned(model *m, int vec, model_groups *g, owner_fn owner, const elem_key *want, util_vec *out)
{
    util_buf b;
    size_t at, i;
    const util_vec *list;

    util_buf_init(&b);
    key_bytes(want, &b);
    if (util_map_get(&g->map, b.data, b.len, &at)) {
        list = util_vec_at(&g->lists, at);
        for (i = 0; i < list->len; i++) {
            size_t p = *(const size_t *) util_vec_at(list, i);

            if (p < model_vec(m, vec)->len && owned_by(m, vec, owner, p, want))
                *(size_t *) util_vec_push(out) = p;
        }
    }
    util_buf_free(&b);
}

/* PGRAMPART_INDEX_CHECK (tests): each listing is compared with a scan. */
static void
check_listing(model *m, int vec, owner_fn owner, const elem_key *want, const util_vec *out, size_t from)
{
    util_vec scan;
    bool same;

    if (getenv("PGRAMPART_INDEX_CHECK") == NULL)
        return;
    util_vec_init(&scan, sizeof(size_t));
    scan_owned(m, vec, owner, want, &scan);
    same = scan.len == out->len - from &&
        (scan.len == 0 || memcmp(scan.items, (const size_t *) out->items + from, scan.len * sizeof(size_t)) == 0);
    util_vec_free(&scan);
    if (!same) {
        fprintf(stderr, "pgrampart: PGRAMPART_INDEX_CHECK: an owner's list differs from a scan\n");
        abort();
    }
}

void
owned_positions(model *m, int vec, model_groups *g, owner_fn owner, char kind, const char *a,
                const char *b, util_vec *out)
{
    elem_key want;
    size_t from = out->len;

    key_set(&want, kind, a, b, NULL);
    if (m->journal != NULL || (!g->built && g->scans < INDEX_REBUILD_AFTER)) {
        if (m->journal == NULL)
            g->scans++;
        scan_owned(m, vec, owner, &want, out);
        return;
    }
    if (!g->built || g->upto > model_vec(m, vec)->len) {
        groups_clear(g);
        g->built = true;
    }
    catch_up(m, vec, g, owner);
    list_owned(m, vec, g, owner, &want, out);
    check_listing(m, vec, owner, &want, out, from);
}
