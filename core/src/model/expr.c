/*
 * expr.c — expression analysis for policy clauses: whether an expression
 * is constant true, and a canonical form of an expression's text (its parse
 * tree with names resolved and PostgreSQL's added casts dropped) so that a
 * clause as written and as deparsed compare equal; also the column walker
 * the clauses share.
 */
#include "model/model_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>

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

/*
 * Canonical expressions.  A policy's clause as the migration wrote it and
 * as pg_get_expr() deparses it from the catalog differ in ways that do not
 * change its meaning, so drift/policy-changed compares parse trees after
 * rewriting both the same way:
 *  - locations are dropped (parentheses and spacing leave no other trace);
 *  - casts PostgreSQL adds are dropped: any cast of a string literal
 *    ('x'::text, 'app_web'::name, '-1'::integer) and a column's cast to
 *    text or varchar; a literal that spells a number becomes that number;
 *  - x IN (a, b) becomes x = ANY (ARRAY[a, b]) (x NOT IN ... <> ALL),
 *    x BETWEEN a AND b becomes x >= a AND x <= b (NOT: x < a OR x > b),
 *    LIKE / ILIKE become the operators ~~ / ~~* they are, nested AND / OR
 *    are flattened, and an output column's name in a sub-select (pg_get_expr
 *    writes "SELECT auth.uid() AS uid") is dropped;
 *  - the schema qualifier pg_catalog, public or the policy's own schema is
 *    dropped from relations, functions and types (pg_get_expr qualifies
 *    what the audit's empty search_path does not show, and drops what it
 *    does);
 *  - every column is named by the position of the range entry it resolves
 *    to, and aliases' names are dropped: an unqualified column at the top
 *    is the policy's own table's, a sub-select's is its FROM item's, and
 *    users.tenant_id and tenant_id are the same column when users is the
 *    policy's table.  A column of a sub-select with several FROM items is
 *    only known to be in that scope.
 */

#define CANON_MAX_SCOPES 64

/* The FROM items of one SELECT, each by its tag: its alias, else its
 * relation's name ("" for an unnamed sub-select or function). */
typedef struct canon_scope {
    json_t *tags;       /* array of strings */
} canon_scope;

typedef struct canon_ctx {
    const char *sql;        /* the parsed text, to read integer literals back */
    size_t sql_len;         /* its length in bytes */
    const char *schema;     /* the policy's schema; may be NULL */
    const char *table;      /* the policy's table; may be NULL */
    canon_scope scopes[CANON_MAX_SCOPES];
    size_t depth;
} canon_ctx;

static json_t *canonical_json(canon_ctx *cx, json_t *j);

static const char *
str_of(json_t *node)
{
    return json_string_value(json_object_get(json_object_get(node, "String"), "sval"));
}

/* Whether a schema qualifier is one the two sides may disagree on showing. */
static int
droppable_schema(const canon_ctx *cx, const char *s)
{
    return s && (strcmp(s, "pg_catalog") == 0 || strcmp(s, "public") == 0 ||
                 (cx->schema && strcmp(s, cx->schema) == 0));
}

/* Drop a droppable schema from a qualified name list (funcname, names). */
static void
drop_name_schema(const canon_ctx *cx, json_t *names)
{
    if (json_is_array(names) && json_array_size(names) == 2 &&
        droppable_schema(cx, str_of(json_array_get(names, 0))))
        json_array_remove(names, 0);
}

/* A string literal ({"A_Const": ...}) as the number it spells, or as
 * itself.  Returns a new reference. */
static json_t *
literal_value(json_t *literal)
{
    json_t *aconst = json_object_get(literal, "A_Const");
    const char *s = json_string_value(json_object_get(json_object_get(aconst, "sval"), "sval"));
    char *end;
    long v;

    if (s == NULL || *s == '\0')
        return json_incref(literal);
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end == '\0' && errno == 0 && v >= INT32_MIN && v <= INT32_MAX)
        return v == 0 ? json_pack("{s:{s:{}}}", "A_Const", "ival")
                      : json_pack("{s:{s:{s:I}}}", "A_Const", "ival", "ival", (json_int_t) v);
    if (strspn(s, "-0123456789.") == strlen(s) && strchr(s, '.') && strchr(s, '.') == strrchr(s, '.'))
        return json_pack("{s:{s:{s:s}}}", "A_Const", "fval", "fval", s);
    return json_incref(literal);
}

