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
    o->kind = kind;
    o->schema = util_xstrdup(schema);
    o->name = util_xstrdup(name);
    o->parent = dup_or_null(parent);
    o->location = copy_loc(loc);
    return o;
}

/* Dropping a column drops the indexes that use it. */
void
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

void
remove_object_at(model *m, size_t i)
{
    pgr_object *o = util_vec_at(&m->objects, i);

    touch_elem(m, TOUCH_OBJECT, o);
    free_object(o);
    memmove(o, o + 1, (m->objects.len - i - 1) * sizeof(pgr_object));
    m->objects.len--;
    /* After the change (here and in the other removers): a lookup made
     * before it would rebuild the index from the old state. */
    index_stale(&m->object_ix);
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
    size_t i = m->objects.len;

    while (i-- > 0) {
        const pgr_object *o = util_vec_at(&m->objects, i);

        if (o->kind == 'i' && o->parent && strcmp(o->parent, qualified) == 0)
            remove_object_at(m, i);
    }
}

void
reparent_indexes(model *m, const char *from, const char *to)
{
    size_t i;

    for (i = 0; i < m->objects.len; i++) {
        pgr_object *o = util_vec_at(&m->objects, i);

        if (o->kind == 'i' && o->parent && strcmp(o->parent, from) == 0) {
            touch_elem(m, TOUCH_OBJECT, o);
            free((char *) o->parent);
            o->parent = util_xstrdup(to);
        }
    }
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
