/*
 * golang_migrate.c — golang-migrate and pop:
 * <ver>_<name>[.<dialect>][.autocommit].up.sql + a .down.sql of the same
 * version beside it (its name may differ).
 * Files tagged with another database's dialect (.mysql., .sqlite3. ...) are
 * not PostgreSQL's: MIG_OTHER_DIALECT, never parsed.  A .down.sql whose up
 * is a plain <ver>_<name>.sql is a numbered rollback (numbered.c adopts it).
 * pop's versions are a 14-digit timestamp and a 6-digit sequence: files that
 * share the timestamp are one logical migration split by fizz, whose downs
 * need not mirror the ups file by file (golang_migrate_order groups them).
 */
#include "scan/conventions/convention.h"

#include <stdlib.h>
#include <string.h>

static bool
golang_migrate_detect(const mig_file *f, util_vec *cands, mig_role *role_out)
{
    size_t len = strlen(f->base);
    mig_role role;
    char *stem, *dialect = NULL, *dot;

    if (mig_ends_with(f->base, len, ".up.sql"))
        role = MIG_UP, len -= 7;
    else if (mig_ends_with(f->base, len, ".down.sql"))
        role = MIG_DOWN, len -= 9;
    else
        return false;
    stem = util_xstrndup(f->base, len);
    /* Strip pop's tags from the end: .autocommit and a dialect. */
    while ((dot = strrchr(stem, '.')) != NULL) {
        if (strcmp(dot + 1, "autocommit") == 0) {
            *dot = '\0';
            continue;
        }
        if (mig_other_dialect(dot + 1)) {
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
    char *version = mig_leading_version(stem);
    const char *name = stem + strlen(version);
    /* Both tools pair an up with its down by version number alone (the
     * source drivers parse <uint>_<identifier>; pop matches Version and
     * dialect): 30_add_x.up.sql's down may be 30_drop_x.down.sql. */
    char *pair = *version ? mig_strip_zeros(version) : util_xstrdup(stem);

    while (*name == '_' || *name == '-')
        name++;
    mig_cand_add(cands, f->index, mig_golang_migrate.name, role, util_xstrdup(f->dir),
                 *version ? version : util_xstrdup(stem), util_xstrdup(name),
                 util_xasprintf("gm|%s|%s|%s", f->dir, pair, dialect ? dialect : ""));
    free(pair);
    if (!*version)
        free(version);
    *role_out = role;
    free(stem);
    free(dialect);
    return true;
}

/* Length of c's key without its dialect (up to and including the last
 * '|': "gm|<dir>|<version>|"): candidates sharing it are one version of
 * one directory, contiguous in the sorted candidates. */
static size_t
version_prefix_len(const mig_cand *c)
{
    return (size_t) (strrchr(c->key, '|') - c->key) + 1;
}

/* Whether c is one of this convention's files tagged .postgres. (or .pg.,
 * .postgresql.): other dialects never get a candidate. */
static bool
is_dialect_tagged(const mig_cand *c)
{
    return c->key[version_prefix_len(c)] != '\0';
}

/*
 * Resolve one version's files [from, to) of cands as popx does: a
 * dialect-neutral up (or down) runs on PostgreSQL only when no .postgres.
 * up (or down) of the same version exists.  ory/x popx/migration_info.go,
 * Migrations.SortAndFilter: "Add "all" only if we can not find a more
 * specific migration for the dialect" (per direction: ups and downs are
 * separate lists).  The neutral file left out is not PostgreSQL's
 * (MIG_OTHER_DIALECT: not parsed; hydra's neutral .autocommit.up.sql uses
 * MySQL's INDEX clause); the rest pair on the dialect-free key, so that
 * <v>.postgres.up.sql finds <v>.down.sql.  Returns the candidates kept,
 * compacted to the front of the range.
 */
static size_t
resolve_version(util_vec *cands, size_t from, size_t to, mig_role *roles)
{
    bool tagged_up = false, tagged_down = false;
    size_t i, keep = from;

    for (i = from; i < to; i++) {
        const mig_cand *c = util_vec_at(cands, i);

        tagged_up |= is_dialect_tagged(c) && c->role == MIG_UP;
        tagged_down |= is_dialect_tagged(c) && c->role == MIG_DOWN;
    }
    for (i = from; i < to; i++) {
        mig_cand *c = util_vec_at(cands, i);

        if (!is_dialect_tagged(c) && ((c->role == MIG_UP && tagged_up) ||
                                      (c->role == MIG_DOWN && tagged_down))) {
            roles[c->file] = MIG_OTHER_DIALECT;
            mig_cand_free(c);
            continue;
        }
        c->key[version_prefix_len(c)] = '\0';
        *(mig_cand *) util_vec_at(cands, keep++) = *c;
    }
    return keep - from;
}

/* popx's choice between neutral and .postgres. files of each version
 * (resolve_version); other conventions' candidates are kept as they are. */
static void
golang_migrate_pair(util_vec *cands, mig_role *roles)
{
    size_t i = 0, j, keep = 0, kept;

    while (i < cands->len) {
        mig_cand *c = util_vec_at(cands, i);
        size_t plen;

        if (strcmp(c->conv, mig_golang_migrate.name) != 0) {
            *(mig_cand *) util_vec_at(cands, keep++) = *c;
            i++;
            continue;
        }
        plen = version_prefix_len(c);
        for (j = i + 1; j < cands->len; j++) {
            const mig_cand *d = util_vec_at(cands, j);

            if (strcmp(d->conv, mig_golang_migrate.name) != 0 || strncmp(d->key, c->key, plen) != 0 ||
                version_prefix_len(d) != plen)
                break;
        }
        kept = resolve_version(cands, i, j, roles);
        /* Move the kept ones down over what earlier groups dropped. */
        memmove(util_vec_at(cands, keep), util_vec_at(cands, i), kept * sizeof(mig_cand));
        keep += kept;
        i = j;
    }
    cands->len = keep;
}

/* Digits of pop's timestamp, and of a whole pop version (timestamp + sequence). */
#define POP_STAMP_DIGITS 14
#define POP_VERSION_DIGITS 20

static bool
is_pop_version(const char *v)
{
    size_t n = strspn(v, "0123456789");

    return n == POP_VERSION_DIGITS && v[n] == '\0';
}

/*
 * Group pop's split migrations: consecutive entries whose versions share
 * their timestamp (20191100000001000000 ... 20191100000001000005).  kratos
 * has groups whose downs are shifted by one file; compared file by file
 * they yield an incomplete-down per file, as a group they match.
 */
static void
golang_migrate_order(mig_set *set, const char *const *paths)
{
    size_t k;

    (void) paths;
    for (k = 0; k + 1 < set->entries.len; k++) {
        mig_entry *a = util_vec_at(&set->entries, k), *b = util_vec_at(&set->entries, k + 1);

        a->joins_next = is_pop_version(a->version) && is_pop_version(b->version) &&
                        strncmp(a->version, b->version, POP_STAMP_DIGITS) == 0;
    }
}

const mig_convention mig_golang_migrate = {
    .name = "golang-migrate",
    .detect = golang_migrate_detect,
    .pair = golang_migrate_pair,
    .order = golang_migrate_order,
};
