/*
 * replay.c — the schema models of a check (check.h: check_replay): each
 * migration set replayed in order, with the per-migration hooks that see the
 * model before an up, after it and after its down; each SQL file outside a
 * set; each server configuration file, and the server settings other
 * files hold (a front-end's parse_model: YAML).  Every model goes to the plugins'
 * on_model, then to the caller's model_fn, then is freed.
 */
#include "scan/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "frontends/pgconf.h"
#include "scan/discover.h"
#include "host/host.h"
#include "model/model_json.h"
#include "util.h"

static check_file *
sql_file_at(check_run *run, long mig_index)
{
    return mig_index < 0 ? NULL : util_vec_at(&run->files, run->sql_index[mig_index]);
}

/* Statements a down holds: the DOWN part of a file holding both halves
 * (one_file: dbmate), else all.  A down that does not parse is not empty,
 * whatever it says. */
static uint32_t
down_statements(check_run *run, long down, bool one_file)
{
    check_file *f = sql_file_at(run, down);

    if (f == NULL)
        return 0;
    if (!f->parsed_sql)
        return 1;
    return (uint32_t) (sql_count_part(&f->sql, one_file ? PGR_PART_DOWN : PGR_PART_NONE) +
                       (one_file ? 0 : f->sql.errors.len));
}

/* Fill m, the public view of the logical migration of entries [a, b) of s:
 * the first up names it; its down is the first down that holds statements
 * (else the first down file); statement and error counts add up. */
static void
migration_view(check_run *run, const mig_set *s, size_t a, size_t b, pgr_migration *m)
{
    const mig_entry *first = util_vec_at(&s->entries, a);
    check_file *up = sql_file_at(run, first->up);
    uint32_t chosen = 0;
    size_t k;

    m->version = first->version;
    m->name = first->name;
    m->up_path = up->path;
    for (k = a; k < b; k++) {
        const mig_entry *e = util_vec_at(&s->entries, k);
        check_file *u = sql_file_at(run, e->up), *down = sql_file_at(run, e->down);
        /* Both halves in one file (dbmate's markers: MIG_UP_DOWN). */
        uint32_t n = down_statements(run, e->down, e->down == e->up);

        if (down && (m->down_path == NULL || (chosen == 0 && n > 0))) {
            m->down_path = down->path;
            chosen = n;
        }
        m->down_statements += n;
        m->up_syntax_errors += u->parsed_sql ? (uint32_t) u->sql.errors.len : 0;
    }
    m->up_location.path = up->path;
    m->up_location.line = m->up_location.column = 1;
    if (first->down == first->up && up->parsed_sql && up->sql.up_marker >= 0)
        util_lines_pos(&up->sql.lines, (size_t) up->sql.up_marker,
                       &m->up_location.line, &m->up_location.column);
    m->up_location.end_line = m->up_location.line;
    m->up_location.end_column = m->up_location.column;
}

/* The public view of a set, one pgr_migration per logical migration;
 * arrays owned by the caller (free migrations). */
static void
set_view(check_run *run, const mig_set *s, pgr_migration_set *out)
{
    pgr_migration *ms = util_xcalloc(s->entries.len ? s->entries.len : 1, sizeof(pgr_migration));
    size_t k, n = 0;

    for (k = 0; k < s->entries.len; k = mig_group_end(s, k))
        migration_view(run, s, k, mig_group_end(s, k), &ms[n++]);
    out->root = s->root;
    out->convention = s->convention;
    out->n_migrations = n;
    out->migrations = ms;
}

/* Report (once, when report is set) the statements of st's DO block that
 * the model refused as too deep to parse, and forget them. */
static void
report_deep_lines(model *m, const check_file *f, const sql_stmt *st, check_run *report)
{
    size_t i;

    for (i = 0; report && i < m->deep_lines.len; i++) {
        pgr_location loc;
        char *msg = util_xasprintf("a statement of this DO block nests deeper than the parser can "
                                   "safely go (more than %d parse-tree levels); not analysed",
                                   SQL_MAX_DEPTH);

        sql_stmt_location(&f->sql, st, &loc);
        loc.line = loc.end_line = (uint32_t) *(size_t *) util_vec_at(&m->deep_lines, i);
        loc.column = loc.end_column = 1;
        host_report_core(report->host, "sql/too-deep", &loc, msg);
        free(msg);
    }
    m->deep_lines.len = 0;
}

