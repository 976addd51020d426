/*
 * run.c — the check's pipeline over the files discover.c found: read each
 * file, pair the SQL files into migration sets (migrations.c), hand each
 * file to its front-end, give the plugins their hooks (statements and value
 * files, each migration set and its replay, each schema model, the finish),
 * then drop what context files and suppressions hide.  Every hook point
 * goes through the host's one host_for_each_plugin; the hook points the
 * audit shares (model, finish, drift) are in hooks.c.
 */
#include "scan/check.h"

#include "frontends/pgconf.h"
#include "frontends/textenc.h"
#include "scan/discover.h"
#include "scan/gitscope.h"
#include "scan/pathrole.h"
#include "scan/suppress.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Files larger than this are reported, not read. */

static void
report_at(check_run *run, const char *rule, const char *path, const util_lines *lines,
          size_t offset, const char *message)
{
    pgr_location loc;

    memset(&loc, 0, sizeof loc);
    loc.path = path;
    util_lines_pos(lines, offset, &loc.line, &loc.column);
    host_report_core(run->host, rule, &loc, message);
}

static check_reader_fn reader_fn;
static void *reader_arg;

void
check_set_reader(check_reader_fn fn, void *arg)
{
    reader_fn = fn;
    reader_arg = arg;
}

static int
read_contents(check_file *f, const char **err)
{
    int r = reader_fn ? reader_fn(reader_arg, f->path, &f->text, &f->len, err) : 0;

    if (r != 0)
        return r > 0 ? 0 : -1;
    return util_read_file(f->path, CHECK_MAX_FILE_BYTES, &f->text, &f->len, err);
}

/* Read one file; unreadable, binary and non-UTF-8 files are findings. */
static void
read_one(check_run *run, check_file *f)
{
    const char *err;
    long bad;

    if (read_contents(f, &err) != 0) {
        pgr_location loc = { f->path, 1, 1, 1, 1, NULL };
        char *m = util_xasprintf("cannot read file: %s", err);

        host_report_core(run->host, "core/unreadable-file", &loc, m);
        free(m);
        f->text = NULL;
        return;
    }
    /* UTF-16 with a byte-order mark is text, full of NUL bytes. */
    textenc_decode_bom(&f->text, &f->len);
    if (util_looks_binary(f->text, f->len)) {
        pgr_location loc = { f->path, 1, 1, 1, 1, NULL };

        host_report_core(run->host, "core/unreadable-file", &loc,
                         "binary file (contains NUL bytes); not checked");
        free(f->text);
        f->text = NULL;
        return;
    }
    util_lines_build(&f->lines, f->text, f->len);
    bad = util_utf8_invalid_at(f->text, f->len);
    if (bad >= 0)
        report_at(run, "core/invalid-utf8", f->path, &f->lines, (size_t) bad,
                  "invalid UTF-8 byte sequence");
}

pgr_part
check_part_of(mig_role role, const sql_stmt *st)
{
    switch (role) {
    case MIG_UP:
        return PGR_PART_UP;
    case MIG_DOWN:
        return PGR_PART_DOWN;
    case MIG_VERIFY:
        return PGR_PART_VERIFY;
    case MIG_UP_DOWN:
        return st->part;
    default:
        return PGR_PART_NONE;
    }
}

/*
 * Whether syntax error e of s is its template's, not PostgreSQL's: in a file
 * of named queries that is no migration, any (what a program fills in is
 * not known); elsewhere, one on a line holding a blanked placeholder.  A
 * migration's syntax error away from its placeholders stays an error.
 */
static bool
template_error(const sql_file *s, const sql_error *e, bool migration)
{
    uint32_t line, col, pline, pcol;
    size_t k;

    if (e->too_deep)
        return false;
    if (s->named_queries && !migration)
        return true;
    util_lines_pos(&s->lines, e->offset, &line, &col);
    for (k = 0; k < s->placeholders.len; k++) {
        util_lines_pos(&s->lines, *(size_t *) util_vec_at(&s->placeholders, k), &pline, &pcol);
        if (pline == line)
            return true;
    }
    return false;
}

/* Report the syntax errors of f's parsed SQL (f->sql) as front-end fe's;
 * migration: f is an up or down of a migration set.  A template's
 * statements that still do not parse once their placeholders are blanked
 * give one sql/template info for the file, at the first of them. */
