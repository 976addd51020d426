/*
 * host.c — see host.h.
 */
#include "host.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <libpq-fe.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "values.h"
#include "sql.h"

/* The host's own rules: problems with the input itself. */
static const pgr_rule core_rules[] = {
    { "core/unreadable-file", PGR_SEVERITY_ERROR,
      "A file could not be read, or is binary, so it was not checked.",
      "Make the file readable text, or exclude it in .pgrampart.yml.",
      "pgrampart: bad input never passes silently" },
    { "core/invalid-utf8", PGR_SEVERITY_WARNING,
      "The file is not valid UTF-8; positions after the bad byte may be off.",
      "Re-encode the file as UTF-8.",
      "PostgreSQL docs 24.3 Character Set Support" },
    { "sql/syntax-error", PGR_SEVERITY_ERROR,
      "A SQL statement does not parse as PostgreSQL; it was not checked.",
      "Fix the statement; PostgreSQL would reject it when the migration runs.",
      "PostgreSQL docs 4.1 Lexical Structure" },
    { "sql/too-deep", PGR_SEVERITY_ERROR,
      "A SQL statement (or one in a DO block) nests deeper than the parser can safely go; it was not checked.",
      "Split the expression (no migration needs this); generated SQL should chain with lists, not operators.",
      "PostgreSQL docs 19.4.1 (max_stack_depth): the server refuses such statements too" },
    { "sql/dynamic-sql", PGR_SEVERITY_INFO,
      "A DO block runs EXECUTE on a dynamic string: its effect on the schema is not analysed.",
      "Prefer plain DDL in migrations; review what the EXECUTE builds by hand.",
      "PostgreSQL docs 43.5.4 Executing Dynamic Commands" },
    { "core/check-skipped", PGR_SEVERITY_INFO,
      "A live-audit check could not run (a privilege is missing); the rest of the audit did.",
      "Run the audit as a role with the privilege named, or accept the gap.",
      "pgrampart: least privilege, never silent" },
    { "core/unused-suppression", PGR_SEVERITY_INFO,
      "A pgrampart-ignore comment suppresses no finding (fixed, or misspelt rule id).",
      "Remove the comment, or correct the rule id.",
      "pgrampart suppressions" },
    { "core/suppression-without-reason", PGR_SEVERITY_WARNING,
      "A pgrampart-ignore comment gives no reason, so it is not applied.",
      "Write why after a colon: -- pgrampart-ignore rule/id: reason.",
      "pgrampart suppressions" },
    { "conf/syntax-error", PGR_SEVERITY_ERROR,
      "A line of postgresql.conf, pg_hba.conf or pgbouncer.ini cannot be read.",
      "Fix the line: the server would refuse to start or reload with it.",
      "PostgreSQL docs 20.1 Setting Parameters; 21.1 The pg_hba.conf File" },
    { "env/syntax-error", PGR_SEVERITY_ERROR,
      "A line of an environment file is not KEY=value.",
      "Write KEY=value, quote values with spaces, close every quote.",
      "dotenv file format" },
    { "yaml/syntax-error", PGR_SEVERITY_ERROR,
      "A YAML file does not parse (or refers to an undefined alias); what follows the error was not checked.",
      "Fix the YAML: the tool that reads this file (compose, kubectl, the CI) would refuse it too.",
      "YAML 1.2 specification; libyaml" },
    { "shell/syntax-error", PGR_SEVERITY_WARNING,
      "Part of a shell script does not parse (tree-sitter-bash), or nests deeper than 4000 levels; that "
      "part was skipped, the rest checked.",
      "Check the script with bash -n; quote what the parser stumbles on.",
      "Bash reference manual 3 (Shell Syntax)" },
    { "js/syntax-error", PGR_SEVERITY_WARNING,
      "Part of a JavaScript/TypeScript file does not parse (tree-sitter), or nests deeper than 4000 "
      "levels; that part was skipped, the rest checked.",
      "Fix the syntax (tsc --noEmit, node --check); newer syntax may need a newer grammar.",
      "ECMAScript language specification" },
    { "yaml/alias-bomb", PGR_SEVERITY_ERROR,
      "Aliases in a YAML file expand to far more nodes than the file holds (a billion-laughs file; "
      "the rest of it was not checked), or forever (an alias inside the node it names; not followed).",
      "Remove the nested aliases; no real configuration needs them.",
      "CVE-2003-1564 (billion laughs); YAML 1.2 section 3.2.2.2 (anchors and aliases)" },
};

