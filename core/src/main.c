/*
 * main.c — the pgrampart command line.
 *
 *   pgrampart check [options] [PATH...]   lint files and directories
 *   pgrampart rules [options]             list every loaded rule
 *
 * Exit status: 0 clean, 1 findings at or above --fail-on, 2 the tool could
 * not do its job (bad arguments, configuration, plugin, or path).
 */
#include <getopt.h>
#include <limits.h>
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/baseline.h"
#include "scan/check.h"
#include "scan/gitscope.h"
#include "host/config.h"
#include "report/diag.h"
#include "host/host.h"
#include "model/live.h"
#include "report/mask.h"
#include "model/model_json.h"
#include "report/reporter.h"
#include "cli/cli.h"

#define PGR_VERSION PGR_VERSION_STRING



static void
usage(FILE *out)
{
    size_t i, n;
    const cli_command *c = cli_all(&n);

    for (i = 0; i < n; i++)
        fprintf(out, "%s%s\n", i ? "       " : "usage: ", c[i].synopsis);
    fputs("       pgrampart --version\n"
          "\n"
          "options:\n", out);
    cli_print_format_option(out, "  --format FORMAT          ");
    fputs("  --fail-on error|warning|info\n"
          "                           lowest severity that makes the exit status 1\n"
          "                           (default error)\n"
          "  --config FILE            configuration (default: .pgrampart.yml found\n"
          "                           by walking up from the first PATH, or from\n"
          "                           the working directory)\n"
          "  --plugin-dir DIR         also load plugins from DIR (repeatable)\n"
          "  --no-color               no ANSI colours (--color=never)\n"
          "  --staged                 check the files staged in git, as staged (pre-commit)\n"
          "  --diff-base REF          report only findings that are not at the merge base\n"
          "                           of REF and HEAD (pull requests)\n"
          "  --baseline FILE          hide the findings recorded in FILE, report new ones\n"
          "  --write-baseline FILE    record today's findings in FILE (then exit 0)\n"
          "  --output FILE            write the report to FILE (- for standard output)\n"
          "  --jobs N                 parse SQL files on N threads (default: one per\n"
          "                           online CPU; 1: on the main thread)\n"
          "  --stdin-filename PATH    check -: standard input is the file at PATH\n"
          "check and audit options:\n", out);
    cli_print_report_options(out);
    fputs("audit options:\n"
          "  --timeout MS             statement_timeout, lock_timeout and connecting (rounded up\n"
          "                           to whole seconds, at least 2; default 5000, connecting 10 s)\n"
          "  --schema NAME            audit only this schema (repeatable)\n"
          "  --exclude-schema NAME    leave this schema out (repeatable)\n"
          "  --migrations PATH        report drift between these migrations and the database\n"
          "  --all-databases          every database of the server (not templates), one report\n"
          "  --services FILE          every service of this pg_service.conf, one report\n"
          "  --jobs N                 with several databases: read N at once (default 2)\n"
          "verify options:\n"
          "  --server CONNINFO        the scratch server verify creates (and drops) its database on\n"
          "                           (default: a throwaway cluster of its own, removed at the end)\n"
          "  --server-user NAME       as root: the user the throwaway cluster runs as (default postgres)\n"
          "\n"
          "exit status: 0 clean, 1 findings at or above --fail-on, 2 error\n", out);
}

/* pgrampart CMD --help */
static void
usage_command(const char *cmd, FILE *out)
{
    const cli_command *c = cli_find(cmd);

    if (c)
        c->help(out);
    else
        usage(out);
}

static bool
is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the binary's own plugins and rule packs are: beside it in a build
 * tree, or under its install prefix (so an installed tree is relocatable). */
