/*
 * mask.h — the one masker every printed line of source goes through, and the
 * escaper that keeps control characters from reaching the reader.
 *
 * The masker finds secrets by their shape, not by what a rule reported:
 * passwords in URL userinfo (scheme://user:PASS@), in conninfo strings
 * (libpq's PQconninfoParse, and a tolerant scan for unterminated ones),
 * values of secret-named keys (password, passwd, pwd, secret, token,
 * ldapbindpasswd, radiussecrets, *_KEY ...) written KEY=value, KEY: value,
 * KEY 'value' or, at the start of a line, KEY value (SQL's PASSWORD 'x'
 * included, parsed or not), and the rule packs' secret patterns.  A masked
 * secret keeps its first two bytes when it is 8 bytes or longer and is
 * otherwise all '*'; its length is kept, so byte columns stay true.
 */
#ifndef PGR_MASK_H
#define PGR_MASK_H

#include <stddef.h>

#include "util.h"

/* A byte range [start, end) of a text, end exclusive. */
typedef struct mask_span {
    size_t start, end;
} mask_span;

/*
 * Compile the secret patterns ("secrets: patterns:" items with regex and
 * group) of the loaded rule packs (a vec of cfg_node *) for the masker,
 * replacing any loaded before.  A pattern that does not compile is skipped:
 * the secrets plugin reports it.  Process-wide, so that every store (and
 * every fingerprint) masks alike; free with mask_free_patterns.  They are
 * compiled when the first line is masked: rulepacks is kept (not owned)
 * and must stay alive until then or until mask_free_patterns.
 */
void mask_load_patterns(const util_vec *rulepacks);
void mask_free_patterns(void);

/*
 * Append to spans (a vec of mask_span, offsets into text) every secret on
 * the line text[start, end) of a text of len bytes.  Lines before it (a
 * few, back to a line start) are scanned too, so that a value on the line
 * after its key (SQL's PASSWORD then 'x') or a quoted secret that began on
 * an earlier line is still found.
 */
void mask_line_spans(const char *text, size_t len, size_t start, size_t end, util_vec *spans);

/*
 * Append to spans the secrets of a message (prose, one or more lines):
 * as mask_line_spans, but a secret-named word followed by a plain word is
 * prose ("password authentication"), not a setting.
 */
void mask_prose_spans(const char *s, size_t len, util_vec *spans);

/* Mask each span of spans lying in buf, which holds the text bytes from
 * offset base on (buf_len bytes): see the head of this file. */
void mask_apply(char *buf, size_t buf_len, size_t base, const util_vec *spans);

/* A copy of the message s with its secrets masked (mask_prose_spans), and
 * every occurrence of the given secret values (a vec of char *, each at
 * least 6 bytes; may be NULL) masked likewise.  Caller frees. */
char *mask_message(const char *s, const util_vec *values);

/* Flags of mask_escape. */
enum {
    MASK_ESC_TABS = 1   /* show a tab as \t (single-line fields); else keep it */
};

/*
 * A copy of s[0, n) that is safe to show on a terminal or in a CI log:
 * every C0 control byte (tab only with MASK_ESC_TABS), DEL and invalid
 * UTF-8 byte becomes \n, \r, \t or \xHH; each C1 control (U+0080-U+009F)
 * and each bidirectional or line-separating format character (U+061C,
 * U+200E-F, U+2028-9, U+202A-E, U+2066-9) becomes \uHHHH.  Caller frees.
 */
char *mask_escape(const char *s, size_t n, int flags);

#endif