static const pgr_plugin core_plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "core", "1",
    sizeof core_rules / sizeof core_rules[0], core_rules,
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

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

/* Register a plugin's rules; fails on a duplicate or malformed id. */
static int
register_rules(host *h, size_t plugin, char **err)
{
    const host_plugin *hp = util_vec_at(&h->plugins, plugin);
    size_t i;

    for (i = 0; i < hp->desc->n_rules; i++) {
        const pgr_rule *r = &hp->desc->rules[i];
        host_rule *hr;

        if (r->id == NULL || strchr(r->id, '/') == NULL ||
            r->default_severity < PGR_SEVERITY_INFO || r->default_severity > PGR_SEVERITY_ERROR) {
            *err = util_xasprintf("%s: rule %zu has no family/name id or a bad severity",
                                  hp->path, i);
            return -1;
        }
        if (host_find_rule(h, r->id)) {
            *err = util_xasprintf("%s: rule %s is already provided by another plugin",
                                  hp->path, r->id);
            return -1;
        }
        hr = util_vec_push(&h->rules);
        hr->rule = r;
        hr->plugin = plugin;
        hr->severity = r->default_severity;
    }
    return 0;
}

void
host_init(host *h, const config *cfg, diag_store *diags)
{
    host_plugin *core;
    char *err = NULL;

    util_vec_init(&h->plugins, sizeof(host_plugin));
    util_vec_init(&h->rules, sizeof(host_rule));
    util_vec_init(&h->rulepacks, sizeof(cfg_node *));
    h->cfg = cfg;
    h->diags = diags;
    core = util_vec_push(&h->plugins);
    core->path = util_xstrdup("(built in)");
    core->desc = &core_plugin;
    register_rules(h, 0, &err);
    free(err);
}

void
host_free(host *h)
{
    size_t i;

    for (i = 0; i < h->plugins.len; i++) {
        host_plugin *p = util_vec_at(&h->plugins, i);

        if (p->handle)
            dlclose(p->handle);
        free(p->path);
    }
    for (i = 0; i < h->rulepacks.len; i++)
        cfg_free(*(cfg_node **) util_vec_at(&h->rulepacks, i));
    util_vec_free(&h->plugins);
    util_vec_free(&h->rules);
    util_vec_free(&h->rulepacks);
}

int
host_load_file(host *h, const char *path, char **err)
{
    void *handle;
    pgr_plugin_init_fn init;
    const pgr_plugin *desc;
    host_plugin *hp;
    size_t i;
    const char *dlerr;

    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        dlerr = dlerror();
        *err = util_xasprintf("%s: cannot load plugin: %s", path, dlerr ? dlerr : "unknown error");
        return -1;
    }
    *(void **) (&init) = dlsym(handle, PGR_PLUGIN_INIT_SYMBOL);
    if (init == NULL) {
        *err = util_xasprintf("%s: not a pgrampart plugin: no %s symbol", path,
                              PGR_PLUGIN_INIT_SYMBOL);
        dlclose(handle);
        return -1;
    }
    desc = init(&host_api);
    if (desc == NULL) {
        *err = util_xasprintf("%s: the plugin refused host ABI version %d", path, PGR_ABI_VERSION);
        dlclose(handle);
        return -1;
    }
    if (desc->abi_version != PGR_ABI_VERSION || desc->size != sizeof(pgr_plugin)) {
        *err = util_xasprintf("%s: plugin ABI version %u (descriptor %u bytes) does not match "
                              "the host's ABI version %d (%zu bytes); rebuild it against this "
                              "pgrampart/plugin.h", path, desc->abi_version, desc->size,
                              PGR_ABI_VERSION, sizeof(pgr_plugin));
        dlclose(handle);
        return -1;
    }
    for (i = 0; i < h->plugins.len; i++) {
        if (strcmp(((host_plugin *) util_vec_at(&h->plugins, i))->desc->name, desc->name) == 0) {
            *err = util_xasprintf("%s: a plugin named '%s' is already loaded", path, desc->name);
            dlclose(handle);
            return -1;
        }
    }
    hp = util_vec_push(&h->plugins);
    hp->handle = handle;
    hp->path = util_xstrdup(path);
    hp->desc = desc;
    if (register_rules(h, h->plugins.len - 1, err) != 0)
        return -1;
    return 0;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The entries of dir ending with suffix, sorted; caller frees. */
