/*
 * views.c — views and materialized views: CREATE VIEW with its options
 * (security_barrier, security_invoker), the relations a view reads, dropping
 * views that depend on a dropped relation, following renames, and the
 * model_put_view/_view_relation builders of the live reader.
 */
#include "model/model_internal.h"

/* --- views ---------------------------------------------------------------- */

void
free_view(pgr_view *v)
{
    free((char *) v->schema);
    free((char *) v->name);
    strs_free(v->relations, v->n_relations);
    free_loc(&v->location);
}

long
view_index(const model *m, const char *schema, const char *name)
{
    touch_key(m, TOUCH_VIEW, 0, schema, name, NULL);
    return index_find3((model_index *) &m->view_ix, &m->views, view_key, 0, schema, name, NULL);
}

void
drop_view_at(model *m, size_t i)
{
    pgr_view *v = util_vec_at(&m->views, i);
    char *q = util_xasprintf("%s.%s", v->schema, v->name);

    touch_elem(m, TOUCH_VIEW, v);
    remove_acl_of(m, v->relkind, q);
    drop_indexes_of(m, q);
    free(q);
    v = util_vec_at(&m->views, i);
    index_removed(&m->view_ix, m->dup_keys, view_key, i, v);
    elem_bury(m, JV_VIEWS, i);
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

void
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

void
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
        journal_change(m, JV_VIEWS, (size_t) i);
        v = util_vec_at(&m->views, (size_t) i);
        strs_free(v->relations, v->n_relations);
        v->relations = NULL;
        v->n_relations = 0;
        free_loc(&v->location);
    } else {
        v = util_vec_push(&m->views);
        journal_push(m, JV_VIEWS);
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
    /* A replaced view reads other relations now: their lists gain it. */
    if (i >= 0)
        for (size_t k = 0; k < v->n_relations; k++)
            groups_add(&m->view_groups, (size_t) i, 'v', v->relations[k], NULL);
}

/* Into pos, the views that read relation "schema.name" (through the
 * lists by relation, groups.c). */
static void
views_reading(model *m, const char *qualified, util_vec *pos)
{
    owned_positions(m, JV_VIEWS, &m->view_groups, view_owner, 'v', qualified, NULL, pos);
}

/* Views that read relation "schema.name" go with it under DROP ... CASCADE,
 * and so do the views that read those, recursively. */
void
drop_dependent_views(model *m, const char *qualified)
{
    util_vec pos;
    size_t j;

    util_vec_init(&pos, sizeof(size_t));
    views_reading(m, qualified, &pos);
    for (j = pos.len; j-- > 0;) {
        size_t i = *(size_t *) util_vec_at(&pos, j);
        const pgr_view *v = util_vec_at(&m->views, i);
        char *name;

        /* The recursion may have removed it already (a view reading two
         * of the dropped ones). */
        if (elem_gone(m, JV_VIEWS, i))
            continue;
        name = util_xasprintf("%s.%s", v->schema, v->name);
        drop_view_at(m, i);
        drop_dependent_views(m, name);
        free(name);
    }
    util_vec_free(&pos);
}

void
rename_in_views(model *m, const char *from, const char *to)
{
    util_vec pos;
    size_t j, k;

    util_vec_init(&pos, sizeof(size_t));
    views_reading(m, from, &pos);
    for (j = 0; j < pos.len; j++) {
        size_t i = *(size_t *) util_vec_at(&pos, j);
        pgr_view *v = util_vec_at(&m->views, i);

        journal_change(m, JV_VIEWS, i);
        touch_elem(m, TOUCH_VIEW, v);
        for (k = 0; k < v->n_relations; k++) {
            if (strcmp(v->relations[k], from) == 0) {
                free((char *) v->relations[k]);
                ((const char **) v->relations)[k] = util_xstrdup(to);
            }
        }
    }
    groups_move(&m->view_groups, 'v', from, NULL, to, NULL);
    util_vec_free(&pos);
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

        if (!elem_gone(m, JV_VIEWS, i) && v->oid == oid)
            strs_add(&v->relations, &v->n_relations, qualified);
    }
}
