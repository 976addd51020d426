/*
 * gitscope_internal.h — what gitscope.c shares with gitwalk.c: the
 * libgit2 lifecycle and path helpers.  Not for other modules (the report's
 * context reads HEAD through gitscope_head).
 */
#ifndef PGR_GITSCOPE_INTERNAL_H
#define PGR_GITSCOPE_INTERNAL_H

#include <stdbool.h>

/* Start libgit2 (owner validation off: see gitscope.c); once per process,
 * up until exit; every begin has its end (which releases nothing). */
void gitscope_lg_begin(void);
void gitscope_lg_end(void);

/*
 * Whether git_repository_discover could find a repository from path (a
 * file or directory, relative or absolute) upwards.  false only when no
 * directory from path's real path up to "/" has a ".git" entry (a work
 * tree's directory or gitlink file) or a "HEAD" (the directory itself a
 * git directory, bare or a worktree's), the entries libgit2 1.5's
 * discovery looks for in each directory (repository.c, find_repo); true
 * when path cannot be resolved.  The caller then need not start libgit2.
 */
bool gitscope_may_be_in_repo(const char *path);

/* What follows root in path ("" when equal), or NULL when path is not root
 * or under it.  Both absolute, without trailing '/' (root may be "/").
 * Points into path. */
const char *gitscope_path_under(const char *root, const char *path);

#endif