static char **
list_dir(const char *dir, const char *suffix, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t cap = 0, sl = strlen(suffix);

    *n = 0;
    if (d == NULL)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);

        if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            names = util_xrealloc(names, cap * sizeof(char *));
        }
        names[(*n)++] = util_path_join(dir, de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof(char *), name_cmp);
    return names;
}

int
host_load_dir(host *h, const char *dir, int optional, char **err)
{
    size_t n, i;
    char **names = list_dir(dir, ".so", &n);
    int rc = 0;

    if (names == NULL && n == 0) {
        DIR *d = opendir(dir);

        if (d)
            closedir(d);
        else if (!optional) {
            *err = util_xasprintf("%s: cannot open plugin directory", dir);
            return -1;
        }
    }
    for (i = 0; i < n; i++) {
        if (rc == 0)
            rc = host_load_file(h, names[i], err);
        free(names[i]);
    }
    free(names);
    return rc;
}

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

            if (l->kind != CFG_SEQ) {
                *err = cfg_error(path, l, "expected a list of strings");
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
    char **names = list_dir(dir, ".yml", &n);
    int rc = 0;

    for (i = 0; i < n; i++) {
        if (rc == 0)
            rc = host_load_rulepack(h, names[i], err);
        free(names[i]);
    }
    free(names);
    return rc;
}

static const host_plugin *
plugin_by_name(const host *h, const char *name)
{
    size_t i;

    for (i = 0; i < h->plugins.len; i++) {
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

/* name: { <map_key>: [strings], ... } for each entry of a PGR_CONFIG_MAP. */
static int
check_map(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    size_t i, j, k;

    if (v->kind != CFG_MAP) {
        *err = cfg_error(path, v, "expected a mapping of names to settings");
        return -1;
    }
    for (i = 1; i < v->n; i += 2) {
        const cfg_node *entry = v->items[i];

        if (entry->kind != CFG_MAP) {
            *err = cfg_error(path, entry, "expected a mapping");
            return -1;
        }
        for (j = 0; j + 1 < entry->n; j += 2) {
            bool known = false;

            for (k = 0; key->map_keys && key->map_keys[k] && !known; k++)
                known = strcmp(key->map_keys[k], entry->items[j]->scalar) == 0;
            if (!known) {
                char *m = util_xasprintf("unknown key '%s' in %s", entry->items[j]->scalar,
                                         key->name);

                *err = cfg_error(path, entry->items[j], m);
                free(m);
                return -1;
            }
            if (check_list(path, key, entry->items[j + 1], err) != 0)
                return -1;
        }
    }
    return 0;
}

static int
check_value(const char *path, const pgr_config_key *key, const cfg_node *v, char **err)
{
    switch (key->type) {
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
        const pgr_config_key *key = NULL;

        for (k = 0; k < p->desc->n_config_keys; k++)
            if (strcmp(p->desc->config_keys[k].name, sec->items[i]->scalar) == 0)
                key = &p->desc->config_keys[k];
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
            strcmp(key, "migrations") == 0 || strcmp(key, "suppressions") == 0)
            continue;
        p = plugin_by_name(h, key);
        if (p == NULL || p->desc == &core_plugin) {
            char *m = util_xasprintf("unknown key '%s' (expected plugin_dirs, rule_packs, include, exclude, rules, "
                                     "postgres_version, migrations, suppressions or a loaded plugin's name)", key);

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
            char *m = util_xasprintf("unknown rule '%s'", rules->items[i]->scalar);

            *err = cfg_error(h->cfg->path, rules->items[i], m);
            free(m);
            return -1;
        }
        r->severity = (pgr_severity) diag_severity_parse(rules->items[i + 1]->scalar);
    }
    return 0;
}

pgr_ctx
host_ctx(host *h, size_t plugin)
{
    pgr_ctx c;

    c.host = h;
    c.plugin = plugin;
    return c;
}

static void
api_report(pgr_ctx *ctx, const pgr_finding *f)
{
    const host_rule *r = f && f->rule_id ? host_find_rule(ctx->host, f->rule_id) : NULL;
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);

    if (r == NULL || r->plugin != ctx->plugin) {
        fprintf(stderr, "pgrampart: %s: reported unknown rule '%s'; finding dropped\n",
                p->path, f && f->rule_id ? f->rule_id : "(null)");
        return;
    }
    if (r->severity == PGR_SEVERITY_OFF)
        return;
    diag_add(ctx->host->diags, f, r->severity, r->rule->hint);
}

