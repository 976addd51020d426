/*
 * gitscope.h — scope a check to what a change touched, with git:
 * --staged (pre-commit: the index's content) and --diff-base REF (pull
 * requests: only findings that do not exist at the merge base).
 */
#ifndef PGR_GITSCOPE_H
#define PGR_GITSCOPE_H

#include "check.h"

/*
 * The staged files (added, copied, modified, renamed), relative to the
 * working directory, into paths (of char *, caller frees each), and install
 * a reader that takes their content from the index where the working tree
 * differs.  Returns 0, or -1 with *err set (not a git repository...).
 */
int gitscope_staged(util_vec *paths, char **err);

/* Uninstall the staged reader and free its state. */
void gitscope_staged_done(void);

/*
 * Remove from the host's store the findings that also exist at the merge
 * base of REF and HEAD: check the same paths in that tree (extracted with
 * git archive into a temporary directory) and drop the current findings
 * whose rule and fingerprint it has.  text_fn/arg give current contents.
 * Returns 0, or -1 with *err set.
 */
int gitscope_diff_base(host *h, const char *ref, char *const *paths, size_t n,
                       diag_text_fn text_fn, void *text_arg, char **err);

/* Which of paths (n file paths, relative to the working directory or
 * absolute) git tracks: a new array of n ints, caller frees — 1 tracked,
 * 0 not, -1 unknown (the file's directory is in no repository, or git is
 * missing).  NULL when n is 0.  Runs git once per distinct directory. */
int *gitscope_tracked(char *const *paths, size_t n);

#endif
