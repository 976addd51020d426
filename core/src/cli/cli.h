/*
 * cli.h — the commands of the command line, one file each in core/src/cli/
 * (check.c, audit.c, verify.c, model.c, rules.c, explain.c, init.c), listed in one
 * table (commands.c) that main.c dispatches on and builds its help from.
 *
 * A new command is one file here with a cli_<name> function and its help,
 * their declarations and one line in commands.c's table, and one test.
 */
#ifndef PGR_CLI_H
#define PGR_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "host/host.h"
#include "model/model.h"
#include "report/context.h"
#include "report/diag.h"
#include "util.h"

/* Exit statuses of every command. */
enum { CLI_EXIT_CLEAN = 0, CLI_EXIT_FINDINGS = 1, CLI_EXIT_TOOL = 2 };

/* --color WHEN. */
enum { CLI_COLOR_AUTO = 0, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER };

/* The parsed command-line options (main.c's parse_options); strings point
 * into argv. */
typedef struct cli_options {
    const char *format;
    const char *migrations;  /* audit --migrations PATH */
    const char *server;      /* verify --server CONNINFO */
    const char *server_user; /* verify --server-user NAME (the throwaway cluster's, as root) */
    bool inventory;          /* audit --inventory */
    bool all_databases;      /* audit --all-databases */
    const char *services;    /* audit --services FILE (a pg_service.conf) */
    const char *baseline;    /* check --baseline FILE */
    bool staged;             /* check --staged */
    bool markdown;           /* explain --markdown */
    bool readme_table;       /* explain --readme-table */
    const char *diff_base;   /* check --diff-base REF */
    const char *write_baseline; /* check --write-baseline FILE */
    int timeout_ms;          /* audit: statement_timeout and lock_timeout */
    bool timeout_given;      /* audit: --timeout given (it then bounds connecting too) */
    util_vec schemas;        /* audit --schema (of const char *) */
    util_vec exclude_schemas;/* audit --exclude-schema */
    int fail_on;
    const char *config;
    util_vec plugin_dirs;    /* of const char * */
    int color;               /* CLI_COLOR_AUTO, _ALWAYS or _NEVER (--color, --no-color) */
    const char *output;      /* --output FILE ("-" or NULL: stdout) */
    util_vec select;         /* check/audit --select LIST (of const char *, repeatable) */
    util_vec ignore;         /* check/audit --ignore LIST */
    bool exit_zero;          /* --exit-zero: findings do not make the status 1 */
    bool quiet;              /* --quiet: findings only, no summary or notes */
    bool statistics;         /* --statistics: a count per rule instead of the findings */
    const char *stdin_filename; /* check - --stdin-filename PATH */
    int argc;                /* the command line, for the report's context */
    char *const *argv;
    unsigned jobs;           /* check --jobs N (0: one per online CPU) */
} cli_options;

/*
 * A command: its name, its line in `pgrampart --help`, the options it
 * takes (any other is refused), its help (`pgrampart NAME --help`), and run, which gets the host (plugins
 * and config loaded), the options and the operands; returns an exit status.
 */
typedef struct cli_command {
    const char *name;
    const char *synopsis;
    const char *options;     /* the long options it takes, space-separated ("format fail-on");
                              * --help is every command's */
    void (*help)(FILE *out);
    int (*run)(host *h, const cli_options *o, char *const *args, size_t n);
} cli_command;

/* The command named name, or NULL. */
const cli_command *cli_find(const char *name);

/* Whether command c takes the long option named option (without "--"). */
bool cli_takes(const cli_command *c, const char *option);

/* The commands in table order; *n is set to their number. */
const cli_command *cli_all(size_t *n);

/* Print the findings of h in o->format to o->output (stdout for NULL or
 * "-"), their messages masked first; text_fn gives file contents for
 * snippets (may be NULL); context describes the run (may be NULL).
 * Returns 0, or -1 if the file could not be written (after saying why). */
int cli_print_findings(host *h, const cli_options *o, diag_text_fn text_fn, void *text_arg,
                       const report_context *context);

/*
 * Open where the report goes: standard output for o->output NULL or "-";
 * o->output itself when it exists and is not a regular file (/dev/stdout,
 * a FIFO, a symbolic link); else a temporary file beside o->output (*tmp
 * set to its path), renamed over it by cli_output_close, so that a reader
 * of FILE never sees half a report.  Returns NULL after saying why.
 */
FILE *cli_output_open(const cli_options *o, char **tmp);

/* Finish the report opened by cli_output_open: flush standard output, or
 * close the temporary file and rename it over o->output (removed instead
 * when rc is not 0).  Returns rc, or -1 if writing failed (after saying
 * why).  Frees tmp. */
int cli_output_close(const cli_options *o, FILE *out, char *tmp, int rc);

/* Whether to write ANSI colours to out: --color always/never; else not
 * when NO_COLOR is set and not empty (no-color.org), yes when FORCE_COLOR
 * is (force-color.org), else when out is a terminal. */
bool cli_use_color(const cli_options *o, FILE *out);

/* Print the help lines of the options every command that reports findings
 * takes (--select, --ignore, --exit-zero, --quiet, --statistics, --color). */
void cli_print_report_options(FILE *out);

/* Print the --format line of a help text after lead, from the reporters'
 * table (the first is the default). */
void cli_print_format_option(FILE *out, const char *lead);

/* Seconds allowed for connecting (audit, verify): --timeout's milliseconds
 * rounded up, else libpq's 10. */
int cli_connect_timeout_s(const cli_options *o);

/* The model of the first migration set under a path. */
typedef struct cli_kept_model {
    model m;
    bool have;
} cli_kept_model;

/* Replay the migrations at path quietly (their own findings are check's
 * business) and keep the first set's model in k (caller frees k->m when
 * k->have).  Returns 0, or -1 after printing why. */
int cli_migrations_model(host *h, const char *path, cli_kept_model *k);

#endif
