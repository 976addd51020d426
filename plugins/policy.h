/*
 * policy.h — plugin-internal: a team's policy on a value, as written in
 * .pgrampart.yml or a rule pack, and its test.  Shared by the plugins that
 * check settings and environments against requirements (compiled into each;
 * no host symbol).
 *
 * A policy entry is a mapping of tests (pgr_config_node, 'm'), each a string
 * or a list of strings:
 *   equals: v | [v...]   the value is one of them (also `in:`)
 *   not_in: [v...]       the value is none of them
 *   min: n, max: n       a number, with PostgreSQL's units (250ms, 1s, 8MB)
 *   present: true|false  the value is set (non-empty), or not set
 *   contains: [v...]     a comma-separated list value holds each
 *                        (shared_preload_libraries)
 *   matches: glob        the value matches a shell pattern (fnmatch)
 *   host_matches: glob   a connection string whose every host matches
 * Values compare as PostgreSQL compares a setting's: case-insensitively,
 * booleans by meaning (on = true = yes = 1), numbers by amount (1s = 1000ms).
 * Other keys of the mapping (a rule pack's `rule:`, `message:`) are not
 * tests and are ignored.
 */
#ifndef PGR_PLUGIN_POLICY_H
#define PGR_PLUGIN_POLICY_H

#include <pgrampart/plugin.h>

#include <stddef.h>

/* The host table, set by the including plugin's PGR_PLUGIN_MAGIC. */
extern const pgr_host_api *api;

/* The tests policy_test knows, NULL-terminated: a PGR_CONFIG_POLICY key's
 * map_keys. */
extern const char *const policy_test_names[];

/*
 * Test value (NULL: not set) against the tests of entry (a mapping).
 * default_unit is the unit of a bare number for this name ("ms", "kB",
 * "8kB"; NULL when unknown), so that 250 and 1s compare.  Returns 1 when
 * every test passes; else 0, with what failed written into why (whysize
 * bytes, NUL-terminated), e.g. "not one of ddl, mod, all".
 */
int policy_test(const pgr_config_node *entry, const char *value, const char *default_unit,
                char *why, size_t whysize);

/* Whether entry has at least one test a missing value fails (present:
 * true, equals, in, min, max, contains). */
int policy_requires_value(const pgr_config_node *entry);

/* The value of key in a mapping node, or NULL. */
const pgr_config_node *policy_get(const pgr_config_node *map, const char *key);

#endif
