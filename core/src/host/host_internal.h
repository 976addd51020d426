/*
 * host_internal.h — what the files of host/ share with each other and with
 * no one else.  Callers outside host/ include host.h only.
 *
 * host.c (lifecycle, core rules) and loader.c (plugins) register rules
 * through registry.c; rulepack.c lists a folder through loader.c's
 * host_list_dir and answers api.c's rule-pack callbacks.
 */
#ifndef PGR_HOST_INTERNAL_H
#define PGR_HOST_INTERNAL_H

#include "host/host.h"

/* registry.c */

/* Register rule r of plugin index plugin with its default severity.  No
 * check: for the host's own rules, which are well-formed. */
void host_register_rule(host *h, const pgr_rule *r, size_t plugin);

/* Register every rule of the loaded plugin at index plugin, checking each
 * (a family/name id, a summary, a severity) and refusing an id another
 * plugin already registered.  Returns 0, or -1 with *err naming the plugin
 * file (caller frees). */
int host_register_plugin_rules(host *h, size_t plugin, char **err);

/* Levenshtein distance of a and b, in bytes (for "did you mean"; keep the
 * strings short: the cost is the product of their lengths). */
size_t host_edit_distance(const char *a, const char *b);

/* loader.c */

/* The paths of dir's entries whose names end with suffix, sorted by name;
 * *n is their count.  The caller frees each path and the array.  Returns
 * NULL with *n == 0 when dir cannot be opened or holds none. */
char **host_list_dir(const char *dir, const char *suffix, size_t *n);

/* rulepack.c */

/*
 * The list under key in plugin_name's section of the loaded rule packs, as
 * if the packs' lists were one concatenated list: returns the pack's list
 * holding item *i and turns *i into its index there, or returns NULL after
 * subtracting every pack's length from *i (so that a large *i counts them).
 */
const cfg_node *host_rulepack_list(const host *h, const char *plugin_name, const char *key,
                                   size_t *i);

#endif
