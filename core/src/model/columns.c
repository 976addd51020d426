/*
 * columns.c — what the model knows of a column besides its name: its type
 * (as format_type() prints it, signature.c), where it was created, and
 * whether a table's column list is complete.  pgr_table cannot grow (ABI 5:
 * plugins index arrays of it), so this is kept beside the tables, keyed by
 * (table oid, attnum) — both survive renames and are never reused, so a
 * dropped column's entry is simply never asked for again — and handed to
 * plugins as the arrays appended to pgr_model (column_types,
 * column_locations, columns_complete) by model_view.
 */
#include "model/model_internal.h"

/* The key of a column: its table's oid and its attnum, as bytes. */
static void
column_key(uint32_t oid, int16_t attnum, char key[6])
{
    memcpy(key, &oid, 4);
    memcpy(key + 4, &attnum, 2);
}

/* The entry of column (oid, attnum), added empty when absent. */
static column_info *
column_entry(model *m, uint32_t oid, int16_t attnum)
{
    char key[6];
    size_t i;
    column_info *c;

    column_key(oid, attnum, key);
    if (util_map_get(&m->column_info_ix, key, sizeof key, &i)) {
        /* Every caller changes the entry it gets. */
        journal_change(m, JV_COLUMN_INFO, i);
        return util_vec_at(&m->column_info, i);
    }
    c = util_vec_push(&m->column_info);
    memset(c, 0, sizeof *c);
    c->oid = oid;
    c->attnum = attnum;
    util_map_add(&m->column_info_ix, key, sizeof key, m->column_info.len - 1);
    journal_push(m, JV_COLUMN_INFO);
    return c;
}

static const column_info *
column_find(const model *m, uint32_t oid, int16_t attnum)
{
    char key[6];
    size_t i;

    column_key(oid, attnum, key);
    return util_map_get(&m->column_info_ix, key, sizeof key, &i) ? util_vec_at(&m->column_info, i) : NULL;
}

/* The attnum of t's column name, or 0. */
static int16_t
attnum_of(const pgr_table *t, const char *name)
{
    size_t k;

    for (k = 0; k < t->n_columns; k++)
        if (strcmp(t->columns[k], name) == 0)
            return t->attnums[k];
    return 0;
}

void
column_set(model *m, const pgr_table *t, const char *name, const char *type, const pgr_location *loc)
{
    int16_t attnum = attnum_of(t, name);
    column_info *c;

    if (attnum == 0)
        return;
    c = column_entry(m, t->oid, attnum);
    free(c->type);
    c->type = dup_or_null(type);
    if (type)
        groups_add(&m->type_groups, (size_t) (c - (column_info *) m->column_info.items), 't', type, NULL);
    if (loc) {
        free_loc(&c->location);
        c->location = copy_loc(loc);
    }
}

void
table_columns_incomplete(model *m, const pgr_table *t)
{
    column_entry(m, t->oid, 0)->incomplete = true;
}

void
model_put_column_type(model *m, uint32_t oid, int16_t attnum, const char *type, const pgr_location *loc)
{
    column_info *c = column_entry(m, oid, attnum);

    free(c->type);
    c->type = dup_or_null(type);
    if (type)
        groups_add(&m->type_groups, (size_t) (c - (column_info *) m->column_info.items), 't', type, NULL);
    free_loc(&c->location);
    c->location = copy_loc(loc);
}

/* The entries at pos (of a type plus suffix, "" or "[]") are now of type
 * renamed plus suffix. */
static void
rename_types_at(model *m, const util_vec *pos, const char *renamed, const char *suffix)
{
    size_t k;

    for (k = 0; k < pos->len; k++) {
        size_t i = *(size_t *) util_vec_at(pos, k);
        column_info *c;

        journal_change(m, JV_COLUMN_INFO, i);
        c = util_vec_at(&m->column_info, i);
        free(c->type);
        c->type = util_xasprintf("%s%s", renamed, suffix);
    }
}

