/*
 * gone.c — removing elements from the model's vectors without moving the
 * ones after them (model.gone).  Closing the gap at each removal cost the
 * length of the vector, so a file that creates n tables and drops them
 * took O(n^2) (issue 15).  A removed element's slot is marked instead:
 * positions stay put, so the indexes by name forget one key and the
 * journal records a position that stays true until its undo.  Loops over
 * a vector skip the marked slots; a vector is compacted when half of it is
 * gone (amortised O(1) per removal), and whole before model_view hands it
 * to plugins.
 */
#include "model/model_internal.h"

util_vec *
model_vec(model *m, int vec)
{
    util_vec *all[JV_COUNT] = {
        &m->tables, &m->acl, &m->roles, &m->policies, &m->functions, &m->views, &m->objects,
        &m->constraints, &m->column_info, &m->index_deps
    };

    return all[vec];
}

void
elem_free(int vec, void *e)
{
    switch (vec) {
    case JV_TABLES:
        free_table(e);
        break;
    case JV_ACL:
        free_acl_item(e);
        break;
    case JV_ROLES:
        free_role(e);
        break;
    case JV_POLICIES:
        free_policy(e);
        break;
    case JV_FUNCTIONS:
        free_function(e);
        break;
    case JV_VIEWS:
        free_view(e);
        break;
    case JV_OBJECTS:
        free_object(e);
        break;
    case JV_CONSTRAINTS:
        constraint_free(e);
        break;
    case JV_COLUMN_INFO:
        column_info_free(e);
        break;
    case JV_INDEX_DEPS:
        index_dep_free(e);
        break;
    }
}

/* Set the mark of position i of vec to on (the marks grow to i + 1,
 * zero-filled: elements appended since the last mark are not gone). */
static void
mark(model *m, int vec, size_t i, unsigned char on)
{
    util_vec *g = &m->gone[vec];

    while (g->len <= i)
        *(unsigned char *) util_vec_push(g) = 0;
    ((unsigned char *) g->items)[i] = on;
}

void
elem_bury(model *m, int vec, size_t i)
{
    void *e = util_vec_at(model_vec(m, vec), i);

    if (!journal_take(m, vec, i, e))
        elem_free(vec, e);
    mark(m, vec, i, 1);
    m->n_gone[vec]++;
}

void
elem_unbury(model *m, int vec, size_t i)
{
    mark(m, vec, i, 0);
    m->n_gone[vec]--;
}

/* The indexes of m that map keys to positions of vec (up to three). */
static size_t
indexes_of(model *m, int vec, model_index *out[3])
{
    switch (vec) {
    case JV_TABLES:
        out[0] = &m->table_ix;
        out[1] = &m->oid_ix;
        return 2;
    case JV_ACL:
        out[0] = &m->acl_ix;
        return 1;
    case JV_ROLES:
        out[0] = &m->role_ix;
        return 1;
    case JV_POLICIES:
        out[0] = &m->policy_ix;
        return 1;
    case JV_FUNCTIONS:
        out[0] = &m->function_ix;
        return 1;
    case JV_VIEWS:
        out[0] = &m->view_ix;
        return 1;
    case JV_OBJECTS:
        out[0] = &m->object_ix;
        return 1;
    case JV_CONSTRAINTS:
        out[0] = &m->constraint_ix;
        return 1;
    default:
        return 0;
    }
}

void
indexes_bind(model *m)
{
    model_index *ix[3];
    int vec;
    size_t k, n;

    for (vec = 0; vec < JV_COUNT; vec++) {
        n = indexes_of(m, vec, ix);
        for (k = 0; k < n; k++)
            ix[k]->gone = &m->gone[vec];
    }
}

void
compact_vec(model *m, int vec)
{
    util_vec *v = model_vec(m, vec);
    size_t i, keep = 0, n;
    model_index *ix[3];
    model_groups *groups[3];

    /* The journal's records name positions: they must stay until its undo. */
    if (m->n_gone[vec] == 0 || m->journal != NULL)
        return;
    for (i = 0; i < v->len; i++) {
        if (gone_at(&m->gone[vec], i))
            continue;
        if (keep != i)
            memcpy(util_vec_at(v, keep), util_vec_at(v, i), v->elem_size);
        keep++;
    }
    v->len = keep;
    m->gone[vec].len = 0;
    m->n_gone[vec] = 0;
    n = indexes_of(m, vec, ix);
    for (i = 0; i < n; i++)
        index_stale(ix[i]);
    n = groups_of(m, vec, groups);
    for (i = 0; i < n; i++)
        groups_stale(groups[i]);
}

void
compact_some(model *m)
{
    int vec;

    for (vec = 0; vec < JV_COUNT; vec++)
        if (m->n_gone[vec] > 0 && m->n_gone[vec] * 2 >= model_vec(m, vec)->len)
            compact_vec(m, vec);
}

void
model_compact(model *m)
{
    int vec;

    for (vec = 0; vec < JV_COUNT; vec++)
        compact_vec(m, vec);
}

void
model_rebind(model *m)
{
    indexes_bind(m);
}