/* Replay statements [from, to) of f that belong to part. */
static void
replay_range(model *m, const check_file *f, pgr_part part, size_t from, size_t to,
             check_run *report)
{
    size_t k;

    for (k = from; k < to; k++) {
        const sql_stmt *st = util_vec_at(&f->sql.stmts, k);

        if ((part == PGR_PART_NONE || st->part == part) && model_apply(m, &f->sql, st) > 0 &&
            report) {
            pgr_location loc;

            sql_stmt_location(&f->sql, st, &loc);
            loc.end_line = loc.line;
            loc.end_column = loc.column;
            host_report_core(report->host, "sql/dynamic-sql", &loc,
                             "DO block runs EXECUTE on a dynamic string: what it does to the "
                             "schema is not analysed");
        }
        report_deep_lines(m, f, st, report);
    }
}

/* Replay the statements of one file that belong to part (the UP part of
 * an up file or dbmate file, the DOWN part of a down). */
static void
replay_part(model *m, const check_file *f, pgr_part part, check_run *report)
{
    if (f == NULL || !f->parsed_sql)
        return;
    /* Migration tools run each file in a session of its own (psql per
     * sqitch change, a transaction per golang-migrate file): a SET
     * search_path does not outlive its file. */
    model_new_session(m);
    replay_range(m, f, part, 0, f->sql.stmts.len, report);
}

static bool
parsed_clean(const check_file *f)
{
    return f && f->parsed_sql && f->sql.errors.len == 0;
}

/* Whether every plugin with a replay hook reads, of after_down, only what
 * replay_touched lists (api->replay_touched_only). */
static bool
hooks_touched_only(const host *h)
{
    size_t i;

    for (i = 0; i < h->plugins.len; i++) {
        const host_plugin *p = util_vec_at(&h->plugins, i);

        if (p->desc->on_migration_replay && !p->touched_only)
            return false;
    }
    return true;
}

/* Whether a journal records every statement of the DOWN parts of entries
 * [a, b) of set (model_journal_supports). */
static bool
downs_journaled(check_run *run, const mig_set *set, size_t a, size_t b)
{
    size_t k, i;

    for (k = a; k < b; k++) {
        const mig_entry *e = util_vec_at(&set->entries, k);
        const check_file *f = sql_file_at(run, e->down);

        for (i = 0; f && i < f->sql.stmts.len; i++) {
            const sql_stmt *st = util_vec_at(&f->sql.stmts, i);
            bool part = e->down == e->up ? st->part == PGR_PART_DOWN : true;

            if (part && !model_journal_supports(st->node))
                return false;
        }
    }
    return true;
}

/* m as text, for PGRAMPART_JOURNAL_CHECK: what plugins see of it (model_json
 * of its view: every object, column types, constraints), the columns index
 * expressions read, and the session state; caller frees. */
static char *
model_text(const model *m)
{
    model c;
    pgr_model v;
    json_t *j;
    char *dump, *out;
    util_buf b;
    size_t i;

    model_clone(m, &c);
    model_view(&c, &v);
    j = model_json(&v);
    dump = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    util_buf_init(&b);
    util_buf_puts(&b, dump);
    free(dump);
    /* The copy's: m may hold removed ones (model.gone), the copy does not. */
    for (i = 0; i < c.index_deps.len; i++) {
        const index_dep *d = util_vec_at(&c.index_deps, i);
        char *line = util_xasprintf("\ndep %s.%s %s", d->schema, d->index, d->column);

        util_buf_puts(&b, line);
        free(line);
    }
    out = util_xasprintf("%s\noid %u schema %s dup %d psc %d dpe %d", b.data ? b.data : "",
                         m->next_oid, m->default_schema, m->dup_keys, m->public_schema_create,
                         m->default_public_execute);
    util_buf_free(&b);
    model_free(&c);
    return out;
}

/* PGRAMPART_JOURNAL_CHECK (tests): text a must be text b (what names what
 * differs); abort when it is not.  Frees b. */
static void
journal_check(const char *a, char *b, const char *what, const char *down_path)
{
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "pgrampart: PGRAMPART_JOURNAL_CHECK: %s of the down %s differs\n"
                "--- expected\n%s\n--- got\n%s\n", what, down_path ? down_path : "?", a, b);
        abort();
    }
    free(b);
}

