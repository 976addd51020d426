/*
 * context.c — what a report says about its own run (context.h): the
 * command line and conninfo with the password masked, the server facts of
 * an audit, the repository of a check, and the times.
 */
#include "report/context.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

#include "host/pqlib.h"
#include "pgrampart/plugin.h"
#include "report/reporter.h"
#include "scan/gitscope.h"
#include "util.h"

/* The libpq keywords that are connection secrets, never printed. */
static bool
secret_keyword(const char *k)
{
    return strcmp(k, "password") == 0 || strcmp(k, "sslpassword") == 0;
}

/* Whether libpq reads s as a connection string rather than a database
 * name (its recognized_connection_string()). */
static bool
conninfo_like(const char *s)
{
    return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0 ||
           strchr(s, '=') != NULL;
}

/* A conninfo value quoted as libpq's key=value syntax wants it. */
static void
put_conninfo_value(util_buf *b, const char *v)
{
    bool plain = v[0] != '\0' && strpbrk(v, " \t\n\r'\\") == NULL;

    if (plain) {
        util_buf_puts(b, v);
        return;
    }
    util_buf_puts(b, "'");
    for (; *v; v++) {
        if (*v == '\'' || *v == '\\')
            util_buf_puts(b, "\\");
        util_buf_append(b, v, 1);
    }
    util_buf_puts(b, "'");
}

char *
report_mask_conninfo(const char *conninfo)
{
    PQconninfoOption *opts, *o;
    char *msg = NULL;
    util_buf b;

    if (conninfo == NULL || conninfo[0] == '\0')
        return util_xstrdup("(libpq defaults)");
    if (!conninfo_like(conninfo))
        conninfo = NULL;   /* a database name: rebuilt below as dbname= */
    opts = conninfo ? pqlib_conninfo_parse(conninfo, &msg) : NULL;
    if (conninfo && opts == NULL) {
        /* libpq's message quotes the string: print none of it. */
        pqlib_freemem(msg);
        return util_xstrdup("(unparsable conninfo)");
    }
    util_buf_init(&b);
    for (o = opts; o && o->keyword; o++) {
        if (o->val == NULL || o->val[0] == '\0')
            continue;
        util_buf_printf(&b, "%s%s=", b.len ? " " : "", o->keyword);
        if (secret_keyword(o->keyword))
            util_buf_puts(&b, "****");
        else
            put_conninfo_value(&b, o->val);
    }
    pqlib_conninfo_free(opts);
    return b.data;
}