void
check_report_sql_parse(check_run *run, check_file *f, const frontend *fe, bool migration)
{
    size_t k, n_template = 0, first = 0;

    f->parsed_sql = true;
    run->host->diags->statements += f->sql.stmts.len;
    for (k = 0; k < f->sql.errors.len; k++) {
        const sql_error *e = util_vec_at(&f->sql.errors, k);

        if (template_error(&f->sql, e, migration)) {
            if (n_template++ == 0)
                first = e->offset;
            continue;
        }
        char *m = e->too_deep ? util_xstrdup(e->message)
            : util_xasprintf("syntax error (PostgreSQL 15 grammar): %s", e->message);

        report_at(run, e->too_deep ? "sql/too-deep" : fe->syntax_rule.id, f->path,
                  &f->sql.lines, e->offset, m);
        free(m);
    }
    if (n_template > 0) {
        char *m = util_xasprintf("%zu statement%s of this query template (%s) did not parse "
                                 "once its placeholders were blanked; %s not checked",
                                 n_template, n_template == 1 ? "" : "s",
                                 f->sql.named_queries ? "named queries" : "{{ }} actions",
                                 n_template == 1 ? "it was" : "they were");

        report_at(run, "sql/template", f->path, &f->sql.lines, first, m);
        free(m);
    }
}

/* Parse sql (f->len bytes: the file, or a script's SQL overlay) as f's SQL
 * and report what the parse found (check_report_sql_parse). */
static void
parse_sql_text(check_run *run, check_file *f, const frontend *fe, const char *sql, bool migration)
{
    sql_file_parse(&f->sql, f->path, sql, f->len);
    check_report_sql_parse(run, f, fe, migration);
}

/* --jobs of the next check_paths calls (check_set_jobs); 0: the CPUs. */
static unsigned check_jobs;

void
check_set_jobs(unsigned jobs)
{
    check_jobs = jobs;
}

/* The number of parser threads: --jobs, else the online CPUs. */
unsigned
check_jobs_of_run(void)
{
    long n;

    if (check_jobs > 0)
        return check_jobs;
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned) n : 1;
}

/* Whether SQL file i (mig index) is parsed: other databases' dialect files
 * (pop's .mysql. etc.) are not ours. */
bool
check_parses_sql(check_run *run, size_t i)
{
    const check_file *f = util_vec_at(&run->files, run->sql_index[i]);

    return f->text != NULL && run->mig.roles[i] != MIG_OTHER_DIALECT;
}

/* The parse job of SQL file f. */
void
check_set_job(sql_parse_job *job, check_file *f)
{
    job->out = &f->sql;
    job->path = f->path;
    job->src = f->text;
    job->len = f->len;
}

/* Report what the parse of SQL file mig (mig index) found and give its
 * statements their parts (a down's, a dbmate file's). */
void
check_finish_parse(check_run *run, size_t mig)
{
    check_file *f = util_vec_at(&run->files, run->sql_index[mig]);
    size_t k;

    check_report_sql_parse(run, f, f->fe,
                     run->mig.roles[mig] != MIG_NONE && run->mig.roles[mig] != MIG_VERIFY);
    for (k = 0; k < f->sql.stmts.len; k++) {
        sql_stmt *st = util_vec_at(&f->sql.stmts, k);

        st->part = check_part_of(run->mig.roles[mig], st);
    }
}

/*
 * Parse the SQL files on all cores (sql_file_parse_all: a file's parse
 * depends on that file alone), then report what each parse found in file
 * order, on this thread: the findings and every per-file state are the
 * same whatever the number of threads.
 */
static void
parse_sql_files(check_run *run)
{
    sql_parse_job *jobs = util_xcalloc(run->n_sql + 1, sizeof *jobs);
    size_t i, n = 0;

    for (i = 0; i < run->n_sql; i++)
        if (check_parses_sql(run, i))
            check_set_job(&jobs[n++], util_vec_at(&run->files, run->sql_index[i]));
    sql_file_parse_all(jobs, n, check_jobs_of_run());
    free(jobs);
    for (i = 0; i < run->n_sql; i++)
        if (check_parses_sql(run, i))
            check_finish_parse(run, i);
}

/* The blank a text embedded in orig shows at byte i (frontend_embedded). */
static char
blank_of(const char *orig, size_t i)
{
    return orig[i] == '\n' ? '\n' : ' ';
}

/*
 * Add SQL text (f->len bytes, at f's offsets) to *sql: the first is taken
 * over; a later one (a Markdown file's sql blocks, then what its shell
 * blocks hand psql) is laid over it, byte by byte where it is not blank.
 * The texts cover disjoint parts of the file, so nothing is lost.
 */