static void replay_downs_on(check_run *run, model *on, const mig_set *set, size_t a, size_t b,
                            model_touched *touched);

/* PGRAMPART_JOURNAL_CHECK: the text of the touched objects of m after the
 * downs run on a copy of m, as the journal's run must leave them. */
static char *
downs_on_copy(check_run *run, model *m, const mig_set *set, size_t a, size_t b,
              model_touched *touched)
{
    model copy, small;
    char *text;

    model_clone(m, &copy);
    replay_downs_on(run, &copy, set, a, b, touched);
    model_init(&small, m->source, m->from_migrations);
    model_copy_touched(&copy, touched, &small);
    text = model_text(&small);
    model_free(&small);
    model_free(&copy);
    return text;
}

static bool
any_replay_hook(const host *h)
{
    size_t i;

    for (i = 0; i < h->plugins.len; i++)
        if (((const host_plugin *) util_vec_at(&h->plugins, i))->desc->on_migration_replay)
            return true;
    return false;
}

/* One migration's replay, as on_migration_replay sees it. */
typedef struct replay_point {
    const pgr_migration_set *set;
    size_t index;
    const pgr_model *before;
    const pgr_model *after_up;
    const pgr_model *after_down;     /* NULL: the down is not judged */
} replay_point;

/*
 * What api->replay_touched serves during one migration's hooks: the
 * objects its statements touched, and their positions in each of the three
 * models (views[i] is the view of models[i]), computed on first request.
 */
typedef struct touched_views {
    const model_touched *touched;
    model *models[3];
    const pgr_model *views[3];
    util_vec positions[3][TOUCH_KINDS];   /* of size_t */
    bool done[3][TOUCH_KINDS];
} touched_views;

/* The TOUCH_* kind of an api kind letter (PGR_TOUCHED_*), or -1. */
static int
touch_kind(char kind)
{
    static const char letters[TOUCH_KINDS] = { 't', 'p', 'f', 'r', 'g', 'v', 'o', 'd' };
    int k;

    for (k = 0; k < TOUCH_KINDS; k++)
        if (letters[k] == kind)
            return k;
    return -1;
}

/* host.replay_touched: see pgr_host_api.replay_touched. */
static size_t
touched_positions(void *arg, const pgr_model *view, char kind, const size_t **out)
{
    touched_views *tv = arg;
    int k = touch_kind(kind), i;

    for (i = 0; i < 3 && k >= 0; i++) {
        if (tv->views[i] != view || tv->models[i] == NULL)
            continue;
        if (!tv->done[i][k]) {
            model_touched_positions(tv->models[i], tv->touched, k, &tv->positions[i][k]);
            tv->done[i][k] = true;
        }
        *out = tv->positions[i][k].items;
        return tv->positions[i][k].len;
    }
    return PGR_TOUCHED_UNKNOWN;
}

/* Serve tv through h->replay_touched while the hooks run (tv NULL: stop). */
static void
serve_touched(host *h, touched_views *tv)
{
    h->replay_touched = tv ? touched_positions : NULL;
    h->replay_touched_arg = tv;
}

/* Start tv for touched over the models before, m and after_down (NULL:
 * the down is not judged) and their views vb, vu and vd. */
static void
touched_views_init(touched_views *tv, const model_touched *touched, model *before, model *m,
                   model *after_down, const pgr_model *vb, const pgr_model *vu,
                   const pgr_model *vd)
{
    int i, k;

    memset(tv, 0, sizeof *tv);
    tv->touched = touched;
    tv->models[0] = before;
    tv->models[1] = m;
    tv->models[2] = after_down;
    tv->views[0] = vb;
    tv->views[1] = vu;
    tv->views[2] = after_down ? vd : NULL;
    for (i = 0; i < 3; i++)
        for (k = 0; k < TOUCH_KINDS; k++)
            util_vec_init(&tv->positions[i][k], sizeof(size_t));
}

static void
touched_views_free(touched_views *tv)
{
    int i, k;

    for (i = 0; i < 3; i++)
        for (k = 0; k < TOUCH_KINDS; k++)
            util_vec_free(&tv->positions[i][k]);
}

