/*
 * registry.c — the registered rules and their severities.  Each loaded
 * plugin's rules are checked and registered here (an id taken twice is
 * refused), host_find_rule looks one up, and host_apply_config applies
 * .pgrampart.yml to them: the severities of "rules:", and each plugin's
 * section checked against the configuration keys its descriptor declares,
 * so that a typo is an error at its line and column rather than a setting
 * silently ignored.
 */
#include "host/host.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/host_internal.h"

const host_rule *
host_find_rule(const host *h, const char *id)
{
    size_t i;

    for (i = 0; i < h->rules.len; i++) {
        const host_rule *r = util_vec_at(&h->rules, i);

        if (strcmp(r->rule->id, id) == 0)
            return r;
    }
    return NULL;
}

/* Levenshtein distance of a and b, in bytes, with one row of an + 1
 * cells; ids are short, so the quadratic cost is a few hundred steps. */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t an = strlen(a), bn = strlen(b), i, j, *row, d;

    row = util_xcalloc(an + 1, sizeof *row);
    for (i = 0; i <= an; i++)
        row[i] = i;
    for (j = 1; j <= bn; j++) {
        size_t diag = row[0];

        row[0] = j;
        for (i = 1; i <= an; i++) {
            size_t up = row[i], best = diag + (a[i - 1] != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[i - 1] + 1 < best)
                best = row[i - 1] + 1;
            diag = up;
            row[i] = best;
        }
    }
    d = row[an];
    free(row);
    return d;
}

const char *
host_suggest_rule(const host *h, const char *id)
{
    const char *slash = strchr(id, '/'), *name = slash ? slash + 1 : id, *best = NULL;
    size_t i, best_d = (size_t) -1;

    /* A 200-byte cap keeps a hostile argument from costing much. */
    if (strlen(id) > 200)
        return NULL;
    for (i = 0; i < h->rules.len; i++) {
        const char *rid = ((const host_rule *) util_vec_at(&h->rules, i))->rule->id;

        if (strcmp(strchr(rid, '/') + 1, name) == 0)
            return rid;
    }
    for (i = 0; i < h->rules.len; i++) {
        const char *rid = ((const host_rule *) util_vec_at(&h->rules, i))->rule->id;
        size_t d = edit_distance(id, rid);

        if (d < best_d) {
            best_d = d;
            best = rid;
        }
    }
    return best && best_d * 3 <= strlen(best) ? best : NULL;
}

#define PGR_RULES_DOC_URL "https://github.com/pgrampart/pgrampart/blob/main/docs/rules.md"

char *
host_rule_doc_url(const host *h, const char *id)
{
    util_buf b;
    const unsigned char *p;

    util_buf_init(&b);
    util_buf_puts(&b, h && h->cfg && h->cfg->docs_base_url ? h->cfg->docs_base_url : PGR_RULES_DOC_URL);
    util_buf_puts(&b, "#");
    for (p = (const unsigned char *) id; *p; p++) {
        if (*p == '/')
            continue;
        if (isalnum(*p) || *p == '-' || *p == '_')
            util_buf_append(&b, (const char *) p, 1);
        else
            util_buf_printf(&b, "%%%02X", *p);
    }
    return b.data;
}

/* Whether id is "family/kebab-name": lower-case letters, digits and '-'
 * (and '_' in the family) on both sides of one '/'.  The id is printed on
 * terminals, in CI logs and inside URLs. */
static bool
rule_id_valid(const char *id)
{
    const char *slash = id ? strchr(id, '/') : NULL;
    const char *p;

    if (slash == NULL || slash == id || slash[1] == '\0')
        return false;
    for (p = id; *p; p++) {
        if (p == slash)
            continue;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              (*p == '_' && p < slash)))
            return false;
    }
    return true;
}

void
host_register_rule(host *h, const pgr_rule *r, size_t plugin)
{
    host_rule *hr = util_vec_push(&h->rules);

    hr->rule = r;
    hr->plugin = plugin;
    hr->severity = r->default_severity;
}

int
host_register_plugin_rules(host *h, size_t plugin, char **err)
{
    const host_plugin *hp = util_vec_at(&h->plugins, plugin);
    size_t i;

    for (i = 0; i < hp->desc->n_rules; i++) {
        const pgr_rule *r = &hp->desc->rules[i];

        if (!rule_id_valid(r->id) || r->summary == NULL ||
            r->default_severity < PGR_SEVERITY_INFO || r->default_severity > PGR_SEVERITY_ERROR) {
            *err = util_xasprintf("%s: rule %zu has no family/name id, no summary or a bad severity",
                                  hp->path, i);
            return -1;
        }
        if (host_find_rule(h, r->id)) {
            *err = util_xasprintf("%s: rule %s is already provided by another plugin",
                                  hp->path, r->id);
            return -1;
        }
        host_register_rule(h, r, plugin);
    }
    return 0;
}

