/*
 * tables.c — tables and their columns: CREATE TABLE, ALTER TABLE (RLS,
 * columns, owner), moving and renaming a table with what hangs on it, the
 * lookups by name and by oid, and the model_put_table/_column builders of
 * the live reader.
 */
#include "model/model_internal.h"

/* The schema of a name: the one written, else the first schema of the
 * session's search_path (public unless a SET search_path changed it). */
const char *
schema_of(const model *m, const char *s)
{
    return (s && *s) ? s : m->default_schema;
}

long
table_index(const model *m, const char *schema, const char *name)
{
    touch_key(m, TOUCH_TABLE, 0, schema, name, NULL);
    return index_find3((model_index *) &m->table_ix, &m->tables, table_key, 0, schema, name, NULL);
}

const pgr_table *
model_find_table(const model *m, const char *schema, const char *name)
{
    long i = table_index(m, schema, name);

    return i < 0 ? NULL : util_vec_at(&m->tables, (size_t) i);
}

void
free_table(pgr_table *t)
{
    free_loc(&t->rls_location);
    free((char *) t->owner);
    strs_free(t->columns, t->n_columns);
    free((void *) t->attnums);
    free((char *) t->schema);
    free((char *) t->name);
    free_loc(&t->location);
}

void
drop_table_at(model *m, size_t i)
{
    pgr_table *t = util_vec_at(&m->tables, i);
    char *qual = util_xasprintf("%s.%s", t->schema, t->name);

    touch_elem(m, TOUCH_TABLE, t);
    remove_acl_of(m, 'r', qual);
    drop_indexes_of(m, qual);
    constraints_drop_table(m, t->schema, t->name);
    remove_policies(m, t->schema, t->name, NULL);
    free(qual);
    t = util_vec_at(&m->tables, i);
    index_removed(&m->table_ix, m->dup_keys, table_key, i, t);
    elem_bury(m, JV_TABLES, i);
}

pgr_table *
add_table(model *m, const PgQuery__RangeVar *rv, char relkind, int if_not_exists,
          const pgr_location *loc)
{
    const char *schema;
    pgr_table *t;

    if (rv == NULL || rv->relname == NULL)
        return NULL;
    /* Temporary tables live for one session: no RLS question there. */
    if (rv->relpersistence && rv->relpersistence[0] == 't')
        return NULL;
    schema = schema_of(m, rv->schemaname);
    if (table_index(m, schema, rv->relname) >= 0) {
        (void) if_not_exists;
        return NULL;
    }
    t = util_vec_push(&m->tables);
    journal_push(m, JV_TABLES);
    t->oid = m->next_oid++;
    t->schema = util_xstrdup(schema);
    t->name = util_xstrdup(rv->relname);
    t->relkind = relkind;
    t->location = copy_loc(loc);
    return t;
}

/* Add a column with the next attnum (numbers are never reused, as in
 * pg_attribute, so a dropped and re-added column is a new one). */
static void
add_column(model *m, pgr_table *t, const char *name)
{
    /* max_attnum is never below an attnum of the table (every writer of
     * attnums raises it), so it alone gives the next number. */
    int16_t next = (int16_t) (t->max_attnum >= 1 ? t->max_attnum + 1 : 1);

    if (column_exists(m, t, name))
        return;
    t->columns = util_xrealloc((void *) t->columns, (t->n_columns + 1) * sizeof(char *));
    ((const char **) t->columns)[t->n_columns++] = util_xstrdup(name);
    column_added(m, t, name);
    t->attnums = util_xrealloc((void *) t->attnums, t->n_columns * sizeof(int16_t));
    ((int16_t *) t->attnums)[t->n_columns - 1] = next;
    t->max_attnum = next;
}

static void
drop_column(pgr_table *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->n_columns; i++) {
        if (strcmp(t->columns[i], name) == 0) {
            memmove((int16_t *) t->attnums + i, t->attnums + i + 1,
                    (t->n_columns - i - 1) * sizeof(int16_t));
            strs_remove(&t->columns, &t->n_columns, name);
            return;
        }
    }
}

/*
 * The columns of CREATE TABLE's elements or of ALTER TABLE ... ADD COLUMN,
 * with their types and the statement that made them (loc), then their
 * constraints.  A LIKE element brings columns the model does not see.
 */
