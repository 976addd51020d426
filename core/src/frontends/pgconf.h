/*
 * pgconf.h — PostgreSQL server configuration files on disk:
 * postgresql.conf (with include/include_if_exists), pg_hba.conf and
 * pgbouncer.ini.  They fill a model's settings and hba rules, as the live
 * audit does from pg_settings and pg_hba_file_rules, so the same rules check
 * both; every entry is located at its file, line and column.
 */
#ifndef PGR_PGCONF_H
#define PGR_PGCONF_H

#include "model/model.h"

/* Which server file a path is (0: none). */
enum { PGCONF_POSTGRESQL = 1, PGCONF_HBA = 2, PGCONF_PGBOUNCER = 3 };
int pgconf_kind_of(const char *path);

/* A line that could not be read. */
typedef struct pgconf_error {
    char *path;
    uint32_t line, column;
    char *message;
    const char *rule;        /* NULL: conf/syntax-error; else a static rule id */
} pgconf_error;

/*
 * Parse text (len bytes) of path, of kind, into m: settings ("name",
 * value; pgbouncer's as "pgbouncer.name") and hba rules.  postgresql.conf
 * includes (include, include_if_exists, include_dir) are followed relative
 * to the including file, within the file's own directory.  Malformed lines
 * go to errors (of pgconf_error; caller frees with pgconf_errors_free) and
 * parsing goes on.
 */
void pgconf_parse(model *m, int kind, const char *path, const char *text, size_t len,
                  util_vec *errors);

/*
 * As pgconf_parse, with includes confined to root (an absolute path
 * resolved with realpath: the checked directory).  An include leaving it is
 * reported as core/outside-root; one of a file already being read (a cycle),
 * nesting over 10 levels, or more than 1,000 files or 64 MiB included in all
 * are reported at the include line (conf/syntax-error) and not followed.
 */
void pgconf_parse_within(model *m, int kind, const char *path, const char *root,
                         const char *text, size_t len, util_vec *errors);
void pgconf_errors_free(util_vec *errors);

/*
 * As pgconf_parse, for configuration text embedded in another file (a YAML
 * block scalar): text (len bytes) is as long as that file, the embedded
 * text at its own offsets and blanks elsewhere, so every setting and hba
 * rule is located at path's own line and byte column.  Includes are not
 * followed (they name files where the text is mounted, not beside path).
 */
void pgconf_parse_embedded(model *m, int kind, const char *path, const char *text, size_t len,
                           util_vec *errors);

/*
 * Put setting name = value (both copied; value may be NULL) into m, located
 * at path (copied), line (1-based) and byte column col (1-based), spanning
 * value's bytes.
 */
void pgconf_put_setting(model *m, const char *path, uint32_t line, uint32_t col,
                        const char *name, const char *value);

#endif
