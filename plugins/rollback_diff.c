/*
 * rollback_diff.c — the rollback plugin's comparison of the models around
 * each migration (rollback.c's on_migration_replay): what the up created
 * that the down leaves (incomplete-down), what the down changes that the
 * up did not (down-changes-more), and what the up drops that no down can
 * bring back (irreversible-up, data-loss columns).  Only the objects the
 * migration touched are compared (api->replay_touched), under one key each.
 */
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "rollback_flow.h"
#include "rollback_diff.h"

/* Objects compared between models, under one key each. */
typedef enum kind {
    K_TABLE, K_POLICY, K_FUNCTION, K_ROLE, K_GRANT, K_VIEW, K_DEFAULT, K_OBJECT, K_COUNT
} kind;

static const char *const kind_names[] = {
    "table", "policy", "function", "role", "grant", "view", "default privilege", "object"
};

static size_t
count_of(const pgr_model *m, kind k)
{
    switch (k) {
    case K_TABLE:
        return m->n_tables;
    case K_POLICY:
        return m->n_policies;
    case K_FUNCTION:
        return m->n_functions;
    case K_ROLE:
        return m->n_roles;
    case K_VIEW:
        return m->n_views;
    case K_DEFAULT:
        return m->n_default_acl;
    case K_OBJECT:
        return m->n_objects;
    case K_GRANT:
        return m->n_acl;
    case K_COUNT:
        break;
    }
    return 0;
}

/* The key of object i of kind k ("public.t", "public.t.p", ...) into buf;
 * returns its location. */
static const pgr_location *
key_of(const pgr_model *m, kind k, size_t i, char *buf, size_t size)
{
    switch (k) {
    case K_TABLE:
        snprintf(buf, size, "%s.%s", m->tables[i].schema, m->tables[i].name);
        return &m->tables[i].location;
    case K_POLICY:
        snprintf(buf, size, "%s on %s.%s", m->policies[i].name, m->policies[i].schema,
                 m->policies[i].table);
        return &m->policies[i].location;
    case K_FUNCTION:
        /* Overloads are distinct functions: keyed by signature. */
        snprintf(buf, size, "%s.%s(%s)", m->functions[i].schema, m->functions[i].name,
                 m->function_args ? m->function_args[i] : "");
        return &m->functions[i].location;
    case K_ROLE:
        snprintf(buf, size, "%s", m->roles[i].name);
        return &m->roles[i].location;
    case K_VIEW:
        snprintf(buf, size, "%s.%s", m->views[i].schema, m->views[i].name);
        return &m->views[i].location;
    case K_OBJECT:
        snprintf(buf, size, "%s %s.%s", m->objects[i].kind == 'e' ? "extension" :
                 m->objects[i].kind == 'i' ? "index" : "type", m->objects[i].schema,
                 m->objects[i].name);
        return &m->objects[i].location;
    case K_DEFAULT:
        snprintf(buf, size, "on %s in %s to %s", m->default_acl[i].objkind == 'r' ? "tables"
                 : m->default_acl[i].objkind == 'f' ? "functions" : "objects",
                 m->default_acl[i].object, m->default_acl[i].grantee);
        return &m->default_acl[i].location;
    case K_GRANT:
        snprintf(buf, size, "on %s to %s", m->acl[i].object, m->acl[i].grantee);
        return &m->acl[i].location;
    case K_COUNT:
        break;
    }
    buf[0] = '\0';
    return NULL;
}

/* The letter api->replay_touched names kind k by (PGR_TOUCHED_*). */
static const char touched_letters[] = {
    PGR_TOUCHED_TABLES, PGR_TOUCHED_POLICIES, PGR_TOUCHED_FUNCTIONS, PGR_TOUCHED_ROLES,
    PGR_TOUCHED_GRANTS, PGR_TOUCHED_VIEWS, PGR_TOUCHED_DEFAULT_ACL, PGR_TOUCHED_OBJECTS
};

/*
 * The objects of one kind of one model a migration is judged on: the
 * positions (ascending) of those its statements touched, as the host
 * tells (api->replay_touched), or of all of them when it cannot tell.
 * Every other object is in all three models, unchanged, so it can neither
 * survive a down nor be lost by one: comparing the touched ones only keeps
 * the findings and makes a migration cost what it touches, not the size
 * of the model (issue 15).
 */
