/*
 * secrets_pack.c — the secrets plugin's rule pack (rules/secrets.yml): its
 * patterns (compiled once per run, each with its keywords as a lower-case
 * prefilter), the allow-list, and the placeholder words; and the test of
 * one pattern on one "KEY=value" line (pattern_finds), shared by the
 * settings files' and the SQL literals' checks.  See secrets.c for the
 * plugin and its rules.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "secretshape.h"
#include "secrets.h"

pattern *patterns;
size_t n_patterns;
int patterns_loaded;
static pgr_regex **allow;
static size_t n_allow;

/* Whether rule-pack pattern i's field equals want (absent: no). */
static int
field_is(pgr_ctx *ctx, size_t i, const char *field, const char *want)
{
    const char *v = api->rulepack_item_field(ctx, "patterns", i, field);

    return v != NULL && strcmp(v, want) == 0;
}

/* The prefilter: one of the pattern's keywords appears in the line,
 * case-insensitively (cheaper than running every regex).  lower is the
 * line in lower case, as the keywords are: strstr, not strcasestr, which
 * redoes its needle's factorisation on every call (a tenth of a check's
 * time on real trees, each value trying every pattern). */
static int
keyword_hit(const pattern *p, const char *lower)
{
    char **k;

    if (p->lower_keywords == NULL)
        return 1;
    for (k = p->lower_keywords; *k; k++)
        if (strstr(lower, *k))
            return 1;
    return 0;
}

char *
lower_copy(const char *s)
{
    char *c = strdup(s), *q;

    for (q = c; q && *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char) (*q - 'A' + 'a');
    return c;
}

static void
free_keywords(pattern *p)
{
    char **k;

    for (k = p->lower_keywords; k && *k; k++)
        free(*k);
    free(p->lower_keywords);
    p->lower_keywords = NULL;
}

/* The comma-separated keywords of a pattern, each in lower case, in a
 * NULL-ended array; NULL for none (then keyword_hit passes every line).
 * Empty words are dropped, as the scan of the string did. */
