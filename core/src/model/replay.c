/*
 * replay.c — statement dispatch, in the spirit of PostgreSQL's utility.c:
 * model_apply switches on the parse node's tag and hands each DDL statement
 * to the handler of its object kind (tables.c, policies.c, acl.c, roles.c,
 * functions.c, views.c, objects.c, doblock.c).  The statements that span
 * kinds live here: ALTER ... RENAME / SET SCHEMA, DROP, and SET search_path.
 */
#include "model/model_internal.h"

void
model_new_session(model *m)
{
    free(m->default_schema);
    m->default_schema = util_xstrdup("public");
}

/* SET search_path TO a, b: unqualified names now mean a ("$user" is
 * skipped: its schema rarely exists in migrations); RESET restores public. */
static void
set_search_path(model *m, const PgQuery__VariableSetStmt *v)
{
    size_t i;

    if (v->name == NULL || strcmp(v->name, "search_path") != 0)
        return;
    if (v->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
        model_new_session(m);
        return;
    }
    for (i = 0; i < v->n_args; i++) {
        const PgQuery__Node *a = v->args[i];
        const char *s = NULL;

        if (a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL)
            s = a->a_const->sval->sval;
        else if (a->node_case == PG_QUERY__NODE__NODE_STRING)
            s = a->string->sval;
        if (s == NULL || *s == '\0' || strcmp(s, "$user") == 0)
            continue;
        free(m->default_schema);
        m->default_schema = util_xstrdup(s);
        return;
    }
}

/* Indexes of table "schema.name" follow a renamed column (pg_index refers
 * to it by attnum): the table's indexes, through the lists by table. */
static void
rename_index_columns(model *m, const char *qualified, const char *from, const char *to)
{
    util_vec pos;
    size_t j, c;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_OBJECTS, &m->object_groups, object_owner, 'i', qualified, NULL, &pos);
    for (j = 0; j < pos.len; j++) {
        pgr_object *o = util_vec_at(&m->objects, *(size_t *) util_vec_at(&pos, j));

        for (c = 0; c < o->n_columns; c++) {
            if (strcmp(o->columns[c], from) == 0) {
                touch_elem(m, TOUCH_OBJECT, o);
                free((char *) o->columns[c]);
                ((const char **) o->columns)[c] = util_xstrdup(to);
            }
        }
    }
    util_vec_free(&pos);
}

/* Rename object o (a type, a domain, an index) to name: its key in the
 * index by name follows. */
static void
rename_object_at(model *m, size_t o, const char *name)
{
    pgr_object *ob = util_vec_at(&m->objects, o);

    rename_target(m, &m->object_ix, &m->objects, object_key, ob->kind, ob->kind == 'e' ? "" : ob->schema,
                  name, NULL);
    ob = util_vec_at(&m->objects, o);
    index_rekey_from(&m->object_ix, m->dup_keys, object_key, o, ob);
    free((char *) ob->name);
    ob->name = util_xstrdup(name);
    index_rekey_to(&m->object_ix, object_key, o, ob);
    touch_elem(m, TOUCH_OBJECT, ob);
}

/* ALTER POLICY name ON schema.table RENAME TO to: its key in the index by
 * name follows, so nothing is rebuilt. */
static void
rename_policy(model *m, const char *schema, const char *table, const char *name, const char *to)
{
    long at;

    if (to == NULL || strcmp(name, to) == 0)
        return;
    while ((at = index_find3(&m->policy_ix, &m->policies, policy_index_key, 0, schema, table, name)) >= 0) {
        pgr_policy *p = util_vec_at(&m->policies, (size_t) at);

        rename_target(m, &m->policy_ix, &m->policies, policy_index_key, 0, schema, table, to);
        p = util_vec_at(&m->policies, (size_t) at);
        touch_elem(m, TOUCH_POLICY, p);
        index_rekey_from(&m->policy_ix, m->dup_keys, policy_index_key, (size_t) at, p);
        free((char *) p->name);
        p->name = util_xstrdup(to);
        index_rekey_to(&m->policy_ix, policy_index_key, (size_t) at, p);
        touch_elem(m, TOUCH_POLICY, p);
    }
}

