/*
 * secrets_strength.c — how strong a secret is, for the secrets plugin: which
 * settings hold a signing, encryption or session secret (rules/secrets.yml
 * signing_names) and whether one is made of words; which settings hold a
 * database password (database_password_names) and whether one is below the
 * configured strength (secrets/weak-password: length, character classes, a
 * common word with digits appended, rules/secrets.yml password_words).
 *
 * Placeholders ("changeme", "${VAR}", empty) are never weak: they stand for
 * a secret (secrets/placeholder-secret in production files), they are none.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "secrets.h"
#include "compose.h"

/* The defaults of secrets.password_min_length and password_min_classes:
 * OWASP ASVS 2.1.1 asks for 12 characters at least; three of the four
 * classes (lower case, upper case, digits, other) is the usual policy. */
#define STRENGTH_MIN_LENGTH 12
#define STRENGTH_MIN_CLASSES 3

/* The rule pack's name lists, compiled once per run (strength_finish frees them). */
typedef struct name_list {
    const char *key;        /* the rule-pack list it compiles */
    pgr_regex **re;
    size_t n;
    int loaded;
} name_list;

static name_list signing_names = { "signing_names", NULL, 0, 0 };
static name_list password_names = { "database_password_names", NULL, 0, 0 };
static name_list issued_formats = { "issued_key_formats", NULL, 0, 0 };
static name_list password_paths = { "database_password_paths", NULL, 0, 0 };

static void
name_list_load(pgr_ctx *ctx, name_list *l)
{
    size_t i, n = api->rulepack_list_length(ctx, l->key);
    char err[256], msg[512];

    l->loaded = 1;
    l->re = calloc(n ? n : 1, sizeof *l->re);
    for (i = 0; l->re != NULL && i < n; i++) {
        const char *regex = api->rulepack_list_item(ctx, l->key, i);
        pgr_regex *re = api->regex_compile(regex, err, sizeof err);

        if (re == NULL) {
            snprintf(msg, sizeof msg, "rule-pack %s item %zu not used: %s", l->key, i, err);
            api->log(ctx, PGR_SEVERITY_WARNING, msg);
            continue;
        }
        l->re[l->n++] = re;
    }
}

static void
name_list_free(name_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        api->regex_free(l->re[i]);
    free(l->re);
    l->re = NULL;
    l->n = 0;
    l->loaded = 0;
}

/* The longest setting name the name lists are tried on: longer keys are
 * no such setting, and a hostile one would cost the regexes' nested
 * repetitions quadratic time.  (issued_key_formats' patterns are linear:
 * they are tried on values of any length.) */
#define STRENGTH_MAX_KEY 128

/* Whether one of list l's regexes matches text (len bytes). */
static int
name_list_matches(pgr_ctx *ctx, name_list *l, const char *text, size_t len)
{
    size_t i, s, n;

    if (!l->loaded)
        name_list_load(ctx, l);
    for (i = 0; len > 0 && i < l->n; i++)
        if (api->regex_match(l->re[i], text, len, 0, &s, &n))
            return 1;
    return 0;
}

int
strength_signing_name(pgr_ctx *ctx, const char *key)
{
    size_t n = strlen(key);

    return n <= STRENGTH_MAX_KEY && name_list_matches(ctx, &signing_names, key, n);
}

int
strength_database_password_name(pgr_ctx *ctx, const pgr_value *e)
{
    size_t n = strlen(e->key), m = strlen(e->key_path);

    if (n <= STRENGTH_MAX_KEY && name_list_matches(ctx, &password_names, e->key, n))
        return 1;
    return m <= 2 * STRENGTH_MAX_KEY && name_list_matches(ctx, &password_paths, e->key_path, m) ? 2 : 0;
}

int
strength_issued_key(pgr_ctx *ctx, const char *v)
{
    return name_list_matches(ctx, &issued_formats, v, strlen(v));
}

void
strength_finish(void)
{
    name_list_free(&issued_formats);
    name_list_free(&password_paths);
    name_list_free(&signing_names);
    name_list_free(&password_names);
}

/*
 * Whether v is made of words (myaccesssecret, super-secret-jwt-key,
 * MyAppSessionSecret2024): letters that read as words, joined by _ - . or
 * camelCase, with at most one short run of digits (secretshape_word_shaped).
 * Random key material has letter runs no language has and digits among them.
 */
int
strength_made_of_words(const char *v)
{
    size_t n = strlen(v), letters = 0, i;

    for (i = 0; i < n; i++)
        letters += isalpha((unsigned char) v[i]) != 0;
    /* A name needs letters; "2024" or "--" is not made of words. */
    return letters >= 4 && secretshape_word_shaped(v, n);
}

/* A configured count (secrets.<key>), or dflt when unset or not a number
 * from 1 to max. */
static size_t
config_count(pgr_ctx *ctx, const char *key, size_t dflt, long max)
{
    const char *s = api->config_string(ctx, key);
    char *end;
    long v;

    if (s == NULL)
        return dflt;
    v = strtol(s, &end, 10);
    return (end != s && *end == '\0' && v >= 1 && v <= max) ? (size_t) v : dflt;
}

