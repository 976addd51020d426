/*
 * commands.c — the table of commands (see cli.h).
 */
#include "cli/cli.h"

#include <string.h>

static const cli_command commands[] = {
    { "check", "pgrampart check [options] [PATH...]", cli_check_help, cli_check },
    { "audit", "pgrampart audit [options] [CONNINFO]  audit a live database, read-only",
      cli_audit_help, cli_audit },
    { "model", "pgrampart model [options] [PATH...]   schema models as JSON", cli_model_help, cli_model },
    { "rules", "pgrampart rules [options]", cli_rules_help, cli_rules },
    { "explain", "pgrampart explain RULE | --markdown   what a rule catches, with examples",
      cli_explain_help, cli_explain },
    { "init", "pgrampart init                        write a starter .pgrampart.yml",
      cli_init_help, cli_init },
};

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
