/*
 * gitwalk.c — what the walk asks git (see gitscope.h): which files git
 * tracks, and, per repository met while walking, whether a path is ignored
 * (.gitignore, .git/info/exclude, core.excludesFile) or holds tracked files.
 * Read in-process with libgit2, like the rest of gitscope: no git program.
 */
#include "scan/gitscope.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scan/gitscope_internal.h"
#include "util.h"

/* --- which files git tracks -------------------------------------------- */

/* One path to look up: its index in the caller's array, its directory's
 * real path, and the repository that directory is in. */
typedef struct tracked_item {
    size_t index;
    char *dir;          /* real path of the file's directory */
    char *gitdir;       /* the repository's git directory (NULL until found) */
} tracked_item;

static int
item_dir_cmp(const void *a, const void *b)
{
    return strcmp(((const tracked_item *) a)->dir, ((const tracked_item *) b)->dir);
}

static int
item_gitdir_cmp(const void *a, const void *b)
{
    return strcmp(((const tracked_item *) a)->gitdir, ((const tracked_item *) b)->gitdir);
}

/*
 * Find each item's repository, once per distinct directory (items sorted
 * by dir); stops at a file system boundary, as git does.  Items in no
 * repository are freed and dropped; returns how many remain.
 */
static size_t
discover_repositories(tracked_item *items, size_t n)
{
    size_t i = 0, j, end, keep = 0;
    bool began = false;

    while (i < n) {
        git_buf buf = { 0 };
        char *gitdir = NULL;

        /* libgit2 starts with the first directory that may be in a
         * repository: a check outside any never starts it. */
        if (gitscope_may_be_in_repo(items[i].dir)) {
            if (!began)
                gitscope_lg_begin();
            began = true;
            if (git_repository_discover(&buf, items[i].dir, 0, NULL) == 0)
                gitdir = util_xstrdup(buf.ptr);
            git_buf_dispose(&buf);
        }
        for (end = i + 1; end < n && strcmp(items[i].dir, items[end].dir) == 0; end++)
            ;
        for (j = i; j < end; j++) {
            if (gitdir == NULL) {
                free(items[j].dir);
                continue;
            }
            items[keep] = items[j];     /* keep <= j: moves down only */
            items[keep++].gitdir = util_xstrdup(gitdir);
        }
        free(gitdir);
        i = end;
    }
    if (began)
        gitscope_lg_end();
    return keep;
}

/* Look up items [first, end) — all in one repository — in its index. */
static void
lookup_in_repository(char *const *paths, tracked_item *items, size_t first, size_t end, int *tracked)
{
    git_repository *repo = NULL;
    git_index *index = NULL;
    char *workdir = NULL;
    size_t i;

    if (git_repository_open(&repo, items[first].gitdir) == 0 && git_repository_workdir(repo) != NULL &&
        (workdir = realpath(git_repository_workdir(repo), NULL)) != NULL &&
        git_repository_index(&index, repo) == 0) {
        for (i = first; i < end; i++) {
            const char *rest = gitscope_path_under(workdir, items[i].dir);
            char *rel;
            int stage;

            if (rest == NULL)
                continue;   /* e.g. inside the .git directory: unknown */
            rel = *rest ? util_xasprintf("%s/%s", rest, util_basename(paths[items[i].index]))
                        : util_xstrdup(util_basename(paths[items[i].index]));
            tracked[items[i].index] = 0;
            /* Stages 1-3: a conflicted file is tracked too. */
            for (stage = 0; stage <= 3 && !tracked[items[i].index]; stage++)
                tracked[items[i].index] = git_index_get_bypath(index, rel, stage) != NULL;
            free(rel);
        }
    }
    git_index_free(index);
    free(workdir);
    git_repository_free(repo);
}

int *
gitscope_tracked(char *const *paths, size_t n)
{
    tracked_item *items;
    int *tracked;
    size_t i, j, k = 0;

    if (n == 0)
        return NULL;
    tracked = util_xcalloc(n, sizeof(int));
    items = util_xcalloc(n, sizeof(tracked_item));
    for (i = 0; i < n; i++) {
        char *d = util_dirname(paths[i]), *dir = realpath(d, NULL);

        free(d);
        tracked[i] = -1;
        if (dir != NULL && gitscope_in_base(dir)) {
            tracked[i] = 1;     /* the --diff-base copy: in the merge-base commit */
            free(dir);
        } else if (dir != NULL) {
            items[k].index = i;
            items[k++].dir = dir;
        }
    }
    /* Sorted by directory, then by repository: each directory is searched
     * once and each repository opened once, O(n log n) in all. */
    qsort(items, k, sizeof *items, item_dir_cmp);
    k = discover_repositories(items, k);
    qsort(items, k, sizeof *items, item_gitdir_cmp);
    for (i = 0; i < k; i = j) {
        for (j = i + 1; j < k && item_gitdir_cmp(&items[i], &items[j]) == 0; j++)
            ;
        lookup_in_repository(paths, items, i, j, tracked);
    }
    for (i = 0; i < k; i++) {
        free(items[i].dir);
        free(items[i].gitdir);
    }
    free(items);
    return tracked;
}