/* How many of the classes lower case, upper case, digits and other
 * characters pw uses (0 to 4). */
static int
char_classes(const char *pw)
{
    int lower = 0, upper = 0, digit = 0, other = 0;

    for (; *pw; pw++) {
        unsigned char c = (unsigned char) *pw;

        lower |= islower(c) != 0;
        upper |= isupper(c) != 0;
        digit |= isdigit(c) != 0;
        other |= !isalnum(c);
    }
    return lower + upper + digit + other;
}

/*
 * Whether pw is a word with digits appended (postgres123, Summer2024!,
 * ProductionDb2024): letters that are a rule-pack password word (any case)
 * or read as words, then one run of digits, then at most two other
 * characters.  The first thing a cracker's rules try.
 */
static int
word_with_digits(pgr_ctx *ctx, const char *pw)
{
    size_t n = strlen(pw), letters = 0, digits, i, k;
    char word[128];

    while (letters < n && isalpha((unsigned char) pw[letters]))
        letters++;
    for (digits = letters; digits < n && isdigit((unsigned char) pw[digits]); digits++)
        ;
    if (letters < 3 || digits == letters || n - digits > 2 || letters >= sizeof word)
        return 0;
    for (i = digits; i < n; i++)
        if (isalnum((unsigned char) pw[i]))
            return 0;
    memcpy(word, pw, letters);
    word[letters] = '\0';
    k = api->rulepack_list_length(ctx, "password_words");
    for (i = 0; i < k; i++)
        if (strcasecmp(api->rulepack_list_item(ctx, "password_words", i), word) == 0)
            return 1;
    return strength_made_of_words(word);
}

/* Whether pw is a rule-pack password word, any case, with nothing added. */
static int
common_word(pgr_ctx *ctx, const char *pw)
{
    size_t i, k = api->rulepack_list_length(ctx, "password_words");

    for (i = 0; i < k; i++)
        if (strcasecmp(api->rulepack_list_item(ctx, "password_words", i), pw) == 0)
            return 1;
    return 0;
}

/*
 * Why the database password pw is weak under the configured policy
 * (secrets.password_min_length, default 12 characters;
 * secrets.password_min_classes, default 3 of 4, waived from twice the
 * minimum length on, for passphrases, as NIST SP 800-63B prefers length to
 * composition): written into why (size bytes) and 1, or 0 when it is
 * strong enough.  Placeholders, references and templates are not weak.
 */
int
strength_weak_password(pgr_ctx *ctx, const char *pw, char *why, size_t size)
{
    size_t min_len = config_count(ctx, "password_min_length", STRENGTH_MIN_LENGTH, 1024);
    size_t min_classes = config_count(ctx, "password_min_classes", STRENGTH_MIN_CLASSES, 4);
    size_t len = strlen(pw);
    int classes = char_classes(pw);

    if (len == 0 || is_placeholder(ctx, pw) || secretshape_is_template(pw) ||
        secretshape_is_substitution(pw) || strcasestr(pw, "change") != NULL ||
        strncasecmp(pw, "your", 4) == 0)
        return 0;
    if (common_word(ctx, pw) || word_with_digits(ctx, pw))
        snprintf(why, size, "%s", common_word(ctx, pw) ? "a common password word"
                 : "a word with digits appended");
    else if (len < min_len)
        snprintf(why, size, "%zu characters, fewer than %zu", len, min_len);
    else if ((size_t) classes < min_classes && len < 2 * min_len)
        snprintf(why, size, "%d of the 4 character classes, fewer than %zu", classes, min_classes);
    else
        return 0;
    return 1;
}

/*
 * Whether file f is where a production deployment's database password is
 * set: a file named for production (.env.production, docker-compose.prod.yml,
 * k8s/production/...), not a CI pipeline's.  Elsewhere a compose file's
 * POSTGRES_PASSWORD: postgres starts a development or test stack's
 * database (reviewed on the corpus apps: quickstarts, dev/ and testing
 * stacks), which secrets/local-dev-password covers.
 */
static int
deployment_file(pgr_ctx *ctx, const pgr_value_file *f)
{
    return production_file(ctx, f->path) && !compose_ci_file(f->path) && !compose_dev_env_file(f->path);
}

void
strength_report_password(pgr_ctx *ctx, const value_view *w, size_t off, size_t len, const char *pw,
                         const char *what)
{
    char why[128], red[64], msg[512];

    if (!deployment_file(ctx, w->f) || !strength_weak_password(ctx, pw, why, sizeof why))
        return;
    snprintf(msg, sizeof msg, "the database password in %s is weak (%s): %s", what, why,
             api->redact(pw, red, sizeof red));
    report_span(ctx, w, off, len, "secrets/weak-password", msg, 0);
}

void
strength_check_named_password(pgr_ctx *ctx, const value_view *w)
{
    const pgr_value *e = w->e;
    int by = strength_database_password_name(ctx, e);

    if (by == 0 || (e->flags & PGR_VALUE_BOOLEAN) || secretshape_not_key_value(e->value))
        return;
    strength_report_password(ctx, w, 0, 0, e->value, by == 1 ? e->key : e->key_path);
}