typedef struct subset {
    size_t n;
    const size_t *pos;
    size_t *owned;           /* pos when allocated here (all positions); else NULL */
} subset;

static void
subset_of(pgr_ctx *ctx, const pgr_model *m, kind k, subset *out)
{
    size_t i, n;

    out->owned = NULL;
    out->n = api->replay_touched(ctx, m, touched_letters[k], &out->pos);
    if (out->n != PGR_TOUCHED_UNKNOWN)
        return;
    n = count_of(m, k);
    out->owned = malloc((n ? n : 1) * sizeof(size_t));
    if (out->owned == NULL)
        abort();
    for (i = 0; i < n; i++)
        out->owned[i] = i;
    out->n = n;
    out->pos = out->owned;
}

/* The key objects are matched by across models: key_of's, and for grants
 * the object kind first, so that GRANT USAGE ON SEQUENCE s and GRANT SELECT
 * ON TABLE s (the same name, both "on s to r") are not taken for one
 * another. */
static void
match_key(const pgr_model *m, kind k, size_t i, char *buf, size_t size)
{
    char objkind = k == K_GRANT ? m->acl[i].objkind : k == K_DEFAULT ? m->default_acl[i].objkind : 0;

    if (objkind == 0) {
        key_of(m, k, i, buf, size);
        return;
    }
    /* The same room for the name as key_of's callers give it. */
    buf[0] = objkind;
    buf[1] = ' ';
    key_of(m, k, i, buf + 2, size - 2);
}

/* The keys (match_key) of a subset, to find an object's position by key:
 * the first position of each key, through glibc's hsearch_r. */
typedef struct keymap {
    struct hsearch_data table;
    char **keys;             /* owned copies, n of them */
    size_t n;
} keymap;

static void
keymap_build(keymap *km, const pgr_model *m, kind k, const subset *s)
{
    char key[602];
    size_t i;

    memset(km, 0, sizeof *km);
    km->keys = malloc((s->n ? s->n : 1) * sizeof(char *));
    /* Room to spare: hsearch_r fails when the table is full. */
    if (km->keys == NULL || hcreate_r(2 * s->n + 16, &km->table) == 0)
        abort();
    for (i = 0; i < s->n; i++) {
        ENTRY e, *found;

        match_key(m, k, s->pos[i], key, sizeof key);
        e.key = strdup(key);
        if (e.key == NULL)
            abort();
        e.data = (void *) (uintptr_t) (s->pos[i] + 1);
        if (hsearch_r(e, ENTER, &found, &km->table) == 0)
            abort();
        if (found->key != e.key)
            free(e.key);          /* a later object of the same key */
        else
            km->keys[km->n++] = e.key;
    }
}

/* The position of the first object of key in km's model, or -1. */
static long
keymap_find(keymap *km, const char *key)
{
    ENTRY e, *found = NULL;

    e.key = (char *) key;
    e.data = NULL;
    if (hsearch_r(e, FIND, &found, &km->table) == 0 || found == NULL)
        return -1;
    return (long) ((uintptr_t) found->data - 1);
}

static void
keymap_free(keymap *km)
{
    size_t i;

    hdestroy_r(&km->table);
    for (i = 0; i < km->n; i++)
        free(km->keys[i]);
    free(km->keys);
}

static int
has_column(const pgr_table *t, const char *c)
{
    size_t i;

    for (i = 0; i < t->n_columns; i++)
        if (strcmp(t->columns[i], c) == 0)
            return 1;
    return 0;
}

/* Same set of columns (order aside: a down may re-add one at the end). */
static int
columns_differ(const pgr_table *a, const pgr_table *b)
{
    size_t i;

    if (a->n_columns != b->n_columns)
        return 1;
    for (i = 0; i < a->n_columns; i++)
        if (!has_column(b, a->columns[i]))
            return 1;
    return 0;
}

static int
lists_differ(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    size_t i, j;

    if (na != nb)
        return 1;
    for (i = 0; i < na; i++) {
        int found = 0;

        for (j = 0; j < nb && !found; j++)
            found = strcmp(a[i], b[j]) == 0;
        if (!found)
            return 1;
    }
    return 0;
}