static void
default_dirs(char **plugins, char **rules)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *dir, *build_plugins;

    *plugins = *rules = NULL;
    if (n <= 0)
        return;
    exe[n] = '\0';
    dir = util_dirname(exe);
    build_plugins = util_path_join(dir, "plugins");
    if (is_dir(build_plugins)) {
        *plugins = build_plugins;
        *rules = util_xstrdup(PGR_SOURCE_RULES_DIR);
    } else {
        free(build_plugins);
        *plugins = util_xasprintf("%s/../%s/pgrampart/plugins", dir, PGR_LIBDIR_NAME);
        *rules = util_xasprintf("%s/../share/pgrampart/rules", dir);
    }
    free(dir);
}

/* Load plugins (default dir, config dirs, --plugin-dir) and rule packs. */
static int
setup_host(host *h, const config *cfg, const cli_options *o)
{
    char *plugins, *rules, *err = NULL;
    size_t i;
    int rc;

    default_dirs(&plugins, &rules);
    rc = plugins ? host_load_dir(h, plugins, 1, &err) : 0;
    for (i = 0; rc == 0 && i < cfg->plugin_dirs.len; i++)
        rc = host_load_dir(h, *(char **) util_vec_at(&cfg->plugin_dirs, i), 0, &err);
    for (i = 0; rc == 0 && i < o->plugin_dirs.len; i++)
        rc = host_load_dir(h, *(const char **) util_vec_at(&o->plugin_dirs, i), 0, &err);
    if (rc == 0 && rules && is_dir(rules))
        rc = host_load_rulepacks(h, rules, &err);
    /* The user's packs extend the shipped ones (rule_packs: in the config). */
    for (i = 0; rc == 0 && i < cfg->rule_packs.len; i++) {
        const char *pack = *(char **) util_vec_at(&cfg->rule_packs, i);

        rc = is_dir(pack) ? host_load_rulepacks(h, pack, &err) : host_load_rulepack(h, pack, &err);
    }
    if (rc == 0)
        rc = host_apply_config(h, &err);
    /* --select and --ignore after the file: the command line wins. */
    if (rc == 0 && (o->select.len > 0 || o->ignore.len > 0))
        rc = host_select_rules(h, &o->select, &o->ignore, &err);
    if (rc != 0)
        diag_print_error(stderr, err);
    else
        mask_load_patterns(&h->rulepacks);   /* the masker knows the packs' secret formats */
    free(err);
    free(plugins);
    h->rules_dir = rules;    /* the report templates are there */
    return rc;
}
















/* --format list: each output format of the table and what it writes. */
static void
list_formats(FILE *out)
{
    size_t i, n;
    const reporter *r = report_all(&n);

    for (i = 0; i < n; i++)
        fprintf(out, "%-8s %s\n", r[i].name, r[i].summary);
}

/* --color always|never|auto. */
static int
parse_color(const char *when, cli_options *o)
{
    if (strcmp(when, "always") == 0)
        o->color = CLI_COLOR_ALWAYS;
    else if (strcmp(when, "never") == 0)
        o->color = CLI_COLOR_NEVER;
    else if (strcmp(when, "auto") == 0)
        o->color = CLI_COLOR_AUTO;
    else {
        fprintf(stderr, "pgrampart: --color takes always, never or auto\n");
        return -1;
    }
    return 0;
}

/* The options that only make sense together, checked once all are read. */
static int
check_combinations(const cli_options *o)
{
    if (o->statistics && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0) {
        fprintf(stderr, "pgrampart: --statistics prints with --format text or json\n");
        return -1;
    }
    return 0;
}

