/*
 * diffbase.c — see diffbase.h.
 */
#include "scan/diffbase.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/fingerprint.h"
#include "scan/gitscope.h"

/* Run the same check at the merge base (its copy at tree); its findings'
 * (rule, fingerprint) pairs go to base (of char *, "rule\tfingerprint"). */
static int
base_findings(host *h, const gitscope_base *b, char *const *paths, size_t n, util_vec *base, char **err)
{
    char cwd[PATH_MAX], fp[17];
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };
    char *dir = util_xasprintf("%s/%s", b->tree, b->prefix);
    char **present = util_xcalloc(n ? n : 1, sizeof(char *));
    diag_store scratch, *saved = h->diags;
    check_run run;
    size_t i, k;
    int rc = 0;

    gitscope_make_dirs(b->tree, b->prefix);
    if (getcwd(cwd, sizeof cwd) == NULL || chdir(dir) != 0) {
        *err = util_xasprintf("cannot enter the base tree: %s", strerror(errno));
        free(dir);
        free(present);
        return -1;
    }
    diag_init(&scratch);
    h->diags = &scratch;
    /* The base is read from its copy, never through the --staged index. */
    check_set_reader(NULL, NULL);
    gitscope_set_base_root(b->tree);
    for (i = k = 0; i < n; i++)
        if (gitscope_base_has(b, paths[i]))
            present[k++] = paths[i];
    if (k > 0 && check_paths(h, present, k, &run, err) != 0)
        rc = -1;
    else if (k > 0) {
        for (i = 0; i < scratch.findings.len; i++) {
            const diag_finding *f = util_vec_at(&scratch.findings, i);

            *(char **) util_vec_push(base) = util_xasprintf(
                "%s\t%s", f->rule_id, report_fingerprint(&scratch, f, check_text, &run, &cur, fp));
        }
    }
    if (k > 0)
        check_free(&run);
    gitscope_set_base_root(NULL);
    if (gitscope_staged_active())
        check_set_reader(gitscope_index_reader, NULL);
    h->diags = saved;
    diag_free(&scratch);
    if (chdir(cwd) != 0 && rc == 0) {
        *err = util_xasprintf("cannot return to %s", cwd);
        rc = -1;
    }
    free(dir);
    free(present);
    return rc;
}

static int
str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * Drop the findings of ds whose "rule\tfingerprint" key base has; each base
 * key hides one finding.  base is sorted here; O(n log n).
 */
static void
drop_old(diag_store *ds, util_vec *base, diag_text_fn text_fn, void *text_arg)
{
    char fp[17], **keys;
    diag_line_cursor cur = { NULL, 0, 0, 0, 0 };
    char **b = base->items;
    size_t *used = util_xcalloc(base->len + 1, sizeof(size_t));
    size_t i, keep = 0;

    if (base->len > 0)
        qsort(b, base->len, sizeof(char *), str_cmp);
    /* All keys first: a fingerprint reads the other findings (secret masks). */
    keys = util_xcalloc(ds->findings.len + 1, sizeof(char *));
    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);

        keys[i] = util_xasprintf("%s\t%s", f->rule_id, report_fingerprint(ds, f, text_fn, text_arg, &cur, fp));
    }
    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);
        size_t lo = 0, hi = base->len;

        /* The first equal key; used[lo] counts how many of its run are spent. */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (strcmp(b[mid], keys[i]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo + used[lo] < base->len && strcmp(b[lo + used[lo]], keys[i]) == 0) {
            used[lo]++;
            diag_finding_free(f);
        } else {
            *(diag_finding *) util_vec_at(&ds->findings, keep++) = *f;
        }
    }
    for (i = 0; i < ds->findings.len; i++)
        free(keys[i]);
    ds->findings.len = keep;
    free(keys);
    free(used);
}

int
diffbase_filter(host *h, const char *ref, char *const *paths, size_t n,
                diag_text_fn text_fn, void *text_arg, char **err)
{
    gitscope_base b;
    util_vec base;
    size_t k;
    int rc = -1;

    if (gitscope_base_tree(ref, &b, err) != 0)
        return -1;
    util_vec_init(&base, sizeof(char *));
    if (base_findings(h, &b, paths, n, &base, err) == 0) {
        drop_old(h->diags, &base, text_fn, text_arg);
        rc = 0;
    }
    for (k = 0; k < base.len; k++)
        free(*(char **) util_vec_at(&base, k));
    util_vec_free(&base);
    gitscope_base_free(&b);
    return rc;
}
