/*
 * pqlib.h — libpq, loaded with dlopen the first time it is needed.
 *
 * The binary does not link libpq: linked, it made every run pay for the
 * dynamic loader relocating libpq and what it drags in (OpenSSL, GnuTLS,
 * Kerberos, LDAP, SASL: about twenty libraries), a fifth of a pre-commit
 * `check --staged` on one migration (issue 15).  Only audit (a live
 * connection) and the parsing of a connection string found in a file
 * need it, and most runs of check never parse one.
 *
 * Each pqlib_ function is the libpq function of the same name (PQexec for
 * pqlib_exec, ...), with its arguments, result and ownership; see
 * PostgreSQL docs 34.1 (Database Connection Control Functions), 34.3
 * (Command Execution Functions) and 34.11 (Miscellaneous Functions).  The
 * first call loads libpq; when it cannot be loaded the call prints why on
 * stderr and exits the process with status 2 (the tool failed), as the
 * dynamic loader would have refused to start a binary linked with libpq.
 * A command that can report the error itself calls pqlib_load first.
 * pqlib_clear, pqlib_finish, pqlib_conninfo_free and pqlib_freemem of NULL
 * do nothing and load nothing.
 *
 * Where libpq is looked for is fixed at build time (PGR_LIBPQ_PATH, the
 * directory pkg-config gave, then the soname PGR_LIBPQ_SONAME through the
 * loader's usual search): never a path from the checked tree or its
 * configuration.  Thread-safe (pthread_once).
 */
#ifndef PGR_PQLIB_H
#define PGR_PQLIB_H

#include <libpq-fe.h>

/*
 * Load libpq if not yet loaded.  Returns 0, or -1 and sets *err to a
 * malloc'd message saying which library could not be loaded and why (the
 * caller frees it).  Later calls return the first call's result.
 */
int pqlib_load(char **err);

PGconn *pqlib_connectdb_params(const char *const *keywords, const char *const *values,
                               int expand_dbname);
ConnStatusType pqlib_status(const PGconn *conn);
void pqlib_finish(PGconn *conn);
char *pqlib_error_message(const PGconn *conn);
char *pqlib_host(const PGconn *conn);
char *pqlib_port(const PGconn *conn);
const char *pqlib_parameter_status(const PGconn *conn, const char *name);
int pqlib_ssl_in_use(PGconn *conn);
const char *pqlib_ssl_attribute(PGconn *conn, const char *name);
int pqlib_isthreadsafe(void);

PGresult *pqlib_exec(PGconn *conn, const char *query);
ExecStatusType pqlib_result_status(const PGresult *res);
char *pqlib_result_error_message(const PGresult *res);
char *pqlib_result_error_field(const PGresult *res, int fieldcode);
int pqlib_ntuples(const PGresult *res);
int pqlib_getisnull(const PGresult *res, int row, int col);
char *pqlib_getvalue(const PGresult *res, int row, int col);
void pqlib_clear(PGresult *res);

PQconninfoOption *pqlib_conninfo_parse(const char *conninfo, char **errmsg);
void pqlib_conninfo_free(PQconninfoOption *options);
void pqlib_freemem(void *ptr);

/* PQping: whether a server accepts connections at conninfo (PQPING_OK),
 * is starting up (PQPING_REJECT), or is not there (PQPING_NO_RESPONSE). */
PGPing pqlib_ping(const char *conninfo);

#endif
