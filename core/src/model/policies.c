/*
 * policies.c — row-level security policies: CREATE / ALTER / DROP POLICY,
 * their commands, roles and USING / WITH CHECK clauses (kept as text, with
 * whether they are constant true and the columns they read), and
 * model_put_policy for policies read from pg_policy.
 */
#include "model/model_internal.h"

void
free_policy(pgr_policy *p)
{
    size_t i;

    free((char *) p->schema);
    free((char *) p->table);
    free((char *) p->name);
    for (i = 0; i < p->n_roles; i++)
        free((char *) p->roles[i]);
    free((void *) p->roles);
    free((char *) p->qual);
    free((char *) p->with_check);
    free_loc(&p->location);
    free_loc(&p->qual_location);
    free_loc(&p->with_check_location);
    strs_free(p->columns_referenced, p->n_columns_referenced);
    free((char *) p->qual_canonical);
    free((char *) p->with_check_canonical);
}

/* Remove the policies of a table, or the one named name when non-NULL. */
void
remove_policies(model *m, const char *schema, const char *table, const char *name)
{
    size_t i, keep = 0;

    for (i = 0; i < m->policies.len; i++) {
        pgr_policy *p = util_vec_at(&m->policies, i);

        if (strcmp(p->schema, schema) == 0 && strcmp(p->table, table) == 0 &&
            (name == NULL || strcmp(p->name, name) == 0)) {
            touch_elem(m, TOUCH_POLICY, p);
            free_policy(p);
        } else
            *(pgr_policy *) util_vec_at(&m->policies, keep++) = *p;
    }
    m->policies.len = keep;
    index_stale(&m->policy_ix);
}

/* DROP POLICY name ON [schema.]table: the object is the list
 * [schema,] table, name. */
void
drop_policy(model *m, const PgQuery__Node *n)
{
    const PgQuery__List *l;
    const char *schema = m->default_schema, *table, *name;

    if (n->node_case != PG_QUERY__NODE__NODE_LIST || n->list->n_items < 2)
        return;
    l = n->list;
    name = l->items[l->n_items - 1]->string->sval;
    table = l->items[l->n_items - 2]->string->sval;
    if (l->n_items >= 3)
        schema = l->items[l->n_items - 3]->string->sval;
    remove_policies(m, schema, table, name);
}

static char
policy_cmd(const char *cmd_name)
{
    if (cmd_name == NULL || strcmp(cmd_name, "all") == 0)
        return '*';
    if (strcmp(cmd_name, "select") == 0)
        return 'r';
    if (strcmp(cmd_name, "insert") == 0)
        return 'a';
    if (strcmp(cmd_name, "update") == 0)
        return 'w';
    return 'd';
}

static void
set_policy_roles(pgr_policy *p, PgQuery__Node **roles, size_t n)
{
    const char **names;
    size_t i, k = 0;

    for (i = 0; i < p->n_roles; i++)
        free((char *) p->roles[i]);
    free((void *) p->roles);
    names = util_xcalloc(n ? n : 1, sizeof(char *));
    for (i = 0; i < n; i++) {
        const char *g = grantee_name(roles[i]);

        if (g)
            names[k++] = util_xstrdup(g);
    }
    if (k == 0)
        names[k++] = util_xstrdup("PUBLIC");
    p->roles = names;
    p->n_roles = k;
}

/* Record an expression clause (USING or WITH CHECK) of a policy. */
static void
set_clause(pgr_policy *policy, const sql_file *f, const sql_stmt *st, const PgQuery__Node *expr,
           const char *kw1, const char *kw2, const char **text, int *always_true, pgr_location *loc)
{
    size_t from, to;

    if (expr == NULL)
        return;
    free((char *) *text);
    free_loc(loc);
    *always_true = model_expr_always_true(expr);
    sql_node_walk(sql_node_wrap(expr), note_column, policy);
    if (sql_clause_span(f, st, kw1, kw2, &from, &to)) {
        while (from < to && (f->text[from] == ' ' || f->text[from] == '\n'))
            from++;
        *text = util_xstrndup(f->text + from, to - from);
        if (strcmp(kw1, "using") == 0) {
            free((char *) policy->qual_canonical);
            policy->qual_canonical = canonical_expr(*text, policy->schema, policy->table);
        } else {
            free((char *) policy->with_check_canonical);
            policy->with_check_canonical = canonical_expr(*text, policy->schema, policy->table);
        }
        sql_offset_location(f, from, to - from, loc);
    } else {
        *text = util_xstrdup("?");
        sql_stmt_location(f, st, loc);
    }
    loc->path = util_xstrdup(loc->path);
}

