/*
 * diffbase.h — --diff-base REF (pull requests): only the findings that do
 * not exist at the merge base of REF and HEAD.
 */
#ifndef PGR_DIFFBASE_H
#define PGR_DIFFBASE_H

#include "scan/check.h"

/*
 * Remove from the host's store the findings that also exist at the merge
 * base of ref and HEAD: check the same paths in a copy of that commit's
 * regular files (gitscope_base_tree) and drop the current findings whose
 * rule and fingerprint it has (each base finding hides one).  Paths
 * leaving the work tree (absolute or climbing out with "..") have no base:
 * their findings all stay.  text_fn/text_arg give current contents.
 * Returns 0, or -1 with *err set (caller frees).
 */
int diffbase_filter(host *h, const char *ref, char *const *paths, size_t n,
                    diag_text_fn text_fn, void *text_arg, char **err);

#endif
