/*
 * rulepack.c — rule packs: the YAML data files of rules/ (and the user's
 * rule_packs:) that give plugins their lists, such as the secret formats of
 * rules/secrets.yml.  A pack maps plugin names to keys, each key to a list
 * of strings or of flat mappings, or to a mapping of names to strings or
 * flat mappings (a table by name); packs are checked for that shape when
 * loaded.  A plugin reads its lists through api.c as one list concatenated
 * over every pack, in load order, and its tables pack by pack.
 */
#include "host/host.h"

#include <stdlib.h>

#include "host/host_internal.h"

/* A rule pack is a map of plugin names to maps of keys to lists of
 * strings, or of flat mappings of strings and string lists (patterns). */
static int
check_rulepack_item(const char *path, const cfg_node *item, char **err)
{
    size_t k, m;

    if (item->kind == CFG_SCALAR)
        return 0;
    if (item->kind != CFG_MAP) {
        *err = cfg_error(path, item, "expected a string or a mapping");
        return -1;
    }
    for (k = 1; k < item->n; k += 2) {
        const cfg_node *v = item->items[k];

        if (v->kind == CFG_MAP) {
            *err = cfg_error(path, v, "expected a string or a list of strings");
            return -1;
        }
        for (m = 0; v->kind == CFG_SEQ && m < v->n; m++) {
            if (v->items[m]->kind != CFG_SCALAR) {
                *err = cfg_error(path, v->items[m], "expected a string");
                return -1;
            }
        }
    }
    return 0;
}

static int
check_rulepack(const char *path, const cfg_node *root, char **err)
{
    size_t i, j, k;

    for (i = 1; i < root->n; i += 2) {
        const cfg_node *sec = root->items[i];

        if (sec->kind != CFG_MAP) {
            *err = cfg_error(path, sec, "a rule-pack section must map keys to lists");
            return -1;
        }
        for (j = 1; j < sec->n; j += 2) {
            const cfg_node *l = sec->items[j];

            /* A mapping of names to strings or flat mappings: a table
             * keyed by name (settings' defaults and controls), read with
             * rulepack_node. */
            if (l->kind == CFG_MAP) {
                for (k = 1; k < l->n; k += 2)
                    if (check_rulepack_item(path, l->items[k], err) != 0)
                        return -1;
                continue;
            }
            if (l->kind != CFG_SEQ) {
                *err = cfg_error(path, l, "expected a list, or a mapping of names");
                return -1;
            }
            for (k = 0; k < l->n; k++)
                if (check_rulepack_item(path, l->items[k], err) != 0)
                    return -1;
        }
    }
    return 0;
}

int
host_load_rulepack(host *h, const char *path, char **err)
{
    cfg_node *root = NULL;
    int rc = cfg_load(path, &root, err);

    if (rc == 0) {
        rc = check_rulepack(path, root, err);
        *(cfg_node **) util_vec_push(&h->rulepacks) = root;
    }
    return rc;
}

int
host_load_rulepacks(host *h, const char *dir, char **err)
{
    size_t n, i;
    char **names = host_list_dir(dir, ".yml", &n);
    int rc = 0;

    for (i = 0; i < n; i++) {
        if (rc == 0)
            rc = host_load_rulepack(h, names[i], err);
        free(names[i]);
    }
    free(names);
    return rc;
}

const cfg_node *
host_rulepack_list(const host *h, const char *plugin_name, const char *key, size_t *i)
{
    size_t k;

    for (k = 0; k < h->rulepacks.len; k++) {
        const cfg_node *root = *(cfg_node **) util_vec_at(&h->rulepacks, k);
        const cfg_node *l = cfg_get(cfg_get(root, plugin_name), key);

        if (l == NULL || l->kind != CFG_SEQ)
            continue;
        if (*i < l->n)
            return l;
        *i -= l->n;
    }
    return NULL;
}
