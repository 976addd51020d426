/*
 * suppress.c — see suppress.h.
 */
#include "scan/suppress.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Largest migration file read again for its suppressions (as check reads). */
#define SUPPRESS_MAX_FILE_BYTES (64u << 20)

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
    /* By spans: the run has freed the statements (sql_file_release); the
     * file's own line index has the SQL's lines (same offsets). */
    for (k = 0; k < sql_file_n_statements(&f->sql); k++) {
        size_t start, end;
        uint32_t l, c;

        sql_file_span(&f->sql, k, &start, &end);
        if (start <= offset)
            continue;
        util_lines_pos(&f->lines, start, &s->from_line, &c);
        util_lines_pos(&f->lines, end > start ? end - 1 : start, &l, &c);
        s->to_line = l;
        return;
    }
}

/* The length of the line comment marker of f's front-end that t[0, n)
 * starts with (its own, or one of those of the languages it embeds), or 0. */
static size_t
marker_at(const check_file *f, const char *t, size_t n)
{
    size_t k, ml = strlen(f->fe->comment);

    if (n > ml && strncmp(t, f->fe->comment, ml) == 0)
        return ml;
    for (k = 0; k < sizeof f->fe->more_comments / sizeof f->fe->more_comments[0] &&
         f->fe->more_comments[k] != NULL; k++) {
        ml = strlen(f->fe->more_comments[k]);
        if (n > ml && strncmp(t, f->fe->more_comments[k], ml) == 0)
            return ml;
    }
    return 0;
}

