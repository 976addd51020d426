/*
 * ssl.h — what ssl.c shares with ssl_switches.c inside the ssl plugin.
 * Not a public header.
 */
#ifndef PGR_SSL_H
#define PGR_SSL_H

#include <stdbool.h>
#include <stddef.h>

#include "pgrampart/plugin.h"

/* The host's function table (set by PGR_PLUGIN_MAGIC in ssl.c; the plugin
 * is built with hidden visibility, so the name stays inside it). */
extern const pgr_host_api *api;

/* Length in bytes of the parent part of a dotted key path ("a.b" of
 * "a.b.KEY"; 0 for a top-level key). */
size_t parent_len(const char *key_path);

/* Whether a connection to the hosts of ci (from file f) stays off the
 * network TLS protects, or its host is not known here: localhost or a
 * socket, a service of the same compose file, or a variable. */
bool host_not_remote(const pgr_value_file *f, const pgr_conninfo *ci);

/* Report value i of f as rule with msg; a password inside the value is
 * kept out of every snippet. */
void report_rule(pgr_ctx *ctx, const pgr_value_file *f, size_t i, const char *rule, const char *msg);

/* ssl/app-tls-disabled (or ssl/tls-verification-disabled) on value i of f
 * when it is a database TLS switch (rules/ssl.yml) turned off, unless the
 * database host beside it is local, a compose service or a variable, or
 * the file is a CI pipeline's or a development environment's.
 * Returns whether value i is such a switch turned off (reported or not). */
bool ssl_switches_check(pgr_ctx *ctx, const pgr_value_file *f, size_t i);

/* Free what ssl_switches.c compiled for this run (on_finish). */
void ssl_switches_finish(void);

#endif