void
host_report_core(host *h, const char *rule_id, const pgr_location *loc, const char *message)
{
    pgr_ctx ctx = host_ctx(h, 0);
    pgr_finding f;

    memset(&f, 0, sizeof f);
    f.rule_id = rule_id;
    f.location = *loc;
    f.message = message;
    api_report(&ctx, &f);
}

static void
api_log(pgr_ctx *ctx, pgr_severity level, const char *message)
{
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);

    fprintf(stderr, "pgrampart: %s: %s: %s\n", p->desc->name, diag_severity_name(level), message);
}

/* The node at a dotted key path inside the calling plugin's section. */
static const cfg_node *
plugin_value(pgr_ctx *ctx, const char *key)
{
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);
    const cfg_node *n = cfg_get(ctx->host->cfg->root, p->desc->name);
    char part[256];

    while (n && key && *key) {
        size_t len = strcspn(key, ".");

        if (len >= sizeof part)
            return NULL;
        memcpy(part, key, len);
        part[len] = '\0';
        n = cfg_get(n, part);
        key += len;
        if (*key == '.')
            key++;
    }
    return n;
}

static size_t
api_config_map_length(pgr_ctx *ctx, const char *key)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_MAP ? n->n / 2 : 0;
}

static const char *
api_config_map_key(pgr_ctx *ctx, const char *key, size_t i)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_MAP && 2 * i < n->n ? n->items[2 * i]->scalar : NULL;
}

static const char *
api_config_string(pgr_ctx *ctx, const char *key)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_SCALAR ? n->scalar : NULL;
}

static size_t
api_config_list_length(pgr_ctx *ctx, const char *key)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_SEQ ? n->n : 0;
}

static const char *
api_config_list_item(pgr_ctx *ctx, const char *key, size_t i)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_SEQ && i < n->n ? n->items[i]->scalar : NULL;
}

/* Rule-pack lists of the calling plugin, concatenated over all packs. */
static const cfg_node *
pack_list(pgr_ctx *ctx, const char *key, size_t *i)
{
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);
    size_t k;

    for (k = 0; k < ctx->host->rulepacks.len; k++) {
        const cfg_node *root = *(cfg_node **) util_vec_at(&ctx->host->rulepacks, k);
        const cfg_node *l = cfg_get(cfg_get(root, p->desc->name), key);

        if (l == NULL)
            continue;
        if (*i < l->n)
            return l;
        *i -= l->n;
    }
    return NULL;
}

static size_t
api_rulepack_list_length(pgr_ctx *ctx, const char *key)
{
    size_t i = SIZE_MAX / 2, n;

    /* Subtracting each pack's length from a large index counts them all. */
    n = i;
    pack_list(ctx, key, &i);
    return n - i;
}

static const char *
api_rulepack_list_item(pgr_ctx *ctx, const char *key, size_t i)
{
    const cfg_node *l = pack_list(ctx, key, &i);

    return l ? l->items[i]->scalar : NULL;
}

static void
api_sql_location(const pgr_sql_statement *stmt, int64_t offset, size_t length, pgr_location *out)
{
    const host_stmt *hs = (const host_stmt *) stmt;
    size_t from, to;

    if (offset < 0) {
        *out = stmt->location;
        return;
    }
    from = hs->st->base + (size_t) offset;
    if (from > hs->file->len)
        from = hs->file->len;
    to = from + (length ? length - 1 : 0);
    if (to > hs->file->len)
        to = hs->file->len;
    memset(out, 0, sizeof *out);
    out->path = stmt->path;
    util_lines_pos(&hs->file->lines, from, &out->line, &out->column);
    util_lines_pos(&hs->file->lines, to, &out->end_line, &out->end_column);
}

