/*
 * verify_facts.c — see verify_facts.h: a catalog read by the audit's
 * reader, as sorted facts (what, state) that two snapshots compare by.
 */
#include "cli/verify_facts.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append a fact (what and state taken over; state NULL: ""); table, when
 * not NULL, is copied. */
static void
fact(util_vec *facts, const char *table, char *what, char *state)
{
    verify_fact *f = util_vec_push(facts);

    f->what = what;
    f->state = state ? state : util_xstrdup("");
    f->table = table ? util_xstrdup(table) : NULL;
}

/* "a, b, c" of n strings; caller frees. */
static char *
join(const char *const *items, size_t n)
{
    util_buf b;
    size_t i;

    util_buf_init(&b);
    for (i = 0; i < n; i++)
        util_buf_printf(&b, "%s%s", i ? ", " : "", items[i] ? items[i] : "?");
    return b.data;
}

/* Privilege bits as PostgreSQL's words, "SELECT, INSERT"; caller frees. */
static char *
privilege_words(uint32_t bits)
{
    static const char *const names[] = { "INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE",
                                         "REFERENCES", "TRIGGER", "EXECUTE", "USAGE", "CREATE",
                                         "TEMPORARY", "CONNECT" };
    const char *on[sizeof names / sizeof names[0]];
    size_t i, n = 0;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (bits & (1u << i))
            on[n++] = names[i];
    return n ? join(on, n) : util_xstrdup("none");
}

static const char *
object_kind(char kind)
{
    switch (kind) {
    case 'e': return "extension";
    case 'i': return "index";
    case 'T': return "type";
    default: return "object";
    }
}

static void
table_facts(const pgr_model *m, util_vec *facts)
{
    size_t i, k;

    for (i = 0; i < m->n_tables; i++) {
        const pgr_table *t = &m->tables[i];
        char *qualified = util_xasprintf("%s.%s", t->schema, t->name);

        fact(facts, NULL, util_xasprintf("table %s", qualified), NULL);
        fact(facts, qualified, util_xasprintf("row-level security of table %s", qualified),
             util_xstrdup(t->relrowsecurity ? (t->relforcerowsecurity ? "enabled and forced" : "enabled")
                                            : "disabled"));
        for (k = 0; k < t->n_columns; k++) {
            const char *type = m->column_types && m->column_types[i] ? m->column_types[i][k] : NULL;

            fact(facts, qualified, util_xasprintf("column %s.%s", qualified, t->columns[k]),
                 util_xstrdup(type ? type : ""));
        }
        free(qualified);
    }
}

static void
schema_facts(const pgr_model *m, util_vec *facts)
{
    size_t i;

    for (i = 0; i < m->n_constraints; i++) {
        const pgr_constraint *c = &m->constraints[i];
        char *cols = join(c->columns, c->n_columns);
        char *qualified = util_xasprintf("%s.%s", c->schema, c->table);

        fact(facts, qualified, util_xasprintf("constraint %s on %s", c->name, qualified),
             util_xasprintf("%c (%s)%s%s", c->contype, cols, c->references ? " references " : "",
                            c->references ? c->references : ""));
        free(cols);
        free(qualified);
    }
    for (i = 0; i < m->n_objects; i++) {
        const pgr_object *o = &m->objects[i];
        char *cols = join(o->columns, o->n_columns);

        fact(facts, o->parent, util_xasprintf("%s %s%s%s", object_kind(o->kind), o->schema ? o->schema : "",
                                   o->schema ? "." : "", o->name),
             o->kind == 'i' ? util_xasprintf("on %s (%s)", o->parent ? o->parent : "?", cols) : NULL);
        free(cols);
    }
    for (i = 0; i < m->n_functions; i++) {
        const pgr_function *f = &m->functions[i];

        fact(facts, NULL, util_xasprintf("function %s.%s(%s)", f->schema, f->name,
                                   m->function_args ? m->function_args[i] : ""), NULL);
    }
    for (i = 0; i < m->n_views; i++)
        fact(facts, NULL, util_xasprintf("view %s.%s", m->views[i].schema, m->views[i].name), NULL);
}

