/*
 * migrations.c — see migrations.h.
 *
 * Each file becomes a candidate with a pairing key (convention, set root,
 * version, name); sorting the candidates by key puts every up next to its
 * down.  Candidates are then gathered into sets by (root, convention) and
 * ordered by version (or by sqitch.plan).
 */
#include "scan/migrations.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const mig_conventions[] = {
    "golang-migrate", "diesel", "dbmate", "flyway", "sqitch", "numbered", "none", NULL
};

typedef struct cand {
    char *key;              /* pairing key */
    char *root;             /* set root directory */
    const char *conv;
    char *version;
    char *name;
    mig_role role;          /* MIG_UP, MIG_DOWN, MIG_UP_DOWN or MIG_VERIFY */
    size_t file;
    bool forced;            /* a configured directory says it is a migration */
} cand;

static const char *const other_dialects[] = {
    "mysql", "sqlite3", "sqlite", "cockroach", "mssql", "sqlserver", "clickhouse", NULL
};

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

static bool
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
access_ok(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
ends_with(const char *s, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);

    return len >= sl && strncmp(s + len - sl, suffix, sl) == 0;
}

/* Leading digits of s (possibly with '-' between groups, as diesel's
 * 2019-02-26-002946), as a new string. */
static char *
leading_version(const char *s)
{
    size_t n = 0;

    while (isdigit((unsigned char) s[n]) ||
           ((s[n] == '-' || s[n] == '.') && isdigit((unsigned char) s[n + 1]) && n > 0))
        n++;
    return util_xstrndup(s, n);
}

static cand *
new_cand(util_vec *cands, size_t file, const char *conv, mig_role role,
         char *root, char *version, char *name, char *key)
{
    cand *c = util_vec_push(cands);

    c->file = file;
    c->conv = conv;
    c->role = role;
    c->root = root;
    c->version = version;
    c->name = name;
    c->key = key;
    return c;
}

/* golang-migrate / pop: returns true when base names an .up.sql or
 * .down.sql file (dialect files of other databases get MIG_OTHER_DIALECT). */
static bool
try_golang_migrate(util_vec *cands, size_t file, const char *dir, const char *base,
                   mig_role *role_out)
{
    size_t len = strlen(base), i;
    mig_role role;
    char *stem, *dialect = NULL, *dot;

    if (ends_with(base, len, ".up.sql"))
        role = MIG_UP, len -= 7;
    else if (ends_with(base, len, ".down.sql"))
        role = MIG_DOWN, len -= 9;
    else
        return false;
    stem = util_xstrndup(base, len);
    /* Strip pop's tags from the end: .autocommit and a dialect. */
    while ((dot = strrchr(stem, '.')) != NULL) {
        if (strcmp(dot + 1, "autocommit") == 0) {
            *dot = '\0';
            continue;
        }
        for (i = 0; other_dialects[i]; i++)
            if (strcmp(dot + 1, other_dialects[i]) == 0)
                break;
        if (other_dialects[i]) {
            *role_out = MIG_OTHER_DIALECT;
            free(stem);
            free(dialect);
            return true;
        }
        if (strcmp(dot + 1, "postgres") == 0 || strcmp(dot + 1, "postgresql") == 0 ||
            strcmp(dot + 1, "pg") == 0) {
            free(dialect);
            dialect = util_xstrdup(dot + 1);
            *dot = '\0';
            continue;
        }
        break;
    }
    char *version = leading_version(stem);
    const char *name = stem + strlen(version);

    while (*name == '_' || *name == '-')
        name++;
    new_cand(cands, file, "golang-migrate", role, util_xstrdup(dir),
             *version ? version : util_xstrdup(stem), util_xstrdup(name),
             util_xasprintf("gm|%s|%s|%s", dir, stem, dialect ? dialect : ""));
    if (!*version)
        free(version);
    *role_out = role;
    free(stem);
    free(dialect);
    return true;
}

