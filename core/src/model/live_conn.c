/*
 * live_conn.c — the live reader's connection (see live.h): the user's
 * conninfo parsed for its password and connect_timeout (PQconninfoParse,
 * its errors quoting nothing of the string), the connection made with
 * libpq's messages masked and escaped, conninfo strings built for other
 * databases, and the list of databases a fleet audit covers.  live.c
 * reads the catalogs over the connection.
 */
#include "model/live.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "host/pqlib.h"
#include "model/live_internal.h"

/* A copy of msg with every occurrence of secret (if any) replaced by ****. */
static char *
mask_secret(const char *msg, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    const char *p = msg, *hit;
    util_buf b;

    util_buf_init(&b);
    while (n > 0 && (hit = strstr(p, secret)) != NULL) {
        util_buf_append(&b, p, (size_t) (hit - p));
        util_buf_puts(&b, "****");
        p = hit + n;
    }
    util_buf_puts(&b, p);
    return b.data;
}

/*
 * A copy of one of libpq's conninfo parse errors with everything from the
 * first quoted token to the last double quote of each line replaced by
 * "...": libpq quotes the offending token, which may be the password (or a
 * part of one, or the whole URI), and a parse that failed cannot tell us
 * which token that was.  A quoted single punctuation character ("=", "]")
 * is libpq's own text and is kept.
 */
static char *
mask_quoted(const char *msg)
{
    util_buf b;
    const char *line = msg;

    util_buf_init(&b);
    while (*line) {
        size_t len = strcspn(line, "\n"), i = 0;
        const char *last = NULL, *q;

        for (q = line; q < line + len; q++)
            if (*q == '"')
                last = q;
        while (i < len) {
            if (line[i] != '"') {
                util_buf_append(&b, line + i++, 1);
            } else if (i + 2 < len && line[i + 2] == '"' && ispunct((unsigned char) line[i + 1]) &&
                       line[i + 1] != '"') {
                util_buf_append(&b, line + i, 3);
                i += 3;
            } else {
                util_buf_puts(&b, last > line + i ? "\"...\"" : "\"...");
                i = last > line + i ? (size_t) (last - line) + 1 : len;
            }
        }
        line += len;
        if (*line == '\n')
            util_buf_append(&b, line++, 1);
    }
    return b.data;
}

/* Whether libpq reads s as a connection string rather than a database name
 * (its recognized_connection_string()). */
static int
is_connection_string(const char *s)
{
    return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0 ||
           strchr(s, '=') != NULL;
}

/*
 * What we need from the user's conninfo before connecting: its password
 * (to mask it in libpq's messages) and its connect_timeout (seconds, 0 when
 * not given).  Returns 0, or -1 with *err set to a message that quotes
 * nothing from the string.
 */
static int
parse_conninfo(const char *conninfo, char **password, int *connect_timeout, char **err)
{
    PQconninfoOption *opts, *o;
    char *msg = NULL;

    *password = NULL;
    *connect_timeout = 0;
    if (conninfo == NULL || !is_connection_string(conninfo))
        return 0;
    opts = pqlib_conninfo_parse(conninfo, &msg);
    if (opts == NULL) {
        char *masked = mask_quoted(msg ? msg : "out of memory"), *safe = live_escape_controls(masked);

        *err = util_xasprintf("cannot parse the connection string: %s", safe);
        free(safe);
        free(masked);
        pqlib_freemem(msg);
        return -1;
    }
    for (o = opts; o->keyword; o++) {
        if (o->val && strcmp(o->keyword, "password") == 0 && o->val[0])
            *password = util_xstrdup(o->val);
        else if (o->val && strcmp(o->keyword, "connect_timeout") == 0)
            *connect_timeout = atoi(o->val);
    }
    pqlib_conninfo_free(opts);
    return 0;
}

/* libpq's message after a failed connection, its passwords masked and its
 * control characters escaped.  Caller frees. */
static char *
connection_error(PGconn *conn, const char *password)
{
    char *a = mask_secret(pqlib_error_message(conn), password);
    char *b = mask_secret(a, getenv("PGPASSWORD"));
    char *safe = live_escape_controls(b);

    free(a);
    free(b);
    return safe;
}