static void
api_value_location(const pgr_value_file *file, size_t entry, size_t offset,
                   size_t length, pgr_location *out)
{
    const host_value_file *hf = (const host_value_file *) file;
    const values_entry *e;
    size_t from, to;

    memset(out, 0, sizeof *out);
    if (entry >= hf->vf->entries.len)
        return;
    e = util_vec_at(&hf->vf->entries, entry);
    /* A decoded value's bytes do not line up with its source: all of it. */
    if (e->flags & PGR_VALUE_DECODED)
        offset = length = 0;
    if (offset > e->value_len)
        offset = e->value_len;
    if (length == 0 || offset + length > e->value_len)
        length = e->value_len - offset;
    from = e->value_offset + offset;
    to = from + (length ? length - 1 : 0);
    out->path = file->path;
    util_lines_pos(hf->lines, from, &out->line, &out->column);
    util_lines_pos(hf->lines, to, &out->end_line, &out->end_column);
}

static bool
is_uri(const char *s)
{
    return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

static const char *
api_conninfo_value(const pgr_conninfo *ci, const char *keyword);

static pgr_conninfo *
api_conninfo_parse(const char *conninfo)
{
    static const char *const keys[] = { "host", "hostaddr", "port", "dbname", "user", NULL };
    char *errmsg = NULL;
    PQconninfoOption *opts;
    size_t i;

    if (conninfo == NULL || (!is_uri(conninfo) && strchr(conninfo, '=') == NULL))
        return NULL;
    opts = PQconninfoParse(conninfo, &errmsg);
    if (errmsg)
        PQfreemem(errmsg);
    if (opts == NULL || is_uri(conninfo))
        return (pgr_conninfo *) opts;
    for (i = 0; keys[i]; i++)
        if (api_conninfo_value((pgr_conninfo *) opts, keys[i]))
            return (pgr_conninfo *) opts;
    PQconninfoFree(opts);
    return NULL;
}

/* Whether one host name or address is on this machine. */
static bool
host_is_local(const char *h, size_t n)
{
    if (n == 0 || h[0] == '/' || h[0] == '@')
        return true;
    if ((n == 9 && strncasecmp(h, "localhost", 9) == 0) || (n == 3 && strncmp(h, "::1", 3) == 0) ||
        (n == 5 && strncmp(h, "[::1]", 5) == 0))
        return true;
    return n >= 4 && strncmp(h, "127.", 4) == 0;
}

static int
api_conninfo_is_local(const pgr_conninfo *ci)
{
    static const char *const keys[] = { "host", "hostaddr" };
    size_t k;

    for (k = 0; k < 2; k++) {
        const char *v = api_conninfo_value(ci, keys[k]), *p = v;

        while (p && *p) {
            size_t n = strcspn(p, ",");

            if (!host_is_local(p, n))
                return 0;
            p += n;
            if (*p == ',')
                p++;
        }
    }
    return 1;
}

static int
api_conninfo_password_span(const char *s, size_t *offset, size_t *length)
{
    const char *p;

    if (is_uri(s)) {
        /* postgresql://user:password@host/...: the userinfo ends at the last
         * '@' before the path. */
        const char *auth = strstr(s, "://") + 3;
        const char *end = auth + strcspn(auth, "/?#"), *at = NULL, *colon;

        for (p = auth; p < end; p++)
            if (*p == '@')
                at = p;
        if (at == NULL)
            return 0;
        colon = memchr(auth, ':', (size_t) (at - auth));
        if (colon == NULL || colon + 1 == at)
            return 0;
        *offset = (size_t) (colon + 1 - s);
        *length = (size_t) (at - colon - 1);
        return 1;
    }
    for (p = strstr(s, "password"); p; p = strstr(p + 1, "password")) {
        const char *v = p + 8;

        if (p > s && !isspace((unsigned char) p[-1]))
            continue;
        while (*v == ' ')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ')
            v++;
        if (*v == '\'') {
            const char *q = v + 1;

            while (*q && *q != '\'')
                q += (*q == '\\' && q[1]) ? 2 : 1;
            *offset = (size_t) (v + 1 - s);
            *length = (size_t) (q - v - 1);
        } else {
            *offset = (size_t) (v - s);
            *length = strcspn(v, " \t");
        }
        return *length > 0;
    }
    return 0;
}

static const char *
api_conninfo_value(const pgr_conninfo *ci, const char *keyword)
{
    const PQconninfoOption *o;

    for (o = (const PQconninfoOption *) ci; o && o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0)
            return o->val;
    return NULL;
}

static void
api_conninfo_free(pgr_conninfo *ci)
{
    if (ci)
        PQconninfoFree((PQconninfoOption *) ci);
}

static const char *
api_rulepack_item_field(pgr_ctx *ctx, const char *key, size_t i, const char *field)
{
    const cfg_node *l = pack_list(ctx, key, &i);
    const cfg_node *v = l ? cfg_get(l->items[i], field) : NULL;

    return v && v->kind == CFG_SCALAR ? v->scalar : NULL;
}

struct pgr_regex {
    pcre2_code *code;
    pcre2_match_data *md;
};

static pgr_regex *
api_regex_compile(const char *pattern, char *err, size_t errsize)
{
    int code;
    PCRE2_SIZE off;
    pgr_regex *re;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                  &code, &off, NULL);

    if (c == NULL) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(err, errsize, "%s at offset %zu", (const char *) msg, (size_t) off);
        return NULL;
    }
    /* JIT where the machine has it; the interpreter otherwise.
     * PGRAMPART_NO_JIT=1 keeps to the interpreter: valgrind cannot follow
     * JIT-generated code and reports its reads as uninitialised. */
    if (getenv("PGRAMPART_NO_JIT") == NULL)
        (void) pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
    re = util_xcalloc(1, sizeof *re);
    re->code = c;
    re->md = pcre2_match_data_create_from_pattern(c, NULL);
    return re;
}