/* The loaded plugin called name, or NULL; the host's own "core" (plugin
 * index 0) has no configuration section, so it is never found here. */
static const host_plugin *
configurable_plugin(const host *h, const char *name)
{
    size_t i;

    for (i = 1; i < h->plugins.len; i++) {
        const host_plugin *p = util_vec_at(&h->plugins, i);

        if (strcmp(p->desc->name, name) == 0)
            return p;
    }
    return NULL;
}

static bool
value_allowed(const pgr_config_key *key, const char *v)
{
    size_t i;

    if (key->values == NULL)
        return true;
    for (i = 0; key->values[i]; i++)
        if (strcasecmp(key->values[i], v) == 0)
            return true;
    return false;
}

/* A list of strings, each one of key->values when those are given. */
static int
check_list(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    size_t i;

    if (v->kind != CFG_SEQ) {
        *err = cfg_error(path, v, "expected a list of strings");
        return -1;
    }
    for (i = 0; i < v->n; i++) {
        if (v->items[i]->kind != CFG_SCALAR) {
            *err = cfg_error(path, v->items[i], "expected a string");
            return -1;
        }
        if (!value_allowed(key, v->items[i]->scalar)) {
            char *m = util_xasprintf("'%s' is not one of the values %s accepts",
                                     v->items[i]->scalar, key->name);

            *err = cfg_error(path, v->items[i], m);
            free(m);
            return -1;
        }
    }
    return 0;
}

/* A string, or a list of strings: the value of one test of a policy. */
static int
check_policy_value(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    size_t i;

    (void) key;
    if (v->kind == CFG_MAP) {
        *err = cfg_error(path, v, "expected a string or a list of strings");
        return -1;
    }
    for (i = 0; v->kind == CFG_SEQ && i < v->n; i++) {
        if (v->items[i]->kind != CFG_SCALAR) {
            *err = cfg_error(path, v->items[i], "expected a string");
            return -1;
        }
    }
    return 0;
}

/*
 * name: { <map_key>: value, ... } for each entry of a PGR_CONFIG_MAP (values
 * lists of strings) or a PGR_CONFIG_POLICY (values a string or a list, at
 * least one test per entry): the keys must be key->map_keys, each value
 * passes check_entry_value.
 */
static int
check_entries(const char *path, const pgr_config_key *key, const cfg_node *v, char **err,
              int (*check_entry_value)(const char *, const pgr_config_key *, const cfg_node *, char **))
{
    bool policy = key->type != PGR_CONFIG_MAP;
    size_t i, j, k;

    if (v->kind != CFG_MAP) {
        *err = cfg_error(path, v, policy ? "expected a mapping of names to tests"
                                         : "expected a mapping of names to settings");
        return -1;
    }
    for (i = 1; i < v->n; i += 2) {
        const cfg_node *entry = v->items[i];

        if (entry->kind != CFG_MAP || (policy && entry->n == 0)) {
            *err = cfg_error(path, entry, policy ? "expected a mapping of tests, e.g. {equals: on}"
                                                 : "expected a mapping");
            return -1;
        }
        for (j = 0; j + 1 < entry->n; j += 2) {
            bool known = false;

            for (k = 0; key->map_keys && key->map_keys[k] && !known; k++)
                known = strcmp(key->map_keys[k], entry->items[j]->scalar) == 0;
            if (!known) {
                char *m = policy
                    ? util_xasprintf("unknown test '%s' for %s", entry->items[j]->scalar,
                                     v->items[i - 1]->scalar)
                    : util_xasprintf("unknown key '%s' in %s", entry->items[j]->scalar, key->name);

                *err = cfg_error(path, entry->items[j], m);
                free(m);
                return -1;
            }
            if (check_entry_value(path, key, entry->items[j + 1], err) != 0)
                return -1;
        }
    }
    return 0;
}

static int
check_map(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    return check_entries(path, key, v, err, check_list);
}

static int
check_policy(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    return check_entries(path, key, v, err, check_policy_value);
}

