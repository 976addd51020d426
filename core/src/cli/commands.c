/*
 * commands.c — the table of commands (see cli.h).
 */
#include "cli/cli.h"

#include <string.h>

/* The commands, one file each (check.c, audit.c, ...). */
int cli_check(host *h, const cli_options *o, char *const *args, size_t n);
int cli_audit(host *h, const cli_options *o, char *const *args, size_t n);
int cli_verify(host *h, const cli_options *o, char *const *args, size_t n);
int cli_model(host *h, const cli_options *o, char *const *args, size_t n);
int cli_rules(host *h, const cli_options *o, char *const *args, size_t n);
int cli_explain(host *h, const cli_options *o, char *const *args, size_t n);
int cli_init(host *h, const cli_options *o, char *const *args, size_t n);
void cli_check_help(FILE *out);
void cli_audit_help(FILE *out);
void cli_verify_help(FILE *out);
void cli_model_help(FILE *out);
void cli_rules_help(FILE *out);
void cli_explain_help(FILE *out);
void cli_init_help(FILE *out);

/* Options every command that loads plugins and config takes. */
#define HOST_OPTIONS "config plugin-dir"
/* Options of the commands that report findings (check, audit). */
#define REPORT_OPTIONS "format fail-on no-color color output select ignore exit-zero quiet statistics"

static const cli_command commands[] = {
    { "check", "pgrampart check [options] [PATH...]",
      HOST_OPTIONS " " REPORT_OPTIONS " staged diff-base baseline write-baseline jobs stdin-filename",
      cli_check_help, cli_check },
    { "audit", "pgrampart audit [options] [CONNINFO...]  audit live databases, read-only",
      HOST_OPTIONS " " REPORT_OPTIONS " timeout schema exclude-schema migrations inventory all-databases services jobs",
      cli_audit_help, cli_audit },
    { "verify", "pgrampart verify [--server CONNINFO] [PATH]  run each down on a scratch database",
      HOST_OPTIONS " " REPORT_OPTIONS " server server-user timeout", cli_verify_help, cli_verify },
    { "model", "pgrampart model [options] [PATH...]   schema models as JSON", HOST_OPTIONS,
      cli_model_help, cli_model },
    { "rules", "pgrampart rules [options]", HOST_OPTIONS, cli_rules_help, cli_rules },
    { "explain", "pgrampart explain RULE | --markdown   what a rule catches, with examples",
      HOST_OPTIONS " markdown readme-table", cli_explain_help, cli_explain },
    { "init", "pgrampart init                        write a starter .pgrampart.yml", HOST_OPTIONS,
      cli_init_help, cli_init },
};

bool
cli_takes(const cli_command *c, const char *option)
{
    size_t n = strlen(option);
    const char *at;

    if (strcmp(option, "help") == 0)
        return true;
    for (at = strstr(c->options, option); at; at = strstr(at + 1, option))
        if ((at == c->options || at[-1] == ' ') && (at[n] == '\0' || at[n] == ' '))
            return true;
    return false;
}

const cli_command *
cli_all(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

const cli_command *
cli_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}