static void
scan_file(const check_file *f, util_vec *out)
{
    /* Each front-end's own line comment: "--", "#", "//". */
    const char *t = f->text;
    size_t i = 0, ml;
    uint32_t line = 0;

    while (i < f->len) {
        size_t eol = i, p;

        while (eol < f->len && t[eol] != '\n')
            eol++;
        line++;
        p = i;
        while (p < eol && (t[p] == ' ' || t[p] == '\t'))
            p++;
        if ((ml = marker_at(f, t + p, eol - p)) > 0) {
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

/* Whether a rule is off in the file at path (rules: off, --select,
 * --ignore, or an override for that path). */
static bool
rule_off_at(const host *h, const host_rule *r, const char *path)
{
    return r->cli_off ||
           config_rule_severity(h->cfg, path, r->rule->id, r->severity) == PGR_SEVERITY_OFF;
}

/*
 * Whether every rule a suppression at path lists is turned off there, so
 * that it hides nothing because nothing is reported — not because it is
 * stale (a narrow --select must not make every other suppression
 * "unused").  A listed id that names no loaded rule is a typo: false.
 */
static bool
lists_only_rules_off(const host *h, const char *list, const char *path)
{
    char *copy = util_xstrdup(list), *save = NULL, *tok;
    bool all_off = true;
    size_t i;

    for (tok = strtok_r(copy, ",", &save); tok && all_off; tok = strtok_r(NULL, ",", &save)) {
        bool any = false;

        for (i = 0; i < h->rules.len && all_off; i++) {
            const host_rule *r = util_vec_at(&h->rules, i);

            if (rule_listed(tok, r->rule->id)) {
                any = true;
                all_off = rule_off_at(h, r, path);
            }
        }
        all_off = all_off && any;
    }
    free(copy);
    return all_off;
}

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
        if (hidden) {
            diag_finding_free(f);
            ds->suppressed++;
        } else
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
        } else if (!s->used && !lists_only_rules_off(run->host, s->rules, s->path)) {
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

/*
 * The audit (audit --migrations DIR): a migration's pgrampart-ignore applies
 * to the live findings on the objects the statements it covers define, so a
 * reviewed exception is not reported again by the audit.  A statement
 * defines the table, view, policy, role, function, extension or grant whose
 * model location it is (for a table also its ENABLE ROW LEVEL SECURITY);
 * its object is named as the live model names it (live.c: "db:schema.name",
 * "db:schema.table policy name", "role:name", "db:schema.name()").
 */
typedef struct object_ref {
    const pgr_location *loc;   /* the defining statement (points into the model) */
    char *key;                 /* the live finding's object */
} object_ref;

typedef struct object_key {
    const char *key;     /* an object_ref's key */
    size_t sup;          /* index of the suppression covering its statement */
} object_key;

static void
add_ref(util_vec *refs, const pgr_location *loc, char *key)
{
    object_ref *r = util_vec_push(refs);

    r->loc = loc;
    r->key = key;
}

/* Every object of the migrations' model with its defining statement. */
static void
model_objects(model *m, util_vec *refs)
{
    size_t i;

    /* No removed element (model.gone) in the loops below. */
    model_compact(m);
    for (i = 0; i < m->tables.len; i++) {
        const pgr_table *t = util_vec_at(&m->tables, i);

        add_ref(refs, &t->location, util_xasprintf("db:%s.%s", t->schema, t->name));
        add_ref(refs, &t->rls_location, util_xasprintf("db:%s.%s", t->schema, t->name));
    }
    for (i = 0; i < m->views.len; i++) {
        const pgr_view *v = util_vec_at(&m->views, i);

        add_ref(refs, &v->location, util_xasprintf("db:%s.%s", v->schema, v->name));
    }
    for (i = 0; i < m->policies.len; i++) {
        const pgr_policy *p = util_vec_at(&m->policies, i);

        add_ref(refs, &p->location, util_xasprintf("db:%s.%s policy %s", p->schema, p->table, p->name));
    }
    for (i = 0; i < m->roles.len; i++) {
        const pgr_role *r = util_vec_at(&m->roles, i);

        add_ref(refs, &r->location, util_xasprintf("role:%s", r->name));
    }
    for (i = 0; i < m->functions.len; i++) {
        const pgr_function *f = model_function_at(m, i);

        add_ref(refs, &f->location, util_xasprintf("db:%s.%s(%s)", f->schema, f->name,
                                                   model_function_args(m, i)));
    }
    for (i = 0; i < m->acl.len; i++) {
        const pgr_acl_item *a = util_vec_at(&m->acl, i);

        add_ref(refs, &a->location, util_xasprintf("db:%s", a->object));
    }
    for (i = 0; i < m->objects.len; i++) {
        const pgr_object *o = util_vec_at(&m->objects, i);

        if (o->kind == 'e')
            add_ref(refs, &o->location, util_xasprintf("db:extension %s", o->name));
    }
}

/* The keys of the objects whose defining statement a suppression covers. */
static void
object_keys(const util_vec *refs, const util_vec *sups, util_vec *keys)
{
    size_t i, k;

    for (i = 0; i < refs->len; i++) {
        const object_ref *r = util_vec_at(refs, i);

        for (k = 0; k < sups->len; k++) {
            const suppression *s = util_vec_at(sups, k);

            if (r->loc->path && strcmp(r->loc->path, s->path) == 0 && (!require_reason || s->has_reason) &&
                (s->file_wide || (r->loc->line >= s->from_line && r->loc->line <= s->to_line))) {
                object_key *o = util_vec_push(keys);

                o->key = r->key;
                o->sup = k;
            }
        }
    }
}

/* The suppressions written in the SQL file at path (read again: the
 * migration set's run is over).  Unreadable files hold none. */
static void
scan_migration(const char *path, util_vec *sups)
{
    check_file f;
    const char *err;

    memset(&f, 0, sizeof f);
    f.fe = frontends_by_name("sql");
    if (f.fe == NULL || util_read_file(path, SUPPRESS_MAX_FILE_BYTES, &f.text, &f.len, &err) != 0)
        return;
    f.path = (char *) path;
    util_lines_build(&f.lines, f.text, f.len);
    sql_file_parse(&f.sql, path, f.text, f.len);
    f.parsed_sql = true;
    scan_file(&f, sups);
    sql_file_free(&f.sql);
    util_lines_free(&f.lines);
    free(f.text);
}

static int
cmp_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Scan each distinct file the objects were defined in, once (sorted, so
 * that thousands of objects cost n log n, not n^2). */
static void
scan_migrations(const util_vec *refs, util_vec *sups)
{
    const char **paths = util_xcalloc(refs->len ? refs->len : 1, sizeof(char *));
    size_t i, n = 0;

    for (i = 0; i < refs->len; i++) {
        const char *path = ((const object_ref *) util_vec_at(refs, i))->loc->path;

        if (path)
            paths[n++] = path;
    }
    qsort(paths, n, sizeof(char *), cmp_path);
    for (i = 0; i < n; i++)
        if (i == 0 || strcmp(paths[i], paths[i - 1]) != 0)
            scan_migration(paths[i], sups);
    free(paths);
}

/* Whether finding f is hidden by a suppression: a file finding by the
 * lines it covers, an object finding through the objects' keys. */
static bool
audit_hidden(const diag_finding *f, util_vec *sups, const util_vec *keys)
{
    size_t k;

    for (k = 0; k < sups->len; k++) {
        suppression *s = util_vec_at(sups, k);

        if (covers(s, f))
            return true;
    }
    for (k = 0; f->object && k < keys->len; k++) {
        const object_key *o = util_vec_at(keys, k);
        const suppression *s = util_vec_at(sups, o->sup);

        if (strcmp(o->key, f->object) == 0 && rule_listed(s->rules, f->rule_id))
            return true;
    }
    return false;
}

void
suppress_apply_migrations(host *h, model *migrations)
{
    diag_store *ds = h->diags;
    util_vec sups, keys, refs;
    size_t i, keep = 0;

    require_reason = h->cfg->require_reason;
    util_vec_init(&sups, sizeof(suppression));
    util_vec_init(&keys, sizeof(object_key));
    util_vec_init(&refs, sizeof(object_ref));
    model_objects(migrations, &refs);
    scan_migrations(&refs, &sups);
    object_keys(&refs, &sups, &keys);
    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);

        if (audit_hidden(f, &sups, &keys)) {
            diag_finding_free(f);
            ds->suppressed++;
        } else
            *(diag_finding *) util_vec_at(&ds->findings, keep++) = *f;
    }
    ds->findings.len = keep;
    for (i = 0; i < sups.len; i++)
        free(((suppression *) util_vec_at(&sups, i))->rules);
    /* Suppressions' paths point into the model, keys into refs. */
    for (i = 0; i < refs.len; i++)
        free(((object_ref *) util_vec_at(&refs, i))->key);
    util_vec_free(&keys);
    util_vec_free(&sups);
    util_vec_free(&refs);
}
