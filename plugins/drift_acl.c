/*
 * drift_acl.c — the drift plugin on privileges (drift/grant): each grant
 * the database holds against what the migrations give (the object's own
 * grants, GRANT ... ON ALL ... IN SCHEMA, default privileges, a later ALL
 * TABLES grant reaching a view), and each grant of the migrations the
 * database lacks.  Every lookup goes through sorted indexes built here,
 * so a database with tens of thousands of grants is compared in
 * O(n log n), not by scanning every grant for each one.  See drift.c for
 * the plugin and its rules; drift.h for what they share.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "drift.h"
#include "sorted.h"

/*
 * Whether two grants' objects are the same.  Functions are named with their
 * argument types, "schema.name(integer, text)"; a migration's GRANT ... ON
 * FUNCTION name without an argument list, on a function no migration
 * creates, is "schema.name": PostgreSQL required the name to be unique, so
 * it stands for the database's one function of that name.
 */
static int
same_object(char objkind, const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);

    if (strcmp(x, y) == 0)
        return 1;
    if (objkind != 'f')
        return 0;
    if (strchr(x, '(') == NULL && ny > nx && strncmp(x, y, nx) == 0 && y[nx] == '(')
        return 1;
    return strchr(y, '(') == NULL && nx > ny && strncmp(x, y, ny) == 0 && x[ny] == '(';
}

/* Whether a migration place (path, line) comes after another. */
static int
after(const pgr_location *a, const pgr_location *b)
{
    int c;

    if (a->path == NULL || b->path == NULL)
        return 0;
    c = strcmp(a->path, b->path);
    return c > 0 || (c == 0 && a->line > b->line);
}

/* The privileges of the grants sharing one (kind, grantee, object). */
typedef struct folded {
    char objkind;
    const char *grantee;
    const char *object;
    uint32_t privileges, options;
} folded;

/*
 * A model's grants for the comparison: all of them sorted by kind, grantee
 * and object name up to its argument list (acl_of); for the migrations'
 * model also the schema-wide grants and the default privileges folded per
 * (kind, grantee, object) (schema_wide), and the table grants sorted by
 * grantee, schema and place, each with the privileges of itself and every
 * later grant of its group in later[] (all_tables_on_view).
 */
typedef struct acl_index {
    const pgr_acl_item **acl;
    size_t n_acl;
    folded *wide, *defaults;
    size_t n_wide, n_defaults;
    const pgr_acl_item **tables;
    uint32_t *later;
    size_t n_tables;
} acl_index;

/* Compare two object names up to their argument lists ("s.f(integer)" and
 * "s.f" compare equal): same_object's candidates are equal here. */
static int
base_cmp(const char *x, const char *y)
{
    size_t nx = strcspn(x, "("), ny = strcspn(y, "(");
    int c = strncmp(x, y, nx < ny ? nx : ny);

    return c != 0 ? c : (nx > ny) - (nx < ny);
}

/* Model order breaks ties, so that acl_of finds the first match in the
 * model, as a scan did (qsort is not stable). */
static int
acl_cmp(const void *a, const void *b)
{
    const pgr_acl_item *x = *(const pgr_acl_item *const *) a, *y = *(const pgr_acl_item *const *) b;
    int c = (x->objkind > y->objkind) - (x->objkind < y->objkind);

    if (c == 0)
        c = strcmp(x->grantee, y->grantee);
    if (c == 0)
        c = base_cmp(x->object, y->object);
    return c != 0 ? c : (x > y) - (x < y);
}

/* acl_cmp without the tie-break: the range of one name. */
static int
acl_key_cmp(const void *a, const void *b)
{
    const pgr_acl_item *x = *(const pgr_acl_item *const *) a, *y = *(const pgr_acl_item *const *) b;
    int c = (x->objkind > y->objkind) - (x->objkind < y->objkind);

    if (c == 0)
        c = strcmp(x->grantee, y->grantee);
    return c != 0 ? c : base_cmp(x->object, y->object);
}

static int
folded_cmp(const void *a, const void *b)
{
    const folded *x = a, *y = b;
    int c = (x->objkind > y->objkind) - (x->objkind < y->objkind);

    if (c == 0)
        c = strcmp(x->grantee, y->grantee);
    return c != 0 ? c : strcmp(x->object, y->object);
}

/* The length of the schema part of a relation's name, "schema." with its
 * dot (the whole name when it has none). */
