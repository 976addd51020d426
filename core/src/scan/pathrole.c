/*
 * pathrole.c — default classification of checked files by path (see
 * pathrole.h).  The patterns follow what test runners and twelve-factor
 * example files use: jest/vitest (__tests__, *.test.ts, *.spec.ts), Go
 * (*_test.go, testdata/), pytest (test_*.py), RSpec (spec/), pgTAP under
 * supabase/tests, and .env.example / .sample / .template / .dist files.
 */
#include "scan/pathrole.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>

static const char *const test_dirs[] = {
    "test", "tests", "__tests__", "spec", "specs", "e2e", "fixtures", "__fixtures__",
    "testdata", "test-data", "test_data", "__mocks__", "mocks", "cypress", "testing",
    "stub", "stubs", "testhelpers", "testutil", "testutils", "suites",
    /* test-migrations/, mobile-tests/, load-test/, test_resources/,
     * testdata_migrations/: a test harness's tree */
    "test-*", "test_*", "testdata*", "*-test", "*-tests", "*_test", "*_tests", NULL
};

static const char *const test_files[] = {
    "*.test.*", "*.spec.*", "*_test.go", "*_test.py", "test_*.py", "*_spec.rb",
    "*.test", "*-test.sh", "test-*.sh", "test_*.sh",
    /* test runners' set-up and mocks: jest.setup.js, vitest.setup.ts, mock.ts */
    "jest.setup.*", "vitest.setup.*", "mock.*", "*.mock.*", "*_mock.*", "mock_*", NULL
};

static const char *const example_dirs[] = { "example", "examples", NULL };

static const char *const example_files[] = {
    "*.example", "*.example.*", "*.sample", "*.sample.*", "*.template", "*.template.*", "*.tmpl",
    "*.dist", "*-example.*", "*_example.*", "example.*", "*.example-*", "*-example",
    "*_example", "sample.*", "*-sample", "*_sample", "*-sample.*", "*_sample.*", NULL
};

static const char *const docs_dirs[] = { "doc", "docs", "documentation", NULL };

static const char *const docs_files[] = { "*.md", "*.mdx", "*.markdown", "*.rst", "*.adoc", NULL };

static bool
matches_any(const char *const *patterns, const char *name, size_t len)
{
    char buf[256];
    size_t i;

    if (len >= sizeof buf)
        return false;
    memcpy(buf, name, len);
    buf[len] = '\0';
    for (i = 0; patterns[i] != NULL; i++)
        if (fnmatch(patterns[i], buf, 0) == 0)
            return true;
    return false;
}

/* Whether a directory component of relpath (not its last one) is in dirs. */
static bool
dir_in(const char *const *dirs, const char *relpath)
{
    const char *p = relpath;
    const char *slash;

    while ((slash = strchr(p, '/')) != NULL) {
        if (matches_any(dirs, p, (size_t) (slash - p)))
            return true;
        p = slash + 1;
    }
    return false;
}

path_role
pathrole_classify(const char *relpath)
{
    const char *base = strrchr(relpath, '/');

    base = base ? base + 1 : relpath;
    /* A document is documentation wherever it is (a README in examples/ or
     * tests/): its code blocks are what a reader copies, not a test's
     * input; its findings say "docs". */
    if (matches_any(docs_files, base, strlen(base)))
        return PATH_ROLE_DOCS;
    if (matches_any(example_files, base, strlen(base)) || dir_in(example_dirs, relpath))
        return PATH_ROLE_EXAMPLE;
    if (matches_any(test_files, base, strlen(base)) || dir_in(test_dirs, relpath))
        return PATH_ROLE_TEST;
    if (dir_in(docs_dirs, relpath))
        return PATH_ROLE_DOCS;
    return PATH_ROLE_PRODUCTION;
}

/* Whether a configured glob matches relpath or its last component. */
static bool
extra_match(const util_vec *globs, const char *relpath, const char *base)
{
    size_t i;

    for (i = 0; i < globs->len; i++) {
        const char *g = *(char *const *) util_vec_at(globs, i);

        if (fnmatch(g, relpath, 0) == 0 || fnmatch(g, base, 0) == 0)
            return true;
    }
    return false;
}

path_role
pathrole_classify_with(const char *relpath, const util_vec *extra)
{
    static const path_role order[] = {
        PATH_ROLE_PRODUCTION, PATH_ROLE_EXAMPLE, PATH_ROLE_TEST, PATH_ROLE_DOCS
    };
    const char *base = strrchr(relpath, '/');
    size_t i;

    base = base ? base + 1 : relpath;
    for (i = 0; extra != NULL && i < PATH_ROLE_COUNT; i++)
        if (extra_match(&extra[order[i]], relpath, base))
            return order[i];
    return pathrole_classify(relpath);
}

int
pathrole_parse(const char *name)
{
    int r;

    for (r = 0; r < PATH_ROLE_COUNT; r++)
        if (strcmp(name, pathrole_name((path_role) r)) == 0)
            return r;
    return -1;
}

const char *
pathrole_name(path_role role)
{
    static const char *const names[PATH_ROLE_COUNT] = { "production", "example", "test", "docs" };

    return role < PATH_ROLE_COUNT ? names[role] : "production";
}
