/*
 * discover.h — which files a check reads (discover.c): the named paths,
 * walked, with the migration-set context a lone SQL file brings in.
 */
#ifndef PGR_DISCOVER_H
#define PGR_DISCOVER_H

#include "scan/check.h"

/*
 * Add to run->files the files of paths (files or directories; directories
 * are walked in name order, skipping .git, node_modules, build directories
 * and what the configuration excludes).  Symbolic links to directories are
 * not followed; links to files only when they stay inside the checked root
 * (else core/outside-root).  A SQL file named on its own brings its
 * migration set in as context files (its directory, or the parent of a
 * deploy/, revert/, rollback/ ... or diesel directory).  git_listed says the
 * paths come from git (--staged), not from the user: a link among them is
 * judged against the working directory.  On return run->files is sorted by
 * path, each file once, and run->roots holds the resolved checked roots.
 * Returns 0, or -1 with *err set (caller frees) when a path does not exist.
 */
int discover_paths(check_run *run, char *const *paths, size_t n, bool git_listed, char **err);

/* Whether fe (NULL: none) reads SQL statements: such files are paired into
 * migration sets, and one named alone brings its set in as context. */
bool discover_is_statements(const frontend *fe);

#endif
