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

static const char *const other_dialects[] = {
    "mysql", "sqlite3", "sqlite", "cockroach", "mssql", "sqlserver", "clickhouse", NULL
};

static bool
is_other_dialect(const char *tag)
{
    size_t i;

    for (i = 0; other_dialects[i]; i++)
        if (strcmp(tag, other_dialects[i]) == 0)
            return true;
    return false;
}

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
        if (is_other_dialect(dot + 1)) {
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
    .order = golang_migrate_order,
};
