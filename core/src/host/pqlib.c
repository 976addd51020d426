/*
 * pqlib.c — libpq, loaded on first use (see pqlib.h).
 */
#include "host/pqlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* The libpq functions pgrampart calls, resolved once by pq_load_once. */
static struct {
    PGconn *(*connectdb_params)(const char *const *, const char *const *, int);
    ConnStatusType (*status)(const PGconn *);
    void (*finish)(PGconn *);
    char *(*error_message)(const PGconn *);
    char *(*host)(const PGconn *);
    char *(*port)(const PGconn *);
    const char *(*parameter_status)(const PGconn *, const char *);
    int (*ssl_in_use)(PGconn *);
    const char *(*ssl_attribute)(PGconn *, const char *);
    int (*isthreadsafe)(void);
    PGresult *(*exec)(PGconn *, const char *);
    ExecStatusType (*result_status)(const PGresult *);
    char *(*result_error_message)(const PGresult *);
    int (*ntuples)(const PGresult *);
    int (*getisnull)(const PGresult *, int, int);
    char *(*getvalue)(const PGresult *, int, int);
    void (*clear)(PGresult *);
    PQconninfoOption *(*conninfo_parse)(const char *, char **);
    void (*conninfo_free)(PQconninfoOption *);
    void (*freemem)(void *);
    char *(*result_error_field)(const PGresult *, int);
    PGPing (*ping)(const char *);
} pq;

/*
 * Each slot is written through a void pointer: dlsym returns an object
 * pointer, and POSIX (dlsym's rationale) guarantees this conversion, which
 * ISO C leaves undefined.
 */
static const struct {
    const char *name;
    void **slot;
} pq_symbols[] = {
    { "PQconnectdbParams", (void **) &pq.connectdb_params },
    { "PQstatus", (void **) &pq.status },
    { "PQfinish", (void **) &pq.finish },
    { "PQerrorMessage", (void **) &pq.error_message },
    { "PQhost", (void **) &pq.host },
    { "PQport", (void **) &pq.port },
    { "PQparameterStatus", (void **) &pq.parameter_status },
    { "PQsslInUse", (void **) &pq.ssl_in_use },
    { "PQsslAttribute", (void **) &pq.ssl_attribute },
    { "PQisthreadsafe", (void **) &pq.isthreadsafe },
    { "PQexec", (void **) &pq.exec },
    { "PQresultStatus", (void **) &pq.result_status },
    { "PQresultErrorMessage", (void **) &pq.result_error_message },
    { "PQntuples", (void **) &pq.ntuples },
    { "PQgetisnull", (void **) &pq.getisnull },
    { "PQgetvalue", (void **) &pq.getvalue },
    { "PQclear", (void **) &pq.clear },
    { "PQconninfoParse", (void **) &pq.conninfo_parse },
    { "PQconninfoFree", (void **) &pq.conninfo_free },
    { "PQfreemem", (void **) &pq.freemem },
    { "PQresultErrorField", (void **) &pq.result_error_field },
    { "PQping", (void **) &pq.ping },
};

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char *pq_error;          /* why loading failed (malloc'd), or NULL */
static int pq_ready;

/*
 * Open libpq where the build found it, then by soname through the
 * loader's search (ld.so.cache, the system directories, LD_LIBRARY_PATH):
 * the places the loader looked when the binary was linked with it.  A
 * name with no '/' is never looked up in the working directory.
 */
static void *
pq_open(void)
{
    void *handle = dlopen(PGR_LIBPQ_PATH, RTLD_NOW | RTLD_LOCAL);

    if (handle == NULL)
        handle = dlopen(PGR_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL);
    return handle;
}

static void
pq_load_once(void)
{
    void *handle = pq_open();
    size_t i;

    if (handle == NULL) {
        const char *why = dlerror();

        pq_error = util_xasprintf("libpq (%s) could not be loaded: %s; it is needed to connect "
                                  "to a database and to read connection strings",
                                  PGR_LIBPQ_SONAME, why ? why : "unknown error");
        return;
    }
    for (i = 0; i < sizeof pq_symbols / sizeof pq_symbols[0]; i++) {
        *pq_symbols[i].slot = dlsym(handle, pq_symbols[i].name);
        if (*pq_symbols[i].slot == NULL) {
            pq_error = util_xasprintf("libpq (%s) has no %s: too old a libpq", PGR_LIBPQ_SONAME,
                                      pq_symbols[i].name);
            return;
        }
    }
    /* The handle stays open until exit: results and connections point
     * into the library. */
    pq_ready = 1;
}

