/*
 * secrets.c — hardcoded credentials, in SQL and in every settings file (env,
 * YAML, shell, JS/TS).  References (${VAR}, $VAR), psql variables (:'pw')
 * and placeholders (rules/secrets.yml) are not secrets; a generic secret
 * (a keyword heuristic) must be shaped like key material, not like a name
 * or a template; a password for a service of the same compose file, like
 * one for localhost, is a local development one.  Messages show a secret
 * redacted: its first two bytes and its length.  The rules and their docs
 * are in rules[] below.
 */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "secretshape.h"
#include "secrets.h"
#include "compose.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "secrets/hardcoded-password", PGR_SEVERITY_ERROR,
      "A database password is written into a committed file.",
      "Read it from the environment or a secret store: ${DB_PASSWORD}, psql :'password'.",
      "OWASP ASVS 2.10.4 (no secrets in source); checklist: \"no credentials in the repository\"",
      "A password in the repository is in every clone, fork, CI log and backup, forever.",
      "CREATE ROLE app_reporter LOGIN PASSWORD 'R3port1ng-Pr0d-2024!';",
      "CREATE ROLE app_reporter LOGIN PASSWORD :'app_reporter_password';  (psql -v)" },
    { "secrets/local-dev-password", PGR_SEVERITY_INFO,
      "A connection string (PostgreSQL, or a MySQL/Go DSN such as root:pw@tcp(mysqld:3306)) to a "
      "throwaway local server: a service of the same compose file, or localhost/a socket with a "
      "well-known development password (postgres:postgres), in a CI pipeline or a development "
      "environment (.gitpod.yml, .devcontainer/), or set as POSTGRES_PASSWORD by the same file "
      "(also with docker run -e).",
      "Fine for a laptop's or a CI runner's throwaway database; make sure no shared server accepts it.",
      "gitleaks/secretlint practice: development credentials are reported at a lower severity",
      "A throwaway local database needs a password anyway; postgres:postgres on localhost, or the "
      "password a compose file gives its own db service, is a convention, not a leak, unless a "
      "shared server accepts it too.",
      "DATABASE_URL=postgres://postgres:postgres@db.example.com/app  (a server: "
      "hardcoded-password)",
      "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app  (a laptop: info only)" },
    { "secrets/known-secret-format", PGR_SEVERITY_ERROR,
      "A value has the format of a known credential (cloud, VCS, chat or payment key, private key, "
      "token); placeholders and public demo keys (rules/secrets.yml) are not reported.",
      "Revoke it, remove it from the history, and read it from a secret store.",
      "OWASP ASVS 2.10.4; gitleaks-style patterns in rules/secrets.yml",
      "A live credential in a committed file works for anyone who reads the repository until it "
      "is revoked.",
      "STRIPE_KEY=sk_live_51HEXAMPLEabcdefghijklmnopq",
      "STRIPE_KEY=${STRIPE_KEY}  (injected by the secret store)" },
    { "secrets/generic-secret", PGR_SEVERITY_WARNING,
      "A secret-named setting in code or configuration holds a literal shaped like key material.",
      "Read it from the environment or a secret store; rotate it if it was ever used.",
      "gitleaks generic-api-key (keyword context, entropy); OWASP ASVS 2.10.4",
      "A heuristic: the value is not in a provider's format, but it is long, random-looking and "
      "not a word, identifier, template or reference, so it is probably a working secret.",
      "clientSecret: 7f3a9b2c1d8e4f60a1b2",
      "clientSecret: ${OAUTH_CLIENT_SECRET}  (and credentials: 'same-origin', "
      "ACCESS_TOKEN_NOT_FOUND: 'access_token/not_found' are names, not secrets)" },
    { "secrets/test-mode-key", PGR_SEVERITY_WARNING,
      "A provider's test-mode key (Stripe sk_test_/rk_test_) is written into a committed file.",
      "Read it from the environment or a secret store like the live key; roll it in the dashboard.",
      "Stripe docs, API keys (test mode and live mode keys); gitleaks stripe-access-token",
      "A test-mode key moves no money, but it reads and writes the account's test data, "
      "webhooks and customers' test records, and it shows where the live key is kept.",
      "STRIPE_KEY=sk_test_51HEXAMPLEabcdefghijklmnopq",
      "STRIPE_KEY=${STRIPE_SECRET_KEY}  (injected by the secret store)" },
    { "secrets/placeholder-secret", PGR_SEVERITY_ERROR,
      "A production environment file still holds a placeholder for a secret.",
      "Generate the secret (openssl rand -base64 32) and inject it from the secret store.",
      "Deployment checklist: \"secrets rotated from their defaults\"",
      "A placeholder that reaches production is a secret every reader of the template knows.",
      "JWT_SECRET=your-jwt-secret-here  (.env.production)",
      "JWT_SECRET=${JWT_SECRET}  (generated with openssl rand -base64 32)" },
    { "secrets/committed-env-file", PGR_SEVERITY_ERROR,
      "An environment file with real values is tracked by git.",
      "git rm --cached the file, add it to .gitignore, rotate its secrets; commit a .env.example instead.",
      "Twelve-Factor App III (config in the environment); checklist: \"no credentials in the repository\"",
      "Anything committed stays in the history of every clone and fork; removing it later does "
      "not un-leak it.",
      "git add .env.production   (DATABASE_URL=postgres://app:S3cr3t@db/app)",
      "git rm --cached .env.production; echo .env.production >> .gitignore; commit .env.example "
      "with placeholders" },
    { "secrets/weak-secret", PGR_SEVERITY_WARNING,
      "A signing, encryption, session or auth secret (JWT_SECRET, AUTH_SECRET, "
      "ACCESS_TOKEN_SECRET, SUPABASE_SERVICE_ROLE_KEY, *_SIGNING_KEY, SECRET_KEY_BASE...; names in "
      "rules/secrets.yml) holds under 32 bytes of key material (hex and base64 count decoded) or "
      "is made of words.",
      "Use at least 32 random bytes: openssl rand -base64 32.",
      "OWASP ASVS 6.4; checklist: \"JWT secret from openssl rand -base64 32\"",
      "A short signing key, or one made of words (myaccesssecret), can be brute-forced offline "
      "from one token.  A value that stands for a secret instead (your-service-role-key, "
      "changeme) is placeholder-secret's, in production files; this rule is for values the "
      "application really runs with.",
      "SESSION_SECRET=short-secret",
      "SESSION_SECRET=c2VjcmV0LWtleS1tYXRlcmlhbC1vZi1sZW5ndGgtNDQtYnl0ZXM=  (openssl rand -base64 "
      "32)" },
    { "secrets/weak-password", PGR_SEVERITY_WARNING,
      "A database password (POSTGRES_PASSWORD, DB_PASSWORD, PGPASSWORD, a connection string's; "
      "names in rules/secrets.yml) in a file named for production (.env.production, "
      "docker-compose.prod.yml, production/) is below the configured strength: "
      "shorter than secrets.password_min_length (12), fewer character classes than "
      "secrets.password_min_classes (3 of 4, waived from twice the length), or a common word with "
      "digits appended.",
      "Generate it (openssl rand -base64 24) and inject it from the secret store.",
      "OWASP ASVS 2.1.1 (at least 12 characters); NIST SP 800-63B 5.1.1.2 (no dictionary words); "
      "checklist: \"strong database passwords\"",
      "A database reachable from the network is brute-forced with word lists and their digit "
      "suffixes first: gdpr2024 or postgres123 falls in seconds.  Placeholders (changeme, "
      "${VAR}) are placeholder-secret's, and a local development server's password "
      "local-dev-password's.",
      "POSTGRES_PASSWORD=gdpr2024  (.env.production)",
      "POSTGRES_PASSWORD=${POSTGRES_PASSWORD}  (generated: openssl rand -base64 24)" },
};

