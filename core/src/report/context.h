/*
 * context.h — what a report says about its own run (issue 16): for audit the
 * server, database, connection and role audited as; for check the
 * repository and the paths checked; for both the command line (password
 * masked), pgrampart's and libpg_query's versions, and the start and end
 * times.  JSON prints it as "context", SARIF as invocations and
 * run.properties, Markdown and HTML as the header and footer.
 *
 * One report_context describes one database (or one checkout): a fleet is a
 * list of them, each with its own findings.
 */
#ifndef PGR_REPORT_CONTEXT_H
#define PGR_REPORT_CONTEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "model/live.h"

/* Every string is owned by the context (report_context_free); NULL when
 * unknown or not applicable to the command. */
typedef struct report_context {
    const char *command;      /* "audit" or "check" (static) */
    char *command_line;       /* argv, shell-quoted, the password masked */
    const char *fail_on;      /* "error", "warning" or "info" (static) */
    bool migrations;          /* audit --migrations given */
    struct timespec start, end; /* wall clock (CLOCK_REALTIME) */
    /* audit */
    char *conninfo;           /* the conninfo given, password masked */
    char *database, *host, *port, *server_version;
    bool ssl;                 /* this connection is encrypted */
    char *ssl_protocol;       /* e.g. "TLSv1.3" */
    char *role;               /* current_user */
    char *role_attributes;    /* "superuser, createrole, ..." or "" */
    /* check */
    char *repository;         /* git top-level directory */
    char *commit;             /* HEAD, 40 hex digits */
    char *branch;             /* HEAD's branch shorthand, NULL when detached */
    char *paths;              /* the paths checked, space-separated */
    char *inputs;             /* the front-ends that read a file, space-separated
                               * ("sql dotenv pgconf"); NULL: not known */
} report_context;

/* Start a context for command (static string): records the start time and
 * the command line argv[0..argc) with conninfo (when not NULL) replaced by
 * its masked form. */
void report_context_init(report_context *c, const char *command, int argc, char *const *argv,
                         const char *conninfo);

/* The same for a fleet audit: every one of conninfos[0..n) (pointers
 * into argv) is masked in the command line. */
void report_context_init_fleet(report_context *c, const char *command, int argc, char *const *argv,
                               char const *const *conninfos, size_t n);

/* The facts of a live audit (live_read_model's result) and the masked
 * conninfo (NULL: libpq's defaults). */
void report_context_set_live(report_context *c, const live_result *res, const char *conninfo);

/* The repository of the first path (libgit2: top level, HEAD commit and
 * branch; left NULL outside a repository) and the paths checked. */
void report_context_set_checkout(report_context *c, char *const *paths, size_t n);

/* Record the end time. */
void report_context_finish(report_context *c);
void report_context_free(report_context *c);

/*
 * conninfo (a URI or key=value string, or a bare database name) rebuilt as
 * key=value pairs by libpq's PQconninfoParse with the password replaced by
 * "****"; a string libpq cannot parse gives "(unparsable conninfo)", so
 * nothing of it is echoed.  NULL or "" gives "(libpq defaults)".  Caller
 * frees.
 */
char *report_mask_conninfo(const char *conninfo);

/* The context as a JSON object (strings sanitised to UTF-8; times as
 * ISO 8601 UTC "2026-11-30T15:20:00Z", duration_ms).  A new reference. */
json_t *report_context_json(const report_context *c);

/* A time as ISO 8601 UTC into buf (at least 21 bytes). */
void report_iso_time(const struct timespec *t, char *buf, size_t size);

#endif