static void
call_replay_hook(const pgr_plugin *p, pgr_ctx *ctx, void *arg)
{
    const replay_point *rp = arg;

    if (p->on_migration_replay)
        p->on_migration_replay(ctx, rp->set, rp->index, rp->before, rp->after_up, rp->after_down);
}

/* Apply the ups of entries [a, b) of set to m (report: where core
 * findings go, NULL for none). */
static void
replay_ups(check_run *run, model *m, const mig_set *set, size_t a, size_t b, check_run *report)
{
    size_t k;

    for (k = a; k < b; k++)
        replay_part(m, sql_file_at(run, ((const mig_entry *) util_vec_at(&set->entries, k))->up),
                    PGR_PART_UP, report);
}

/* A small model of the objects of m that t names (model_copy_touched). */
static void
touched_model(model *m, const model_touched *t, model *out)
{
    model_init(out, m->source, m->from_migrations);
    model_copy_touched(m, t, out);
}

/*
 * Run the downs of entries [a, b) of set on m, in reverse order as the
 * tools roll back, recording what they touch in touched, and fill
 * after_down with what the hooks get of the result: journaled, the down
 * runs on m itself and is undone (model_journal_begin), and after_down
 * holds the touched objects only; else it runs on a copy of m, which
 * after_down is, or (sparse) whose touched objects it holds.
 */
static void
replay_downs_on(check_run *run, model *on, const mig_set *set, size_t a, size_t b,
                model_touched *touched)
{
    size_t k;

    model_record_touched(on, touched);
    for (k = b; k-- > a;)
        replay_part(on, sql_file_at(run, ((const mig_entry *) util_vec_at(&set->entries, k))->down),
                    PGR_PART_DOWN, NULL);
    model_record_touched(on, NULL);
}

static void
run_downs(check_run *run, const char *down_path, model *m, const mig_set *set, size_t a,
          size_t b, model_touched *touched, bool journaled, bool sparse, model *after_down)
{
    char *before = NULL, *expected = NULL;
    model copy, *on = m;

    if (journaled && getenv("PGRAMPART_JOURNAL_CHECK")) {
        before = model_text(m);
        expected = downs_on_copy(run, m, set, a, b, touched);
    }
    if (journaled) {
        model_journal_begin(m);
    } else {
        model_clone(m, &copy);
        on = &copy;
    }
    replay_downs_on(run, on, set, a, b, touched);
    if (journaled) {
        touched_model(m, touched, after_down);
        model_journal_undo(m);
        if (before) {
            journal_check(expected, model_text(after_down), "the touched objects after", down_path);
            journal_check(before, model_text(m), "the model after the undo", down_path);
            free(before);
            free(expected);
        }
    } else if (sparse) {
        touched_model(&copy, touched, after_down);
        model_free(&copy);
    } else {
        *after_down = copy;
        model_rebind(after_down);
    }
}

/*
 * Apply logical migration g of view (entries [a, b) of set) to m, and give
 * plugins the model before it, after its ups and after its ups then downs,
 * so that they can judge whether the downs undo the ups.  before is m as
 * it was before this migration's ups: a second model the same ups are
 * replayed on, one migration behind (copying m per migration cost the whole
 * model, O(n^2) over a history; issue 15).  When every hook reads only the
 * objects the migration touched (api->replay_touched_only), the three
 * models handed over are small models of those objects, and the downs run
 * on m under a journal when it records them whole; else the models are
 * whole and the downs run on a copy.
 */