/* Settings of the secrets: section of .pgrampart.yml. */
static const pgr_config_key config_keys[] = {
    { "password_min_length", PGR_CONFIG_STRING,
      "The fewest characters a database password may have (default 12): shorter ones are "
      "secrets/weak-password.", NULL, NULL },
    { "password_min_classes", PGR_CONFIG_STRING,
      "How many of the character classes lower case, upper case, digits and other a database "
      "password must use (1 to 4, default 3); waived from twice password_min_length on.", NULL,
      NULL },
};

/* The rule a pattern reports: its "rule" field when that names one of this
 * plugin's rules (the pointer is the rule table's), else known-secret-format. */
const char *
pack_rule(const char *want)
{
    size_t i;

    for (i = 0; want != NULL && i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].id, want) == 0)
            return rules[i].id;
    return "secrets/known-secret-format";
}

static void
on_finish(pgr_ctx *ctx)
{
    (void) ctx;
    unload_patterns();
    strength_finish();
}


void
report(pgr_ctx *ctx, const pgr_location *where, const pgr_location *secret, const char *what,
       const char *value)
{
    char red[64], msg[512];
    pgr_finding f;

    api->redact(value, red, sizeof red);
    snprintf(msg, sizeof msg, "hardcoded password in %s: %s", what, red);
    memset(&f, 0, sizeof f);
    f.rule_id = "secrets/hardcoded-password";
    f.location = *where;
    f.message = msg;
    f.secret = *secret;
    api->report(ctx, &f);
}