static size_t
schema_part(const char *object)
{
    const char *dot = strchr(object, '.');

    return dot ? (size_t) (dot - object) + 1 : strlen(object);
}

/* Grantee, schema, then place: the order of index->tables. */
static int
table_grant_cmp(const void *a, const void *b)
{
    const pgr_acl_item *x = *(const pgr_acl_item *const *) a, *y = *(const pgr_acl_item *const *) b;
    size_t nx = schema_part(x->object), ny = schema_part(y->object);
    int c = strcmp(x->grantee, y->grantee);

    if (c == 0)
        c = strncmp(x->object, y->object, nx < ny ? nx : ny);
    if (c == 0)
        c = (nx > ny) - (nx < ny);
    if (c == 0)
        c = strcmp(x->location.path, y->location.path);
    return c != 0 ? c : (x->location.line > y->location.line) - (x->location.line < y->location.line);
}

/* Whether two table grants are of one grantee and schema. */
static int
same_group(const pgr_acl_item *x, const pgr_acl_item *y)
{
    size_t n = schema_part(x->object);

    return strcmp(x->grantee, y->grantee) == 0 && n == schema_part(y->object) &&
           strncmp(x->object, y->object, n) == 0;
}

/* Sort items and merge those of one (kind, grantee, object); *n becomes
 * the number left. */
static void
fold(folded *items, size_t *n)
{
    size_t i, k = 0;

    qsort(items, *n, sizeof *items, folded_cmp);
    for (i = 0; i < *n; i++) {
        if (k > 0 && folded_cmp(&items[k - 1], &items[i]) == 0) {
            items[k - 1].privileges |= items[i].privileges;
            items[k - 1].options |= items[i].options;
        } else {
            items[k++] = items[i];
        }
    }
    *n = k;
}

static void
add_folded(folded *f, size_t *n, const pgr_acl_item *a)
{
    folded *e = &f[(*n)++];

    e->objkind = a->objkind;
    e->grantee = a->grantee;
    e->object = a->object;
    e->privileges = a->privileges;
    e->options = a->grant_options;
}

/* The migrations' schema-wide grants, default privileges and table grants
 * (see acl_index). */
static void
index_want(acl_index *ix, const pgr_model *m)
{
    size_t i;

    for (i = 0; i < m->n_acl; i++) {
        const pgr_acl_item *a = &m->acl[i];

        if (a->all_in_schema)
            add_folded(ix->wide, &ix->n_wide, a);
        else if (a->objkind == 'r' && a->location.path != NULL)
            ix->tables[ix->n_tables++] = a;
    }
    for (i = 0; i < m->n_default_acl; i++)
        add_folded(ix->defaults, &ix->n_defaults, &m->default_acl[i]);
    fold(ix->wide, &ix->n_wide);
    fold(ix->defaults, &ix->n_defaults);
    qsort(ix->tables, ix->n_tables, sizeof *ix->tables, table_grant_cmp);
    for (i = ix->n_tables; i-- > 0;) {
        ix->later[i] = ix->tables[i]->privileges;
        if (i + 1 < ix->n_tables && same_group(ix->tables[i], ix->tables[i + 1]))
            ix->later[i] |= ix->later[i + 1];
    }
}

static void
index_free(acl_index *ix)
{
    free(ix->acl);
    free(ix->wide);
    free(ix->defaults);
    free(ix->tables);
    free(ix->later);
    memset(ix, 0, sizeof *ix);
}

/* Build m's index (want: the migrations' model, with its extra parts).
 * 0, or -1 when out of memory (ix freed). */
static int
index_build(acl_index *ix, const pgr_model *m, int want)
{
    size_t i, n = m->n_acl + 1;

    memset(ix, 0, sizeof *ix);
    ix->acl = malloc(n * sizeof *ix->acl);
    if (want) {
        ix->wide = malloc(n * sizeof *ix->wide);
        ix->defaults = malloc((m->n_default_acl + 1) * sizeof *ix->defaults);
        ix->tables = malloc(n * sizeof *ix->tables);
        ix->later = malloc(n * sizeof *ix->later);
    }
    if (ix->acl == NULL || (want && (ix->wide == NULL || ix->defaults == NULL ||
                                     ix->tables == NULL || ix->later == NULL))) {
        index_free(ix);
        return -1;
    }
    for (i = 0; i < m->n_acl; i++)
        ix->acl[ix->n_acl++] = &m->acl[i];
    qsort(ix->acl, ix->n_acl, sizeof *ix->acl, acl_cmp);
    if (want)
        index_want(ix, m);
    return 0;
}