static void
add_sql(const check_file *f, char **sql, char *text)
{
    size_t i;

    if (*sql == NULL) {
        *sql = text;
        return;
    }
    for (i = 0; i < f->len; i++)
        if (text[i] != blank_of(f->text, i))
            (*sql)[i] = text[i];
    free(text);
}

/*
 * Read text (f->len bytes: the file, or text embedded in it at its own
 * offsets) with front-end fe, adding its settings to into (initialised by
 * the caller), and text embedded in that to the front-end that reads it: a
 * CI step's shell in a YAML file (into the same settings), SQL a script
 * hands to psql (added to *sql, f's SQL, checked by the same statement
 * rules once every text of the file is in), a Markdown file's blocks (each
 * language's settings a value file of its own, in f->own_values; its
 * pg_hba.conf blocks in f->model_texts, for the models).  text is taken
 * over.
 */
static void
parse_text(check_run *run, check_file *f, const frontend *fe, char *text, const char *dialect,
           values_file *into, char **sql)
{
    frontend_input in = { f->path, f->root, text, f->len, dialect };
    util_vec inner;
    values_file vf;
    size_t k;

    if (fe != NULL && fe->output == FRONTEND_STATEMENTS) {
        add_sql(f, sql, text);
        return;
    }
    /* Server configuration is kept for the models (replay.c). */
    if (fe != NULL && fe->output == FRONTEND_MODEL && text != f->text) {
        frontend_embedded *m = util_vec_push(&f->model_texts);

        m->frontend = fe->name;
        m->text = text;
        m->dialect = dialect;
        return;
    }
    if (fe == NULL || fe->output != FRONTEND_VALUES) {
        if (text != f->text)
            free(text);
        return;
    }
    util_vec_init(&inner, sizeof(frontend_embedded));
    fe->parse_values(&in, &vf, &inner);
    values_move(into, &vf);
    if (text != f->text)
        free(text);
    for (k = 0; k < inner.len; k++) {
        frontend_embedded *e = util_vec_at(&inner, k);
        const frontend *efe = frontends_by_name(e->frontend);
        values_file *to = into;

        if (e->own_file && efe != NULL && efe->output == FRONTEND_VALUES) {
            /* Each on the heap: a push may move the vector, not what
             * `to` points at. */
            check_values *cv = util_xcalloc(1, sizeof *cv);

            *(check_values **) util_vec_push(&f->own_values) = cv;
            cv->fe = efe;
            values_init(&cv->values);
            to = &cv->values;
        }
        parse_text(run, f, efe, e->text, e->dialect, to, sql);
    }
    util_vec_free(&inner);
}

/*
 * Report vf's problems.  seen (of const char *: rules), when given, keeps
 * a file's value files of its own (a Markdown file's blocks, each parsed on
 * its own) to one parse gap per front-end, as a file of that language has:
 * a docs snippet with a <placeholder> or "..." is not a fault.
 */
static void
report_value_errors(check_run *run, const check_file *f, const values_file *vf, util_vec *seen)
{
    size_t k, j;

    for (k = 0; k < vf->errors.len; k++) {
        const values_error *e = util_vec_at(&vf->errors, k);
        bool again = false;

        if (seen != NULL && util_ends_with(e->rule, "/syntax-error")) {
            for (j = 0; j < seen->len && !again; j++)
                again = strcmp(*(const char **) util_vec_at(seen, j), e->rule) == 0;
            if (again)
                continue;
            *(const char **) util_vec_push(seen) = e->rule;
        }
        report_at(run, e->rule, f->path, &f->lines, e->offset, e->message);
    }
}

/* The settings front-ends (env files, YAML, shell, JavaScript/TypeScript,
 * Markdown, and any other FRONTEND_VALUES one) become settings for
 * on_value_file; the SQL embedded in them is parsed as the file's. */
void
check_parse_value_files(check_run *run)
{
    size_t i, k;

    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);
        char *sql = NULL;
        util_vec seen;

        if (f->text == NULL || f->fe->output != FRONTEND_VALUES)
            continue;
        values_init(&f->values);
        util_vec_init(&f->own_values, sizeof(check_values *));
        util_vec_init(&f->model_texts, sizeof(frontend_embedded));
        parse_text(run, f, f->fe, f->text, NULL, &f->values, &sql);
        f->parsed_values = true;
        report_value_errors(run, f, &f->values, NULL);
        util_vec_init(&seen, sizeof(const char *));
        for (k = 0; k < f->own_values.len; k++)
            report_value_errors(run, f, &(*(check_values **) util_vec_at(&f->own_values, k))->values,
                                &seen);
        util_vec_free(&seen);
        if (sql != NULL)
            parse_sql_text(run, f, frontends_by_name("sql"), sql, false);
        free(sql);
    }
}

