/*
 * groups.c — the elements an owner has (model.h: model_groups): a table's
 * policies, grants, indexes and constraints, the foreign keys that
 * reference it, an index's dependencies, the constraints of a name.
 * DROP TABLE scanned every policy, grant, index and constraint for the
 * table's own, and a table rename did the same to rename them, so
 * dropping or renaming n tables cost O(n^2) (issue 15).  The lists follow
 * the lazy scheme of the indexes by name (index.c): scans until
 * INDEX_REBUILD_AFTER listings have come without a change, then one pass
 * builds the lists, and appends are added on the next listing.  A rename
 * moves an owner's list (groups_move) or adds one element to its new
 * owner's (groups_add); a compaction makes them build again.  A listing
 * checks each position's element against the owner, so a list may hold
 * positions that left it: the listing drops them.
 */
#include "model/model_internal.h"

#include <stdio.h>

bool
view_owner(const void *e, size_t n, elem_key *k)
{
    const pgr_view *v = e;

    if (n >= v->n_relations)
        return false;
    key_set(k, 'v', v->relations[n], NULL, NULL);
    return true;
}

bool
column_type_owner(const void *e, size_t n, elem_key *k)
{
    const column_info *c = e;

    if (n > 0 || c->type == NULL)
        return false;
    key_set(k, 't', c->type, NULL, NULL);
    return true;
}

bool
table_schema_owner(const void *e, size_t n, elem_key *k)
{
    if (n > 0)
        return false;
    key_set(k, 's', ((const pgr_table *) e)->schema, NULL, NULL);
    return true;
}

bool
view_schema_owner(const void *e, size_t n, elem_key *k)
{
    if (n > 0)
        return false;
    key_set(k, 's', ((const pgr_view *) e)->schema, NULL, NULL);
    return true;
}

bool
object_schema_owner(const void *e, size_t n, elem_key *k)
{
    if (n > 0)
        return false;
    key_set(k, 's', ((const pgr_object *) e)->schema, NULL, NULL);
    return true;
}

bool
function_schema_owner(const void *e, size_t n, elem_key *k)
{
    if (n > 0)
        return false;
    key_set(k, 's', ((const model_function *) e)->fn.schema, NULL, NULL);
    return true;
}

bool
policy_owner(const void *e, size_t n, elem_key *k)
{
    const pgr_policy *p = e;

    if (n > 0)
        return false;

    key_set(k, 0, p->schema, p->table, NULL);
    return true;
}

bool
acl_owner(const void *e, size_t n, elem_key *k)
{
    const pgr_acl_item *a = e;

    if (n > 0)
        return false;

    key_set(k, a->objkind, a->object, NULL, NULL);
    return true;
}

bool
object_owner(const void *e, size_t n, elem_key *k)
{
    const pgr_object *o = e;

    if (n > 0)
        return false;

    if (o->kind != 'i' || o->parent == NULL)
        return false;
    key_set(k, 'i', o->parent, NULL, NULL);
    return true;
}

bool
constraint_owner(const void *e, size_t n, elem_key *k)
{
    const pgr_constraint *c = e;

    if (n > 0)
        return false;

    key_set(k, 0, c->schema, c->table, NULL);
    return true;
}

bool
reference_owner(const void *e, size_t n, elem_key *k)
{
    const pgr_constraint *c = e;

    if (n > 0)
        return false;

    if (c->references == NULL)
        return false;
    key_set(k, 'f', c->references, NULL, NULL);
    return true;
}

bool
constraint_name_owner(const void *e, size_t n, elem_key *k)
{
    const pgr_constraint *c = e;

    if (n > 0)
        return false;

    key_set(k, 0, c->schema, c->name, NULL);
    return true;
}

bool
dep_owner(const void *e, size_t n, elem_key *k)
{
    const index_dep *d = e;

    if (n > 0)
        return false;

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
    g->frozen = false;
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
    /* Under a journal the owners change back at its undo: the lists, which
     * nothing changes meanwhile, are true again then. */
    if (g->frozen)
        return;
    g->built = false;
    g->scans = 0;
}

void
groups_freeze(model_groups *g)
{
    g->frozen = true;
}

void
groups_thaw(model_groups *g)
{
    g->frozen = false;
}

/* The list of owner key k in g (built), created when create; NULL when
 * there is none. */
static util_vec *
list_of(model_groups *g, const elem_key *k, bool create)
{
    util_buf b;
    size_t at;
    util_vec *list = NULL;

    util_buf_init(&b);
    key_bytes(k, &b);
    if (util_map_get(&g->map, b.data, b.len, &at)) {
        list = util_vec_at(&g->lists, at);
    } else if (create) {
        at = g->lists.len;
        list = util_vec_push(&g->lists);
        util_vec_init(list, sizeof(size_t));
        util_map_add(&g->map, b.data, b.len, at);
    }
    util_buf_free(&b);
    return list;
}

