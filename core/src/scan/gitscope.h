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

/*
 * The repository that holds start (a file or directory; a file operand is
 * looked up from its directory too), for a report's header: *toplevel its
 * work tree without a trailing '/' (as git rev-parse --show-toplevel
 * prints it), *commit HEAD's 40 hex digits, *branch HEAD's branch name.
 * Each is set to a malloc'd string the caller frees, or left NULL when
 * unknown (no repository, a bare one, an unborn or detached HEAD).
 * libgit2 is not started when no repository can hold start.
 */
void gitscope_head(const char *start, char **toplevel, char **commit, char **branch);

#endif

/* --- what git ignores, for the walk ------------------------------------ */

/* The repositories a walk met, each opened once (see gitscope_repo_of). */
typedef struct gitscope_walk {
    util_vec repos;     /* of struct gitscope_repo * */
    bool started;       /* libgit2 started (one lg_begin for the walk) */
} gitscope_walk;

/* A repository the walk is in: its work tree, ignore rules and index. */
typedef struct gitscope_repo gitscope_repo;

/*
 * The repository whose work tree holds dir (a directory, relative to the
 * working directory or absolute), found as git finds it (upwards, stopping
 * at a file system boundary); opened once per walk: a second root in the
 * same work tree gets the same handle.  Sets *prefix to dir's path in the
 * work tree ("" or "a/b/", caller frees).  NULL, *prefix untouched, when
 * dir is in no repository, in a bare one or inside a .git directory.
 * The handle is owned by w (free with gitscope_walk_free).
 */
gitscope_repo *gitscope_repo_of(gitscope_walk *w, const char *dir, char **prefix);

/*
 * Whether git ignores rel (relative to r's work tree, '/'-separated; is_dir:
 * a directory) through .gitignore files, .git/info/exclude or
 * core.excludesFile (libgit2's matcher, no hand-written one).  A tracked
 * file is never ignored, as in git; an ignored directory holding a tracked
 * file is not either (its untracked files still are).
 */
bool gitscope_ignored(gitscope_repo *r, const char *rel, bool is_dir);

/* Whether the index holds a file under directory rel (relative to r's work
 * tree, no trailing '/'). */
bool gitscope_has_tracked(gitscope_repo *r, const char *rel);

/* Whether dir lies in the --diff-base copy being checked: every file there
 * was in the merge-base commit, so every directory counts as tracked. */
bool gitscope_in_base(const char *dir);

/* Close the repositories of a walk (safe on a zeroed one). */
void gitscope_walk_free(gitscope_walk *w);
