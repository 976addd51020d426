/*
 * rls_views.c — rls/view-bypasses-rls: a view (or materialized view) that
 * others may use reads an RLS table with its owner's rights.  Whether
 * others may use it comes from the live ACL, or statically from the
 * migrations' REVOKEs and grants (rls_notes.c notes the REVOKEs).
 *
 * Every lookup goes through indexes sorted once per model: a schema with
 * tens of thousands of views, tables and grants is checked in
 * O(n log n), not by scanning every table and grant for each view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "rls_notes.h"
#include "sorted.h"

/* The grants of one schema (every "prefix." of a relation's name): whether
 * one has no place, and the latest place of the others. */
typedef struct schema_grants {
    const char *schema;       /* not NUL-terminated: len bytes */
    size_t len;
    int has_unplaced;
    const char *latest_path;
    uint32_t latest_line;
} schema_grants;

/* The sorted indexes of one model (see views_begin). */
typedef struct view_index {
    const pgr_table **tables;            /* by schema, name, model order */
    size_t n_tables;
    const pgr_acl_item **grants;         /* relation grants by object, model order */
    size_t n_grants;
    schema_grants *schemas;              /* by schema (static models only) */
    size_t n_schemas;
    const char **defaults;               /* default privileges for tables: schema or "*" */
    size_t n_defaults;
    size_t *revokes;                     /* indexes into rls_revokes by relation, note order */
    size_t n_revokes;
} view_index;

static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        abort();
    return p;
}

/* Order by pointer: the model's order, for "the first one" ties. */
static int
by_address(const void *x, const void *y)
{
    return (x > y) - (x < y);
}

static int
table_cmp(const void *a, const void *b)
{
    const pgr_table *x = *(const pgr_table *const *) a, *y = *(const pgr_table *const *) b;
    int c = strcmp(x->schema, y->schema);

    if (c == 0)
        c = strcmp(x->name, y->name);
    return c != 0 ? c : by_address(x, y);
}

/* table_cmp without the tie-break: the range of one name. */
static int
table_key_cmp(const void *a, const void *b)
{
    const pgr_table *x = *(const pgr_table *const *) a, *y = *(const pgr_table *const *) b;
    int c = strcmp(x->schema, y->schema);

    return c != 0 ? c : strcmp(x->name, y->name);
}

static int
grant_cmp(const void *a, const void *b)
{
    const pgr_acl_item *x = *(const pgr_acl_item *const *) a, *y = *(const pgr_acl_item *const *) b;
    int c = strcmp(x->object, y->object);

    return c != 0 ? c : by_address(x, y);
}

/* grant_cmp without the tie-break: the range of one relation. */
static int
grant_key_cmp(const void *a, const void *b)
{
    return strcmp((*(const pgr_acl_item *const *) a)->object, (*(const pgr_acl_item *const *) b)->object);
}

static int
string_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static int
schema_cmp(const void *a, const void *b)
{
    const schema_grants *x = a, *y = b;
    int c = memcmp(x->schema, y->schema, x->len < y->len ? x->len : y->len);

    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static const revoke_note *revoke_notes;

static int
revoke_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *) a, y = *(const size_t *) b;
    int c = strcmp(revoke_notes[x].relation, revoke_notes[y].relation);

    return c != 0 ? c : (x > y) - (x < y);
}

/* Add the grants' schemas: one entry per "prefix." of each object (a
 * quoted schema may hold a dot), folded to one per schema. */
static void
index_schemas(view_index *ix)
{
    size_t i, k, n = 0, cap = ix->n_grants + 1;
    schema_grants *e = xmalloc(cap * sizeof *e);

    for (i = 0; i < ix->n_grants; i++) {
        const pgr_acl_item *a = ix->grants[i];
        const char *dot;

        for (dot = strchr(a->object, '.'); dot; dot = strchr(dot + 1, '.')) {
            if (n == cap)
                e = realloc(e, (cap *= 2) * sizeof *e);
            if (e == NULL)
                abort();
            e[n].schema = a->object;
            e[n].len = (size_t) (dot - a->object);
            e[n].has_unplaced = a->location.path == NULL;
            e[n].latest_path = a->location.path;
            e[n++].latest_line = a->location.line;
        }
    }
    qsort(e, n, sizeof *e, schema_cmp);
    for (i = k = 0; i < n; i++) {
        schema_grants *last = k ? &e[k - 1] : NULL;

        if (last == NULL || schema_cmp(last, &e[i]) != 0) {
            e[k++] = e[i];
            continue;
        }
        last->has_unplaced |= e[i].has_unplaced;
        if (e[i].latest_path && (last->latest_path == NULL ||
                                 rls_later(e[i].latest_path, e[i].latest_line,
                                           last->latest_path, last->latest_line))) {
            last->latest_path = e[i].latest_path;
            last->latest_line = e[i].latest_line;
        }
    }
    ix->schemas = e;
    ix->n_schemas = k;
}