void
groups_move(model_groups *g, char kind, const char *from_a, const char *from_b, const char *to_a,
            const char *to_b)
{
    elem_key from, to;
    util_vec *src, *dst;
    size_t i;

    if (g->frozen || !g->built)
        return;
    key_set(&from, kind, from_a, from_b, NULL);
    key_set(&to, kind, to_a, to_b, NULL);
    src = list_of(g, &from, false);
    if (src == NULL || src->len == 0)
        return;
    /* Positions of src may still own from (an element not renamed): the
     * listing checks each position's owner, so a copy in both is safe. */
    dst = list_of(g, &to, true);
    src = list_of(g, &from, false);
    for (i = 0; i < src->len; i++)
        *(size_t *) util_vec_push(dst) = *(size_t *) util_vec_at(src, i);
}

void
groups_add(model_groups *g, size_t pos, char kind, const char *a, const char *b)
{
    elem_key k;

    if (g->frozen || !g->built || pos >= g->upto)
        return;
    key_set(&k, kind, a, b, NULL);
    *(size_t *) util_vec_push(list_of(g, &k, true)) = pos;
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
    fn(&m->constraint_names);
    fn(&m->view_groups);
    fn(&m->type_groups);
    fn(&m->tables_by_schema);
    fn(&m->views_by_schema);
    fn(&m->objects_by_schema);
    fn(&m->functions_by_schema);
}

size_t
groups_of(model *m, int vec, model_groups *out[3])
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
        out[1] = &m->objects_by_schema;
        return 2;
    case JV_TABLES:
        out[0] = &m->tables_by_schema;
        return 1;
    case JV_FUNCTIONS:
        out[0] = &m->functions_by_schema;
        return 1;
    case JV_CONSTRAINTS:
        out[0] = &m->constraint_groups;
        out[1] = &m->reference_groups;
        out[2] = &m->constraint_names;
        return 3;
    case JV_INDEX_DEPS:
        out[0] = &m->dep_groups;
        return 1;
    case JV_VIEWS:
        out[0] = &m->view_groups;
        out[1] = &m->views_by_schema;
        return 2;
    case JV_COLUMN_INFO:
        out[0] = &m->type_groups;
        return 1;
    default:
        return 0;
    }
}

static int
position_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *) a, y = *(const size_t *) b;

    return x < y ? -1 : x > y;
}

/* Whether element i of vec is there and owned by want. */
static bool
owned_by(model *m, int vec, owner_fn owner, size_t i, const elem_key *want)
{
    const void *e;
    elem_key k;
    size_t n;

    if (elem_gone(m, vec, i))
        return false;
    e = util_vec_at(model_vec(m, vec), i);
    for (n = 0; owner(e, n, &k); n++)
        if (key_equal(&k, want))
            return true;
    return false;
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
    size_t at, n;

    util_buf_init(&b);
    for (; g->upto < v->len; g->upto++) {
        if (elem_gone(m, vec, g->upto))
            continue;
        for (n = 0; owner(util_vec_at(v, g->upto), n, &k); n++) {
            key_bytes(&k, &b);
            if (!util_map_get(&g->map, b.data, b.len, &at)) {
                at = g->lists.len;
                util_vec_init(util_vec_push(&g->lists), sizeof(size_t));
                util_map_add(&g->map, b.data, b.len, at);
            }
            *(size_t *) util_vec_push(util_vec_at(&g->lists, at)) = g->upto;
        }
    }
    util_buf_free(&b);
}

/* Sort positions [from, len) of out and drop the repeats. */
static void
sort_unique(util_vec *out, size_t from)
{
    size_t i, keep;

    if (out->len - from > 1)
        qsort((size_t *) out->items + from, out->len - from, sizeof(size_t), position_cmp);
    for (i = keep = from; i < out->len; i++)
        if (keep == from || *(size_t *) util_vec_at(out, i) != *(size_t *) util_vec_at(out, keep - 1))
            *(size_t *) util_vec_at(out, keep++) = *(size_t *) util_vec_at(out, i);
    out->len = keep;
}

/* The positions of want's list that still hold an element it owns, into
 * out; NULL when want has no list. */
static util_vec *
list_owned(model *m, int vec, model_groups *g, owner_fn owner, const elem_key *want, util_vec *out)
{
    util_buf b;
    size_t at, i;
    util_vec *list;
    bool found;

    util_buf_init(&b);
    key_bytes(want, &b);
    found = util_map_get(&g->map, b.data, b.len, &at);
    util_buf_free(&b);
    if (!found)
        return NULL;
    list = util_vec_at(&g->lists, at);
    for (i = 0; i < list->len; i++) {
        size_t p = *(const size_t *) util_vec_at(list, i);

        if (p < model_vec(m, vec)->len && owned_by(m, vec, owner, p, want))
            *(size_t *) util_vec_push(out) = p;
    }
    return list;
}

