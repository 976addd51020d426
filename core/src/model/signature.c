/*
 * signature.c — a function's identity argument list, as PostgreSQL prints
 * it: "integer, text[], public.mood".  PostgreSQL tells overloads apart by
 * their input argument types (pg_proc.proargtypes: IN, INOUT and VARIADIC
 * arguments, not OUT or TABLE ones), so the model keys functions by schema,
 * name and this list.  The live reader prints pg_catalog.format_type() of
 * each proargtypes entry under an empty search_path; this file prints a
 * replayed TypeName the same way: built-in types by format_type's name
 * (int4 -> integer, varchar -> character varying), others schema-qualified,
 * one "[]" for any array bounds, no type modifiers (a function's arguments
 * have none).  Source: PostgreSQL docs, CREATE FUNCTION ("argtype") and
 * DROP FUNCTION; format_type() in System Information Functions.
 */
#include "model/model_internal.h"

/*
 * pg_catalog's types whose format_type() name differs from pg_type.typname,
 * then the others a migration may name (PostgreSQL 15, arrays and composite
 * row types left out), sorted by typname for bsearch.
 */
static const struct builtin_type {
    const char *typname;
    const char *printed;
} builtin_types[] = {
    { "aclitem", "aclitem" }, { "any", "\"any\"" }, { "anyarray", "anyarray" },
    { "anycompatible", "anycompatible" }, { "anycompatiblearray", "anycompatiblearray" },
    { "anycompatiblemultirange", "anycompatiblemultirange" },
    { "anycompatiblenonarray", "anycompatiblenonarray" },
    { "anycompatiblerange", "anycompatiblerange" }, { "anyelement", "anyelement" },
    { "anyenum", "anyenum" }, { "anymultirange", "anymultirange" },
    { "anynonarray", "anynonarray" }, { "anyrange", "anyrange" }, { "bit", "bit" },
    { "bool", "boolean" }, { "box", "box" }, { "bpchar", "character" }, { "bytea", "bytea" },
    { "char", "\"char\"" }, { "cid", "cid" }, { "cidr", "cidr" }, { "circle", "circle" },
    { "cstring", "cstring" }, { "date", "date" }, { "datemultirange", "datemultirange" },
    { "daterange", "daterange" }, { "event_trigger", "event_trigger" },
    { "fdw_handler", "fdw_handler" }, { "float4", "real" }, { "float8", "double precision" },
    { "gtsvector", "gtsvector" }, { "index_am_handler", "index_am_handler" }, { "inet", "inet" },
    { "int2", "smallint" }, { "int2vector", "int2vector" }, { "int4", "integer" },
    { "int4multirange", "int4multirange" }, { "int4range", "int4range" }, { "int8", "bigint" },
    { "int8multirange", "int8multirange" }, { "int8range", "int8range" },
    { "internal", "internal" }, { "interval", "interval" }, { "json", "json" },
    { "jsonb", "jsonb" }, { "jsonpath", "jsonpath" }, { "language_handler", "language_handler" },
    { "line", "line" }, { "lseg", "lseg" }, { "macaddr", "macaddr" }, { "macaddr8", "macaddr8" },
    { "money", "money" }, { "name", "name" }, { "numeric", "numeric" },
    { "nummultirange", "nummultirange" }, { "numrange", "numrange" }, { "oid", "oid" },
    { "oidvector", "oidvector" }, { "path", "path" }, { "pg_ddl_command", "pg_ddl_command" },
    { "pg_lsn", "pg_lsn" }, { "pg_node_tree", "pg_node_tree" }, { "pg_snapshot", "pg_snapshot" },
    { "point", "point" }, { "polygon", "polygon" }, { "record", "record" },
    { "refcursor", "refcursor" }, { "regclass", "regclass" }, { "regcollation", "regcollation" },
    { "regconfig", "regconfig" }, { "regdictionary", "regdictionary" },
    { "regnamespace", "regnamespace" }, { "regoper", "regoper" }, { "regoperator", "regoperator" },
    { "regproc", "regproc" }, { "regprocedure", "regprocedure" }, { "regrole", "regrole" },
    { "regtype", "regtype" }, { "table_am_handler", "table_am_handler" }, { "text", "text" },
    { "tid", "tid" }, { "time", "time without time zone" },
    { "timestamp", "timestamp without time zone" },
    { "timestamptz", "timestamp with time zone" }, { "timetz", "time with time zone" },
    { "trigger", "trigger" }, { "tsm_handler", "tsm_handler" },
    { "tsmultirange", "tsmultirange" }, { "tsquery", "tsquery" }, { "tsrange", "tsrange" },
    { "tstzmultirange", "tstzmultirange" }, { "tstzrange", "tstzrange" },
    { "tsvector", "tsvector" }, { "txid_snapshot", "txid_snapshot" }, { "unknown", "unknown" },
    { "uuid", "uuid" }, { "varbit", "bit varying" }, { "varchar", "character varying" },
    { "void", "void" }, { "xid", "xid" }, { "xid8", "xid8" }, { "xml", "xml" },
};

