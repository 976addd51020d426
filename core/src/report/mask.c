/*
 * mask.c — see mask.h.
 */
#include "report/mask.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/config.h"
#include "host/pqlib.h"

/* A rule-pack secret pattern, compiled. */
typedef struct mask_pattern {
    pcre2_code *code;
    pcre2_match_data *md;
    int group;
    char *keywords;          /* lower case, comma-separated; NULL: none */
} mask_pattern;

static util_vec patterns;    /* of mask_pattern */
static bool patterns_ready;
/* The rule packs whose patterns are compiled at the first masked line
 * (mask_load_patterns), or NULL. */
static const util_vec *patterns_pending;

/* What the key scan carries from one line to the next. */
typedef struct scan_state {
    char quote;              /* inside a quoted secret opened on an earlier line */
    bool pending;            /* a PASSWORD keyword ended the line: its value may follow */
} scan_state;

/* How far back mask_line_spans reads for a key or an open quote. */
#define MASK_LOOKBACK_LINES 8
#define MASK_LOOKBACK_BYTES 4096

/* How much of a line is scanned: a snippet shows 400 bytes, and a
 * minified file's megabyte lines with many findings each must not cost
 * their length per finding. */
#define MASK_MAX_LINE 65536

/* Secrets shorter than this are masked whole; longer keep their first two
 * bytes (as the rules' redacted messages do). */
#define MASK_KEEP_FROM 8
#define MASK_KEEP 2

/* The shortest value of mask_message's list worth looking for. */
#define MASK_MIN_VALUE 6

void
mask_free_patterns(void)
{
    size_t i;

    patterns_pending = NULL;
    if (!patterns_ready)
        return;
    for (i = 0; i < patterns.len; i++) {
        mask_pattern *p = util_vec_at(&patterns, i);

        pcre2_match_data_free(p->md);
        pcre2_code_free(p->code);
        free(p->keywords);
    }
    util_vec_free(&patterns);
    patterns_ready = false;
}

static void
add_pattern(const cfg_node *item)
{
    const cfg_node *re = cfg_get(item, "regex"), *group = cfg_get(item, "group");
    const cfg_node *kw = cfg_get(item, "keywords");
    pcre2_code *code;
    mask_pattern *p;
    PCRE2_SIZE off;
    int errcode;
    char *c;

    if (re == NULL || re->kind != CFG_SCALAR)
        return;
    code = pcre2_compile((PCRE2_SPTR) re->scalar, PCRE2_ZERO_TERMINATED,
                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &off, NULL);
    if (code == NULL)
        return;
    /* As the host does: valgrind cannot follow JIT code. */
    if (getenv("PGRAMPART_NO_JIT") == NULL)
        (void) pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    p = util_vec_push(&patterns);
    p->code = code;
    p->md = pcre2_match_data_create_from_pattern(code, NULL);
    p->group = group && group->kind == CFG_SCALAR ? atoi(group->scalar) : 0;
    p->keywords = kw && kw->kind == CFG_SCALAR && kw->scalar[0] ? util_xstrdup(kw->scalar) : NULL;
    for (c = p->keywords; c && *c; c++)
        *c = (char) tolower((unsigned char) *c);
}

/*
 * Compiling (and JIT-compiling) the packs' patterns is a few per cent of a
 * run that checks one migration (issue 15, pre-commit latency), and only a
 * printed or fingerprinted finding needs them: they are compiled when the
 * first line is masked.
 */
void
mask_load_patterns(const util_vec *rulepacks)
{
    mask_free_patterns();
    patterns_pending = rulepacks;
}

/* Compile the patterns of patterns_pending's packs. */
static void
compile_patterns(void)
{
    const util_vec *rulepacks = patterns_pending;
    size_t i, k;

    patterns_pending = NULL;
    util_vec_init(&patterns, sizeof(mask_pattern));
    patterns_ready = true;
    for (i = 0; rulepacks && i < rulepacks->len; i++) {
        const cfg_node *root = *(cfg_node **) util_vec_at(rulepacks, i);
        const cfg_node *l = cfg_get(cfg_get(root, "secrets"), "patterns");

        for (k = 0; l && l->kind == CFG_SEQ && k < l->n; k++)
            add_pattern(l->items[k]);
    }
}

