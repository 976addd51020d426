/*
 * prisma.c — Prisma Migrate: prisma/migrations/<timestamp>_<name>/migration.sql,
 * with migration_lock.toml in the migrations directory.  The set is the
 * directory above the migration's; Prisma applies the migrations in
 * directory-name order and writes no downs, so a set without any is
 * forward-only.  A down.sql beside migration.sql (Prisma's documented way to
 * keep a rollback, run with `prisma db execute`) is its down.
 */
#include "scan/conventions/convention.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Prisma's lock file: its presence says the directory is Prisma's. */
#define PRISMA_LOCK "migration_lock.toml"

/* Whether dir (a migration's directory, <digits>_<name>) lies in a Prisma
 * migrations directory: the lock file beside it, or a parent named
 * "migrations" (the lock file is not always committed). */
static bool
is_prisma_migration_dir(const char *dir)
{
    char *root, *lock;
    bool yes;

    if (!isdigit((unsigned char) util_basename(dir)[0]))
        return false;
    root = util_dirname(dir);
    lock = util_xasprintf("%s/%s", root, PRISMA_LOCK);
    yes = mig_is_file(lock) || strcmp(util_basename(root), "migrations") == 0;
    free(lock);
    free(root);
    return yes;
}

static bool
prisma_detect(const mig_file *f, util_vec *cands, mig_role *role_out)
{
    const char *mdir = util_basename(f->dir);
    mig_role role;

    if (strcmp(f->base, "migration.sql") == 0) {
        role = MIG_UP;
    } else if (strcmp(f->base, "down.sql") == 0) {
        /* diesel's layout too: only beside a migration.sql is it Prisma's. */
        char *up = util_xasprintf("%s/migration.sql", f->dir);
        bool beside = mig_is_file(up);

        free(up);
        if (!beside)
            return false;
        role = MIG_DOWN;
    } else {
        return false;
    }
    if (!is_prisma_migration_dir(f->dir))
        return false;
    char *version = mig_leading_version(mdir);
    const char *name = mdir + strlen(version);

    while (*name == '_' || *name == '-')
        name++;
    mig_cand_add(cands, f->index, mig_prisma.name, role, util_dirname(f->dir), version,
                 util_xstrdup(name), util_xasprintf("pr|%s", f->dir));
    *role_out = role;
    return true;
}

/* migration.sql lies one directory below its set: checked alone, the other
 * migrations of the set come in as context. */
static bool
prisma_below_root(const char *path)
{
    const char *base = util_basename(path);

    return strcmp(base, "migration.sql") == 0;
}

const mig_convention mig_prisma = {
    .name = "prisma",
    .detect = prisma_detect,
    .below_root = prisma_below_root,
};