/* The first grant of ix matching a's kind, grantee and object (in model
 * order), or NULL. */
static const pgr_acl_item *
acl_of(const acl_index *ix, const pgr_acl_item *a)
{
    size_t i;

    for (i = lower_bound(ix->acl, ix->n_acl, sizeof *ix->acl, &a, acl_key_cmp);
         i < ix->n_acl && acl_key_cmp(&ix->acl[i], &a) == 0; i++)
        if (same_object(a->objkind, ix->acl[i]->object, a->object))
            return ix->acl[i];
    return NULL;
}

/* The folded privileges of (objkind, grantee, object) in f, or NULL. */
static const folded *
folded_find(const folded *f, size_t n, char objkind, const char *grantee, const char *object)
{
    folded key;

    key.objkind = objkind;
    key.grantee = grantee;
    key.object = object;
    return n ? bsearch(&key, f, n, sizeof *f, folded_cmp) : NULL;
}

/* Add the privileges of (objkind, grantee, object) in f to *bits and
 * *options. */
static void
add_found(const folded *f, size_t n, const pgr_acl_item *a, const char *object,
          uint32_t *bits, uint32_t *options)
{
    const folded *hit = folded_find(f, n, a->objkind, a->grantee, object);

    if (hit) {
        *bits |= hit->privileges;
        *options |= hit->options;
    }
}

/* The schema part of "schema.name" is covered by the migrations. */
static int
object_covered(const pgr_model *want, const pgr_acl_item *a)
{
    char schema[256];
    const char *dot = strchr(a->object, '.');
    size_t n = dot ? (size_t) (dot - a->object) : strlen(a->object);

    if (n >= sizeof schema)
        return 0;
    memcpy(schema, a->object, n);
    schema[n] = '\0';
    return schema_covered(want, schema);
}

/* PostgreSQL's aclitem letters (arwdDxtXUCTc) for AclMode bits. */
static const char *
letters(unsigned bits, char *buf)
{
    static const char all[] = "arwdDxtXUCTc";
    size_t i, n = 0;

    for (i = 0; all[i]; i++)
        if (bits & (1u << i))
            buf[n++] = all[i];
    if (n == 0)
        buf[n++] = '-';
    buf[n] = '\0';
    return buf;
}

/*
 * What the migrations let grantee hold on a's object beyond their own grants
 * on it: a GRANT ... ON ALL <kind> IN SCHEMA the model could not expand
 * (sequences that SERIAL and identity columns create are not in the model),
 * and ALTER DEFAULT PRIVILEGES for the object's kind in its schema or in
 * every schema.  Bits; grant options in *options.
 */
static uint32_t
schema_wide(const acl_index *want, const pgr_acl_item *a, uint32_t *options)
{
    const char *dot = strchr(a->object, '.');
    size_t n = dot ? (size_t) (dot - a->object) : 0;
    uint32_t bits = 0;
    char *key;

    *options = 0;
    if (dot == NULL || (key = malloc(n + 3)) == NULL)
        return 0;
    /* "schema.*": how the model writes ON ALL <kind> IN SCHEMA schema. */
    memcpy(key, a->object, n + 1);
    memcpy(key + n + 1, "*", 2);
    add_found(want->wide, want->n_wide, a, key, &bits, options);
    key[n] = '\0';
    add_found(want->defaults, want->n_defaults, a, key, &bits, options);
    add_found(want->defaults, want->n_defaults, a, "*", &bits, options);
    free(key);
    return bits;
}

/*
 * The privileges a GRANT ... ON ALL TABLES IN SCHEMA after a view's CREATE
 * gave its grantee on the view: PostgreSQL's ALL TABLES includes views,
 * the model expands it to tables only.  Seen as the same grantee holding
 * privileges on another relation of the view's schema through a grant
 * after the view: the later[] of the first such grant.  Bits.
 */