void
add_columns(model *m, pgr_table *t, PgQuery__Node *const *elts, size_t n, const pgr_location *loc)
{
    size_t i;

    for (i = 0; t && i < n; i++) {
        const PgQuery__ColumnDef *cd = elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF
            ? elts[i]->column_def : NULL;
        char *type;

        if (elts[i]->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE)
            table_columns_incomplete(m, t);
        if (cd == NULL || cd->colname == NULL || column_exists(m, t, cd->colname))
            continue;
        add_column(m, t, cd->colname);
        type = column_type_of(m, cd->type_name);
        column_set(m, t, cd->colname, type, loc);
        free(type);
    }
    add_table_constraints(m, t, elts, n, loc);
}

/* ALTER TABLE ... ALTER COLUMN ... TYPE: def is the ColumnDef of the new type. */
static void
alter_column_type(model *m, pgr_table *t, const PgQuery__AlterTableCmd *c)
{
    char *type;

    if (c->name == NULL || c->def == NULL || c->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF)
        return;
    type = column_type_of(m, c->def->column_def->type_name);
    column_set(m, t, c->name, type, NULL);
    free(type);
}

void
alter_table(model *m, const PgQuery__AlterTableStmt *s, const pgr_location *loc)
{
    long i;
    size_t k;
    pgr_table *t;

    if ((s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
         s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) && s->relation) {
        long v = view_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);

        if (v >= 0)
            journal_change(m, JV_VIEWS, (size_t) v);
        for (k = 0; v >= 0 && k < s->n_cmds; k++) {
            const PgQuery__AlterTableCmd *c = s->cmds[k]->node_case ==
                PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ? s->cmds[k]->alter_table_cmd : NULL;

            if (c && c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions && c->def &&
                c->def->node_case == PG_QUERY__NODE__NODE_LIST)
                view_options(util_vec_at(&m->views, (size_t) v), c->def->list->items,
                             c->def->list->n_items);
        }
        return;
    }
    if (s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || s->relation == NULL)
        return;
    i = table_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);
    if (i < 0)
        return;
    journal_change(m, JV_TABLES, (size_t) i);
    t = util_vec_at(&m->tables, (size_t) i);
    for (k = 0; k < s->n_cmds; k++) {
        const PgQuery__AlterTableCmd *c;

        if (s->cmds[k]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
            continue;
        c = s->cmds[k]->alter_table_cmd;
        switch (c->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
            t->relrowsecurity = 1;
            free_loc(&t->rls_location);
            t->rls_location = copy_loc(loc);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
            t->relrowsecurity = 0;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
            t->relforcerowsecurity = 1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
            t->relforcerowsecurity = 0;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
            if (c->def)
                add_columns(m, t, &c->def, 1, loc);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
            alter_column_type(m, t, c);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
            if (c->def && c->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
                add_constraint(m, t, c->def->constraint, NULL, loc);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
            if (c->name)
                drop_constraint(m, t, c->name, c->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
            if (c->name) {
                char *q = util_xasprintf("%s.%s", t->schema, t->name);

                drop_column(t, c->name);
                index_stale(&m->column_ix);
                drop_indexes_on_column(m, q, c->name);
                constraints_drop_column(m, t->schema, t->name, c->name);
                free(q);
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
            if (c->newowner && c->newowner->rolename) {
                free((char *) t->owner);
                t->owner = util_xstrdup(c->newowner->rolename);
            }
            break;
        default:
            break;
        }
    }
}

/* Move or rename a table, keeping its RLS state and grants. */
void
move_table(model *m, const PgQuery__RangeVar *rv, const char *new_schema, const char *new_name)
{
    long i;
    pgr_table *t;
    char *from, *to, *old_schema, *old_name;
    util_vec pos;

    if (rv == NULL)
        return;
    i = table_index(m, schema_of(m, rv->schemaname), rv->relname);
    if (i < 0)
        return;
    journal_change(m, JV_TABLES, (size_t) i);
    t = util_vec_at(&m->tables, (size_t) i);
    rename_target(m, &m->table_ix, &m->tables, table_key, 0, new_schema ? new_schema : t->schema,
                  new_name ? new_name : t->name, NULL);
    from = util_xasprintf("%s.%s", t->schema, t->name);
    old_schema = util_xstrdup(t->schema);
    old_name = util_xstrdup(t->name);
    constraints_move(m, t->schema, t->name, new_schema ? new_schema : t->schema,
                     new_name ? new_name : t->name);
    index_rekey_from(&m->table_ix, m->dup_keys, table_key, (size_t) i, t);
    if (new_schema) {
        free((char *) t->schema);
        t->schema = util_xstrdup(new_schema);
        groups_add(&m->tables_by_schema, (size_t) i, 's', new_schema, NULL);
    }
    if (new_name) {
        free((char *) t->name);
        t->name = util_xstrdup(new_name);
    }
    to = util_xasprintf("%s.%s", t->schema, t->name);
    index_rekey_to(&m->table_ix, table_key, (size_t) i, t);
    touch_elem(m, TOUCH_TABLE, t);
    rename_acl_object(m, 'r', from, to);
    rename_in_views(m, from, to);
    reparent_indexes(m, from, to);
        /* The table's policies, through the lists by table (groups.c). */
    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_POLICIES, &m->policy_groups, policy_owner, 0, old_schema, old_name, &pos);
    for (size_t j = 0; j < pos.len; j++) {
        size_t k = *(size_t *) util_vec_at(&pos, j);
        pgr_policy *p = util_vec_at(&m->policies, k);

        journal_change(m, JV_POLICIES, k);
        rename_target(m, &m->policy_ix, &m->policies, policy_index_key, 0, t->schema, t->name, p->name);
        touch_elem(m, TOUCH_POLICY, p);
        index_rekey_from(&m->policy_ix, m->dup_keys, policy_index_key, k, p);
        free((char *) p->schema);
        free((char *) p->table);
        p->schema = util_xstrdup(t->schema);
        p->table = util_xstrdup(t->name);
        index_rekey_to(&m->policy_ix, policy_index_key, k, p);
        touch_elem(m, TOUCH_POLICY, p);
    }
    groups_move(&m->policy_groups, 0, old_schema, old_name, t->schema, t->name);
    util_vec_free(&pos);
    free(old_schema);
    free(old_name);
    free(from);
    free(to);
}

/* --- builders for live catalogs ------------------------------------------- */

pgr_table *
model_put_table(model *m, uint32_t oid, const char *schema, const char *name, char relkind,
                int rls, int force, const char *owner, const pgr_location *loc)
{
    pgr_table *t = util_vec_push(&m->tables);

    t->oid = oid;
    t->schema = util_xstrdup(schema);
    t->name = util_xstrdup(name);
    t->relkind = relkind;
    t->relrowsecurity = rls;
    t->relforcerowsecurity = force;
    t->owner = dup_or_null(owner);
    t->location = copy_loc(loc);
    if (rls)
        t->rls_location = copy_loc(loc);
    return t;
}

/* The position of the table with oid by a scan, or -1. */
static long
table_scan_oid(const model *m, uint32_t oid)
{
    size_t i;

    for (i = 0; i < m->tables.len; i++)
        if (!elem_gone(m, JV_TABLES, i) && ((const pgr_table *) util_vec_at(&m->tables, i))->oid == oid)
            return (long) i;
    return -1;
}

/* The position of the table with oid, or -1 (the lazy scheme of index_find;
 * oids are unique). */
static long
table_by_oid(model *m, uint32_t oid)
{
    model_index *ix = &m->oid_ix;
    size_t i;

    if (ix->frozen || (!ix->built && ix->scans < INDEX_REBUILD_AFTER)) {
        ix->scans++;
        return table_scan_oid(m, oid);
    }
    if (!ix->built || ix->upto > m->tables.len) {
        util_map_clear(&ix->map);
        ix->upto = 0;
        ix->built = true;
    }
    for (; ix->upto < m->tables.len; ix->upto++) {
        const pgr_table *t = util_vec_at(&m->tables, ix->upto);

        if (!elem_gone(m, JV_TABLES, ix->upto))
            util_map_add(&ix->map, (const char *) &t->oid, sizeof t->oid, ix->upto);
    }
    if (!util_map_get(&ix->map, (const char *) &oid, sizeof oid, &i))
        return -1;
    if (!elem_gone(m, JV_TABLES, i) && ((const pgr_table *) util_vec_at(&m->tables, i))->oid == oid)
        return (long) i;
    index_stale(ix);
    return table_scan_oid(m, oid);
}

void
model_put_column(model *m, uint32_t oid, int16_t attnum, const char *name)
{
    long i = table_by_oid(m, oid);
    pgr_table *t;

    if (i < 0)
        return;
    t = util_vec_at(&m->tables, (size_t) i);
    strs_add(&t->columns, &t->n_columns, name);
    t->attnums = util_xrealloc((void *) t->attnums, t->n_columns * sizeof(int16_t));
    ((int16_t *) t->attnums)[t->n_columns - 1] = attnum;
    if (attnum > t->max_attnum)
        t->max_attnum = attnum;
    index_stale(&m->column_ix);
}
