/*
 * gitscope.c — see gitscope.h.
 */
#include "gitscope.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

/* Quote s for /bin/sh inside single quotes. */
static void
shell_quote(util_buf *b, const char *s)
{
    util_buf_puts(b, " '");
    for (; *s; s++) {
        if (*s == '\'')
            util_buf_puts(b, "'\\''");
        else
            util_buf_append(b, s, 1);
    }
    util_buf_puts(b, "'");
}

/* Run a shell command; its standard output into *out (caller frees).
 * Returns the exit status, or -1 when it could not run. */
static int
capture(const char *cmd, char **out, size_t *len)
{
    FILE *p = popen(cmd, "r");
    util_buf b;
    char chunk[8192];
    size_t n;
    int status;

    if (p == NULL)
        return -1;
    util_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        util_buf_append(&b, chunk, n);
    status = pclose(p);
    *out = b.data;
    *len = b.len;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* NUL-separated names into a vector of strings. */
static void
split_z(const char *data, size_t len, util_vec *out)
{
    size_t i = 0;

    while (i < len) {
        size_t n = strnlen(data + i, len - i);

        if (n > 0)
            *(char **) util_vec_push(out) = util_xstrndup(data + i, n);
        i += n + 1;
    }
}

static util_vec dirty;       /* of char *: paths whose working copy differs from the index */
static bool dirty_ready;

static int
index_reader(void *arg, const char *path, char **data, size_t *len, const char **err)
{
    size_t i;
    util_buf cmd;
    int rc;

    (void) arg;
    for (i = 0; i < dirty.len; i++)
        if (strcmp(*(char **) util_vec_at(&dirty, i), path) == 0)
            break;
    if (i == dirty.len)
        return 0;   /* the working tree holds what the index holds */
    util_buf_init(&cmd);
    util_buf_puts(&cmd, "git cat-file blob");
    {
        char *spec = util_xasprintf(":./%s", path);

        shell_quote(&cmd, spec);
        free(spec);
    }
    util_buf_puts(&cmd, " 2>/dev/null");
    rc = capture(cmd.data, data, len);
    util_buf_free(&cmd);
    if (rc != 0) {
        free(*data);
        *err = "cannot read the staged content from the git index";
        return -1;
    }
    return 1;
}

int
gitscope_staged(util_vec *paths, char **err)
{
    char *out;
    size_t len;

    if (capture("git diff --cached --name-only --diff-filter=ACMR --relative -z 2>/dev/null",
                &out, &len) != 0) {
        free(out);
        *err = util_xstrdup("--staged needs a git repository (git diff --cached failed)");
        return -1;
    }
    split_z(out, len, paths);
    free(out);
    util_vec_init(&dirty, sizeof(char *));
    if (capture("git diff --name-only --relative -z 2>/dev/null", &out, &len) == 0)
        split_z(out, len, &dirty);
    free(out);
    dirty_ready = true;
    check_set_reader(index_reader, NULL);
    return 0;
}

void
gitscope_staged_done(void)
{
    size_t i;

    check_set_reader(NULL, NULL);
    if (!dirty_ready)
        return;
    for (i = 0; i < dirty.len; i++)
        free(*(char **) util_vec_at(&dirty, i));
    util_vec_free(&dirty);
    dirty_ready = false;
}

/* The first line of a command's output, trimmed; NULL when it failed. */
static char *
first_line(const char *cmd)
{
    char *out;
    size_t len;

    if (capture(cmd, &out, &len) != 0 || len == 0) {
        free(out);
        return NULL;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return out;
}

/* Run the same check at the merge base; its findings' (rule, fingerprint)
 * pairs go to base (of char *, "rule\tfingerprint"). */
static int
base_findings(host *h, const char *tree, const char *prefix, char *const *paths, size_t n,
              util_vec *base, char **err)
{
    char cwd[PATH_MAX], fp[17];
    char *dir = util_xasprintf("%s/%s", tree, prefix);
    diag_store scratch, *saved = h->diags;
    check_run run;
    size_t i;
    int rc = 0;

    if (getcwd(cwd, sizeof cwd) == NULL || chdir(dir) != 0) {
        *err = util_xasprintf("cannot enter the base tree: %s", strerror(errno));
        free(dir);
        return -1;
    }
    diag_init(&scratch);
    h->diags = &scratch;
    /* A path the change adds does not exist at the base: skip it there. */
    {
        char **present = util_xcalloc(n ? n : 1, sizeof(char *));
        size_t k = 0;

        for (i = 0; i < n; i++)
            if (access(paths[i], F_OK) == 0)
                present[k++] = paths[i];
        if (k > 0 && check_paths(h, present, k, &run, err) != 0)
            rc = -1;
        else if (k > 0) {
            for (i = 0; i < scratch.findings.len; i++) {
                const diag_finding *f = util_vec_at(&scratch.findings, i);

                *(char **) util_vec_push(base) = util_xasprintf(
                    "%s\t%s", f->rule_id, report_fingerprint(&scratch, f, check_text, &run, fp));
            }
        }
        if (k > 0)
            check_free(&run);
        free(present);
    }
    h->diags = saved;
    diag_free(&scratch);
    if (chdir(cwd) != 0 && rc == 0) {
        *err = util_xasprintf("cannot return to %s", cwd);
        rc = -1;
    }
    free(dir);
    return rc;
}

int
gitscope_diff_base(host *h, const char *ref, char *const *paths, size_t n,
                   diag_text_fn text_fn, void *text_arg, char **err)
{
    char tmpl[] = "/tmp/pgrampart-base-XXXXXX", *tree, *sha, *prefix, fp[17], **keys;
    util_buf cmd;
    util_vec base;
    size_t i, k, keep = 0;
    diag_store *ds = h->diags;
    int rc = 0;

    util_buf_init(&cmd);
    util_buf_puts(&cmd, "git merge-base");
    shell_quote(&cmd, ref);
    util_buf_puts(&cmd, " HEAD 2>/dev/null");
    sha = first_line(cmd.data);
    util_buf_free(&cmd);
    prefix = first_line("git rev-parse --show-prefix 2>/dev/null");
    if (prefix == NULL)
        prefix = util_xstrdup("");
    if (sha == NULL) {
        *err = util_xasprintf("--diff-base: no merge base of %s and HEAD (is it a git ref?)", ref);
        free(prefix);
        return -1;
    }
    tree = mkdtemp(tmpl);
    util_buf_init(&cmd);
    util_buf_printf(&cmd, "cd \"$(git rev-parse --show-toplevel)\" && git archive --format=tar %s | tar -x -C",
                    sha);
    shell_quote(&cmd, tree);
    if (tree == NULL || system(cmd.data) != 0) {
        *err = util_xasprintf("--diff-base: cannot extract %s", sha);
        rc = -1;
    }
    util_buf_free(&cmd);
    util_vec_init(&base, sizeof(char *));
    if (rc == 0)
        rc = base_findings(h, tree, prefix, paths, n, &base, err);
    /* Keep what the base does not have; each base finding hides one.  All
     * keys first: a fingerprint reads the other findings (secret masks). */
    keys = util_xcalloc(ds->findings.len + 1, sizeof(char *));
    for (i = 0; rc == 0 && i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);

        keys[i] = util_xasprintf("%s\t%s", f->rule_id, report_fingerprint(ds, f, text_fn, text_arg, fp));
    }
    for (i = 0; rc == 0 && i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);
        bool old = false;

        for (k = 0; k < base.len && !old; k++) {
            char **b = util_vec_at(&base, k);

            if (*b && strcmp(*b, keys[i]) == 0) {
                free(*b);
                *b = NULL;
                old = true;
            }
        }
        if (old)
            diag_finding_free(f);
        else
            *(diag_finding *) util_vec_at(&ds->findings, keep++) = *f;
    }
    for (i = 0; i < ds->findings.len; i++)
        free(keys[i]);
    free(keys);
    if (rc == 0)
        ds->findings.len = keep;
    for (k = 0; k < base.len; k++)
        free(*(char **) util_vec_at(&base, k));
    util_vec_free(&base);
    if (tree) {
        util_buf_init(&cmd);
        util_buf_puts(&cmd, "rm -rf");
        shell_quote(&cmd, tree);
        if (system(cmd.data) != 0)
            fprintf(stderr, "pgrampart: could not remove %s\n", tree);
        util_buf_free(&cmd);
    }
    free(sha);
    free(prefix);
    return rc;
}

