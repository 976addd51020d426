/*
 * dsn.c — connection strings of other dialects, rewritten for
 * PQconninfoParse (dsn.h).  libpq refuses a URI with one query parameter
 * it does not know, so a Prisma or pgx URL used to be skipped whole:
 * neither its sslmode nor its password was checked.  Sources: PostgreSQL
 * docs 34.1.1 "Connection Strings" and 34.1.2 "Parameter Key Words";
 * pgJDBC docs "Connecting to the Database" (ssl=true is verify-full since
 * 42.2.5); Npgsql docs "Connection String Parameters"; SQLAlchemy
 * "Engine Configuration" (dialect+driver://); asyncpg connect() (sslmode
 * and ssl in the DSN query).
 */
#include "host/dsn.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/pqlib.h"

/* An output buffer sized by the caller for the worst case. */
typedef struct dsn_buf {
    char *p;
    size_t len, cap;
} dsn_buf;

static void
buf_add(dsn_buf *b, const char *s, size_t n)
{
    if (b->len + n >= b->cap)
        n = b->cap - b->len - 1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

size_t
dsn_uri_authority(const char *s)
{
    size_t i = 0;

    if (s == NULL)
        return 0;
    if (strncmp(s, "jdbc:", 5) == 0)
        i = 5;
    if (strncmp(s + i, "postgresql", 10) == 0)
        i += 10;
    else if (strncmp(s + i, "postgres", 8) == 0)
        i += 8;
    else
        return 0;
    /* SQLAlchemy's dialect+driver: postgresql+psycopg2, +asyncpg, +pg8000 */
    if (s[i] == '+') {
        i++;
        while (isalnum((unsigned char) s[i]) || s[i] == '_')
            i++;
    }
    return strncmp(s + i, "://", 3) == 0 ? i + 3 : 0;
}

/* Whether key (n bytes) is a keyword libpq knows: it parses "key=''". */
static bool
libpq_keyword(const char *key, size_t n)
{
    char cand[80], *err = NULL;
    PQconninfoOption *opts;
    size_t i;

    if (n == 0 || n > 60)
        return false;
    for (i = 0; i < n; i++)
        if (!islower((unsigned char) key[i]) && key[i] != '_')
            return false;
    snprintf(cand, sizeof cand, "%.*s=''", (int) n, key);
    opts = pqlib_conninfo_parse(cand, &err);
    pqlib_freemem(err);
    pqlib_conninfo_free(opts);
    return opts != NULL;
}

/* The sslmode that an ssl= option of pgJDBC, node-postgres or asyncpg
 * (n bytes of v) stands for, or NULL when it is none of them. */
static const char *
ssl_option_mode(const char *v, size_t n)
{
    static const char *const modes[] = { "disable", "allow", "prefer", "require", "verify-ca",
                                         "verify-full", NULL };
    size_t i;

    if ((n == 4 && strncasecmp(v, "true", 4) == 0) || (n == 1 && v[0] == '1'))
        return "verify-full";
    if ((n == 5 && strncasecmp(v, "false", 5) == 0) || (n == 1 && v[0] == '0'))
        return "disable";
    /* node-postgres: encrypted, certificate not checked */
    if (n == 9 && strncmp(v, "no-verify", 9) == 0)
        return "require";
    for (i = 0; modes[i]; i++)
        if (strlen(modes[i]) == n && strncmp(v, modes[i], n) == 0)
            return modes[i];
    return NULL;
}

/* Whether the query q (n bytes, '&'-separated) sets key. */
static bool
query_has(const char *q, size_t n, const char *key)
{
    size_t i = 0, k = strlen(key);

    while (i < n) {
        size_t len = strcspn(q + i, "&#");

        if (i + len > n)
            len = n - i;
        if (len > k && strncmp(q + i, key, k) == 0 && q[i + k] == '=')
            return true;
        i += len + 1;
    }
    return false;
}

/*
 * Rewrite a dialect URI: postgresql:// plus its authority and path, then
 * only the query parameters libpq knows, ssl= turned into sslmode=.
 * Returns NULL when the URI is libpq's own already.
 */
static char *
uri_to_libpq(const char *s, size_t auth)
{
    const char *q = strchr(s + auth, '?');
    size_t base = q ? (size_t) (q - s) : strcspn(s, "#"), qlen = 0, i = 0;
    /* jdbc: and SQLAlchemy's +driver are rewritten whatever the query */
    bool changed = strncmp(s, "jdbc:", 5) == 0 || memchr(s, '+', auth) != NULL;
    bool has_mode;
    dsn_buf b;

    if (q) {
        q++;
        qlen = strcspn(q, "#");
    }
    has_mode = q && query_has(q, qlen, "sslmode");
    b.cap = strlen(s) + 64;
    b.p = malloc(b.cap);
    if (b.p == NULL)
        return NULL;
    b.len = 0;
    b.p[0] = '\0';
    buf_add(&b, "postgresql://", 13);
    buf_add(&b, s + auth, base - auth);
    while (q && i < qlen) {
        size_t len = strcspn(q + i, "&#"), klen;
        const char *mode;

        if (i + len > qlen)
            len = qlen - i;
        klen = strcspn(q + i, "=&#");
        if (klen > len)
            klen = len;
        if (libpq_keyword(q + i, klen)) {
            buf_add(&b, strchr(b.p, '?') ? "&" : "?", 1);
            buf_add(&b, q + i, len);
        } else {
            changed = true;
            mode = klen == 3 && strncmp(q + i, "ssl", 3) == 0 && len > 4 ?
                ssl_option_mode(q + i + 4, len - 4) : NULL;
            if (mode && !has_mode) {
                buf_add(&b, strchr(b.p, '?') ? "&" : "?", 1);
                buf_add(&b, "sslmode=", 8);
                buf_add(&b, mode, strlen(mode));
                has_mode = true;
            }
        }
        i += len + 1;
    }
    if (!changed) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* One Keyword=Value pair of an ADO.NET string, offsets into the text. */
typedef struct ado_pair {
    size_t key, key_len, val, val_len;
} ado_pair;

/*
 * The next pair of the ADO.NET string s from *pos (';'-separated; a value
 * may be quoted with " or ', a doubled quote standing for one).  Returns 0
 * at the end or at a part without '='.
 */
static int
ado_next(const char *s, size_t *pos, ado_pair *p)
{
    size_t i = *pos, eq;

    while (s[i] == ';' || isspace((unsigned char) s[i]))
        i++;
    if (s[i] == '\0')
        return 0;
    eq = i + strcspn(s + i, "=;");
    if (s[eq] != '=')
        return 0;
    p->key = i;
    p->key_len = eq - i;
    while (p->key_len > 0 && isspace((unsigned char) s[i + p->key_len - 1]))
        p->key_len--;
    i = eq + 1;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    if (s[i] == '"' || s[i] == '\'') {
        char quote = s[i];

        p->val = ++i;
        while (s[i] && !(s[i] == quote && s[i + 1] != quote))
            i += s[i] == quote ? 2 : 1;
        p->val_len = i - p->val;
        if (s[i])
            i++;
    } else {
        p->val = i;
        i += strcspn(s + i, ";");
        p->val_len = i - p->val;
        while (p->val_len > 0 && isspace((unsigned char) s[p->val + p->val_len - 1]))
            p->val_len--;
    }
    *pos = i;
    return 1;
}

/* Whether the ADO.NET key s[k, k+n) is name: case and spaces ignored
 * ("SSL Mode", "SslMode" and "sslmode" are one key). */
static bool
ado_key_is(const char *s, size_t k, size_t n, const char *name)
{
    size_t i, j = 0;

    for (i = k; i < k + n; i++) {
        if (s[i] == ' ')
            continue;
        if (name[j] == '\0' || tolower((unsigned char) s[i]) != name[j])
            return false;
        j++;
    }
    return name[j] == '\0';
}

/* The libpq keyword an Npgsql key stands for (Npgsql docs, "Connection
 * String Parameters", with their aliases), or NULL. */
static const char *
ado_keyword(const char *s, const ado_pair *p)
{
    static const char *const map[][2] = {
        { "host", "host" }, { "server", "host" }, { "port", "port" }, { "database", "dbname" },
        { "db", "dbname" }, { "username", "user" }, { "userid", "user" }, { "user", "user" },
        { "password", "password" }, { "pwd", "password" },
        { "psw", "password" }, { "sslmode", "sslmode" }, { NULL, NULL } };
    size_t i;

    for (i = 0; map[i][0]; i++)
        if (ado_key_is(s, p->key, p->key_len, map[i][0]))
            return map[i][1];
    return NULL;
}

/* Npgsql's SslMode value (VerifyFull, Require, ...) as libpq's sslmode. */
static const char *
ado_sslmode(const char *v, size_t n)
{
    static const char *const map[][2] = {
        { "disable", "disable" }, { "allow", "allow" }, { "prefer", "prefer" },
        { "require", "require" }, { "verifyca", "verify-ca" }, { "verifyfull", "verify-full" },
        { NULL, NULL } };
    size_t i;

    for (i = 0; map[i][0]; i++)
        if (n == strlen(map[i][0]) && strncasecmp(v, map[i][0], n) == 0)
            return map[i][1];
    return "unknown";
}

/* Append key='value' to b, quoted and escaped as libpq reads it. */
static void
add_quoted(dsn_buf *b, const char *key, const char *v, size_t n)
{
    size_t i;

    if (b->len > 0)
        buf_add(b, " ", 1);
    buf_add(b, key, strlen(key));
    buf_add(b, "='", 2);
    for (i = 0; i < n; i++) {
        if (v[i] == '\'' || v[i] == '\\')
            buf_add(b, "\\", 1);
        buf_add(b, v + i, 1);
    }
    buf_add(b, "'", 1);
}

/*
 * Whether s reads as an Npgsql string: every part is Key=Value, with
 * Host (or Server with Port=5432) and a user, password or database.
 * SQL Server ("Server=...;Initial Catalog=...") and MySQL (Port=3306)
 * strings share the form, and are left alone.
 */
static bool
ado_is_npgsql(const char *s)
{
    size_t pos = 0;
    ado_pair p;
    bool host = false, server = false, pg_port = false, other = false;
    const char *kw;

    if (strchr(s, ';') == NULL || strstr(s, "://") != NULL || strchr(s, '\n') != NULL)
        return false;
    while (ado_next(s, &pos, &p)) {
        kw = ado_keyword(s, &p);
        if (kw == NULL)
            continue;
        if (ado_key_is(s, p.key, p.key_len, "host"))
            host = true;
        else if (ado_key_is(s, p.key, p.key_len, "server"))
            server = true;
        else if (strcmp(kw, "port") == 0 && p.val_len == 4 && strncmp(s + p.val, "5432", 4) == 0)
            pg_port = true;
        else if (strcmp(kw, "port") == 0)
            return false;
        else
            other = true;
    }
    /* a part without '=' ends the walk early: not a connection string */
    while (s[pos] == ';' || isspace((unsigned char) s[pos]))
        pos++;
    return s[pos] == '\0' && (host || (server && pg_port)) && other;
}

/* Rewrite an Npgsql string as key='value' pairs; unknown keys dropped. */
static char *
ado_to_libpq(const char *s)
{
    size_t pos = 0;
    ado_pair p;
    dsn_buf b;
    const char *kw;

    b.cap = 2 * strlen(s) + 64;
    b.p = malloc(b.cap);
    if (b.p == NULL)
        return NULL;
    b.len = 0;
    b.p[0] = '\0';
    while (ado_next(s, &pos, &p)) {
        kw = ado_keyword(s, &p);
        if (kw && strcmp(kw, "sslmode") == 0) {
            const char *m = ado_sslmode(s + p.val, p.val_len);

            add_quoted(&b, kw, m, strlen(m));
        } else if (kw) {
            add_quoted(&b, kw, s + p.val, p.val_len);
        }
    }
    return b.p;
}

char *
dsn_to_libpq(const char *s)
{
    size_t auth = dsn_uri_authority(s);

    if (auth > 0)
        return uri_to_libpq(s, auth);
    if (s && ado_is_npgsql(s))
        return ado_to_libpq(s);
    return NULL;
}

/* The span of a password= query parameter of the URI s, if any. */
static int
query_password_span(const char *s, size_t auth, size_t *offset, size_t *length)
{
    const char *q = strchr(s + auth, '?');

    while (q && *q && *q != '#') {
        q++;
        if (strncmp(q, "password=", 9) == 0) {
            *offset = (size_t) (q + 9 - s);
            *length = strcspn(q + 9, "&#");
            return *length > 0;
        }
        q += strcspn(q, "&#");
    }
    return 0;
}

int
dsn_password_span(const char *s, size_t *offset, size_t *length)
{
    size_t auth = dsn_uri_authority(s), pos = 0;
    ado_pair p;

    if (auth > 0) {
        /* user:password@host: the userinfo ends at the last '@' before
         * the path */
        const char *a = s + auth, *end = a + strcspn(a, "/?#"), *at = NULL, *colon, *c;

        for (c = a; c < end; c++)
            if (*c == '@')
                at = c;
        colon = at ? memchr(a, ':', (size_t) (at - a)) : NULL;
        if (colon && colon + 1 < at) {
            *offset = (size_t) (colon + 1 - s);
            *length = (size_t) (at - colon - 1);
            return 1;
        }
        return query_password_span(s, auth, offset, length);
    }
    if (s == NULL || !ado_is_npgsql(s))
        return 0;
    while (ado_next(s, &pos, &p)) {
        const char *kw = ado_keyword(s, &p);

        if (kw && strcmp(kw, "password") == 0 && p.val_len > 0) {
            *offset = p.val;
            *length = p.val_len;
            return 1;
        }
    }
    return 0;
}