/*
 * libpg_query's JSON writes every integer literal that is not positive as
 * {"ival": {}}, so -1, -5 and 0 would look the same: read the value back
 * from the text at the literal's location (edits aconst in place; called
 * before locations are dropped).
 */
static void
integer_from_text(const canon_ctx *cx, json_t *aconst)
{
    json_t *ival = json_object_get(aconst, "ival");
    json_int_t at = json_integer_value(json_object_get(aconst, "location"));
    char *end;
    long v;

    if (!json_is_object(ival) || json_object_get(ival, "ival") || at < 0 ||
        (size_t) at >= cx->sql_len)
        return;
    errno = 0;
    v = strtol(cx->sql + at, &end, 10);
    if (errno == 0 && end != cx->sql + at && v != 0)
        json_object_set_new(ival, "ival", json_integer(v));
}

/* The replacement of a TypeCast PostgreSQL may have added, or NULL to keep
 * the cast. */
static json_t *
strip_cast(canon_ctx *cx, json_t *cast)
{
    json_t *arg = json_object_get(cast, "arg");
    json_t *names = json_object_get(json_object_get(cast, "typeName"), "names");
    const char *type = str_of(json_array_get(names, json_array_size(names) - 1));
    json_t *inner, *out;

    if (arg == NULL || type == NULL)
        return NULL;
    if (json_object_get(arg, "A_Const") &&
        json_object_get(json_object_get(arg, "A_Const"), "sval")) {
        inner = canonical_json(cx, arg);
        out = literal_value(inner);
        json_decref(inner);
        return out;
    }
    if (json_object_get(arg, "ColumnRef") &&
        (strcmp(type, "text") == 0 || strcmp(type, "varchar") == 0))
        return canonical_json(cx, arg);
    return NULL;
}

/* IN lists, LIKE and ILIKE as the operators PostgreSQL stores. */
static void
normalise_a_expr(json_t *e)
{
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *op = str_of(json_array_get(json_object_get(e, "name"), 0));
    json_t *items;

    if (kind == NULL)
        return;
    if (strcmp(kind, "AEXPR_LIKE") == 0 || strcmp(kind, "AEXPR_ILIKE") == 0) {
        json_object_set_new(e, "kind", json_string("AEXPR_OP"));
    } else if (strcmp(kind, "AEXPR_IN") == 0 && op &&
               (items = json_object_get(json_object_get(json_object_get(e, "rexpr"), "List"), "items"))) {
        json_object_set_new(e, "kind", json_string(strcmp(op, "=") == 0 ? "AEXPR_OP_ANY" : "AEXPR_OP_ALL"));
        json_object_set_new(e, "rexpr", json_pack("{s:{s:O}}", "A_ArrayExpr", "elements", items));
    }
}

static json_t *
op_expr(const char *op, json_t *l, json_t *r)
{
    return json_pack("{s:{s:s,s:[{s:{s:s}}],s:o,s:o}}", "A_Expr", "kind", "AEXPR_OP", "name", "String",
                     "sval", op, "lexpr", l, "rexpr", r);
}

/* x BETWEEN a AND b as (x >= a AND x <= b), NOT BETWEEN as (x < a OR x > b):
 * how PostgreSQL stores them.  A new reference, or NULL for anything else. */
static json_t *
between_as_bool(json_t *e)
{
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *name = str_of(json_array_get(json_object_get(e, "name"), 0));
    json_t *x = json_object_get(e, "lexpr");
    json_t *ab = json_object_get(json_object_get(json_object_get(e, "rexpr"), "List"), "items");
    int not;

    if (kind == NULL || name == NULL || x == NULL || json_array_size(ab) != 2 ||
        (strcmp(kind, "AEXPR_BETWEEN") != 0 && strcmp(kind, "AEXPR_NOT_BETWEEN") != 0))
        return NULL;
    not = strcmp(kind, "AEXPR_NOT_BETWEEN") == 0;
    return json_pack("{s:{s:s,s:[o,o]}}", "BoolExpr", "boolop", not ? "OR_EXPR" : "AND_EXPR", "args",
                     op_expr(not ? "<" : ">=", json_deep_copy(x), json_deep_copy(json_array_get(ab, 0))),
                     op_expr(not ? ">" : "<=", json_deep_copy(x), json_deep_copy(json_array_get(ab, 1))));
}

