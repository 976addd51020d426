/*
 * dbmate.c — dbmate: one file holds both halves, after "-- migrate:up" and
 * "-- migrate:down" markers (the SQL front-end splits the statements into
 * the UP and DOWN parts).  Tried first: the marker decides, whatever the
 * file is called.
 */
#include "scan/conventions/convention.h"

#include <stdlib.h>

static bool
dbmate_detect(const mig_file *f, util_vec *cands, mig_role *role)
{
    if (!f->up_marker)
        return false;
    mig_cand_add(cands, f->index, mig_dbmate.name, MIG_UP_DOWN, util_xstrdup(f->dir),
                 mig_leading_version(f->base), util_xstrdup(f->base),
                 util_xasprintf("db|%s", f->path));
    *role = MIG_UP_DOWN;
    return true;
}

const mig_convention mig_dbmate = {
    .name = "dbmate",
    .detect = dbmate_detect,
};
