/*
 * pathrole.h — the role of a checked file: production code and
 * configuration, an example, a test, or documentation.  Findings in test,
 * example and docs files are capped (at info by default) because a
 * postgres://user:pass@host/db case in a URL validator's test, a stub PEM
 * block in a storage test or a .env.example are not deployment faults.
 */
#ifndef PGR_PATHROLE_H
#define PGR_PATHROLE_H

#include "util.h"

typedef enum path_role {
    PATH_ROLE_PRODUCTION = 0,
    PATH_ROLE_EXAMPLE,
    PATH_ROLE_TEST,
    PATH_ROLE_DOCS,
    PATH_ROLE_COUNT
} path_role;

/*
 * The role the default patterns give relpath, a '/'-separated path relative
 * to the checked root (no leading "./"; directory components above the root
 * must not be passed, since a root inside "tests/" would make everything a
 * test).  Example wins over test, test over docs: ".env.example" under
 * "tests/" is an example.
 */
path_role pathrole_classify(const char *relpath);

/*
 * As pathrole_classify, with the configuration's patterns first (extra:
 * PATH_ROLE_COUNT vectors of char *, fnmatch globs from role_patterns:,
 * matched against relpath and its last component; NULL: none).  A
 * production pattern wins over everything (a team's deploy/examples/prod.yml
 * that really deploys); then the example, test and docs patterns; then the
 * defaults.
 */
path_role pathrole_classify_with(const char *relpath, const util_vec *extra);

/* The role called name ("production", "example", "test", "docs"), or -1. */
int pathrole_parse(const char *name);

/* "production", "example", "test" or "docs" (static). */
const char *pathrole_name(path_role role);

#endif