static void
rename_stmt(model *m, const PgQuery__RenameStmt *s)
{
    size_t i;

    if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && s->relation && s->subname) {
        long t = table_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);

        if (t >= 0) {
            pgr_table *tb = util_vec_at(&m->tables, (size_t) t);
            size_t k;

            char *q = util_xasprintf("%s.%s", tb->schema, tb->name);

            for (k = 0; k < tb->n_columns; k++) {
                if (strcmp(tb->columns[k], s->subname) == 0) {
                    free((char *) tb->columns[k]);
                    ((const char **) tb->columns)[k] = util_xstrdup(s->newname);
                }
            }
            constraints_rename_column(m, tb->schema, tb->name, s->subname, s->newname);
            index_deps_rename_column(m, q, s->subname, s->newname);
            rename_index_columns(m, q, s->subname, s->newname);
            column_renamed(m, tb, s->subname, s->newname);
            free(q);
        }
        /* No name an index is keyed by changed but the table's columns
         * (column_renamed). */
        return;
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
        /* move_table keeps the indexes (issue 15: a rename made every index
         * rebuild, O(n) per renamed table). */
        move_table(m, s->relation, NULL, s->newname);
        return;
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT && s->relation &&
               s->relation->relname && s->subname && s->newname) {
        rename_constraint(m, schema_of(m, s->relation->schemaname), s->relation->relname, s->subname,
                          s->newname);
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA && s->subname) {
        util_vec pos;

        util_vec_init(&pos, sizeof(size_t));
        schema_positions(m, JV_TABLES, s->subname, &pos);
        for (i = 0; i < pos.len; i++) {
            pgr_table *t = util_vec_at(&m->tables, *(size_t *) util_vec_at(&pos, i));
            PgQuery__RangeVar rv = PG_QUERY__RANGE_VAR__INIT;

            rv.schemaname = (char *) t->schema;
            rv.relname = (char *) t->name;
            move_table(m, &rv, s->newname, NULL);
        }
        util_vec_free(&pos);
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY && s->relation && s->subname) {
        rename_policy(m, schema_of(m, s->relation->schemaname), s->relation->relname, s->subname, s->newname);
        return;
    } else if ((s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) && s->object && s->newname) {
        const char *schema, *name;
        long o;

        qualified_name(m, s->object, &schema, &name);
        o = name ? object_index(m, 'T', schema, name) : -1;
        if (name)
            columns_rename_type(m, schema, name, s->newname);
        if (o >= 0)
            rename_object_at(m, (size_t) o, s->newname);
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX && s->relation &&
               s->relation->relname && s->newname) {
        const char *sch = schema_of(m, s->relation->schemaname);
        long o = object_index(m, 'i', sch, s->relation->relname);

        if (o >= 0) {
            rename_object_at(m, (size_t) o, s->newname);
            index_deps_rename_index(m, sch, s->relation->relname, s->newname);
        } else {
            /* The index of a PRIMARY KEY, UNIQUE or EXCLUDE constraint:
             * PostgreSQL renames the constraint with it. */
            rename_key_constraint(m, sch, s->relation->relname, s->newname);
        }
    } else if ((s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) && s->relation && s->newname) {
        long v = view_index(m, schema_of(m, s->relation->schemaname), s->relation->relname);

        if (v >= 0) {
            pgr_view *vw = util_vec_at(&m->views, (size_t) v);

            rename_target(m, &m->view_ix, &m->views, view_key, 0, vw->schema, s->newname, NULL);
            vw = util_vec_at(&m->views, (size_t) v);
            index_rekey_from(&m->view_ix, m->dup_keys, view_key, (size_t) v, vw);
            free((char *) vw->name);
            vw->name = util_xstrdup(s->newname);
            index_rekey_to(&m->view_ix, view_key, (size_t) v, vw);
            touch_elem(m, TOUCH_VIEW, vw);
        }
    } else if ((s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ||
                s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE) && s->object && s->newname) {
        rename_function(m, s->object, NULL, s->newname);
    } else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ROLE && s->subname) {
        long r = role_index(m, s->subname);

        if (r >= 0) {
            pgr_role *role = util_vec_at(&m->roles, (size_t) r);

            rename_target(m, &m->role_ix, &m->roles, role_key, 0, s->newname, NULL, NULL);
            role = util_vec_at(&m->roles, (size_t) r);
            index_rekey_from(&m->role_ix, m->dup_keys, role_key, (size_t) r, role);
            free((char *) role->name);
            role->name = util_xstrdup(s->newname);
            index_rekey_to(&m->role_ix, role_key, (size_t) r, role);
            touch_elem(m, TOUCH_ROLE, role);
            /* The (role, group) pairs name it. */
            index_stale(&m->member_ix);
        }
    }
    /* Each kind re-keys what it renamed: no index by name is rebuilt
     * (issue 15: a rebuild per rename made n renames O(n^2)). */
}