/*
 * The listing while a journal runs (g frozen and built, caught up when it
 * began): the lists stay as they were, so add what the journal appended
 * or changed (a renamed owner), as index.c's frozen_find does.  O(list +
 * records), not O(n): a down that drops a table must not walk the model.
 */
static void
frozen_owned(model *m, int vec, model_groups *g, owner_fn owner, const elem_key *want, util_vec *out)
{
    const model_journal *j = m->journal;
    size_t i, p, n = model_vec(m, vec)->len;

    list_owned(m, vec, g, owner, want, out);
    for (p = g->upto; p < n; p++)
        if (owned_by(m, vec, owner, p, want))
            *(size_t *) util_vec_push(out) = p;
    for (i = 0; j && i < journal_length(j); i++)
        if (journal_placed(j, i, vec, &p) && p < n && owned_by(m, vec, owner, p, want))
            *(size_t *) util_vec_push(out) = p;
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
    size_t from = out->len, i;
    util_vec *list;

    key_set(&want, kind, a, b, NULL);
    if (g->frozen && g->built && g->upto <= model_vec(m, vec)->len) {
        frozen_owned(m, vec, g, owner, &want, out);
        sort_unique(out, from);
        check_listing(m, vec, owner, &want, out, from);
        return;
    }
    if (g->frozen || (!g->built && g->scans < INDEX_REBUILD_AFTER)) {
        if (!g->frozen)
            g->scans++;
        scan_owned(m, vec, owner, &want, out);
        return;
    }
    if (!g->built || g->upto > model_vec(m, vec)->len) {
        groups_clear(g);
        g->built = true;
    }
    catch_up(m, vec, g, owner);
    list = list_owned(m, vec, g, owner, &want, out);
    /* Moves (groups_move, groups_add) append: sort, drop the repeats. */
    sort_unique(out, from);
    check_listing(m, vec, owner, &want, out, from);
    /* The list becomes what was found: removed and departed elements
     * leave it, so that it never outgrows what the owner has by more than
     * what came since the last listing. */
    if (list == NULL)
        return;
    list->len = 0;
    for (i = from; i < out->len; i++)
        *(size_t *) util_vec_push(list) = *(size_t *) util_vec_at(out, i);
}

void
groups_catch_up(model *m)
{
    static const struct {
        int vec;
        owner_fn owner;
    } of[] = {
        { JV_POLICIES, policy_owner }, { JV_ACL, acl_owner }, { JV_OBJECTS, object_owner },
        { JV_CONSTRAINTS, constraint_owner }, { JV_CONSTRAINTS, reference_owner },
        { JV_INDEX_DEPS, dep_owner }, { JV_CONSTRAINTS, constraint_name_owner }, { JV_VIEWS, view_owner },
        { JV_COLUMN_INFO, column_type_owner }, { JV_TABLES, table_schema_owner },
        { JV_VIEWS, view_schema_owner }, { JV_OBJECTS, object_schema_owner },
        { JV_FUNCTIONS, function_schema_owner }
    };
    model_groups *gs[] = {
        &m->policy_groups, &m->acl_groups, &m->object_groups, &m->constraint_groups,
        &m->reference_groups, &m->dep_groups, &m->constraint_names, &m->view_groups, &m->type_groups,
        &m->tables_by_schema, &m->views_by_schema, &m->objects_by_schema, &m->functions_by_schema
    };
    size_t k;

    for (k = 0; k < sizeof gs / sizeof gs[0]; k++) {
        if (!gs[k]->built || gs[k]->upto > model_vec(m, of[k].vec)->len)
            continue;
        catch_up(m, of[k].vec, gs[k], of[k].owner);
    }
}

void
schema_positions(model *m, int vec, const char *schema, util_vec *out)
{
    switch (vec) {
    case JV_TABLES:
        owned_positions(m, vec, &m->tables_by_schema, table_schema_owner, 's', schema, NULL, out);
        break;
    case JV_VIEWS:
        owned_positions(m, vec, &m->views_by_schema, view_schema_owner, 's', schema, NULL, out);
        break;
    case JV_OBJECTS:
        owned_positions(m, vec, &m->objects_by_schema, object_schema_owner, 's', schema, NULL, out);
        break;
    case JV_FUNCTIONS:
        owned_positions(m, vec, &m->functions_by_schema, function_schema_owner, 's', schema, NULL, out);
        break;
    }
}