/* diesel and friends: <ver>_<name>/up.sql + down.sql. */
static bool
try_diesel(util_vec *cands, size_t file, const char *dir, const char *base, mig_role *role_out)
{
    const char *mdir = util_basename(dir);
    mig_role role;

    if (strcmp(base, "up.sql") == 0)
        role = MIG_UP;
    else if (strcmp(base, "down.sql") == 0)
        role = MIG_DOWN;
    else
        return false;
    if (!isdigit((unsigned char) mdir[0]))
        return false;
    char *root = util_dirname(dir);
    char *version = leading_version(mdir);
    const char *name = mdir + strlen(version);

    while (*name == '_' || *name == '-')
        name++;
    new_cand(cands, file, "diesel", role, root, version, util_xstrdup(name),
             util_xasprintf("di|%s", dir));
    *role_out = role;
    return true;
}

/* Flyway: V<ver>__<desc>.sql (versioned) + U<ver>__<desc>.sql (undo). */
static bool
try_flyway(util_vec *cands, size_t file, const char *dir, const char *base, mig_role *role_out)
{
    const char *sep = strstr(base, "__");
    size_t len = strlen(base);

    if ((base[0] != 'V' && base[0] != 'U') || !isdigit((unsigned char) base[1]) ||
        sep == NULL || !ends_with(base, len, ".sql"))
        return false;
    char *version = util_xstrndup(base + 1, (size_t) (sep - base - 1));
    mig_role role = base[0] == 'V' ? MIG_UP : MIG_DOWN;

    for (char *p = version; *p; p++)
        if (*p == '_')
            *p = '.';
    new_cand(cands, file, "flyway", role, util_xstrdup(dir), version,
             util_xstrndup(sep + 2, len - 4 - (size_t) (sep + 2 - base)),
             util_xasprintf("fw|%s|%s", dir, version));
    *role_out = role;
    return true;
}

/* sqitch: a deploy/, revert/ or verify/ component with a sibling deploy/
 * or revert/ directory (or sqitch.plan) beside it. */
static bool
try_sqitch(util_vec *cands, size_t file, const char *path, mig_role *role_out)
{
    static const char *const comps[] = { "deploy", "revert", "verify" };
    static const mig_role roles[] = { MIG_UP, MIG_DOWN, MIG_VERIFY };
    int k;

    for (k = 0; k < 3; k++) {
        char needle[16];
        const char *hit = NULL, *p = path;
        size_t rootlen;

        snprintf(needle, sizeof needle, "%s/", comps[k]);
        /* The last "<comp>/" that starts a path component. */
        while ((p = strstr(p, needle)) != NULL) {
            if (p == path || p[-1] == '/')
                hit = p;
            p++;
        }
        if (hit == NULL)
            continue;
        rootlen = hit > path ? (size_t) (hit - path - 1) : 0;
        char *root = rootlen ? util_xstrndup(path, rootlen) : util_xstrdup(".");
        char *other = util_path_join(root, k == 0 ? "revert" : "deploy");
        char *plan = util_path_join(root, "sqitch.plan");
        bool ok = is_dir(other) || access_ok(plan);

        free(other);
        free(plan);
        if (!ok) {
            free(root);
            continue;
        }
        const char *rel = hit + strlen(needle);
        size_t rl = strlen(rel);
        char *change = util_xstrndup(rel, rl > 4 ? rl - 4 : rl);

        new_cand(cands, file, "sqitch", roles[k], root, util_xstrdup(change), change,
                 util_xasprintf("sq|%s|%s", root, change));
        *role_out = roles[k];
        return true;
    }
    return false;
}

static char *
strip_zeros(const char *v)
{
    while (*v == '0' && isdigit((unsigned char) v[1]))
        v++;
    return util_xstrdup(v);
}

static bool
is_rollback_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "rollback", "rollbacks", "down", "downs", "undo", "revert", "reverts", NULL
    };
    int i;

    for (i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return true;
    return false;
}

static void
add_numbered(util_vec *cands, size_t file, const char *root, const char *version,
             const char *name, mig_role role)
{
    char *v = strip_zeros(version);

    while (*name == '_' || *name == '-' || *name == '.')
        name++;
    new_cand(cands, file, "numbered", role, util_xstrdup(root), util_xstrdup(version),
             util_xstrdup(name), util_xasprintf("nu|%s|%s", root, v));
    free(v);
}