static char **
split_keywords(const char *keywords)
{
    size_t n = 1, k = 0;
    const char *p;
    char **out;

    if (keywords == NULL || *keywords == '\0')
        return NULL;
    for (p = keywords; *p; p++)
        n += *p == ',';
    if ((out = calloc(n + 1, sizeof *out)) == NULL)
        return NULL;
    for (p = keywords; *p;) {
        size_t len = strcspn(p, ",");

        if (len > 0 && len < 64 && (out[k] = strndup(p, len)) != NULL) {
            char *lower = lower_copy(out[k]);

            free(out[k]);
            if (lower)
                out[k++] = lower;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return out;
}

void
load_patterns(pgr_ctx *ctx)
{
    size_t i, n = api->rulepack_list_length(ctx, "patterns");
    char err[256];

    patterns_loaded = 1;
    patterns = calloc(n ? n : 1, sizeof(pattern));
    allow = calloc(api->rulepack_list_length(ctx, "allow") + 1, sizeof(pgr_regex *));
    if (patterns == NULL || allow == NULL)
        return;
    for (i = 0; i < api->rulepack_list_length(ctx, "allow"); i++) {
        pgr_regex *re = api->regex_compile(api->rulepack_list_item(ctx, "allow", i), err, sizeof err);

        if (re)
            allow[n_allow++] = re;
        else
            api->log(ctx, PGR_SEVERITY_WARNING, err);
    }
    for (i = 0; i < n; i++) {
        const char *regex = api->rulepack_item_field(ctx, "patterns", i, "regex");
        const char *group = api->rulepack_item_field(ctx, "patterns", i, "group");
        pattern *p = &patterns[n_patterns];

        p->id = api->rulepack_item_field(ctx, "patterns", i, "id");
        p->keywords = api->rulepack_item_field(ctx, "patterns", i, "keywords");
        p->lower_keywords = split_keywords(p->keywords);
        p->description = api->rulepack_item_field(ctx, "patterns", i, "description");
        p->formats = api->rulepack_item_field(ctx, "patterns", i, "formats");
        p->min_entropy = api->rulepack_item_field(ctx, "patterns", i, "min_entropy")
            ? strtod(api->rulepack_item_field(ctx, "patterns", i, "min_entropy"), NULL) : 0.0;
        p->group = group ? atoi(group) : 0;
        p->rule = pack_rule(api->rulepack_item_field(ctx, "patterns", i, "rule"));
        p->live = field_is(ctx, i, "live", "true");
        p->pem_body = field_is(ctx, i, "body", "pem");
        p->re = regex ? api->regex_compile(regex, err, sizeof err) : NULL;
        if (p->id == NULL || p->re == NULL) {
            char msg[512];

            snprintf(msg, sizeof msg, "rule-pack pattern %zu (%s) not used: %s", i,
                     p->id ? p->id : "no id", regex ? err : "no regex");
            api->log(ctx, PGR_SEVERITY_WARNING, msg);
            free_keywords(p);
            continue;
        }
        n_patterns++;
    }
}


/* Whether a pattern applies to files of format name (its "formats" list,
 * in the host's names: pgr_value_file.format_name). */
static int
format_applies(const pattern *p, const char *name)
{
    const char *at;
    size_t n = strlen(name);

    if (p->formats == NULL)
        return 1;
    for (at = strstr(p->formats, name); at; at = strstr(at + 1, name))
        if ((at == p->formats || at[-1] == ',' || at[-1] == ' ') && (at[n] == '\0' || at[n] == ','))
            return 1;
    return 0;
}

/* The rule pack's placeholder words in lower case, sorted, read once per
 * run: each value is looked up by binary search, not compared with every
 * word through the host's rule-pack lookups (a tenth of a check's time on
 * a real tree). */
static char **placeholders;
static size_t n_placeholders;
static int placeholders_loaded;

static int
cmp_string(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
load_placeholders(pgr_ctx *ctx)
{
    size_t i, n = api->rulepack_list_length(ctx, "placeholders");

    placeholders_loaded = 1;
    if ((placeholders = calloc(n + 1, sizeof *placeholders)) == NULL)
        return;
    for (i = 0; i < n; i++) {
        char *w = lower_copy(api->rulepack_list_item(ctx, "placeholders", i));

        if (w)
            placeholders[n_placeholders++] = w;
    }
    qsort(placeholders, n_placeholders, sizeof *placeholders, cmp_string);
}

static void
free_placeholders(void)
{
    size_t i;

    for (i = 0; i < n_placeholders; i++)
        free(placeholders[i]);
    free(placeholders);
    placeholders = NULL;
    n_placeholders = 0;
    placeholders_loaded = 0;
}

/* Whether v is one of the placeholder words, in any ASCII case. */
static int
placeholder_word(pgr_ctx *ctx, const char *v)
{
    char *lower;
    int found;

    if (!placeholders_loaded)
        load_placeholders(ctx);
    if (n_placeholders == 0 || (lower = lower_copy(v)) == NULL)
        return 0;
    found = bsearch(&lower, placeholders, n_placeholders, sizeof *placeholders, cmp_string) != NULL;
    free(lower);
    return found;
}

/* Whether value is a reference or an obvious placeholder, not a secret. */
int
is_placeholder(pgr_ctx *ctx, const char *v)
{
    size_t len = strlen(v), i;

    if (len == 0)
        return 1;
    /* ${VAR}, $VAR, {{ template }}, <fill-me-in>, %(name)s */
    if (v[0] == '$' && (v[1] == '{' || isalpha((unsigned char) v[1]) || v[1] == '_'))
        return 1;
    if ((v[0] == '<' && v[len - 1] == '>') || (len >= 4 && strncmp(v, "{{", 2) == 0) ||
        strncmp(v, "%(", 2) == 0)
        return 1;
    /* A psql variable, as the SQL front-end rewrites :'pw' to ':pw'. */
    if (v[0] == ':' && (isalpha((unsigned char) v[1]) || v[1] == '_'))
        return 1;
    /* One character repeated: "xxxxxx", "******". */
    for (i = 1; i < len && v[i] == v[0]; i++)
        ;
    if (i == len && len >= 3 &&
        (!isalnum((unsigned char) v[0]) || v[0] == 'x' || v[0] == 'X'))
        return 1;
    if (secretshape_counting_digits(v))
        return 1;
    return placeholder_word(ctx, v);
}

/*
 * Whether rule-pack pattern p finds a secret in line ("KEY=value", the key
 * keylen bytes with its '='), in a file of format name: the match's span is
 * set in *start and *len (bytes of line), *body to what follows a PEM
 * header.  Allow-listed examples, placeholders and PEM stubs are no secrets.
 * Returns 1 and *secret (malloc'd, the caller frees) on a hit, -1 when the
 * pattern matches something that is no secret, 0 when it does not match.
 */
int
pattern_finds(pgr_ctx *ctx, const pattern *p, const char *format, const char *line,
              const char *lower, size_t keylen, size_t *start, size_t *len,
              secretshape_pem_body *body, char **secret)
{
    size_t a, s0, l0;
    int allowed = 0;

    *secret = NULL;
    *body = SECRETSHAPE_PEM_KEY;
    if (!format_applies(p, format) || !keyword_hit(p, lower) ||
        !api->regex_match(p->re, line, strlen(line), p->group, start, len) || *start < keylen ||
        (p->min_entropy > 0 && secretshape_entropy(line + *start, *len) < p->min_entropy))
        return 0;
    *secret = strndup(line + *start, *len);
    for (a = 0; *secret && a < n_allow && !allowed; a++)
        allowed = api->regex_match(allow[a], *secret, *len, 0, &s0, &l0);
    /* A PEM block with a stub body is a test's or a doc's; a header whose
     * body the value does not hold may be a key (reported, not as live). */
    if (*secret && !allowed && !is_placeholder(ctx, *secret) &&
        (!p->pem_body ||
         (*body = secretshape_pem_body_of(line + *start + *len)) != SECRETSHAPE_PEM_STUB))
        return 1;
    free(*secret);
    *secret = NULL;
    return -1;   /* matched, but no secret: the first pattern that matches wins */
}

/* The finding's message for pattern p's secret under key ("" for a literal). */
void
pattern_message(const pattern *p, const char *key, const char *secret, char *msg, size_t size)
{
    char red[64];
    int named = strcmp(p->rule, "secrets/generic-secret") != 0;

    /* "[id]" names a known format; generic-secret is its own rule. */
    snprintf(msg, size, "%s in %s: %s%s%s%s", p->description ? p->description : p->id,
             key[0] ? key : "a string literal", api->redact(secret, red, sizeof red),
             named ? " [" : "", named ? p->id : "", named ? "]" : "");
}

void
unload_patterns(void)
{
    size_t i;

    for (i = 0; i < n_patterns; i++) {
        api->regex_free(patterns[i].re);
        free_keywords(&patterns[i]);
    }
    for (i = 0; i < n_allow; i++)
        api->regex_free(allow[i]);
    free(patterns);
    free(allow);
    free_placeholders();
    patterns = NULL;
    allow = NULL;
    n_patterns = n_allow = 0;
    patterns_loaded = 0;
}
