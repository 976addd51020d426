/*
 * convention.h — what a migration convention is to migrations.c, and the
 * helpers its detect and pair functions share.
 *
 * A convention recognises its files by name (or, for dbmate, by a marker in
 * the file) and gives each a candidate with a pairing key: sorting the
 * candidates by key puts every up next to its down.  A new convention is one
 * file here defining its `const mig_convention`, one line in the table of
 * migrations.c (detection order: the first convention that claims a file
 * wins) and one fixture directory tests/migrations/<name>/.
 */
#ifndef PGR_CONVENTION_H
#define PGR_CONVENTION_H

#include "scan/migrations.h"

#include <stdio.h>

/* A SQL file, as the conventions see it. */
typedef struct mig_file {
    size_t index;           /* into the caller's file array */
    const char *path;       /* display path */
    const char *dir;        /* its directory (util_dirname of path) */
    const char *base;       /* its file name */
    bool up_marker;         /* it holds dbmate's "-- migrate:up" marker */
} mig_file;

/* A migration file's place in the pairing. */
typedef struct mig_cand {
    char *key;              /* pairing key: "<tag>|<set root>|...", unique per migration */
    char *root;             /* set root directory */
    const char *conv;       /* the convention's name (static) */
    char *version;
    char *name;
    mig_role role;          /* MIG_UP, MIG_DOWN, MIG_UP_DOWN or MIG_VERIFY */
    size_t file;            /* mig_file.index */
    bool forced;            /* a configured directory says it is a migration */
} mig_cand;

typedef struct mig_convention {
    /* As written in `.pgrampart.yml` (`migrations:`) and in `init`'s output. */
    const char *name;

    /*
     * Whether f is one of this convention's files: if so, add its candidate
     * to cands (mig_cand_add), set *role and return true; a file that is the
     * convention's but not PostgreSQL's (pop's .mysql.) sets
     * MIG_OTHER_DIALECT and adds none.  Return false to let the next
     * convention of the table try.
     */
    bool (*detect)(const mig_file *f, util_vec *cands, mig_role *role);

    /*
     * Optional: called once every file is detected, with cands (of
     * mig_cand) sorted by key then role, to re-key or drop this convention's
     * candidates (free a dropped one with mig_cand_free and set its file's
     * roles[] entry back to MIG_NONE).  Called in table order; the
     * candidates are sorted again afterwards.
     */
    void (*pair)(util_vec *cands, mig_role *roles);

    /*
     * Optional: put one of this convention's sets in apply order; its
     * entries arrive sorted by version (mig_version_cmp), then name.  paths
     * are the classified files' display paths (mig_entry.up indexes them).
     */
    void (*order)(mig_set *set, const char *const *paths);

    /*
     * Optional: whether the file at path lies one directory below its set's
     * root (sqitch's deploy/x.sql, diesel's <ver>_<name>/up.sql), so that
     * when it is checked alone the SQL files of the directory above come in
     * as context.  By name only: nothing is classified yet.
     */
    bool (*below_root)(const char *path);
} mig_convention;

/* The conventions, one file each in this folder. */
extern const mig_convention mig_dbmate;
extern const mig_convention mig_golang_migrate;
extern const mig_convention mig_prisma;
extern const mig_convention mig_diesel;
extern const mig_convention mig_flyway;
extern const mig_convention mig_sqitch;
extern const mig_convention mig_numbered;

/* Add a candidate for file (taking ownership of root, version, name and
 * key, all malloc'd); returns it (valid until cands grows). */
mig_cand *mig_cand_add(util_vec *cands, size_t file, const char *conv, mig_role role,
                       char *root, char *version, char *name, char *key);
void mig_cand_free(mig_cand *c);

/* The leading version of s: its digits, with '-' or '.' between groups (as
 * diesel's 2019-02-26-002946); a new string, "" when s starts otherwise. */
char *mig_leading_version(const char *s);

/* v without its leading zeros ("007" -> "7", "0" stays); a new string. */
char *mig_strip_zeros(const char *v);

/* qsort comparator of mig_entry: by version (mig_version_cmp), then name. */
int mig_entry_cmp(const void *a, const void *b);

/* Whether the directory holding path is named one of names (NULL-ended). */
bool mig_dir_named(const char *path, const char *const *names);

/* Whether tag names a database other than PostgreSQL ("mysql", "sqlite3",
 * "cockroach" ...; compared exactly): pop's .mysql. infix, a mysql/
 * directory, a mysql_ file-name prefix. */
bool mig_other_dialect(const char *tag);

/* Whether the len bytes of s end with suffix. */
bool mig_ends_with(const char *s, size_t len, const char *suffix);

/* Whether path is a directory / a regular file (following links). */
bool mig_is_dir(const char *path);
bool mig_is_file(const char *path);

/* path opened for reading when it is a regular file (a FIFO in the tree
 * would block the run), or NULL; caller fcloses. */
FILE *mig_open_regular(const char *path);

#endif
