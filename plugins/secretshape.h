/*
 * secretshape.h — what a value looks like (secretshape.c), for the secrets
 * plugin.  Strings are NUL-terminated unless a length in bytes is given.
 */
#ifndef PGR_SECRETSHAPE_H
#define PGR_SECRETSHAPE_H

#include <stddef.h>

/* What follows a PEM header (secretshape_pem_body_of). */
typedef enum secretshape_pem_body {
    SECRETSHAPE_PEM_STUB,       /* a stub: "...", "MIIE...", fewer than 64 base64 characters before END */
    SECRETSHAPE_PEM_KEY,        /* a base64 body of 64 characters or more: a real key */
    SECRETSHAPE_PEM_UNSEEN      /* no END: the value holds the header only (a line of a multi-line value) */
} secretshape_pem_body;

/* Shannon entropy of s (len bytes), in bits per byte; 0 for len 0. */
double secretshape_entropy(const char *s, size_t len);

/* Whether v is computed when used: $(cmd), `cmd`, ${VAR...}, {{ template }}. */
int secretshape_is_substitution(const char *v);

/* Whether v is "1234567890..." (8 or more digits counted in order): a filler. */
int secretshape_counting_digits(const char *v);

/* Bytes of key material in v: values that are clearly hex (an even number
 * of 32 or more digits) or clearly base64 (padded, or with + / - _ among
 * mixed case and digits) count what they decode to; others their bytes. */
size_t secretshape_material_bytes(const char *v);

/* Whether v is a template or a reference, not a literal: ${x}, {{ x }},
 * $(cmd), `cmd`, %(x)s, {name}.{cluster}, #/components/x, !Ref X, <x>, a URL. */
int secretshape_is_template(const char *v);

/* Whether v (len bytes) is a UUID (8-4-4-4-12 hex digits). */
int secretshape_is_uuid(const char *v, size_t len);

/* Whether v (len bytes) is a name built from words (INVALID_CREDENTIALS,
 * same-origin, access_token/not_found, postgres-password), not key material. */
int secretshape_word_shaped(const char *v, size_t len);

/* Whether key_path (dotted, as pgr_value.key_path) sits under, or is, an
 * "example" or "examples" key: an OpenAPI/JSON-schema example documents a format. */
int secretshape_under_example(const char *key_path);

/* Whether a generic-secret candidate v (len bytes) is key material: not a
 * template or reference, not a UUID, not word-shaped. */
int secretshape_key_material(const char *v, size_t len);

/* Whether v is empty, a boolean or null word (true, false, yes, no, on,
 * off, null, none, undefined; any case) or a decimal number (3600, -1, 0.5). */
int secretshape_flag_or_number(const char *v);

/* Whether v is a value no key is: empty, a boolean or null word (true,
 * false, yes, no, on, off, null, none), a decimal number, text (a space or
 * a non-ASCII byte: a sentence, a translation) or a file path (/x, ./x,
 * ../x, ~/x).  Source: held-out review A class 2, B class 8 (issue 12). */
int secretshape_not_key_value(const char *v);

/* Whether the setting key (any case or separator style) names a name or a
 * reference rather than holding a secret: it ends in Cookie, CookieKey,
 * CookieName, Header, HeaderName, Param, Parameter, Algorithm, Alg, Name,
 * File or Path (logtoCookieKey, CSRF_SECRET_COOKIE, JWT_SECRET_FILE). */
int secretshape_key_names_a_name(const char *key);

/* Whether path (relative, '/'-separated) is a translation file: a segment
 * locales, locale, i18n, l10n, translations or lang. */
int secretshape_translation_path(const char *path);

/* What follows the PEM header that ends at text (base64 lines, escaped
 * newlines and RFC 1421 header lines up to "-----END"). */
secretshape_pem_body secretshape_pem_body_of(const char *text);

#endif
