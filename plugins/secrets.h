/*
 * secrets.h — what secrets.c shares with secrets_sql.c inside the secrets
 * plugin: the host's table, the compiled rule-pack patterns and how a
 * finding is reported.  Not a public header.
 */
#ifndef PGR_SECRETS_H
#define PGR_SECRETS_H

#include <stddef.h>

#include "pgrampart/plugin.h"
#include "secretshape.h"

/* The host's function table (set by PGR_PLUGIN_MAGIC in secrets.c; the
 * plugin is built with hidden visibility, so the name stays inside it). */
extern const pgr_host_api *api;

/* Compiled rule-pack patterns, for this run (freed by on_finish). */
typedef struct pattern {
    const char *id;
    const char *description;
    const char *keywords;
    const char *formats;     /* comma-separated formats it applies to; NULL: all */
    double min_entropy;      /* bits per byte of the secret; 0: no minimum */
    int group;
    const char *rule;        /* the rule reported: known-secret-format or generic-secret */
    int live;                /* a working credential: keeps its severity in every path role */
    int pem_body;        /* a PEM header that needs a base64 body after it */
    pgr_regex *re;
} pattern;

/* The run's compiled patterns (load_patterns fills them once per run). */
extern pattern *patterns;
extern size_t n_patterns;
extern int patterns_loaded;

/* Compile the rule pack's patterns and allow-list for this run. */
void load_patterns(pgr_ctx *ctx);

/* Whether v is a reference or an obvious placeholder, not a secret. */
int is_placeholder(pgr_ctx *ctx, const char *v);

/* Report secrets/hardcoded-password for what (a setting or statement) at
 * where, with secret's span masked; value is the password, which the message
 * shows redacted (api->redact), never whole. */
void report(pgr_ctx *ctx, const pgr_location *where, const pgr_location *secret, const char *what,
            const char *value);

/* Whether pattern p finds a secret in line ("KEY=value", keylen bytes of
 * key and '='; format: the value's format name, "sql" for SQL): 1 with
 * *start and *len its byte span in line, *body what follows a PEM header
 * and *secret a NUL-terminated copy the caller frees; -1 when it matches
 * but no secret is there (allow-listed, a placeholder, a PEM stub: the first
 * pattern that matches wins); 0 when it does not match. */
int pattern_finds(pgr_ctx *ctx, const pattern *p, const char *format, const char *line,
                  size_t keylen, size_t *start, size_t *len, secretshape_pem_body *body,
                  char **secret);

/* The message of a pattern's finding on key's secret, into msg (size bytes). */
void pattern_message(const pattern *p, const char *key, const char *secret, char *msg,
                     size_t size);

/* The plugin's on_sql_statement (secrets_sql.c). */
void secrets_on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt);

#endif