/* Case-insensitive "contains". */
static int
has(const char *s, const char *word)
{
    return strcasestr(s, word) != NULL;
}

static int
secret_named(const char *key)
{
    return has(key, "SECRET") || has(key, "PASSWORD") || has(key, "PASSWD") || has(key, "TOKEN") ||
        has(key, "API_KEY") || has(key, "APIKEY") || has(key, "PRIVATE_KEY");
}

/* Files that are meant to hold placeholders: the host's example role
 * (.env.example, *.sample, *.template, *.dist ... and the configuration's
 * role_patterns). */
int
example_file(pgr_ctx *ctx, const char *path)
{
    return strcmp(api->path_role(ctx, path), "example") == 0;
}

/* A file named for production (.env.production, prod/...): a placeholder
 * there is what the deployment will run with. */
int
production_file(pgr_ctx *ctx, const char *path)
{
    const char *b = strrchr(path, '/');

    b = b ? b + 1 : path;
    /* A directory prod/ or production/ anywhere, the first one included
     * (the walk's paths are relative: production/deploy.yaml). */
    return !example_file(ctx, path) &&
        (has(b, "prod") || has(path, "/prod/") || has(path, "/production/") ||
         strncasecmp(path, "prod/", 5) == 0 || strncasecmp(path, "production/", 11) == 0);
}

/* The location of [off, off+len) of the view's text (len 0: to its end;
 * for the whole value, the host's "to the end", which knows its source). */
static void
view_location(const value_view *w, size_t off, size_t len, pgr_location *loc)
{
    if (len == 0 && w->e != &w->f->values[w->i])
        len = w->len - off;
    api->value_location(w->f, w->i, w->base + off, len, loc);
}

/* Report the span [off, off+len) of the view's text (len 0: all of it from
 * off); flags: PGR_REPORT_*. */
void
report_span(pgr_ctx *ctx, const value_view *w, size_t off, size_t len, const char *rule,
            const char *msg, unsigned flags)
{
    pgr_finding fd;
    pgr_location loc;

    view_location(w, off, len, &loc);
    memset(&fd, 0, sizeof fd);
    fd.rule_id = rule;
    fd.location = loc;
    fd.message = msg;
    fd.secret = loc;
    api->report_flags(ctx, &fd, flags);
}

/* Whether value e documents a token's format rather than holding one: it
 * sits under an OpenAPI/JSON-schema example(s) key, or in the PreviewProps
 * of an email template (React Email renders them in its preview only). */
static int
documented_sample(const pgr_value *e)
{
    return secretshape_under_example(e->key_path) || strstr(e->key_path, "PreviewProps") != NULL;
}

static int report_local_url(pgr_ctx *ctx, const value_view *w, size_t off, size_t len);


