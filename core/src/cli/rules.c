/*
 * rules.c — pgrampart rules: every loaded rule.
 */
#include "cli/cli.h"

void
cli_rules_help(FILE *out)
{
    fputs("usage: pgrampart rules [--plugin-dir DIR] [--config FILE]\n"
          "List every loaded rule: id, plugin, severity, summary.\n", out);
}

int
cli_rules(host *h, const cli_options *o, char *const *args, size_t n)
{
    size_t i;

    (void) o;
    (void) args;
    (void) n;

    for (i = 0; i < h->rules.len; i++) {
        const host_rule *r = util_vec_at(&h->rules, i);
        const host_plugin *p = util_vec_at(&h->plugins, r->plugin);

        printf("%-34s %-8s %-8s %s\n", r->rule->id, p->desc->name,
               diag_severity_name(r->severity), r->rule->summary);
    }
    return CLI_EXIT_CLEAN;
}
