/*
 * drift.c — does the live database match what its migrations say?
 * (pgrampart audit --migrations PATH: "verify the migrations applied as
 * reviewed".)  Only schemas the migrations create tables in are compared,
 * so objects of other applications or extensions are not reported.
 * Policies' USING and WITH CHECK are compared as parse trees; columns by
 * name and format_type() text; indexes by name, table and key columns;
 * constraints by table and name (an unnamed one carries the name
 * PostgreSQL generated, which the model computes the same way).  A
 * migration none of whose objects is in the database is reported once, as
 * not applied, instead of object by object.  The rules and their docs are
 * in rules[] below.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "drift.h"
#include "sorted.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "drift/rls-state", PGR_SEVERITY_ERROR,
      "A table's row-level security differs from what the migrations set.",
      "Find who changed it: re-apply the migration's ALTER TABLE ... ROW LEVEL SECURITY, or write a migration.",
      "Checklist: \"verify the migrations applied as reviewed\"",
      "RLS switched off by hand in production undoes the tenant isolation the migrations put "
      "there.",
      "ALTER TABLE messages DISABLE ROW LEVEL SECURITY;  (run by hand, in no migration)",
      "every RLS change in a reviewed migration" },
    { "drift/table-missing", PGR_SEVERITY_WARNING,
      "A table the migrations create is not in the database (not migrated yet, or dropped by hand).",
      "Run the pending migrations, or find who dropped it.",
      "Checklist: \"verify the migrations applied as reviewed\"",
      "A table the migrations create but the database lacks means the migrations did not run as "
      "reviewed.",
      "migration 007 adds tags; the production database has no tags table",
      "the database has every table its migrations create" },
    { "drift/policy-missing", PGR_SEVERITY_ERROR,
      "A policy the migrations create is not in the database.",
      "Re-create it from the migration, or write a migration that drops it on purpose.",
      "Checklist: \"policies exist\"",
      "A dropped policy silently denies (or, with another policy left, widens) access.",
      "DROP POLICY users_tenant_isolation ON users;  (by hand)",
      "policies change only through migrations" },
    { "drift/policy-extra", PGR_SEVERITY_ERROR,
      "The database has a policy no migration creates.",
      "Put it in a migration (reviewed), or drop it.",
      "Checklist: \"verify the migrations applied as reviewed\"",
      "A policy nobody reviewed can open rows to roles that should not see them.",
      "CREATE POLICY debug_all ON messages USING (true);  (by hand)",
      "CREATE POLICY ... in a reviewed migration" },
    { "drift/policy-changed", PGR_SEVERITY_ERROR,
      "A policy's expression, command or kind differs from the migrations'.",
      "Restore the reviewed policy, or change it in a migration.",
      "Checklist: \"verify the migrations applied as reviewed\"",
      "A policy edited in place keeps its name and loses its meaning.",
      "ALTER POLICY tenant_isolation ON conversations USING (true);",
      "ALTER POLICY in a migration that a reviewer approved" },
    { "drift/grant", PGR_SEVERITY_ERROR,
      "A grantee's privileges on an object differ from what the migrations grant.",
      "REVOKE what no migration grants (or GRANT what is missing), or put the change in a migration.",
      "Checklist: \"readonly user cannot INSERT\"; PostgreSQL docs 5.7 Privileges",
      "Privileges granted by hand are the usual way a read-only role ends up writing.",
      "GRANT INSERT ON tenants TO app_reporter;  (by hand)",
      "grants only in migrations, checked by grants/role-policy" },
    { "drift/role", PGR_SEVERITY_ERROR,
      "A role of the migrations is missing from the database, or its attributes differ.",
      "ALTER ROLE back to the migrations' attributes, or write a migration.",
      "Checklist: \"verify the migrations applied as reviewed\"",
      "A role whose attributes changed outside migrations (SUPERUSER, BYPASSRLS) breaks every "
      "policy.",
      "ALTER ROLE app_web BYPASSRLS;  (by hand)",
      "ALTER ROLE in a reviewed migration, or not at all" },
    { "drift/column-missing", PGR_SEVERITY_WARNING,
      "A column the migrations create is not in the database table.",
      "Run the migration that adds it, or find who dropped it.",
      "Checklist: \"verify the migrations applied as reviewed\"",
      "Code deployed for the migrated schema fails on the missing column, or the data it held is "
      "gone.",
      "migration 004 adds users.last_login; ALTER TABLE users DROP COLUMN last_login;  (by hand)",
      "columns change only through migrations" },
    { "drift/column-type", PGR_SEVERITY_WARNING,
      "A column's type in the database differs from the migrations'.",
      "ALTER the column back to the migrations' type, or write the migration that changes it.",
      "Checklist: \"verify the migrations applied as reviewed\"; PostgreSQL docs format_type()",
      "A type changed by hand (varchar(255) to text, integer to bigint) is a schema nobody reviewed: "
      "lengths and checks the application relies on are gone.",
      "ALTER TABLE users ALTER COLUMN email TYPE text;  (by hand; the migrations say varchar(255))",
      "ALTER COLUMN ... TYPE in a reviewed migration" },
    { "drift/column-extra", PGR_SEVERITY_WARNING,
      "A table of the migrations has a column in the database that no migration creates.",
      "Put the column in a migration (reviewed), or drop it.",
      "Checklist: \"verify the migrations applied as reviewed\"",
      "A column added by hand escapes review: a grant on the table exposes it, and the next "
      "environment built from the migrations lacks it.",
      "ALTER TABLE users ADD COLUMN debug_notes text;  (by hand)",
      "ALTER TABLE ... ADD COLUMN in a reviewed migration" },
    { "drift/index-missing", PGR_SEVERITY_WARNING,
      "An index the migrations create is not in the database, is not valid, or is on other columns.",
      "Create it as the migration does (CREATE INDEX CONCURRENTLY on a busy table; DROP an INVALID "
      "one left by a failed build first), or find who dropped it.",
      "Checklist: \"all indexes created\"",
      "A missing index turns the queries it served into sequential scans: slow pages, then "
      "timeouts under load.",
      "DROP INDEX messages_conversation_id_idx;  (by hand)",
      "indexes change only through migrations" },
    { "drift/constraint-missing", PGR_SEVERITY_ERROR,
      "A PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK or EXCLUDE constraint the migrations create is "
      "not in the database, or differs.",
      "Re-add it from the migration (fixing the rows that violate it first), or write a migration "
      "that drops it.",
      "Checklist: \"verify the migrations applied as reviewed\"; PostgreSQL docs 5.4 Constraints",
      "Without the constraint the database accepts the duplicate, orphan or invalid rows the "
      "application assumed impossible.",
      "ALTER TABLE messages DROP CONSTRAINT messages_tenant_id_fkey;  (by hand)",
      "constraints change only through migrations" },
    { "drift/constraint-extra", PGR_SEVERITY_WARNING,
      "A table of the migrations has a constraint in the database that no migration creates.",
      "Put it in a migration (reviewed), or drop it.",
      "Checklist: \"verify the migrations applied as reviewed\"; PostgreSQL docs 5.4 Constraints",
      "A constraint added by hand makes writes fail in one environment and not in the others built "
      "from the migrations.",
      "ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '');  (by hand)",
      "ALTER TABLE ... ADD CONSTRAINT in a reviewed migration" },
    { "drift/migration-not-applied", PGR_SEVERITY_ERROR,
      "None of the objects a migration creates is in the database: the migration is pending.",
      "Apply the pending migrations before (or as part of) the deployment.",
      "Checklist: \"no pending migrations\"",
      "Code deployed for a schema the database does not have yet fails on its first query to the "
      "new tables or columns.",
      "migrations/007_add_tags.sql creates tags and tags_name_idx; the database has neither",
      "every migration applied (its objects are in the database)" },
};


/* Whether loc is in a pending migration. */
/* Compare what a and b point at by its first member, a path (a tally,
 * or an element of pending's paths). */