/* A dotted name from a List of String nodes (DROP's object names). */
void
qualified_name(const model *m, const PgQuery__Node *n, const char **schema, const char **name)
{
    const PgQuery__List *l;

    *schema = m->default_schema;
    *name = NULL;
    if (n->node_case == PG_QUERY__NODE__NODE_STRING) {
        *name = n->string->sval;
        return;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
        PgQuery__List list = PG_QUERY__LIST__INIT;
        PgQuery__Node wrap = PG_QUERY__NODE__INIT;

        list.n_items = n->type_name->n_names;
        list.items = n->type_name->names;
        wrap.node_case = PG_QUERY__NODE__NODE_LIST;
        wrap.list = &list;
        qualified_name(m, &wrap, schema, name);
        return;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_LIST)
        return;
    l = n->list;
    if (l->n_items >= 1 && l->items[l->n_items - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
        *name = l->items[l->n_items - 1]->string->sval;
    if (l->n_items >= 2 && l->items[l->n_items - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
        *schema = l->items[l->n_items - 2]->string->sval;
}

/* DROP INDEX; with CASCADE, the foreign keys that rely on it (as the
 * unique index of the columns they reference) go too. */
static void
drop_index(model *m, const char *schema, const char *name, bool cascade)
{
    long o = object_index(m, 'i', schema, name);
    const pgr_object *ix;

    if (o < 0)
        return;
    ix = util_vec_at(&m->objects, (size_t) o);
    if (cascade && ix->parent)
        constraints_drop_referencing(m, ix->parent, ix->columns, ix->n_columns);
    remove_object_at(m, (size_t) o);
}

static void
drop_stmt(model *m, const PgQuery__DropStmt *s)
{
    size_t k;

    for (k = 0; k < s->n_objects; k++) {
        const char *schema, *name;

        /* Functions are named with their argument types, not a name list. */
        if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION ||
            s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ||
            s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE) {
            drop_function(m, s->objects[k]);
            continue;
        }
        qualified_name(m, s->objects[k], &schema, &name);
        if (name == NULL)
            continue;
        if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
            long t = table_index(m, schema, name);

            if (t >= 0) {
                char *q = util_xasprintf("%s.%s", schema, name);

                drop_table_at(m, (size_t) t);
                if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                    drop_dependent_views(m, q);
                free(q);
            }
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                   s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) {
            long v = view_index(m, schema, name);

            if (v >= 0) {
                char *q = util_xasprintf("%s.%s", schema, name);

                drop_view_at(m, (size_t) v);
                if (s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                    drop_dependent_views(m, q);
                free(q);
            }
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION) {
            drop_object(m, 'e', schema, name);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
            drop_index(m, schema, name, s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE ||
                   s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) {
            drop_object(m, 'T', schema, name);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY) {
            drop_policy(m, s->objects[k]);
        } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
            char *all = util_xasprintf("%s.*", name);

            /* The schema's own grants, and ON ALL ... IN SCHEMA ones kept
             * while it had no table, go with it. */
            remove_acl_of(m, 'n', name);
            remove_acl_of(m, 'r', all);
            remove_acl_of(m, 'f', all);
            remove_acl_of(m, 'S', all);
            free(all);
            /* Without CASCADE PostgreSQL refuses to drop a non-empty schema. */
            if (s->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                continue;
            drop_schema_contents(m, name);
        }
    }
}

/* CREATE TABLE: its columns and constraints.  Columns inherited (INHERITS,
 * PARTITION OF) or typed (OF type) are not in the statement. */
static void
create_table(model *m, const PgQuery__CreateStmt *s, const pgr_location *loc)
{
    pgr_table *t = add_table(m, s->relation, s->partspec ? 'p' : 'r', s->if_not_exists, loc);

    if (t == NULL)
        return;
    if (s->n_inh_relations > 0 || s->partbound || s->of_typename)
        table_columns_incomplete(m, t);
    add_columns(m, t, s->table_elts, s->n_table_elts, loc);
}

/*
 * CREATE INDEX: an index object on its table with its key columns (named
 * columns; an expression has none).  Without a name PostgreSQL chooses
 * <table>_<columns>_idx (ChooseIndexName), which it can only do here when
 * every key is a plain column.
 */
static void
create_index(model *m, const PgQuery__IndexStmt *s, const pgr_location *loc)
{
    const char *sch, *name = s->idxname && *s->idxname ? s->idxname : NULL;
    char *parent, *chosen = NULL;
    const char *const *cols = NULL;
    size_t k, n = 0;
    pgr_object *o;

    if (s->relation == NULL || s->relation->relname == NULL)
        return;
    sch = schema_of(m, s->relation->schemaname);
    for (k = 0; k < s->n_index_params; k++) {
        const PgQuery__Node *p = s->index_params[k];

        if (p->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && p->index_elem->name && *p->index_elem->name)
            strs_add(&cols, &n, p->index_elem->name);
    }
    if (name == NULL && n == s->n_index_params && n > 0)
        name = chosen = choose_index_name(m, sch, s->relation->relname, cols, n, "idx");
    parent = util_xasprintf("%s.%s", sch, s->relation->relname);
    o = name ? add_object(m, 'i', sch, name, parent, loc) : NULL;
    if (o) {
        o->columns = cols;
        o->n_columns = n;
        index_add_deps(m, sch, name, s);
    } else {
        strs_free(cols, n);
    }
    free(parent);
    free(chosen);
}

static int
apply_stmt(model *m, const sql_file *f, const sql_stmt *st)
{
    const PgQuery__Node *n = st->node;
    pgr_location loc;

    sql_stmt_location(f, st, &loc);
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_DO_STMT:
        return do_block(m, f, st);
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        create_table(m, n->create_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        if (n->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
            n->create_table_as_stmt->into) {
            pgr_table *t = add_table(m, n->create_table_as_stmt->into->rel, 'r',
                                     n->create_table_as_stmt->if_not_exists, &loc);

            if (t)
                table_columns_incomplete(m, t);
        }
        else if (n->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW &&
                 n->create_table_as_stmt->into)
            create_view(m, n->create_table_as_stmt->into->rel, n->create_table_as_stmt->query, 'm',
                        n->create_table_as_stmt->into->options,
                        n->create_table_as_stmt->into->n_options, 0, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        alter_table(m, n->alter_table_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        rename_stmt(m, n->rename_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
        if (n->alter_object_schema_stmt->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
            move_table(m, n->alter_object_schema_stmt->relation,
                       n->alter_object_schema_stmt->newschema, NULL);
        else if (n->alter_object_schema_stmt->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION &&
                 n->alter_object_schema_stmt->object)
            rename_function(m, n->alter_object_schema_stmt->object,
                            n->alter_object_schema_stmt->newschema, NULL);
        break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        drop_stmt(m, n->drop_stmt);
        break;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        grant_stmt(m, n->grant_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
        create_role(m, n->create_role_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
        alter_role(m, n->alter_role_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
        drop_role(m, n->drop_role_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
        create_policy(m, f, st, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
        alter_policy(m, f, st);
        break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        create_function(m, n->create_function_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
        alter_function(m, n->alter_function_stmt);
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        set_search_path(m, n->variable_set_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
        if (n->alter_default_privileges_stmt->action) {
            grant_stmt(m, n->alter_default_privileges_stmt->action, &loc);
            default_privileges(m, n->alter_default_privileges_stmt, &loc);
        }
        break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        create_extension(m, n->create_extension_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        create_index(m, n->index_stmt, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        create_type(m, n->create_enum_stmt->type_name, n->create_enum_stmt->n_type_name, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
        create_type(m, n->create_range_stmt->type_name, n->create_range_stmt->n_type_name, &loc);
        break;
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        create_type(m, n->create_domain_stmt->domainname, n->create_domain_stmt->n_domainname, &loc);
        break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        if (n->composite_type_stmt->typevar && n->composite_type_stmt->typevar->relname)
            add_object(m, 'T', schema_of(m, n->composite_type_stmt->typevar->schemaname),
                       n->composite_type_stmt->typevar->relname, NULL, &loc);
        break;
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
        grant_role(m, n->grant_role_stmt);
        break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        create_view(m, n->view_stmt->view, n->view_stmt->query, 'v', n->view_stmt->options,
                    n->view_stmt->n_options, n->view_stmt->replace, &loc);
        break;
    default:
        break;
    }
    return 0;
}

int
model_apply(model *m, const sql_file *f, const sql_stmt *st)
{
    int r = apply_stmt(m, f, st);

    /* Removals only mark their elements (gone.c); a vector half gone is
     * closed up, so that the marks cost O(1) per removal. */
    compact_some(m);
    return r;
}