static int
parse_options(const cli_command *command, int argc, char **argv, cli_options *o)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "fail-on", required_argument, NULL, 'F' },
        { "config", required_argument, NULL, 'c' },
        { "plugin-dir", required_argument, NULL, 'P' },
        { "no-color", no_argument, NULL, 'N' },
        { "timeout", required_argument, NULL, 'T' },
        { "schema", required_argument, NULL, 'S' },
        { "exclude-schema", required_argument, NULL, 'X' },
        { "migrations", required_argument, NULL, 'M' },
        { "inventory", no_argument, NULL, 'I' },
        { "all-databases", no_argument, NULL, 'A' },
        { "services", required_argument, NULL, 'V' },
        { "baseline", required_argument, NULL, 'B' },
        { "staged", no_argument, NULL, 'G' },
        { "markdown", no_argument, NULL, 'K' },
        { "readme-table", no_argument, NULL, 'R' },
        { "diff-base", required_argument, NULL, 'D' },
        { "write-baseline", required_argument, NULL, 'W' },
        { "output", required_argument, NULL, 'o' },
        { "jobs", required_argument, NULL, 'J' },
        { "select", required_argument, NULL, 's' },
        { "ignore", required_argument, NULL, 'i' },
        { "exit-zero", no_argument, NULL, 'Z' },
        { "quiet", no_argument, NULL, 'q' },
        { "statistics", no_argument, NULL, 'E' },
        { "stdin-filename", required_argument, NULL, 'n' },
        { "color", required_argument, NULL, 'C' },
        { "server", required_argument, NULL, 'e' },
        { "server-user", required_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    size_t n_formats;
    int c, at = -1;

    o->format = report_all(&n_formats)[0].name;
    o->fail_on = PGR_SEVERITY_ERROR;
    o->timeout_ms = 5000;
    while ((c = getopt_long(argc, argv, "h", longopts, &at)) != -1) {
        /* Each command takes its own options: another command's is an error,
         * not silently ignored (check --timeout does nothing). */
        if (c != '?' && c != 'h' && at >= 0 && !cli_takes(command, longopts[at].name)) {
            char *msg = util_xasprintf("%s does not take --%s (pgrampart %s --help)", command->name,
                                       longopts[at].name, command->name);

            diag_print_error(stderr, msg);
            free(msg);
            return -1;
        }
        at = -1;
        switch (c) {
        case 'f':
            if (strcmp(optarg, "list") == 0) {
                list_formats(stdout);
                exit(CLI_EXIT_CLEAN);
            }
            if (report_find(optarg) == NULL) {
                char *names = report_names(", ");
                char *msg = util_xasprintf("unknown format '%s' (%s; --format list)", optarg, names);

                diag_print_error(stderr, msg);
                free(msg);
                free(names);
                return -1;
            }
            o->format = optarg;
            break;
        case 'F':
            o->fail_on = diag_severity_parse(optarg);
            if (o->fail_on <= PGR_SEVERITY_OFF) {
                fprintf(stderr, "pgrampart: --fail-on takes error, warning or info\n");
                return -1;
            }
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'P':
            *(const char **) util_vec_push(&o->plugin_dirs) = optarg;
            break;
        case 'N':
            o->color = CLI_COLOR_NEVER;
            break;
        case 'C':
            if (parse_color(optarg, o) != 0)
                return -1;
            break;
        case 's':
            *(const char **) util_vec_push(&o->select) = optarg;
            break;
        case 'i':
            *(const char **) util_vec_push(&o->ignore) = optarg;
            break;
        case 'Z':
            o->exit_zero = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'E':
            o->statistics = true;
            break;
        case 'n':
            o->stdin_filename = optarg;
            break;
        case 'T':
            o->timeout_ms = atoi(optarg);
            o->timeout_given = true;
            if (o->timeout_ms <= 0) {
                fprintf(stderr, "pgrampart: --timeout takes milliseconds > 0\n");
                return -1;
            }
            break;
        case 'S':
            *(const char **) util_vec_push(&o->schemas) = optarg;
            break;
        case 'X':
            *(const char **) util_vec_push(&o->exclude_schemas) = optarg;
            break;
        case 'e':
            o->server = optarg;
            break;
        case 'u':
            o->server_user = optarg;
            break;
        case 'M':
            o->migrations = optarg;
            break;
        case 'I':
            o->inventory = true;
            break;
        case 'A':
            o->all_databases = true;
            break;
        case 'V':
            o->services = optarg;
            break;
        case 'B':
            o->baseline = optarg;
            break;
        case 'G':
            o->staged = true;
            break;
        case 'K':
            o->markdown = true;
            break;
        case 'R':
            o->readme_table = true;
            break;
        case 'D':
            o->diff_base = optarg;
            break;
        case 'W':
            o->write_baseline = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'J': {
            char *end;
            long jobs = strtol(optarg, &end, 10);

            if (end == optarg || *end != '\0' || jobs < 1 || jobs > 256) {
                fprintf(stderr, "pgrampart: --jobs takes a number of threads from 1 to 256\n");
                return -1;
            }
            o->jobs = (unsigned) jobs;
            break;
        }
        case 'h':
            usage_command(argv[0], stdout);
            exit(CLI_EXIT_CLEAN);
        default:
            usage(stderr);
            return -1;
        }
    }
    return check_combinations(o);
}