/*
 * Mark tracked[k] for every path k >= first in dir (1 tracked, 0 not, -1 no
 * repository there).  git runs in that directory and is given base names, so
 * absolute paths and a working directory outside the repository both work.
 */
static void
tracked_in_dir(char *const *paths, size_t first, size_t n, const char *dir, int *tracked)
{
    util_buf cmd;
    util_vec listed;
    char *out;
    size_t len, i, k;
    int ok;

    util_buf_init(&cmd);
    util_buf_puts(&cmd, "git -C");
    shell_quote(&cmd, dir);
    util_buf_puts(&cmd, " ls-files -z --");
    for (i = first; i < n; i++) {
        char *d = util_dirname(paths[i]);

        if (strcmp(d, dir) == 0)
            shell_quote(&cmd, util_basename(paths[i]));
        free(d);
    }
    util_buf_puts(&cmd, " 2>/dev/null");
    ok = capture(cmd.data, &out, &len) == 0;
    util_buf_free(&cmd);
    util_vec_init(&listed, sizeof(char *));
    if (ok)
        split_z(out, len, &listed);
    free(out);
    for (i = first; i < n; i++) {
        char *d = util_dirname(paths[i]);
        const char *base = util_basename(paths[i]);

        if (strcmp(d, dir) == 0) {
            tracked[i] = ok ? 0 : -1;
            for (k = 0; ok && k < listed.len && !tracked[i]; k++)
                tracked[i] = strcmp(*(char **) util_vec_at(&listed, k), base) == 0;
        }
        free(d);
    }
    for (k = 0; k < listed.len; k++)
        free(*(char **) util_vec_at(&listed, k));
    util_vec_free(&listed);
}