/* --- what git ignores, for the walk ------------------------------------ */

struct gitscope_repo {
    git_repository *repo;
    git_index *index;   /* NULL when unreadable: nothing counts as tracked */
    char *workdir;      /* real path of the work tree, no trailing '/' */
};

static void
walk_repo_free(gitscope_repo *r)
{
    git_index_free(r->index);
    git_repository_free(r->repo);
    free(r->workdir);
    free(r);
}

/* The handle of the walk for the work tree at workdir, or NULL. */
static gitscope_repo *
walk_repo_find(gitscope_walk *w, const char *workdir)
{
    size_t i;

    for (i = 0; i < w->repos.len; i++) {
        gitscope_repo *r = *(gitscope_repo **) util_vec_at(&w->repos, i);

        if (strcmp(r->workdir, workdir) == 0)
            return r;
    }
    return NULL;
}

/* Open the repository whose git directory is gitdir; NULL when bare or
 * unreadable. */
static gitscope_repo *
walk_repo_open(const char *gitdir)
{
    gitscope_repo *r = util_xcalloc(1, sizeof *r);

    if (git_repository_open(&r->repo, gitdir) != 0 || git_repository_workdir(r->repo) == NULL ||
        (r->workdir = realpath(git_repository_workdir(r->repo), NULL)) == NULL) {
        walk_repo_free(r);
        return NULL;
    }
    if (git_repository_index(&r->index, r->repo) != 0)
        r->index = NULL;
    return r;
}

gitscope_repo *
gitscope_repo_of(gitscope_walk *w, const char *dir, char **prefix)
{
    git_buf buf = { 0 };
    char *real = realpath(dir, NULL), *gitdir = NULL, *workdir = NULL;
    gitscope_repo *r = NULL;
    const char *rest;

    if (real == NULL)
        return NULL;
    if (!gitscope_may_be_in_repo(real)) {
        free(real);
        return NULL;
    }
    if (!w->started) {
        gitscope_lg_begin();
        util_vec_init(&w->repos, sizeof(gitscope_repo *));
        w->started = true;
    }
    if (git_repository_discover(&buf, real, 0, NULL) == 0)
        gitdir = util_xstrdup(buf.ptr);
    git_buf_dispose(&buf);
    if (gitdir != NULL) {
        /* Several roots in one work tree share one open repository. */
        git_repository *probe = NULL;

        if (git_repository_open(&probe, gitdir) == 0 && git_repository_workdir(probe) != NULL)
            workdir = realpath(git_repository_workdir(probe), NULL);
        git_repository_free(probe);
    }
    if (workdir != NULL && (r = walk_repo_find(w, workdir)) == NULL &&
        (r = walk_repo_open(gitdir)) != NULL)
        *(gitscope_repo **) util_vec_push(&w->repos) = r;
    /* Inside the .git directory itself there is no work-tree path. */
    rest = r ? gitscope_path_under(r->workdir, real) : NULL;
    if (rest == NULL || strcmp(rest, ".git") == 0 || strncmp(rest, ".git/", 5) == 0)
        r = NULL;
    else
        *prefix = *rest ? util_xasprintf("%s/", rest) : util_xstrdup("");
    free(workdir);
    free(gitdir);
    free(real);
    return r;
}

bool
gitscope_has_tracked(gitscope_repo *r, const char *rel)
{
    char *dir = util_xasprintf("%s/", rel);
    size_t pos;
    bool found;

    found = r->index != NULL && git_index_find_prefix(&pos, r->index, dir) == 0;
    free(dir);
    return found;
}

bool
gitscope_ignored(gitscope_repo *r, const char *rel, bool is_dir)
{
    int ignored = 0;
    int stage;

    /* libgit2 reads a trailing '/' as "this is a directory" (dir/ rules). */
    if (is_dir) {
        char *d = util_xasprintf("%s/", rel);

        if (git_ignore_path_is_ignored(&ignored, r->repo, d) != 0)
            ignored = 0;
        free(d);
        return ignored && !gitscope_has_tracked(r, rel);
    }
    if (git_ignore_path_is_ignored(&ignored, r->repo, rel) != 0 || !ignored)
        return false;
    /* git ignores untracked files only: a committed one is still checked. */
    for (stage = 0; stage <= 3 && r->index != NULL; stage++)
        if (git_index_get_bypath(r->index, rel, stage) != NULL)
            return false;
    return true;
}

void
gitscope_walk_free(gitscope_walk *w)
{
    size_t i;

    if (!w->started)
        return;
    for (i = 0; i < w->repos.len; i++)
        walk_repo_free(*(gitscope_repo **) util_vec_at(&w->repos, i));
    util_vec_free(&w->repos);
    gitscope_lg_end();
    memset(w, 0, sizeof *w);
}
