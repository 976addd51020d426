/*
 * dsn.h — connection strings of the dialects users write around libpq's
 * own, rewritten into text PQconninfoParse reads: URIs with query
 * parameters libpq does not know (Prisma's schema=, connection_limit=,
 * pgbouncer=; pgx's pool_max_conns=), JDBC (jdbc:postgresql://...),
 * SQLAlchemy (postgresql+psycopg2://, postgresql+asyncpg://), the ssl=
 * option of asyncpg, node-postgres and pgJDBC, and Npgsql's ADO.NET form
 * (Host=...;Username=...;Password=...;SSL Mode=Require).
 */
#ifndef PGR_DSN_H
#define PGR_DSN_H

#include <stddef.h>

/*
 * Whether s starts as a PostgreSQL URI of any dialect: [jdbc:]postgres or
 * postgresql, an optional +driver, then "://".  Returns the byte offset of
 * the authority (just past "://"), or 0 when s is no such URI.
 */
size_t dsn_uri_authority(const char *s);

/*
 * Rewrite s into a conninfo PQconninfoParse accepts, or return NULL when s
 * needs no rewriting or is none of the dialects above.  Unknown URI query
 * parameters are dropped; ssl=true|1 becomes sslmode=verify-full (pgJDBC
 * 42.2.5 and later, node-postgres: certificates are verified), ssl=false|0
 * sslmode=disable, ssl=no-verify (node-postgres) require,
 * ssl=<an sslmode> that mode, unless sslmode is also set.
 * The result is malloc'd; the caller frees it.  Never fails on hostile
 * input (the result of a bad string is one libpq refuses).
 */
char *dsn_to_libpq(const char *s);

/*
 * Byte span of the password in s when s is a dialect URI (its userinfo,
 * or a password= query parameter as JDBC writes it) or an Npgsql string
 * (Password= or Pwd=, to the next ';').  Returns 1 and sets *offset and
 * *length (bytes of s, the value as written: still percent-encoded or
 * quoted text), or 0 when s has none or is no such string.
 */
int dsn_password_span(const char *s, size_t *offset, size_t *length);

#endif