/* Whether dir or a parent holds .git (a directory, or a worktree's file):
 * without one git cannot track anything there, and is not asked. */
static bool
inside_work_tree(const char *dir)
{
    char *d = util_xstrdup(dir), *abs = NULL;
    bool found = false;

    if (getenv("GIT_DIR") != NULL) {
        free(d);
        return true;
    }
    abs = realpath(d, NULL);
    free(d);
    if (abs == NULL)
        return true;    /* let git decide */
    for (;;) {
        char *probe = util_path_join(abs, ".git");
        struct stat st;
        char *slash;

        found = stat(probe, &st) == 0;
        free(probe);
        slash = strrchr(abs, '/');
        if (found || slash == NULL || slash == abs)
            break;
        *slash = '\0';
    }
    if (!found) {
        char *probe = util_path_join("/", ".git");
        struct stat st;

        found = stat(probe, &st) == 0;
        free(probe);
    }
    free(abs);
    return found;
}

int *
gitscope_tracked(char *const *paths, size_t n)
{
    int *tracked;
    char *dir;
    size_t i;

    if (n == 0)
        return NULL;
    tracked = util_xcalloc(n, sizeof(int));
    for (i = 0; i < n; i++)
        tracked[i] = -2;    /* not asked yet */
    /* One git call per directory: env files are few, directories fewer. */
    for (i = 0; i < n; i++) {
        if (tracked[i] != -2)
            continue;
        dir = util_dirname(paths[i]);
        if (inside_work_tree(dir)) {
            tracked_in_dir(paths, i, n, dir, tracked);
        } else {
            size_t k;

            for (k = i; k < n; k++) {
                char *other = util_dirname(paths[k]);

                if (tracked[k] == -2 && strcmp(other, dir) == 0)
                    tracked[k] = -1;
                free(other);
            }
        }
        free(dir);
    }
    return tracked;
}
