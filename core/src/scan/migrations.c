/*
 * migrations.c — see migrations.h.
 *
 * Each file is offered to the conventions of the table below, in order; the
 * first that claims it gives it a candidate with a pairing key (convention,
 * set root, version, name).  Sorting the candidates by key puts every up
 * next to its down; the conventions' pair functions then re-key or drop
 * theirs.  Candidates are gathered into sets by (root, convention) and
 * ordered by version, or by the convention's own order (sqitch.plan).
 * The conventions themselves are in conventions/, one file each.
 */
#include "scan/migrations.h"

#include "scan/conventions/convention.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The conventions in detection order: the first whose detect claims a file
 * wins.  dbmate goes first (its marker decides whatever the name says),
 * prisma before diesel (a down.sql beside migration.sql is Prisma's),
 * numbered last (its names are the loosest).
 */
static const mig_convention *const conventions[] = {
    &mig_dbmate,
    &mig_golang_migrate,
    &mig_prisma,
    &mig_diesel,
    &mig_flyway,
    &mig_sqitch,
    &mig_numbered,
    NULL
};

/* What `migrations:` may pin a directory to besides a convention. */
#define MIG_NO_CONVENTION "none"

static const mig_convention *
convention_by_name(const char *name)
{
    size_t i;

    for (i = 0; conventions[i]; i++)
        if (strcmp(conventions[i]->name, name) == 0)
            return conventions[i];
    return NULL;
}

bool
mig_convention_known(const char *name)
{
    return strcmp(name, MIG_NO_CONVENTION) == 0 || convention_by_name(name) != NULL;
}

char *
mig_convention_names(void)
{
    char *out = util_xstrdup(""), *next;
    size_t i;

    for (i = 0; conventions[i]; i++) {
        next = util_xasprintf("%s%s, ", out, conventions[i]->name);
        free(out);
        out = next;
    }
    /* "a, b, c, " -> "a, b, c or none" */
    out[strlen(out) - 2] = '\0';
    next = util_xasprintf("%s or %s", out, MIG_NO_CONVENTION);
    free(out);
    return next;
}

char *
mig_context_dir(const char *path)
{
    char *dir = util_dirname(path), *parent;
    size_t i;

    for (i = 0; conventions[i]; i++)
        if (conventions[i]->below_root && conventions[i]->below_root(path))
            break;
    if (conventions[i] == NULL)
        return dir;
    parent = util_dirname(dir);
    free(dir);
    return parent;
}

size_t
mig_group_end(const mig_set *s, size_t k)
{
    while (k + 1 < s->entries.len && ((const mig_entry *) util_vec_at(&s->entries, k))->joins_next)
        k++;
    return k + 1;
}

int
mig_version_cmp(const char *a, const char *b)
{
    const char *pa = a, *pb = b;

    while (*pa && *pb) {
        if (isdigit((unsigned char) *pa) && isdigit((unsigned char) *pb)) {
            const char *ea, *eb;
            size_t la, lb;
            int c;

            while (*pa == '0' && isdigit((unsigned char) pa[1]))
                pa++;
            while (*pb == '0' && isdigit((unsigned char) pb[1]))
                pb++;
            for (ea = pa; isdigit((unsigned char) *ea); ea++)
                ;
            for (eb = pb; isdigit((unsigned char) *eb); eb++)
                ;
            la = (size_t) (ea - pa);
            lb = (size_t) (eb - pb);
            if (la != lb)
                return la < lb ? -1 : 1;
            if ((c = strncmp(pa, pb, la)) != 0)
                return c;
            pa = ea;
            pb = eb;
        } else {
            if (*pa != *pb)
                return (unsigned char) *pa < (unsigned char) *pb ? -1 : 1;
            pa++;
            pb++;
        }
    }
    if (*pa || *pb)
        return *pa ? 1 : -1;
    return strcmp(a, b);
}

/* --- dialects ---------------------------------------------------------------- */

/* Databases whose SQL a repository may keep beside PostgreSQL's, by the
 * names pop gives them in an infix (.mysql.up.sql) and projects give their
 * directories (authelia's migrations/mysql/) and files (mysql_dump.sql). */
static const char *const other_dialects[] = {
    "mysql", "mariadb", "sqlite3", "sqlite", "cockroach", "cockroachdb", "mssql", "sqlserver",
    "oracle", "clickhouse", NULL
};

bool
mig_other_dialect(const char *tag)
{
    size_t i;

    for (i = 0; other_dialects[i]; i++)
        if (strcasecmp(tag, other_dialects[i]) == 0)
            return true;
    return false;
}

/* Whether the file name base starts with another database's name followed
 * by '_', '-' or '.' (mysql_dump.sql, sqlite3-schema.sql, oracle.sql). */
static bool
other_dialect_prefix(const char *base)
{
    size_t i, n;

    for (i = 0; other_dialects[i]; i++) {
        n = strlen(other_dialects[i]);
        if (strncasecmp(base, other_dialects[i], n) == 0 &&
            (base[n] == '_' || base[n] == '-' || base[n] == '.'))
            return true;
    }
    return false;
}

bool
mig_path_dialect(const char *relpath)
{
    const char *seg = relpath, *slash;
    char name[64];

    /* Each directory segment, then the file name's prefix. */
    while ((slash = strchr(seg, '/')) != NULL) {
        size_t n = (size_t) (slash - seg);

        if (n < sizeof name) {
            memcpy(name, seg, n);
            name[n] = '\0';
            if (mig_other_dialect(name))
                return true;
        }
        seg = slash + 1;
    }
    return other_dialect_prefix(seg);
}

/* --- helpers for the conventions (convention.h) --------------------------- */

bool
mig_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
mig_is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool
mig_dir_named(const char *path, const char *const *names)
{
    char *dir = util_dirname(path);
    const char *base = util_basename(dir);
    bool found = false;
    size_t i;

    for (i = 0; names[i] && !found; i++)
        found = strcmp(base, names[i]) == 0;
    free(dir);
    return found;
}

bool
mig_ends_with(const char *s, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);

    return len >= sl && strncmp(s + len - sl, suffix, sl) == 0;
}

