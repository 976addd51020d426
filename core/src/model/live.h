/*
 * live.h — read a live database's catalogs into a schema model over libpq,
 * read-only, with a fixed number of queries whatever the database's size.
 */
#ifndef PGR_LIVE_H
#define PGR_LIVE_H

#include <stdbool.h>
#include <time.h>

#include "host/pqlib.h"
#include "model/model.h"
#include "util.h"

/* A check that could not run, and why (for core/check-skipped). */
typedef struct live_skip {
    char *check;
    char *reason;
} live_skip;

typedef struct live_result {
    size_t queries;          /* statements sent, BEGIN/SET/ROLLBACK included */
    size_t clauses_parsed;   /* distinct policy expression texts parsed */
    util_vec skipped;        /* of live_skip */
    char *database;          /* current_database() */
    /* The report's header (issue 16), read without extra queries: libpq's
     * connection (PQhost, PQport, PQparameterStatus server_version,
     * PQsslInUse) and the role columns of the first catalog query.  NULL
     * when unknown. */
    char *host, *port, *server_version;
    int ssl_in_use;          /* 1 when this connection is encrypted */
    char *ssl_protocol;      /* PQsslAttribute "protocol", e.g. "TLSv1.3" */
    char *user;              /* current_user */
    char *role_attributes;   /* pg_roles flags of current_user, comma-separated */
} live_result;

/*
 * Connect with conninfo (a libpq URI or key=value string; NULL or "" uses
 * libpq's defaults: PG* variables, service file, .pgpass) within
 * connect_timeout_s seconds (libpq's connect_timeout, at least 2; a shorter
 * connect_timeout in conninfo wins), pin an empty search_path, open one
 * REPEATABLE READ READ ONLY transaction with statement_timeout and
 * lock_timeout of timeout_ms milliseconds, and fill m (initialised by the
 * caller) from pg_catalog with schema-qualified queries.  Nothing is
 * created.  Returns 0, or -1 with *err set to a one-line message with the
 * password masked and control characters escaped; caller frees *err and
 * the result with live_result_free.
 */
int live_read_model(const char *conninfo, int timeout_ms, int connect_timeout_s, model *m,
                    live_result *res, char **err);
void live_result_free(live_result *res);

/* One database's catalogs read by live_read_many. */
typedef struct live_read {
    const char *conninfo;    /* in: borrowed */
    int rc;                  /* live_read_model's: 0, or -1 with err set */
    model m;                 /* the live model (rc 0) */
    live_result res;
    char *err;               /* why it could not be read, password masked */
    struct timespec start, end; /* wall clock around the read */
} live_read;

/*
 * A pool reading reads[0..n) (each's conninfo set by the caller, the
 * array kept alive until live_pool_finish) with live_read_model on at most
 * jobs threads at once, one connection per thread at a time, at most
 * 2 * jobs reads ahead of the caller (1 job: each read on the caller's
 * thread when waited for).  Source: libpq's "Behavior in Threaded Programs"
 * (a PGconn per thread; PQisthreadsafe).
 *
 * live_pool_wait returns read i once done (call in order 0, 1, ...);
 * live_pool_release frees read i (live_read_free) and lets the workers move
 * on; live_pool_finish waits for the workers and frees the pool.
 */
typedef struct live_pool live_pool;
live_pool *live_pool_start(live_read *reads, size_t n, unsigned jobs, int timeout_ms,
                           int connect_timeout_s);
live_read *live_pool_wait(live_pool *p, size_t i);
void live_pool_release(live_pool *p, size_t i);
void live_pool_finish(live_pool *p);
void live_read_free(live_read *r);

/*
 * The databases of conninfo's server that accept connections and are not
 * templates (pg_database: datallowconn AND NOT datistemplate), by name,
 * read with one query on one connection (connect_db's bounds).  Appends
 * each name (caller frees) to names (of char *).  Returns 0, or -1 with
 * *err set (password masked; caller frees).
 */
int live_list_databases(const char *conninfo, int connect_timeout_s, util_vec *names, char **err);

/*
 * conninfo (URI or key=value; NULL or "": libpq's defaults) with its dbname
 * replaced by dbname, rebuilt as key=value pairs by PQconninfoParse with
 * every value quoted.  Caller frees; NULL with *err set when libpq cannot
 * parse conninfo (nothing of it quoted).
 */
char *live_conninfo_with_dbname(const char *conninfo, const char *dbname, char **err);

/* keyword='value', value quoted as libpq's key=value syntax wants (\\ and '
 * escaped).  Caller frees. */
char *live_conninfo_pair(const char *keyword, const char *value);

/*
 * Connect with conninfo (URI or key=value; NULL or "": libpq's defaults),
 * application_name pgrampart, bounded by connect_timeout_s seconds (at
 * least 2; a shorter connect_timeout in conninfo wins).  Returns the
 * connection (caller pqlib_finish-es it), or NULL with *err set to a
 * one-line message, password masked (caller frees).
 */
PGconn *live_connect(const char *conninfo, int connect_timeout_s, char **err);

#endif