/* What only the static check needs: default privileges and schemas (the
 * REVOKEs are read in rls_views_finish, index_revokes). */
static void
index_static(view_index *ix, const pgr_model *m)
{
    size_t i;

    ix->defaults = xmalloc((m->n_default_acl + 1) * sizeof *ix->defaults);
    for (i = 0; i < m->n_default_acl; i++)
        if (m->default_acl[i].objkind == 'r')
            ix->defaults[ix->n_defaults++] = m->default_acl[i].object;
    qsort(ix->defaults, ix->n_defaults, sizeof *ix->defaults, string_cmp);
    index_schemas(ix);
}

/* The run's REVOKE notes by relation, then note order. */
static void
index_revokes(view_index *ix)
{
    size_t i;

    revoke_notes = rls_revokes(&ix->n_revokes);
    ix->revokes = xmalloc((ix->n_revokes + 1) * sizeof *ix->revokes);
    for (i = 0; i < ix->n_revokes; i++)
        ix->revokes[i] = i;
    qsort(ix->revokes, ix->n_revokes, sizeof *ix->revokes, revoke_cmp);
}

static void
views_begin(view_index *ix, const pgr_model *m)
{
    size_t i;

    memset(ix, 0, sizeof *ix);
    ix->tables = xmalloc((m->n_tables + 1) * sizeof *ix->tables);
    for (i = 0; i < m->n_tables; i++)
        ix->tables[ix->n_tables++] = &m->tables[i];
    qsort(ix->tables, ix->n_tables, sizeof *ix->tables, table_cmp);
    ix->grants = xmalloc((m->n_acl + 1) * sizeof *ix->grants);
    for (i = 0; i < m->n_acl; i++)
        if (m->acl[i].objkind == 'r')
            ix->grants[ix->n_grants++] = &m->acl[i];
    qsort(ix->grants, ix->n_grants, sizeof *ix->grants, grant_cmp);
    if (!m->is_live)
        index_static(ix, m);
}

static void
views_end(view_index *ix)
{
    free(ix->tables);
    free(ix->grants);
    free(ix->schemas);
    free(ix->defaults);
    free(ix->revokes);
    memset(ix, 0, sizeof *ix);
}

/* The table "schema.name" names (the first in model order when a dot in a
 * quoted name makes it ambiguous), or NULL. */
static const pgr_table *
find_table(const view_index *ix, const char *qualified)
{
    const pgr_table *best = NULL;
    const char *dot;

    for (dot = strchr(qualified, '.'); dot; dot = strchr(dot + 1, '.')) {
        pgr_table key;
        const pgr_table *kp = &key;
        char *schema = xmalloc((size_t) (dot - qualified) + 1);
        size_t i;

        memcpy(schema, qualified, (size_t) (dot - qualified));
        schema[dot - qualified] = '\0';
        memset(&key, 0, sizeof key);
        key.schema = schema;
        key.name = dot + 1;
        /* The first of its range has the least address: model order. */
        i = lower_bound(ix->tables, ix->n_tables, sizeof *ix->tables, &kp, table_key_cmp);
        if (i < ix->n_tables && table_key_cmp(&ix->tables[i], &kp) == 0 &&
            (best == NULL || ix->tables[i] < best))
            best = ix->tables[i];
        free(schema);
    }
    return best;
}

/* The first index in ix->grants of a grant on relation object (n_grants
 * when none). */