/* p's on_sql_statement for statements [from, to) of f, in order. */
static void
range_statement_hooks(check_file *f, size_t from, size_t to, pgr_ctx *ctx, const pgr_plugin *p)
{
    size_t k;

    for (k = from; k < to; k++) {
        const sql_stmt *st = util_vec_at(&f->sql.stmts, k);
        host_stmt hs;

        hs.file = &f->sql;
        hs.st = st;
        hs.pub.path = f->path;
        hs.pub.index = (uint32_t) k;
        hs.pub.part = st->part;
        hs.pub.root = sql_node_wrap(st->node);
        hs.pub.text = f->sql.text + st->start;
        hs.pub.text_len = st->end - st->start;
        hs.pub.text_location = (int64_t) (st->start - st->base);
        sql_stmt_location(&f->sql, st, &hs.pub.location);
        p->on_sql_statement(ctx, &hs.pub);
    }
}

/* p's on_sql_statement for every statement of the run, in file order. */
static void
statement_hooks(check_run *run, pgr_ctx *ctx, const pgr_plugin *p)
{
    size_t i;

    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);

        if (f->parsed_sql)
            range_statement_hooks(f, 0, f->sql.stmts.len, ctx, p);
    }
}

/* Whether git tracks each env file (-1: unknown), asked once per run. */
static int
env_tracked(check_run *run, const char *path)
{
    size_t i, n = 0;

    if (!run->tracked_known) {
        char **paths = util_xcalloc(run->files.len + 1, sizeof(char *));

        for (i = 0; i < run->files.len; i++) {
            check_file *f = util_vec_at(&run->files, i);

            if (f->fe->git_tracked)
                paths[n++] = f->path;
        }
        run->tracked = gitscope_tracked(paths, n);
        run->tracked_paths = paths;
        run->n_tracked = n;
        run->tracked_known = true;
    }
    /* tracked_paths follows files, which is sorted by path. */
    {
        size_t lo = 0, hi = run->tracked ? run->n_tracked : 0;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(run->tracked_paths[mid], path);

            if (c == 0)
                return run->tracked[mid];
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return -1;
}

/* p's on_value_file for settings vf of f, read by front-end fe. */
static void
value_hook(check_run *run, pgr_ctx *ctx, const pgr_plugin *p, check_file *f,
           const frontend *fe, values_file *vf)
{
    pgr_value *values = util_xcalloc(vf->entries.len + 1, sizeof(pgr_value));
    host_value_file hf;
    size_t k;

    hf.pub.path = f->path;
    hf.pub.format = fe->format;
    hf.pub.format_name = values_format_name(fe->format);
    hf.pub.n_values = vf->entries.len;
    hf.pub.values = values;
    /* Only a file of the front-end's own is one git may track as such: an
     * env block in a README is not a committed .env file. */
    hf.pub.git_tracked = fe == f->fe && fe->git_tracked ? env_tracked(run, f->path) : -1;
    hf.lines = &f->lines;
    hf.vf = vf;
    for (k = 0; k < vf->entries.len; k++) {
        const values_entry *e = util_vec_at(&vf->entries, k);

        values[k].key = e->key;
        values[k].key_path = e->key_path ? e->key_path : e->key;
        values[k].value = e->value;
        values[k].flags = e->flags;
        host_api.value_location(&hf.pub, k, 0, 0, &values[k].value_location);
        if (e->key_len == 0) {
            values[k].key_location = values[k].value_location;
            continue;
        }
        values[k].key_location.path = f->path;
        util_lines_pos(&f->lines, e->key_offset, &values[k].key_location.line,
                       &values[k].key_location.column);
        util_lines_pos(&f->lines, e->key_offset + e->key_len - 1,
                       &values[k].key_location.end_line,
                       &values[k].key_location.end_column);
    }
    p->on_value_file(ctx, &hf.pub);
    free(values);
}

/* p's on_value_file for every file a settings front-end read, and for each
 * value file of its own embedded in it (a Markdown file's blocks). */
static void
value_hooks(check_run *run, pgr_ctx *ctx, const pgr_plugin *p)
{
    size_t i, k;

    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);

        if (!f->parsed_values)
            continue;
        if (f->fe->format != 0)
            value_hook(run, ctx, p, f, f->fe, &f->values);
        for (k = 0; k < f->own_values.len; k++) {
            check_values *cv = *(check_values **) util_vec_at(&f->own_values, k);

            value_hook(run, ctx, p, f, cv->fe, &cv->values);
        }
    }
}

