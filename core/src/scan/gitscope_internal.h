/*
 * gitscope_internal.h — what gitscope.c shares with gitwalk.c (and the
 * report's context, which reads HEAD): the libgit2 lifecycle and a path
 * helper.  Not for other modules.
 */
#ifndef PGR_GITSCOPE_INTERNAL_H
#define PGR_GITSCOPE_INTERNAL_H

/* Start libgit2 (owner validation off: see gitscope.c); once per process,
 * up until exit; every begin has its end (which releases nothing). */
void gitscope_lg_begin(void);
void gitscope_lg_end(void);

/* What follows root in path ("" when equal), or NULL when path is not root
 * or under it.  Both absolute, without trailing '/' (root may be "/").
 * Points into path. */
const char *gitscope_path_under(const char *root, const char *path);

#endif