static uint32_t
all_tables_on_view(const pgr_model *want_model, const acl_index *want, const pgr_acl_item *a)
{
    const char *dot = strchr(a->object, '.');
    const pgr_view *v;
    char schema[256];
    size_t lo = 0, hi = want->n_tables, n = dot ? (size_t) (dot - a->object) : 0;
    pgr_acl_item key;
    const pgr_acl_item *kp = &key;

    if (a->objkind != 'r' || dot == NULL || n >= sizeof schema)
        return 0;
    memcpy(schema, a->object, n);
    schema[n] = '\0';
    if ((v = view_of(want_model, schema, dot + 1)) == NULL || v->location.path == NULL)
        return 0;
    key = *a;
    key.location = v->location;
    /* The first grant of a's grantee and schema strictly after the view. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (table_grant_cmp(&want->tables[mid], &kp) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < want->n_tables && same_group(want->tables[lo], a) && after(&want->tables[lo]->location, &v->location))
        return want->later[lo];
    return 0;
}

/*
 * Whether grantee owns the object of a migration's grant, in the database
 * or in the migrations: an owner's privileges are implicit (PostgreSQL
 * folds a grant to the role into its owner entry at ALTER ... OWNER TO),
 * and the audit reads only what others were granted.
 */
static int
owner_of(const pgr_model *want, const pgr_model *live, const pgr_acl_item *w)
{
    const char *dot = strchr(w->object, '.');
    const pgr_model *m[2] = { live, want };
    char schema[256];
    size_t k, n = dot ? (size_t) (dot - w->object) : 0;

    if (w->objkind != 'r' || dot == NULL || n >= sizeof schema)
        return 0;
    memcpy(schema, w->object, n);
    schema[n] = '\0';
    for (k = 0; k < 2; k++) {
        const pgr_table *t = table_of(m[k], schema, dot + 1);

        if (t && t->owner && !strcmp(t->owner, w->grantee))
            return 1;
    }
    return 0;
}

/*
 * Whether the audit reads the database's side of a migration's grant (see
 * live.c load_acl): privileges on tables, views, sequences, schemas and
 * functions, not PUBLIC's EXECUTE on functions nor its USAGE on schema
 * public (built-in defaults, kept as flags), nor database, type, domain,
 * language, foreign-data or tablespace privileges (a migration names the
 * database it ran in, which need not be the one audited).
 */
static int
audit_reads(const pgr_acl_item *w)
{
    int public = strcmp(w->grantee, "PUBLIC") == 0;

    switch (w->objkind) {
    case 'r':
    case 'S':
        return 1;
    case 'f':
        return !public;
    case 'n':
        return !(public && strcmp(w->object, "public") == 0);
    default:
        return 0;
    }
}

static void
report_live_grants(pgr_ctx *ctx, const pgr_model *want, const acl_index *wix, const pgr_model *live)
{
    char a[16], b[16];
    size_t i;

    for (i = 0; i < live->n_acl; i++) {
        const pgr_acl_item *l = &live->acl[i], *w = acl_of(wix, l);
        uint32_t options, allowed;

        if (!object_covered(want, l) || l->all_in_schema)
            continue;
        allowed = schema_wide(wix, l, &options) | all_tables_on_view(want, wix, l);
        /* Reported: a privilege nothing in the migrations gives, or one
         * the object's own grants give that the database lacks. */
        if ((l->privileges & ~(allowed | (w ? w->privileges : 0))) ||
            (l->grant_options & ~(options | (w ? w->grant_options : 0))) ||
            (w && ((w->privileges & ~l->privileges) || (w->grant_options & ~l->grant_options)))) {
            pgr_reportf(api, ctx, "drift/grant", &l->location,
                        "%s's privileges on %s differ from the migrations': %s in "
                        "the database, %s in the migrations (aclitem letters)", l->grantee, l->object,
                        letters(l->privileges, a), letters((w ? w->privileges : 0) | allowed, b));
        }
    }
}

void
compare_acl(pgr_ctx *ctx, const pgr_model *want, const pgr_model *live, const pending *p)
{
    acl_index wix, lix;
    size_t i;

    if (index_build(&wix, want, 1) != 0 || index_build(&lix, live, 0) != 0) {
        index_free(&wix);
        api->log(ctx, PGR_SEVERITY_WARNING, "drift: out of memory: grants not compared");
        return;
    }
    report_live_grants(ctx, want, &wix, live);
    for (i = 0; i < want->n_acl; i++) {
        const pgr_acl_item *w = &want->acl[i];

        if (w->all_in_schema || !audit_reads(w) || acl_of(&lix, w) || owner_of(want, live, w) ||
            is_pending(p, &w->location))
            continue;
        pgr_reportf(api, ctx, "drift/grant", &w->location,
                    "%s's privileges on %s granted by the migrations are not in the "
                    "database", w->grantee, w->object);
    }
    index_free(&wix);
    index_free(&lix);
}