/* The rule pack's patterns, on "KEY=value" so that a pattern can use the key. */
static void
check_patterns(pgr_ctx *ctx, const value_view *w)
{
    const pgr_value_file *f = w->f;
    const pgr_value *e = w->e;
    size_t k, start, len, keylen = strlen(e->key) + 1;
    char *line = malloc(keylen + strlen(e->value) + 1), *lower, *secret, msg[512];
    secretshape_pem_body body;
    int hit = 0;

    if (line == NULL)
        return;
    snprintf(line, keylen + strlen(e->value) + 1, "%s=%s", e->key, e->value);
    if ((lower = lower_copy(line)) == NULL) {
        free(line);
        return;
    }
    for (k = 0; k < n_patterns && hit == 0; k++) {
        const pattern *p = &patterns[k];

        hit = pattern_finds(ctx, p, f->format_name, line, lower, keylen, &start, &len, &body, &secret);
        /* A provider's live format is a working key wherever it sits; any
         * other format in a documented sample is one.  A generic secret
         * must look like key material. */
        if (hit != 1 || (!p->live && documented_sample(e)) ||
            (strcmp(p->rule, "secrets/generic-secret") == 0 &&
             (!secretshape_key_material(secret, len) || secretshape_translation_path(f->path)))) {
            free(secret);
            continue;
        }
        pattern_message(p, e->key, secret, msg, sizeof msg);
        free(secret);
        /* A URL's password for a server of this stack or machine is a
         * development one, as for a PostgreSQL URL. */
        if (strcmp(p->id, "database-url-password") == 0 && report_local_url(ctx, w, start - keylen, len))
            break;
        report_span(ctx, w, start - keylen, len, p->rule, msg,
                    p->live && body != SECRETSHAPE_PEM_UNSEEN ? PGR_REPORT_KEEP_SEVERITY : 0);
    }
    free(lower);
    free(line);
}

/*
 * Whether value e of f holds no signing key for weak-secret to weigh: a
 * boolean, number, sentence or file path (secretshape_not_key_value); a key
 * that names a cookie, header, parameter, algorithm or file
 * (logtoCookieKey = '_logto'); a translation file's string; or, in code, a
 * word-shaped value of a key that is not called a secret or password
 * (export const SESSION_KEY = "df-session-key" names a context slot).  A
 * word under JWT_SECRET stays a weak key ("dev-secret" is guessable), and so
 * does one in configuration (encryption_key: a_not_so_secure_encryption_key):
 * a setting is read as key material, a code constant is often a name.
 */
static int
not_a_signing_key(const pgr_value_file *f, const pgr_value *e)
{
    const char *v = e->value;

    return (e->flags & PGR_VALUE_BOOLEAN) || secretshape_not_key_value(v) ||
        secretshape_key_names_a_name(e->key) || secretshape_translation_path(f->path) ||
        (f->format == PGR_FORMAT_JAVASCRIPT && !has(e->key, "SECRET") && !has(e->key, "PASSWORD") &&
         !has(e->key, "PASSWD") && secretshape_word_shaped(v, strlen(v)));
}

static void
check_placeholder_and_weak(pgr_ctx *ctx, const value_view *w)
{
    const pgr_value_file *f = w->f;
    const pgr_value *e = w->e;
    const char *v = e->value;
    char msg[512], red[64];
    int placeholder = *v && is_placeholder(ctx, v), reference = v[0] == '$' || secretshape_is_substitution(v);
    int signing = strength_signing_name(ctx, e->key);

    if ((!secret_named(e->key) && !signing) || reference)
        return;
    /* "your-jwt-secret-here", "secret", "password": placeholders too, here. */
    if (!placeholder && !reference && *v &&
        (strncasecmp(v, "your", 4) == 0 || has(v, "change") || strcasecmp(v, "secret") == 0 ||
         strcasecmp(v, "password") == 0 || has(v, "placeholder")))
        placeholder = 1;
    if (placeholder && (production_file(ctx, f->path) || (e->flags & PGR_VALUE_FALLBACK))) {
        snprintf(msg, sizeof msg, (e->flags & PGR_VALUE_FALLBACK)
                 ? "%s falls back to a placeholder when the variable is unset: %s"
                 : "%s holds a placeholder in a production file: %s", e->key,
                 api->redact(v, red, sizeof red));
        report_span(ctx, w, 0, 0, "secrets/placeholder-secret", msg, 0);
        return;
    }
    if (!signing || placeholder || reference || !*v || example_file(ctx, f->path) ||
        not_a_signing_key(f, e) || strength_issued_key(ctx, v))
        return;
    /* Short, or words whatever their length (myaccesssecret,
     * super-secret-jwt-key-for-production): a value the application runs
     * with, guessable, unlike a placeholder that stands for one. */
    if (secretshape_material_bytes(v) < 32) {
        snprintf(msg, sizeof msg, "%s is %zu bytes of key material (%s): at least 32 are needed",
                 e->key, secretshape_material_bytes(v), api->redact(v, red, sizeof red));
        report_span(ctx, w, 0, 0, "secrets/weak-secret", msg, 0);
    } else if (strength_made_of_words(v)) {
        snprintf(msg, sizeof msg, "%s is made of words (%s): a guessable key, not 32 random bytes",
                 e->key, api->redact(v, red, sizeof red));
        report_span(ctx, w, 0, 0, "secrets/weak-secret", msg, 0);
    }
}