static void
add_span(util_vec *spans, size_t start, size_t end)
{
    mask_span *s;

    if (end <= start)
        return;
    s = util_vec_push(spans);
    s->start = start;
    s->end = end;
}

static bool
is_key_char(char c)
{
    return isalnum((unsigned char) c) || c == '_' || c == '.' || c == '-';
}

static bool
is_quote(char c)
{
    return c == '\'' || c == '"' || c == '`';
}

/* The last component of a key (after '_', '.', '-' or a camelCase hump),
 * lower-cased into buf. */
static void
last_component(const char *k, size_t n, char *buf, size_t bufsize)
{
    size_t i = n, j;

    while (i > 0 && !strchr("_.-", k[i - 1])) {
        i--;
        if (i > 0 && isupper((unsigned char) k[i]) && islower((unsigned char) k[i - 1]))
            break;   /* a hump: k[i] starts the component */
    }
    for (j = 0; i < n && j + 1 < bufsize; i++, j++)
        buf[j] = (char) tolower((unsigned char) k[i]);
    buf[j] = '\0';
}

/*
 * Whether a key names a secret: it holds a secret word and its last
 * component does not say it names something else (a file, a length, the
 * hashing method...).  POSTGRES_PASSWORD_FILE and password_encryption are
 * settings, not secrets.
 */
static bool
secret_named(const char *k, size_t n)
{
    static const char *const words[] = {
        "passw", "pwd", "secret", "token", "passphrase", "credential", "apikey", "api_key",
        "api-key", "private_key", "privatekey", "access_key", "auth_key", "ldapbindpasswd", NULL
    };
    static const char *const not_secret[] = {
        "file", "path", "dir", "name", "url", "uri", "ref", "id", "type", "length", "len", "size",
        "count", "enabled", "header", "encryption", "command", "cmd", "method", "timeout",
        "policy", "prompt", "label", "field", "format", "expiry", "expires", "ttl", "lifetime",
        "required", "env", NULL
    };
    char low[128], last[64];
    size_t i;

    if (n == 0 || n >= sizeof low)
        return false;
    for (i = 0; i < n; i++)
        low[i] = (char) tolower((unsigned char) k[i]);
    low[n] = '\0';
    /* The shell's working directory, not a password. */
    if (strcmp(low, "pwd") == 0 || strcmp(low, "oldpwd") == 0)
        return false;
    for (i = 0; words[i] && !strstr(low, words[i]); i++)
        ;
    if (words[i] == NULL) {
        /* *_KEY, *-KEY: API_KEY, STRIPE_KEY, SIGNING_KEY. */
        if (n < 5 || !(strcmp(low + n - 4, "_key") == 0 || strcmp(low + n - 4, "-key") == 0))
            return false;
    }
    last_component(k, n, last, sizeof last);
    for (i = 0; not_secret[i]; i++)
        if (strcmp(last, not_secret[i]) == 0)
            return false;
    return true;
}

/* Whether a quoted string (or SQL's E'...') starts at t[j]. */
static bool
starts_quoted(const char *t, size_t j, size_t e)
{
    return is_quote(t[j]) || ((t[j] == 'E' || t[j] == 'e') && j + 1 < e && t[j + 1] == '\'');
}

/* Whether only blanks (or "export") precede position k on the line from s. */
static bool
first_on_line(const char *t, size_t s, size_t k)
{
    while (s < k && (t[s] == ' ' || t[s] == '\t'))
        s++;
    if (k - s > 7 && strncmp(t + s, "export", 6) == 0 && (t[s + 6] == ' ' || t[s + 6] == '\t')) {
        s += 7;
        while (s < k && (t[s] == ' ' || t[s] == '\t'))
            s++;
    }
    return s == k;
}

/* Offset of the quote closing a string opened before i, or e when the line
 * ends first.  Backslash escapes, and a doubled '' (SQL) continues. */
