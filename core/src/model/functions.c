/*
 * functions.c — functions and procedures: CREATE / ALTER / DROP FUNCTION,
 * their options (SECURITY DEFINER, search_path, language), lookups by
 * qualified name, renames, and model_put_function for pg_proc rows.
 */
#include "model/model_internal.h"

/* ALTER FUNCTION ... RENAME TO / SET SCHEMA, keeping its grants. */
void
rename_function(model *m, const PgQuery__Node *obj, const char *new_schema, const char *new_name)
{
    char *from = grant_object_name(m, obj, 0), *to;
    pgr_function *fn = from ? find_function(m, from) : NULL;

    if (fn) {
        if (new_schema) {
            free((char *) fn->schema);
            fn->schema = util_xstrdup(new_schema);
        }
        if (new_name) {
            free((char *) fn->name);
            fn->name = util_xstrdup(new_name);
        }
        to = util_xasprintf("%s.%s", fn->schema, fn->name);
        rename_acl_object(m, 'f', from, to);
        free(to);
    }
    free(from);
    index_stale(&m->function_ix);
}

void
drop_functions_in(model *m, const char *schema)
{
    size_t i, keep = 0;

    for (i = 0; i < m->functions.len; i++) {
        pgr_function *fn = util_vec_at(&m->functions, i);

        if (strcmp(fn->schema, schema) == 0) {
            char *q = util_xasprintf("%s.%s", fn->schema, fn->name);

            remove_acl_of(m, 'f', q);
            free(q);
            free_function(fn);
        } else {
            *(pgr_function *) util_vec_at(&m->functions, keep++) = *fn;
        }
    }
    m->functions.len = keep;
    index_stale(&m->function_ix);
}

pgr_function *
find_function(model *m, const char *qualified)
{
    const char *dot;
    long best = -1;

    /* "a.b.c" is schema a, function b.c or schema a.b, function c: the
     * first function in creation order of any split, as a scan finds. */
    for (dot = strchr(qualified, '.'); dot; dot = strchr(dot + 1, '.')) {
        char *schema = util_xstrndup(qualified, (size_t) (dot - qualified));
        long i = index_find3(&m->function_ix, &m->functions, function_key, 0, schema, dot + 1,
                             NULL);

        if (i >= 0 && (best < 0 || i < best))
            best = i;
        free(schema);
    }
    return best < 0 ? NULL : util_vec_at(&m->functions, (size_t) best);
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
    pgr_function *fn;
    char *q;

    qualified_func(m, s->funcname, s->n_funcname, &schema, &name);
    if (name == NULL)
        return;
    q = util_xasprintf("%s.%s", schema, name);
    fn = find_function(m, q);
    free(q);
    if (fn == NULL) {
        fn = util_vec_push(&m->functions);
        fn->schema = util_xstrdup(schema);
        fn->name = util_xstrdup(name);
        fn->public_execute = m->default_public_execute;
    } else {
        /* CREATE OR REPLACE keeps privileges but resets the options. */
        free_loc(&fn->location);
        fn->prosecdef = 0;
        fn->search_path_set = 0;
    }
    fn->prokind = s->is_procedure ? 'p' : 'f';
    fn->location = copy_loc(loc);
    function_options(fn, s->options, s->n_options);
}

void
alter_function(model *m, const PgQuery__AlterFunctionStmt *s)
{
    char *q;
    pgr_function *fn;
    PgQuery__Node wrap = PG_QUERY__NODE__INIT;

    if (s->func == NULL)
        return;
    wrap.node_case = PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS;
    wrap.object_with_args = s->func;
    q = grant_object_name(m, &wrap, 0);
    fn = q ? find_function(m, q) : NULL;
    free(q);
    if (fn)
        function_options(fn, s->actions, s->n_actions);
}

void
free_function(pgr_function *fn)
{
    free((char *) fn->schema);
    free((char *) fn->name);
    free((char *) fn->language);
    free_loc(&fn->location);
}

void
drop_function(model *m, const PgQuery__Node *obj)
{
    char *q = grant_object_name(m, obj, 0);
    pgr_function *fn = q ? find_function(m, q) : NULL;

    if (fn) {
        size_t i = (size_t) (fn - (pgr_function *) m->functions.items);

        remove_acl_of(m, 'f', q);
        free_function(fn);
        memmove(fn, fn + 1, (m->functions.len - i - 1) * sizeof(pgr_function));
        m->functions.len--;
    }
    free(q);
    index_stale(&m->function_ix);
}

pgr_function *
model_put_function(model *m, const char *schema, const char *name, char prokind,
                   const char *language, const pgr_location *loc)
{
    char *q = util_xasprintf("%s.%s", schema, name);
    pgr_function *fn = find_function(m, q);

    free(q);
    /* Overloads share one entry, as in the replayed model. */
    if (fn)
        return fn;
    fn = util_vec_push(&m->functions);
    fn->schema = util_xstrdup(schema);
    fn->name = util_xstrdup(name);
    fn->prokind = prokind;
    fn->language = dup_or_null(language);
    fn->location = copy_loc(loc);
    return fn;
}