/* (a AND b) AND c as a AND b AND c, in place. */
static void
flatten_bool(json_t *b)
{
    json_t *args = json_object_get(b, "args"), *flat;
    const char *op = json_string_value(json_object_get(b, "boolop"));
    size_t i, k;
    json_t *a, *v;

    if (!json_is_array(args) || op == NULL || strcmp(op, "NOT_EXPR") == 0)
        return;
    flat = json_array();
    json_array_foreach(args, i, a) {
        json_t *inner = json_object_get(a, "BoolExpr");
        const char *iop = json_string_value(json_object_get(inner, "boolop"));

        if (iop && strcmp(iop, op) == 0 && json_is_array(json_object_get(inner, "args"))) {
            json_array_foreach(json_object_get(inner, "args"), k, v)
                json_array_append(flat, v);
        } else {
            json_array_append(flat, a);
        }
    }
    json_object_set_new(b, "args", flat);
}

/* Add the FROM items under item (a RangeVar, JoinExpr, sub-select or
 * function) to scope s. */
static void
scope_add(canon_scope *s, json_t *item)
{
    json_t *rv = json_object_get(item, "RangeVar"), *join = json_object_get(item, "JoinExpr");
    json_t *alias = NULL;
    const char *relname = "";

    if (join) {
        scope_add(s, json_object_get(join, "larg"));
        scope_add(s, json_object_get(join, "rarg"));
        return;
    }
    if (rv) {
        relname = json_string_value(json_object_get(rv, "relname"));
        alias = json_object_get(rv, "alias");
    } else if (json_object_get(item, "RangeSubselect")) {
        alias = json_object_get(json_object_get(item, "RangeSubselect"), "alias");
    } else if (json_object_get(item, "RangeFunction")) {
        alias = json_object_get(json_object_get(item, "RangeFunction"), "alias");
    }
    alias = json_object_get(alias, "aliasname");
    if (relname == NULL)
        relname = "";
    json_array_append_new(s->tags, json_string(alias ? json_string_value(alias) : relname));
}

/*
 * The range entry a column resolves to, by position: "#depth.index" of its
 * FROM item, or "#depth.*" when the scope has several (pg_get_expr
 * qualifies a join's columns the migration may leave unqualified),
 * so that aliases, which pg_get_expr may invent (users users_1 for a
 * policy's own table read again in a sub-select), do not count.  q is the
 * qualifier (NULL when unqualified), searched from the innermost SELECT
 * out.  Returns 0 when q names no FROM item (something not tracked).
 */
static int
resolve_column(const canon_ctx *cx, const char *q, char *tag, size_t size)
{
    size_t d, i;

    for (d = cx->depth; d-- > 0;) {
        const canon_scope *s = &cx->scopes[d];
        size_t n = json_array_size(s->tags);

        if (n == 0)
            continue;
        if (q == NULL) {
            if (n == 1)
                snprintf(tag, size, "#%zu.0", d);
            else
                snprintf(tag, size, "#%zu.*", d);
            return 1;
        }
        for (i = 0; i < n; i++) {
            /* The policy's own table matches by the name it has now: a
             * table renamed after its policy was written keeps it. */
            if (d == 0 ? cx->table && strcmp(cx->table, q) == 0
                       : strcmp(json_string_value(json_array_get(s->tags, i)), q) == 0) {
                if (n == 1)
                    snprintf(tag, size, "#%zu.%zu", d, i);
                else
                    snprintf(tag, size, "#%zu.*", d);
                return 1;
            }
        }
    }
    return 0;
}

/* Rewrite a ColumnRef's fields to [tag, column]. */
static void
resolve_column_ref(canon_ctx *cx, json_t *ref)
{
    json_t *fields = json_object_get(ref, "fields");
    size_t n = json_array_size(fields);
    const char *col;
    char tag[48];

    if (n == 3 && droppable_schema(cx, str_of(json_array_get(fields, 0)))) {
        json_array_remove(fields, 0);
        n = 2;
    }
    if (n < 1 || n > 2 || (col = str_of(json_array_get(fields, n - 1))) == NULL ||
        !resolve_column(cx, n == 2 ? str_of(json_array_get(fields, 0)) : NULL, tag, sizeof tag))
        return;
    json_object_set_new(ref, "fields", json_pack("[{s:{s:s}},{s:{s:s}}]", "String", "sval", tag,
                                                 "String", "sval", col));
}