static int
api_regex_match(const pgr_regex *re, const char *text, size_t len, int group, size_t *start,
                size_t *length)
{
    PCRE2_SIZE *ov;
    int rc;

    if (re == NULL)
        return 0;
    rc = pcre2_match(re->code, (PCRE2_SPTR) text, len, 0, 0, re->md, NULL);
    if (rc <= 0)
        return 0;
    ov = pcre2_get_ovector_pointer(re->md);
    if (group < 0 || group >= rc || ov[2 * group] == PCRE2_UNSET)
        group = 0;
    *start = ov[2 * group];
    *length = ov[2 * group + 1] - ov[2 * group];
    return 1;
}

static void
api_regex_free(pgr_regex *re)
{
    if (re == NULL)
        return;
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    free(re);
}

static char *
api_redact(const char *secret, char *buf, size_t bufsize)
{
    size_t len = secret ? strlen(secret) : 0;
    /* Never show more than two bytes, and never half a UTF-8 character. */
    size_t keep = len < 8 ? 0 : 2;

    while (keep > 0 && ((unsigned char) secret[keep - 1] & 0x80))
        keep--;
    snprintf(buf, bufsize, "%.*s… (%zu bytes)", (int) keep, secret ? secret : "", len);
    return buf;
}

const pgr_host_api host_api = {
    PGR_ABI_VERSION,
    sizeof(pgr_host_api),
    api_report,
    api_log,
    api_config_string,
    api_config_list_length,
    api_config_list_item,
    api_config_map_length,
    api_config_map_key,
    api_rulepack_list_length,
    api_rulepack_list_item,
    sql_node_tag,
    sql_node_child,
    sql_node_list_length,
    sql_node_list_item,
    sql_node_string,
    sql_node_int,
    sql_node_walk,
    api_sql_location,
    api_value_location,
    api_conninfo_parse,
    api_conninfo_value,
    api_conninfo_free,
    api_conninfo_is_local,
    api_conninfo_password_span,
    api_rulepack_item_field,
    api_regex_compile,
    api_regex_match,
    api_regex_free,
    api_redact,
};