static void
access_facts(const pgr_model *m, util_vec *facts)
{
    size_t i;

    for (i = 0; i < m->n_policies; i++) {
        const pgr_policy *p = &m->policies[i];
        char *roles = join(p->roles, p->n_roles);
        char *qualified = util_xasprintf("%s.%s", p->schema, p->table);

        fact(facts, qualified, util_xasprintf("policy %s on %s", p->name, qualified),
             util_xasprintf("%s FOR %c TO %s USING (%s) WITH CHECK (%s)",
                            p->polpermissive ? "permissive" : "restrictive", p->polcmd, roles,
                            p->qual ? p->qual : "", p->with_check ? p->with_check : ""));
        free(roles);
        free(qualified);
    }
    for (i = 0; i < m->n_acl; i++) {
        const pgr_acl_item *a = &m->acl[i];

        fact(facts, a->objkind == 'r' ? a->object : NULL, util_xasprintf("the privileges of %s on %s", a->grantee, a->object),
             privilege_words(a->privileges));
    }
    for (i = 0; i < m->n_roles; i++) {
        const pgr_role *r = &m->roles[i];

        fact(facts, NULL, util_xasprintf("role %s", r->name),
             util_xasprintf("%s%s%s%s%s%s", r->rolsuper ? "SUPERUSER " : "",
                            r->rolcanlogin ? "LOGIN " : "", r->rolcreaterole ? "CREATEROLE " : "",
                            r->rolcreatedb ? "CREATEDB " : "", r->rolbypassrls ? "BYPASSRLS " : "",
                            r->rolreplication ? "REPLICATION" : ""));
    }
}

static int
fact_cmp(const void *a, const void *b)
{
    const verify_fact *x = a, *y = b;
    int c = strcmp(x->what, y->what);

    return c ? c : strcmp(x->state, y->state);
}

void
verify_facts_free(util_vec *facts)
{
    size_t i;

    for (i = 0; i < facts->len; i++) {
        verify_fact *f = util_vec_at(facts, i);

        free(f->what);
        free(f->state);
        free(f->table);
    }
    util_vec_free(facts);
}

/* Whether facts (sorted) has "table <qualified>". */
static bool
has_table(const util_vec *facts, const char *qualified)
{
    verify_fact key;
    char *what = util_xasprintf("table %s", qualified);
    bool found;

    key.what = what;
    key.state = "";
    found = bsearch(&key, facts->items, facts->len, sizeof(verify_fact), fact_cmp) != NULL;
    free(what);
    return found;
}

/* Whether fact f is part of a table that is in only one of before and
 * after: the table's own finding says it all. */
static bool
part_of_changed_table(const verify_fact *f, const util_vec *before, const util_vec *after)
{
    return f->table && has_table(before, f->table) != has_table(after, f->table);
}

/* The difference between fact b (before the up) and fact a (after the
 * down) of the same object, c their order (<0: only b, >0: only a, 0:
 * both), or NULL when there is none; caller frees. */
static char *
difference(const verify_fact *b, const verify_fact *a, int c)
{
    if (c < 0)
        return util_xasprintf("%s is missing after the down", b->what);
    if (c > 0)
        return util_xasprintf("%s survives the down", a->what);
    if (strcmp(b->state, a->state) != 0)
        return util_xasprintf("%s is %s after the down, %s before the up", a->what,
                              a->state[0] ? a->state : "empty", b->state[0] ? b->state : "empty");
    return NULL;
}


void
verify_facts_of(const pgr_model *m, util_vec *facts)
{
    table_facts(m, facts);
    schema_facts(m, facts);
    access_facts(m, facts);
    if (facts->len > 1)
        qsort(facts->items, facts->len, sizeof(verify_fact), fact_cmp);
}

void
verify_facts_compare(const util_vec *before, const util_vec *after,
                     void (*fn)(void *arg, const char *msg), void *arg)
{
    size_t i = 0, j = 0;

    while (i < before->len || j < after->len) {
        const verify_fact *b = i < before->len ? util_vec_at(before, i) : NULL;
        const verify_fact *a = j < after->len ? util_vec_at(after, j) : NULL;
        int c = b == NULL ? 1 : a == NULL ? -1 : strcmp(b->what, a->what);
        char *msg = part_of_changed_table(c <= 0 ? b : a, before, after) ? NULL : difference(b, a, c);

        if (msg)
            fn(arg, msg);
        free(msg);
        i += c <= 0;
        j += c >= 0;
    }
}
