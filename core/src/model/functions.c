/*
 * functions.c — functions and procedures: CREATE / ALTER / DROP FUNCTION,
 * their options (SECURITY DEFINER, search_path, language), lookups by
 * signature (schema, name and identity argument types, signature.c: the
 * overloads of a name are distinct objects, as in pg_proc), renames, and
 * model_put_function for pg_proc rows.
 */
#include "model/model_internal.h"

/* How many overloads of one name an ALTER or DROP without an argument list
 * reaches; PostgreSQL itself requires the name to be unique there. */
#define MAX_OVERLOADS 64

char *
function_acl_name(const model_function *f)
{
    return util_xasprintf("%s.%s(%s)", f->fn.schema, f->fn.name, f->args);
}

/* Position of f in m->functions. */
static size_t
function_pos(const model *m, const model_function *f)
{
    return (size_t) (f - (const model_function *) m->functions.items);
}

model_function *
find_function(model *m, const char *schema, const char *name, const char *args)
{
    size_t i;
    long at;

    if (args) {
        touch_key(m, TOUCH_FUNCTION, 0, schema, name, args);
        at = index_find3(&m->function_ix, &m->functions, function_key, 0, schema, name, args);
        return at < 0 ? NULL : util_vec_at(&m->functions, (size_t) at);
    }
    /* Without an argument list PostgreSQL requires the name to be unique;
     * rare enough to scan. */
    for (i = 0; i < m->functions.len; i++) {
        model_function *f = util_vec_at(&m->functions, i);

        if (!elem_gone(m, JV_FUNCTIONS, i) && strcmp(f->fn.schema, schema) == 0 &&
            strcmp(f->fn.name, name) == 0) {
            touch_elem(m, TOUCH_FUNCTION, f);
            return f;
        }
    }
    return NULL;
}

model_function *
resolve_function(model *m, const PgQuery__ObjectWithArgs *o)
{
    const char *schema, *name;
    char *args;
    model_function *f;

    qualified_func(m, o->objname, o->n_objname, &schema, &name);
    if (name == NULL)
        return NULL;
    if (o->args_unspecified)
        return find_function(m, schema, name, NULL);
    args = signature_of(m, o->objargs, o->n_objargs);
    f = find_function(m, schema, name, args);
    free(args);
    return f;
}

/* The functions an ALTER or DROP names: one, or without an argument list
 * every one of that name.  Fills out (up to max positions in
 * m->functions, ascending); returns how many. */
static size_t
resolve_all(model *m, const PgQuery__Node *obj, size_t *out, size_t max)
{
    const PgQuery__ObjectWithArgs *o;
    const char *schema, *name;
    model_function *f;
    size_t i, n = 0;

    if (obj->node_case != PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS)
        return 0;
    o = obj->object_with_args;
    if (!o->args_unspecified) {
        f = resolve_function(m, o);
        if (f)
            out[n++] = function_pos(m, f);
        return n;
    }
    qualified_func(m, o->objname, o->n_objname, &schema, &name);
    for (i = 0; name && i < m->functions.len && n < max; i++) {
        f = util_vec_at(&m->functions, i);
        if (!elem_gone(m, JV_FUNCTIONS, i) && strcmp(f->fn.schema, schema) == 0 &&
            strcmp(f->fn.name, name) == 0) {
            touch_elem(m, TOUCH_FUNCTION, f);
            out[n++] = i;
        }
    }
    return n;
}

/* ALTER FUNCTION ... RENAME TO / SET SCHEMA, keeping its grants. */
void
rename_function(model *m, const PgQuery__Node *obj, const char *new_schema, const char *new_name)
{
    size_t at[MAX_OVERLOADS], n = resolve_all(m, obj, at, MAX_OVERLOADS), i;

    for (i = 0; i < n; i++) {
        model_function *f = util_vec_at(&m->functions, at[i]);
        char *from = function_acl_name(f), *to;

        rename_target(m, &m->function_ix, &m->functions, function_key, 0,
                      new_schema ? new_schema : f->fn.schema, new_name ? new_name : f->fn.name,
                      f->args);
        f = util_vec_at(&m->functions, at[i]);
        index_rekey_from(&m->function_ix, m->dup_keys, function_key, at[i], f);
        if (new_schema) {
            free((char *) f->fn.schema);
            f->fn.schema = util_xstrdup(new_schema);
            groups_add(&m->functions_by_schema, at[i], 's', new_schema, NULL);
        }
        if (new_name) {
            free((char *) f->fn.name);
            f->fn.name = util_xstrdup(new_name);
        }
        index_rekey_to(&m->function_ix, function_key, at[i], f);
        to = function_acl_name(f);
        touch_elem(m, TOUCH_FUNCTION, f);
        rename_acl_object(m, 'f', from, to);
        free(from);
        free(to);
    }
}

void
drop_functions_in(model *m, const char *schema)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    schema_positions(m, JV_FUNCTIONS, schema, &pos);
    for (k = 0; k < pos.len; k++) {
        size_t i = *(size_t *) util_vec_at(&pos, k);
        model_function *f = util_vec_at(&m->functions, i);
        char *q = function_acl_name(f);

        touch_elem(m, TOUCH_FUNCTION, f);
        remove_acl_of(m, 'f', q);
        free(q);
        f = util_vec_at(&m->functions, i);
        index_removed(&m->function_ix, m->dup_keys, function_key, i, f);
        elem_bury(m, JV_FUNCTIONS, i);
    }
    util_vec_free(&pos);
}