static size_t
first_grant(const view_index *ix, const char *object)
{
    pgr_acl_item key;
    const pgr_acl_item *kp = &key;

    memset(&key, 0, sizeof key);
    key.object = object;
    return lower_bound(ix->grants, ix->n_grants, sizeof *ix->grants, &kp, grant_key_cmp);
}

/* The first REVOKE ... FROM PUBLIC of relation after (path, line), in
 * note order, or NULL. */
static const revoke_note *
revoke_after(const view_index *ix, const char *relation, const char *path, uint32_t line)
{
    size_t lo = 0, hi = ix->n_revokes;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(revoke_notes[ix->revokes[mid]].relation, relation) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ix->n_revokes && !strcmp(revoke_notes[ix->revokes[lo]].relation, relation); lo++) {
        const revoke_note *r = &revoke_notes[ix->revokes[lo]];

        if (rls_later(r->path, r->line, path, line))
            return r;
    }
    return NULL;
}

/*
 * A view of the migrations that no grant opens, held until every REVOKE is
 * noted (rls_views_finish): it is its owner's alone when a REVOKE ... FROM
 * PUBLIC of it comes after its CREATE and no grant in its schema comes
 * after that REVOKE (it may be ON ALL TABLES, which covers views).  Of the
 * model's grants, only the latest in its schema matters: kept here.
 */
typedef struct held_view {
    rls_held finding;
    char *key;                 /* "schema.name" */
    char *path;                /* where the view is created (may be NULL) */
    uint32_t line;
    int schema_granted;        /* the schema has a grant of the migrations */
    int grant_unplaced;        /* one of them has no place: after any REVOKE */
    char *grant_path;          /* the latest placed one (NULL: none) */
    uint32_t grant_line;
} held_view;

static held_view *held_views;
static size_t n_held_views, cap_held_views;

static char *
xstrdup_or_null(const char *s)
{
    char *c = s ? strdup(s) : NULL;

    if (s && c == NULL)
        abort();
    return c;
}

/* Whether the migrations open v (key "schema.name") to other roles
 * whatever a REVOKE says: default privileges for tables in its schema (or
 * every schema), or a grant on v itself. */
static int
view_granted(const view_index *ix, const pgr_view *v, const char *key)
{
    const char *star = "*";
    size_t i;

    if (ix->n_defaults && (bsearch(&star, ix->defaults, ix->n_defaults, sizeof *ix->defaults, string_cmp) ||
                           bsearch(&v->schema, ix->defaults, ix->n_defaults, sizeof *ix->defaults,
                                   string_cmp)))
        return 1;
    i = first_grant(ix, key);
    return i < ix->n_grants && strcmp(ix->grants[i]->object, key) == 0;
}

/* Hold v's finding (message, hint) with what rls_views_finish needs. */
static void
hold_view(const view_index *ix, const pgr_view *v, const char *key, const char *msg,
          const char *hint)
{
    schema_grants skey;
    const schema_grants *g;
    held_view *h;

    held_views = rls_grow(held_views, n_held_views, &cap_held_views, sizeof *held_views);
    h = &held_views[n_held_views++];
    memset(h, 0, sizeof *h);
    rls_hold(&h->finding, "rls/view-bypasses-rls", &v->location, msg, hint);
    h->key = xstrdup_or_null(key);
    h->path = xstrdup_or_null(v->location.path);
    h->line = v->location.line;
    skey.schema = v->schema;
    skey.len = strlen(v->schema);
    g = ix->n_schemas ? bsearch(&skey, ix->schemas, ix->n_schemas, sizeof skey, schema_cmp) : NULL;
    if (g != NULL) {
        h->schema_granted = 1;
        h->grant_unplaced = g->has_unplaced;
        h->grant_path = xstrdup_or_null(g->latest_path);
        h->grant_line = g->latest_line;
    }
}

/* Whether the run's REVOKEs make held view h its owner's alone. */
static int
held_private(const view_index *ix, const held_view *h)
{
    const revoke_note *r = revoke_after(ix, h->key, h->path, h->line);

    if (r == NULL)
        return 0;
    return !(h->schema_granted &&
             (h->grant_unplaced || rls_later(h->grant_path, h->grant_line, r->path, r->line)));
}

