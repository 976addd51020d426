/*
 * select.c — which rules run: the patterns of .pgrampart.yml's rules: and
 * overrides' rules: keys and of check's and audit's --select and --ignore
 * (issue 17).  A pattern is a rule id ("rls/table-without-rls") or an
 * fnmatch(3) glob over rule ids ("rls/" or "grants/role-" and a star), as
 * ruff's --select takes a prefix.  A pattern that selects no loaded rule
 * is an error with the closest id or family as a suggestion, so that a
 * typo is never a silently empty selection.
 */
#include "host/host.h"
#include "host/host_internal.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool
host_rule_selected(const char *pattern, const char *id)
{
    return fnmatch(pattern, id, 0) == 0;
}

/*
 * For a family glob ("rsl/" and a star), the loaded family closest to its
 * family, as the same glob; NULL for another pattern or when none is
 * within a third of its length (at least 1).  Caller frees.
 */
static char *
suggest_family(const host *h, const char *pattern)
{
    size_t n = strlen(pattern), i, best_d = (size_t) -1, limit;
    char *family, *best = NULL;

    /* A 200-byte cap keeps a hostile argument from costing much. */
    if (n < 3 || n > 200 || strcmp(pattern + n - 2, "/*") != 0)
        return NULL;
    family = util_xasprintf("%.*s", (int) (n - 2), pattern);
    for (i = 0; i < h->rules.len; i++) {
        const char *id = ((const host_rule *) util_vec_at(&h->rules, i))->rule->id;
        char *other = util_xasprintf("%.*s", (int) (strchr(id, '/') - id), id);
        size_t d = host_edit_distance(family, other);

        if (d < best_d) {
            free(best);
            best = other;
            best_d = d;
        } else {
            free(other);
        }
    }
    limit = strlen(family) / 3 > 1 ? strlen(family) / 3 : 1;
    free(family);
    if (best == NULL || best_d > limit) {
        free(best);
        return NULL;
    }
    family = util_xasprintf("%s/*", best);
    free(best);
    return family;
}

char *
host_unknown_rule_message(const host *h, const char *pattern)
{
    const char *near = strpbrk(pattern, "*?[") ? NULL : host_suggest_rule(h, pattern);
    char *family = near ? NULL : suggest_family(h, pattern), *m;

    if (near || family)
        m = util_xasprintf("unknown rule '%s' (did you mean %s?)", pattern, near ? near : family);
    else
        m = util_xasprintf("unknown rule '%s' (see pgrampart rules)", pattern);
    free(family);
    return m;
}

bool
host_pattern_selects_any(const host *h, const char *pattern)
{
    size_t i;

    for (i = 0; i < h->rules.len; i++)
        if (host_rule_selected(pattern, ((const host_rule *) util_vec_at(&h->rules, i))->rule->id))
            return true;
    return false;
}

/* Split the comma-separated lists of lists (of const char *) into words
 * in out (of char *, owned); each word must select a rule.  Returns 0, or
 * -1 with *err set. */
static int
split_patterns(const host *h, const util_vec *lists, const char *option, util_vec *out, char **err)
{
    size_t i;

    for (i = 0; lists && i < lists->len; i++) {
        char *copy = util_xstrdup(*(const char **) util_vec_at(lists, i)), *save = NULL, *w;

        for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
            while (*w == ' ')
                w++;
            if (*w == '\0')
                continue;
            if (!host_pattern_selects_any(h, w)) {
                char *m = host_unknown_rule_message(h, w);

                *err = util_xasprintf("--%s: %s", option, m);
                free(m);
                free(copy);
                return -1;
            }
            *(char **) util_vec_push(out) = util_xstrdup(w);
        }
        free(copy);
    }
    return 0;
}

/* Whether any pattern of pats (of char *) selects id. */
static bool
any_selects(const util_vec *pats, const char *id)
{
    size_t i;

    for (i = 0; i < pats->len; i++)
        if (host_rule_selected(*(char **) util_vec_at(pats, i), id))
            return true;
    return false;
}

static void
free_words(util_vec *v)
{
    size_t i;

    for (i = 0; i < v->len; i++)
        free(*(char **) util_vec_at(v, i));
    util_vec_free(v);
}

int
host_select_rules(host *h, const util_vec *select, const util_vec *ignore, char **err)
{
    util_vec sel, ign;
    size_t i;
    int rc = 0;

    util_vec_init(&sel, sizeof(char *));
    util_vec_init(&ign, sizeof(char *));
    if (split_patterns(h, select, "select", &sel, err) != 0 ||
        split_patterns(h, ignore, "ignore", &ign, err) != 0)
        rc = -1;
    for (i = 0; rc == 0 && i < h->rules.len; i++) {
        host_rule *r = util_vec_at(&h->rules, i);
        bool is_core = strncmp(r->rule->id, "core/", 5) == 0;
        bool chosen = any_selects(&sel, r->rule->id);

        /* The command line wins over the file: a rule the file turned off
         * runs when named; one left out or ignored is off for every path
         * (per-path overrides may not bring it back).  core/ rules (a file
         * that cannot be read or parsed) are not left out by --select, only
         * ignored by name: a narrow selection must not hide that a file was
         * never checked. */
        if (any_selects(&ign, r->rule->id) || (sel.len > 0 && !chosen && !is_core)) {
            r->severity = PGR_SEVERITY_OFF;
            r->cli_off = true;
        } else if (chosen && r->severity == PGR_SEVERITY_OFF) {
            r->severity = r->rule->default_severity != PGR_SEVERITY_OFF ? r->rule->default_severity
                                                                        : PGR_SEVERITY_WARNING;
        }
    }
    free_words(&sel);
    free_words(&ign);
    return rc;
}