static int
str_differs(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a != b;
    return strcmp(a, b) != 0;
}

/* Whether object ia of a and ib of b (same key) differ in what matters. */
static int
attrs_differ(const pgr_model *a, size_t ia, const pgr_model *b, size_t ib, kind k)
{
    switch (k) {
    case K_TABLE:
        return a->tables[ia].relrowsecurity != b->tables[ib].relrowsecurity ||
            a->tables[ia].relforcerowsecurity != b->tables[ib].relforcerowsecurity ||
            columns_differ(&a->tables[ia], &b->tables[ib]);
    case K_POLICY:
        return str_differs(a->policies[ia].qual, b->policies[ib].qual) ||
            str_differs(a->policies[ia].with_check, b->policies[ib].with_check) ||
            a->policies[ia].polcmd != b->policies[ib].polcmd;
    case K_FUNCTION:
        return a->functions[ia].prosecdef != b->functions[ib].prosecdef ||
            a->functions[ia].search_path_set != b->functions[ib].search_path_set ||
            a->functions[ia].public_execute != b->functions[ib].public_execute;
    case K_ROLE:
        return a->roles[ia].rolsuper != b->roles[ib].rolsuper ||
            a->roles[ia].rolbypassrls != b->roles[ib].rolbypassrls ||
            a->roles[ia].rolcreaterole != b->roles[ib].rolcreaterole ||
            a->roles[ia].rolcanlogin != b->roles[ib].rolcanlogin ||
            a->roles[ia].rolconnlimit != b->roles[ib].rolconnlimit ||
            str_differs(a->roles[ia].rolvaliduntil, b->roles[ib].rolvaliduntil) ||
            lists_differ(a->roles[ia].member_of, a->roles[ia].n_member_of,
                         b->roles[ib].member_of, b->roles[ib].n_member_of);
    case K_VIEW:
        return a->views[ia].security_invoker != b->views[ib].security_invoker;
    case K_DEFAULT:
        return a->default_acl[ia].privileges != b->default_acl[ib].privileges;
    case K_OBJECT:
        return str_differs(a->objects[ia].parent, b->objects[ib].parent) ||
            (a->objects[ia].kind == 'e' && strcmp(a->objects[ia].schema, b->objects[ib].schema));
    case K_GRANT:
        return a->acl[ia].privileges != b->acl[ib].privileges ||
            a->acl[ia].grant_options != b->acl[ib].grant_options;
    case K_COUNT:
        break;
    }
    return 0;
}

/* "what changed and was not undone", as precisely as the model allows. */
static void
describe_change(char *buf, size_t size, kind k, const char *key, const pgr_model *a, size_t ia,
                const pgr_model *b, size_t ib, const char *down_path)
{
    size_t used, c;

    if (k != K_TABLE) {
        snprintf(buf, size, "%s %s changed by the up is not restored by its down (%s)",
                 kind_names[k], key, down_path);
        return;
    }
    used = (size_t) snprintf(buf, size, "table %s: the down (%s) does not undo", key, down_path);
    for (c = 0; c < b->tables[ib].n_columns && used < size; c++)
        if (!has_column(&a->tables[ia], b->tables[ib].columns[c]))
            used += (size_t) snprintf(buf + used, size - used, " the added column %s;",
                                      b->tables[ib].columns[c]);
    for (c = 0; c < a->tables[ia].n_columns && used < size; c++)
        if (!has_column(&b->tables[ib], a->tables[ia].columns[c]))
            used += (size_t) snprintf(buf + used, size - used, " the dropped column %s;",
                                      a->tables[ia].columns[c]);
    if (used < size && a->tables[ia].relrowsecurity != b->tables[ib].relrowsecurity)
        used += (size_t) snprintf(buf + used, size - used, " the %s of row-level security;",
                                  b->tables[ib].relrowsecurity ? "enabling" : "disabling");
    if (used < size && a->tables[ia].relforcerowsecurity != b->tables[ib].relforcerowsecurity)
        used += (size_t) snprintf(buf + used, size - used, " FORCE ROW LEVEL SECURITY;");
    if (used > 0 && used < size && buf[used - 1] == ';')
        buf[used - 1] = '\0';
}