/* A plugin's file hooks: its statements, then its value files. */
static void
call_file_hooks(const pgr_plugin *p, pgr_ctx *ctx, void *run)
{
    if (p->on_sql_statement)
        statement_hooks(run, ctx, p);
    if (p->on_value_file)
        value_hooks(run, ctx, p);
}

/* A plugin's value-file hooks (the streamed run: before any statement). */
void
check_call_value_hooks(const pgr_plugin *p, pgr_ctx *ctx, void *run)
{
    if (p->on_value_file)
        value_hooks(run, ctx, p);
}

/* A plugin's statement hooks for a range of one file (the streamed run). */
void
check_call_range_hooks(const pgr_plugin *p, pgr_ctx *ctx, void *arg)
{
    const stmt_range *r = arg;

    if (p->on_sql_statement)
        range_statement_hooks(r->f, r->from, r->to, ctx, p);
}

static void
drop_context_findings(check_run *run)
{
    diag_store *ds = run->host->diags;
    size_t i, keep = 0;

    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);
        const check_file *cf = f->path ? check_file_of(run, f->path) : NULL;

        if (cf && cf->context)
            diag_finding_free(f);
        else
            *(diag_finding *) util_vec_at(&ds->findings, keep++) = *f;
    }
    ds->findings.len = keep;
}

/*
 * Cap the severity of findings in test, example and docs files (config
 * roles:, info by default): a URL validator's test full of
 * postgres://user:pass@host/db cases or a .env.example is not a deployment
 * fault.  A cap of off hides them.  Findings reported with
 * PGR_REPORT_KEEP_SEVERITY (a live-looking provider key) keep theirs.
 */
static void
apply_role_caps(check_run *run)
{
    diag_store *ds = run->host->diags;
    size_t i, keep = 0;

    for (i = 0; i < ds->findings.len; i++) {
        diag_finding *f = util_vec_at(&ds->findings, i);
        const check_file *cf = f->path ? check_file_of(run, f->path) : NULL;
        path_role role = cf ? cf->role : PATH_ROLE_PRODUCTION;
        /* roles: caps, changed for some paths by overrides: (issue 17). */
        int cap = config_role_cap(run->host->cfg, f->path, role);

        if (role != PATH_ROLE_PRODUCTION)
            f->role = pathrole_name(role);
        if (!f->keep_severity && cap == PGR_SEVERITY_OFF) {
            diag_finding_free(f);
            continue;
        }
        if (!f->keep_severity && (int) f->severity > cap)
            f->severity = (pgr_severity) cap;
        *(diag_finding *) util_vec_at(&ds->findings, keep++) = *f;
    }
    ds->findings.len = keep;
}


/*
 * f's path below its checked root ("internal/migrations/mysql/V1.up.sql"),
 * for what its directory names say (mig_path_dialect): a checked root
 * inside /srv/mysql/ must not make every file MySQL's.  Its base name alone
 * when the directory does not resolve under the root.  Caller frees.
 */
static char *
relpath_of(const check_file *f)
{
    char real[PATH_MAX], *dir = util_dirname(f->path);
    const char *base = util_basename(f->path);
    size_t rl = f->root ? strlen(f->root) : 0;
    char *rel;

    if (f->root && realpath(dir, real) != NULL && strncmp(real, f->root, rl) == 0 &&
        real[rl] == '/')
        rel = util_xasprintf("%s/%s", real + rl + 1, base);
    else
        rel = util_xstrdup(base);
    free(dir);
    return rel;
}

int
check_paths(host *h, char *const *paths, size_t n, check_run *run, char **err)
{
    return check_paths_models(h, paths, n, run, err, NULL, NULL);
}

