/*
 * secretshape.c — what a value looks like, for the secrets plugin: the
 * entropy of key material, templates and references, word-shaped names,
 * UUIDs, PEM bodies.  Pure functions of the text: no host call, so they are
 * the same for every front-end (compiled into the secrets plugin).
 */
#include "secretshape.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* log2(k) for k >= 1 by the binary-digit method (the plugin links no libm). */
static double
log2_int(size_t k)
{
    double x = (double) k, r = 0.0, bit = 1.0;
    int i;

    while (x >= 2.0) {
        x /= 2.0;
        r += 1.0;
    }
    for (i = 0; i < 30; i++) {
        x *= x;
        bit /= 2.0;
        if (x >= 2.0) {
            x /= 2.0;
            r += bit;
        }
    }
    return r;
}

/* Shannon entropy of s (len bytes), in bits per byte. */
double
secretshape_entropy(const char *s, size_t len)
{
    size_t counts[256] = { 0 }, i;
    double h;

    if (len == 0)
        return 0.0;
    for (i = 0; i < len; i++)
        counts[(unsigned char) s[i]]++;
    /* H = log2(N) - (1/N) * sum n_i log2 n_i */
    h = log2_int(len);
    for (i = 0; i < 256; i++)
        if (counts[i] > 1)
            h -= (double) counts[i] * log2_int(counts[i]) / (double) len;
    return h;
}

/* Whether v is computed when it is used: a command substitution ($(cmd),
 * `cmd`) or a variable's expansion anywhere in it ("${PGPASSWORD:-...}"). */
int
secretshape_is_substitution(const char *v)
{
    return strstr(v, "$(") != NULL || strchr(v, '`') != NULL || strstr(v, "${") != NULL ||
        strstr(v, "{{") != NULL;
}

/* "1234567890...", "0123456789": the digits counted in order, a filler. */
int
secretshape_counting_digits(const char *v)
{
    size_t i, n = strlen(v);

    if (n < 8 || !isdigit((unsigned char) v[0]))
        return 0;
    for (i = 1; i < n; i++)
        if (!isdigit((unsigned char) v[i]) || v[i] - '0' != (v[i - 1] - '0' + 1) % 10)
            return 0;
    return 1;
}

/*
 * Whether v (n bytes, all of the base64 or base64url alphabet) is clearly
 * base64 rather than a string used as it is: padded (a multiple of four
 * ending in '='), or with '+' or '/' (standard) or '-' or '_' (url-safe)
 * among upper case, lower case and digits.  A run of letters and digits
 * alone (an alphanumeric secret such as authelia's hmac_secret) is used as
 * it is, byte for byte.
 */
static int
clearly_base64(const char *v, size_t n)
{
    int upper = 0, lower = 0, digit = 0, sym = 0;
    size_t i;

    if (n % 4 == 0 && v[n - 1] == '=')
        return 1;
    for (i = 0; i < n; i++) {
        upper |= isupper((unsigned char) v[i]) != 0;
        lower |= islower((unsigned char) v[i]) != 0;
        digit |= isdigit((unsigned char) v[i]) != 0;
        sym |= strchr("+/-_", v[i]) != NULL;
    }
    return sym && upper && lower && digit;
}

/* Bytes of key material: values that are clearly hex (an even number of
 * 32 or more hex digits: 64 are 32 bytes) or clearly base64 (44
 * characters with padding are 32 bytes) count what they decode to; any
 * other value counts its own bytes. */
