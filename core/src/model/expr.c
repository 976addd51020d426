/*
 * expr.c — expression analysis for policy clauses: whether an expression
 * is constant true, and a canonical form of an expression's text (its parse
 * tree without locations or redundant ::text casts) so that clauses written
 * differently compare equal; also the column walker the clauses share.
 */
#include "model/model_internal.h"

#include <jansson.h>

static bool
const_equal(const PgQuery__Node *a, const PgQuery__Node *b)
{
    const PgQuery__AConst *x, *y;

    if (a->node_case != PG_QUERY__NODE__NODE_A_CONST || b->node_case != PG_QUERY__NODE__NODE_A_CONST)
        return false;
    x = a->a_const;
    y = b->a_const;
    if (x->isnull || y->isnull || x->val_case != y->val_case)
        return false;
    switch (x->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        return x->ival->ival == y->ival->ival;
    case PG_QUERY__A__CONST__VAL_SVAL:
        return strcmp(x->sval->sval, y->sval->sval) == 0;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        return x->boolval->boolval == y->boolval->boolval;
    case PG_QUERY__A__CONST__VAL_FVAL:
        return strcmp(x->fval->fval, y->fval->fval) == 0;
    default:
        return false;
    }
}

bool
model_expr_always_true(const PgQuery__Node *e)
{
    size_t i;

    if (e == NULL)
        return false;
    switch (e->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
        return e->a_const->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL && e->a_const->boolval->boolval;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        const PgQuery__AConst *c = e->type_cast->arg && e->type_cast->arg->node_case ==
            PG_QUERY__NODE__NODE_A_CONST ? e->type_cast->arg->a_const : NULL;

        if (c == NULL || c->val_case != PG_QUERY__A__CONST__VAL_SVAL)
            return model_expr_always_true(e->type_cast->arg);
        return strcmp(c->sval->sval, "t") == 0 || strcmp(c->sval->sval, "true") == 0;
    }
    case PG_QUERY__NODE__NODE_A_EXPR: {
        const PgQuery__AExpr *x = e->a_expr;

        return x->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP && x->n_name == 1 &&
            x->name[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
            strcmp(x->name[0]->string->sval, "=") == 0 && x->lexpr && x->rexpr &&
            const_equal(x->lexpr, x->rexpr);
    }
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
        const PgQuery__BoolExpr *b = e->bool_expr;
        bool all = b->n_args > 0;

        for (i = 0; i < b->n_args; i++) {
            bool t = model_expr_always_true(b->args[i]);

            if (b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR && t)
                return true;
            all = all && t;
        }
        return b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR && all;
    }
    default:
        return false;
    }
}

/* Drop "location" keys and ::text casts of string literals, recursively:
 * what is left is the same for an expression as written and as
 * pg_get_expr() deparses it.  Edits j in place; returns a new reference to
 * what replaces j (j itself, or the literal a cast wrapped). */
static json_t *
canonical_json(json_t *j)
{
    const char *key;
    json_t *v;
    void *tmp;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            json_array_set_new(j, i, canonical_json(v));
        return json_incref(j);
    }
    if (!json_is_object(j))
        return json_incref(j);
    json_object_foreach_safe(j, tmp, key, v) {
        if (strcmp(key, "location") == 0)
            json_object_del(j, key);
    }
    v = json_object_get(j, "TypeCast");
    if (v) {
        json_t *arg = json_object_get(v, "arg");
        json_t *names = json_object_get(json_object_get(v, "typeName"), "names");
        json_t *last = json_array_get(names, json_array_size(names) - 1);
        const char *type = json_string_value(json_object_get(json_object_get(last, "String"), "sval"));

        if (arg && json_object_get(arg, "A_Const") && type && strcmp(type, "text") == 0)
            return canonical_json(arg);
    }
    json_object_foreach(j, key, v)
        json_object_set_new(j, key, canonical_json(v));
    return json_incref(j);
}

/* The canonical text of an expression given as source text; NULL if it
 * does not parse.  Caller frees. */
char *
canonical_expr(const char *text)
{
    char *sql = util_xasprintf("SELECT %s", text), *out = NULL;
    PgQueryParseResult r = pg_query_parse(sql);
    json_t *j;

    free(sql);
    if (r.error == NULL && (j = json_loads(r.parse_tree, 0, NULL)) != NULL) {
        json_t *c = canonical_json(json_object_get(j, "stmts"));

        out = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(c);
        json_decref(j);
    }
    pg_query_free_parse_result(r);
    return out;
}

/* Collect the names of the columns an expression mentions (the last part
 * of each ColumnRef, at any depth, subqueries included). */
int
note_column(const pgr_node *node, void *arg)
{
    const ProtobufCMessage *msg = (const ProtobufCMessage *) node;
    pgr_policy *p = arg;
    const PgQuery__ColumnRef *c;

    if (msg->descriptor != &pg_query__column_ref__descriptor)
        return 0;
    c = (const PgQuery__ColumnRef *) msg;
    if (c->n_fields > 0 && c->fields[c->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
        strs_add(&p->columns_referenced, &p->n_columns_referenced,
                 c->fields[c->n_fields - 1]->string->sval);
    return 0;
}