/* A well-known development password: the user name again, or one of the
 * rule pack's dev_passwords. */
static int
dev_password(pgr_ctx *ctx, const pgr_conninfo *ci, const char *pw)
{
    const char *user = api->conninfo_value(ci, "user");
    size_t i, n = api->rulepack_list_length(ctx, "dev_passwords");

    if (user && strcmp(user, pw) == 0)
        return 1;
    for (i = 0; i < n; i++)
        if (strcasecmp(api->rulepack_list_item(ctx, "dev_passwords", i), pw) == 0)
            return 1;
    return 0;
}

/* Whether env variable key is public by design: a front-end build inlines
 * NEXT_PUBLIC_, VITE_, PUBLIC_, EXPO_PUBLIC_ and REACT_APP_ variables into
 * the code it ships to every browser, so their values are no secrets. */
static int
public_variable(const char *key)
{
    static const char *const prefixes[] = { "NEXT_PUBLIC_", "VITE_", "PUBLIC_", "EXPO_PUBLIC_", "REACT_APP_",
                                            NULL };
    size_t i;

    for (i = 0; prefixes[i]; i++)
        if (strncmp(key, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* Whether e is a real secret value of an env file: a secret-named private
 * variable with a value that could be a secret (not empty, a reference, a
 * placeholder, a boolean or a number: NEXT_PUBLIC_AUTH_PASSWORD=true is a
 * feature switch). */
static int
real_secret_value(pgr_ctx *ctx, const pgr_value *e)
{
    const char *v = e->value;

    return secret_named(e->key) && !public_variable(e->key) && *v && v[0] != '$' &&
        !is_placeholder(ctx, v) && !(e->flags & PGR_VALUE_BOOLEAN) && !secretshape_flag_or_number(v);
}

/* A tracked env file that holds at least one real secret value. */
static void
check_committed(pgr_ctx *ctx, const pgr_value_file *f)
{
    size_t i;

    if (f->git_tracked != 1 || example_file(ctx, f->path))
        return;
    for (i = 0; i < f->n_values; i++) {
        const pgr_value *e = &f->values[i];
        pgr_conninfo *ci = api->conninfo_parse(e->value);
        const char *pw = ci ? api->conninfo_value(ci, "password") : NULL;
        int real = real_secret_value(ctx, e) ||
            (pw && !is_placeholder(ctx, pw));

        api->conninfo_free(ci);
        if (real) {
            pgr_location loc = { f->path, 1, 1, 1, 1, NULL };

            pgr_reportf(api, ctx, "secrets/committed-env-file", &loc,
                        "%s is tracked by git and holds real values (%s, line %u)",
                        f->path, e->key, e->key_location.line);
            return;
        }
    }
}

/* Whether f starts a server with password pw itself: a POSTGRES_PASSWORD
 * (or MySQL's and MariaDB's root or user password) of the same compose
 * file, CI job or script, or passed with docker run -e in a command the
 * file holds (a .gitpod.yml task). */
static const char *const server_password_keys[] = { "POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD",
                                                     "MYSQL_PASSWORD", "MARIADB_ROOT_PASSWORD",
                                                     "MARIADB_PASSWORD", NULL };

/*
 * Whether the command text cmd (a YAML task's "docker run ...") passes
 * key=pw to a container: "-e key=pw", "--env key=pw" or "--env=key=pw" of
 * docker or podman run, the value ending at a space, a quote or the end.
 */
static int
command_sets_password(const char *cmd, const char *key, const char *pw)
{
    size_t klen = strlen(key), plen = strlen(pw);
    const char *at;

    if (strstr(cmd, "docker run") == NULL && strstr(cmd, "podman run") == NULL)
        return 0;
    for (at = strstr(cmd, key); at; at = strstr(at + 1, key)) {
        const char *opt = at;
        char end;

        if (at[klen] != '=' || strncmp(at + klen + 1, pw, plen) != 0)
            continue;
        end = at[klen + 1 + plen];
        if (end != '\0' && end != ' ' && end != '\t' && end != '\n' && end != '"' && end != '\'' &&
            end != '\\')
            continue;
        /* The option before it: "-e ", "--env ", "--env=", maybe quoted. */
        if (opt > cmd && (opt[-1] == '"' || opt[-1] == '\''))
            opt--;
        if ((opt - cmd >= 3 && strncmp(opt - 3, "-e ", 3) == 0) ||
            (opt - cmd >= 6 && strncmp(opt - 6, "--env ", 6) == 0) ||
            (opt - cmd >= 6 && strncmp(opt - 6, "--env=", 6) == 0))
            return 1;
    }
    return 0;
}

static int
file_sets_password(const pgr_value_file *f, const char *pw)
{
    size_t i, k;

    for (i = 0; i < f->n_values; i++)
        for (k = 0; server_password_keys[k]; k++)
            if ((strcmp(f->values[i].key, server_password_keys[k]) == 0 && strcmp(f->values[i].value, pw) == 0) ||
                command_sets_password(f->values[i].value, server_password_keys[k], pw))
                return 1;
    return 0;
}

/*
 * Where a connection to the hosts of ci stays on this machine or this stack,
 * so that its password is a throwaway development one
 * (secrets/local-dev-password, info): a service of the same compose file,
 * or localhost/a socket with a well-known development password, in a CI
 * pipeline (the runner's service container), or one the file itself gives
 * the server as POSTGRES_PASSWORD.
 */
server_place
local_server(pgr_ctx *ctx, const pgr_value_file *f, const pgr_conninfo *ci, const char *pw)
{
    if (compose_hosts_are_services(f, api->conninfo_value(ci, "host")))
        return SERVER_COMPOSE;
    if (api->conninfo_is_local(ci) &&
        (dev_password(ctx, ci, pw) || compose_ci_file(f->path) || compose_dev_env_file(f->path) ||
         file_sets_password(f, pw)))
        return SERVER_LOCAL;
    return SERVER_ELSEWHERE;
}

/* secrets/local-dev-password on what (a key) for the server at host. */
static void
report_local(pgr_ctx *ctx, const pgr_location *loc, const char *what, server_place place,
             const char *host, const char *pw)
{
    pgr_finding fd;
    char msg[512], red[64];

    if (place == SERVER_COMPOSE)
        snprintf(msg, sizeof msg, "%s holds a development password for a local server (the "
                 "compose service %s): %s", what, host, api->redact(pw, red, sizeof red));
    else
        snprintf(msg, sizeof msg, "%s holds a development password for a local server: %s", what,
                 api->redact(pw, red, sizeof red));
    memset(&fd, 0, sizeof fd);
    fd.rule_id = "secrets/local-dev-password";
    fd.location = fd.secret = *loc;
    fd.message = msg;
    api->report(ctx, &fd);
}

/* Copy the run of host-name characters (letters, digits, . _ -) among the
 * first n bytes of s into out (size bytes, NUL-terminated). */
static void
copy_name(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;

    /* s[k] != '\0' first: strchr finds the terminator in any set. */
    while (k < n && k + 1 < size && s[k] != '\0' &&
           (isalnum((unsigned char) s[k]) || strchr("._-", s[k]) != NULL))
        k++;
    memcpy(out, s, k);
    out[k] = '\0';
}

/*
 * Whether the password at [off, off+len) of the MySQL, MariaDB, MongoDB,
 * Redis or AMQP URL of view w belongs to a server of this stack or machine
 * (local_server); if so, reports it as secrets/local-dev-password.  The
 * host follows the '@': a name, or inside tcp(...) or (...) as Go's MySQL
 * driver writes it (root:secret@tcp(mysqld:3306)/db); unix(...) is a socket.
 */
static int
report_local_url(pgr_ctx *ctx, const value_view *w, size_t off, size_t len)
{
    const char *v = w->e->value, *h = v + off + len + 1, *scheme = strstr(v, "://");
    char host[256], user[128], conninfo[600], *pw;
    pgr_conninfo *ci;
    server_place where = SERVER_ELSEWHERE;
    pgr_location loc;

    if (v[off + len] != '@' || scheme == NULL || scheme + 3 > v + off)
        return 0;
    if (strncmp(h, "unix(", 5) == 0)
        snprintf(host, sizeof host, "localhost");
    else
        copy_name(h + (strncmp(h, "tcp(", 4) == 0 ? 4 : h[0] == '(' ? 1 : 0), strlen(h), host, sizeof host);
    copy_name(scheme + 3, (size_t) (v + off - 1 - (scheme + 3)), user, sizeof user);
    pw = strndup(v + off, len);
    if (host[0] == '\0' || pw == NULL) {
        free(pw);
        return 0;
    }
    snprintf(conninfo, sizeof conninfo, "host='%s' user='%s'", host, user);
    ci = api->conninfo_parse(conninfo);
    if (ci)
        where = local_server(ctx, w->f, ci, pw);
    if (where != SERVER_ELSEWHERE) {
        view_location(w, off, len, &loc);
        report_local(ctx, &loc, w->e->key[0] ? w->e->key : "a connection string", where, host, pw);
    }
    api->conninfo_free(ci);
    free(pw);
    return where != SERVER_ELSEWHERE;
}

/* PGPASSWORD set in committed code or configuration: hardcoded, unless it
 * is computed ("$(< file)", "${PGPASSWORD:-...}") or a development
 * password for a PGHOST of this machine in the same script. */
static void
check_pgpassword(pgr_ctx *ctx, const value_view *w)
{
    const pgr_value_file *f = w->f;
    const pgr_value *e = w->e;
    const char *pghost = NULL;
    pgr_conninfo *ci = NULL;
    char conninfo[600];
    server_place where = SERVER_ELSEWHERE;
    size_t i;

    if (is_placeholder(ctx, e->value) || secretshape_is_substitution(e->value))
        return;
    for (i = 0; f->format == PGR_FORMAT_SHELL && i < f->n_values; i++)
        if (strcmp(f->values[i].key, "PGHOST") == 0)
            pghost = f->values[i].value;
    if (pghost && !compose_host_is_variable(pghost)) {
        snprintf(conninfo, sizeof conninfo, "host='%s'", pghost);
        ci = api->conninfo_parse(conninfo);
        where = ci ? local_server(ctx, f, ci, e->value) : SERVER_ELSEWHERE;
    }
    if (where != SERVER_ELSEWHERE) {
        report_local(ctx, &e->value_location, "PGPASSWORD", where, pghost, e->value);
    } else {
        report(ctx, &e->value_location, &e->value_location, "PGPASSWORD", e->value);
        strength_check_named_password(ctx, w);
    }
    api->conninfo_free(ci);
}

/* The password of a connection string, as hardcoded-password or, for a
 * local server, local-dev-password. */
static void
check_conninfo_password(pgr_ctx *ctx, const value_view *w)
{
    const pgr_value_file *f = w->f;
    const pgr_value *e = w->e;
    pgr_conninfo *ci = api->conninfo_parse(e->value);
    const char *pw = ci ? api->conninfo_value(ci, "password") : NULL;
    server_place where;
    pgr_location loc;
    size_t off, len;
    char what[300];

    if (pw && !is_placeholder(ctx, pw)) {
        if (api->conninfo_password_span(e->value, &off, &len))
            view_location(w, off, len, &loc);
        else
            view_location(w, 0, 0, &loc);
        where = local_server(ctx, f, ci, pw);
        if (where != SERVER_ELSEWHERE) {
            report_local(ctx, &loc, e->key[0] ? e->key : "a connection string", where,
                         api->conninfo_value(ci, "host"), pw);
        } else {
            if (e->key[0])
                snprintf(what, sizeof what, "the connection string %s", e->key);
            else
                snprintf(what, sizeof what, "a connection string literal");
            report(ctx, &loc, &loc, what, pw);
            if (api->conninfo_password_span(e->value, &off, &len))
                strength_report_password(ctx, w, off, len, pw, e->key[0] ? e->key : "a connection string");
        }
    }
    api->conninfo_free(ci);
}

/*
 * The default of a value that is exactly ${NAME:-default} or ${NAME-default}
 * (compose, dotenv and YAML interpolation): its offset and length in bytes
 * in v, or 0 when v is no such value or the default is empty or holds
 * another expansion.  The shell and JS front-ends hand defaults over
 * themselves (PGR_VALUE_FALLBACK).
 */
static int
interpolation_default(const char *v, size_t *off, size_t *len)
{
    size_t n = strlen(v), i = 2;

    if (n < 6 || strncmp(v, "${", 2) != 0 || v[n - 1] != '}' ||
        !(isalpha((unsigned char) v[2]) || v[2] == '_'))
        return 0;
    while (isalnum((unsigned char) v[i]) || v[i] == '_')
        i++;
    i += v[i] == ':';
    if (v[i] != '-')
        return 0;
    *off = i + 1;
    *len = n - 1 - *off;
    /* One expansion with a literal default: nothing nested, no second ${}. */
    return *len > 0 && memchr(v + *off, '$', *len) == NULL && memchr(v + *off, '}', *len) == NULL &&
        memchr(v + *off, '{', *len) == NULL;
}

/* The checks of one value's text (a literal, or an interpolation's default). */
static void
check_view(pgr_ctx *ctx, const value_view *w)
{
    check_patterns(ctx, w);
    check_placeholder_and_weak(ctx, w);
    strength_check_named_password(ctx, w);
}

static void
on_value_file(pgr_ctx *ctx, const pgr_value_file *f)
{
    size_t i, off, len;

    if (!patterns_loaded)
        load_patterns(ctx);
    check_committed(ctx, f);
    for (i = 0; i < f->n_values; i++) {
        const pgr_value *e = &f->values[i];
        value_view w = { f, i, e, 0, strlen(e->value) };

        /* libpq's own password variable, set in committed code or config. */
        if (f->format != PGR_FORMAT_DOTENV && strcmp(e->key, "PGPASSWORD") == 0) {
            check_pgpassword(ctx, &w);
            continue;
        }
        check_view(ctx, &w);
        /* ${SECRET_KEY:-<key>} runs with <key> wherever SECRET_KEY is
         * unset: the default is a committed literal like any other. */
        if (f->format != PGR_FORMAT_SHELL && f->format != PGR_FORMAT_JAVASCRIPT &&
            interpolation_default(e->value, &off, &len)) {
            pgr_value d = *e;
            char *text = strndup(e->value + off, len);

            if (text == NULL)
                continue;
            /* Checked as the literal it is (not PGR_VALUE_FALLBACK):
             * ${DB_PASSWORD:-password} of a stack's own database service
             * is no placeholder the deployment is left with. */
            d.value = text;
            w.e = &d;
            w.base = off;
            w.len = len;
            check_view(ctx, &w);
            check_conninfo_password(ctx, &w);
            free(text);
        }
    }
    for (i = 0; i < f->n_values; i++) {
        value_view w = { f, i, &f->values[i], 0, strlen(f->values[i].value) };

        check_conninfo_password(ctx, &w);
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "secrets", "1",
    sizeof rules / sizeof rules[0], rules,
    sizeof config_keys / sizeof config_keys[0], config_keys,
    secrets_on_sql_statement, on_value_file, NULL, NULL, NULL, on_finish, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