/* Where the up of mig drops the first column of table was that table now
 * lacks, into *out (the up's first line when none is found). */
static void
dropped_column_site(const pgr_migration *mig, const pgr_table *was, const pgr_table *now,
                    pgr_location *out)
{
    size_t c;

    *out = mig->up_location;
    for (c = 0; c < was->n_columns; c++)
        if (!has_column(now, was->columns[c])) {
            flow_drop_location(mig, was->schema, was->name, was->columns[c], out);
            return;
        }
}

/* The subsets of kind k of the three models and their key maps. */
typedef struct kind_view {
    subset before, after_up, after_down;
    keymap kb, ku, kd;
} kind_view;

static void
compare_kind(pgr_ctx *ctx, const pgr_migration *mig, kind k, const pgr_model *before,
             const pgr_model *after_up, const pgr_model *after_down)
{
    pgr_location down_loc = { mig->down_path, 1, 1, 1, 1, NULL }, at;
    char key[600], mkey[602], msg[1024];
    kind_view kv;
    size_t n, i;
    long j;

    subset_of(ctx, before, k, &kv.before);
    subset_of(ctx, after_up, k, &kv.after_up);
    subset_of(ctx, after_down, k, &kv.after_down);
    keymap_build(&kv.kb, before, k, &kv.before);
    keymap_build(&kv.ku, after_up, k, &kv.after_up);
    keymap_build(&kv.kd, after_down, k, &kv.after_down);
    /* Created or changed by the up, still there after the down. */
    for (n = 0; n < kv.after_down.n; n++) {
        const pgr_location *loc;

        i = kv.after_down.pos[n];
        loc = key_of(after_down, k, i, key, sizeof key);
        match_key(after_down, k, i, mkey, sizeof mkey);
        j = keymap_find(&kv.kb, mkey);
        if (j < 0 && keymap_find(&kv.ku, mkey) < 0) {
            pgr_reportf(api, ctx, "rollback/incomplete-down", &down_loc,
                        "the down creates %s%s%s, which did not exist before the up",
                        k == K_OBJECT ? "" : kind_names[k], k == K_OBJECT ? "" : " ", key);
            continue;
        }
        if (j < 0)
            snprintf(msg, sizeof msg, "%s%s%s created by the up survives its down (%s)",
                     k == K_OBJECT ? "" : kind_names[k], k == K_OBJECT ? "" : " ", key,
                     mig->down_path);
        else if (attrs_differ(before, (size_t) j, after_down, i, k))
            describe_change(msg, sizeof msg, k, key, before, (size_t) j, after_down, i,
                            mig->down_path);
        else
            continue;
        /* Report at the up statement behind it when the up made it, or at
         * the up's DROP COLUMN of a column the down does not restore. */
        if (loc->path && strcmp(loc->path, mig->up_path) == 0)
            at = *loc;
        else if (k == K_TABLE && j >= 0)
            dropped_column_site(mig, &before->tables[j], &after_down->tables[i], &at);
        else
            at = mig->up_location;
        pgr_report_at(api, ctx, "rollback/incomplete-down", &at, msg, NULL);
    }
    /* Gone after the down, though it existed before the up. */
    for (n = 0; n < kv.before.n; n++) {
        i = kv.before.pos[n];
        key_of(before, k, i, key, sizeof key);
        match_key(before, k, i, mkey, sizeof mkey);
        if (keymap_find(&kv.kd, mkey) >= 0)
            continue;
        if (keymap_find(&kv.ku, mkey) >= 0) {
            pgr_reportf(api, ctx, "rollback/incomplete-down", &down_loc,
                        "the down drops %s%s%s, which its up did not create",
                        k == K_OBJECT ? "" : kind_names[k], k == K_OBJECT ? "" : " ", key);
        } else {
            pgr_location gone = mig->up_location;

            if (k == K_TABLE)
                flow_drop_location(mig, before->tables[i].schema, before->tables[i].name, NULL,
                                   &gone);
            pgr_reportf(api, ctx, "rollback/incomplete-down", &gone,
                        "%s%s%s dropped by the up is not restored by its down (%s)",
                        k == K_OBJECT ? "" : kind_names[k], k == K_OBJECT ? "" : " ", key,
                        mig->down_path);
        }
    }
    keymap_free(&kv.kb);
    keymap_free(&kv.ku);
    keymap_free(&kv.kd);
    free(kv.before.owned);
    free(kv.after_up.owned);
    free(kv.after_down.owned);
}