/* Numbered files and their rollback counterparts. */
static bool
try_numbered(util_vec *cands, size_t file, const char *dir, const char *base, mig_role *role_out)
{
    size_t len = strlen(base), w = 0;
    const char *dot;
    char *version, *stem;

    if (!ends_with(base, len, ".sql"))
        return false;
    stem = util_xstrndup(base, len - 4);
    /* rollback_003_x.sql, down-003.sql ... */
    while (isalpha((unsigned char) stem[w]))
        w++;
    if (w > 0 && is_rollback_word(stem, w)) {
        const char *p = stem + w;

        while (*p == '_' || *p == '-' || *p == '.')
            p++;
        if (isdigit((unsigned char) *p)) {
            version = leading_version(p);
            add_numbered(cands, file, dir, version, p + strlen(version), MIG_DOWN);
            free(version);
            free(stem);
            *role_out = MIG_DOWN;
            return true;
        }
    }
    if (!isdigit((unsigned char) stem[0])) {
        free(stem);
        return false;
    }
    version = leading_version(stem);
    /* 003_x.rollback.sql, 003_x.undo.sql ... */
    dot = strrchr(stem, '.');
    if (dot && is_rollback_word(dot + 1, strlen(dot + 1))) {
        add_numbered(cands, file, dir, version, stem + strlen(version), MIG_DOWN);
        *role_out = MIG_DOWN;
    } else if (is_rollback_word(util_basename(dir), strlen(util_basename(dir)))) {
        /* migrations/rollback/003_x.sql belongs to migrations/. */
        char *root = util_dirname(dir);

        add_numbered(cands, file, root, version, stem + strlen(version), MIG_DOWN);
        free(root);
        *role_out = MIG_DOWN;
    } else {
        add_numbered(cands, file, dir, version, stem + strlen(version), MIG_UP);
        *role_out = MIG_UP;
    }
    free(version);
    free(stem);
    return true;
}

static int
cand_cmp(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);

    if (c)
        return c;
    if (a->role != b->role)
        return a->role < b->role ? -1 : 1;
    return a->file < b->file ? -1 : a->file > b->file;
}

static void
cand_free(cand *c)
{
    free(c->key);
    free(c->root);
    free(c->version);
    free(c->name);
}

/* golang-migrate downs whose up is a plain numbered file (003_x.sql +
 * 003_x.down.sql) are numbered rollbacks after all. */
static void
rekey_orphan_downs(util_vec *cands)
{
    size_t i = 0, j;

    while (i < cands->len) {
        cand *c = util_vec_at(cands, i);
        bool has_up = false;

        for (j = i; j < cands->len && strcmp(((cand *) util_vec_at(cands, j))->key, c->key) == 0; j++)
            if (((cand *) util_vec_at(cands, j))->role == MIG_UP)
                has_up = true;
        if (!has_up && strncmp(c->key, "gm|", 3) == 0) {
            for (size_t k = i; k < j; k++) {
                cand *d = util_vec_at(cands, k);
                char *v = strip_zeros(d->version);

                free(d->key);
                d->key = util_xasprintf("nu|%s|%s", d->root, v);
                d->conv = "numbered";
                free(v);
            }
        }
        i = j;
    }
}

/* Numbered ups count only in a directory that looks like a migration
 * directory: it has rollback files, or its path says "migrat". */