size_t
secretshape_material_bytes(const char *v)
{
    size_t n = strlen(v), i, pad = 0;
    int hex = n > 0, b64 = n > 0;

    for (i = 0; i < n; i++) {
        char c = v[i];

        hex = hex && isxdigit((unsigned char) c);
        b64 = b64 && (isalnum((unsigned char) c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_');
    }
    if (hex && n >= 32 && n % 2 == 0)
        return n / 2;
    if (b64 && n >= 16 && clearly_base64(v, n)) {
        while (pad < 2 && pad < n && v[n - 1 - pad] == '=')
            pad++;
        return (n - pad) * 3 / 4;
    }
    return n;
}

/* A template, reference or interpolation, not a literal: ${x}, {{ x }},
 * $(cmd), `cmd`, %(x)s, {name}.{cluster}, #/components/x, !Ref X, <x>. */
int
secretshape_is_template(const char *v)
{
    const char *open = strchr(v, '{');

    return strstr(v, "${") || strstr(v, "$(") || strstr(v, "{{") || strstr(v, "%(") ||
        strchr(v, '`') || (open && strchr(open, '}')) || v[0] == '#' || v[0] == '!' ||
        v[0] == '<' || strstr(v, "://");
}

/* 8-4-4-4-12 hex digits: an identifier (a row's or a test's id). */
int
secretshape_is_uuid(const char *v, size_t len)
{
    size_t i;

    if (len != 36)
        return 0;
    for (i = 0; i < len; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? v[i] != '-' : !isxdigit((unsigned char) v[i]))
            return 0;
    return 1;
}

/* Whether the letters s[0, n) read as a word: short (db, jwt, v), an
 * acronym (AWS, CROWDIN), or with a vowel and no run of five consonants. */
static int
word_like(const char *s, size_t n)
{
    size_t i, run = 0;
    int vowel = 0, upper = 1;

    /* Short words and acronyms: db, jwt, csrf, html. */
    if (n <= 4)
        return 1;
    for (i = 0; i < n; i++) {
        int c = tolower((unsigned char) s[i]);
        int v = strchr("aeiouy", c) != NULL;

        upper = upper && isupper((unsigned char) s[i]);
        vowel = vowel || v;
        run = v ? 0 : run + 1;
        if (run >= 5 && !upper)
            return 0;
    }
    return vowel || (upper && n <= 5);
}

/*
 * Whether v (len bytes) reads as a name rather than key material: words
 * joined by _ - . : / * [ ] or camelCase (api_tokens, INVALID_CREDENTIALS,
 * same-origin, default:development.some-token, postgres-password), with at
 * most one run of at most four digits (valid-token-123).  Key material has
 * runs of digits among letters, letter runs no language has, or
 * punctuation inside (p4ssW0rd!xyz, DtUYwi&l5I1KX4@Le, 7f3a9b2c1d8e4f60).
 */
int
secretshape_word_shaped(const char *v, size_t len)
{
    size_t i = 0, digit_runs = 0, words = 0, short_words = 0;

    while (i < len) {
        size_t j = i + 1;

        if (isdigit((unsigned char) v[i])) {
            while (j < len && isdigit((unsigned char) v[j]))
                j++;
            if (j - i > 4 || ++digit_runs > 1)
                return 0;
        } else if (isalpha((unsigned char) v[i])) {
            /* One word: a run of capitals (whose last one starts the next
             * word when lower case follows), or one capital and lower case. */
            if (isupper((unsigned char) v[i]) && j < len && isupper((unsigned char) v[j])) {
                while (j < len && isupper((unsigned char) v[j]))
                    j++;
                if (j < len && islower((unsigned char) v[j]))
                    j--;
            } else {
                while (j < len && islower((unsigned char) v[j]))
                    j++;
            }
            if (!word_like(v + i, j - i))
                return 0;
            words++;
            short_words += j - i <= 2;
        } else if (strchr("_-.:/*[]", v[i]) == NULL && i > 0 && i + 1 < len &&
                   isalnum((unsigned char) v[i - 1]) && isalnum((unsigned char) v[i + 1])) {
            /* Punctuation between letters or digits: a password's. */
            return 0;
        }
        i = j;
    }
    /* aBcDeFgHiJ: "words" of one or two letters, mostly. */
    return !(words >= 4 && short_words * 2 > words);
}

/* Whether key_path sits under (or is) an "example" or "examples" key: an
 * OpenAPI or JSON-schema example value documents a format, it opens nothing. */
int
secretshape_under_example(const char *key_path)
{
    const char *at;

    for (at = strstr(key_path, "example"); at; at = strstr(at + 1, "example")) {
        const char *end = at + 7 + (at[7] == 's');

        if ((at == key_path || at[-1] == '.') && (*end == '.' || *end == '\0'))
            return 1;
    }
    return 0;
}

/* Whether a generic-secret candidate v (len bytes) is key material: not a
 * template or reference, not a UUID, not a word-shaped name. */
int
secretshape_key_material(const char *v, size_t len)
{
    size_t i;

    /* Key material is ASCII: a non-ASCII byte is a sentence's (CJK text). */
    for (i = 0; i < len; i++)
        if ((unsigned char) v[i] >= 0x80)
            return 0;
    return !secretshape_is_template(v) && !secretshape_is_uuid(v, len) && !secretshape_word_shaped(v, len);
}

/* Whether v is a decimal number: 3600, -1, 0.5. */
static int
is_number(const char *v)
{
    size_t i = v[0] == '-' || v[0] == '+', digits = 0;

    for (; v[i]; i++) {
        if (isdigit((unsigned char) v[i]))
            digits++;
        else if (v[i] != '.')
            return 0;
    }
    return digits > 0;
}

int
secretshape_flag_or_number(const char *v)
{
    static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "null", "none",
                                         "undefined", NULL };
    size_t i;

    if (v[0] == '\0' || is_number(v))
        return 1;
    for (i = 0; words[i]; i++)
        if (strcasecmp(v, words[i]) == 0)
            return 1;
    return 0;
}

int
secretshape_not_key_value(const char *v)
{
    size_t i;

    if (secretshape_flag_or_number(v))
        return 1;
    /* Text: words between spaces, or letters beyond ASCII (Schl\u00fcssel). */
    for (i = 0; v[i]; i++)
        if (v[i] == ' ' || (unsigned char) v[i] >= 0x80)
            return 1;
    /* A file that holds the secret: /run/secrets/jwt, ./certs/key, ~/.pgpass. */
    return v[0] == '/' || strncmp(v, "./", 2) == 0 || strncmp(v, "../", 3) == 0 || strncmp(v, "~/", 2) == 0;
}

int
secretshape_key_names_a_name(const char *key)
{
    static const char *const suffixes[] = { "cookie", "cookiekey", "cookiename", "header", "headername",
                                            "param", "parameter", "algorithm", "alg", "name", "file",
                                            "path", NULL };
    char letters[128];
    size_t n = 0, i;

    /* The key's letters, lower case: logtoCookieKey and LOGTO_COOKIE_KEY alike. */
    for (i = 0; key[i] && n + 1 < sizeof letters; i++)
        if (isalpha((unsigned char) key[i]))
            letters[n++] = (char) tolower((unsigned char) key[i]);
    letters[n] = '\0';
    for (i = 0; suffixes[i]; i++) {
        size_t m = strlen(suffixes[i]);

        if (n >= m && strcmp(letters + n - m, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

int
secretshape_translation_path(const char *path)
{
    static const char *const dirs[] = { "locales", "locale", "i18n", "l10n", "translations", "lang", NULL };
    size_t i;

    for (i = 0; dirs[i]; i++) {
        size_t m = strlen(dirs[i]);
        const char *at;

        for (at = strstr(path, dirs[i]); at; at = strstr(at + 1, dirs[i]))
            if ((at == path || at[-1] == '/') && at[m] == '/')
                return 1;
    }
    return 0;
}

/*
 * What follows the PEM header that ends at text: base64 characters with
 * whitespace and escaped newlines ("\n" in a JS literal) between them, RFC
 * 1421 header lines (Proc-Type: 4,ENCRYPTED) skipped, up to "-----END".
 * Any other character makes it a stub; a real key has hundreds of base64
 * characters.
 */
secretshape_pem_body
secretshape_pem_body_of(const char *text)
{
    size_t b64 = 0;
    const char *p = text;

    while (*p && strncmp(p, "-----END", 8) != 0) {
        if (*p == '\\' && (p[1] == 'n' || p[1] == 'r')) {
            p += 2;
        } else if (isspace((unsigned char) *p)) {
            p++;
        } else if (isalnum((unsigned char) *p) || *p == '+' || *p == '/' || *p == '=') {
            const char *w = p;

            while (isalnum((unsigned char) *w) || *w == '+' || *w == '/' || *w == '=' || *w == '-')
                w++;
            if (*w != ':') {
                b64++;
                p++;
                continue;
            }
            /* A header line: skip to its end. */
            while (*p && *p != '\n' && !(*p == '\\' && p[1] == 'n'))
                p++;
        } else {
            return SECRETSHAPE_PEM_STUB;
        }
    }
    if (b64 >= 64)
        return SECRETSHAPE_PEM_KEY;
    return *p ? SECRETSHAPE_PEM_STUB : SECRETSHAPE_PEM_UNSEEN;
}
