/*
 * gitscope.c — see gitscope.h.
 *
 * Everything is read in-process with libgit2: no git program, no shell, no
 * child process.  libgit2 runs no hooks, no core.fsmonitor, no pager, no
 * external diff and no clean/smudge filter drivers (we register none, and
 * read raw blobs, unfiltered), so a checked tree's own .git/config — an
 * extracted archive, a contributor's branch — cannot make us run a command.
 */
#include "scan/gitscope.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/gitscope_internal.h"
#include "util.h"

/* A blob larger than check reads (check.c's limit) is not loaded. */
#define GITSCOPE_MAX_BLOB_BYTES (64u << 20)

/* Shut libgit2 down at exit (atexit: no argument, no result). */
static void
lg_shutdown(void)
{
    git_libgit2_shutdown();
}

/*
 * libgit2's start-up skips the system's CA certificates.
 *
 * git_libgit2_init, with the mbedTLS back-end Debian builds libgit2 1.5
 * with, parses every certificate of the CA bundle it was built to trust
 * (/etc/ssl/certs/ca-certificates.crt, some 140 PEM certificates): a fifth
 * of a pre-commit `check --staged` on one migration (issue 15), for the
 * TLS transports only, which pgrampart never uses (it reads the index,
 * trees and blobs of local repositories; no clone, fetch or push).
 * libgit2 offers no option or environment variable to skip it
 * (streams/mbedtls.c, git_mbedtls_stream_global_init), so the binary
 * exports these two mbedTLS functions (meson.build: --export-dynamic-symbol)
 * and the dynamic loader binds libgit2's calls to them.  While
 * gitscope_lg_begin runs git_libgit2_init they load nothing and report
 * mbedTLS's file error, which libgit2 takes as "no default certificates";
 * at any other time they are mbedTLS's own (dlsym RTLD_NEXT).  Without the
 * certificates a TLS transport would verify no server: it fails closed.
 * In a program that does not export them (the unit tests) or with a
 * libgit2 on OpenSSL they are never called.  Their declarations are
 * mbedTLS's (mbedtls/x509_crt.h), the certificate chain opaque here.
 */
#define LG_MBEDTLS_FILE_IO_ERROR (-0x2900)   /* MBEDTLS_ERR_X509_FILE_IO_ERROR */

struct mbedtls_x509_crt;
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);

static bool lg_starting;   /* inside gitscope_lg_begin's git_libgit2_init */

typedef int (*lg_parse_fn)(struct mbedtls_x509_crt *chain, const char *path);

/* mbedTLS's function name on (chain, path); nothing during libgit2's start-up. */
static int
lg_parse(const char *name, struct mbedtls_x509_crt *chain, const char *path)
{
    lg_parse_fn real = NULL;

    if (!lg_starting)
        *(void **) &real = dlsym(RTLD_NEXT, name);
    return real ? real(chain, path) : LG_MBEDTLS_FILE_IO_ERROR;
}

int
mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
    return lg_parse("mbedtls_x509_crt_parse_file", chain, path);
}

int
mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path)
{
    return lg_parse("mbedtls_x509_crt_parse_path", chain, path);
}

/*
 * Start libgit2 once for the process; it stays up until exit.  Every
 * lg_begin still has its lg_end, which releases nothing: a run uses git in
 * several places (the staged index, the walk, the report's context), and
 * one start with one set of options (below) serves them all.  Only the
 * main thread uses libgit2.
 *
 * Owner validation (git's safe.directory) is switched off on purpose.  git
 * refuses a repository another user owns because that user's config could
 * make git run commands (core.fsmonitor, hooks, filters, pager); libgit2
 * runs none of them and this module only reads the index, trees and blobs.
 * CI checkouts are often owned by another uid (a container's root over the
 * runner's workspace), where refusing would only break the check.
 */
void
gitscope_lg_begin(void)
{
    static bool started;

    if (started)
        return;
    started = true;
    lg_starting = true;
    git_libgit2_init();
    lg_starting = false;
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    atexit(lg_shutdown);
}

void
gitscope_lg_end(void)
{
}

/* Whether dir/name exists (any type; a dangling symlink counts). */
static bool
entry_exists(const char *dir, const char *name)
{
    struct stat st;
    char *p = util_xasprintf("%s/%s", dir, name);
    bool found = lstat(p, &st) == 0;

    free(p);
    return found;
}

/*
 * libgit2's start-up (mbedTLS's entropy pool, libssh2's OpenSSL) is most of
 * what git costs a check of a file outside any repository, which no
 * discovery can answer otherwise: the few stats here spare it.
 */