void
rls_views_finish(pgr_ctx *ctx)
{
    view_index ix;
    size_t i;

    memset(&ix, 0, sizeof ix);
    if (n_held_views > 0)
        index_revokes(&ix);
    for (i = 0; i < n_held_views; i++) {
        held_view *h = &held_views[i];

        if (!held_private(&ix, h))
            rls_held_report(ctx, &h->finding);
        rls_held_free(&h->finding);
        free(h->key);
        free(h->path);
        free(h->grant_path);
    }
    free(held_views);
    held_views = NULL;
    n_held_views = cap_held_views = 0;
    views_end(&ix);
}

/*
 * Whether a role other than the view's owner may use it (any privilege:
 * writing through a view skips the table's WITH CHECK as reading skips its
 * USING).  Read from the database, the ACL is exact (grants ON ALL TABLES
 * and default privileges included; the owner's own entry is not in it),
 * and a view nobody else may use exposes nothing the owner cannot already
 * see.  Live models only: from the migrations, see held_view.
 */
static int
live_view_exposed(const view_index *ix, const char *key)
{
    size_t i;

    for (i = first_grant(ix, key); i < ix->n_grants && !strcmp(ix->grants[i]->object, key); i++)
        if (ix->grants[i]->privileges != 0)
            return 1;
    return 0;
}

/* The finding's message and hint for view v reading RLS table t. */
static void
view_message(const pgr_model *m, const pgr_view *v, const pgr_table *t, char *msg, size_t msg_size,
             char *hint, size_t hint_size)
{
    if (v->relkind == 'm')
        snprintf(msg, msg_size, "materialized view %s.%s holds rows of %s.%s as its "
                 "owner saw them: the table's row-level security does not apply",
                 v->schema, v->name, t->schema, t->name);
    else
        snprintf(msg, msg_size, "view %s.%s reads %s.%s with its owner's rights: the "
                 "table's row-level security is checked against the owner, not the caller",
                 v->schema, v->name, t->schema, t->name);
    if (v->relkind == 'v' && m->server_version >= 15)
        snprintf(hint, hint_size, "ALTER VIEW %s.%s SET (security_invoker = true);",
                 v->schema, v->name);
    else
        snprintf(hint, hint_size, "REVOKE SELECT ON %s.%s FROM roles that must not see "
                 "every row%s", v->schema, v->name, v->relkind == 'v' ?
                 " (security_invoker needs PostgreSQL 15)" : "");
}

/* The first RLS table v reads, or NULL. */
static const pgr_table *
first_rls_table(const view_index *ix, const pgr_view *v)
{
    size_t k;

    for (k = 0; k < v->n_relations; k++) {
        const pgr_table *t = find_table(ix, v->relations[k]);

        if (t != NULL && t->relrowsecurity)
            return t;
    }
    return NULL;
}

/* v's finding (one per view: the first RLS table it reads), when others
 * may use it: reported now from a live ACL or a grant of the migrations,
 * else held until every REVOKE is in (hold_view). */
static void
check_view(pgr_ctx *ctx, const view_index *ix, const pgr_model *m, const pgr_view *v)
{
    size_t len = strlen(v->schema) + strlen(v->name) + 2;
    char *key = xmalloc(len), msg[768], hint[512];
    const pgr_table *t;

    snprintf(key, len, "%s.%s", v->schema, v->name);
    if ((!m->is_live || live_view_exposed(ix, key)) && (t = first_rls_table(ix, v)) != NULL) {
        view_message(m, v, t, msg, sizeof msg, hint, sizeof hint);
        if (m->is_live || view_granted(ix, v, key))
            pgr_report_at(api, ctx, "rls/view-bypasses-rls", &v->location, msg, hint);
        else
            hold_view(ix, v, key, msg, hint);
    }
    free(key);
}

void
rls_check_views(pgr_ctx *ctx, const pgr_model *m)
{
    view_index ix;
    size_t i;

    if (m->n_views == 0)
        return;
    views_begin(&ix, m);
    for (i = 0; i < m->n_views; i++) {
        const pgr_view *v = &m->views[i];

        if (!(v->relkind == 'v' && v->security_invoker) && !rls_schema_excluded(ctx, v->schema))
            check_view(ctx, &ix, m, v);
    }
    views_end(&ix);
}