static void
drop_plain_numbered(util_vec *cands, mig_role *roles)
{
    size_t i, j, keep = 0;

    for (i = 0; i < cands->len; i++) {
        cand *c = util_vec_at(cands, i);
        bool ok = true;

        if (strcmp(c->conv, "numbered") == 0 && c->role == MIG_UP && !c->forced &&
            strcasestr(c->root, "migrat") == NULL) {
            ok = false;
            for (j = 0; j < cands->len && !ok; j++) {
                cand *d = util_vec_at(cands, j);

                ok = d->role == MIG_DOWN && strcmp(d->conv, "numbered") == 0 &&
                    strcmp(d->root, c->root) == 0;
            }
        }
        if (ok)
            *(cand *) util_vec_at(cands, keep++) = *c;
        else {
            roles[c->file] = MIG_NONE;
            cand_free(c);
        }
    }
    cands->len = keep;
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

/* path opened for reading when it is a regular file (a FIFO in the tree
 * would block the run), or NULL. */
static FILE *
open_regular(const char *path)
{
    const char *err;
    int fd = util_open_regular(path, &err);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

    if (fd >= 0 && f == NULL)
        close(fd);
    return f;
}

/* Position of each change in sqitch.plan, for ordering. */
typedef struct plan_order {
    char **names;
    size_t n;
} plan_order;

static void
plan_read(const char *root, plan_order *po)
{
    char *path = util_path_join(root, "sqitch.plan"), line[4096];
    FILE *f = open_regular(path);
    size_t cap = 0;

    po->names = NULL;
    po->n = 0;
    free(path);
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f)) {
        size_t k = 0;

        /* Pragmas (%), tags (@), comments and blank lines are not changes. */
        if (line[0] == '%' || line[0] == '@' || line[0] == '#' || isspace((unsigned char) line[0]))
            continue;
        while (line[k] && !isspace((unsigned char) line[k]))
            k++;
        if (po->n == cap) {
            cap = cap ? cap * 2 : 64;
            po->names = util_xrealloc(po->names, cap * sizeof(char *));
        }
        po->names[po->n++] = util_xstrndup(line, k);
    }
    fclose(f);
}

static size_t
plan_index(const plan_order *po, const char *name)
{
    size_t i;

    for (i = 0; i < po->n; i++)
        if (strcmp(po->names[i], name) == 0)
            return i;
    return po->n;
}

static const plan_order *sort_plan;

static int
entry_cmp(const void *pa, const void *pb)
{
    const mig_entry *a = pa, *b = pb;
    int c;

    if (sort_plan) {
        size_t ia = plan_index(sort_plan, a->version), ib = plan_index(sort_plan, b->version);

        if (ia != ib)
            return ia < ib ? -1 : 1;
    }
    if ((c = mig_version_cmp(a->version, b->version)) != 0)
        return c;
    return strcmp(a->name, b->name);
}

/* Whether deploy script path declares "-- requires: dep" (sqitch writes
 * these from `sqitch add --requires`); only the leading comments count. */
static bool
requires_change(const char *path, const char *dep)
{
    FILE *f = open_regular(path);
    char line[1024];
    bool found = false;

    if (f == NULL)
        return false;
    while (!found && fgets(line, sizeof line, f)) {
        char *p = line, *end;

        if (strncmp(p, "--", 2) != 0) {
            if (strspn(p, " \t\r\n") == strlen(p))
                continue;
            break;
        }
        p += 2;
        while (*p == ' ')
            p++;
        if (strncmp(p, "requires:", 9) != 0)
            continue;
        p += 9;
        while (*p == ' ')
            p++;
        end = p + strcspn(p, " \t\r\n");
        *end = '\0';
        /* "project:change" or "change" */
        if (strchr(p, ':'))
            p = strchr(p, ':') + 1;
        found = strcmp(p, dep) == 0;
    }
    fclose(f);
    return found;
}

/* Without sqitch.plan: order changes so that each comes after what it
 * requires (Kahn's algorithm, names breaking ties; a cycle falls back to
 * name order). */
static void
order_by_requires(mig_set *s, const char *const *paths)
{
    size_t n = s->entries.len, done = 0, i, j;
    bool *placed = util_xcalloc(n ? n : 1, sizeof(bool));
    bool *dep = util_xcalloc(n > 0 ? n * n : 1, sizeof(bool));
    mig_entry *sorted = util_xcalloc(n ? n : 1, sizeof(mig_entry));

    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            dep[i * n + j] = i != j && requires_change(
                paths[((mig_entry *) util_vec_at(&s->entries, i))->up],
                ((mig_entry *) util_vec_at(&s->entries, j))->name);
    while (done < n) {
        size_t pick = n;

        /* entries are in name order: the first ready one wins. */
        for (i = 0; i < n && pick == n; i++) {
            bool ready = !placed[i];

            for (j = 0; j < n && ready; j++)
                ready = !(dep[i * n + j] && !placed[j]);
            if (ready)
                pick = i;
        }
        for (i = 0; i < n && pick == n; i++)
            if (!placed[i])
                pick = i;
        placed[pick] = true;
        sorted[done++] = *(mig_entry *) util_vec_at(&s->entries, pick);
    }
    memcpy(s->entries.items, sorted, n * sizeof(mig_entry));
    free(sorted);
    free(dep);
    free(placed);
}