static size_t
closing_quote(const char *t, size_t i, size_t e, char q)
{
    while (i < e) {
        if (t[i] == '\\' && q != '`' && i + 1 < e) {
            i += 2;
            continue;
        }
        if (t[i] == q) {
            if (q == '\'' && i + 1 < e && t[i + 1] == '\'') {
                i += 2;
                continue;
            }
            return i;
        }
        i++;
    }
    return e;
}

/* Mask a quoted value whose opening quote is at t[j]; returns where the
 * scan goes on. */
static size_t
quoted_value(const char *t, size_t j, size_t e, scan_state *st, util_vec *spans)
{
    char q = t[j];
    size_t close = closing_quote(t, j + 1, e, q);

    add_span(spans, j + 1, close);
    if (close >= e) {
        /* Unterminated: the rest of the line, and what follows, is the secret. */
        st->quote = q;
        return e;
    }
    return close + 1;
}

/*
 * Mask the value of a secret-named key starting at t[j] (after its
 * separator and blanks).  sep is '=', ':' or ' '; to_eol says an unquoted
 * value runs to the end of the line (KEY value, KEY=value lines of env
 * files) instead of to the next blank.  Returns where the scan goes on.
 */
static size_t
key_value(const char *t, size_t j, size_t e, char sep, bool to_eol, scan_state *st,
          util_vec *spans)
{
    static const char *const refs[] = {
        "process.env", "os.environ", "os.getenv", "import.meta.env", "getenv(", "ENV[", NULL
    };
    size_t v = j, end, r;

    /* References name a secret kept elsewhere: ${VAR}, $VAR, $(cmd),
     * process.env.X. */
    if (t[j] == '$' && j + 1 < e && t[j + 1] != '$')
        return j + 1;
    for (r = 0; refs[r]; r++)
        if (e - j >= strlen(refs[r]) && strncmp(t + j, refs[r], strlen(refs[r])) == 0)
            return j + strlen(refs[r]);
    if ((t[j] == 'E' || t[j] == 'e') && j + 1 < e && t[j + 1] == '\'')
        j++;
    if (is_quote(t[j]))
        return quoted_value(t, j, e, st, spans);
    end = v;
    if (to_eol || sep == ':') {
        while (end < e && !(t[end] == '#' && end > v && (t[end - 1] == ' ' || t[end - 1] == '\t')) &&
               !(sep == ':' && !to_eol && (t[end] == ',' || t[end] == '}')))
            end++;
        while (end > v && isspace((unsigned char) t[end - 1]))
            end--;
    } else {
        while (end < e && !isspace((unsigned char) t[end]) && !is_quote(t[end]) && t[end] != ';' &&
               t[end] != '&')
            end++;
    }
    add_span(spans, v, end);
    return end;
}

/* What follows a secret-named key t[ks, ke): a separator and a value, a
 * blank and a quoted value, or (at a line start) a blank and a value.
 * Returns where the scan goes on. */
static size_t
after_key(const char *t, size_t s, size_t ks, size_t ke, size_t e, bool prose, scan_state *st,
          util_vec *spans)
{
    size_t j = ke;
    bool gap, first = first_on_line(t, s, ks);
    char sep;

    /* A quoted key: "password": "x". */
    if (j < e && is_quote(t[j]) && ks > s && t[ks - 1] == t[j])
        j++;
    while (j < e && (t[j] == ' ' || t[j] == '\t'))
        j++;
    gap = j > ke;
    if (j >= e) {
        /* SQL: PASSWORD at the end of a line, its string on the next. */
        if (!prose && ke - ks == 8 && strncasecmp(t + ks, "password", 8) == 0)
            st->pending = true;
        return e;
    }
    if (t[j] == '=') {
        if (j + 1 < e && t[j + 1] == '>')
            return j + 2;    /* an arrow function, not a value */
        while (j < e && t[j] == '=')
            j++;
        sep = '=';
        /* "x = y" away from a line start is code: an assignment of an
         * expression, masked only when it is a quoted literal. */
        if (gap && !first && j + 1 < e && t[j] == ' ' && !starts_quoted(t, j + 1, e))
            return j;
    } else if (t[j] == ':' && !prose) {
        if (j + 1 < e && t[j + 1] == ':')
            return j + 2;    /* a cast: password::text */
        if (gap && j + 1 < e && (is_quote(t[j + 1]) || isalpha((unsigned char) t[j + 1])))
            return j + 1;    /* a psql variable: PASSWORD :'pw' */
        j++;
        if (j < e && t[j] == '=')
            j++;
        sep = ':';
    } else if (gap && starts_quoted(t, j, e)) {
        return key_value(t, j, e, ' ', false, st, spans);
    } else if (gap && first && !prose) {
        return key_value(t, j, e, ' ', true, st, spans);
    } else {
        return j;
    }
    while (j < e && (t[j] == ' ' || t[j] == '\t'))
        j++;
    if (j >= e)
        return e;
    return key_value(t, j, e, sep, first && sep == '=' && !prose, st, spans);
}