/* Shell-quote one argument (single quotes unless it is plain). */
static void
put_shell_word(util_buf *b, const char *s)
{
    const char *p;
    bool plain = s[0] != '\0';

    for (p = s; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@%+", *p) != NULL;
    if (plain) {
        util_buf_puts(b, s);
        return;
    }
    util_buf_puts(b, "'");
    for (p = s; *p; p++) {
        if (*p == '\'')
            util_buf_puts(b, "'\\''");
        else
            util_buf_append(b, p, 1);
    }
    util_buf_puts(b, "'");
}

void
report_context_init(report_context *c, const char *command, int argc, char *const *argv,
                    const char *conninfo)
{
    report_context_init_fleet(c, command, argc, argv, &conninfo, conninfo ? 1 : 0);
}

/* Whether argument arg is one of the conninfos (the very pointers). */
static bool
is_conninfo(const char *arg, char const *const *conninfos, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (arg == conninfos[i])
            return true;
    return false;
}

void
report_context_init_fleet(report_context *c, const char *command, int argc, char *const *argv,
                          char const *const *conninfos, size_t n)
{
    util_buf b;
    int i;

    memset(c, 0, sizeof *c);
    c->command = command;
    c->fail_on = "error";
    clock_gettime(CLOCK_REALTIME, &c->start);
    c->end = c->start;
    util_buf_init(&b);
    for (i = 0; i < argc; i++) {
        if (i)
            util_buf_puts(&b, " ");
        /* The conninfos are the arguments that may carry a password. */
        if (is_conninfo(argv[i], conninfos, n)) {
            char *masked = report_mask_conninfo(argv[i]);

            put_shell_word(&b, masked);
            free(masked);
        } else {
            put_shell_word(&b, i == 0 ? "pgrampart" : argv[i]);
        }
    }
    c->command_line = b.data;
}

static char *
dup_or_null(const char *s)
{
    return s ? util_xstrdup(s) : NULL;
}

void
report_context_set_live(report_context *c, const live_result *res, const char *conninfo)
{
    c->conninfo = report_mask_conninfo(conninfo);
    c->database = dup_or_null(res->database);
    c->host = dup_or_null(res->host);
    c->port = dup_or_null(res->port);
    c->server_version = dup_or_null(res->server_version);
    c->ssl = res->ssl_in_use != 0;
    c->ssl_protocol = dup_or_null(res->ssl_protocol);
    c->role = dup_or_null(res->user);
    c->role_attributes = dup_or_null(res->role_attributes);
}

void
report_context_set_checkout(report_context *c, char *const *paths, size_t n)
{
    util_buf b;
    size_t i;

    util_buf_init(&b);
    for (i = 0; i < n; i++)
        util_buf_printf(&b, "%s%s", i ? " " : "", paths[i]);
    c->paths = b.data;
    gitscope_head(n ? paths[0] : ".", &c->repository, &c->commit, &c->branch);
}

void
report_context_finish(report_context *c)
{
    clock_gettime(CLOCK_REALTIME, &c->end);
}

void
report_context_free(report_context *c)
{
    free(c->command_line);
    free(c->conninfo);
    free(c->database);
    free(c->host);
    free(c->port);
    free(c->server_version);
    free(c->ssl_protocol);
    free(c->role);
    free(c->role_attributes);
    free(c->repository);
    free(c->commit);
    free(c->branch);
    free(c->paths);
    free(c->inputs);
    memset(c, 0, sizeof *c);
}

void
report_iso_time(const struct timespec *t, char *buf, size_t size)
{
    struct tm tm;

    gmtime_r(&t->tv_sec, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
set_string(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, report_json_string(v));
}

json_t *
report_context_json(const report_context *c)
{
    json_t *o = json_object();
    char start[32], end[32];
    long long ms = (long long) (c->end.tv_sec - c->start.tv_sec) * 1000 +
                   (c->end.tv_nsec - c->start.tv_nsec) / 1000000;

    report_iso_time(&c->start, start, sizeof start);
    report_iso_time(&c->end, end, sizeof end);
    set_string(o, "command", c->command);
    set_string(o, "database", c->database);
    set_string(o, "host", c->host);
    set_string(o, "port", c->port);
    set_string(o, "server_version", c->server_version);
    if (strcmp(c->command, "audit") == 0) {
        json_object_set_new(o, "ssl", json_boolean(c->ssl));
        set_string(o, "ssl_protocol", c->ssl_protocol);
    }
    set_string(o, "role", c->role);
    set_string(o, "role_attributes", c->role_attributes);
    set_string(o, "conninfo", c->conninfo);
    set_string(o, "repository", c->repository);
    set_string(o, "commit", c->commit);
    set_string(o, "branch", c->branch);
    set_string(o, "paths", c->paths);
    set_string(o, "inputs", c->inputs);
    set_string(o, "pgrampart_version", PGR_VERSION_STRING);
    json_object_set_new(o, "plugin_abi", json_integer(PGR_ABI_VERSION));
    set_string(o, "libpg_query_version", PG_VERSION);
    json_object_set_new(o, "libpg_query_version_num", json_integer(PG_VERSION_NUM));
    set_string(o, "start_time", start);
    set_string(o, "end_time", end);
    json_object_set_new(o, "duration_ms", json_integer(ms < 0 ? 0 : ms));
    set_string(o, "fail_on", c->fail_on);
    set_string(o, "command_line", c->command_line);
    return o;
}