bool
gitscope_may_be_in_repo(const char *path)
{
    char *dir = realpath(path, NULL);
    bool maybe = dir == NULL;
    char *slash;

    while (dir != NULL && !maybe) {
        maybe = entry_exists(dir, ".git") || entry_exists(dir, "HEAD");
        slash = strrchr(dir, '/');
        if (slash == NULL || (slash == dir && dir[1] == '\0'))
            break;
        slash[slash == dir ? 1 : 0] = '\0';   /* the parent; "/" last */
    }
    free(dir);
    return maybe;
}

/* libgit2's last error message (static text). */
static const char *
lg_error(void)
{
    const git_error *e = git_error_last();

    return e && e->message ? e->message : "unknown libgit2 error";
}

/* What follows root in path ("" when equal), or NULL when path is not root
 * or under it.  Both absolute, without trailing '/' (root may be "/"). */
const char *
gitscope_path_under(const char *root, const char *path)
{
    size_t n = strlen(root);

    if (n == 1 && root[0] == '/')
        return path[0] == '/' ? path + 1 : NULL;
    if (strncmp(root, path, n) != 0)
        return NULL;
    if (path[n] == '\0')
        return path + n;
    return path[n] == '/' ? path + n + 1 : NULL;
}

/*
 * Normalise a relative path lexically: drop "." and empty components,
 * resolve ".." against the previous component.  A new string (caller frees),
 * "" for the top, or NULL when ".." would climb above the top.
 */
static char *
normalise_relative(const char *path)
{
    char *out = util_xmalloc(strlen(path) + 1);
    size_t len = 0;
    const char *p = path;

    while (*p) {
        size_t n = strcspn(p, "/");

        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (len == 0) {
                free(out);
                return NULL;
            }
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;  /* the '/' before the dropped component */
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (len > 0)
                out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
        }
        p += n;
        while (*p == '/')
            p++;
    }
    out[len] = '\0';
    return out;
}

/* The repository of the working directory, its work tree and where the
 * working directory is in it. */
typedef struct cwd_repo {
    git_repository *repo;
    char *workdir;      /* real path of the work tree, no trailing '/' */
    char *prefix;       /* working directory relative to workdir: "" or "a/b/" */
} cwd_repo;

static void
cwd_repo_close(cwd_repo *cr)
{
    git_repository_free(cr->repo);
    free(cr->workdir);
    free(cr->prefix);
    memset(cr, 0, sizeof *cr);
}

/*
 * Open the working directory's repository for option what ("--staged").
 *
 * GIT_REPOSITORY_OPEN_FROM_ENV: found the way git finds it, honouring
 * GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and GIT_CEILING_DIRECTORIES.  The
 * environment is the caller's, not the checked tree's, and git sets these
 * for its hooks: a pre-commit hook under `git commit -a` sees what is being
 * committed only in the temporary index GIT_INDEX_FILE names.
 */
static int
cwd_repo_open(cwd_repo *cr, const char *what, char **err)
{
    char *cwd = NULL;
    const char *wd, *rest;

    memset(cr, 0, sizeof *cr);
    if (git_repository_open_ext(&cr->repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) != 0) {
        *err = util_xasprintf("%s needs a git repository: %s", what, lg_error());
        return -1;
    }
    wd = git_repository_workdir(cr->repo);
    if (wd == NULL || (cr->workdir = realpath(wd, NULL)) == NULL ||
        (cwd = realpath(".", NULL)) == NULL) {
        *err = util_xasprintf("%s needs a git work tree (not a bare repository)", what);
        cwd_repo_close(cr);
        return -1;
    }
    rest = gitscope_path_under(cr->workdir, cwd);
    if (rest == NULL) {
        *err = util_xasprintf("%s: the working directory is outside the git work tree %s", what,
                              cr->workdir);
        free(cwd);
        cwd_repo_close(cr);
        return -1;
    }
    cr->prefix = *rest ? util_xasprintf("%s/", rest) : util_xstrdup("");
    free(cwd);
    return 0;
}

/* path (relative to the working directory, or absolute) relative to the
 * work tree; NULL when it is outside.  Caller frees. */
static char *
repo_relative(const cwd_repo *cr, const char *path)
{
    char *joined, *rel;

    if (path[0] == '/') {
        const char *rest = gitscope_path_under(cr->workdir, path);

        return rest ? normalise_relative(rest) : NULL;
    }
    joined = util_xasprintf("%s%s", cr->prefix, path);
    rel = normalise_relative(joined);
    free(joined);
    return rel;
}

