/*
 * verify_extensions.h — the extensions a verify server lacks
 * (verify/extension-unavailable, issue 18): a migration's CREATE EXTENSION
 * of an extension that is not in pg_available_extensions cannot run, and
 * neither can what depends on it; verify reports it and skips the rest of
 * the migration set instead of failing it.
 */
#ifndef PGR_VERIFY_EXTENSIONS_H
#define PGR_VERIFY_EXTENSIONS_H

#include "host/pqlib.h"
#include "scan/check.h"

/* Append the first column of query sql's rows on conn (malloc'd strings)
 * to names, a util_vec of char *; on an error nothing is appended. */
void verify_names_query(PGconn *conn, const char *sql, util_vec *names);

/* Whether names (of char *) holds name. */
bool verify_names_has(const util_vec *names, const char *name);

/* Append the names of pg_available_extensions (the control files the
 * server has: PostgreSQL docs 54.3) to names, a util_vec of char * the
 * caller initialised and frees (each name malloc'd).  On an error nothing
 * is appended. */
void verify_extensions_available(PGconn *conn, util_vec *names);

/*
 * The first CREATE EXTENSION in part of f (PGR_PART_NONE: the whole file)
 * whose extension is not in available (of char *), or NULL.  The
 * statement belongs to f; *name is set to its extension's name (owned by
 * the statement's parse tree).
 */
const sql_stmt *verify_extension_missing(const check_file *f, pgr_part part, const util_vec *available,
                                         const char **name);

#endif