int
pqlib_load(char **err)
{
    pthread_once(&pq_once, pq_load_once);
    if (pq_ready)
        return 0;
    *err = util_xstrdup(pq_error);
    return -1;
}

/*
 * Load libpq or end the process.  The callers are deep in a rule or the
 * masking of a line, with no way to report an error; a missing libpq is a
 * broken installation, like a missing linked library, so this exits with
 * the tool's failure status rather than guessing an answer.
 */
static void
pq_need(void)
{
    char *err = NULL;

    if (pqlib_load(&err) == 0)
        return;
    fprintf(stderr, "pgrampart: %s\n", err);
    free(err);
    exit(2);
}

PGconn *
pqlib_connectdb_params(const char *const *keywords, const char *const *values, int expand_dbname)
{
    pq_need();
    return pq.connectdb_params(keywords, values, expand_dbname);
}

ConnStatusType
pqlib_status(const PGconn *conn)
{
    pq_need();
    return pq.status(conn);
}

void
pqlib_finish(PGconn *conn)
{
    if (conn == NULL)
        return;
    pq_need();
    pq.finish(conn);
}

char *
pqlib_error_message(const PGconn *conn)
{
    pq_need();
    return pq.error_message(conn);
}

char *
pqlib_host(const PGconn *conn)
{
    pq_need();
    return pq.host(conn);
}

char *
pqlib_port(const PGconn *conn)
{
    pq_need();
    return pq.port(conn);
}

const char *
pqlib_parameter_status(const PGconn *conn, const char *name)
{
    pq_need();
    return pq.parameter_status(conn, name);
}

int
pqlib_ssl_in_use(PGconn *conn)
{
    pq_need();
    return pq.ssl_in_use(conn);
}

const char *
pqlib_ssl_attribute(PGconn *conn, const char *name)
{
    pq_need();
    return pq.ssl_attribute(conn, name);
}

int
pqlib_isthreadsafe(void)
{
    pq_need();
    return pq.isthreadsafe();
}

PGresult *
pqlib_exec(PGconn *conn, const char *query)
{
    pq_need();
    return pq.exec(conn, query);
}

ExecStatusType
pqlib_result_status(const PGresult *res)
{
    pq_need();
    return pq.result_status(res);
}

char *
pqlib_result_error_message(const PGresult *res)
{
    pq_need();
    return pq.result_error_message(res);
}

int
pqlib_ntuples(const PGresult *res)
{
    pq_need();
    return pq.ntuples(res);
}

int
pqlib_getisnull(const PGresult *res, int row, int col)
{
    pq_need();
    return pq.getisnull(res, row, col);
}

char *
pqlib_getvalue(const PGresult *res, int row, int col)
{
    pq_need();
    return pq.getvalue(res, row, col);
}

void
pqlib_clear(PGresult *res)
{
    if (res == NULL)
        return;
    pq_need();
    pq.clear(res);
}

PQconninfoOption *
pqlib_conninfo_parse(const char *conninfo, char **errmsg)
{
    pq_need();
    return pq.conninfo_parse(conninfo, errmsg);
}

void
pqlib_conninfo_free(PQconninfoOption *options)
{
    if (options == NULL)
        return;
    pq_need();
    pq.conninfo_free(options);
}

void
pqlib_freemem(void *ptr)
{
    if (ptr == NULL)
        return;
    pq_need();
    pq.freemem(ptr);
}

char *
pqlib_result_error_field(const PGresult *res, int fieldcode)
{
    pq_need();
    return pq.result_error_field(res, fieldcode);
}

PGPing
pqlib_ping(const char *conninfo)
{
    pq_need();
    return pq.ping(conninfo);
}
