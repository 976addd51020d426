/*
 * migrations.h — which SQL files are migrations, how ups pair with downs,
 * and in what order they apply.
 *
 * Conventions recognised (see README "Migration sets"), one file each in
 * conventions/, listed in detection order in migrations.c's table:
 *   dbmate                 one file with "-- migrate:up" and "-- migrate:down"
 *   golang-migrate / pop   <ver>_<name>[.<dialect>][.autocommit].up.sql + .down.sql
 *   prisma                 <ver>_<name>/migration.sql (+ down.sql), migration_lock.toml
 *                          beside the directories; forward-only unless downs are kept
 *   diesel                 <ver>_<name>/up.sql + down.sql
 *   flyway                 V<ver>__<desc>.sql + U<ver>__<desc>.sql
 *   sqitch                 deploy/<change>.sql + revert/ + verify/, ordered by
 *                          sqitch.plan, else by the scripts' "-- requires:" lines
 *   numbered               <ver>_<name>.sql + rollback_<ver>_*.sql, <ver>_*.rollback.sql,
 *                          <ver>_*.down.sql or rollback/<ver>_*.sql
 */
#ifndef PGR_MIGRATIONS_H
#define PGR_MIGRATIONS_H

#include <stdbool.h>

#include "util.h"

/* What a SQL file is to the migration machinery. */
typedef enum mig_role {
    MIG_NONE = 0,           /* a plain SQL file */
    MIG_UP,
    MIG_DOWN,
    MIG_VERIFY,             /* sqitch verify script */
    MIG_UP_DOWN,            /* dbmate: both in one file */
    MIG_OTHER_DIALECT       /* another database's SQL: pop's .mysql. infix, a mysql/
                             * directory, a mysql_*.sql name (mig_path_dialect) */
} mig_role;

/* One migration: indexes into the caller's file array (-1: none). */
typedef struct mig_entry {
    char *version;
    char *name;
    long up;
    long down;
    /* This entry and the next are one logical migration, judged up against
     * down as a whole (pop's split files sharing a timestamp: the
     * convention's order sets it). */
    bool joins_next;
} mig_entry;

/* One ordered set. */
typedef struct mig_set {
    char *root;
    const char *convention; /* its convention's name (static) */
    util_vec entries;       /* of mig_entry, in apply order */
} mig_set;

typedef struct mig_result {
    util_vec sets;          /* of mig_set */
    mig_role *roles;        /* one per input file */
} mig_result;

/* A configured migration directory: files whose real path lies under
 * root use only this convention; "none" means they are plain SQL. */
typedef struct mig_override {
    char *root;              /* absolute, no trailing slash */
    char *convention;
} mig_override;

/* Whether a mig_override may carry name: a convention's, or "none". */
bool mig_convention_known(const char *name);

/* The names a mig_override may carry, for messages: "dbmate, ..., numbered
 * or none" (detection order); caller frees. */
char *mig_convention_names(void);

/*
 * Whether relpath (a file's path below its checked root, '/'-separated)
 * names another database's SQL: a directory segment named mysql, mariadb,
 * sqlite, sqlite3, cockroach, cockroachdb, mssql, sqlserver, oracle or
 * clickhouse (any case), or a file name starting with one of them and '_',
 * '-' or '.' (mysql_dump.sql).  Source: authelia's migrations/<dialect>/,
 * hydra's sql_schemas/mysql_dump.sql (issue 12's held-out review).
 */
bool mig_path_dialect(const char *relpath);

/*
 * Classify n SQL files.  paths are display paths (as the user named them,
 * used to find sibling directories and sqitch.plan on disk); relpaths (may
 * be NULL: then paths) are the same files below their checked root, whose
 * directory names and file-name prefix may say the SQL is another
 * database's (mig_path_dialect: MIG_OTHER_DIALECT); dbmate[i] says
 * whether file i contains a "-- migrate:up" marker; test_data[i] that it
 * lies in a test directory (its SQL is what a test loads, not a migration:
 * MIG_NONE, as is a file under a "migratest" directory); overrides (may be
 * empty) pin directories to a convention, and win over test_data.  Free
 * with mig_free.
 */
void mig_classify(const char *const *paths, const char *const *relpaths, const bool *dbmate,
                  const bool *test_data, size_t n, const mig_override *overrides,
                  size_t n_overrides, mig_result *out);
void mig_free(mig_result *r);

/*
 * The directory whose SQL files complete the migration set of a SQL file
 * checked alone: its own, or the one above when a convention says the file
 * lies in a subdirectory of its set (sqitch's deploy/, a rollback/, a diesel
 * migration's directory).  By name only; caller frees.
 */
char *mig_context_dir(const char *path);

/* The end (exclusive) of the logical migration of set s that starts at
 * entry k: one entry, or a group (mig_entry.joins_next). */
size_t mig_group_end(const mig_set *s, size_t k);

/* Compare two version strings by their numeric segments ("2" < "10",
 * "1.2" < "1.10"), then bytewise. */
int mig_version_cmp(const char *a, const char *b);

#endif
