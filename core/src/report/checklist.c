/*
 * checklist.c — the sign-off checklist (issue 16): the controls of the rule
 * packs' "report: checklist:" lists (rules/checklist.yml, and a team's own
 * packs under rule_packs:), each decided by the findings of its rules.
 *
 * A control is a flat mapping: id, title (worded as deployment checklists
 * word it), rules (rule ids, globs allowed: "drift/" and a star), and optionally
 * applies_to (the commands it is about: check, audit) with not_applicable
 * (why not, for the others), needs: migrations (audit --migrations) and
 * needs_config (a top-level key of .pgrampart.yml holding the team's
 * policy, e.g. settings or env), and inputs (for check: the front-ends
 * whose files its rules examine, e.g. pgconf) with no_input (why it is
 * skipped when none was read).
 */
#include "report/reporter.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_internal.h"

/* A string field of a control, or NULL. */
static const char *
control_field(const cfg_node *c, const char *key)
{
    const cfg_node *v = cfg_get(c, key);

    return v && v->kind == CFG_SCALAR ? v->scalar : NULL;
}

/* Whether field key of control c (a string or a list of strings) has an
 * element that matches s: a glob of the control against an id, or, when
 * s is itself a glob (a skipped check's "ssl/hba-*"), either way. */
static bool
control_matches(const cfg_node *c, const char *key, const char *s)
{
    const cfg_node *v = cfg_get(c, key);
    size_t i;

    if (v == NULL)
        return false;
    if (v->kind == CFG_SCALAR)
        return fnmatch(v->scalar, s, 0) == 0 || fnmatch(s, v->scalar, 0) == 0;
    for (i = 0; v->kind == CFG_SEQ && i < v->n; i++)
        if (fnmatch(v->items[i]->scalar, s, 0) == 0 || fnmatch(s, v->items[i]->scalar, 0) == 0)
            return true;
    return false;
}

/* The control's rules as one line ("rls/table-without-rls, rollback/ and a star"). */
static char *
control_rules_text(const cfg_node *c)
{
    const cfg_node *v = cfg_get(c, "rules");
    util_buf b;
    size_t i;

    util_buf_init(&b);
    if (v && v->kind == CFG_SCALAR)
        util_buf_puts(&b, v->scalar);
    for (i = 0; v && v->kind == CFG_SEQ && i < v->n; i++)
        util_buf_printf(&b, "%s%s", i ? ", " : "", v->items[i]->scalar);
    return b.data;
}

/* How many loaded rules of the control are on. */
static size_t
control_rules_on(const host *h, const cfg_node *c)
{
    size_t i, n = 0;

    for (i = 0; i < h->rules.len; i++) {
        const host_rule *r = util_vec_at(&h->rules, i);

        if (r->severity != PGR_SEVERITY_OFF && control_matches(c, "rules", r->rule->id))
            n++;
    }
    return n;
}

/*
 * Whether a core/check-skipped finding is about one of the control's
 * rules: its object is "check:NAME (rule-glob, rule-glob)" (live.c's
 * skip()).  The parenthesised list is matched against the control's rules.
 */
static bool
skip_concerns(const cfg_node *c, const diag_finding *f)
{
    const char *open = f->object ? strrchr(f->object, '(') : NULL;
    char *list, *tok, *save = NULL;
    bool hit = false;

    if (open == NULL)
        return false;
    list = util_xstrdup(open + 1);
    for (tok = strtok_r(list, ", )", &save); tok && !hit; tok = strtok_r(NULL, ", )", &save))
        hit = control_matches(c, "rules", tok);
    free(list);
    return hit;
}

/* Whether one of the control's inputs is among the run's (space-separated). */
static bool
any_input(const cfg_node *c, const char *inputs)
{
    char *list = util_xstrdup(inputs), *tok, *save = NULL;
    bool hit = false;

    for (tok = strtok_r(list, " ", &save); tok && !hit; tok = strtok_r(NULL, " ", &save))
        hit = control_matches(c, "inputs", tok);
    free(list);
    return hit;
}

/* Why a control does not apply to this run, or NULL when it does.  Caller
 * frees. */
