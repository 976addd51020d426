/*
 * host.h — the host of rule plugins, the public interface of host/: it loads
 * plugins with dlopen and checks their ABI (loader.c), registers their rules
 * and applies .pgrampart.yml's severities and plugin sections (registry.c),
 * loads rule packs (rulepack.c), and offers plugins the pgr_host_api table
 * (api.c); host.c starts and frees a host and holds the built-in "core"
 * rules.  host_internal.h is what those files share among themselves.
 */
#ifndef PGR_HOST_H
#define PGR_HOST_H

#include "host/config.h"
#include "report/diag.h"
#include "pgrampart/plugin.h"
#include "frontends/sql.h"

/* A loaded plugin; index 0 is the host's own "core" rules. */
typedef struct host_plugin {
    void *handle;            /* dlopen handle, NULL for core */
    char *path;
    const pgr_plugin *desc;
    bool touched_only;       /* it called api->replay_touched_only */
} host_plugin;

/* A registered rule with its effective severity. */
typedef struct host_rule {
    const pgr_rule *rule;
    size_t plugin;
    pgr_severity severity;
    bool cli_off;            /* turned off by --select/--ignore: no per-path
                              * override turns it back on */
} host_rule;

/* The callback context handed to plugins. */
struct pgr_ctx {
    struct host *host;
    size_t plugin;
};

typedef struct host {
    util_vec plugins;        /* of host_plugin */
    util_vec rules;          /* of host_rule */
    const config *cfg;
    util_vec rulepacks;      /* of cfg_node * */
    diag_store *diags;
    /* The files of the current check (api->file_text): set by the run
     * while it lasts, else NULL. */
    const char *(*file_text)(void *arg, const char *path, size_t *len);
    const char *(*file_role)(void *arg, const char *path);
    void *file_text_arg;        /* the argument of both */
    /* What the migration being judged touched (api->replay_touched): set
     * by the replay while its on_migration_replay hooks run, else NULL. */
    size_t (*replay_touched)(void *arg, const pgr_model *model, char kind,
                             const size_t **positions);
    void *replay_touched_arg;
    /* The shipped rule packs' directory (the report templates are there);
     * owned, NULL when unknown. */
    char *rules_dir;
} host;

/* What the host passes as a pgr_sql_statement: pub comes first so that
 * api->sql_location can find the file behind it. */
typedef struct host_stmt {
    pgr_sql_statement pub;
    const sql_file *file;
    const sql_stmt *st;
} host_stmt;

/* What the host passes as a pgr_value_file: pub comes first so that
 * api->value_location can find the parsed file and its line index. */
typedef struct host_value_file {
    pgr_value_file pub;
    const util_lines *lines;
    const struct values_file *vf;
} host_value_file;

/* The host's table of functions, as plugins receive it. */
extern const pgr_host_api host_api;

/* Start a host that reports into diags and reads cfg (both borrowed). */
void host_init(host *h, const config *cfg, diag_store *diags);
/* Unload every plugin (dlclose) and free the rules and rule packs. */
void host_free(host *h);

/*
 * Load one plugin file.  Returns 0, or -1 with *err naming the file and the
 * reason (not a shared object, no init symbol, ABI or size mismatch, the
 * plugin refused the host, duplicate rule id); caller frees *err.
 */
int host_load_file(host *h, const char *path, char **err);

/* Load every "*.so" of dir in name order.  A missing dir is not an error
 * when optional.  Returns 0 or -1 with *err set. */
int host_load_dir(host *h, const char *dir, int optional, char **err);

/* Load every "*.yml" rule pack of dir.  Returns 0 or -1 with *err set. */
int host_load_rulepacks(host *h, const char *dir, char **err);

/* Load one rule-pack file (a user's, from rule_packs:); its lists are added
 * after those of the packs loaded before it.  Returns 0, or -1 with *err
 * (caller frees) naming the file, line and column. */
int host_load_rulepack(host *h, const char *path, char **err);

/*
 * Apply the configuration: severities from "rules:", and check each
 * plugin section against the plugin's declared keys.  Unknown top-level
 * keys, unknown rule ids and wrong types are errors.  Returns 0 or -1 with
 * *err ("path:line:col: message").
 */
int host_apply_config(host *h, char **err);

/* A ctx for plugin index i. */
pgr_ctx host_ctx(host *h, size_t plugin);

/*
 * One plugin's turn at a hook point: call p's callback for that point when p
 * has one.  arg is the point's data (a model view, a migration set...).
 */
typedef void (*host_hook_fn)(const pgr_plugin *p, pgr_ctx *ctx, void *arg);

/* Give every loaded plugin, in load order, its turn at one hook point. */
void host_for_each_plugin(host *h, host_hook_fn call, void *arg);

/* Report a core finding (rule must be one of the core rules). */
void host_report_core(host *h, const char *rule_id, const pgr_location *loc,
                      const char *message);

/* Find a registered rule; NULL when unknown. */
const host_rule *host_find_rule(const host *h, const char *id);

/*
 * The registered rule id closest to a mistyped one, for "did you mean":
 * the same name under another family ("missing-rls" or "sql/missing-rls"
 * for "rls/missing-rls"), else the id at the smallest edit distance when
 * that is at most a third of its length.  NULL when nothing is close.
 * Borrowed from the rule table.
 */
const char *host_suggest_rule(const host *h, const char *id);

/*
 * The URL of a rule's documentation: the configuration's docs_base_url,
 * else the project's docs/rules.md on GitHub, plus "#" and the anchor
 * GitHub gives its "## `family/name`" heading (the id without the "/",
 * other bytes than [A-Za-z0-9_-] percent-encoded).  h may be NULL (the
 * default base).  Caller frees.
 */
char *host_rule_doc_url(const host *h, const char *id);

/* select.c — rule selection (issue 17). */

/* Whether pattern (a rule id, or an fnmatch(3) glob over rule ids such as
 * "rls/" and a star) selects the rule id.  The syntax of .pgrampart.yml's rules:
 * keys, overrides' rules: keys, --select and --ignore. */
bool host_rule_selected(const char *pattern, const char *id);

/* Whether pattern selects at least one loaded rule of h. */
bool host_pattern_selects_any(const host *h, const char *pattern);

/* "unknown rule 'P' (did you mean S?)" for a pattern that selects no
 * loaded rule: S is host_suggest_rule's id, or for a family glob the
 * closest family's ("rls/" and a star); "(see pgrampart rules)" when
 * nothing is close.  Caller frees. */
char *host_unknown_rule_message(const host *h, const char *pattern);

/*
 * Apply check's and audit's --select and --ignore after the configuration
 * (the command line wins): select and ignore are vecs of const char *, each
 * a comma-separated list of patterns (either may be NULL or empty).  With
 * a selection, only the rules it selects run (core/ rules too, unless
 * ignored); a selected rule the file turned off runs at its default
 * severity; ignored rules are off.  Rules turned off here are marked
 * cli_off.  Returns 0, or -1 with *err ("--select: unknown rule 'x' (did
 * you mean y?)"; caller frees) when a pattern selects no loaded rule.
 */
int host_select_rules(host *h, const util_vec *select, const util_vec *ignore, char **err);

#endif