static int
builtin_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct builtin_type *) elem)->typname);
}

/* format_type()'s name of pg_catalog type typname, or NULL if not one. */
static const char *
builtin_name(const char *typname)
{
    const struct builtin_type *b = bsearch(typname, builtin_types,
                                           sizeof builtin_types / sizeof builtin_types[0],
                                           sizeof builtin_types[0], builtin_cmp);

    return b ? b->printed : NULL;
}

/* An identifier as quote_ident() prints it: bare when lower-case letters,
 * digits and underscores not starting with a digit, else double-quoted. */
static void
put_ident(util_buf *b, const char *s)
{
    size_t i;
    bool bare = s[0] != '\0' && !(s[0] >= '0' && s[0] <= '9');

    for (i = 0; bare && s[i]; i++)
        bare = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
    if (bare) {
        util_buf_printf(b, "%s", s);
        return;
    }
    util_buf_puts(b, "\"");
    for (i = 0; s[i]; i++) {
        /* A double quote inside is doubled. */
        if (s[i] == '"')
            util_buf_puts(b, "\"");
        util_buf_append(b, s + i, 1);
    }
    util_buf_puts(b, "\"");
}

/*
 * Append type t as format_type() prints it under an empty search_path.
 * Unqualified names that are not built-in are taken to be in the session's
 * first schema (m->default_schema), where CREATE TYPE would have put them.
 * A %TYPE reference (its column's type is not modelled) is printed as
 * written.
 */