/* Canonicalise a SELECT's members inside the scope of its FROM items. */
static void
canonical_select(canon_ctx *cx, json_t *sel)
{
    json_t *from = json_object_get(sel, "fromClause"), *v;
    const char *key;
    size_t i;
    int pushed = cx->depth < CANON_MAX_SCOPES;

    if (pushed) {
        canon_scope *s = &cx->scopes[cx->depth++];

        s->tags = json_array();
        json_array_foreach(from, i, v)
            scope_add(s, v);
    }
    json_object_foreach(sel, key, v)
        json_object_set_new(sel, key, canonical_json(cx, v));
    if (pushed) {
        cx->depth--;
        json_decref(cx->scopes[cx->depth].tags);
    }
}

/* Canonicalise j (see above), editing it in place; returns a new reference
 * to what replaces j (j itself, or what a dropped cast wrapped). */
static json_t *
canonical_json(canon_ctx *cx, json_t *j)
{
    const char *key;
    json_t *v;
    void *tmp;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            json_array_set_new(j, i, canonical_json(cx, v));
        return json_incref(j);
    }
    if (!json_is_object(j))
        return json_incref(j);
    if (json_object_get(j, "ival") && json_object_get(j, "location"))
        integer_from_text(cx, j);
    json_object_foreach_safe(j, tmp, key, v) {
        if (strcmp(key, "location") == 0)
            json_object_del(j, key);
    }
    /* A string literal as the number it spells, cast or not: '5' as written
     * is '5'::text deparsed. */
    if ((v = json_object_get(j, "A_Const")) != NULL && json_object_get(v, "sval")) {
        json_object_del(v, "location");
        return literal_value(j);
    }
    if ((v = json_object_get(j, "TypeCast")) != NULL) {
        json_t *out = strip_cast(cx, v);

        if (out)
            return out;
    }
    if ((v = json_object_get(j, "A_Expr")) != NULL) {
        json_t *b = between_as_bool(v);

        if (b) {
            json_t *out = canonical_json(cx, b);

            json_decref(b);
            return out;
        }
        normalise_a_expr(v);
    }
    if (json_is_object(v = json_object_get(j, "alias"))) {
        /* Scopes are positional: an alias's name says nothing. */
        json_object_del(v, "aliasname");
        if (json_object_size(v) == 0)
            json_object_del(j, "alias");
    }
    if ((v = json_object_get(j, "ResTarget")) != NULL)
        json_object_del(v, "name");
    if ((v = json_object_get(j, "RangeVar")) != NULL && droppable_schema(cx, json_string_value(
            json_object_get(v, "schemaname"))))
        json_object_del(v, "schemaname");
    if ((v = json_object_get(j, "FuncCall")) != NULL)
        drop_name_schema(cx, json_object_get(v, "funcname"));
    if (json_object_get(j, "names") && json_object_get(j, "typemod"))
        drop_name_schema(cx, json_object_get(j, "names"));
    if ((v = json_object_get(j, "ColumnRef")) != NULL) {
        json_object_del(v, "location");
        resolve_column_ref(cx, v);
        return json_incref(j);
    }
    if ((v = json_object_get(j, "SelectStmt")) != NULL) {
        canonical_select(cx, v);
        return json_incref(j);
    }
    json_object_foreach(j, key, v)
        json_object_set_new(j, key, canonical_json(cx, v));
    /* After the arguments: a BETWEEN among them has become an AND. */
    if ((v = json_object_get(j, "BoolExpr")) != NULL)
        flatten_bool(v);
    return json_incref(j);
}

/* The canonical text of a policy clause given as source text (see above),
 * for a policy on schema.table (schema may be NULL: no own schema to drop);
 * NULL if it does not parse.  Caller frees. */
char *
canonical_expr(const char *text, const char *schema, const char *table)
{
    char *sql = util_xasprintf("SELECT %s", text), *out = NULL;
    PgQueryParseResult r = pg_query_parse(sql);
    canon_ctx cx;
    json_t *j;

    memset(&cx, 0, sizeof cx);
    cx.sql = sql;
    cx.sql_len = strlen(sql);
    cx.schema = schema;
    cx.table = table;
    /* The outermost scope: the policy's own table. */
    cx.scopes[0].tags = json_pack("[s]", "");
    cx.depth = 1;
    if (r.error == NULL && (j = json_loads(r.parse_tree, 0, NULL)) != NULL) {
        json_t *c = canonical_json(&cx, json_object_get(j, "stmts"));

        out = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(c);
        json_decref(j);
    }
    json_decref(cx.scopes[0].tags);
    pg_query_free_parse_result(r);
    free(sql);
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
