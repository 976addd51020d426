/*
 * check.h — the static check: discover files (discover.c), then run the
 * pipeline over them (run.c): read, pair migrations, run the front-ends,
 * replay schema models and call every plugin's callbacks.
 */
#ifndef PGR_CHECK_H
#define PGR_CHECK_H

#include "host/host.h"
#include "scan/migrations.h"
#include "scan/pathrole.h"
#include "model/model.h"
#include "frontends/frontend.h"
#include "frontends/sql.h"
#include "frontends/values.h"

/* Settings of a file read by another front-end than the file's own, given
 * to the plugins as a value file of their own (a Markdown file's YAML
 * blocks: frontend_embedded.own_file). */
typedef struct check_values {
    const frontend *fe;      /* the front-end that read them (its format) */
    values_file values;
} check_values;

/* One input file and what the front-ends made of it. */
typedef struct check_file {
    char *path;              /* display path */
    const frontend *fe;      /* the front-end that reads it (frontends.c) */
    char *text;              /* NULL when unreadable */
    size_t len;
    bool parsed_sql;
    sql_file sql;
    bool parsed_values;      /* values holds what a text front-end read */
    values_file values;
    util_vec own_values;     /* of check_values * (owned), when parsed_values */
    util_vec model_texts;    /* of frontend_embedded (texts owned), when
                              * parsed_values: server configuration written
                              * in it (a Markdown file's pg_hba.conf
                              * blocks), each a model of its own */
    util_lines lines;        /* for value and configuration files */
    bool context;            /* read only for its migration set: not reported on */
    const char *root;        /* resolved checked root it was found under (owned
                              * by the run; NULL when it did not resolve):
                              * postgresql.conf includes may not leave it */
    path_role role;          /* by its path below the checked root (pathrole.h):
                              * caps its findings' severity (config roles:) */
} check_file;

typedef struct check_run {
    host *host;
    util_vec files;          /* of check_file, sorted by path */
    util_vec roots;          /* of char *: resolved checked roots (realpath) */
    mig_result mig;          /* over the SQL files, in files order */
    size_t *sql_index;       /* mig index -> files index */
    size_t n_sql;
    bool adding_context;     /* discover.c is collecting context files */
    /* Called with each replayed model before it is freed (may be NULL). */
    void (*model_fn)(model *model, void *arg);
    void *model_arg;
    bool tracked_known;      /* git was asked which env files it tracks */
    int *tracked;            /* per tracked_paths: 1/0, or NULL without git */
    char **tracked_paths;
    size_t n_tracked;
} check_run;

/*
 * Where file contents come from: NULL reads the working tree; a reader
 * (e.g. the git index for --staged) returns 1 and sets *data (caller frees)
 * and *len when it supplies the file, 0 to fall back to the working tree,
 * -1 with *err (static text) on failure.
 */
typedef int (*check_reader_fn)(void *arg, const char *path, char **data, size_t *len,
                               const char **err);

/* Set the reader of the next check_paths calls (NULL: the working tree). */
void check_set_reader(check_reader_fn fn, void *arg);

/*
 * check - (standard input, issue 17): the next check_paths calls take the
 * operand path as a file whose contents the reader supplies, whether or not
 * it exists, read by fe (NULL: the front-end its name selects).  Its
 * migration set comes in as context when fe is NULL and its directory
 * exists ("<stdin>" has none).  path NULL: no such operand.  Both borrowed.
 */
void check_set_virtual(const char *path, const frontend *fe);

/* The most a file (or standard input) may hold, in bytes: a larger one is
 * core/unreadable-file, not read whole into memory. */
#define CHECK_MAX_FILE_BYTES (64u << 20)

/* Set the number of threads that parse the SQL files of the next
 * check_paths calls (--jobs); 0, the default, is the number of online CPUs,
 * 1 parses on the calling thread.  Findings do not depend on it. */
void check_set_jobs(unsigned jobs);

/*
 * Check paths (files or directories; directories are walked, skipping
 * .git, node_modules and build directories).  A SQL file named on its own
 * brings its migration set in as context (its directory, and the parent
 * of a deploy/, revert/, rollback/ or diesel directory), so that pairing
 * and replay see the whole set; only findings in the named files are kept.  Findings go to the host's
 * diag store.  Returns 0, or -1 with *err set (a path that does not exist);
 * caller frees *err.  Free the run with check_free.
 */
