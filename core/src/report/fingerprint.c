/*
 * fingerprint.c — see fingerprint.h.
 */
#include "report/fingerprint.h"

#include <ctype.h>
#include <stdlib.h>

/* The source line of f, masked, NUL-terminated in a new string (NULL when
 * none). */
static char *
source_line(const diag_store *ds, const diag_finding *f, diag_text_fn text_fn, void *text_arg,
            diag_line_cursor *cur)
{
    size_t len, start, end;
    const char *text = (text_fn && f->path) ? text_fn(text_arg, f->path, &len) : NULL;

    if (!diag_find_line(cur, text, text ? len : 0, f->line, &start, &end))
        return NULL;
    return diag_mask_line(ds, f->path, f->line, text, len, start, end);
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char) *s;
        h *= 1099511628211ULL;
    }
    return h;
}

char *
report_fingerprint(const diag_store *ds, const diag_finding *f, diag_text_fn text_fn,
                   void *text_arg, diag_line_cursor *cur, char *buf)
{
    uint64_t h = 14695981039346656037ULL;
    char *line = source_line(ds, f, text_fn, text_arg, cur), *w, *r;

    h = fnv1a(h, f->rule_id);
    h = fnv1a(h, "\x1f");
    h = fnv1a(h, f->path ? f->path : f->object);
    h = fnv1a(h, "\x1f");
    if (line) {
        /* Fold white space so that re-indentation keeps the fingerprint. */
        for (r = w = line; *r; r++)
            if (!isspace((unsigned char) *r))
                *w++ = *r;
        *w = '\0';
        h = fnv1a(h, line);
        free(line);
    } else {
        h = fnv1a(h, f->message);
    }
    snprintf(buf, 17, "%016llx", (unsigned long long) h);
    return buf;
}
