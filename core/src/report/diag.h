/*
 * diag.h — findings: the store every front-end and plugin reports into, and
 * what every reporter (reporter.h) shares to print them safely: line lookup,
 * masking of secrets, escaping of control characters.
 */
#ifndef PGR_DIAG_H
#define PGR_DIAG_H

#include <stdio.h>

#include "pgrampart/plugin.h"
#include "util.h"

/* A finding as stored by the host: every string is owned by the store. */
typedef struct diag_finding {
    char *rule_id;
    pgr_severity severity;
    char *path;          /* NULL for object-only findings */
    uint32_t line, column, end_line, end_column;
    char *object;        /* NULL for file findings */
    char *message;
    char *hint;          /* may be NULL */
    bool has_secret;
    uint32_t secret_line, secret_column, secret_end_column;
    bool keep_severity;  /* PGR_REPORT_KEEP_SEVERITY: not capped by path role */
    const char *role;    /* static: its file's path role when not production
                          * ("test", "example", "docs"), else NULL */
} diag_finding;

/* The store: a growable list of findings plus run totals. */
typedef struct diag_store {
    util_vec findings;   /* of diag_finding */
    size_t files;        /* files examined, for the summary */
    size_t statements;   /* SQL statements parsed */
    size_t suppressed;   /* findings an inline suppression hid */
    size_t baselined;    /* findings --baseline hid */
    const char *subject; /* what was checked instead of files ("database x"), or NULL */
    /* audit --inventory (report_inventory), printed by the text and JSON
     * reporters; NULL when not asked for.  Owned by whoever set it. */
    struct json_t *inventory;
    /* The findings that declare a secret span, as indices sorted by path
     * and secret line, so that masking a printed line looks up its spans
     * in O(log n) rather than scanning every finding (a file with 20,000
     * findings printed line by line was quadratic).  Built on first use,
     * for the findings vector as it was then (index_len, index_items). */
    size_t *secret_index;
    size_t n_secret_index;
    size_t index_len;
    const void *index_items;
} diag_store;

void diag_init(diag_store *ds);
/* Free the strings of one finding (not the finding itself). */
void diag_finding_free(diag_finding *f);
void diag_free(diag_store *ds);

/* Copy a finding into the store with the given effective severity.  A
 * secret span that does not lie on a single line is widened to its line. */
void diag_add(diag_store *ds, const pgr_finding *f, pgr_severity severity, const char *hint);

/* The finding diag_add added last (owned by the store); ds must not be empty. */
diag_finding *diag_last(diag_store *ds);

/* Sort by path, line, column, rule id (object findings last, by object). */
void diag_sort(diag_store *ds);

/* Count the findings of each severity (info and anything below warning
 * count as info). */
void diag_tally(const diag_store *ds, size_t *errors, size_t *warnings, size_t *infos);

/* Count findings at or above severity. */
size_t diag_count_at_least(const diag_store *ds, pgr_severity severity);

/* Name of a severity ("error", "warning", "info", "off"). */
const char *diag_severity_name(pgr_severity s);
/* Parse a severity name; returns -1 for unknown names. */
int diag_severity_parse(const char *name);

/*
 * Lookup of a file's text for snippets: returns the bytes and sets *len, or
 * NULL when the file is not available.
 */
typedef const char *(*diag_text_fn)(void *arg, const char *path, size_t *len);


/* The most of a source line a text snippet shows, in bytes. */
#define DIAG_SNIPPET_MAX 400
/* How far past what is shown (or around a finding's column) the masker
 * reads, in bytes: a secret straddling the cut is still recognised. */
#define DIAG_MASK_MARGIN 2048

/* Where diag_find_line last found a line, so that a walk over findings
 * sorted by line reads each text once.  Start it zeroed; valid while the
 * texts it saw are. */
typedef struct diag_line_cursor {
    const char *text;
    size_t len;
    uint32_t line;
    size_t start, end;       /* of that line */
} diag_line_cursor;

/*
 * Find line lineno (1-based) of text (len bytes): sets [*start, *end), the
 * byte offsets of its first byte and of its '\n' (or len).  cur may be
 * NULL; with one, the search goes on from the line it last found in the
 * same text.  Returns false when text is NULL, lineno is 0 or the text has
 * fewer lines.
 */
bool diag_find_line(diag_line_cursor *cur, const char *text, size_t len, uint32_t lineno,
                    size_t *start, size_t *end);

/*
 * Copy the line text[start, end) (line lineno of path; text is the whole
 * file, len bytes) into a new string with its secrets masked: the spans
 * the store's findings declared on it, then every secret the masker
 * (mask.h) finds.  A masked secret keeps its first 2 bytes when it is 8
 * bytes or longer; the length is kept.  Caller frees.
 */
char *diag_mask_line(const diag_store *ds, const char *path, uint32_t lineno, const char *text,
                     size_t len, size_t start, size_t end);

/*
 * Mask, in place, the message, hint and object of every finding: the
 * secrets the masker finds in them, and every secret value of the
 * finding's source line (a syntax error quotes the token it stopped at).
 * Call once before printing in any format; text_fn may be NULL.
 */
void diag_mask_findings(diag_store *ds, diag_text_fn text_fn, void *text_arg);

/* Write s to out with its control characters escaped (mask_escape, tabs
 * too): for names and messages on one line. */
void diag_put_safe(FILE *out, const char *s);

/* Print "pgrampart: msg" and a newline to out, msg masked and its control
 * characters escaped (one trailing newline of msg is dropped). */
void diag_print_error(FILE *out, const char *msg);

#endif
