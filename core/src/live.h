/*
 * live.h — read a live database's catalogs into a schema model over libpq,
 * read-only, with a fixed number of queries whatever the database's size.
 */
#ifndef PGR_LIVE_H
#define PGR_LIVE_H

#include "model.h"
#include "util.h"

/* A check that could not run, and why (for core/check-skipped). */
typedef struct live_skip {
    char *check;
    char *reason;
} live_skip;

typedef struct live_result {
    size_t queries;          /* statements sent, BEGIN/SET/ROLLBACK included */
    util_vec skipped;        /* of live_skip */
    char *database;          /* current_database() */
} live_result;

/*
 * Connect with conninfo (a libpq URI or key=value string; NULL or "" uses
 * libpq's defaults: PG* variables, service file, .pgpass), open one
 * REPEATABLE READ READ ONLY transaction with statement_timeout and
 * lock_timeout of timeout_ms, and fill m (initialised by the caller) from
 * pg_catalog.  Nothing is created.  Returns 0, or -1 with *err set to
 * libpq's message (never containing the password); caller frees *err and
 * the result with live_result_free.
 */
int live_read_model(const char *conninfo, int timeout_ms, model *m, live_result *res, char **err);
void live_result_free(live_result *res);

#endif