static int
path_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

int
is_pending(const pending *p, const pgr_location *loc)
{
    return loc->path && p->n &&
           bsearch(&loc->path, p->paths, p->n, sizeof *p->paths, path_cmp) != NULL;
}

/*
 * A model's tables, indexes, constraints, policies, views and roles sorted
 * by name (its grants: drift_acl.c), so that each lookup is a binary search: a
 * database holds tens of thousands of each, and scanning for every one of
 * them is quadratic.  Built at the start of on_drift for both models,
 * freed at its end (one run at a time).
 */
typedef struct by_name {
    const pgr_model *m;
    size_t n_tbl, n_idx, n_con, n_pol, n_view, n_role;
    const pgr_table **tbl;
    const pgr_object **idx;
    const pgr_constraint **con;
    const pgr_policy **pol;
    const pgr_view **view;
    const pgr_role **role;
} by_name;

static by_name sorted[2];

static int
cmp3(const char *a1, const char *a2, const char *a3, const char *b1, const char *b2, const char *b3)
{
    int c = strcmp(a1, b1);

    if (c == 0)
        c = strcmp(a2, b2);
    return c != 0 || a3 == NULL ? c : strcmp(a3, b3);
}

static int
tbl_cmp(const void *a, const void *b)
{
    const pgr_table *x = *(const pgr_table *const *) a, *y = *(const pgr_table *const *) b;

    return cmp3(x->schema, x->name, NULL, y->schema, y->name, NULL);
}

