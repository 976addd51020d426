/*
 * numbered.c — plain numbered files, <ver>_<name>.sql, with rollbacks named
 * rollback_<ver>_*.sql (or down-, undo- ...), <ver>_*.rollback.sql (or
 * .undo, .revert, .down) or rollback/<ver>_*.sql.  Tried last: its names are
 * the loosest, so an up counts only in a directory whose path says "migrat"
 * or that holds rollbacks (numbered_pair).
 */
#include "scan/conventions/convention.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_rollback_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "rollback", "rollbacks", "down", "downs", "undo", "revert", "reverts", NULL
    };
    int i;

    for (i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return true;
    return false;
}

/* Ups and downs pair on (root, version without leading zeros). */
static char *
numbered_key(const char *root, const char *version)
{
    char *v = mig_strip_zeros(version);
    char *key = util_xasprintf("nu|%s|%s", root, v);

    free(v);
    return key;
}

static void
add_numbered(util_vec *cands, size_t file, const char *root, const char *version,
             const char *name, mig_role role)
{
    while (*name == '_' || *name == '-' || *name == '.')
        name++;
    mig_cand_add(cands, file, mig_numbered.name, role, util_xstrdup(root), util_xstrdup(version),
                 util_xstrdup(name), numbered_key(root, version));
}

/* rollback_003_x.sql, down-003.sql ...: the stem after a rollback word. */
static bool
detect_prefixed_rollback(const mig_file *f, const char *stem, util_vec *cands,
                         mig_role *role_out)
{
    size_t w = 0;
    const char *p;
    char *version;

    while (isalpha((unsigned char) stem[w]))
        w++;
    if (w == 0 || !is_rollback_word(stem, w))
        return false;
    p = stem + w;
    while (*p == '_' || *p == '-' || *p == '.')
        p++;
    if (!isdigit((unsigned char) *p))
        return false;
    version = mig_leading_version(p);
    add_numbered(cands, f->index, f->dir, version, p + strlen(version), MIG_DOWN);
    free(version);
    *role_out = MIG_DOWN;
    return true;
}

static bool
numbered_detect(const mig_file *f, util_vec *cands, mig_role *role_out)
{
    size_t len = strlen(f->base);
    const char *dot, *dirname = util_basename(f->dir);
    char *version, *stem;

    if (!mig_ends_with(f->base, len, ".sql"))
        return false;
    stem = util_xstrndup(f->base, len - 4);
    if (detect_prefixed_rollback(f, stem, cands, role_out)) {
        free(stem);
        return true;
    }
    if (!isdigit((unsigned char) stem[0])) {
        free(stem);
        return false;
    }
    version = mig_leading_version(stem);
    /* 003_x.rollback.sql, 003_x.undo.sql ... */
    dot = strrchr(stem, '.');
    if (dot && is_rollback_word(dot + 1, strlen(dot + 1))) {
        add_numbered(cands, f->index, f->dir, version, stem + strlen(version), MIG_DOWN);
        *role_out = MIG_DOWN;
    } else if (is_rollback_word(dirname, strlen(dirname))) {
        /* migrations/rollback/003_x.sql belongs to migrations/. */
        char *root = util_dirname(f->dir);

        add_numbered(cands, f->index, root, version, stem + strlen(version), MIG_DOWN);
        free(root);
        *role_out = MIG_DOWN;
    } else {
        add_numbered(cands, f->index, f->dir, version, stem + strlen(version), MIG_UP);
        *role_out = MIG_UP;
    }
    free(version);
    free(stem);
    return true;
}

/* The end of the run of candidates from i that share cands[i]'s key. */
static size_t
key_group_end(util_vec *cands, size_t i)
{
    const char *key = ((mig_cand *) util_vec_at(cands, i))->key;
    size_t j = i;

    while (j < cands->len && strcmp(((mig_cand *) util_vec_at(cands, j))->key, key) == 0)
        j++;
    return j;
}

/* golang-migrate downs whose up is a plain numbered file (003_x.sql +
 * 003_x.down.sql) are numbered rollbacks after all. */
static void
adopt_orphan_downs(util_vec *cands)
{
    size_t i = 0, j, k;

    while (i < cands->len) {
        mig_cand *c = util_vec_at(cands, i);
        bool has_up = false;

        j = key_group_end(cands, i);
        for (k = i; k < j; k++)
            if (((mig_cand *) util_vec_at(cands, k))->role == MIG_UP)
                has_up = true;
        if (!has_up && strcmp(c->conv, mig_golang_migrate.name) == 0) {
            for (k = i; k < j; k++) {
                mig_cand *d = util_vec_at(cands, k);

                free(d->key);
                d->key = numbered_key(d->root, d->version);
                d->conv = mig_numbered.name;
            }
        }
        i = j;
    }
}

/* Whether a numbered rollback lives in root. */
static bool
has_rollback(util_vec *cands, const char *root)
{
    size_t j;

    for (j = 0; j < cands->len; j++) {
        mig_cand *d = util_vec_at(cands, j);

        if (d->role == MIG_DOWN && strcmp(d->conv, mig_numbered.name) == 0 &&
            strcmp(d->root, root) == 0)
            return true;
    }
    return false;
}

/* Numbered ups count only in a directory that looks like a migration
 * directory: it has rollback files, or its path says "migrat" (or the
 * configuration says so).  has_rollback reads cands while this compacts it:
 * rollbacks are never dropped, and a kept candidate only moves to an
 * earlier slot that nothing writes again, so each rollback stays visible. */
static void
drop_plain_numbered(util_vec *cands, mig_role *roles)
{
    size_t i, keep = 0;

    for (i = 0; i < cands->len; i++) {
        mig_cand *c = util_vec_at(cands, i);

        if (strcmp(c->conv, mig_numbered.name) == 0 && c->role == MIG_UP && !c->forced &&
            strcasestr(c->root, "migrat") == NULL && !has_rollback(cands, c->root)) {
            roles[c->file] = MIG_NONE;
            mig_cand_free(c);
        } else {
            *(mig_cand *) util_vec_at(cands, keep++) = *c;
        }
    }
    cands->len = keep;
}

static void
numbered_pair(util_vec *cands, mig_role *roles)
{
    adopt_orphan_downs(cands);
    drop_plain_numbered(cands, roles);
}

/* migrations/rollback/003_x.sql: a rollback directory inside the set. */
static bool
numbered_below_root(const char *path)
{
    static const char *const dirs[] = { "rollback", "rollbacks", "down", "undo", NULL };

    return mig_dir_named(path, dirs);
}

const mig_convention mig_numbered = {
    .name = "numbered",
    .detect = numbered_detect,
    .pair = numbered_pair,
    .below_root = numbered_below_root,
};
