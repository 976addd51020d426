/*
 * verify_exec.h — running one half (up or down) of a migration file on
 * verify's scratch database, so that PostgreSQL's error maps back to a
 * place in the file (issue 18).
 */
#ifndef PGR_VERIFY_EXEC_H
#define PGR_VERIFY_EXEC_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "scan/check.h"

/* Why a part failed: PostgreSQL's primary message, and the byte offset in
 * the file of the error position (or of the statement when none). */
typedef struct verify_error {
    char *message;
    size_t offset;
    bool partial;           /* statements before it stayed applied (no transaction) */
} verify_error;

/*
 * Run part of f on conn in one transaction (one unit: alone; autocommit: each
 * statement alone, e->partial set on a failure after the first).  A fresh
 * session state first (DISCARD ALL): a migration tool runs each file in a
 * session of its own, and a SET search_path must not outlive its file.
 * Returns 0, or -1 with e filled (caller frees e->message); the
 * transaction is then rolled back.
 */
int verify_run_part(PGconn *conn, const check_file *f, pgr_part part, verify_error *e);

/* Whether part of f has anything to run (not only comments). */
bool verify_part_runs(const check_file *f, pgr_part part);

/* Send sql as one simple query; 0 when it succeeded, else -1. */
int verify_exec_simple(PGconn *conn, const char *sql);

/* PostgreSQL's error of res (with its DETAIL), on one line; caller frees. */
char *verify_error_text(PGconn *conn, PGresult *res);

#endif