/* The position of the table with oid among the subset s of m's tables
 * (sorted by oid in by_oid, n of them), or -1. */
static long
table_with_oid(const pgr_model *m, const size_t *by_oid, size_t n, uint32_t oid)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (m->tables[by_oid[mid]].oid < oid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && m->tables[by_oid[lo]].oid == oid ? (long) by_oid[lo] : -1;
}

static const pgr_model *sort_model;

static int
oid_cmp(const void *a, const void *b)
{
    uint32_t x = sort_model->tables[*(const size_t *) a].oid;
    uint32_t y = sort_model->tables[*(const size_t *) b].oid;

    return x < y ? -1 : x > y;
}

/* The columns of table b (before the up) that u (the same table after it)
 * lacks lose their values, unless the up copied them first; by attnum, so
 * that a renamed column is the same column. */
static void
report_dropped_columns(pgr_ctx *ctx, const pgr_migration_set *set, size_t index,
                       const pgr_table *b, const pgr_table *u)
{
    const pgr_migration *mig = &set->migrations[index];
    pgr_location at;
    size_t c, d;

    for (c = 0; c < b->n_columns; c++) {
        int still = 0;

        for (d = 0; d < u->n_columns && !still; d++)
            still = u->attnums[d] == b->attnums[c];
        if (still || flow_object_copied(set, index, b->schema, b->name, b->columns[c]))
            continue;
        flow_drop_location(mig, b->schema, b->name, b->columns[c], &at);
        pgr_reportf(api, ctx, "rollback/irreversible-up", &at,
                    "the up drops column %s.%s.%s: a down cannot bring its "
                    "values back", b->schema, b->name, b->columns[c]);
    }
}

/*
 * The tables and columns the up drops (irreversible-up): a table of before
 * that after_up lacks (by oid: a renamed table is the same table), or a
 * column it lacks.  Only the tables the migration touched can have gone.
 */
void
rollback_report_drops(pgr_ctx *ctx, const pgr_migration_set *set, size_t index, const pgr_model *before,
             const pgr_model *after_up)
{
    const pgr_migration *mig = &set->migrations[index];
    subset sb, su;
    size_t n, *by_oid;
    pgr_location at;
    char key[600];

    subset_of(ctx, before, K_TABLE, &sb);
    subset_of(ctx, after_up, K_TABLE, &su);
    by_oid = malloc((su.n ? su.n : 1) * sizeof(size_t));
    if (by_oid == NULL)
        abort();
    /* An empty subset's pos may be NULL, which memcpy must not get. */
    if (su.n > 0)
        memcpy(by_oid, su.pos, su.n * sizeof(size_t));
    sort_model = after_up;
    qsort(by_oid, su.n, sizeof(size_t), oid_cmp);
    for (n = 0; n < sb.n; n++) {
        const pgr_table *b = &before->tables[sb.pos[n]];
        long j = table_with_oid(after_up, by_oid, su.n, b->oid);

        if (j >= 0) {
            report_dropped_columns(ctx, set, index, b, &after_up->tables[j]);
            continue;
        }
        key_of(before, K_TABLE, sb.pos[n], key, sizeof key);
        if (flow_object_copied(set, index, b->schema, b->name, NULL) ||
            flow_table_copied(set, index, b))
            continue;
        flow_drop_location(mig, b->schema, b->name, NULL, &at);
        pgr_reportf(api, ctx, "rollback/irreversible-up", &at,
                    "the up drops table %s: a down cannot bring its rows back", key);
    }
    free(by_oid);
    free(sb.owned);
    free(su.owned);
}


void
rollback_compare(pgr_ctx *ctx, const pgr_migration *mig, const pgr_model *before,
                 const pgr_model *after_up, const pgr_model *after_down)
{
    int k;

    for (k = 0; k < K_COUNT; k++)
        compare_kind(ctx, mig, (kind) k, before, after_up, after_down);
}