static void
free_options(cli_options *o)
{
    util_vec_free(&o->plugin_dirs);
    util_vec_free(&o->schemas);
    util_vec_free(&o->exclude_schemas);
    util_vec_free(&o->select);
    util_vec_free(&o->ignore);
}

/* Where to look for .pgrampart.yml: from the first operand, or for
 * standard input ("-") from --stdin-filename's directory (a file being
 * written need not exist yet; the working directory without one).  NULL:
 * the working directory.  Caller frees. */
static char *
config_start(const cli_options *o, int n, char *const *operands)
{
    if (n <= 0)
        return NULL;
    if (strcmp(operands[0], "-") != 0)
        return util_xstrdup(operands[0]);
    return o->stdin_filename ? util_dirname(o->stdin_filename) : NULL;
}

int
main(int argc, char **argv)
{
    cli_options o;
    config cfg;
    diag_store ds;
    host h;
    const char *cmd;
    const cli_command *command;
    char *err = NULL, *start;
    int rc;

    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_TOOL;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("pgrampart %s (plugin ABI %d, libpg_query for PostgreSQL %s)\n",
               PGR_VERSION, PGR_ABI_VERSION, PG_VERSION);
        return CLI_EXIT_CLEAN;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_EXIT_CLEAN;
    }
    command = cli_find(cmd);
    if (command == NULL) {
        char *msg = util_xasprintf("unknown command '%s'", cmd);

        diag_print_error(stderr, msg);
        free(msg);
        usage(stderr);
        return CLI_EXIT_TOOL;
    }
    memset(&o, 0, sizeof o);
    util_vec_init(&o.plugin_dirs, sizeof(const char *));
    util_vec_init(&o.schemas, sizeof(const char *));
    util_vec_init(&o.exclude_schemas, sizeof(const char *));
    util_vec_init(&o.select, sizeof(const char *));
    util_vec_init(&o.ignore, sizeof(const char *));
    o.argc = argc;
    o.argv = argv;
    if (parse_options(command, argc - 1, argv + 1, &o) != 0) {
        free_options(&o);
        return CLI_EXIT_TOOL;
    }
    start = config_start(&o, argc - 1 - optind, argv + 1 + optind);
    rc = config_load(&cfg, o.config, start, &err);
    free(start);
    if (rc != 0) {
        diag_print_error(stderr, err);
        free(err);
        config_free(&cfg);
        free_options(&o);
        return CLI_EXIT_TOOL;
    }
    diag_init(&ds);
    host_init(&h, &cfg, &ds);
    if (setup_host(&h, &cfg, &o) != 0)
        rc = CLI_EXIT_TOOL;
    else
        rc = command->run(&h, &o, argv + 1 + optind, (size_t) (argc - 1 - optind));
    mask_free_patterns();   /* before the rule packs it may still point to */
    /* --exit-zero: findings are reported, not a failure; a tool error still is. */
    if (o.exit_zero && rc == CLI_EXIT_FINDINGS)
        rc = CLI_EXIT_CLEAN;
    host_free(&h);
    diag_free(&ds);
    config_free(&cfg);
    free_options(&o);
    /* libpg_query keeps a memory context per thread; release it last. */
    if (sql_parser_used())
        pg_query_exit();
    return rc;
}