static int
idx_cmp(const void *a, const void *b)
{
    const pgr_object *x = *(const pgr_object *const *) a, *y = *(const pgr_object *const *) b;

    return cmp3(x->schema, x->name, NULL, y->schema, y->name, NULL);
}

static int
con_cmp(const void *a, const void *b)
{
    const pgr_constraint *x = *(const pgr_constraint *const *) a, *y = *(const pgr_constraint *const *) b;

    return cmp3(x->schema, x->table, x->name, y->schema, y->table, y->name);
}

static int
pol_cmp(const void *a, const void *b)
{
    const pgr_policy *x = *(const pgr_policy *const *) a, *y = *(const pgr_policy *const *) b;

    return cmp3(x->schema, x->table, x->name, y->schema, y->table, y->name);
}

static int
view_cmp(const void *a, const void *b)
{
    const pgr_view *x = *(const pgr_view *const *) a, *y = *(const pgr_view *const *) b;

    return cmp3(x->schema, x->name, NULL, y->schema, y->name, NULL);
}

static int
role_cmp(const void *a, const void *b)
{
    return strcmp((*(const pgr_role *const *) a)->name, (*(const pgr_role *const *) b)->name);
}

/* Fill s for m; 0, or -1 when out of memory (lookups then scan). */
static int
sort_model(by_name *s, const pgr_model *m)
{
    size_t i;

    memset(s, 0, sizeof *s);
    s->m = m;
    s->tbl = malloc((m->n_tables + 1) * sizeof *s->tbl);
    s->idx = malloc((m->n_objects + 1) * sizeof *s->idx);
    s->con = malloc((m->n_constraints + 1) * sizeof *s->con);
    s->pol = malloc((m->n_policies + 1) * sizeof *s->pol);
    s->view = malloc((m->n_views + 1) * sizeof *s->view);
    s->role = malloc((m->n_roles + 1) * sizeof *s->role);
    if (s->tbl == NULL || s->idx == NULL || s->con == NULL || s->pol == NULL ||
        s->view == NULL || s->role == NULL) {
        s->m = NULL;    /* the lookups scan instead */
        return -1;
    }
    for (i = 0; i < m->n_policies; i++)
        s->pol[s->n_pol++] = &m->policies[i];
    for (i = 0; i < m->n_views; i++)
        s->view[s->n_view++] = &m->views[i];
    for (i = 0; i < m->n_roles; i++)
        s->role[s->n_role++] = &m->roles[i];
    qsort(s->pol, s->n_pol, sizeof *s->pol, pol_cmp);
    qsort(s->view, s->n_view, sizeof *s->view, view_cmp);
    qsort(s->role, s->n_role, sizeof *s->role, role_cmp);
    for (i = 0; i < m->n_tables; i++)
        s->tbl[s->n_tbl++] = &m->tables[i];
    qsort(s->tbl, s->n_tbl, sizeof *s->tbl, tbl_cmp);
    for (i = 0; i < m->n_objects; i++)
        if (m->objects[i].kind == 'i')
            s->idx[s->n_idx++] = &m->objects[i];
    for (i = 0; i < m->n_constraints; i++)
        s->con[s->n_con++] = &m->constraints[i];
    qsort(s->idx, s->n_idx, sizeof *s->idx, idx_cmp);
    qsort(s->con, s->n_con, sizeof *s->con, con_cmp);
    return 0;
}

static void
sorted_free(void)
{
    size_t k;

    for (k = 0; k < 2; k++) {
        free(sorted[k].tbl);
        free(sorted[k].idx);
        free(sorted[k].con);
        free(sorted[k].pol);
        free(sorted[k].view);
        free(sorted[k].role);
        memset(&sorted[k], 0, sizeof sorted[k]);
    }
}

static const by_name *
sorted_of(const pgr_model *m)
{
    return sorted[0].m == m ? &sorted[0] : &sorted[1];
}