int check_paths(host *h, char *const *paths, size_t n, check_run *run, char **err);

/* As check_paths, calling model_fn(model, arg) for every replayed model. */
int check_paths_models(host *h, char *const *paths, size_t n, check_run *run, char **err,
                       void (*model_fn)(model *, void *), void *arg);

/* Call every plugin's on_drift with the migrations' model and the live one. */
void check_drift_hooks(host *h, model *migrations, model *live);
void check_free(check_run *run);

/* Give one model to every plugin's on_model (the live audit uses it). */
void check_model_hooks(host *h, model *m);
/* Call every plugin's on_finish. */
void check_finish_hooks(host *h);

/* The file of a run with this display path, or NULL. */
const check_file *check_file_of(check_run *run, const char *path);

/* diag_text_fn over a run: the text of a checked file. */
const char *check_text(void *run, const char *path, size_t *len);

/* Replay every schema model of run (replay.c) and hand each to the plugins'
 * model hooks and run->model_fn: migration sets in order, standalone SQL
 * files, server configuration files.  Files must be parsed and the file hooks
 * run. */
void check_replay(check_run *run);

/* The pieces of check_replay, for a run that consumes its files as they
 * are parsed (run.c): set number set of run->mig (its on_migration_set,
 * replay hooks and model; its files parsed and their statement hooks run);
 * f's SQL as a model of its own (a SQL file outside any set, or what a
 * script hands to psql); the server configuration models. */
void check_replay_set(check_run *run, size_t set);
void check_replay_file(check_run *run, check_file *f);
void check_replay_configs(check_run *run);

/* check_replay_file in steps, for a file parsed piece by piece
 * (sql_stream_next): begin m, replay statements [from, to) of f into it
 * (their trees alive) as each piece comes, then give m to the model hooks
 * and free it. */
void check_replay_file_begin(check_run *run, check_file *f, model *m);
void check_replay_file_statements(check_run *run, check_file *f, model *m, size_t from, size_t to);
void check_replay_file_end(check_run *run, model *m);

/* The path role's name of a file of run (pathrole_name: "production" when
 * run has no such file); static. */
const char *check_role(void *run, const char *path);

/* --- what run.c shares with stream.c (the streamed run) ------------------ */

/* Statements [from, to) of a file, for check_call_range_hooks. */
typedef struct stmt_range {
    check_file *f;
    size_t from;
    size_t to;
} stmt_range;

/* The part of a statement of a file with migration role role (a down's, a
 * dbmate file's halves). */
pgr_part check_part_of(mig_role role, const sql_stmt *st);

/* Report what the parse of SQL file f (front-end fe) found: its syntax
 * errors and template notes, as a migration's when migration is set. */
void check_report_sql_parse(check_run *run, check_file *f, const frontend *fe, bool migration);

/* The number of parser threads: --jobs, else the online CPUs. */
unsigned check_jobs_of_run(void);

/* Whether SQL file i (mig index) is parsed (other databases' dialect
 * files are not); the parse job of SQL file f. */
bool check_parses_sql(check_run *run, size_t i);
void check_set_job(sql_parse_job *job, check_file *f);

/* Report what the parse of SQL file mig (mig index) found and give its
 * statements their parts. */
void check_finish_parse(check_run *run, size_t mig);

/* Read the value files (env, YAML, shell, JS/TS, Markdown...) into
 * settings for on_value_file, their embedded SQL parsed as the file's. */
void check_parse_value_files(check_run *run);

/* host_for_each_plugin callbacks: a plugin's value-file hooks (arg: the
 * run); its statement hooks over a stmt_range (arg). */
void check_call_value_hooks(const pgr_plugin *p, pgr_ctx *ctx, void *run);
void check_call_range_hooks(const pgr_plugin *p, pgr_ctx *ctx, void *arg);

/* The file hooks and models of a run, streamed (stream.c): value files
 * first, then each file in path order, its statements to every plugin and
 * its model (or its set's, once complete), then the server configuration
 * models; each file's trees freed once nothing needs them. */
void check_stream_run(check_run *run);

#endif