/* Apply CREATE/ALTER FUNCTION options (DefElems) to fn. */
static void
function_options(pgr_function *fn, PgQuery__Node **opts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const PgQuery__DefElem *d;

        if (opts[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || opts[i]->def_elem->defname == NULL)
            continue;
        d = opts[i]->def_elem;
        if (strcmp(d->defname, "security") == 0)
            fn->prosecdef = defelem_bool(d);
        else if (strcmp(d->defname, "language") == 0 && d->arg &&
                 d->arg->node_case == PG_QUERY__NODE__NODE_STRING) {
            free((char *) fn->language);
            fn->language = util_xstrdup(d->arg->string->sval);
        } else if (strcmp(d->defname, "set") == 0 && d->arg &&
                   d->arg->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) {
            const PgQuery__VariableSetStmt *v = d->arg->variable_set_stmt;

            if (v->name && strcmp(v->name, "search_path") == 0)
                fn->search_path_set = v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE;
            else if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL)
                fn->search_path_set = 0;
        }
    }
}

void
qualified_func(const model *m, PgQuery__Node **names, size_t n, const char **schema,
               const char **name)
{
    PgQuery__List list = PG_QUERY__LIST__INIT;
    PgQuery__Node wrap = PG_QUERY__NODE__INIT;

    list.n_items = n;
    list.items = names;
    wrap.node_case = PG_QUERY__NODE__NODE_LIST;
    wrap.list = &list;
    qualified_name(m, &wrap, schema, name);
}


void
create_function(model *m, const PgQuery__CreateFunctionStmt *s, const pgr_location *loc)
{
    const char *schema, *name;
    model_function *f;
    char *args;

    qualified_func(m, s->funcname, s->n_funcname, &schema, &name);
    if (name == NULL)
        return;
    args = signature_of(m, s->parameters, s->n_parameters);
    f = find_function(m, schema, name, args);
    if (f == NULL) {
        f = util_vec_push(&m->functions);
        journal_push(m, JV_FUNCTIONS);
        f->fn.schema = util_xstrdup(schema);
        f->fn.name = util_xstrdup(name);
        f->fn.public_execute = m->default_public_execute;
        f->args = args;
    } else {
        /* CREATE OR REPLACE keeps privileges but resets the options. */
        journal_change(m, JV_FUNCTIONS, (size_t) (f - (model_function *) m->functions.items));
        free_loc(&f->fn.location);
        f->fn.prosecdef = 0;
        f->fn.search_path_set = 0;
        free(args);
    }
    f->fn.prokind = s->is_procedure ? 'p' : 'f';
    f->fn.location = copy_loc(loc);
    f->trigger = signature_is_trigger(s->return_type);
    function_options(&f->fn, s->options, s->n_options);
}

void
alter_function(model *m, const PgQuery__AlterFunctionStmt *s)
{
    PgQuery__Node wrap = PG_QUERY__NODE__INIT;
    size_t at[MAX_OVERLOADS], n, i;

    if (s->func == NULL)
        return;
    wrap.node_case = PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS;
    wrap.object_with_args = s->func;
    n = resolve_all(m, &wrap, at, MAX_OVERLOADS);
    for (i = 0; i < n; i++) {
        journal_change(m, JV_FUNCTIONS, at[i]);
        function_options(util_vec_at(&m->functions, at[i]), s->actions, s->n_actions);
    }
}

void
free_function(model_function *f)
{
    free((char *) f->fn.schema);
    free((char *) f->fn.name);
    free((char *) f->fn.language);
    free_loc(&f->fn.location);
    free(f->args);
}

/* DROP FUNCTION: the one named, or every one of the name when written
 * without an argument list; their grants go with them. */
void
drop_function(model *m, const PgQuery__Node *obj)
{
    size_t at[MAX_OVERLOADS], n = resolve_all(m, obj, at, MAX_OVERLOADS), i;

    for (i = n; i-- > 0;) {
        model_function *f = util_vec_at(&m->functions, at[i]);
        char *q = function_acl_name(f);

        touch_elem(m, TOUCH_FUNCTION, f);
        remove_acl_of(m, 'f', q);
        free(q);
        index_removed(&m->function_ix, m->dup_keys, function_key, at[i], f);
        elem_bury(m, JV_FUNCTIONS, at[i]);
    }
}

pgr_function *
model_put_function(model *m, const char *schema, const char *name, const char *args, bool trigger,
                   char prokind, const char *language, const pgr_location *loc)
{
    model_function *f = find_function(m, schema, name, args);

    if (f)
        return &f->fn;
    f = util_vec_push(&m->functions);
    f->fn.schema = util_xstrdup(schema);
    f->fn.name = util_xstrdup(name);
    f->fn.prokind = prokind;
    f->fn.language = dup_or_null(language);
    f->fn.location = copy_loc(loc);
    f->args = util_xstrdup(args);
    f->trigger = trigger;
    return &f->fn;
}

const pgr_function *
model_function_at(const model *m, size_t i)
{
    return &((const model_function *) util_vec_at(&m->functions, i))->fn;
}

const char *
model_function_args(const model *m, size_t i)
{
    return ((const model_function *) util_vec_at(&m->functions, i))->args;
}