static void
replay_migration(check_run *run, const pgr_migration_set *view, size_t g, model *m,
                 model *before, const mig_set *set, size_t a, size_t b, size_t downs[2])
{
    /* The downs are judged only when every half parses: a partial replay
     * would report phantom differences. */
    bool judge_down = false, clean = true, journaled, sparse;
    model after_down, small_before, small_up, *mb = before, *mu = m;
    model_touched touched;
    touched_views tv;
    pgr_model vb, vu, vd;
    replay_point rp = { view, g, &vb, &vu, NULL };
    size_t k;

    for (k = a; k < b; k++) {
        const mig_entry *e = util_vec_at(&set->entries, k);
        const check_file *down = sql_file_at(run, e->down);

        clean = clean && parsed_clean(sql_file_at(run, e->up)) && (!down || parsed_clean(down));
        judge_down = judge_down || down != NULL;
    }
    judge_down = judge_down && clean;
    sparse = hooks_touched_only(run->host) && !getenv("PGRAMPART_REPLAY_FULL");
    journaled = sparse && judge_down && !getenv("PGRAMPART_REPLAY_COPY") &&
        downs_journaled(run, set, a, b);
    model_touched_init(&touched);
    /* What the ups and then the downs touch, for api->replay_touched. */
    model_record_touched(m, &touched);
    replay_ups(run, m, set, a, b, run);
    model_record_touched(m, NULL);
    if (judge_down) {
        run_downs(run, view->migrations[g].down_path, m, set, a, b, &touched, journaled, sparse,
                  &after_down);
        downs[journaled ? 0 : 1]++;
        model_view(&after_down, &vd);
        rp.after_down = &vd;
    }
    if (sparse) {
        touched_model(before, &touched, &small_before);
        touched_model(m, &touched, &small_up);
        mb = &small_before;
        mu = &small_up;
    }
    model_view(mb, &vb);
    model_view(mu, &vu);
    touched_views_init(&tv, &touched, mb, mu, judge_down ? &after_down : NULL, &vb, &vu, &vd);
    /* PGRAMPART_REPLAY_FULL: plugins are told nothing of what was touched
     * and compare whole models, as before issue 15; tests check that the
     * findings are the same either way (tests/e2e/perf_history.py). */
    serve_touched(run->host, getenv("PGRAMPART_REPLAY_FULL") ? NULL : &tv);
    host_for_each_plugin(run->host, call_replay_hook, &rp);
    serve_touched(run->host, NULL);
    touched_views_free(&tv);
    model_touched_free(&touched);
    if (judge_down)
        model_free(&after_down);
    if (sparse) {
        model_free(&small_before);
        model_free(&small_up);
    }
    replay_ups(run, before, set, a, b, NULL);
}

static void
call_set_hook(const pgr_plugin *p, pgr_ctx *ctx, void *set)
{
    if (p->on_migration_set)
        p->on_migration_set(ctx, set);
}

static void
call_model_hooks(check_run *run, model *m)
{
    if (run->model_fn)
        run->model_fn(m, run->model_arg);
    check_model_hooks(run->host, m);
}

/* Replay sets [from, to) of run->mig, each with its hooks. */
static void
run_sets(check_run *run, size_t from, size_t to)
{
    size_t s, k, g;
    bool hooks = any_replay_hook(run->host);

    for (s = from; s < to; s++) {
        const mig_set *set = util_vec_at(&run->mig.sets, s);
        pgr_migration_set view;
        model m, before;
        size_t downs[2] = { 0, 0 };

        set_view(run, set, &view);
        host_for_each_plugin(run->host, call_set_hook, &view);
        model_init(&m, set->root, 1);
        model_set_version(&m, run->host->cfg->postgres_version);
        if (view.n_migrations > 0)
            model_set_origin(&m, &view.migrations[0].up_location);
        /* The model before each migration, for the replay hooks. */
        if (hooks)
            model_clone(&m, &before);
        for (k = 0, g = 0; k < set->entries.len; k = mig_group_end(set, k), g++) {
            size_t j;

            /* A second model and a copy per down cost time: only when a
             * plugin asks for them. */
            if (hooks) {
                replay_migration(run, &view, g, &m, &before, set, k, mig_group_end(set, k), downs);
                continue;
            }
            for (j = k; j < mig_group_end(set, k); j++)
                replay_part(&m, sql_file_at(run, ((const mig_entry *) util_vec_at(&set->entries, j))->up),
                            PGR_PART_UP, run);
        }
        free((void *) view.migrations);
        if (hooks)
            model_free(&before);
        /* For the tests: how the downs ran (each one checked). */
        if (getenv("PGRAMPART_JOURNAL_CHECK"))
            fprintf(stderr, "pgrampart: journal check of %s: %zu downs undone, %zu on a copy\n",
                    set->root, downs[0], downs[1]);
        call_model_hooks(run, &m);
        model_free(&m);
    }
}

/* Start the model of f alone: empty, in a session of its own. */
static void
alone_begin(check_run *run, check_file *f, model *m)
{
    pgr_location origin = { f->path, 1, 1, 1, 1, NULL };

    model_init(m, f->path, 0);
    model_set_version(m, run->host->cfg->postgres_version);
    model_set_origin(m, &origin);
    model_new_session(m);
}