const pgr_object *
index_of(const pgr_model *m, const char *schema, const char *name)
{
    const by_name *s = sorted_of(m);
    pgr_object key;
    const pgr_object *kp = &key, **hit;

    memset(&key, 0, sizeof key);
    key.schema = schema;
    key.name = name;
    hit = s->n_idx ? bsearch(&kp, s->idx, s->n_idx, sizeof *s->idx, idx_cmp) : NULL;
    return hit ? *hit : NULL;
}

/* The table schema.name of m (want or live, during on_drift), or NULL. */
const pgr_table *
table_of(const pgr_model *m, const char *schema, const char *name)
{
    const by_name *s = sorted_of(m);
    pgr_table key;
    const pgr_table *kp = &key, **hit;
    size_t i;

    if (s->m != m) {
        for (i = 0; i < m->n_tables; i++)
            if (strcmp(m->tables[i].schema, schema) == 0 && strcmp(m->tables[i].name, name) == 0)
                return &m->tables[i];
        return NULL;
    }
    memset(&key, 0, sizeof key);
    key.schema = schema;
    key.name = name;
    hit = s->n_tbl ? bsearch(&kp, s->tbl, s->n_tbl, sizeof *s->tbl, tbl_cmp) : NULL;
    return hit ? *hit : NULL;
}

/* The constraint of m with c's table and name, or NULL (binary search). */
const pgr_constraint *
constraint_of(const pgr_model *m, const pgr_constraint *c)
{
    const by_name *s = sorted_of(m);
    const pgr_constraint **hit = s->n_con ? bsearch(&c, s->con, s->n_con, sizeof *s->con, con_cmp) : NULL;

    return hit ? *hit : NULL;
}

/* Whether the migrations put any table in schema: only such schemas are
 * compared. */
int
schema_covered(const pgr_model *m, const char *schema)
{
    const by_name *s = sorted_of(m);
    pgr_table key;
    const pgr_table *kp = &key;
    size_t i;

    if (s->m == m) {
        memset(&key, 0, sizeof key);
        key.schema = schema;
        key.name = "";   /* the first table of the schema, if any */
        i = lower_bound(s->tbl, s->n_tbl, sizeof *s->tbl, &kp, tbl_cmp);
        return i < s->n_tbl && strcmp(s->tbl[i]->schema, schema) == 0;
    }
    for (i = 0; i < m->n_tables; i++)
        if (strcmp(m->tables[i].schema, schema) == 0)
            return 1;
    return 0;
}


static const pgr_policy *
policy_of(const pgr_model *m, const pgr_policy *p)
{
    const by_name *s = sorted_of(m);
    size_t i;

    if (s->m == m) {
        const pgr_policy **hit = s->n_pol ? bsearch(&p, s->pol, s->n_pol, sizeof *s->pol, pol_cmp) : NULL;

        return hit ? *hit : NULL;
    }
    for (i = 0; i < m->n_policies; i++)
        if (!strcmp(m->policies[i].schema, p->schema) && !strcmp(m->policies[i].table, p->table) &&
            !strcmp(m->policies[i].name, p->name))
            return &m->policies[i];
    return NULL;
}

int
differs(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a != b;
    return strcmp(a, b) != 0;
}

static void
compare_tables(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p)
{
    size_t i;

    for (i = 0; i < want->n_tables; i++) {
        const pgr_table *w = &want->tables[i], *l = table_of(live, w->schema, w->name);

        if (l == NULL && is_pending(p, &w->location))
            continue;
        if (l == NULL) {
            pgr_reportf(api, ctx, "drift/table-missing", &w->location,
                        "table %s.%s of the migrations is not in the database",
                        w->schema, w->name);
            continue;
        }
        if (w->relrowsecurity != l->relrowsecurity || w->relforcerowsecurity != l->relforcerowsecurity) {
            pgr_reportf(api, ctx, "drift/rls-state", &l->location,
                        "table %s.%s: row-level security is %s%s in the database but "
                        "%s%s in the migrations", w->schema, w->name,
                        l->relrowsecurity ? "enabled" : "disabled", l->relforcerowsecurity ? " and forced" : "",
                        w->relrowsecurity ? "enabled" : "disabled", w->relforcerowsecurity ? " and forced" : "");
        }
    }
}