void
columns_rename_type(model *m, const char *schema, const char *from, const char *to)
{
    char *old = type_display_name(schema, from), *renamed = type_display_name(schema, to);
    static const char *const suffixes[] = { "", "[]" };
    util_vec pos;
    size_t k;

    /* The columns of that type and of its arrays, through the lists by
     * type (groups.c), not a walk of every column. */
    util_vec_init(&pos, sizeof(size_t));
    for (k = 0; k < 2; k++) {
        char *was = util_xasprintf("%s%s", old, suffixes[k]), *now = util_xasprintf("%s%s", renamed, suffixes[k]);

        pos.len = 0;
        owned_positions(m, JV_COLUMN_INFO, &m->type_groups, column_type_owner, 't', was, NULL, &pos);
        rename_types_at(m, &pos, renamed, suffixes[k]);
        groups_move(&m->type_groups, 't', was, NULL, now, NULL);
        free(was);
        free(now);
    }
    util_vec_free(&pos);
    free(old);
    free(renamed);
}

column_info
column_info_clone(const column_info *c)
{
    column_info d = *c;

    d.type = dup_or_null(c->type);
    d.location = copy_loc(&c->location);
    return d;
}

void
column_info_free(column_info *c)
{
    free(c->type);
    free_loc(&c->location);
}

void
column_info_forget(model *m, const column_info *c)
{
    char key[6];

    column_key(c->oid, c->attnum, key);
    util_map_del(&m->column_info_ix, key, sizeof key);
}

void
columns_clone(const model *src, model *dst)
{
    size_t i;

    for (i = 0; i < src->column_info.len; i++) {
        const column_info *s = util_vec_at(&src->column_info, i);
        column_info *c = column_entry(dst, s->oid, s->attnum);

        c->type = dup_or_null(s->type);
        c->location = copy_loc(&s->location);
        c->incomplete = s->incomplete;
    }
}

void
columns_free(model *m)
{
    size_t i;

    for (i = 0; i < m->column_info.len; i++) {
        column_info *c = util_vec_at(&m->column_info, i);

        free(c->type);
        free_loc(&c->location);
    }
    util_vec_free(&m->column_info);
    util_map_free(&m->column_info_ix);
    util_vec_free(&m->view_column_types);
    util_vec_free(&m->view_column_locations);
    util_vec_free(&m->view_column_type_rows);
    util_vec_free(&m->view_column_location_rows);
    util_vec_free(&m->view_columns_complete);
}

/*
 * Fill out's column arrays.  The flat vectors are filled first and the
 * per-table row pointers set after, since pushing may move a vector.
 */
void
view_columns(model *m, pgr_model *out)
{
    static const pgr_location none;
    size_t i, k, at = 0;

    m->view_column_types.len = m->view_column_locations.len = 0;
    m->view_column_type_rows.len = m->view_column_location_rows.len = m->view_columns_complete.len = 0;
    for (i = 0; i < m->tables.len; i++) {
        const pgr_table *t = util_vec_at(&m->tables, i);
        const column_info *whole = column_find(m, t->oid, 0);

        for (k = 0; k < t->n_columns; k++) {
            const column_info *c = column_find(m, t->oid, t->attnums[k]);

            *(const char **) util_vec_push(&m->view_column_types) = c ? c->type : NULL;
            *(pgr_location *) util_vec_push(&m->view_column_locations) = c ? c->location : none;
        }
        *(unsigned char *) util_vec_push(&m->view_columns_complete) = !(whole && whole->incomplete);
    }
    for (i = 0; i < m->tables.len; i++) {
        const pgr_table *t = util_vec_at(&m->tables, i);

        /* No pointer arithmetic on an empty (NULL) vector. */
        *(const char *const **) util_vec_push(&m->view_column_type_rows) =
            t->n_columns ? (const char *const *) m->view_column_types.items + at : NULL;
        *(const pgr_location **) util_vec_push(&m->view_column_location_rows) =
            t->n_columns ? (const pgr_location *) m->view_column_locations.items + at : NULL;
        at += t->n_columns;
    }
    out->column_types = m->view_column_type_rows.items;
    out->column_locations = m->view_column_location_rows.items;
    out->columns_complete = m->view_columns_complete.items;
}