static pgr_policy *
find_policy(model *m, const PgQuery__RangeVar *rv, const char *name)
{
    long i;

    if (rv && rv->relname && name)
        touch_key(m, TOUCH_POLICY, 0, schema_of(m, rv->schemaname), rv->relname, name);
    i = rv && rv->relname && name
        ? index_find3(&m->policy_ix, &m->policies, policy_index_key, 0,
                      schema_of(m, rv->schemaname), rv->relname, name)
        : -1;

    return i < 0 ? NULL : util_vec_at(&m->policies, (size_t) i);
}

void
create_policy(model *m, const sql_file *f, const sql_stmt *st, const pgr_location *loc)
{
    const PgQuery__CreatePolicyStmt *s = st->node->create_policy_stmt;
    pgr_policy *p;

    if (s->table == NULL || s->policy_name == NULL || find_policy(m, s->table, s->policy_name))
        return;
    p = util_vec_push(&m->policies);
    p->schema = util_xstrdup(schema_of(m, s->table->schemaname));
    p->table = util_xstrdup(s->table->relname);
    p->name = util_xstrdup(s->policy_name);
    p->polpermissive = s->permissive;
    p->polcmd = policy_cmd(s->cmd_name);
    p->location = copy_loc(loc);
    set_policy_roles(p, s->roles, s->n_roles);
    set_clause(p, f, st, s->qual, "using", NULL, &p->qual, &p->qual_always_true,
               &p->qual_location);
    set_clause(p, f, st, s->with_check, "with", "check", &p->with_check,
               &p->with_check_always_true, &p->with_check_location);
}

void
alter_policy(model *m, const sql_file *f, const sql_stmt *st)
{
    const PgQuery__AlterPolicyStmt *s = st->node->alter_policy_stmt;
    pgr_policy *p = s->policy_name ? find_policy(m, s->table, s->policy_name) : NULL;

    if (p == NULL)
        return;
    if (s->n_roles > 0)
        set_policy_roles(p, s->roles, s->n_roles);
    /* The expressions are replaced: recollect their columns. */
    if (s->qual || s->with_check) {
        strs_free(p->columns_referenced, p->n_columns_referenced);
        p->columns_referenced = NULL;
        p->n_columns_referenced = 0;
    }
    set_clause(p, f, st, s->qual, "using", NULL, &p->qual, &p->qual_always_true,
               &p->qual_location);
    set_clause(p, f, st, s->with_check, "with", "check", &p->with_check,
               &p->with_check_always_true, &p->with_check_location);
}

/* Parse "SELECT <expr>" to judge a policy expression read as text. */
static void
live_clause(pgr_policy *p, const char *text, const char **out, int *always_true,
            pgr_location *loc, const pgr_location *where)
{
    char *sql;
    sql_file sub;

    if (text == NULL)
        return;
    *out = util_xstrdup(text);
    *loc = copy_loc(where);
    /* The text comes from the catalog, whose owner may be hostile: parse it
     * with sql_file_parse's depth limits before anything walks it. */
    sql = util_xasprintf("SELECT %s", text);
    sql_file_parse(&sub, "", sql, strlen(sql));
    free(sql);
    if (sub.errors.len == 0 && sub.stmts.len == 1) {
        const PgQuery__Node *st = ((const sql_stmt *) util_vec_at(&sub.stmts, 0))->node;

        if (out == &p->qual)
            p->qual_canonical = canonical_expr(text, p->schema, p->table);
        else
            p->with_check_canonical = canonical_expr(text, p->schema, p->table);
        if (st->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
            st->select_stmt->n_target_list == 1 &&
            st->select_stmt->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET) {
            const PgQuery__Node *e = st->select_stmt->target_list[0]->res_target->val;

            *always_true = model_expr_always_true(e);
            sql_node_walk(sql_node_wrap(e), note_column, p);
        }
    }
    sql_file_free(&sub);
}

void
model_put_policy(model *m, const char *schema, const char *table, const char *name,
                 int permissive, char polcmd, const char *const *roles, size_t n_roles,
                 const char *qual, const char *with_check, const pgr_location *loc)
{
    pgr_policy *p = util_vec_push(&m->policies);
    size_t i;

    p->schema = util_xstrdup(schema);
    p->table = util_xstrdup(table);
    p->name = util_xstrdup(name);
    p->polpermissive = permissive;
    p->polcmd = polcmd;
    p->location = copy_loc(loc);
    for (i = 0; i < n_roles; i++)
        strs_add(&p->roles, &p->n_roles, roles[i]);
    if (p->n_roles == 0)
        strs_add(&p->roles, &p->n_roles, "PUBLIC");
    live_clause(p, qual, &p->qual, &p->qual_always_true, &p->qual_location, loc);
    live_clause(p, with_check, &p->with_check, &p->with_check_always_true,
                &p->with_check_location, loc);
}