/* Secret-named keys and their values on the line t[s, e). */
static void
scan_keys(const char *t, size_t s, size_t e, bool prose, scan_state *st, util_vec *spans)
{
    size_t i = s, k;

    if (st->quote) {
        char q = st->quote;
        size_t close = closing_quote(t, s, e, q);

        add_span(spans, s, close);
        if (close >= e)
            return;
        st->quote = 0;
        i = close + 1;
    } else if (st->pending) {
        while (i < e && (t[i] == ' ' || t[i] == '\t'))
            i++;
        if (i < e) {
            st->pending = false;
            if (starts_quoted(t, i, e))
                i = quoted_value(t, is_quote(t[i]) ? i : i + 1, e, st, spans);
        }
    }
    while (i < e) {
        if (!is_key_char(t[i]) || (i > s && is_key_char(t[i - 1]))) {
            i++;
            continue;
        }
        for (k = i; k < e && is_key_char(t[k]); k++)
            ;
        /* A rule id (secrets/hardcoded-password) or a path is not a key. */
        if ((i == s || t[i - 1] != '/') && secret_named(t + i, k - i)) {
            size_t next = after_key(t, s, i, k, e, prose, st, spans);

            i = next > k ? next : k;
        } else {
            i = k;
        }
    }
}

/* The password of each scheme://user:PASS@host on the line t[s, e). */
static void
scan_urls(const char *t, size_t s, size_t e, util_vec *spans)
{
    size_t p, a, end, slash, at, colon, i;

    for (p = s + 1; p + 3 <= e; p++) {
        if (!(t[p] == ':' && t[p + 1] == '/' && t[p + 2] == '/' && isalnum((unsigned char) t[p - 1])))
            continue;
        a = p + 3;
        for (end = a; end < e && !isspace((unsigned char) t[end]) && !is_quote(t[end]) &&
             t[end] != '<' && t[end] != '>'; end++)
            ;
        for (slash = a; slash < end && !strchr("/?#", t[slash]); slash++)
            ;
        for (at = slash; at > a && t[at - 1] != '@'; at--)
            ;
        if (at > a) {
            at--;
        } else {
            /* An unencoded '/' or '?' in the password: the last '@' of the
             * token, unless what precedes the '/' is a port. */
            for (at = end; at > slash && t[at - 1] != '@'; at--)
                ;
            if (at <= slash)
                continue;
            at--;
            for (colon = a; colon < slash && t[colon] != ':'; colon++)
                ;
            for (i = colon + 1; i < slash && isdigit((unsigned char) t[i]); i++)
                ;
            if (colon >= slash || i == slash)
                continue;
        }
        for (colon = a; colon < at && t[colon] != ':'; colon++)
            ;
        if (colon < at)
            add_span(spans, colon + 1, at);
        p = end > p ? end - 1 : p;
    }
}

/* Mask every occurrence of value (n bytes) in t[s, e). */
static void
mask_occurrences(const char *t, size_t s, size_t e, const char *value, size_t n, util_vec *spans)
{
    const char *hit;

    while (n > 0 && s < e && (hit = memmem(t + s, e - s, value, n)) != NULL) {
        add_span(spans, (size_t) (hit - t), (size_t) (hit - t) + n);
        s = (size_t) (hit - t) + n;
    }
}