char *
mig_leading_version(const char *s)
{
    size_t n = 0;

    while (isdigit((unsigned char) s[n]) ||
           ((s[n] == '-' || s[n] == '.') && isdigit((unsigned char) s[n + 1]) && n > 0))
        n++;
    return util_xstrndup(s, n);
}

char *
mig_strip_zeros(const char *v)
{
    while (*v == '0' && isdigit((unsigned char) v[1]))
        v++;
    return util_xstrdup(v);
}

FILE *
mig_open_regular(const char *path)
{
    const char *err;
    int fd = util_open_regular(path, &err);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

    if (fd >= 0 && f == NULL)
        close(fd);
    return f;
}

mig_cand *
mig_cand_add(util_vec *cands, size_t file, const char *conv, mig_role role,
             char *root, char *version, char *name, char *key)
{
    mig_cand *c = util_vec_push(cands);

    c->file = file;
    c->conv = conv;
    c->role = role;
    c->root = root;
    c->version = version;
    c->name = name;
    c->key = key;
    c->forced = false;
    return c;
}

void
mig_cand_free(mig_cand *c)
{
    free(c->key);
    free(c->root);
    free(c->version);
    free(c->name);
}

int
mig_entry_cmp(const void *pa, const void *pb)
{
    const mig_entry *a = pa, *b = pb;
    int c;

    if ((c = mig_version_cmp(a->version, b->version)) != 0)
        return c;
    return strcmp(a->name, b->name);
}

/* --- pairing --------------------------------------------------------------- */

static int
cand_cmp(const void *pa, const void *pb)
{
    const mig_cand *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);

    if (c)
        return c;
    if (a->role != b->role)
        return a->role < b->role ? -1 : 1;
    return a->file < b->file ? -1 : a->file > b->file;
}

static void
sort_cands(util_vec *cands)
{
    if (cands->len > 0)
        qsort(cands->items, cands->len, sizeof(mig_cand), cand_cmp);
}

static mig_set *
find_set(util_vec *sets, const char *root, const char *conv)
{
    size_t i;
    mig_set *s;

    for (i = 0; i < sets->len; i++) {
        s = util_vec_at(sets, i);
        if (strcmp(s->root, root) == 0 && strcmp(s->convention, conv) == 0)
            return s;
    }
    s = util_vec_push(sets);
    s->root = util_xstrdup(root);
    s->convention = conv;
    util_vec_init(&s->entries, sizeof(mig_entry));
    return s;
}

/* Walk the sorted candidates; each key group yields one entry per up. */
static void
build_sets(util_vec *cands, mig_result *out)
{
    size_t i = 0, j, k;

    while (i < cands->len) {
        mig_cand *c = util_vec_at(cands, i);
        long down = -1;

        for (j = i; j < cands->len && strcmp(((mig_cand *) util_vec_at(cands, j))->key, c->key) == 0;
             j++) {
            mig_cand *d = util_vec_at(cands, j);

            if (d->role == MIG_DOWN && down < 0)
                down = (long) d->file;
        }
        for (k = i; k < j; k++) {
            mig_cand *u = util_vec_at(cands, k);
            mig_entry *e;

            out->roles[u->file] = u->role;
            if (u->role != MIG_UP && u->role != MIG_UP_DOWN)
                continue;
            e = util_vec_push(&find_set(&out->sets, u->root, u->conv)->entries);
            e->version = util_xstrdup(u->version);
            e->name = util_xstrdup(u->name);
            e->up = (long) u->file;
            e->down = u->role == MIG_UP_DOWN ? (long) u->file : down;
        }
        i = j;
    }
}

