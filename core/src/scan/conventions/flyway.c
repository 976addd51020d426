/*
 * flyway.c — Flyway: V<ver>__<desc>.sql (versioned) + U<ver>__<desc>.sql
 * (undo) in one directory; "1_1" in a version means 1.1.
 */
#include "scan/conventions/convention.h"

#include <ctype.h>
#include <string.h>

static bool
flyway_detect(const mig_file *f, util_vec *cands, mig_role *role_out)
{
    const char *base = f->base;
    const char *sep = strstr(base, "__");
    size_t len = strlen(base);

    if ((base[0] != 'V' && base[0] != 'U') || !isdigit((unsigned char) base[1]) ||
        sep == NULL || !mig_ends_with(base, len, ".sql"))
        return false;
    char *version = util_xstrndup(base + 1, (size_t) (sep - base - 1));
    mig_role role = base[0] == 'V' ? MIG_UP : MIG_DOWN;

    for (char *p = version; *p; p++)
        if (*p == '_')
            *p = '.';
    mig_cand_add(cands, f->index, mig_flyway.name, role, util_xstrdup(f->dir), version,
                 util_xstrndup(sep + 2, len - 4 - (size_t) (sep + 2 - base)),
                 util_xasprintf("fw|%s|%s", f->dir, version));
    *role_out = role;
    return true;
}

const mig_convention mig_flyway = {
    .name = "flyway",
    .detect = flyway_detect,
};
