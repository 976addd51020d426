/*
 * gitscope.h — what git knows, read in-process with libgit2 (no git
 * program is run): the staged files and their content (--staged), the
 * merge base's tree (--diff-base, see diffbase.h), which files are tracked.
 * It knows nothing of the check; check.c and diffbase.c use it.
 */
#ifndef PGR_GITSCOPE_H
#define PGR_GITSCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * The staged regular files (added, copied, modified, renamed against HEAD)
 * under the working directory, relative to it, into paths (of char *,
 * caller frees each), and keep the index open for gitscope_index_reader.
 * The repository is the working directory's, found as git finds it
 * (GIT_DIR, GIT_INDEX_FILE... honoured).  Returns 0, or -1 with *err set
 * (caller frees; not a git repository, an index libgit2 cannot read...).
 * After success, call gitscope_staged_done.
 */
int gitscope_staged(util_vec *paths, char **err);

/* Free the staged state (safe to call always). */
void gitscope_staged_done(void);

/* Whether gitscope_staged's state is open. */
bool gitscope_staged_active(void);

/*
 * A check reader (check_set_reader) for --staged: a regular file the index
 * holds is read from the index, whatever the working tree holds (*data, a
 * new NUL-terminated copy of *len bytes; returns 1); others are left to
 * the file system (returns 0); -1 with *err (static text) when the index
 * cannot be read.  arg is unused.
 */
int gitscope_index_reader(void *arg, const char *path, char **data, size_t *len, const char **err);

/* The merge base's regular files in a temporary directory. */
typedef struct gitscope_base {
    char *tree;         /* the temporary directory (its real path) */
    char *prefix;       /* the working directory in the work tree: "" or "a/b/" */
} gitscope_base;

/*
 * Write the regular files (no links, submodules or unsafe names) of the
 * merge base of ref and HEAD into a new temporary directory.  Returns 0
 * (free b with gitscope_base_free, which removes the directory), or -1
 * with *err set (caller frees).
 */
int gitscope_base_tree(const char *ref, gitscope_base *b, char **err);
void gitscope_base_free(gitscope_base *b);

/* Whether path (relative to the working directory; the caller's working
 * directory is the base's copy of it) exists in the base.  A path leaving
 * the work tree (absolute, or climbing out with "..") has no base. */
bool gitscope_base_has(const gitscope_base *b, const char *path);

/* Create dir and its parents under root (dir relative: "" or "a/b/"). */
void gitscope_make_dirs(const char *root, const char *dir);

/* While a base tree is checked: its files count as tracked (root NULL
 * ends it). */
void gitscope_set_base_root(const char *root);


/*
 * Which of paths (n file paths, relative to the working directory or
 * absolute) git tracks: a new array of n ints, caller frees — 1 tracked
 * (in the index, any stage), 0 not, -1 unknown (the file's directory is in
 * no repository).  Files of the --diff-base copy being checked count as
 * tracked.  NULL when n is 0.  Each repository is opened once; O(n log n).
 */
int *gitscope_tracked(char *const *paths, size_t n);

#endif