static void
put_type(const model *m, const PgQuery__TypeName *t, util_buf *b)
{
    const char *schema = NULL, *name = NULL, *builtin;
    size_t i;

    if (t->pct_type) {
        for (i = 0; i < t->n_names; i++)
            if (t->names[i]->node_case == PG_QUERY__NODE__NODE_STRING)
                util_buf_printf(b, "%s%s", i ? "." : "", t->names[i]->string->sval);
        util_buf_printf(b, "%%TYPE");
        return;
    }
    if (t->n_names >= 1 && t->names[t->n_names - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
        name = t->names[t->n_names - 1]->string->sval;
    if (t->n_names >= 2 && t->names[t->n_names - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
        schema = t->names[t->n_names - 2]->string->sval;
    if (name == NULL) {
        util_buf_printf(b, "?");
        return;
    }
    builtin = (schema == NULL || strcmp(schema, "pg_catalog") == 0) ? builtin_name(name) : NULL;
    if (builtin)
        util_buf_printf(b, "%s", builtin);
    else if (schema && strcmp(schema, "pg_catalog") == 0)
        put_ident(b, name);
    else {
        put_ident(b, schema ? schema : m->default_schema);
        util_buf_printf(b, ".");
        put_ident(b, name);
    }
    if (t->n_array_bounds > 0)
        util_buf_printf(b, "[]");
}

/*
 * The input argument type an argument node gives: a TypeName node itself
 * (ObjectWithArgs' objargs, where the parser already left OUT arguments
 * out), or a FunctionParameter's type unless it is an OUT or TABLE column
 * (results, not part of the identity).  NULL for anything else.
 */
static const PgQuery__TypeName *
input_type(const PgQuery__Node *n)
{
    const PgQuery__FunctionParameter *p;

    if (n->node_case == PG_QUERY__NODE__NODE_TYPE_NAME)
        return n->type_name;
    if (n->node_case != PG_QUERY__NODE__NODE_FUNCTION_PARAMETER)
        return NULL;
    p = n->function_parameter;
    if (p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT ||
        p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE)
        return NULL;
    return p->arg_type;
}

char *
signature_of(const model *m, PgQuery__Node *const *args, size_t n)
{
    util_buf b;
    size_t i, k = 0;

    util_buf_init(&b);
    for (i = 0; i < n; i++) {
        const PgQuery__TypeName *t = input_type(args[i]);

        if (t == NULL)
            continue;
        if (k++)
            util_buf_puts(&b, ", ");
        put_type(m, t, &b);
    }
    return b.data;
}

bool
signature_is_trigger(const PgQuery__TypeName *rt)
{
    const char *name, *schema = NULL;

    if (rt == NULL || rt->n_names == 0 || rt->names[rt->n_names - 1]->node_case != PG_QUERY__NODE__NODE_STRING)
        return false;
    name = rt->names[rt->n_names - 1]->string->sval;
    if (rt->n_names >= 2 && rt->names[rt->n_names - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
        schema = rt->names[rt->n_names - 2]->string->sval;
    return (schema == NULL || strcmp(schema, "pg_catalog") == 0) && rt->n_array_bounds == 0 &&
        (strcmp(name, "trigger") == 0 || strcmp(name, "event_trigger") == 0);
}

/* --- column types, with their modifiers ----------------------------------- */

/* The integer type modifiers of t into mods (at most 2); -1 when one is not
 * an integer constant (a type of an extension: PostGIS' geometry(Point,
 * 4326)), else how many. */
static int
int_typmods(const PgQuery__TypeName *t, long mods[2])
{
    size_t i;

    if (t->n_typmods > 2)
        return -1;
    for (i = 0; i < t->n_typmods; i++) {
        const PgQuery__Node *n = t->typmods[i];

        if (n->node_case != PG_QUERY__NODE__NODE_A_CONST ||
            n->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL)
            return -1;
        mods[i] = n->a_const->ival ? n->a_const->ival->ival : 0;
    }
    return (int) t->n_typmods;
}

/*
 * Append built-in type typname with its modifiers as format_type() prints
 * them (utils/adt/format_type.c and the types' typmodout functions):
 * "character varying(255)", "numeric(10,2)", "timestamp(3) with time zone".
 * Returns false for a modifier this does not know how to print (interval's
 * field masks).
 */
static bool
put_builtin_with_mods(util_buf *b, const char *typname, const char *printed, const long *mods, int n)
{
    static const char *const precision_types[][2] = {
        { "time", " without time zone" }, { "timetz", " with time zone" },
        { "timestamp", " without time zone" }, { "timestamptz", " with time zone" },
    };
    size_t i;

    if (n == 0) {
        util_buf_puts(b, printed);
        return true;
    }
    if (strcmp(typname, "numeric") == 0) {
        util_buf_printf(b, "numeric(%ld,%ld)", mods[0], n == 2 ? mods[1] : 0L);
        return true;
    }
    if (n != 1)
        return false;
    for (i = 0; i < sizeof precision_types / sizeof precision_types[0]; i++) {
        if (strcmp(typname, precision_types[i][0]) == 0) {
            util_buf_printf(b, "%s(%ld)%s", strncmp(typname, "timestamp", 9) == 0 ? "timestamp" : "time",
                            mods[0], precision_types[i][1]);
            return true;
        }
    }
    if (strcmp(typname, "varchar") == 0 || strcmp(typname, "bpchar") == 0 ||
        strcmp(typname, "bit") == 0 || strcmp(typname, "varbit") == 0) {
        util_buf_printf(b, "%s(%ld)", printed, mods[0]);
        return true;
    }
    return false;
}

/* serial and friends are integers with a sequence default (PostgreSQL
 * docs 8.1.4 Serial Types): format_type() prints the integer type. */
static const char *
serial_type(const char *name)
{
    if (strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0)
        return "integer";
    if (strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0)
        return "bigint";
    if (strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0)
        return "smallint";
    return NULL;
}

char *
column_type_of(const model *m, const PgQuery__TypeName *t)
{
    const char *schema = NULL, *name = NULL, *builtin = NULL;
    long mods[2] = { 0, 0 };
    int n;
    util_buf b;

    if (t == NULL || t->pct_type || (n = int_typmods(t, mods)) < 0)
        return NULL;
    if (t->n_names >= 1 && t->names[t->n_names - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
        name = t->names[t->n_names - 1]->string->sval;
    if (t->n_names >= 2 && t->names[t->n_names - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
        schema = t->names[t->n_names - 2]->string->sval;
    if (name == NULL || t->n_names > 2)
        return NULL;
    util_buf_init(&b);
    if (schema == NULL && serial_type(name) && n == 0 && t->n_array_bounds == 0) {
        util_buf_puts(&b, serial_type(name));
        return b.data;
    }
    if (schema == NULL || strcmp(schema, "pg_catalog") == 0)
        builtin = builtin_name(name);
    if (builtin ? !put_builtin_with_mods(&b, name, builtin, mods, n) : n > 0) {
        util_buf_free(&b);
        return NULL;
    }
    if (builtin == NULL) {
        if (schema && strcmp(schema, "pg_catalog") == 0) {
            put_ident(&b, name);
        } else {
            put_ident(&b, schema ? schema : m->default_schema);
            util_buf_puts(&b, ".");
            put_ident(&b, name);
        }
    }
    if (t->n_array_bounds > 0)
        util_buf_puts(&b, "[]");
    return b.data;
}

char *
type_display_name(const char *schema, const char *name)
{
    util_buf b;

    util_buf_init(&b);
    put_ident(&b, schema);
    util_buf_puts(&b, ".");
    put_ident(&b, name);
    return b.data;
}
