/*
 * suppress.c — see suppress.h.
 */
#include "scan/suppress.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct suppression {
    const char *path;
    uint32_t line, column;        /* of the comment */
    char *rules;                  /* comma-separated, as written */
    bool has_reason;
    bool file_wide;
    uint32_t from_line, to_line;  /* the lines it covers */
    bool used;
} suppression;

/* Whether rule is in the comma-separated list (with a family followed by a slash and a star). */
static bool
rule_listed(const char *list, const char *rule)
{
    const char *p = list;

    while (*p) {
        size_t n = strcspn(p, ",");
        const char *s = p, *e = p + n;

        while (s < e && isspace((unsigned char) *s))
            s++;
        while (e > s && isspace((unsigned char) e[-1]))
            e--;
        if ((size_t) (e - s) == strlen(rule) && strncmp(s, rule, (size_t) (e - s)) == 0)
            return true;
        if (e - s >= 2 && e[-1] == '*' && e[-2] == '/' && strncmp(s, rule, (size_t) (e - s - 1)) == 0)
            return true;
        p += n;
        if (*p == ',')
            p++;
    }
    return false;
}

/* Lines covered by a suppression on comment line `line`: the next SQL
 * statement of a statements file, else the next line. */
static void
coverage(const check_file *f, size_t offset, uint32_t line, suppression *s)
{
    size_t k;

    s->from_line = s->to_line = line + 1;
    if (f->fe->output != FRONTEND_STATEMENTS || !f->parsed_sql)
        return;
    for (k = 0; k < f->sql.stmts.len; k++) {
        const sql_stmt *st = util_vec_at(&f->sql.stmts, k);
        uint32_t l, c;

        if (st->start <= offset)
            continue;
        util_lines_pos(&f->sql.lines, st->start, &s->from_line, &c);
        util_lines_pos(&f->sql.lines, st->end > st->start ? st->end - 1 : st->start, &l, &c);
        s->to_line = l;
        return;
    }
}

static void
scan_file(const check_file *f, util_vec *out)
{
    /* Each front-end's own line comment: "--", "#", "//". */
    const char *t = f->text, *marker = f->fe->comment;
    size_t i = 0, ml = strlen(marker);
    uint32_t line = 0;

    while (i < f->len) {
        size_t eol = i, p;

        while (eol < f->len && t[eol] != '\n')
            eol++;
        line++;
        p = i;
        while (p < eol && (t[p] == ' ' || t[p] == '\t'))
            p++;
        if (eol - p > ml && strncmp(t + p, marker, ml) == 0) {
            size_t q = p + ml, r;
            bool file_wide;

            while (q < eol && t[q] == ' ')
                q++;
            if (eol - q >= 16 && strncmp(t + q, "pgrampart-ignore", 16) == 0) {
                suppression *s;
                const char *colon;

                q += 16;
                file_wide = eol - q >= 5 && strncmp(t + q, "-file", 5) == 0;
                if (file_wide)
                    q += 5;
                s = util_vec_push(out);
                s->path = f->path;
                s->line = line;
                s->column = (uint32_t) (p - i + 1);
                s->file_wide = file_wide;
                colon = memchr(t + q, ':', eol - q);
                r = colon ? (size_t) (colon - t) : eol;
                while (q < r && isspace((unsigned char) t[q]))
                    q++;
                while (r > q && isspace((unsigned char) t[r - 1]))
                    r--;
                s->rules = util_xstrndup(t + q, r - q);
                if (colon) {
                    const char *reason = colon + 1;

                    while (reason < t + eol && isspace((unsigned char) *reason))
                        reason++;
                    s->has_reason = reason < t + eol;
                }
                if (!file_wide)
                    coverage(f, eol, line, s);
            }
        }
        i = eol + 1;
    }
}

static bool require_reason = true;

static bool
covers(const suppression *s, const diag_finding *f)
{
    if (f->path == NULL || strcmp(f->path, s->path) != 0 || (require_reason && !s->has_reason) ||
        !rule_listed(s->rules, f->rule_id))
        return false;
    return s->file_wide || (f->line >= s->from_line && f->line <= s->to_line);
}

void
suppress_apply(check_run *run)
{
    diag_store *ds = run->host->diags;
    util_vec sups;
    size_t i, k, keep = 0;

    require_reason = run->host->cfg->require_reason;
    util_vec_init(&sups, sizeof(suppression));
    for (i = 0; i < run->files.len; i++) {
        const check_file *f = util_vec_at(&run->files, i);

        if (f->text && !f->context)
            scan_file(f, &sups);
    }
    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);
        bool hidden = false;

        for (k = 0; k < sups.len && !hidden; k++) {
            suppression *s = util_vec_at(&sups, k);

            if (covers(s, f)) {
                s->used = true;
                hidden = true;
            }
        }
        if (hidden)
            diag_finding_free(f);
        else
            *(diag_finding *) util_vec_at(&ds->findings, keep++) = *f;
    }
    ds->findings.len = keep;
    for (k = 0; k < sups.len; k++) {
        suppression *s = util_vec_at(&sups, k);
        pgr_location loc;
        char *msg;

        memset(&loc, 0, sizeof loc);
        loc.path = s->path;
        loc.line = loc.end_line = s->line;
        loc.column = loc.end_column = s->column;
        if (require_reason && !s->has_reason) {
            msg = util_xasprintf("pgrampart-ignore%s of %s has no reason: write one after ':' "
                                 "(it is not applied)", s->file_wide ? "-file" : "", s->rules);
            host_report_core(run->host, "core/suppression-without-reason", &loc, msg);
        } else if (!s->used) {
            msg = util_xasprintf("pgrampart-ignore%s of %s suppresses nothing", s->file_wide ? "-file" : "",
                                 s->rules);
            host_report_core(run->host, "core/unused-suppression", &loc, msg);
        } else {
            free(s->rules);
            continue;
        }
        free(msg);
        free(s->rules);
    }
    util_vec_free(&sups);
}
