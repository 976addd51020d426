/*
 * select.c — which rules run: the patterns of .pgrampart.yml's rules: keys
 * and of check's and audit's --select and --ignore (issue 17).  A pattern
 * is a rule id ("rls/table-without-rls") or an fnmatch(3) glob over rule
 * ids ("rls/" or "grants/role-" and a star), as ruff's --select takes a prefix.  A
 * pattern that selects no loaded rule is an error with the closest id or
 * family as a suggestion, so that a typo is never a silently empty
 * selection.
 */
#include "host/host.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool
host_rule_selected(const char *pattern, const char *id)
{
    return fnmatch(pattern, id, 0) == 0;
}

/* Edit distance of a and b in bytes, a swap of two neighbours counting
 * one ("rsl" is one from "rls"): the optimal string alignment distance,
 * over a full table (rule ids are short). */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, w = lb + 1, d;
    size_t *t = util_xcalloc((la + 1) * w, sizeof(size_t));

    for (i = 0; i <= la; i++)
        t[i * w] = i;
    for (j = 0; j <= lb; j++)
        t[j] = j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            size_t best = t[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1]);

            if (t[(i - 1) * w + j] + 1 < best)
                best = t[(i - 1) * w + j] + 1;
            if (t[i * w + j - 1] + 1 < best)
                best = t[i * w + j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                t[(i - 2) * w + j - 2] + 1 < best)
                best = t[(i - 2) * w + j - 2] + 1;
            t[i * w + j] = best;
        }
    }
    d = t[la * w + lb];
    free(t);
    return d;
}

/* Consider candidate for the closest name to word. */
static void
consider(const char *word, const char *candidate, char **best, size_t *best_d)
{
    size_t d = edit_distance(word, candidate);

    if (*best == NULL || d < *best_d) {
        free(*best);
        *best = util_xstrdup(candidate);
        *best_d = d;
    }
}

char *
host_suggest_rule(const host *h, const char *word)
{
    char *best = NULL;
    size_t best_d = 0, i, limit;

    /* No rule id is this long: not a typo, and the table would be large. */
    if (strlen(word) > 256)
        return NULL;
    for (i = 0; i < h->rules.len; i++) {
        const char *id = ((const host_rule *) util_vec_at(&h->rules, i))->rule->id;
        const char *slash = strchr(id, '/');

        consider(word, id, &best, &best_d);
        /* A family glob is a candidate too (a typo in the family). */
        if (slash) {
            char *family = util_xasprintf("%.*s/*", (int) (slash - id), id);

            consider(word, family, &best, &best_d);
            free(family);
        }
    }
    /* Farther than a third of the word is another word, not a typo. */
    limit = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;
    if (best && best_d > limit) {
        free(best);
        best = NULL;
    }
    return best;
}

char *
host_unknown_rule_message(const host *h, const char *pattern)
{
    char *near = host_suggest_rule(h, pattern), *m;

    if (near)
        m = util_xasprintf("unknown rule '%s' (did you mean '%s'?)", pattern, near);
    else
        m = util_xasprintf("unknown rule '%s' (pgrampart rules lists them)", pattern);
    free(near);
    return m;
}

/* Whether pattern selects at least one loaded rule. */
static bool
selects_any(const host *h, const char *pattern)
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
            if (!selects_any(h, w)) {
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