static void
order_set(mig_set *s, const char *const *paths)
{
    plan_order po = { NULL, 0 };
    size_t i;

    if (strcmp(s->convention, "sqitch") == 0)
        plan_read(s->root, &po);
    sort_plan = po.n ? &po : NULL;
    if (s->entries.len > 0)
        qsort(s->entries.items, s->entries.len, sizeof(mig_entry), entry_cmp);
    sort_plan = NULL;
    if (strcmp(s->convention, "sqitch") == 0 && po.n == 0)
        order_by_requires(s, paths);
    for (i = 0; i < po.n; i++)
        free(po.names[i]);
    free(po.names);
}

/* Walk the sorted candidates; each key group yields one entry per up. */
static void
build_sets(util_vec *cands, mig_result *out)
{
    size_t i = 0, j, k;

    while (i < cands->len) {
        cand *c = util_vec_at(cands, i);
        long down = -1;

        for (j = i; j < cands->len && strcmp(((cand *) util_vec_at(cands, j))->key, c->key) == 0; j++) {
            cand *d = util_vec_at(cands, j);

            if (d->role == MIG_DOWN && down < 0)
                down = (long) d->file;
        }
        for (k = i; k < j; k++) {
            cand *u = util_vec_at(cands, k);
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

/* Try the conventions on file i; a configured convention restricts them. */
static void
classify_one(util_vec *cands, size_t i, const char *path, bool dbmate, const char *only,
             mig_role *role)
{
    char *dir = util_dirname(path);
    const char *base = util_basename(path);
    size_t before = cands->len;

    if (only && strcmp(only, "none") == 0) {
        free(dir);
        return;
    }
    if (dbmate && (only == NULL || strcmp(only, "dbmate") == 0)) {
        new_cand(cands, i, "dbmate", MIG_UP_DOWN, util_xstrdup(dir), leading_version(base),
                 util_xstrdup(base), util_xasprintf("db|%s", path));
        *role = MIG_UP_DOWN;
    } else if (!((only == NULL || strcmp(only, "golang-migrate") == 0) &&
                 try_golang_migrate(cands, i, dir, base, role)) &&
               !((only == NULL || strcmp(only, "diesel") == 0) && try_diesel(cands, i, dir, base, role)) &&
               !((only == NULL || strcmp(only, "flyway") == 0) && try_flyway(cands, i, dir, base, role)) &&
               !((only == NULL || strcmp(only, "sqitch") == 0) && try_sqitch(cands, i, path, role)) &&
               (only == NULL || strcmp(only, "numbered") == 0)) {
        try_numbered(cands, i, dir, base, role);
    }
    if (only && cands->len > before)
        ((cand *) util_vec_at(cands, cands->len - 1))->forced = true;
    free(dir);
}

void
mig_classify(const char *const *paths, const bool *dbmate, size_t n,
             const mig_override *overrides, size_t n_overrides, mig_result *out)
{
    util_vec cands;
    size_t i;

    util_vec_init(&cands, sizeof(cand));
    util_vec_init(&out->sets, sizeof(mig_set));
    out->roles = util_xcalloc(n ? n : 1, sizeof(mig_role));
    for (i = 0; i < n; i++) {
        const mig_override *ov = override_of(paths[i], overrides, n_overrides);
        mig_role role = MIG_NONE;

        classify_one(&cands, i, paths[i], dbmate[i], ov ? ov->convention : NULL, &role);
        if (role == MIG_OTHER_DIALECT)
            out->roles[i] = MIG_OTHER_DIALECT;
    }
    if (cands.len > 0)
        qsort(cands.items, cands.len, sizeof(cand), cand_cmp);
    rekey_orphan_downs(&cands);
    drop_plain_numbered(&cands, out->roles);
    if (cands.len > 0)
        qsort(cands.items, cands.len, sizeof(cand), cand_cmp);
    build_sets(&cands, out);
    for (i = 0; i < out->sets.len; i++)
        order_set(util_vec_at(&out->sets, i), paths);
    for (i = 0; i < cands.len; i++)
        cand_free(util_vec_at(&cands, i));
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
