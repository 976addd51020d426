/*
 * config.h — .pgrampart.yml and rule packs, read with libyaml into a small
 * tree that keeps every node's position, so that mistakes are reported as
 * path:line:column.  Aliases are refused (no alias-expansion attacks).
 */
#ifndef PGR_CONFIG_H
#define PGR_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "scan/migrations.h"
#include "scan/pathrole.h"
#include "util.h"

typedef enum cfg_kind { CFG_SCALAR, CFG_SEQ, CFG_MAP } cfg_kind;

/* A YAML node.  For CFG_MAP, items[2i] is a key and items[2i+1] its value;
 * for CFG_SEQ, items[i]; line and column are 1-based.  file is the path
 * of the file it was read from (owned by the root node, in own_file), so
 * that a node alone can say where it is written. */
typedef struct cfg_node {
    cfg_kind kind;
    char *scalar;
    uint32_t line;
    uint32_t column;
    size_t n;
    struct cfg_node **items;
    const char *file;
    char *own_file;
} cfg_node;

/*
 * Load a YAML file holding one document.  On success returns 0 and sets
 * *out (free with cfg_free; an empty file gives an empty map).  On failure
 * returns -1 and sets *err to "path:line:col: message" (caller frees).
 */
int cfg_load(const char *path, cfg_node **out, char **err);
void cfg_free(cfg_node *n);

/* An empty map at line 0 (a configuration without a file); free with
 * cfg_free. */
cfg_node *cfg_new_map(void);

/* The value of key in a map, or NULL. */
const cfg_node *cfg_get(const cfg_node *map, const char *key);

/* "path:line:col: message" for node; caller frees. */
char *cfg_error(const char *path, const cfg_node *node, const char *message);

/*
 * One entry of overrides: (issue 17): what changes for the files its paths
 * match.  paths are fnmatch(3) globs without FNM_PATHNAME ("db/legacy/" and
 * two stars: a star crosses '/'), matched against a file's path as displayed and relative
 * to the configuration's directory.
 */
typedef struct config_override {
    util_vec paths;          /* of char * */
    const cfg_node *rules;   /* its rules: map (rule id or glob -> severity;
                              * a node of config.root), or NULL */
    int role_caps[PATH_ROLE_COUNT];  /* its roles: caps, -1 where not set */
} config_override;

/* The user's configuration. */
typedef struct config {
    char *path;              /* NULL when no file was found */
    char *repo_dir;          /* the resolved directory of path: the repository root */
    bool trusted;            /* given with --config, or trusted by the user; an
                              * untrusted one may not hold plugin_dirs, nor paths
                              * leaving repo_dir */
    cfg_node *root;          /* a map (empty without a file) */
    util_vec plugin_dirs;    /* of char *, resolved against the file's dir */
    util_vec rule_packs;     /* of char *: rule-pack files or directories, resolved likewise */
    util_vec exclude;        /* of char *: fnmatch patterns on display paths */
    util_vec include;        /* of char *: when any, a file must match one */
    int postgres_version;    /* target major version (postgres_version:, default 15) */
    util_vec migrations;     /* of mig_override: migrations: [{path, convention}] */
    bool require_reason;     /* suppressions: {require_reason: ...}, default true */
    /* Per path role, the highest severity its findings keep (a pgr_severity:
     * roles: {test: warning}); PGR_SEVERITY_OFF (0) hides them.  Defaults:
     * error (no cap) for production, info for example, test and docs. */
    int role_caps[PATH_ROLE_COUNT];
    util_vec role_patterns[PATH_ROLE_COUNT];  /* of char *: role_patterns: globs */
    util_vec overrides;      /* of config_override, in file order */
    /* docs_base_url: where the rules' documentation lives (an http(s) URL
     * of printable ASCII; a rule's link is it plus "#" and its anchor), or
     * NULL for the project's docs/rules.md on GitHub. */
    char *docs_base_url;
} config;

/*
 * Load path, or when NULL find .pgrampart.yml by walking up from start (the
 * first path being checked; NULL: the working directory), as gitleaks looks
 * in the scanned directory (no file: an empty configuration).  Checks the host's
 * keys (plugin_dirs, exclude, rules); plugin sections are checked later by
 * config_check_section.
 *
 * The user's own configuration ($XDG_CONFIG_HOME/pgrampart/config.yml, else
 * ~/.config/pgrampart/config.yml: plugin_dirs, rule_packs,
 * trusted_repositories) is read first; its plugin_dirs and rule_packs come
 * first in c's.  A file given as path is trusted (the user named it); one
 * found is trusted only when PGRAMPART_TRUST_REPO_CONFIG=1 or its directory is
 * one of trusted_repositories.  An untrusted one holding plugin_dirs, or a
 * rule pack or migrations path leading outside its directory, is refused
 * with "path:line:col: ..." saying how to opt in.
 *
 * Returns 0, or -1 with *err set (caller frees).
 */
int config_load(config *c, const char *path, const char *start, char **err);
void config_free(config *c);

/* Whether the display path matches an exclude pattern. */
int config_excluded(const config *c, const char *path);

/*
 * The severity of rule rule_id for a finding in the file at path (as
 * displayed): sev (the rule's configured severity, a pgr_severity) changed
 * by the rules: of every override whose paths match, in file order (the
 * last matching key wins).  path may be NULL (object findings): sev.
 */
int config_rule_severity(const config *c, const char *path, const char *rule_id, int sev);

/* The severity cap of path role role for the file at path: roles: changed
 * by the roles: of every override whose paths match (the last wins). */
int config_role_cap(const config *c, const char *path, path_role role);

/* Whether a file's display path passes the include patterns (all do when
 * there are none). */
int config_included(const config *c, const char *path);

#endif
