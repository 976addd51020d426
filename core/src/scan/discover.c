/*
 * discover.c — which files a check reads: the walk of the named paths, the
 * directories it skips, the exclude/include settings, the rules for symbolic
 * links and special files, the checked roots, and the migration-set context a
 * SQL file named alone brings in.  Reading and checking them is run.c's job.
 */
#include "scan/discover.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const skip_dirs[] = {
    ".git", ".hg", ".svn", "node_modules", "build", "builddir", "_build", ".venv",
    "__pycache__", ".cache", "dist", "target", NULL
};

bool
discover_is_statements(const frontend *fe)
{
    return fe != NULL && fe->output == FRONTEND_STATEMENTS;
}

static void
add_file(check_run *run, const char *path, const frontend *fe, const char *root)
{
    check_file *f;

    if (config_excluded(run->host->cfg, path) ||
        (run->adding_context && !discover_is_statements(fe)))
        return;
    /* Context files complete a migration set whatever include says. */
    if (!run->adding_context && !config_included(run->host->cfg, path))
        return;
    f = util_vec_push(&run->files);
    f->path = util_xstrdup(path);
    f->fe = fe;
    f->context = run->adding_context;
    f->root = root;
}

/* The resolved form of a checked root, kept for the run (check_file.root
 * points at it); NULL when it does not resolve. */
static const char *
keep_root(check_run *run, const char *dir)
{
    char real[PATH_MAX];

    if (realpath(dir, real) == NULL)
        return NULL;
    *(char **) util_vec_push(&run->roots) = util_xstrdup(real);
    return *(char **) util_vec_at(&run->roots, run->roots.len - 1);
}

/*
 * A symbolic link met while walking: its target is read only when it stays
 * inside the checked root, so that a committed "x.sql -> /etc/shadow" never
 * reaches a snippet.  A dangling link is added and reported unreadable.
 */
static void
add_link(check_run *run, const char *path, const frontend *fe, const char *root)
{
    pgr_location loc = { path, 1, 1, 1, 1, NULL };

    if (root != NULL && util_path_inside(path, root) != 0) {
        add_file(run, path, fe, root);
        return;
    }
    /* Context walks report nothing: their files are not the user's. */
    if (run->adding_context || config_excluded(run->host->cfg, path) ||
        !config_included(run->host->cfg, path))
        return;
    host_report_core(run->host, "core/outside-root", &loc,
                     "symbolic link to a file outside the checked directory; not followed");
}

static int
str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool
skipped_dir(const char *name)
{
    size_t i;

    for (i = 0; skip_dirs[i]; i++)
        if (strcmp(name, skip_dirs[i]) == 0)
            return true;
    return false;
}

/*
 * Walk dir, inside the resolved checked root.  Symbolic links to
 * directories are not followed (no loops); links to files only within root
 * (add_link).  FIFOs, sockets and devices are added to be reported
 * unreadable: util_read_file refuses them without opening them.
 */
static void
walk(check_run *run, const char *dir, const char *root)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;

    if (d == NULL) {
        pgr_location loc = { dir, 1, 1, 1, 1, NULL };
        char *m = util_xasprintf("cannot open directory: %s", strerror(errno));

        host_report_core(run->host, "core/unreadable-file", &loc, m);
        free(m);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = util_xrealloc(names, cap * sizeof(char *));
        }
        names[n++] = util_xstrdup(de->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(char *), str_cmp);
    for (i = 0; i < n; i++) {
        char *p = util_path_join(dir, names[i]);
        struct stat st;

        if (lstat(p, &st) == 0) {
            const frontend *fe = S_ISDIR(st.st_mode) ? NULL : frontends_match(p);

            if (S_ISDIR(st.st_mode)) {
                if (!skipped_dir(names[i]) && !config_excluded(run->host->cfg, p))
                    walk(run, p, root);
            } else if (S_ISLNK(st.st_mode) && fe) {
                add_link(run, p, fe, root);
            } else if (fe) {
                add_file(run, p, fe, root);
            }
        }
        free(p);
        free(names[i]);
    }
    free(names);
}

static int
file_cmp(const void *a, const void *b)
{
    return strcmp(((const check_file *) a)->path, ((const check_file *) b)->path);
}

/*
 * The same file named twice (a directory and a file in it, or a context
 * file that is also checked) is checked once: after sorting, duplicates are
 * adjacent.  A file is context only when every mention of it was.
 */
static void
merge_duplicates(check_run *run)
{
    size_t i, keep = 0;

    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);
        check_file *last = keep > 0 ? util_vec_at(&run->files, keep - 1) : NULL;

        if (last && strcmp(last->path, f->path) == 0) {
            last->context = last->context && f->context;
            /* The wider root of the two decides where includes may go. */
            if (f->root && (last->root == NULL || strlen(f->root) < strlen(last->root)))
                last->root = f->root;
            free(f->path);
            continue;
        }
        *(check_file *) util_vec_at(&run->files, keep++) = *f;
    }
    run->files.len = keep;
}
/* Add the SQL files of a lone SQL file's migration set, as context. */
static void
add_context(check_run *run, const char *path)
{
    char *dir = mig_context_dir(path);

    run->adding_context = true;
    walk(run, dir, keep_root(run, dir));
    run->adding_context = false;
    free(dir);
}

int
discover_paths(check_run *run, char *const *paths, size_t n, bool git_listed, char **err)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const frontend *fe = frontends_match(paths[i]);
        struct stat st;

        if (stat(paths[i], &st) != 0) {
            *err = util_xasprintf("%s: %s", paths[i], strerror(errno));
            return -1;
        }
        /* A path named on the command line is the user's choice: followed
         * even when it is a link.  What it holds is judged against it.  Paths
         * listed by git (a reader is set: --staged) were not typed by anyone:
         * a link among them is judged like a walked one, against the working
         * directory (the paths are relative to it). */
        if (S_ISDIR(st.st_mode)) {
            walk(run, paths[i], keep_root(run, paths[i]));
        } else if (git_listed && fe && lstat(paths[i], &st) == 0 && S_ISLNK(st.st_mode)) {
            add_link(run, paths[i], fe, keep_root(run, "."));
        } else if (fe) {
            char *dir = util_dirname(paths[i]);

            add_file(run, paths[i], fe, keep_root(run, dir));
            free(dir);
        }
    }
    for (i = 0; i < n; i++)
        if (discover_is_statements(frontends_match(paths[i])))
            add_context(run, paths[i]);
    if (run->files.len > 0)
        qsort(run->files.items, run->files.len, sizeof(check_file), file_cmp);
    merge_duplicates(run);
    return 0;
}