int
check_paths_models(host *h, char *const *paths, size_t n, check_run *run, char **err,
                   void (*model_fn)(model *, void *), void *arg)
{
    size_t i;
    const char **sql_paths;
    char **rel_paths;
    bool *dbmate, *test_data;

    memset(run, 0, sizeof *run);
    run->model_fn = model_fn;
    run->model_arg = arg;
    run->host = h;
    util_vec_init(&run->files, sizeof(check_file));
    util_vec_init(&run->roots, sizeof(char *));
    if (discover_paths(run, paths, n, reader_fn != NULL, err) != 0)
        return -1;
    for (i = 0; i < run->files.len; i++)
        if (!((check_file *) util_vec_at(&run->files, i))->context)
            h->diags->files++;

    run->sql_index = util_xcalloc(run->files.len, sizeof(size_t));
    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);

        read_one(run, f);
        if (discover_is_statements(f->fe))
            run->sql_index[run->n_sql++] = i;
    }
    sql_paths = util_xcalloc(run->n_sql, sizeof(char *));
    rel_paths = util_xcalloc(run->n_sql, sizeof(char *));
    dbmate = util_xcalloc(run->n_sql, sizeof(bool));
    test_data = util_xcalloc(run->n_sql, sizeof(bool));
    for (i = 0; i < run->n_sql; i++) {
        check_file *f = util_vec_at(&run->files, run->sql_index[i]);

        sql_paths[i] = f->path;
        rel_paths[i] = relpath_of(f);
        dbmate[i] = f->text && sql_find_marker(f->text, f->len, "migrate:up") >= 0;
        /* SQL in a test directory (tests/, testdata/, fixtures/ ...) is test
         * data a migration test loads, not a migration of the application.
         * By the path below the checked root, not f->role: a file named
         * alone takes its role from its path in its repository (so that
         * pre-commit's file list is capped as a walk would be), but as a
         * migration it is judged within its set exactly as when its
         * directory is checked. */
        test_data[i] = pathrole_classify_with(rel_paths[i], h->cfg->role_patterns) == PATH_ROLE_TEST;
    }
    mig_classify(sql_paths, (const char *const *) rel_paths, dbmate, test_data, run->n_sql,
                 h->cfg->migrations.items, h->cfg->migrations.len, &run->mig);
    for (i = 0; i < run->n_sql; i++)
        free(rel_paths[i]);
    free(rel_paths);
    free(sql_paths);
    free(dbmate);
    free(test_data);

    h->file_text = check_text;
    h->file_role = check_role;
    h->file_text_arg = run;
    /* A caller that takes the models (pgrampart model, init, audit
     * --migrations) gets them in check_replay's order: every file parsed
     * first, then the sets, then the files of their own. */
    if (model_fn != NULL) {
        parse_sql_files(run);
        check_parse_value_files(run);
        host_for_each_plugin(h, call_file_hooks, run);
        check_replay(run);
    } else {
        check_stream_run(run);
    }
    check_finish_hooks(h);
    h->file_text = NULL;
    h->file_role = NULL;
    h->file_text_arg = NULL;
    drop_context_findings(run);
    apply_role_caps(run);
    suppress_apply(run);
    return 0;
}

void
check_free(check_run *run)
{
    size_t i;

    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);

        if (f->parsed_sql)
            sql_file_free(&f->sql);
        if (f->parsed_values) {
            size_t k;

            values_free(&f->values);
            for (k = 0; k < f->own_values.len; k++) {
                check_values *cv = *(check_values **) util_vec_at(&f->own_values, k);

                values_free(&cv->values);
                free(cv);
            }
            for (k = 0; k < f->model_texts.len; k++)
                free(((frontend_embedded *) util_vec_at(&f->model_texts, k))->text);
            util_vec_free(&f->model_texts);
            util_vec_free(&f->own_values);
        }
        if (f->text)
            util_lines_free(&f->lines);
        free(f->text);
        free(f->path);
    }
    util_vec_free(&run->files);
    for (i = 0; i < run->roots.len; i++)
        free(*(char **) util_vec_at(&run->roots, i));
    util_vec_free(&run->roots);
    free(run->tracked);
    free(run->tracked_paths);
    if (run->sql_index)
        mig_free(&run->mig);
    free(run->sql_index);
}

const check_file *
check_file_of(check_run *run, const char *path)
{
    size_t lo = 0, hi = run->files.len;

    /* files is sorted by path. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const check_file *f = util_vec_at(&run->files, mid);
        int c = strcmp(f->path, path);

        if (c == 0)
            return f;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *
check_role(void *arg, const char *path)
{
    const check_file *f = check_file_of(arg, path);

    return pathrole_name(f ? f->role : PATH_ROLE_PRODUCTION);
}

const char *
check_text(void *arg, const char *path, size_t *len)
{
    const check_file *f = check_file_of(arg, path);

    if (f == NULL)
        return NULL;
    *len = f->len;
    return f->text;
}