/* f's SQL (its own, or what it hands to psql) as a model of its own. */
static void
replay_alone(check_run *run, check_file *f)
{
    model m;

    alone_begin(run, f, &m);
    replay_range(&m, f, PGR_PART_NONE, 0, f->sql.stmts.len, run);
    call_model_hooks(run, &m);
    model_free(&m);
}

/*
 * A SQL file outside any migration set is a model of its own.  So is the
 * SQL a script, a CI step or a compose command hands to psql: the roles,
 * grants and policies it creates get the model rules, not only the
 * statement rules.
 */
static void
run_standalone(check_run *run)
{
    size_t i;

    for (i = 0; i < run->n_sql; i++) {
        check_file *f = util_vec_at(&run->files, run->sql_index[i]);

        if (run->mig.roles[i] == MIG_NONE && f->parsed_sql)
            replay_alone(run, f);
    }
    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);

        if (!discover_is_statements(f->fe) && f->parsed_sql && f->sql.stmts.len > 0)
            replay_alone(run, f);
    }
}

/* Read in (a file of f, or server configuration written in it) with
 * model front-end fe into a model of its own; report its problems and give
 * it to the model hooks.  only_if_any: a values file (YAML) holds server
 * settings only now and then; without any there is no model to check. */
static void
run_model(check_run *run, const check_file *f, const frontend *fe, const frontend_input *in,
          bool only_if_any)
{
    pgr_location origin = { f->path, 1, 1, 1, 1, NULL };
    util_vec errors;
    model m;
    size_t k;

    util_vec_init(&errors, sizeof(pgconf_error));
    model_init(&m, f->path, 0);
    model_set_version(&m, run->host->cfg->postgres_version);
    model_set_origin(&m, &origin);
    fe->parse_model(in, &m, &errors);
    if (only_if_any && m.settings.len == 0 && m.hba.len == 0 && errors.len == 0) {
        model_free(&m);
        pgconf_errors_free(&errors);
        return;
    }
    for (k = 0; k < errors.len; k++) {
        const pgconf_error *e = util_vec_at(&errors, k);
        pgr_location loc = { e->path, e->line, e->column, e->line, e->column, NULL };

        host_report_core(run->host, e->rule ? e->rule : fe->syntax_rule.id, &loc, e->message);
    }
    check_model_hooks(run->host, &m);
    model_free(&m);
    pgconf_errors_free(&errors);
}

/* Each file of a model front-end (server configuration files) is a model
 * of its own: settings and hba rules with their file positions, for the same
 * rules the live audit runs.  So is server configuration written in another
 * file (a Markdown file's pg_hba.conf block), at that file's positions. */
static void
run_models(check_run *run)
{
    size_t i, k;

    for (i = 0; i < run->files.len; i++) {
        check_file *f = util_vec_at(&run->files, i);
        frontend_input in = { f->path, f->root, f->text, f->len, NULL };

        if (f->text == NULL || f->context)
            continue;
        if (f->fe->parse_model != NULL)
            run_model(run, f, f->fe, &in, f->fe->output != FRONTEND_MODEL);
        for (k = 0; f->parsed_values && k < f->model_texts.len; k++) {
            const frontend_embedded *e = util_vec_at(&f->model_texts, k);
            const frontend *fe = frontends_by_name(e->frontend);

            in.text = e->text;
            in.dialect = e->dialect;
            run_model(run, f, fe, &in, false);
        }
    }
}

void
check_replay(check_run *run)
{
    run_sets(run, 0, run->mig.sets.len);
    run_standalone(run);
    run_models(run);
}

void
check_replay_set(check_run *run, size_t set)
{
    run_sets(run, set, set + 1);
}

void
check_replay_file(check_run *run, check_file *f)
{
    replay_alone(run, f);
}

void
check_replay_file_begin(check_run *run, check_file *f, model *m)
{
    alone_begin(run, f, m);
}

void
check_replay_file_statements(check_run *run, check_file *f, model *m, size_t from, size_t to)
{
    replay_range(m, f, PGR_PART_NONE, from, to, run);
}

void
check_replay_file_end(check_run *run, model *m)
{
    call_model_hooks(run, m);
    model_free(m);
}

void
check_replay_configs(check_run *run)
{
    run_models(run);
}
