/*
 * gitscope.h — scope a check to what a change touched, with git:
 * --staged (pre-commit: the index's content) and --diff-base REF (pull
 * requests: only findings that do not exist at the merge base).  The
 * repository is read in-process with libgit2; no git program is run.
 */
#ifndef PGR_GITSCOPE_H
#define PGR_GITSCOPE_H

#include "scan/check.h"

/*
 * The staged regular files (added, copied, modified, renamed against HEAD)
 * under the working directory, relative to it, into paths (of char *,
 * caller frees each), and install a check reader that takes every file the
 * index holds from the index.  The repository is the working directory's,
 * found as git finds it (GIT_DIR, GIT_INDEX_FILE... honoured).  Returns 0,
 * or -1 with *err set (caller frees; not a git repository, an index
 * libgit2 cannot read...) and nothing left installed.  After success, call
 * gitscope_staged_done.
 */
int gitscope_staged(util_vec *paths, char **err);

/* Uninstall the staged reader and free its state (safe to call always). */
void gitscope_staged_done(void);

/*
 * Remove from the host's store the findings that also exist at the merge
 * base of REF and HEAD: write that commit's regular files (no links,
 * submodules or unsafe names) into a temporary directory, check the same
 * paths there and drop the current findings whose rule and fingerprint it
 * has (each base finding hides one).  Paths leaving the work tree (absolute
 * or climbing out with "..") have no base: their findings all stay.
 * text_fn/text_arg give current contents.  Returns 0, or -1 with *err set
 * (caller frees).
 */
int gitscope_diff_base(host *h, const char *ref, char *const *paths, size_t n,
                       diag_text_fn text_fn, void *text_arg, char **err);

/*
 * Which of paths (n file paths, relative to the working directory or
 * absolute) git tracks: a new array of n ints, caller frees — 1 tracked
 * (in the index, any stage), 0 not, -1 unknown (the file's directory is in
 * no repository).  Files of the --diff-base copy being checked count as
 * tracked.  NULL when n is 0.  Each repository is opened once; O(n log n).
 */
int *gitscope_tracked(char *const *paths, size_t n);

#endif
