/*
 * policies.c — row-level security policies: CREATE / ALTER / DROP POLICY,
 * their commands, roles and USING / WITH CHECK clauses (kept as text, with
 * whether they are constant true and the columns they read), and
 * model_put_policy for policies read from pg_policy.
 */
#include "model/model_internal.h"

#include <ctype.h>

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

/* Remove policy i (touched, out of the index by name). */
static void
remove_policy_at(model *m, size_t i)
{
    pgr_policy *p = util_vec_at(&m->policies, i);

    touch_elem(m, TOUCH_POLICY, p);
    index_removed(&m->policy_ix, m->dup_keys, policy_index_key, i, p);
    elem_bury(m, JV_POLICIES, i);
}

/* Remove the policies of a table, or the one named name when non-NULL. */
void
remove_policies(model *m, const char *schema, const char *table, const char *name)
{
    util_vec pos;
    size_t k;
    long at;

    /* One policy: by its name (a table of 20,000 policies listed them all
     * for each DROP POLICY); a rename may have made two alike. */
    if (name != NULL) {
        while ((at = index_find3(&m->policy_ix, &m->policies, policy_index_key, 0, schema, table, name)) >= 0)
            remove_policy_at(m, (size_t) at);
        return;
    }
    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_POLICIES, &m->policy_groups, policy_owner, 0, schema, table, &pos);
    for (k = 0; k < pos.len; k++)
        remove_policy_at(m, *(size_t *) util_vec_at(&pos, k));
    util_vec_free(&pos);
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
    journal_push(m, JV_POLICIES);
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
    journal_change(m, JV_POLICIES, (size_t) (p - (pgr_policy *) m->policies.items));
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

/* Whether needle occurs in hay, ASCII letters compared case-insensitively
 * (PostgreSQL folds unquoted identifiers to lower case, ASCII only). */
static bool
contains_ascii_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle), i, k;

    for (i = 0; hay[i]; i++) {
        for (k = 0; k < n && hay[i + k]; k++)
            if (tolower((unsigned char) hay[i + k]) != tolower((unsigned char) needle[k]))
                break;
        if (k == n)
            return true;
    }
    return false;
}

/*
 * Whether canonical_expr(text, schema, table) is the same for every schema
 * and table the text cannot name.  canonical_expr compares the schema with
 * qualifiers and the table with column qualifiers, all identifiers of the
 * text: an unquoted identifier is a (case-folded, maybe truncated) piece of
 * the text, so a name that is not in it, in any case, matches none.  A
 * quoted one may differ from its bytes ("a""b", U&"\0061"): any '"' makes
 * the answer no.
 */
static bool
canonical_is_generic(const char *text, const char *schema, const char *table)
{
    return strchr(text, '"') == NULL && (schema == NULL || !contains_ascii_ci(text, schema)) &&
           (table == NULL || !contains_ascii_ci(text, table));
}

/* Parse "SELECT <text>" into a new cache entry (the parse facts only). */
static void
clause_entry_fill(clause_entry *e, const char *text)
{
    char *sql = util_xasprintf("SELECT %s", text);
    sql_file sub;
    pgr_policy cols;

    memset(e, 0, sizeof *e);
    memset(&cols, 0, sizeof cols);
    /* The text comes from the catalog, whose owner may be hostile: parse it
     * with sql_file_parse's depth limits before anything walks it. */
    sql_file_parse(&sub, "", sql, strlen(sql));
    free(sql);
    if (sub.errors.len == 0 && sub.stmts.len == 1) {
        const PgQuery__Node *st = ((const sql_stmt *) util_vec_at(&sub.stmts, 0))->node;

        e->parsed = true;
        if (st->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
            st->select_stmt->n_target_list == 1 &&
            st->select_stmt->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET) {
            const PgQuery__Node *x = st->select_stmt->target_list[0]->res_target->val;

            e->is_target = true;
            e->always_true = model_expr_always_true(x);
            sql_node_walk(sql_node_wrap(x), note_column, &cols);
            e->columns = cols.columns_referenced;
            e->n_columns = cols.n_columns_referenced;
        }
    }
    sql_file_free(&sub);
}

/* The cache entry of a clause text, parsed on first use (counted in
 * m->clauses_parsed, which the audit reports). */
static clause_entry *
clause_lookup(model *m, const char *text)
{
    size_t len = strlen(text), i;

    if (!util_map_get(&m->clause_cache_ix, text, len, &i)) {
        clause_entry_fill(util_vec_push(&m->clause_cache), text);
        m->clauses_parsed++;
        i = m->clause_cache.len - 1;
        util_map_add(&m->clause_cache_ix, text, len, i);
    }
    return util_vec_at(&m->clause_cache, i);
}

size_t
model_clauses_parsed(const model *m)
{
    return m->clauses_parsed;
}

void
model_forget_clauses(model *m)
{
    clause_cache_free(m);
    util_vec_init(&m->clause_cache, sizeof(clause_entry));
    util_map_init(&m->clause_cache_ix);
}

/* See model_internal.h. */
void
clause_cache_free(model *m)
{
    size_t i;

    for (i = 0; i < m->clause_cache.len; i++) {
        clause_entry *e = util_vec_at(&m->clause_cache, i);

        strs_free(e->columns, e->n_columns);
        free(e->canonical);
    }
    util_vec_free(&m->clause_cache);
    util_map_free(&m->clause_cache_ix);
}

/* The canonical form of a clause of p (caller frees): from the cache when
 * the text cannot name p's schema or table. */
static char *
clause_canonical(clause_entry *e, const char *text, const pgr_policy *p, bool cached)
{
    if (!cached || !canonical_is_generic(text, p->schema, p->table))
        return canonical_expr(text, p->schema, p->table);
    if (!e->canonical_done) {
        e->canonical = canonical_expr(text, p->schema, p->table);
        e->canonical_done = true;
    }
    return e->canonical ? util_xstrdup(e->canonical) : NULL;
}

/* Judge a policy expression read as text (pg_get_expr): whether it is
 * constant true, its columns and its canonical form, each distinct text
 * parsed once per model.  PGRAMPART_NO_CLAUSE_CACHE parses every clause
 * afresh (the tests compare both ways, as PGRAMPART_REPLAY_FULL does for
 * the replay). */
static void
live_clause(model *m, pgr_policy *p, const char *text, const char **out, int *always_true,
            pgr_location *loc, const pgr_location *where)
{
    bool cached = getenv("PGRAMPART_NO_CLAUSE_CACHE") == NULL;
    clause_entry fresh, *e = &fresh;
    size_t i;

    if (text == NULL)
        return;
    *out = util_xstrdup(text);
    *loc = copy_loc(where);
    if (cached)
        e = clause_lookup(m, text);
    else
        clause_entry_fill(&fresh, text);
    if (e->parsed) {
        if (out == &p->qual)
            p->qual_canonical = clause_canonical(e, text, p, cached);
        else
            p->with_check_canonical = clause_canonical(e, text, p, cached);
    }
    if (e->is_target) {
        *always_true = e->always_true;
        for (i = 0; i < e->n_columns; i++)
            strs_add(&p->columns_referenced, &p->n_columns_referenced, e->columns[i]);
    }
    if (!cached)
        strs_free(fresh.columns, fresh.n_columns);
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
    live_clause(m, p, qual, &p->qual, &p->qual_always_true, &p->qual_location, loc);
    live_clause(m, p, with_check, &p->with_check, &p->with_check_always_true,
                &p->with_check_location, loc);
}
