/*
 * stream.c — the streamed run of a check (issue 15): SQL files parsed a
 * window at a time on every core and consumed in path order, each file's
 * statements to the plugins and its model (or its migration set's, once
 * the set is complete), then its parse trees freed.  run.c reads the
 * files and owns the pipeline's other steps; check.h says what the two
 * share.
 */
#include "scan/check.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The streamed run (issue 15): SQL files are parsed a window at a time and
 * consumed in file order, and a file's parse trees are freed as soon as
 * nothing needs them any more, so that peak memory is the trees of a
 * window and of the migration set being read, not of every file.
 *
 * stream_plan says when each migration set can be replayed: once every
 * file of the set and every file below its root have been consumed (their
 * statement hooks ran: the rollback plugin notes what each up does before
 * its set, the grants plugin the memberships of the files below a model's
 * root, grants_members.c in_model), and, per SQL file, how many sets still
 * replay it.
 */
typedef struct stream_plan {
    size_t *mig_of;          /* files index -> mig index, or SIZE_MAX */
    size_t *ready;           /* per set: files [0, ready) consumed first */
    size_t *order;           /* set indexes by ready, then by index */
    size_t next_set;         /* the first of order not replayed yet */
    unsigned *pending;       /* per mig index: sets that still replay it */
    size_t *set_mark;        /* per mig index: the last set (+ 1) counted in
                              * pending, then the last that released it */
    size_t parsed;           /* mig indexes [0, parsed) are parsed (or never) */
} stream_plan;

/* A window of parsing: at most this many files, and no more bytes than
 * this once it holds one file per parser thread (so a window of large
 * files is one each).  Trees take about 20 times the bytes of their SQL. */
#define STREAM_WINDOW_FILES 64
#define STREAM_WINDOW_BYTES ((size_t) 512 << 10)

static const stream_plan *order_plan;

