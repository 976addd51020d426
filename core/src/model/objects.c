/*
 * objects.c — the objects the model only names: extensions, indexes (with
 * the table they are on, dropped and renamed with it) and types; CREATE
 * EXTENSION / TYPE and model_put_object.
 */
#include "model/model_internal.h"

/* --- extensions, indexes, types ------------------------------------------ */

void
free_object(pgr_object *o)
{
    free((char *) o->schema);
    free((char *) o->name);
    free((char *) o->parent);
    strs_free(o->columns, o->n_columns);
    free_loc(&o->location);
}

long
object_index(const model *m, char kind, const char *schema, const char *name)
{
    touch_key(m, TOUCH_OBJECT, kind, kind == 'e' ? "" : schema, name, NULL);
    return index_find3((model_index *) &m->object_ix, &m->objects, object_key, kind,
                       kind == 'e' ? "" : schema, name, NULL);
}

pgr_object *
add_object(model *m, char kind, const char *schema, const char *name, const char *parent,
           const pgr_location *loc)
{
    pgr_object *o;

    if (name == NULL || object_index(m, kind, schema, name) >= 0)
        return NULL;
    o = util_vec_push(&m->objects);
    journal_push(m, JV_OBJECTS);
    o->kind = kind;
    o->schema = util_xstrdup(schema);
    o->name = util_xstrdup(name);
    o->parent = dup_or_null(parent);
    o->location = copy_loc(loc);
    return o;
}

/* --- what an index's expressions read ----------------------------------- */

typedef struct dep_walk {
    model *m;
    const char *schema;
    const char *index;
} dep_walk;

static int
add_dep(const pgr_node *node, void *arg)
{
    const ProtobufCMessage *msg = (const ProtobufCMessage *) node;
    const PgQuery__ColumnRef *ref;
    dep_walk *w = arg;
    index_dep *d;

    if (msg->descriptor != &pg_query__column_ref__descriptor)
        return 0;
    ref = (const PgQuery__ColumnRef *) msg;
    if (ref->n_fields == 0 || ref->fields[ref->n_fields - 1]->node_case != PG_QUERY__NODE__NODE_STRING)
        return 0;
    d = util_vec_push(&w->m->index_deps);
    journal_push(w->m, JV_INDEX_DEPS);
    d->schema = util_xstrdup(w->schema);
    d->index = util_xstrdup(w->index);
    d->column = util_xstrdup(ref->fields[ref->n_fields - 1]->string->sval);
    return 0;
}

void
index_add_deps(model *m, const char *schema, const char *index, const PgQuery__IndexStmt *s)
{
    dep_walk w = { m, schema, index };
    size_t k;

    for (k = 0; k < s->n_index_params; k++) {
        const PgQuery__Node *p = s->index_params[k];

        if (p->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && p->index_elem->expr)
            sql_node_walk(sql_node_wrap(p->index_elem->expr), add_dep, &w);
    }
    if (s->where_clause)
        sql_node_walk(sql_node_wrap(s->where_clause), add_dep, &w);
}

static void
free_dep(index_dep *d)
{
    free(d->schema);
    free(d->index);
    free(d->column);
}

/* Forget what index schema.index read (it was dropped). */
static void
remove_deps_of(model *m, const char *schema, const char *index)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_INDEX_DEPS, &m->dep_groups, dep_owner, 0, schema, index, &pos);
    for (k = 0; k < pos.len; k++)
        elem_bury(m, JV_INDEX_DEPS, *(size_t *) util_vec_at(&pos, k));
    util_vec_free(&pos);
}

/* Append to out the positions of what index schema.index reads. */
static void
deps_of(model *m, const char *schema, const char *index, util_vec *out)
{
    owned_positions(m, JV_INDEX_DEPS, &m->dep_groups, dep_owner, 0, schema, index, out);
}

static bool
index_reads(model *m, const pgr_object *o, const char *column)
{
    util_vec pos;
    size_t k;
    bool reads = false;

    util_vec_init(&pos, sizeof(size_t));
    deps_of(m, o->schema, o->name, &pos);
    for (k = 0; k < pos.len && !reads; k++)
        reads = !strcmp(((const index_dep *) util_vec_at(&m->index_deps, *(size_t *) util_vec_at(&pos, k)))->column,
                        column);
    util_vec_free(&pos);
    return reads;
}

void
index_deps_rename_index(model *m, const char *schema, const char *from, const char *to)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    deps_of(m, schema, from, &pos);
    for (k = 0; k < pos.len; k++) {
        index_dep *d = util_vec_at(&m->index_deps, *(size_t *) util_vec_at(&pos, k));

        free(d->index);
        d->index = util_xstrdup(to);
    }
    groups_move(&m->dep_groups, 0, schema, from, schema, to);
    util_vec_free(&pos);
}

/* A column of table "schema.name" was renamed: what the table's indexes
 * read follows (through the table's indexes and their dependencies, not a
 * walk of every dependency). */
