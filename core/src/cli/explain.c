/*
 * explain.c — pgrampart explain: what a rule catches, from the loaded
 * rules' own docs (pgr_rule), for one rule, every rule (docs/rules.md) or
 * the README's rule table.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

/* Whether r declares every text explain prints beside its summary. */
static bool
explain_documented(const pgr_rule *r)
{
    return r->why && r->bad && r->good;
}

static void
print_indented(const char *text, const char *indent)
{
    const char *p = text;

    while (p && *p) {
        size_t n = strcspn(p, "\n");

        printf("%s%.*s\n", indent, (int) n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

/* One rule's explanation: text for a terminal, or a docs/rules.md section. */
static void
explain_one(const host *h, const host_rule *r, bool markdown)
{
    const host_plugin *p = util_vec_at(&h->plugins, r->plugin);
    const pgr_rule *rule = r->rule;
    char *url;

    if (markdown) {
        printf("## `%s`\n\n*%s plugin, default severity %s*\n\n%s\n\n", rule->id, p->desc->name,
               diag_severity_name(rule->default_severity), rule->summary);
        printf("**Why it matters.** %s\n\n**Bad**\n\n```\n%s\n```\n\n**Good**\n\n```\n%s\n```\n\n",
               rule->why, rule->bad, rule->good);
        printf("**Fix.** %s\n\n**Source.** %s\n\n", rule->hint ? rule->hint : "",
               rule->source ? rule->source : "");
        return;
    }
    printf("%s  (%s plugin, default %s)\n\n", rule->id, p->desc->name,
           diag_severity_name(rule->default_severity));
    print_indented(rule->summary, "  ");
    printf("\nWhy it matters:\n");
    print_indented(rule->why, "  ");
    printf("\nBad:\n");
    print_indented(rule->bad, "    ");
    printf("\nGood:\n");
    print_indented(rule->good, "    ");
    url = host_rule_doc_url(h, rule->id);
    printf("\nFix: %s\nSource: %s\nDocs: %s\n", rule->hint ? rule->hint : "",
           rule->source ? rule->source : "", url);
    free(url);
}

void
cli_explain_help(FILE *out)
{
    fputs("usage: pgrampart explain RULE\n       pgrampart explain --markdown\n"
          "       pgrampart explain --readme-table\n"
          "What a rule catches, why it matters, a bad and a good example, its source;\n"
          "--markdown: every rule (docs/rules.md); --readme-table: the README's table.\n", out);
}

/* A table cell: s with the characters that would end the cell or the row
 * ("|", a newline) escaped or turned into spaces. */
static void
put_cell(const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", stdout);
        else
            putchar(*s == '\n' ? ' ' : *s);
    }
}

/* One row of the README's rule table, linking to the rule's section of
 * docs/rules.md (GitHub's anchor for a "## `family/name`" heading drops the
 * backquotes and the "/"). */
static void
readme_row(const host *h, const host_rule *r)
{
    const host_plugin *p = util_vec_at(&h->plugins, r->plugin);
    const char *slash = strchr(r->rule->id, '/');

    printf("| [`%s`](docs/rules.md#%.*s%s) | %s | %s | ", r->rule->id,
           (int) (slash - r->rule->id), r->rule->id, slash + 1, p->desc->name,
           diag_severity_name(r->rule->default_severity));
    put_cell(r->rule->summary);
    fputs(" | ", stdout);
    put_cell(r->rule->source);
    fputs(" |\n", stdout);
}

/*
 * The README's rule table (what `explain --readme-table` prints, between
 * its "rules:begin" and "rules:end" markers): a row per loaded rule, the
 * plugins' in load order first, then the host's own (plugin 0: problems
 * with the input itself).
 */
static void
explain_readme_table(const host *h)
{
    size_t i;

    printf("| rule | plugin | default | what it catches | source |\n|---|---|---|---|---|\n");
    for (i = 0; i < h->rules.len; i++)
        if (((const host_rule *) util_vec_at(&h->rules, i))->plugin != 0)
            readme_row(h, util_vec_at(&h->rules, i));
    for (i = 0; i < h->rules.len; i++)
        if (((const host_rule *) util_vec_at(&h->rules, i))->plugin == 0)
            readme_row(h, util_vec_at(&h->rules, i));
}

/*
 * pgrampart explain RULE, --markdown for every rule (docs/rules.md), or
 * --readme-table for the README's table.  The texts are the loaded rules'
 * own (pgr_rule), so a third-party plugin's rules are explained as the
 * built-in ones are.  A rule without why/bad/good is an error, not a blank.
 */
int
cli_explain(host *h, const cli_options *o, char *const *args, size_t n)
{
    const host_rule *r;
    size_t i;
    int rc = CLI_EXIT_CLEAN;

    if (o->readme_table) {
        explain_readme_table(h);
        return CLI_EXIT_CLEAN;
    }
    for (i = 0; i < h->rules.len; i++) {
        const host_rule *hr = util_vec_at(&h->rules, i);
        const host_plugin *p = util_vec_at(&h->plugins, hr->plugin);

        if ((o->markdown || (n == 1 && strcmp(args[0], hr->rule->id) == 0)) &&
            !explain_documented(hr->rule)) {
            fprintf(stderr, "pgrampart: %s: rule %s has no why, bad or good text (pgr_rule); "
                    "explain needs all three\n", p->path, hr->rule->id);
            rc = CLI_EXIT_TOOL;
        }
    }
    if (rc != CLI_EXIT_CLEAN)
        return rc;
    if (o->markdown) {
        printf("# pgrampart rules\n\nGenerated by `pgrampart explain --markdown` from the loaded "
               "rules' own docs; do not edit by hand.\n\n");
        for (i = 0; i < h->rules.len; i++)
            explain_one(h, util_vec_at(&h->rules, i), true);
        return CLI_EXIT_CLEAN;
    }
    r = n == 1 ? host_find_rule(h, args[0]) : NULL;
    if (r == NULL && n == 1) {
        const char *near = host_suggest_rule(h, args[0]);
        char *msg = near ? util_xasprintf("unknown rule %s; did you mean %s? (see pgrampart rules)",
                                          args[0], near)
                         : util_xasprintf("unknown rule %s (see pgrampart rules)", args[0]);

        diag_print_error(stderr, msg);
        free(msg);
        return CLI_EXIT_TOOL;
    }
    if (r == NULL) {
        fputs("pgrampart: usage: pgrampart explain RULE | --markdown | --readme-table\n", stderr);
        return CLI_EXIT_TOOL;
    }
    explain_one(h, r, false);
    return CLI_EXIT_CLEAN;
}
