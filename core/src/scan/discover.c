/*
 * discover.c — which files a check reads: the walk of the named paths, the
 * directories it skips, the exclude/include settings, the rules for symbolic
 * links and special files, the checked roots, and the migration-set context a
 * SQL file named alone brings in.  Reading and checking them is run.c's job.
 */
#include "scan/discover.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/gitscope.h"
#include "scan/pathrole.h"

/* Directories no check reads, tracked or not: version control, caches,
 * installed dependencies (node_modules, vendor...), framework output
 * (.next, .nuxt, .svelte-kit, out) and coverage reports.  Their files are
 * third-party or generated: a finding there is nobody's to fix. */
static const char *const skip_dirs[] = {
    ".git", ".hg", ".svn", ".venv", "__pycache__", ".cache", "node_modules", "vendor",
    "bower_components", ".next", ".nuxt", ".svelte-kit", "out", "coverage", NULL
};

/* Build output directories: skipped outside a repository and, inside one,
 * when git ignores them or they hold no tracked file.  A tracked build/
 * (build/deploy.sh) is the project's own code. */
static const char *const build_dirs[] = { "build", "builddir", "_build", "dist", "target", NULL };

/* Minified JavaScript by name (the suffixes bundlers and CDNs use). */
static const char *const minified_files[] = { "*.min.js", "*.min.mjs", "*.min.cjs", "*-min.js", NULL };

/* A JavaScript file whose first BUNDLE_PROBE_BYTES hold a line longer than
 * BUNDLE_LINE_BYTES is a bundle (webpack, esbuild, rollup output): no
 * person writes a 1000-byte line near the top of a source file. */
#define BUNDLE_PROBE_BYTES 4096
#define BUNDLE_LINE_BYTES 1000

/* Where a walk is: its checked root and what git says about it. */
typedef struct walk_scope {
    const char *root;        /* resolved checked root (check_file.root), or NULL */
    const char *top;         /* the walked root's display path */
    size_t skip;             /* bytes of a walked path before its part below top */
    gitscope_repo *repo;     /* NULL outside a repository */
    const char *prefix;      /* the root's path in the work tree: "" or "a/b/" */
    bool keep_build;         /* build directories are entered: the --diff-base
                              * copy (all of it was committed), or a root the
                              * user named inside what git ignores */
    int depth;               /* directory levels still entered; -1: no limit */
} walk_scope;

bool
discover_is_statements(const frontend *fe)
{
    return fe != NULL && fe->output == FRONTEND_STATEMENTS;
}

/* The role of a file at relpath below its root (role_patterns first). */
static path_role
role_of(const check_run *run, const char *relpath)
{
    return pathrole_classify_with(relpath, run->host->cfg->role_patterns);
}

