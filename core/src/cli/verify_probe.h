/*
 * verify_probe.h — pgrampart verify's probes on the scratch database after
 * all ups of a migration set have run (issue 18, third slice): tenant
 * isolation (verify_probe.c) and role least privilege (verify_roles.c).
 */
#ifndef PGR_VERIFY_PROBE_H
#define PGR_VERIFY_PROBE_H

#include "host/host.h"
#include "host/pqlib.h"
#include "scan/check.h"

/* Set in each probe transaction: a policy or trigger of the migrations
 * that sleeps or loops (pg_sleep in a USING) must not hang verify; a
 * probe that times out counts as refused. */
#define VERIFY_PROBE_TIMEOUT "SET LOCAL statement_timeout TO '5s'"

/* Where the probes run and report (all borrowed). */
typedef struct verify_probe_site {
    host *h;                  /* findings go to its diags; its configuration is read */
    check_run *check;         /* the run whose files the set's entries index */
    const mig_set *set;       /* the set whose ups have all run */
    const char *conninfo;     /* the scratch database (never another one) */
    int connect_timeout_s;
} verify_probe_site;

/*
 * Tenant isolation (PostgreSQL docs 5.8 Row Security Policies; checklist
 * "Tenant isolation tested / verified manually", "RLS policies tested in
 * staging"): for each table with row-level security whose policies compare
 * a column with current_setting('<setting>'), a row of tenant A is probed
 * as a role created for it (not the owner) with tenant B's context and
 * with none: verify/tenant-leak, verify/no-context-sees-rows; a table that
 * cannot be probed is verify/probe-skipped (info) with the reason.  Each
 * table is probed on a connection of its own, in one transaction that is
 * rolled back (its rows and the probe role with it).  Returns 0, or -1
 * with *err set (caller frees) when the scratch database cannot be reached.
 */
int verify_probe_tenants(const verify_probe_site *s, char **err);

/*
 * Role least privilege (checklist "webapp user cannot DROP tables",
 * "readonly user cannot INSERT"): for each role of grants.roles.<role>.deny
 * in the configuration that exists on the server, each denied action is
 * attempted on each table of the scratch database as that role (SET LOCAL
 * ROLE), in a savepoint rolled back; one that succeeds is verify/role-can
 * with the statement, at the GRANT that gave the privilege when a
 * migration of the set has one, else at the configuration's deny entry.
 * Returns 0, or -1 with *err set (caller frees).
 */
int verify_probe_roles(const verify_probe_site *s, char **err);

/* The helpers the probes share (verify_probe_common.c). */

/* s as a SQL string literal ('' doubled; standard_conforming_strings is on
 * in a probe's transaction); caller frees. */
char *verify_probe_literal(const char *s);

/* s as a quoted SQL identifier ("" doubled); caller frees. */
char *verify_probe_ident(const char *s);

/* Send one statement of our own; 0 when it succeeded, else -1 (and *why
 * set, PostgreSQL's message, when why is not NULL; caller frees). */
int verify_probe_exec(PGconn *conn, const char *sql, char **why);

/* Run sql in a savepoint; keep its effects when it succeeds (0), roll them
 * back when it fails (-1, *why as verify_probe_exec). */
int verify_probe_try(PGconn *conn, const char *sql, char **why);

/*
 * Whether text (a policy's USING or WITH CHECK expression) compares a
 * column with current_setting('<setting>', ...), the setting being want
 * when want is not NULL; then *column and *setting are set (caller frees).
 */
bool verify_probe_tenant_of(const char *text, const char *want, char **column, char **setting);

/* Run sql in a savepoint that is rolled back; returns the first column of
 * its first row as a number (0 without rows), or -1 when it failed (then
 * *why, when not NULL, is PostgreSQL's message; caller frees). */
long verify_probe_count(PGconn *conn, const char *sql, char **why);

/* Run sql in a savepoint; keep its effects when it succeeds (0, *value
 * the first column of its first row or NULL; caller frees), roll them
 * back when it fails (-1, *why PostgreSQL's message; caller frees). */
int verify_probe_keep(PGconn *conn, const char *sql, char **value, char **why);

/*
 * The INSERT of one row of table oid (digits) into *insert (caller frees),
 * its column named tenant_col (NULL: none) holding tenant_value (text, cast
 * to the column's type), as verify_rows.c generates it; parent rows its
 * foreign keys need are inserted first by conn's user, in conn's
 * transaction.  Returns NULL, or why no row can be generated (caller
 * frees).
 */
char *verify_row_insert(PGconn *conn, const char *oid, const char *tenant_col, const char *tenant_value,
                        char **insert);

/* Report rule at byte offset of f (a file of s->check), or at f's line 1. */
void verify_probe_report(const verify_probe_site *s, const char *rule, const check_file *f,
                         size_t offset, const char *msg);

/* The file of migration mig_index (a mig_entry's up or down) of s's run,
 * or NULL when mig_index is negative (no such file). */
const check_file *verify_probe_entry_file(const verify_probe_site *s, long mig_index);

/*
 * The last statement of the set's ups, in apply order, for which
 * match(node, arg) is true (a dbmate file's down half left out; a file
 * that did not parse has none): returns its file and sets *offset to the
 * statement's first byte, or returns NULL.  Where a probe's finding goes
 * (the CREATE POLICY, the GRANT that allowed it).
 */
const check_file *verify_probe_last_up(const verify_probe_site *s,
                                       bool (*match)(const PgQuery__Node *node, void *arg), void *arg,
                                       size_t *offset);

/* The file of the set's first up (where a finding without a statement goes). */
const check_file *verify_probe_first_file(const verify_probe_site *s);

#endif
