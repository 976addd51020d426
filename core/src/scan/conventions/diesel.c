/*
 * diesel.c — diesel and friends: a directory per migration,
 * <ver>_<name>/up.sql + down.sql; the set is the directory above.
 */
#include "scan/conventions/convention.h"

#include <ctype.h>
#include <string.h>

static bool
diesel_detect(const mig_file *f, util_vec *cands, mig_role *role_out)
{
    const char *mdir = util_basename(f->dir);
    mig_role role;

    if (strcmp(f->base, "up.sql") == 0)
        role = MIG_UP;
    else if (strcmp(f->base, "down.sql") == 0)
        role = MIG_DOWN;
    else
        return false;
    if (!isdigit((unsigned char) mdir[0]))
        return false;
    char *root = util_dirname(f->dir);
    char *version = mig_leading_version(mdir);
    const char *name = mdir + strlen(version);

    while (*name == '_' || *name == '-')
        name++;
    mig_cand_add(cands, f->index, mig_diesel.name, role, root, version, util_xstrdup(name),
                 util_xasprintf("di|%s", f->dir));
    *role_out = role;
    return true;
}

static bool
diesel_below_root(const char *path)
{
    const char *base = util_basename(path);

    return strcmp(base, "up.sql") == 0 || strcmp(base, "down.sql") == 0;
}

const mig_convention mig_diesel = {
    .name = "diesel",
    .detect = diesel_detect,
    .below_root = diesel_below_root,
};