static void
add_file(check_run *run, const char *path, const frontend *fe, const char *root, path_role role)
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
    f->role = role;
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
add_link(check_run *run, const char *path, const frontend *fe, const char *root, path_role role)
{
    pgr_location loc = { path, 1, 1, 1, 1, NULL };

    if (root != NULL && util_path_inside(path, root) != 0) {
        add_file(run, path, fe, root, role);
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
name_in(const char *const *names, const char *name)
{
    size_t i;

    for (i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/*
 * Whether an include pattern names directory name as a path component
 * ("vendor/acme/x.sql", "lib/node_modules/pkg/x.js"): include: is how a
 * user checks what the walk skips by default, so such a directory is
 * entered (its files still have to match the pattern).
 */
static bool
include_names_dir(const config *cfg, const char *name)
{
    size_t i, n = strlen(name);

    for (i = 0; i < cfg->include.len; i++) {
        const char *pat = *(char **) util_vec_at(&cfg->include, i), *hit = pat;

        while ((hit = strstr(hit, name)) != NULL) {
            bool starts = hit == pat || hit[-1] == '/' || hit[-1] == '*';

            if (starts && (hit[n] == '/' || hit[n] == '\0'))
                return true;
            hit++;
        }
    }
    return false;
}

/* Whether an include: pattern lists this file: then no default skip
 * (minified, ignored by git) applies to it. */
static bool
explicitly_included(const config *cfg, const char *path)
{
    return cfg->include.len > 0 && config_included(cfg, path);
}

/* Whether the first BUNDLE_PROBE_BYTES of a JavaScript file hold a line
 * of BUNDLE_LINE_BYTES or more (a bundle).  Unreadable: no, so that the
 * check reports it. */
static bool
looks_bundled(const char *path)
{
    char buf[BUNDLE_PROBE_BYTES];
    const char *err;
    ssize_t got;
    size_t i, line = 0;
    int fd = util_open_regular(path, &err);

    if (fd < 0)
        return false;
    got = read(fd, buf, sizeof buf);
    close(fd);
    for (i = 0; got > 0 && i < (size_t) got; i++) {
        line = buf[i] == '\n' ? 0 : line + 1;
        if (line >= BUNDLE_LINE_BYTES)
            return true;
    }
    return false;
}

/* Whether name is minified JavaScript: by its suffix, or a .js, .mjs or
 * .cjs regular file that looks bundled (a link is not opened here: its
 * target may lie outside the checked root, add_link judges it). */
static bool
minified(const char *path, const char *name, bool regular)
{
    const char *dot = strrchr(name, '.');
    size_t i;

    for (i = 0; minified_files[i]; i++)
        if (fnmatch(minified_files[i], name, 0) == 0)
            return true;
    if (dot == NULL || (strcmp(dot, ".js") && strcmp(dot, ".mjs") && strcmp(dot, ".cjs")))
        return false;
    return regular && looks_bundled(path);
}

/* path's path in the scope's work tree (caller frees). */
static char *
repo_path(const walk_scope *sc, const char *path)
{
    return util_xasprintf("%s%s", sc->prefix, path + sc->skip);
}

/*
 * Whether the walk enters directory path (called name): not a directory
 * skipped by default (unless include: names it), a build directory only in
 * a repository that tracks a file in it and does not ignore it, nothing git
 * ignores, nothing excluded.
 */
static bool
enter_dir(check_run *run, const walk_scope *sc, const char *path, const char *name)
{
    const config *cfg = run->host->cfg;
    bool named = include_names_dir(cfg, name), enter = true;
    char *rel;

    if (config_excluded(cfg, path))
        return false;
    if (name_in(skip_dirs, name))
        return named && strcmp(name, ".git") && strcmp(name, ".hg") && strcmp(name, ".svn");
    /* The merge-base copy holds only what was committed: a build directory
     * there was tracked, and is entered as it is in the work tree. */
    if (sc->repo == NULL)
        return !name_in(build_dirs, name) || named || sc->keep_build;
    rel = repo_path(sc, path);
    if (name_in(build_dirs, name) && !gitscope_has_tracked(sc->repo, rel))
        enter = named;
    else if (gitscope_ignored(sc->repo, rel, true))
        enter = named;
    free(rel);
    return enter;
}

/* Whether a file met by a context walk belongs to the set at sc->top: its
 * convention puts its set there (a rollback/ or diesel directory's file),
 * not in a subdirectory of its own (db/ below a lone file is another set). */
static bool
in_context_set(const walk_scope *sc, const char *path)
{
    char *dir = mig_context_dir(path);
    bool same = strcmp(dir, sc->top) == 0;

    free(dir);
    return same;
}

/* Whether the walk checks file path (called name): not minified, not
 * ignored by git — unless include: lists it. */
static bool
take_file(check_run *run, const walk_scope *sc, const char *path, const char *name, bool regular)
{
    bool take = true;
    char *rel;

    if (run->adding_context)
        return in_context_set(sc, path);
    if (explicitly_included(run->host->cfg, path))
        return true;
    if (minified(path, name, regular))
        return false;
    if (sc->repo != NULL) {
        rel = repo_path(sc, path);
        take = !gitscope_ignored(sc->repo, rel, false);
        free(rel);
    }
    return take;
}

/* The sorted entries of dir (caller frees each and the array), or NULL
 * with *n 0 when it cannot be read (reported). */
static char **
read_entries(check_run *run, const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t cap = 0;

    *n = 0;
    if (d == NULL) {
        pgr_location loc = { dir, 1, 1, 1, 1, NULL };
        char *m = util_xasprintf("cannot open directory: %s", strerror(errno));

        host_report_core(run->host, "core/unreadable-file", &loc, m);
        free(m);
        return NULL;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            names = util_xrealloc(names, cap * sizeof(char *));
        }
        names[(*n)++] = util_xstrdup(de->d_name);
    }
    closedir(d);
    if (*n > 0)
        qsort(names, *n, sizeof(char *), str_cmp);
    return names;
}

/*
 * Walk dir, inside the scope's resolved checked root.  Symbolic links to
 * directories are not followed (no loops); links to files only within root
 * (add_link).  FIFOs, sockets and devices are added to be reported
 * unreadable: util_read_file refuses them without opening them.
 */
static void
walk(check_run *run, const char *dir, const walk_scope *sc)
{
    size_t n, i;
    char **names = read_entries(run, dir, &n);

    for (i = 0; i < n; i++) {
        char *p = util_path_join(dir, names[i]);
        struct stat st;

        if (lstat(p, &st) == 0) {
            const frontend *fe = S_ISDIR(st.st_mode) ? NULL : frontends_match(p);

            if (S_ISDIR(st.st_mode)) {
                walk_scope below = *sc;

                below.depth = sc->depth > 0 ? sc->depth - 1 : sc->depth;
                if (sc->depth != 0 && enter_dir(run, sc, p, names[i]))
                    walk(run, p, &below);
            } else if (fe && take_file(run, sc, p, names[i], S_ISREG(st.st_mode))) {
                /* Context files get a role too: plugins may ask for it
                 * (api->path_role), though their findings are dropped. */
                path_role role = role_of(run, p + sc->skip);

                if (S_ISLNK(st.st_mode))
                    add_link(run, p, fe, sc->root, role);
                else
                    add_file(run, p, fe, sc->root, role);
            }
        }
        free(p);
        free(names[i]);
    }
    free(names);
}

/* Whether git ignores the root at prefix ("a/b/") of repo's work tree. */
static bool
root_ignored(gitscope_repo *repo, const char *prefix)
{
    char *dir = util_xstrdup(prefix);
    bool ignored;

    dir[strlen(dir) - 1] = '\0';     /* "a/b/" -> "a/b" */
    ignored = gitscope_ignored(repo, dir, true);
    free(dir);
    return ignored;
}

/* Walk the checked directory (or context directory) top, to depth levels
 * of subdirectories (-1: all). */
static void
walk_root(check_run *run, gitscope_walk *git, const char *top, int depth)
{
    walk_scope sc = { keep_root(run, top), top, strlen(top), NULL, NULL, false, depth };
    char *prefix = NULL;

    /* Walked paths are util_path_join(top, ...): "name" below ".", else
     * "top/name" with top's trailing '/' dropped (but "/" itself kept). */
    while (sc.skip > 1 && top[sc.skip - 1] == '/')
        sc.skip--;
    sc.skip = strcmp(top, ".") == 0 ? 0 : sc.skip + 1;
    sc.repo = gitscope_repo_of(git, top, &prefix);
    sc.prefix = prefix;
    sc.keep_build = sc.repo == NULL && gitscope_in_base(top);
    /* A directory the user names is checked even when git ignores it, as a
     * named file is (ripgrep does the same): no ignore rule applies below. */
    if (sc.repo != NULL && *prefix != '\0' && root_ignored(sc.repo, prefix)) {
        sc.repo = NULL;
        sc.keep_build = true;
    }
    walk(run, top, &sc);
    free(prefix);
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
            /* A checked mention's role wins over a context one's. */
            if (last->context && !f->context)
                last->role = f->role;
            last->context = last->context && f->context;
            /* The wider root of the two decides where includes may go. */
            if (f->root && (last->root == NULL || strlen(f->root) < strlen(last->root))) {
                last->root = f->root;
                if (!f->context)
                    last->role = f->role;
            }
            free(f->path);
            continue;
        }
        *(check_file *) util_vec_at(&run->files, keep++) = *f;
    }
    run->files.len = keep;
}

/*
 * Add the SQL files of a lone SQL file's migration set, as context: its
 * set's directory and the subdirectories right below it (rollback/,
 * revert/, a diesel or Prisma migration's directory), never deeper nor
 * upward: a lone file at the top of a large tree must not read the tree.
 */
static void
add_context(check_run *run, gitscope_walk *git, const char *path)
{
    char *dir = mig_context_dir(path);

    run->adding_context = true;
    walk_root(run, git, dir, 1);
    run->adding_context = false;
    free(dir);
}

/* The role of a file named alone: by its path in its repository's work
 * tree when in one (tests/fixtures/x.env is a test), else by its name. */
static path_role
named_role(check_run *run, gitscope_walk *git, const char *path)
{
    char *dir = util_dirname(path), *prefix = NULL, *rel;
    path_role role;

    if (gitscope_repo_of(git, dir, &prefix) != NULL)
        rel = util_xasprintf("%s%s", prefix, util_basename(path));
    else
        rel = util_xstrdup(util_basename(path));
    role = role_of(run, rel);
    free(rel);
    free(prefix);
    free(dir);
    return role;
}

/* check_set_virtual's operand and front-end. */
static const char *virtual_path;
static const frontend *virtual_fe;

void
check_set_virtual(const char *path, const frontend *fe)
{
    virtual_path = path;
    virtual_fe = fe;
}

static bool
is_virtual(const char *path)
{
    return virtual_path != NULL && strcmp(path, virtual_path) == 0;
}

/* Standard input named path: a file of the tree at path when its directory
 * exists (its root and role from there), else one of its own. */
static void
add_virtual(check_run *run, gitscope_walk *git, const char *path)
{
    const frontend *fe = virtual_fe ? virtual_fe : frontends_match(path);
    char *dir = util_dirname(path);

    add_file(run, path, fe, keep_root(run, dir), named_role(run, git, path));
    free(dir);
}

/* Whether the migration set of a named file comes in as context: a SQL
 * file's, or standard input's named after one in a directory that exists. */
static bool
wants_context(const char *path)
{
    char *dir;
    struct stat st;
    bool exists;

    if (!is_virtual(path))
        return discover_is_statements(frontends_match(path));
    if (virtual_fe != NULL || !discover_is_statements(frontends_match(path)))
        return false;
    dir = util_dirname(path);
    exists = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    free(dir);
    return exists;
}

int
discover_paths(check_run *run, char *const *paths, size_t n, bool git_listed, char **err)
{
    gitscope_walk git;
    size_t i;

    memset(&git, 0, sizeof git);
    for (i = 0; i < n; i++) {
        const frontend *fe = frontends_match(paths[i]);
        struct stat st;

        if (is_virtual(paths[i])) {
            add_virtual(run, &git, paths[i]);
            continue;
        }
        if (stat(paths[i], &st) != 0) {
            *err = util_xasprintf("%s: %s", paths[i], strerror(errno));
            gitscope_walk_free(&git);
            return -1;
        }
        /* A path named on the command line is the user's choice: followed
         * even when it is a link, and checked whatever the walk would skip.
         * What it holds is judged against it.  Paths listed by git (a
         * reader is set: --staged) were not typed by anyone: a link among
         * them is judged like a walked one, against the working directory
         * (the paths are relative to it). */
        if (S_ISDIR(st.st_mode)) {
            walk_root(run, &git, paths[i], -1);
        } else if (git_listed && fe && lstat(paths[i], &st) == 0 && S_ISLNK(st.st_mode)) {
            add_link(run, paths[i], fe, keep_root(run, "."), named_role(run, &git, paths[i]));
        } else if (fe) {
            char *dir = util_dirname(paths[i]);

            add_file(run, paths[i], fe, keep_root(run, dir), named_role(run, &git, paths[i]));
            free(dir);
        }
    }
    for (i = 0; i < n; i++)
        if (wants_context(paths[i]))
            add_context(run, &git, paths[i]);
    gitscope_walk_free(&git);
    if (run->files.len > 0)
        qsort(run->files.items, run->files.len, sizeof(check_file), file_cmp);
    merge_duplicates(run);
    return 0;
}