/* If t[a, b) is a key=value conninfo with a password, as libpq reads it,
 * mask that password wherever it is on the line t[s, e). */
static void
try_conninfo(const char *t, size_t a, size_t b, size_t s, size_t e, util_vec *spans)
{
    char *cand = util_xstrndup(t + a, b - a), *err = NULL;
    PQconninfoOption *opts, *o;

    if (strcasestr(cand, "password") == NULL || strchr(cand, '=') == NULL ||
        strstr(cand, "://") != NULL) {
        free(cand);
        return;
    }
    opts = pqlib_conninfo_parse(cand, &err);
    for (o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val)
            mask_occurrences(t, s, e, o->val, strlen(o->val), spans);
    pqlib_conninfo_free(opts);
    pqlib_freemem(err);
    free(cand);
}

/* Conninfo passwords on the line t[s, e): the line, what follows its first
 * '=' (KEY=conninfo) and each quoted string are tried as conninfo. */
static void
scan_conninfo(const char *t, size_t s, size_t e, util_vec *spans)
{
    const char *eq;
    size_t i, close;

    if (memmem(t + s, e - s, "assword", 7) == NULL && memmem(t + s, e - s, "ASSWORD", 7) == NULL)
        return;
    try_conninfo(t, s, e, s, e, spans);
    if ((eq = memchr(t + s, '=', e - s)) != NULL)
        try_conninfo(t, (size_t) (eq - t) + 1, e, s, e, spans);
    for (i = s; i < e; i++) {
        if (t[i] != '\'' && t[i] != '"')
            continue;
        close = closing_quote(t, i + 1, e, t[i]);
        try_conninfo(t, i + 1, close, s, e, spans);
        i = close;
    }
}

/* Whether one of the comma-separated keywords is in low (n bytes). */
static bool
has_keyword(const char *keywords, const char *low, size_t n)
{
    const char *k = keywords;

    while (k && *k) {
        size_t len = strcspn(k, ",");

        if (len > 0 && memmem(low, n, k, len) != NULL)
            return true;
        k += len + (k[len] == ',');
    }
    return keywords == NULL;
}

/* The rule packs' secret patterns on the line t[s, e). */
static void
scan_patterns(const char *t, size_t s, size_t e, util_vec *spans)
{
    char *low;
    size_t i, k;

    if (patterns_pending != NULL)
        compile_patterns();
    if (!patterns_ready || patterns.len == 0 || e <= s)
        return;
    low = util_xstrndup(t + s, e - s);
    for (i = 0; i < e - s; i++)
        low[i] = (char) tolower((unsigned char) low[i]);
    for (k = 0; k < patterns.len; k++) {
        const mask_pattern *p = util_vec_at(&patterns, k);
        PCRE2_SIZE off = 0, *ov;
        int rc, g;

        if (!has_keyword(p->keywords, low, e - s))
            continue;
        while (off <= e - s &&
               (rc = pcre2_match(p->code, (PCRE2_SPTR) (t + s), e - s, off, 0, p->md, NULL)) > 0) {
            ov = pcre2_get_ovector_pointer(p->md);
            g = p->group >= 0 && p->group < rc && ov[2 * p->group] != PCRE2_UNSET ? p->group : 0;
            add_span(spans, s + ov[2 * g], s + ov[2 * g + 1]);
            off = ov[1] > off ? ov[1] : off + 1;
        }
    }
    free(low);
}

static void
scan_line(const char *t, size_t s, size_t e, bool prose, scan_state *st, util_vec *spans)
{
    scan_keys(t, s, e, prose, st, spans);
    scan_urls(t, s, e, spans);
    scan_conninfo(t, s, e, spans);
    scan_patterns(t, s, e, spans);
}