/* Apply order: by version, then as the set's convention says. */
static void
order_set(mig_set *s, const char *const *paths)
{
    const mig_convention *conv = convention_by_name(s->convention);

    if (s->entries.len > 0)
        qsort(s->entries.items, s->entries.len, sizeof(mig_entry), mig_entry_cmp);
    if (conv && conv->order)
        conv->order(s, paths);
}

/* The override whose root holds path (the longest), or NULL. */
static const mig_override *
override_of(const char *path, const mig_override *ov, size_t n)
{
    char real[PATH_MAX];
    const mig_override *best = NULL;
    size_t i;

    if (n == 0 || realpath(path, real) == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        size_t rl = strlen(ov[i].root);

        if (strncmp(real, ov[i].root, rl) == 0 && real[rl] == '/' &&
            (best == NULL || rl > strlen(best->root)))
            best = &ov[i];
    }
    return best;
}

/* Offer file to the conventions in table order (only the configured one,
 * when only is not NULL); the first that claims it wins. */
static void
classify_one(util_vec *cands, const mig_file *file, const char *only, mig_role *role)
{
    size_t before = cands->len, k;

    if (only && strcmp(only, MIG_NO_CONVENTION) == 0)
        return;
    for (k = 0; conventions[k]; k++) {
        if (only && strcmp(only, conventions[k]->name) != 0)
            continue;
        if (conventions[k]->detect(file, cands, role))
            break;
    }
    if (only && cands->len > before)
        ((mig_cand *) util_vec_at(cands, cands->len - 1))->forced = true;
}

/* Whether a directory component of path is "migratest": the migration
 * tests' data of ory's Go services (persistence/sql/migratest/testdata/),
 * INSERTs that check each migration, whose names look like migrations. */
static bool
in_migration_tests(const char *path)
{
    const char *p = path;
    size_t len = strlen("migratest");

    while ((p = strstr(p, "migratest")) != NULL) {
        if ((p == path || p[-1] == '/') && p[len] == '/')
            return true;
        p += len;
    }
    return false;
}

void
mig_classify(const char *const *paths, const char *const *relpaths, const bool *dbmate,
             const bool *test_data, size_t n, const mig_override *overrides, size_t n_overrides,
             mig_result *out)
{
    util_vec cands;
    size_t i;

    util_vec_init(&cands, sizeof(mig_cand));
    util_vec_init(&out->sets, sizeof(mig_set));
    out->roles = util_xcalloc(n ? n : 1, sizeof(mig_role));
    for (i = 0; i < n; i++) {
        const mig_override *ov = override_of(paths[i], overrides, n_overrides);
        char *dir = util_dirname(paths[i]);
        mig_file file = { i, paths[i], dir, util_basename(paths[i]), dbmate[i] };
        mig_role role = MIG_NONE;

        /* Another database's SQL (a mysql/ directory, a mysql_dump.sql) is
         * neither parsed nor paired, unless the configuration says it is a
         * migration; pop's infixes are the golang-migrate convention's. */
        if (ov == NULL && mig_path_dialect(relpaths ? relpaths[i] : paths[i])) {
            out->roles[i] = MIG_OTHER_DIALECT;
            free(dir);
            continue;
        }
        /* Test data is plain SQL, unless the configuration says otherwise. */
        if (ov == NULL && (test_data[i] || in_migration_tests(paths[i]))) {
            free(dir);
            continue;
        }
        classify_one(&cands, &file, ov ? ov->convention : NULL, &role);
        if (role == MIG_OTHER_DIALECT)
            out->roles[i] = MIG_OTHER_DIALECT;
        free(dir);
    }
    sort_cands(&cands);
    for (i = 0; conventions[i]; i++)
        if (conventions[i]->pair)
            conventions[i]->pair(&cands, out->roles);
    sort_cands(&cands);
    build_sets(&cands, out);
    for (i = 0; i < out->sets.len; i++)
        order_set(util_vec_at(&out->sets, i), paths);
    for (i = 0; i < cands.len; i++)
        mig_cand_free(util_vec_at(&cands, i));
    util_vec_free(&cands);
}

void
mig_free(mig_result *r)
{
    size_t i, j;

    for (i = 0; i < r->sets.len; i++) {
        mig_set *s = util_vec_at(&r->sets, i);

        for (j = 0; j < s->entries.len; j++) {
            mig_entry *e = util_vec_at(&s->entries, j);

            free(e->version);
            free(e->name);
        }
        util_vec_free(&s->entries);
        free(s->root);
    }
    util_vec_free(&r->sets);
    free(r->roles);
}
