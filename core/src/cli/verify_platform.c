/*
 * verify_platform.c — see verify_platform.h.  The preludes are data
 * (rules/platforms.yml, a team's rule packs), read with the host's rule-pack
 * lists, not a table of code.
 */
#include "cli/verify_platform.h"

#include <stdlib.h>
#include <string.h>

#include "cli/verify_exec.h"
#include "host/host_internal.h"
#include "host/pqlib.h"

/* A string field of a platform, or NULL. */
static const char *
field(const cfg_node *p, const char *key)
{
    const cfg_node *v = cfg_get(p, key);

    return v && v->kind == CFG_SCALAR ? v->scalar : NULL;
}

/* Whether root ends with path as whole segments ("a/supabase/migrations"
 * with "supabase/migrations", not "xsupabase/migrations"). */
static bool
ends_with_segments(const char *root, const char *path)
{
    size_t r = strlen(root), p = strlen(path);

    while (r > 1 && root[r - 1] == '/')
        r--;
    if (p == 0 || p > r || strncmp(root + r - p, path, p) != 0)
        return false;
    return r == p || root[r - p - 1] == '/';
}

/* The platform of the set rooted at root, or NULL. */
static const cfg_node *
platform_of(const host *h, const char *root)
{
    size_t i;

    for (i = 0;; i++) {
        size_t at = i;
        const cfg_node *l = host_rulepack_list(h, "verify", "platforms", &at);
        const cfg_node *p;

        if (l == NULL)
            return NULL;
        p = l->items[at];
        if (p->kind == CFG_MAP && field(p, "path") && field(p, "prelude") &&
            ends_with_segments(root, field(p, "path")))
            return p;
    }
}

int
verify_platform_prelude(const host *h, PGconn *conn, const char *root, const char **name,
                        char **error)
{
    const cfg_node *p = platform_of(h, root);
    PGresult *res;
    ExecStatusType st;

    if (p == NULL)
        return 0;
    *name = field(p, "name") ? field(p, "name") : field(p, "path");
    res = pqlib_exec(conn, field(p, "prelude"));
    st = pqlib_result_status(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        *error = verify_error_text(conn, res);
        pqlib_clear(res);
        return -1;
    }
    pqlib_clear(res);
    return 1;
}