void
mask_line_spans(const char *text, size_t len, size_t start, size_t end, util_vec *spans)
{
    scan_state st = { 0, false };
    util_vec scratch;
    size_t from = start, n, e;

    if (start > len || end > len || end < start)
        return;
    if (end - start > MASK_MAX_LINE)
        end = start + MASK_MAX_LINE;
    /* Back a few lines, then read forward to the line for the key state. */
    for (n = 0; n < MASK_LOOKBACK_LINES && from > 0 && start - from < MASK_LOOKBACK_BYTES; n++) {
        from--;
        while (from > 0 && text[from - 1] != '\n' && start - from < MASK_LOOKBACK_BYTES)
            from--;
    }
    util_vec_init(&scratch, sizeof(mask_span));
    while (from < start) {
        for (e = from; e < start && text[e] != '\n'; e++)
            ;
        scan_keys(text, from, e, false, &st, &scratch);
        from = e + 1;
    }
    util_vec_free(&scratch);
    scan_line(text, start, end, false, &st, spans);
}

void
mask_prose_spans(const char *s, size_t len, util_vec *spans)
{
    scan_state st = { 0, false };
    size_t i = 0, e;

    while (i < len) {
        for (e = i; e < len && s[e] != '\n'; e++)
            ;
        scan_line(s, i, e, true, &st, spans);
        i = e + 1;
    }
}

void
mask_apply(char *buf, size_t buf_len, size_t base, const util_vec *spans)
{
    size_t i, c;

    for (i = 0; i < spans->len; i++) {
        const mask_span *sp = util_vec_at(spans, i);

        c = sp->start + (sp->end - sp->start >= MASK_KEEP_FROM ? MASK_KEEP : 0);
        for (; c < sp->end; c++)
            if (c >= base && c - base < buf_len && buf[c - base] != '\n')
                buf[c - base] = '*';
    }
}

char *
mask_message(const char *s, const util_vec *values)
{
    size_t len = strlen(s), i;
    char *out = util_xstrdup(s);
    util_vec spans;

    util_vec_init(&spans, sizeof(mask_span));
    mask_prose_spans(s, len, &spans);
    for (i = 0; values && i < values->len; i++) {
        const char *v = *(char **) util_vec_at(values, i);

        if (strlen(v) >= MASK_MIN_VALUE)
            mask_occurrences(s, 0, len, v, strlen(v), &spans);
    }
    mask_apply(out, len, 0, &spans);
    util_vec_free(&spans);
    return out;
}

/* The code point of the valid UTF-8 sequence at s (left bytes), setting
 * *n to its length; returns -1 (and *n = 1) for an invalid byte. */
static long
decode_utf8(const unsigned char *s, size_t left, size_t *n)
{
    size_t need = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4, i;
    long cp;

    *n = 1;
    if (need > left || util_utf8_invalid_at((const char *) s, need) != -1)
        return -1;
    cp = need == 1 ? s[0] : need == 2 ? (s[0] & 0x1F) : need == 3 ? (s[0] & 0x0F) : (s[0] & 0x07);
    for (i = 1; i < need; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    *n = need;
    return cp;
}

/* Format characters that reorder or break what a reader sees. */
static bool
is_format_char(long cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

char *
mask_escape(const char *s, size_t n, int flags)
{
    const unsigned char *u = (const unsigned char *) s;
    util_buf b;
    size_t i = 0, k;
    long cp;

    util_buf_init(&b);
    while (i < n) {
        cp = decode_utf8(u + i, n - i, &k);
        if (cp < 0)
            util_buf_printf(&b, "\\x%02x", u[i]);
        else if (cp == '\n')
            util_buf_puts(&b, "\\n");
        else if (cp == '\r')
            util_buf_puts(&b, "\\r");
        else if (cp == '\t')
            util_buf_puts(&b, (flags & MASK_ESC_TABS) ? "\\t" : "\t");
        else if (cp < 0x20 || cp == 0x7F)
            util_buf_printf(&b, "\\x%02lx", cp);
        else if ((cp >= 0x80 && cp <= 0x9F) || is_format_char(cp))
            util_buf_printf(&b, "\\u%04lX", cp);
        else
            util_buf_append(&b, s + i, k);
        i += k;
    }
    return b.data;
}