static void
compare_policies(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p)
{
    size_t i;

    for (i = 0; i < want->n_policies; i++) {
        const pgr_policy *w = &want->policies[i], *l = policy_of(live, w);

        if (table_of(live, w->schema, w->table) == NULL)
            continue;   /* the table's absence is reported already */
        if (l == NULL && !is_pending(p, &w->location)) {
            pgr_reportf(api, ctx, "drift/policy-missing", &w->location,
                        "policy %s on %s.%s of the migrations is not in the database",
                        w->name, w->schema, w->table);
        } else if (differs(w->qual_canonical, l->qual_canonical) ||
                   differs(w->with_check_canonical, l->with_check_canonical) ||
                   w->polcmd != l->polcmd || w->polpermissive != l->polpermissive) {
            pgr_reportf(api, ctx, "drift/policy-changed", &l->location,
                        "policy %s on %s.%s differs from the migrations: USING (%s) "
                        "WITH CHECK (%s) in the database", w->name, w->schema, w->table,
                        l->qual ? l->qual : "", l->with_check ? l->with_check : "");
        }
    }
    for (i = 0; i < live->n_policies; i++) {
        const pgr_policy *l = &live->policies[i];

        if (!schema_covered(want, l->schema) || policy_of(want, l))
            continue;
        pgr_reportf(api, ctx, "drift/policy-extra", &l->location,
                    "policy %s on %s.%s is in the database but no migration creates it",
                    l->name, l->schema, l->table);
    }
}

const pgr_view *
view_of(const pgr_model *m, const char *schema, const char *name)
{
    const by_name *s = sorted_of(m);
    size_t i;

    if (s->m == m) {
        pgr_view key;
        const pgr_view *kp = &key, **hit;

        memset(&key, 0, sizeof key);
        key.schema = schema;
        key.name = name;
        hit = s->n_view ? bsearch(&kp, s->view, s->n_view, sizeof *s->view, view_cmp) : NULL;
        return hit ? *hit : NULL;
    }
    for (i = 0; i < m->n_views; i++)
        if (strcmp(m->views[i].schema, schema) == 0 && strcmp(m->views[i].name, name) == 0)
            return &m->views[i];
    return NULL;
}

/* The role of m called name, or NULL. */
static const pgr_role *
role_of(const pgr_model *m, const char *name)
{
    const by_name *s = sorted_of(m);
    size_t i;

    if (s->m == m) {
        pgr_role key;
        const pgr_role *kp = &key, **hit;

        memset(&key, 0, sizeof key);
        key.name = name;
        hit = s->n_role ? bsearch(&kp, s->role, s->n_role, sizeof *s->role, role_cmp) : NULL;
        return hit ? *hit : NULL;
    }
    for (i = 0; i < m->n_roles; i++)
        if (strcmp(m->roles[i].name, name) == 0)
            return &m->roles[i];
    return NULL;
}

static void
compare_roles(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p)
{
    size_t i;

    for (i = 0; i < want->n_roles; i++) {
        const pgr_role *w = &want->roles[i], *l = role_of(live, w->name);

        if (l == NULL && is_pending(p, &w->location))
            continue;
        if (l == NULL) {
            pgr_reportf(api, ctx, "drift/role", &w->location,
                        "role %s of the migrations is not in the database", w->name);
        } else if (w->rolsuper != l->rolsuper || w->rolbypassrls != l->rolbypassrls ||
                   w->rolcreaterole != l->rolcreaterole || w->rolcanlogin != l->rolcanlogin ||
                   w->rolcreatedb != l->rolcreatedb || w->rolreplication != l->rolreplication) {
            pgr_reportf(api, ctx, "drift/role", &l->location,
                        "role %s: attributes differ from the migrations (database: "
                        "%s%s%s%s)", w->name, l->rolsuper ? "SUPERUSER " : "",
                        l->rolbypassrls ? "BYPASSRLS " : "", l->rolcreaterole ? "CREATEROLE " : "",
                        l->rolcanlogin ? "LOGIN" : "NOLOGIN");
        }
    }
}

/* --- migrations not applied ----------------------------------------------- */

/* An object a migration creates: the file, and whether it is live. */
typedef struct tally {
    const char *path;
    int live;
} tally;

/* Every object counted; sorted by path afterwards, so that each file's
 * objects are one run (a search per object would be O(objects x files)). */
typedef struct tallies {
    size_t n, cap;
    tally *t;
} tallies;

/* Count an object created at loc, present in the database or not. */
static void
count(tallies *ts, const pgr_location *loc, int present)
{
    if (loc->path == NULL)
        return;
    if (ts->n == ts->cap) {
        tally *grown = realloc(ts->t, (ts->cap ? ts->cap * 2 : 64) * sizeof *grown);

        if (grown == NULL)
            return;
        ts->t = grown;
        ts->cap = ts->cap ? ts->cap * 2 : 64;
    }
    ts->t[ts->n].path = loc->path;
    ts->t[ts->n++].live = present != 0;
}

