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
    char **lower_keywords;   /* keywords split at ',' and in lower case, NULL-ended;
                              * NULL: no keywords (every line is a candidate) */
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

/* Compile the rule pack's patterns and allow-list for this run
 * (secrets_pack.c); unload_patterns frees them, the placeholder words too. */
void load_patterns(pgr_ctx *ctx);
void unload_patterns(void);

/* The rule a pattern reports: want when it names one of the plugin's
 * rules (the pointer is the rule table's), else known-secret-format. */
const char *pack_rule(const char *want);

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
 * pattern that matches wins); 0 when it does not match.  lower is line in
 * lower case (lower_copy), made once for all the patterns tried on it. */
int pattern_finds(pgr_ctx *ctx, const pattern *p, const char *format, const char *line,
                  const char *lower, size_t keylen, size_t *start, size_t *len,
                  secretshape_pem_body *body, char **secret);

/* s with ASCII letters in lower case, malloc'd (NULL when out of memory). */
char *lower_copy(const char *s);

/* The message of a pattern's finding on key's secret, into msg (size bytes). */
void pattern_message(const pattern *p, const char *key, const char *secret, char *msg,
                     size_t size);

/* The plugin's on_sql_statement (secrets_sql.c). */
void secrets_on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt);

/*
 * The text of value i of f that a check reads: the whole value, or the
 * default of a "${VAR:-default}" value, which the deployment runs with when
 * VAR is unset.  e is f->values[i] or a copy whose value is that default;
 * base is the byte offset of e->value in the value's source, len its length
 * in bytes.
 */
typedef struct value_view {
    const pgr_value_file *f;
    size_t i;
    const pgr_value *e;
    size_t base;
    size_t len;
} value_view;

/* Where a server with a development password runs (local_server). */
typedef enum server_place {
    SERVER_ELSEWHERE,   /* a server of the network: hardcoded-password */
    SERVER_LOCAL,       /* localhost or a socket */
    SERVER_COMPOSE      /* a service of the same compose file: the compose network */
} server_place;

/* Whether path has the host's example role (.env.example, *.sample, ...):
 * a file meant to hold placeholders. */
int example_file(pgr_ctx *ctx, const char *path);

/* Whether path is named for production (.env.production, prod/...) and is
 * no example: a placeholder there is what the deployment runs with. */
int production_file(pgr_ctx *ctx, const char *path);

/* Report the span [off, off+len) of the view's text (len 0: all of it from
 * off) as rule with msg (which shows the secret redacted, never whole);
 * flags: PGR_REPORT_*. */
void report_span(pgr_ctx *ctx, const value_view *w, size_t off, size_t len, const char *rule,
                 const char *msg, unsigned flags);

/* Where the server of ci, reached with password pw from file f, runs: a
 * service of the same compose file, localhost or a socket with a
 * development password (or in a CI or development file, or one f starts
 * itself with that password), or elsewhere on the network. */
server_place local_server(pgr_ctx *ctx, const pgr_value_file *f, const pgr_conninfo *ci, const char *pw);

/* secrets_strength.c.  Whether key (a setting's name) holds a signing,
 * encryption or session secret (rules/secrets.yml signing_names). */
int strength_signing_name(pgr_ctx *ctx, const char *key);

/* Whether value e holds a database password by its name (rules/secrets.yml
 * database_password_names: POSTGRES_PASSWORD, DB_PASSWORD, PGPASSWORD...)
 * (1) or its key path (database_password_paths: postgresql.auth.password;
 * 2); 0 when neither says so. */
int strength_database_password_name(pgr_ctx *ctx, const pgr_value *e);

/* Whether v is a key a provider issues (rules/secrets.yml
 * issued_key_formats: a JWT, Supabase's sb_secret_ keys): its strength is
 * the provider's, not weighed by its length. */
int strength_issued_key(pgr_ctx *ctx, const char *v);

/* Whether secret v is made of words (myaccesssecret, super-secret-key):
 * guessable whatever its length. */
int strength_made_of_words(const char *v);

/* Whether database password pw is below the configured strength
 * (secrets.password_min_length, password_min_classes, a common word with
 * digits appended): 1 with the reason in why (size bytes), else 0.
 * Placeholders, references and templates are never weak. */
int strength_weak_password(pgr_ctx *ctx, const char *pw, char *why, size_t size);

/* Report secrets/weak-password on the password pw at [off, off+len) of
 * view w (len 0: the whole text) when it is weak and w's file is named for
 * production; what names the setting in the message, which shows pw
 * redacted. */
void strength_report_password(pgr_ctx *ctx, const value_view *w, size_t off, size_t len, const char *pw,
                              const char *what);

/* secrets/weak-password on view w when its key names a database password
 * (strength_report_password). */
void strength_check_named_password(pgr_ctx *ctx, const value_view *w);

/* Free what secrets_strength.c compiled for this run (on_finish). */
void strength_finish(void);

#endif
