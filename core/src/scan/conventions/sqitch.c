/*
 * sqitch.c — sqitch: deploy/<change>.sql + revert/<change>.sql (verify/ is
 * checked, not replayed), in a directory with a sibling deploy/ or revert/
 * or a sqitch.plan.  Changes apply in sqitch.plan order; without a plan,
 * each after the changes its script's "-- requires:" lines name.
 */
#include "scan/conventions/convention.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool
sqitch_detect(const mig_file *f, util_vec *cands, mig_role *role_out)
{
    static const char *const comps[] = { "deploy", "revert", "verify" };
    static const mig_role roles[] = { MIG_UP, MIG_DOWN, MIG_VERIFY };
    const char *path = f->path;
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
        bool ok = mig_is_dir(other) || mig_is_file(plan);

        free(other);
        free(plan);
        if (!ok) {
            free(root);
            continue;
        }
        const char *rel = hit + strlen(needle);
        size_t rl = strlen(rel);
        char *change = util_xstrndup(rel, rl > 4 ? rl - 4 : rl);

        mig_cand_add(cands, f->index, mig_sqitch.name, roles[k], root, util_xstrdup(change),
                     change, util_xasprintf("sq|%s|%s", root, change));
        *role_out = roles[k];
        return true;
    }
    return false;
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
    FILE *f = mig_open_regular(path);
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

/* The plan plan_cmp sorts by (qsort passes no argument). */
static const plan_order *sort_plan;

static int
plan_cmp(const void *pa, const void *pb)
{
    const mig_entry *a = pa, *b = pb;
    size_t ia = plan_index(sort_plan, a->version), ib = plan_index(sort_plan, b->version);

    if (ia != ib)
        return ia < ib ? -1 : 1;
    return mig_entry_cmp(pa, pb);
}

/* Whether deploy script path declares "-- requires: dep" (sqitch writes
 * these from `sqitch add --requires`); only the leading comments count. */
static bool
requires_change(const char *path, const char *dep)
{
    FILE *f = mig_open_regular(path);
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
sqitch_order(mig_set *s, const char *const *paths)
{
    plan_order po = { NULL, 0 };
    size_t i;

    plan_read(s->root, &po);
    if (po.n == 0) {
        order_by_requires(s, paths);
        return;
    }
    sort_plan = &po;
    if (s->entries.len > 0)
        qsort(s->entries.items, s->entries.len, sizeof(mig_entry), plan_cmp);
    sort_plan = NULL;
    for (i = 0; i < po.n; i++)
        free(po.names[i]);
    free(po.names);
}

static bool
sqitch_below_root(const char *path)
{
    static const char *const dirs[] = { "deploy", "revert", "verify", NULL };

    return mig_dir_named(path, dirs);
}

const mig_convention mig_sqitch = {
    .name = "sqitch",
    .detect = sqitch_detect,
    .order = sqitch_order,
    .below_root = sqitch_below_root,
};