static char *
control_not_applicable(const report_ctx *ctx, const cfg_node *c)
{
    const report_context *rc = ctx->context;
    const char *needs = control_field(c, "needs"), *key = control_field(c, "needs_config");
    const char *why = control_field(c, "not_applicable");

    if (cfg_get(c, "applies_to") && !control_matches(c, "applies_to", rc->command))
        return why ? util_xstrdup(why) : util_xasprintf("not applicable to pgrampart %s", rc->command);
    if (needs && strcmp(needs, "migrations") == 0 && !rc->migrations)
        return util_xstrdup("not applicable: needs --migrations PATH (drift against the reviewed migrations)");
    if (key && (ctx->h->cfg == NULL || cfg_get(ctx->h->cfg->root, key) == NULL))
        return util_xasprintf("not applicable: no %s: policy in .pgrampart.yml", key);
    /* check: a control none of whose inputs was read has examined nothing. */
    if (rc->inputs && cfg_get(c, "inputs") && !any_input(c, rc->inputs)) {
        const char *none = control_field(c, "no_input");

        return none ? util_xstrdup(none) : util_xstrdup("skipped: nothing it examines was checked");
    }
    if (control_rules_on(ctx->h, c) == 0)
        return util_xstrdup("skipped: none of its rules is loaded and on");
    return NULL;
}

/* Whether a control is listed for this run: verify's report lists only
 * the controls about verify (what it proved on a server, its "Verified"
 * section), not those of check and audit it has no means to decide; and
 * check's and audit's reports leave verify's out. */
static bool
control_listed(const report_ctx *ctx, const cfg_node *c)
{
    const char *command = ctx->context->command;
    bool for_verify = cfg_get(c, "applies_to") && control_matches(c, "applies_to", "verify");

    if (strcmp(command, "verify") == 0)
        return for_verify;
    return !for_verify || control_matches(c, "applies_to", command);
}

/* Decide one control: its status, the count of error and warning findings
 * behind it, and why it was skipped. */
static json_t *
control_decide(const report_ctx *ctx, const cfg_node *c)
{
    json_t *o = json_object();
    char *reason = control_not_applicable(ctx, c), *rules = control_rules_text(c);
    size_t i, count = 0;
    const char *status, *id = control_field(c, "id"), *title = control_field(c, "title");
    util_buf skipped;

    util_buf_init(&skipped);
    for (i = 0; reason == NULL && i < ctx->ds->findings.len; i++) {
        const diag_finding *f = util_vec_at(&ctx->ds->findings, i);

        if (strcmp(f->rule_id, "core/check-skipped") == 0 && skip_concerns(c, f))
            util_buf_printf(&skipped, "%s%s", skipped.len ? "; " : "", f->message);
        else if (f->severity >= PGR_SEVERITY_WARNING && control_matches(c, "rules", f->rule_id))
            count++;
    }
    /* A finding fails the control even when some of its checks could not
     * run; a clean result only passes when all of them ran. */
    status = reason ? "skipped" : count ? "fail" : skipped.len ? "skipped" : "pass";
    if (reason == NULL && count == 0 && skipped.len)
        reason = util_xstrdup(skipped.data);
    json_object_set_new(o, "id", report_json_string(id ? id : "?"));
    json_object_set_new(o, "title", report_json_string(title ? title : id ? id : "?"));
    json_object_set_new(o, "rules", report_json_string(rules));
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "is_pass", json_boolean(strcmp(status, "pass") == 0));
    json_object_set_new(o, "is_fail", json_boolean(strcmp(status, "fail") == 0));
    json_object_set_new(o, "is_skipped", json_boolean(strcmp(status, "skipped") == 0));
    json_object_set_new(o, "count", json_integer((json_int_t) count));
    if (reason)
        json_object_set_new(o, "reason", report_json_string(reason));
    free(reason);
    free(rules);
    util_buf_free(&skipped);
    return o;
}

json_t *
report_checklist(const report_ctx *ctx)
{
    json_t *arr = json_array();
    size_t i, k;

    for (i = 0;; i++) {
        size_t at = i;
        const cfg_node *l = host_rulepack_list(ctx->h, "report", "checklist", &at);

        if (l == NULL)
            break;
        /* A later pack's control of the same id replaces the shipped one. */
        for (k = i + 1;; k++) {
            size_t at2 = k;
            const cfg_node *l2 = host_rulepack_list(ctx->h, "report", "checklist", &at2);

            if (l2 == NULL) {
                if (l->items[at]->kind == CFG_MAP && control_listed(ctx, l->items[at]))
                    json_array_append_new(arr, control_decide(ctx, l->items[at]));
                break;
            }
            if (l2->items[at2]->kind == CFG_MAP && control_field(l->items[at], "id") &&
                control_field(l2->items[at2], "id") &&
                strcmp(control_field(l->items[at], "id"), control_field(l2->items[at2], "id")) == 0)
                break;
        }
    }
    return arr;
}
