/*
 * drift_schema.c — the drift plugin on the shape of tables: columns (by
 * name and format_type() text), indexes (by name, table and key columns)
 * and constraints (by table and name; an unnamed one carries the name
 * PostgreSQL generated, which the model computes the same way).  See
 * drift.c for the plugin and its rules; drift.h for what they share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "drift.h"

long
column_at(const pgr_table *t, const char *name)
{
    size_t k;

    for (k = 0; k < t->n_columns; k++)
        if (strcmp(t->columns[k], name) == 0)
            return (long) k;
    return -1;
}

/* The type of column k of tables[i], or NULL (unknown, or an older host). */
static const char *
column_type(const pgr_model *m, const pgr_table *t, size_t k)
{
    size_t i = (size_t) (t - m->tables);

    return m->column_types && m->column_types[i] ? m->column_types[i][k] : NULL;
}

const pgr_location *
column_location(const pgr_model *m, const pgr_table *t, size_t k)
{
    size_t i = (size_t) (t - m->tables);

    const pgr_location *l = m->column_locations && m->column_locations[i] ? &m->column_locations[i][k] : NULL;

    return l && (l->line || l->object) ? l : &t->location;
}

/* A type name without its schema ("public.mood[]" -> "mood[]"): a type the
 * migrations name unqualified may live in another schema on the search_path
 * (extensions installed in their own schema). */
static const char *
unqualified_type(const char *s)
{
    const char *dot = strchr(s, '.'), *paren = strchr(s, '(');

    return dot && (paren == NULL || dot < paren) ? dot + 1 : s;
}

void
compare_columns(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p)
{
    size_t i, k;

    for (i = 0; i < want->n_tables; i++) {
        const pgr_table *w = &want->tables[i], *l = table_of(live, w->schema, w->name);

        if (l == NULL)
            continue;   /* reported as a table */
        for (k = 0; k < w->n_columns; k++) {
            long lk = column_at(l, w->columns[k]);
            const char *wt = column_type(want, w, k), *lt;

            if (lk < 0) {
                if (!is_pending(p, column_location(want, w, k)))
                    pgr_reportf(api, ctx, "drift/column-missing", column_location(want, w, k),
                                "column %s of %s.%s of the migrations is not in the database",
                                w->columns[k], w->schema, w->name);
                continue;
            }
            lt = column_type(live, l, (size_t) lk);
            if (wt && lt && strcmp(unqualified_type(wt), unqualified_type(lt)) != 0)
                pgr_reportf(api, ctx, "drift/column-type", column_location(live, l, (size_t) lk),
                            "column %s.%s.%s is %s in the database but %s in the migrations",
                            w->schema, w->name, w->columns[k], lt, wt);
        }
        /* Only where the migrations say what every column is. */
        if (want->columns_complete == NULL || !want->columns_complete[i])
            continue;
        for (k = 0; k < l->n_columns; k++)
            if (column_at(w, l->columns[k]) < 0)
                pgr_reportf(api, ctx, "drift/column-extra", column_location(live, l, k),
                            "column %s.%s.%s is in the database but no migration creates it",
                            l->schema, l->name, l->columns[k]);
    }
}

static int
same_columns(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    size_t i;

    if (na != nb)
        return 0;
    for (i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

/* The table "schema.name" of an index's parent is in the database. */
static int
parent_live(const pgr_model *live, const char *parent)
{
    const char *dot = parent ? strchr(parent, '.') : NULL;
    char schema[256];
    size_t n = dot ? (size_t) (dot - parent) : 0;

    if (dot == NULL || n >= sizeof schema)
        return 0;
    memcpy(schema, parent, n);
    schema[n] = '\0';
    return table_of(live, schema, dot + 1) != NULL;
}

void
compare_indexes(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p)
{
    size_t i;

    for (i = 0; i < want->n_objects; i++) {
        const pgr_object *w = &want->objects[i], *l;

        if (w->kind != 'i' || !parent_live(live, w->parent) || is_pending(p, &w->location))
            continue;
        l = index_of(live, w->schema, w->name);
        if (l == NULL)
            pgr_reportf(api, ctx, "drift/index-missing", &w->location,
                        "index %s.%s on %s of the migrations is not in the database (or is not "
                        "valid: a failed CREATE INDEX CONCURRENTLY)", w->schema, w->name, w->parent);
        else if (!l->parent || strcmp(l->parent, w->parent) != 0 ||
                 (w->n_columns > 0 && !same_columns(w->columns, w->n_columns, l->columns, l->n_columns)))
            pgr_reportf(api, ctx, "drift/index-missing", &w->location,
                        "index %s.%s of the migrations is on %s (%zu key columns) in the database, "
                        "not on %s (%zu) as the migrations create it", w->schema, w->name,
                        l->parent ? l->parent : "?", l->n_columns, w->parent, w->n_columns);
    }
}

static const char *
contype_name(char t)
{
    switch (t) {
    case 'p':
        return "PRIMARY KEY";
    case 'u':
        return "UNIQUE";
    case 'f':
        return "FOREIGN KEY";
    case 'c':
        return "CHECK";
    default:
        return "EXCLUDE";
    }
}

/* Whether two constraints of the same name differ: type, or key columns
 * (a CHECK's columns are those its expression reads, known on both sides
 * only roughly, so not compared). */
static int
constraint_differs(const pgr_constraint *w, const pgr_constraint *l)
{
    if (w->contype != l->contype)
        return 1;
    if (w->contype == 'c' || w->n_columns == 0)
        return 0;
    return !same_columns(w->columns, w->n_columns, l->columns, l->n_columns) ||
        (w->references && l->references && strcmp(w->references, l->references) != 0);
}

void
compare_constraints(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p)
{
    size_t i;

    for (i = 0; i < want->n_constraints; i++) {
        const pgr_constraint *w = &want->constraints[i], *l;

        if (table_of(live, w->schema, w->table) == NULL || is_pending(p, &w->location))
            continue;
        l = constraint_of(live, w);
        if (l == NULL)
            pgr_reportf(api, ctx, "drift/constraint-missing", &w->location,
                        "%s constraint %s on %s.%s of the migrations is not in the database",
                        contype_name(w->contype), w->name, w->schema, w->table);
        else if (constraint_differs(w, l))
            pgr_reportf(api, ctx, "drift/constraint-missing", &l->location,
                        "constraint %s on %s.%s is a %s on other columns in the database than the "
                        "migrations' %s", w->name, w->schema, w->table, contype_name(l->contype),
                        contype_name(w->contype));
    }
    for (i = 0; i < live->n_constraints; i++) {
        const pgr_constraint *l = &live->constraints[i];
        const pgr_table *w = table_of(want, l->schema, l->table);

        if (w == NULL || constraint_of(want, l) ||
            want->columns_complete == NULL || !want->columns_complete[w - want->tables])
            continue;
        pgr_reportf(api, ctx, "drift/constraint-extra", &l->location,
                    "%s constraint %s on %s.%s is in the database but no migration creates it",
                    contype_name(l->contype), l->name, l->schema, l->table);
    }
}