void
index_deps_rename_column(model *m, const char *qualified, const char *from, const char *to)
{
    util_vec ixs, pos;
    size_t j, k;

    util_vec_init(&ixs, sizeof(size_t));
    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_OBJECTS, &m->object_groups, object_owner, 'i', qualified, NULL, &ixs);
    for (j = 0; j < ixs.len; j++) {
        const pgr_object *ix = util_vec_at(&m->objects, *(size_t *) util_vec_at(&ixs, j));

        pos.len = 0;
        deps_of(m, ix->schema, ix->name, &pos);
        for (k = 0; k < pos.len; k++) {
            index_dep *d = util_vec_at(&m->index_deps, *(size_t *) util_vec_at(&pos, k));

            if (strcmp(d->column, from) == 0) {
                free(d->column);
                d->column = util_xstrdup(to);
            }
        }
    }
    util_vec_free(&pos);
    util_vec_free(&ixs);
}

void
index_deps_clone(const model *src, model *dst)
{
    size_t i;

    for (i = 0; i < src->index_deps.len; i++) {
        const index_dep *s = util_vec_at(&src->index_deps, i);
        index_dep *d;

        if (elem_gone(src, JV_INDEX_DEPS, i))
            continue;
        d = util_vec_push(&dst->index_deps);
        d->schema = util_xstrdup(s->schema);
        d->index = util_xstrdup(s->index);
        d->column = util_xstrdup(s->column);
    }
}

index_dep
index_dep_clone(const index_dep *s)
{
    index_dep d;

    d.schema = util_xstrdup(s->schema);
    d.index = util_xstrdup(s->index);
    d.column = util_xstrdup(s->column);
    return d;
}

void
index_dep_free(index_dep *d)
{
    free_dep(d);
}

void
index_deps_free(model *m)
{
    size_t i;

    for (i = 0; i < m->index_deps.len; i++)
        if (!elem_gone(m, JV_INDEX_DEPS, i))
            free_dep(util_vec_at(&m->index_deps, i));
    util_vec_free(&m->index_deps);
}

/* Dropping a column drops the indexes that use it, as a key or in an
 * expression or predicate. */
void
drop_indexes_on_column(model *m, const char *qualified, const char *column)
{
    util_vec pos;
    size_t i, k, j;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_OBJECTS, &m->object_groups, object_owner, 'i', qualified, NULL, &pos);
    for (j = pos.len; j-- > 0;) {
        const pgr_object *o;
        bool uses = false;

        i = *(size_t *) util_vec_at(&pos, j);
        o = util_vec_at(&m->objects, i);
        for (k = 0; k < o->n_columns && !uses; k++)
            uses = strcmp(o->columns[k], column) == 0;
        if (uses || index_reads(m, o, column))
            remove_object_at(m, i);
    }
    util_vec_free(&pos);
}

void
remove_object_at(model *m, size_t i)
{
    pgr_object *o = util_vec_at(&m->objects, i);

    if (o->kind == 'i' && m->index_deps.len > 0)
        remove_deps_of(m, o->schema, o->name);
    touch_elem(m, TOUCH_OBJECT, o);
    index_removed(&m->object_ix, m->dup_keys, object_key, i, o);
    elem_bury(m, JV_OBJECTS, i);
}

void
drop_object(model *m, char kind, const char *schema, const char *name)
{
    long i = object_index(m, kind, schema, name);

    if (i >= 0)
        remove_object_at(m, (size_t) i);
}

/* Indexes go with their table. */
void
drop_indexes_of(model *m, const char *qualified)
{
    util_vec pos;
    size_t j;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_OBJECTS, &m->object_groups, object_owner, 'i', qualified, NULL, &pos);
    for (j = pos.len; j-- > 0;)
        remove_object_at(m, *(size_t *) util_vec_at(&pos, j));
    util_vec_free(&pos);
}

void
reparent_indexes(model *m, const char *from, const char *to)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_OBJECTS, &m->object_groups, object_owner, 'i', from, NULL, &pos);
    for (k = 0; k < pos.len; k++) {
        size_t i = *(size_t *) util_vec_at(&pos, k);
        pgr_object *o;

        journal_change(m, JV_OBJECTS, i);
        o = util_vec_at(&m->objects, i);
        touch_elem(m, TOUCH_OBJECT, o);
        free((char *) o->parent);
        o->parent = util_xstrdup(to);
    }
    groups_move(&m->object_groups, 'i', from, NULL, to, NULL);
    util_vec_free(&pos);
}

void
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

void
create_type(model *m, PgQuery__Node **names, size_t n, const pgr_location *loc)
{
    const char *schema, *name;

    qualified_func(m, names, n, &schema, &name);
    add_object(m, 'T', schema, name, NULL, loc);
}

void
model_put_object(model *m, char kind, const char *schema, const char *name,
                 const pgr_location *loc)
{
    add_object(m, kind, schema, name, NULL, loc);
}

void
model_put_index(model *m, const char *schema, const char *name, const char *parent,
                const char *const *columns, size_t n_columns, const pgr_location *loc)
{
    pgr_object *o = add_object(m, 'i', schema, name, parent, loc);
    size_t i;

    for (i = 0; o && i < n_columns; i++)
        strs_add(&o->columns, &o->n_columns, columns[i]);
}