static int
set_order_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *) a, y = *(const size_t *) b;

    if (order_plan->ready[x] != order_plan->ready[y])
        return order_plan->ready[x] < order_plan->ready[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The end (exclusive) of the files below directory root (as in
 * grants_members.c in_model: root "/" a prefix; root may end in '/'); at
 * least from.  files is sorted by path, so they are one run of it. */
static size_t
root_range_end(const check_run *run, const char *root, size_t from)
{
    size_t n = strlen(root), lo = 0, hi = run->files.len, i;
    char *prefix = n > 0 && root[n - 1] == '/' ? util_xstrdup(root) : util_xasprintf("%s/", root);
    size_t pl = strlen(prefix);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(((const check_file *) util_vec_at(&run->files, mid))->path, prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < run->files.len &&
         strncmp(((const check_file *) util_vec_at(&run->files, i))->path, prefix, pl) == 0; i++)
        ;
    free(prefix);
    return i > lo && i > from ? i : from;
}

/* Count set s in the pending sets of SQL file mig (once per set). */
static void
plan_file(check_run *run, stream_plan *sp, size_t s, long mig)
{
    size_t fi;

    if (mig < 0)
        return;
    fi = run->sql_index[mig];
    if (fi + 1 > sp->ready[s])
        sp->ready[s] = fi + 1;
    if (sp->set_mark[mig] != s + 1) {
        sp->set_mark[mig] = s + 1;
        sp->pending[mig]++;
    }
}

static void
plan_stream(check_run *run, stream_plan *sp)
{
    size_t i, s, k, n_sets = run->mig.sets.len;

    memset(sp, 0, sizeof *sp);
    sp->mig_of = util_xcalloc(run->files.len + 1, sizeof(size_t));
    for (i = 0; i < run->files.len; i++)
        sp->mig_of[i] = SIZE_MAX;
    for (i = 0; i < run->n_sql; i++)
        sp->mig_of[run->sql_index[i]] = i;
    sp->ready = util_xcalloc(n_sets + 1, sizeof(size_t));
    sp->order = util_xcalloc(n_sets + 1, sizeof(size_t));
    sp->pending = util_xcalloc(run->n_sql + 1, sizeof(unsigned));
    sp->set_mark = util_xcalloc(run->n_sql + 1, sizeof(size_t));
    for (s = 0; s < n_sets; s++) {
        const mig_set *set = util_vec_at(&run->mig.sets, s);

        for (k = 0; k < set->entries.len; k++) {
            const mig_entry *e = util_vec_at(&set->entries, k);

            plan_file(run, sp, s, e->up);
            plan_file(run, sp, s, e->down);
        }
        if (set->root != NULL)
            sp->ready[s] = root_range_end(run, set->root, sp->ready[s]);
        sp->order[s] = s;
    }
    order_plan = sp;
    qsort(sp->order, n_sets, sizeof(size_t), set_order_cmp);
    order_plan = NULL;
    /* From here on, set_mark is the last set that released each file. */
    memset(sp->set_mark, 0, (run->n_sql + 1) * sizeof(size_t));
}

static void
plan_free(stream_plan *sp)
{
    free(sp->mig_of);
    free(sp->ready);
    free(sp->order);
    free(sp->pending);
    free(sp->set_mark);
}

/* Whether SQL file mig is parsed piece by piece as it is consumed
 * (consume_pieces), not in a window: a large file that is a model of its
 * own, whose statements need not be held for a set's replay. */
static bool
streams_pieces(check_run *run, size_t mig)
{
    const check_file *f = util_vec_at(&run->files, run->sql_index[mig]);

    return run->mig.roles[mig] == MIG_NONE && f->len > 2 * SQL_CHUNK_BYTES;
}

/* Parse the window of SQL files that starts at mig index first, on all
 * cores (sql_file_parse_all). */
static void
parse_window(check_run *run, stream_plan *sp, size_t first)
{
    sql_parse_job jobs[STREAM_WINDOW_FILES];
    unsigned threads = check_jobs_of_run();
    size_t i, n = 0, bytes = 0;

    for (i = first; i < run->n_sql && n < STREAM_WINDOW_FILES &&
         (n < threads || bytes < STREAM_WINDOW_BYTES); i++) {
        if (!check_parses_sql(run, i) || streams_pieces(run, i))
            continue;
        check_set_job(&jobs[n], util_vec_at(&run->files, run->sql_index[i]));
        bytes += jobs[n++].len;
    }
    sql_file_parse_all(jobs, n, threads);
    sp->parsed = i;
}

/* Report what SQL file mig's parse found (check_finish_parse), parsing its
 * window first when it is not parsed yet. */
static void
take_parsed(check_run *run, stream_plan *sp, size_t mig)
{
    if (mig >= sp->parsed)
        parse_window(run, sp, mig);
    check_finish_parse(run, mig);
}

/* A set whose files freed more than this many bytes of SQL gives the
 * memory back (malloc_trim): its trees were the run's peak, and glibc keeps
 * freed pages between live chunks otherwise. */
#define STREAM_TRIM_BYTES ((size_t) 1 << 20)

/* Replay the sets whose files up to files index `consumed` are consumed,
 * and free the trees of their files that no other set replays. */
static void
replay_ready_sets(check_run *run, stream_plan *sp, size_t consumed)
{
    while (sp->next_set < run->mig.sets.len && sp->ready[sp->order[sp->next_set]] <= consumed) {
        size_t s = sp->order[sp->next_set++], k, freed = 0;
        const mig_set *set = util_vec_at(&run->mig.sets, s);

        check_replay_set(run, s);
        for (k = 0; k < set->entries.len; k++) {
            const mig_entry *e = util_vec_at(&set->entries, k);
            long halves[2] = { e->up, e->down };
            int h;

            for (h = 0; h < 2; h++) {
                check_file *f;

                if (halves[h] < 0 || sp->set_mark[halves[h]] == s + 1)
                    continue;
                sp->set_mark[halves[h]] = s + 1;
                f = util_vec_at(&run->files, run->sql_index[halves[h]]);
                if (--sp->pending[halves[h]] == 0 && f->parsed_sql) {
                    sql_file_release(&f->sql);
                    freed += f->len;
                }
            }
        }
#ifdef __GLIBC__
        if (freed > STREAM_TRIM_BYTES)
            malloc_trim(0);
#endif
    }
}

/*
 * Consume large SQL file mig, a model of its own, a piece at a time
 * (sql_stream_next): each piece's statements to every plugin, then into
 * the file's model, then its trees freed; the model's hooks once the file
 * is done.  Plugins see what consume_file gives them: every statement of
 * the file, in order, before its model.
 */
static void
consume_pieces(check_run *run, check_file *f, size_t mig)
{
    stmt_range r = { f, 0, 0 };
    size_t first, n, k;
    model m;

    sql_stream_begin(&f->sql, f->path, f->text, f->len);
    f->parsed_sql = true;
    check_replay_file_begin(run, f, &m);
    while (sql_stream_next(&f->sql, &first, &n)) {
        for (k = first; k < first + n; k++) {
            sql_stmt *st = util_vec_at(&f->sql.stmts, k);

            st->part = check_part_of(run->mig.roles[mig], st);
        }
        r.from = first;
        r.to = first + n;
        host_for_each_plugin(run->host, check_call_range_hooks, &r);
        check_replay_file_statements(run, f, &m, r.from, r.to);
        sql_file_free_trees(&f->sql);
    }
    check_report_sql_parse(run, f, f->fe, false);
    check_replay_file_end(run, &m);
    sql_file_release(&f->sql);
}

/* Consume file i: its parse, its statement hooks, and its model when it is
 * one of its own; then free its trees unless a set still replays it. */
static void
consume_file(check_run *run, stream_plan *sp, size_t i)
{
    check_file *f = util_vec_at(&run->files, i);
    size_t mig = sp->mig_of[i];
    stmt_range all = { f, 0, 0 };

    if (mig != SIZE_MAX && check_parses_sql(run, mig) && streams_pieces(run, mig)) {
        consume_pieces(run, f, mig);
        return;
    }
    if (mig != SIZE_MAX && check_parses_sql(run, mig))
        take_parsed(run, sp, mig);
    if (!f->parsed_sql)
        return;
    all.to = f->sql.stmts.len;
    host_for_each_plugin(run->host, check_call_range_hooks, &all);
    /* As check_replay's run_standalone: a SQL file outside any set, and
     * what a script hands to psql, are models of their own. */
    if (mig == SIZE_MAX ? f->sql.stmts.len > 0 : run->mig.roles[mig] == MIG_NONE)
        check_replay_file(run, f);
    if (mig == SIZE_MAX || sp->pending[mig] == 0)
        sql_file_release(&f->sql);
}

/*
 * The file hooks and models of a run, streamed: value files first (every
 * plugin's on_value_file), then each file in path order, its statements to
 * every plugin and its model (or its set's, once the set is complete), then
 * the server configuration models.  Findings are those of the unstreamed
 * order (plugin.h says what a plugin may rely on).
 */
void
check_stream_run(check_run *run)
{
    stream_plan sp;
    size_t i;

    plan_stream(run, &sp);
    check_parse_value_files(run);
    host_for_each_plugin(run->host, check_call_value_hooks, run);
    replay_ready_sets(run, &sp, 0);
    for (i = 0; i < run->files.len; i++) {
        consume_file(run, &sp, i);
        replay_ready_sets(run, &sp, i + 1);
    }
    replay_ready_sets(run, &sp, SIZE_MAX);
    check_replay_configs(run);
    plan_free(&sp);
}