/* pattern: policy, for each entry of a PGR_CONFIG_POLICY_SET. */
static int
check_policy_set(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    size_t i;

    if (v->kind != CFG_MAP) {
        *err = cfg_error(path, v, "expected a mapping of file patterns to policies");
        return -1;
    }
    for (i = 1; i < v->n; i += 2)
        if (check_policy(path, key, v->items[i], err) != 0)
            return -1;
    return 0;
}

static int
check_value(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    switch (key->type) {
    case PGR_CONFIG_POLICY:
        return check_policy(path, key, v, err);
    case PGR_CONFIG_POLICY_SET:
        return check_policy_set(path, key, v, err);
    case PGR_CONFIG_LIST:
        return check_list(path, key, v, err);
    case PGR_CONFIG_MAP:
        return check_map(path, key, v, err);
    case PGR_CONFIG_BOOL:
        if (v->kind != CFG_SCALAR || (strcmp(v->scalar, "true") && strcmp(v->scalar, "false"))) {
            *err = cfg_error(path, v, "expected true or false");
            return -1;
        }
        return 0;
    default:
        if (v->kind != CFG_SCALAR) {
            *err = cfg_error(path, v, "expected a string");
            return -1;
        }
        return 0;
    }
}

static int
check_section(const host *h, const host_plugin *p, const cfg_node *sec, char **err)
{
    const char *path = h->cfg->path;
    size_t i, k;

    if (sec->kind != CFG_MAP) {
        *err = cfg_error(path, sec, "expected a mapping of this plugin's settings");
        return -1;
    }
    for (i = 0; i + 1 < sec->n; i += 2) {
        const pgr_config_key *key = NULL, *rest = NULL;

        for (k = 0; k < p->desc->n_config_keys; k++) {
            if (strcmp(p->desc->config_keys[k].name, sec->items[i]->scalar) == 0)
                key = &p->desc->config_keys[k];
            else if (strcmp(p->desc->config_keys[k].name, "*") == 0)
                rest = &p->desc->config_keys[k];
        }
        /* A "*" key takes the entries no other key names: the section is
         * itself a policy, each entry one name of it. */
        if (key == NULL && rest != NULL) {
            cfg_node one = { CFG_MAP, NULL, sec->line, sec->column, 2, sec->items + i, NULL, NULL };

            if (check_value(path, rest, &one, err) != 0)
                return -1;
            continue;
        }
        if (key == NULL) {
            char *m = util_xasprintf("unknown key '%s' for plugin '%s'",
                                     sec->items[i]->scalar, p->desc->name);

            *err = cfg_error(path, sec->items[i], m);
            free(m);
            return -1;
        }
        if (check_value(path, key, sec->items[i + 1], err) != 0)
            return -1;
    }
    return 0;
}

int
host_apply_config(host *h, char **err)
{
    const cfg_node *root = h->cfg->root, *rules;
    size_t i;

    for (i = 0; i + 1 < root->n; i += 2) {
        const char *key = root->items[i]->scalar;
        const host_plugin *p;

        if (strcmp(key, "plugin_dirs") == 0 || strcmp(key, "exclude") == 0 ||
            strcmp(key, "include") == 0 || strcmp(key, "rule_packs") == 0 ||
            strcmp(key, "rules") == 0 || strcmp(key, "postgres_version") == 0 ||
            strcmp(key, "migrations") == 0 || strcmp(key, "suppressions") == 0 ||
            strcmp(key, "roles") == 0 || strcmp(key, "role_patterns") == 0 ||
            strcmp(key, "docs_base_url") == 0)
            continue;
        p = configurable_plugin(h, key);
        if (p == NULL) {
            char *m = util_xasprintf("unknown key '%s' (expected plugin_dirs, rule_packs, include, exclude, rules, "
                                     "postgres_version, migrations, suppressions, roles, role_patterns, docs_base_url or a loaded plugin's name)", key);

            *err = cfg_error(h->cfg->path, root->items[i], m);
            free(m);
            return -1;
        }
        if (check_section(h, p, root->items[i + 1], err) != 0)
            return -1;
    }
    rules = cfg_get(root, "rules");
    for (i = 0; rules && i + 1 < rules->n; i += 2) {
        host_rule *r = (host_rule *) host_find_rule(h, rules->items[i]->scalar);

        if (r == NULL) {
            const char *near = host_suggest_rule(h, rules->items[i]->scalar);
            char *m = util_xasprintf("unknown rule '%s'%s%s%s", rules->items[i]->scalar,
                                     near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");

            *err = cfg_error(h->cfg->path, rules->items[i], m);
            free(m);
            return -1;
        }
        r->severity = (pgr_severity) diag_severity_parse(rules->items[i + 1]->scalar);
    }
    return 0;
}