/*
 * Connect with the user's conninfo, bounded by connect_timeout_s seconds
 * (or the conninfo's own connect_timeout when that is shorter).  Returns
 * the connection, or NULL with *err set (password masked).
 */
PGconn *
live_connect(const char *conninfo, int connect_timeout_s, char **err)
{
    const char *keys[4], *vals[4];
    char timeout[16], *password, *why;
    int n = 0, given;
    PGconn *conn;

    if (parse_conninfo(conninfo, &password, &given, err) != 0)
        return NULL;
    if (given > 0 && given < connect_timeout_s)
        connect_timeout_s = given;
    snprintf(timeout, sizeof timeout, "%d", connect_timeout_s < 2 ? 2 : connect_timeout_s);
    /* The conninfo first: keywords after it win, so these are ours. */
    if (conninfo && *conninfo) {
        keys[n] = "dbname";
        vals[n++] = conninfo;
    }
    keys[n] = "application_name";
    vals[n++] = "pgrampart";
    keys[n] = "connect_timeout";
    vals[n++] = timeout;
    keys[n] = NULL;
    vals[n] = NULL;
    conn = pqlib_connectdb_params(keys, vals, 1);
    if (pqlib_status(conn) != CONNECTION_OK) {
        why = connection_error(conn, password);
        *err = util_xasprintf("cannot connect: %s", why);
        free(why);
        pqlib_finish(conn);
        conn = NULL;
    }
    free(password);
    return conn;
}

/* value as a conninfo value: single-quoted, \\ and ' escaped (libpq's
 * key=value syntax), appended to b. */
static void
put_conninfo_value(util_buf *b, const char *value)
{
    const char *p;

    util_buf_puts(b, "'");
    for (p = value; *p; p++) {
        if (*p == '\\' || *p == '\'')
            util_buf_puts(b, "\\");
        util_buf_append(b, p, 1);
    }
    util_buf_puts(b, "'");
}

char *
live_conninfo_pair(const char *keyword, const char *value)
{
    util_buf b;

    util_buf_init(&b);
    util_buf_printf(&b, "%s=", keyword);
    put_conninfo_value(&b, value);
    return b.data;
}

char *
live_conninfo_with_dbname(const char *conninfo, const char *dbname, char **err)
{
    PQconninfoOption *opts, *o;
    char *perr = NULL;
    util_buf b;

    opts = pqlib_conninfo_parse(conninfo && *conninfo ? conninfo : "", &perr);
    if (opts == NULL) {
        /* libpq's message may quote the string: say only that it failed. */
        *err = util_xstrdup("cannot parse the connection string");
        pqlib_freemem(perr);
        return NULL;
    }
    util_buf_init(&b);
    for (o = opts; o->keyword; o++) {
        if (o->val == NULL || strcmp(o->keyword, "dbname") == 0)
            continue;
        util_buf_printf(&b, "%s=", o->keyword);
        put_conninfo_value(&b, o->val);
        util_buf_puts(&b, " ");
    }
    util_buf_puts(&b, "dbname=");
    put_conninfo_value(&b, dbname);
    pqlib_conninfo_free(opts);
    return b.data;
}

int
live_list_databases(const char *conninfo, int connect_timeout_s, util_vec *names, char **err)
{
    PGconn *conn = live_connect(conninfo, connect_timeout_s, err);
    PGresult *r;
    int i, rc = -1;

    if (conn == NULL)
        return -1;
    r = pqlib_exec(conn, "SELECT datname FROM pg_catalog.pg_database "
                     "WHERE datallowconn AND NOT datistemplate ORDER BY datname");
    if (pqlib_result_status(r) == PGRES_TUPLES_OK) {
        for (i = 0; i < pqlib_ntuples(r); i++)
            *(char **) util_vec_push(names) = util_xstrdup(pqlib_getvalue(r, i, 0));
        rc = 0;
    } else {
        char *why = live_escape_controls(pqlib_result_error_message(r));

        *err = util_xasprintf("cannot list the databases: %s", why);
        free(why);
    }
    pqlib_clear(r);
    pqlib_finish(conn);
    return rc;
}