/* Tables, and the columns and constraints later migrations add to them. */
static void
count_tables(tallies *ts, const pgr_model *want, const pgr_model *live)
{
    size_t i, k;

    for (i = 0; i < want->n_tables; i++) {
        const pgr_table *w = &want->tables[i], *l = table_of(live, w->schema, w->name);

        count(ts, &w->location, l != NULL);
        for (k = 0; k < w->n_columns; k++) {
            const pgr_location *at = column_location(want, w, k);

            if (at != &w->location && at->path && w->location.path && strcmp(at->path, w->location.path))
                count(ts, at, l && column_at(l, w->columns[k]) >= 0);
        }
    }
    for (i = 0; i < want->n_constraints; i++) {
        const pgr_constraint *c = &want->constraints[i];
        const pgr_table *t = table_of(want, c->schema, c->table);

        if (t && t->location.path && c->location.path && strcmp(t->location.path, c->location.path))
            count(ts, &c->location, constraint_of(live, c) != NULL);
    }
}

/* Indexes, policies, views and roles. */
static void
count_others(tallies *ts, const pgr_model *want, const pgr_model *live)
{
    size_t i;

    for (i = 0; i < want->n_objects; i++)
        if (want->objects[i].kind == 'i')
            count(ts, &want->objects[i].location,
                  index_of(live, want->objects[i].schema, want->objects[i].name) != NULL);
    for (i = 0; i < want->n_policies; i++)
        count(ts, &want->policies[i].location, policy_of(live, &want->policies[i]) != NULL);
    for (i = 0; i < want->n_views; i++)
        count(ts, &want->views[i].location,
              view_of(live, want->views[i].schema, want->views[i].name) != NULL);
    for (i = 0; i < want->n_roles; i++)
        count(ts, &want->roles[i].location, role_of(live, want->roles[i].name) != NULL);
}

/* Report each migration none of whose objects is live; fill p with them. */
static void
find_pending(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, pending *p)
{
    tallies ts = { 0, 0, NULL };
    size_t i, end;

    p->n = 0;
    p->paths = NULL;
    if (!want->from_migrations)
        return;
    count_tables(&ts, want, live);
    count_others(&ts, want, live);
    if (ts.n)
        qsort(ts.t, ts.n, sizeof *ts.t, path_cmp);
    /* p->paths comes out sorted too: is_pending searches it. */
    for (i = 0; i < ts.n; i = end) {
        pgr_location at;
        const char **grown;
        size_t k, lives = 0;

        for (end = i; end < ts.n && strcmp(ts.t[end].path, ts.t[i].path) == 0; end++)
            ;
        for (k = i; k < end; k++)
            lives += ts.t[k].live;
        if (lives > 0)
            continue;
        if ((grown = realloc(p->paths, (p->n + 1) * sizeof *grown)) == NULL)
            break;
        p->paths = grown;
        p->paths[p->n++] = ts.t[i].path;
        memset(&at, 0, sizeof at);
        at.path = ts.t[i].path;
        at.line = at.end_line = 1;
        at.column = at.end_column = 1;
        pgr_reportf(api, ctx, "drift/migration-not-applied", &at,
                    "this migration is not applied: none of the %zu objects it creates (tables, "
                    "columns, indexes, constraints, policies, views, roles) is in the database",
                    end - i);
    }
    free(ts.t);
}

static void
on_drift(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live)
{
    pending p = { 0, NULL };
    int sorted_ok = sort_model(&sorted[0], want) == 0 && sort_model(&sorted[1], live) == 0;

    /* Without the sorted lookups every index and constraint would look
     * missing: leave those comparisons out rather than report noise. */
    if (!sorted_ok)
        api->log(ctx, PGR_SEVERITY_WARNING, "drift: out of memory: indexes, constraints and pending "
                 "migrations not compared");
    else
        find_pending(ctx, want, live, &p);
    compare_tables(ctx, want, live, &p);
    compare_columns(ctx, want, live, &p);
    if (sorted_ok) {
        compare_indexes(ctx, want, live, &p);
        compare_constraints(ctx, want, live, &p);
    }
    compare_policies(ctx, want, live, &p);
    compare_acl(ctx, want, live, &p);
    compare_roles(ctx, want, live, &p);
    free(p.paths);
    sorted_free();
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "drift", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, on_drift
};

PGR_PLUGIN_MAGIC(api, plugin)