/* Regular files only: a symbolic link's blob is its target, a submodule
 * (gitlink) has no blob here. */
static bool
regular_mode(uint32_t mode)
{
    return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* HEAD's tree into *out, NULL before the first commit.  0, or -1. */
static int
head_tree(git_repository *repo, git_tree **out)
{
    git_object *obj;

    *out = NULL;
    if (git_repository_head_unborn(repo) == 1)
        return 0;
    if (git_revparse_single(&obj, repo, "HEAD^{tree}") != 0)
        return -1;
    *out = (git_tree *) obj;
    return 0;
}

/* --- --staged ---------------------------------------------------------- */

static struct {
    bool active;
    cwd_repo cr;
    git_index *index;
} staged;

/*
 * check's reader under --staged: a file the index holds (a regular file)
 * is read from the index, whatever the working tree holds; others (not in
 * the index, links) from the working tree.
 */
int
gitscope_index_reader(void *arg, const char *path, char **data, size_t *len, const char **err)
{
    char *rel = repo_relative(&staged.cr, path);
    const git_index_entry *e = rel ? git_index_get_bypath(staged.index, rel, 0) : NULL;
    git_blob *blob;
    git_object_size_t size;

    (void) arg;
    free(rel);
    if (e == NULL || !regular_mode(e->mode))
        return 0;
    if (git_blob_lookup(&blob, staged.cr.repo, &e->id) != 0) {
        *err = "cannot read the staged content from the git index";
        return -1;
    }
    size = git_blob_rawsize(blob);
    if (size > GITSCOPE_MAX_BLOB_BYTES) {
        git_blob_free(blob);
        *err = "staged file too large (over 64 MiB); not checked";
        return -1;
    }
    *len = (size_t) size;
    *data = util_xmalloc(*len + 1);
    memcpy(*data, git_blob_rawcontent(blob), *len);
    (*data)[*len] = '\0';
    git_blob_free(blob);
    return 1;
}

/* The index's regular files that differ from HEAD (added, copied,
 * modified, renamed) under the working directory, relative to it. */
static int
staged_list(util_vec *paths, char **err)
{
    git_diff_options opts;
    git_tree *head;
    git_diff *diff;
    size_t i, n, plen = strlen(staged.cr.prefix);

    if (head_tree(staged.cr.repo, &head) != 0) {
        *err = util_xasprintf("--staged: cannot read HEAD: %s", lg_error());
        return -1;
    }
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    /* Submodules are never read: no need to open them. */
    opts.ignore_submodules = GIT_SUBMODULE_IGNORE_ALL;
    if (git_diff_tree_to_index(&diff, staged.cr.repo, head, staged.index, &opts) != 0) {
        *err = util_xasprintf("--staged: cannot compare the index with HEAD: %s", lg_error());
        git_tree_free(head);
        return -1;
    }
    n = git_diff_num_deltas(diff);
    for (i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        const char *p = d->new_file.path;

        if ((d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED ||
             d->status == GIT_DELTA_RENAMED || d->status == GIT_DELTA_COPIED) &&
            regular_mode(d->new_file.mode) && strncmp(p, staged.cr.prefix, plen) == 0)
            *(char **) util_vec_push(paths) = util_xstrdup(p + plen);
    }
    git_diff_free(diff);
    git_tree_free(head);
    return 0;
}

int
gitscope_staged(util_vec *paths, char **err)
{
    gitscope_lg_begin();
    if (cwd_repo_open(&staged.cr, "--staged", err) != 0) {
        gitscope_lg_end();
        return -1;
    }
    if (git_repository_index(&staged.index, staged.cr.repo) != 0) {
        *err = util_xasprintf("--staged: cannot read the git index: %s", lg_error());
        cwd_repo_close(&staged.cr);
        gitscope_lg_end();
        return -1;
    }
    staged.active = true;
    if (staged_list(paths, err) != 0) {
        gitscope_staged_done();
        return -1;
    }
    return 0;
}

void
gitscope_staged_done(void)
{
    if (!staged.active)
        return;
    git_index_free(staged.index);
    staged.index = NULL;
    cwd_repo_close(&staged.cr);
    staged.active = false;
    gitscope_lg_end();
}

/* --- --diff-base: the merge base's tree in a temporary directory ------- */

/* The base tree's root while its check runs: its files are tracked. */
static const char *base_root;

/*
 * Whether a tree entry's name is safe to create in a directory: one
 * component, not ".", "..", empty or ".git" (a crafted tree can hold any
 * bytes; a ".git" would turn the copy into a repository).
 */
static bool
safe_name(const char *name)
{
    return name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0 && strcasecmp(name, ".git") != 0;
}

typedef struct materialise {
    git_repository *repo;
    git_odb *odb;
    const char *root;       /* the temporary directory */
    char *err;
} materialise;

/* Write blob id to path, a new file (never through an existing name or a
 * link).  0, 1 when skipped, -1 with m->err set. */
static int
write_blob(materialise *m, const git_oid *id, const char *path)
{
    git_object_t type;
    size_t size;
    git_blob *blob;
    const char *p;
    size_t left;
    int fd;

    /* The size from the header first: a huge blob is never loaded (nor
     * checked at the base: its findings then count as new). */
    if (git_odb_read_header(&size, &type, m->odb, id) == 0 && size > GITSCOPE_MAX_BLOB_BYTES)
        return 1;
    if (git_blob_lookup(&blob, m->repo, id) != 0) {
        m->err = util_xasprintf("--diff-base: cannot read %s at the merge base: %s", path, lg_error());
        return -1;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;

        git_blob_free(blob);
        /* The same name twice in a crafted tree: the first wins. */
        if (e == EEXIST || e == ENAMETOOLONG)
            return 1;
        m->err = util_xasprintf("--diff-base: cannot create %s: %s", path, strerror(e));
        return -1;
    }
    p = git_blob_rawcontent(blob);
    left = (size_t) git_blob_rawsize(blob);
    while (left > 0) {
        ssize_t w = write(fd, p, left);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            m->err = util_xasprintf("--diff-base: cannot write %s: %s", path, strerror(errno));
            close(fd);
            git_blob_free(blob);
            return -1;
        }
        p += w;
        left -= (size_t) w;
    }
    git_blob_free(blob);
    if (close(fd) != 0) {
        m->err = util_xasprintf("--diff-base: cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * git_tree_walk callback: create directories and regular files only.
 * Symbolic links and submodules are skipped, so nothing under the root
 * is a link and no path can lead out of it; unsafe names are skipped with
 * everything below them.  Returns 0 (descend), 1 (skip), -1 (stop).
 */
static int
materialise_entry(const char *dir, const git_tree_entry *e, void *payload)
{
    materialise *m = payload;
    const char *name = git_tree_entry_name(e);
    git_filemode_t mode = git_tree_entry_filemode(e);
    char *path;
    int rc;

    if (!safe_name(name) || (mode != GIT_FILEMODE_TREE && !regular_mode(mode)))
        return 1;
    path = util_xasprintf("%s/%s%s", m->root, dir, name);
    if (mode == GIT_FILEMODE_TREE)
        rc = mkdir(path, 0700) == 0 ? 0 : 1;
    else
        rc = write_blob(m, git_tree_entry_id(e), path);
    free(path);
    return rc;
}

/* The merge base of ref and HEAD into *base.  0, or -1 with *err set. */
static int
merge_base(git_repository *repo, const char *ref, git_oid *base, char **err)
{
    git_object *obj = NULL, *commit = NULL;
    git_oid head;
    int rc = -1;

    if (git_revparse_single(&obj, repo, ref) == 0 &&
        git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0 &&
        git_reference_name_to_id(&head, repo, "HEAD") == 0 &&
        git_merge_base(base, repo, git_object_id(commit), &head) == 0)
        rc = 0;
    else
        *err = util_xasprintf("--diff-base: no merge base of %s and HEAD (is it a git ref?): %s", ref,
                              lg_error());
    git_object_free(commit);
    git_object_free(obj);
    return rc;
}

/* Write commit id's tree (regular files) under root.  0, or -1. */
static int
write_tree(git_repository *repo, const git_oid *id, const char *root, char **err)
{
    materialise m = { repo, NULL, root, NULL };
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    int rc = -1;

    if (git_commit_lookup(&commit, repo, id) != 0 || git_commit_tree(&tree, commit) != 0 ||
        git_repository_odb(&m.odb, repo) != 0) {
        *err = util_xasprintf("--diff-base: cannot read the merge base's tree: %s", lg_error());
    } else if (git_tree_walk(tree, GIT_TREEWALK_PRE, materialise_entry, &m) != 0) {
        *err = m.err ? m.err : util_xasprintf("--diff-base: cannot read the merge base's tree: %s",
                                              lg_error());
        m.err = NULL;
    } else {
        rc = 0;
    }
    free(m.err);
    git_odb_free(m.odb);
    git_tree_free(tree);
    git_commit_free(commit);
    return rc;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove(path) == 0 ? 0 : -1;
}

/* Remove the temporary tree (not following links: there are none). */
static void
remove_tree(const char *root)
{
    if (nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "pgrampart: could not remove %s\n", root);
}

void
gitscope_make_dirs(const char *root, const char *dir)
{
    char *path = util_xasprintf("%s/%s", root, dir);
    char *p;

    for (p = path + strlen(root) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        (void) mkdir(path, 0700);
        *p = '/';
    }
    free(path);
}

/* A new temporary directory (caller removes and frees), NULL on failure. */
static char *
make_temp_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *tmpl, *real;

    if (tmp == NULL || tmp[0] != '/')
        tmp = "/tmp";
    tmpl = util_xasprintf("%s/pgrampart-base-XXXXXX", tmp);
    if (mkdtemp(tmpl) == NULL) {
        free(tmpl);
        return NULL;
    }
    /* Its real path: the tracked lookup compares real paths with it. */
    real = realpath(tmpl, NULL);
    if (real == NULL)
        return tmpl;
    free(tmpl);
    return real;
}

int
gitscope_base_tree(const char *ref, gitscope_base *b, char **err)
{
    cwd_repo cr;
    git_oid base_id;
    int rc = -1;

    memset(b, 0, sizeof *b);
    gitscope_lg_begin();
    if (cwd_repo_open(&cr, "--diff-base", err) != 0) {
        gitscope_lg_end();
        return -1;
    }
    if (merge_base(cr.repo, ref, &base_id, err) != 0)
        goto done;
    b->tree = make_temp_dir();
    if (b->tree == NULL) {
        *err = util_xasprintf("--diff-base: cannot create a temporary directory: %s", strerror(errno));
        goto done;
    }
    if (write_tree(cr.repo, &base_id, b->tree, err) != 0)
        goto done;
    b->prefix = util_xstrdup(cr.prefix);
    rc = 0;
done:
    if (rc != 0)
        gitscope_base_free(b);
    cwd_repo_close(&cr);
    gitscope_lg_end();
    return rc;
}

void
gitscope_base_free(gitscope_base *b)
{
    if (b->tree) {
        remove_tree(b->tree);
        free(b->tree);
    }
    free(b->prefix);
    memset(b, 0, sizeof *b);
}

bool
gitscope_base_has(const gitscope_base *b, const char *path)
{
    char *joined, *rel;
    bool inside;

    /* An absolute path, or one climbing out with "..", would name the
     * live files, and every finding in them would pass as old. */
    if (path[0] == '/')
        return false;
    joined = util_xasprintf("%s%s", b->prefix, path);
    rel = normalise_relative(joined);
    inside = rel != NULL;
    free(rel);
    free(joined);
    return inside && access(path, F_OK) == 0;
}

void
gitscope_set_base_root(const char *root)
{
    base_root = root;
}

bool
gitscope_staged_active(void)
{
    return staged.active;
}

bool
gitscope_in_base(const char *dir)
{
    char *real;
    bool in;

    if (base_root == NULL || (real = realpath(dir, NULL)) == NULL)
        return false;
    in = gitscope_path_under(base_root, real) != NULL;
    free(real);
    return in;
}

void
gitscope_head(const char *start, char **toplevel, char **commit, char **branch)
{
    git_repository *repo = NULL;
    git_reference *head = NULL;
    const git_oid *oid;
    const char *wd;

    *toplevel = *commit = *branch = NULL;
    if (!gitscope_may_be_in_repo(start))
        return;
    gitscope_lg_begin();
    if (git_repository_open_ext(&repo, start, 0, NULL) != 0) {
        char *dir = util_dirname(start);

        if (git_repository_open_ext(&repo, dir, 0, NULL) != 0)
            repo = NULL;
        free(dir);
    }
    if (repo && (wd = git_repository_workdir(repo)) != NULL) {
        size_t n = strlen(wd);

        *toplevel = util_xstrndup(wd, n > 1 && wd[n - 1] == '/' ? n - 1 : n);
    }
    if (repo && git_repository_head(&head, repo) == 0) {
        char hex[GIT_OID_HEXSZ + 1];

        if ((oid = git_reference_target(head)) != NULL) {
            git_oid_tostr(hex, sizeof hex, oid);
            *commit = util_xstrdup(hex);
        }
        if (git_reference_is_branch(head))
            *branch = util_xstrdup(git_reference_shorthand(head));
        git_reference_free(head);
    }
    git_repository_free(repo);
    gitscope_lg_end();
}
