/*
 * config.c — see config.h.
 */
#include "host/config.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Walk up from start (a directory or file; NULL: the working directory)
 * looking for .pgrampart.yml. */
static char *
find_config(const char *start)
{
    char dir[PATH_MAX];
    struct stat st;

    if (start == NULL) {
        if (getcwd(dir, sizeof dir) == NULL)
            return NULL;
    } else {
        if (realpath(start, dir) == NULL)
            return find_config(NULL);
        if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
            char *slash = strrchr(dir, '/');

            if (slash && slash != dir)
                *slash = '\0';
        }
    }
    for (;;) {
        char *cand = util_xasprintf("%s/.pgrampart.yml", strcmp(dir, "/") ? dir : "");
        char *slash;

        if (access(cand, F_OK) == 0)
            return cand;
        free(cand);
        slash = strrchr(dir, '/');
        if (slash == NULL || slash == dir)
            return NULL;
        *slash = '\0';
    }
}

/* Read a list of strings into vec; relative entries resolved against base
 * when base is non-NULL. */
static int
string_list(const config *c, const cfg_node *n, util_vec *vec, const char *base, char **err)
{
    size_t i;

    if (n->kind != CFG_SEQ) {
        *err = cfg_error(c->path, n, "expected a list of strings");
        return -1;
    }
    for (i = 0; i < n->n; i++) {
        if (n->items[i]->kind != CFG_SCALAR) {
            *err = cfg_error(c->path, n->items[i], "expected a string");
            return -1;
        }
        *(char **) util_vec_push(vec) = (base && n->items[i]->scalar[0] != '/')
            ? util_path_join(base, n->items[i]->scalar) : util_xstrdup(n->items[i]->scalar);
    }
    return 0;
}

/* How a contributor's configuration may be trusted, for the messages. */
#define CONFIG_OPT_IN "pass it with --config FILE, set PGRAMPART_TRUST_REPO_CONFIG=1, or list the " \
    "repository under trusted_repositories in ~/.config/pgrampart/config.yml (README: Trust model)"

/*
 * In an untrusted configuration, a path (the node's, resolved as joined) must
 * stay inside the repository: not absolute, and no "..", nor symbolic link,
 * leading out.  A path that does not exist is left to its reader to report.
 */
static int
confined(const config *c, const cfg_node *node, const char *key, const char *joined, char **err)
{
    char *m;

    if (c->trusted)
        return 0;
    if (node->scalar[0] != '/' && util_path_inside(joined, c->repo_dir) != 0)
        return 0;
    m = util_xasprintf("%s: %s leads outside the repository (the directory of this file); a "
                       "repository's configuration may name only paths inside it. To trust it, "
                       CONFIG_OPT_IN, key, node->scalar);
    *err = cfg_error(c->path, node, m);
    free(m);
    return -1;
}

/* Each rule pack of an untrusted configuration (n, read into rule_packs from
 * index first), and each *.yml of a rule-pack directory, stays inside the
 * repository. */
static int
confine_rule_packs(const config *c, size_t first, const cfg_node *n, char **err)
{
    size_t i;

    for (i = 0; i < n->n && !c->trusted; i++) {
        const char *pack = *(char **) util_vec_at(&c->rule_packs, first + i);
        DIR *d;
        struct dirent *de;
        int rc = confined(c, n->items[i], "rule_packs", pack, err);

        if (rc != 0 || (d = opendir(pack)) == NULL) {
            if (rc != 0)
                return rc;
            continue;
        }
        while (rc == 0 && (de = readdir(d)) != NULL) {
            char *entry = util_path_join(pack, de->d_name);

            if (util_ends_with(de->d_name, ".yml") && util_path_inside(entry, c->repo_dir) == 0) {
                char *m = util_xasprintf("rule_packs: %s is a link leading outside the repository; "
                                         "not read. To trust it, " CONFIG_OPT_IN, entry);

                *err = cfg_error(c->path, n->items[i], m);
                free(m);
                rc = -1;
            }
            free(entry);
        }
        closedir(d);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int
check_rules(const config *c, const cfg_node *rules, char **err)
{
    size_t i;

    if (rules->kind != CFG_MAP) {
        *err = cfg_error(c->path, rules, "'rules' must map rule ids to error, warning, info or off");
        return -1;
    }
    for (i = 0; i + 1 < rules->n; i += 2) {
        const cfg_node *v = rules->items[i + 1];

        if (v->kind != CFG_SCALAR || (strcmp(v->scalar, "error") && strcmp(v->scalar, "warning") &&
                                      strcmp(v->scalar, "info") && strcmp(v->scalar, "off"))) {
            *err = cfg_error(c->path, v, "expected error, warning, info or off");
            return -1;
        }
    }
    return 0;
}

/* migrations: [{path: DIR, convention: NAME}, ...]; DIR relative to the
 * configuration file, and it must exist. */
static int
read_migrations(config *c, const cfg_node *n, const char *base, char **err)
{
    size_t i;

    if (n->kind != CFG_SEQ) {
        *err = cfg_error(c->path, n, "expected a list of {path, convention}");
        return -1;
    }
    for (i = 0; i < n->n; i++) {
        const cfg_node *e = n->items[i], *p = cfg_get(e, "path"), *cv = cfg_get(e, "convention");
        char real[PATH_MAX], *joined;
        mig_override *o;

        if (e->kind != CFG_MAP || p == NULL || cv == NULL || p->kind != CFG_SCALAR ||
            cv->kind != CFG_SCALAR || e->n != 4) {
            *err = cfg_error(c->path, e, "expected {path: DIR, convention: NAME}");
            return -1;
        }
        if (!mig_convention_known(cv->scalar)) {
            char *names = mig_convention_names();
            char *m = util_xasprintf("unknown convention (%s)", names);

            *err = cfg_error(c->path, cv, m);
            free(m);
            free(names);
            return -1;
        }
        joined = p->scalar[0] == '/' ? util_xstrdup(p->scalar) : util_path_join(base, p->scalar);
        if (confined(c, p, "migrations", joined, err) != 0) {
            free(joined);
            return -1;
        }
        if (realpath(joined, real) == NULL) {
            char *m = util_xasprintf("no such directory: %s", joined);

            *err = cfg_error(c->path, p, m);
            free(m);
            free(joined);
            return -1;
        }
        free(joined);
        o = util_vec_push(&c->migrations);
        o->root = util_xstrdup(real);
        o->convention = util_xstrdup(cv->scalar);
    }
    return 0;
}

/* The user's own configuration: $XDG_CONFIG_HOME/pgrampart/config.yml, or
 * ~/.config/pgrampart/config.yml; NULL when neither variable gives a home. */
static char *
user_config_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    /* The XDG base directory specification ignores relative values. */
    if (xdg && xdg[0] == '/')
        return util_xasprintf("%s/pgrampart/config.yml", xdg);
    if (home && home[0] == '/')
        return util_xasprintf("%s/.config/pgrampart/config.yml", home);
    return NULL;
}

/*
 * Read the user's configuration, outside any checked tree and so trusted:
 * its plugin_dirs and rule_packs are loaded first, and trusted_repositories
 * lists the repositories whose own configuration is trusted.  Returns 0
 * (also without the file), or -1 with *err set.
 */
static int
load_user_config(config *c, util_vec *trusted_repos, char **err)
{
    config u;
    const cfg_node *n;
    char *dir;
    size_t i;
    int rc = 0;

    memset(&u, 0, sizeof u);
    u.path = user_config_path();
    if (u.path == NULL || access(u.path, F_OK) != 0) {
        free(u.path);
        return 0;
    }
    if (cfg_load(u.path, &u.root, err) != 0) {
        free(u.path);
        return -1;
    }
    dir = util_dirname(u.path);
    for (i = 0; rc == 0 && i + 1 < u.root->n; i += 2) {
        const char *key = u.root->items[i]->scalar;

        n = u.root->items[i + 1];
        if (strcmp(key, "plugin_dirs") == 0)
            rc = string_list(&u, n, &c->plugin_dirs, dir, err);
        else if (strcmp(key, "rule_packs") == 0)
            rc = string_list(&u, n, &c->rule_packs, dir, err);
        else if (strcmp(key, "trusted_repositories") == 0)
            rc = string_list(&u, n, trusted_repos, dir, err);
        else {
            *err = cfg_error(u.path, u.root->items[i], "unknown key in the user configuration "
                             "(expected plugin_dirs, rule_packs or trusted_repositories)");
            rc = -1;
        }
    }
    free(dir);
    cfg_free(u.root);
    free(u.path);
    return rc;
}

/* Whether a configuration found in the checked tree is trusted: by the
 * environment, or by the user's list of repositories (resolved paths). */
static bool
repository_trusted(const config *c, const util_vec *trusted_repos)
{
    const char *env = getenv("PGRAMPART_TRUST_REPO_CONFIG");
    size_t i;

    if (env && strcmp(env, "1") == 0)
        return true;
    for (i = 0; i < trusted_repos->len; i++) {
        char real[PATH_MAX];

        if (realpath(*(char **) util_vec_at(trusted_repos, i), real) && strcmp(real, c->repo_dir) == 0)
            return true;
    }
    return false;
}

/* Decide whether c (its file found or named, not yet read) is trusted; an
 * untrusted file that is a link out of its directory is not read at all. */
static int
judge_trust(config *c, bool explicit_path, const util_vec *trusted_repos, char **err)
{
    char *dir = util_dirname(c->path), real[PATH_MAX];

    c->repo_dir = util_xstrdup(realpath(dir, real) ? real : "/nonexistent/");
    free(dir);
    c->trusted = explicit_path || repository_trusted(c, trusted_repos);
    if (!c->trusted && util_path_inside(c->path, c->repo_dir) == 0) {
        *err = util_xasprintf("%s: a link leading outside the repository; not read. To trust it, "
                              CONFIG_OPT_IN, c->path);
        return -1;
    }
    return 0;
}

/* An untrusted configuration may not load code: plugin_dirs is refused. */
static int
refuse_plugins(const config *c, char **err)
{
    const cfg_node *n = cfg_get(c->root, "plugin_dirs");

    if (c->trusted || n == NULL || (n->kind == CFG_SEQ && n->n == 0))
        return 0;
    *err = cfg_error(c->path, n, "plugin_dirs: a repository's configuration may not load "
                     "plugins (code from the checked tree, run by pgrampart); refused. Load them "
                     "with --plugin-dir DIR, or trust this file: " CONFIG_OPT_IN);
    return -1;
}

/* "off", "info", "warning", "error" as a pgr_severity (0-3), or -1. */
static int
cap_parse(const char *name)
{
    static const char *const names[] = { "off", "info", "warning", "error" };
    int i;

    for (i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* The path role a roles: or role_patterns: key names, or -1 with *err set. */
static int
role_key(const config *c, const cfg_node *key, char **err)
{
    int role = key->kind == CFG_SCALAR ? pathrole_parse(key->scalar) : -1;

    if (role < 0)
        *err = cfg_error(c->path, key, "unknown path role (expected production, example, test or docs)");
    return role;
}

/*
 * roles: {test: warning, docs: off} — the severity cap of each path role's
 * findings — when patterns is false; role_patterns: {test: [globs]} —
 * globs added to the default classification — when it is true.
 */
static int
read_role_map(config *c, const cfg_node *n, bool patterns, int *caps, char **err)
{
    size_t i;

    if (n->kind != CFG_MAP) {
        *err = cfg_error(c->path, n, patterns ? "expected a map such as {test: [\"qa/*\"]}"
                                              : "expected a map such as {test: warning, docs: off}");
        return -1;
    }
    for (i = 0; i + 1 < n->n; i += 2) {
        const cfg_node *v = n->items[i + 1];
        int role = role_key(c, n->items[i], err), cap;

        if (role < 0)
            return -1;
        if (patterns) {
            if (string_list(c, v, &c->role_patterns[role], NULL, err) != 0)
                return -1;
            continue;
        }
        cap = v->kind == CFG_SCALAR ? cap_parse(v->scalar) : -1;
        if (cap < 0) {
            *err = cfg_error(c->path, v, "expected off, info, warning or error");
            return -1;
        }
        caps[role] = cap;
    }
    return 0;
}

/* One entry of overrides: {paths: [globs], rules: {...}, roles: {...}}. */
static int
read_override(config *c, const cfg_node *n, char **err)
{
    config_override *o;
    size_t i;

    if (n->kind != CFG_MAP || cfg_get(n, "paths") == NULL) {
        *err = cfg_error(c->path, n, "expected {paths: [globs], rules: {...}, roles: {...}}");
        return -1;
    }
    o = util_vec_push(&c->overrides);
    util_vec_init(&o->paths, sizeof(char *));
    for (i = 0; i < PATH_ROLE_COUNT; i++)
        o->role_caps[i] = -1;
    for (i = 0; i + 1 < n->n; i += 2) {
        const char *key = n->items[i]->scalar;
        const cfg_node *v = n->items[i + 1];
        int rc;

        if (strcmp(key, "paths") == 0)
            rc = string_list(c, v, &o->paths, NULL, err);
        else if (strcmp(key, "rules") == 0)
            rc = check_rules(c, v, err);
        else if (strcmp(key, "roles") == 0)
            rc = read_role_map(c, v, false, o->role_caps, err);
        else {
            *err = cfg_error(c->path, n->items[i], "unknown key in an override (expected paths, rules or roles)");
            rc = -1;
        }
        if (rc != 0)
            return -1;
        if (strcmp(key, "rules") == 0)
            o->rules = v;
    }
    if (o->paths.len == 0) {
        *err = cfg_error(c->path, cfg_get(n, "paths"), "expected at least one path glob");
        return -1;
    }
    return 0;
}

/* overrides: [{paths, rules, roles}, ...] — per-path configuration. */
static int
read_overrides(config *c, const cfg_node *n, char **err)
{
    size_t i;

    if (n->kind != CFG_SEQ) {
        *err = cfg_error(c->path, n, "expected a list such as [{paths: [\"db/legacy/**\"], rules: {...}}]");
        return -1;
    }
    for (i = 0; i < n->n; i++)
        if (read_override(c, n->items[i], err) != 0)
            return -1;
    return 0;
}

/*
 * docs_base_url: the rules' documentation for a team that hosts its own
 * copy of docs/rules.md.  The URL ends up in SARIF's helpUri and, on a
 * terminal, inside an OSC 8 escape, so only an http(s) URL of printable
 * ASCII without spaces, quotes, angle brackets or backslashes (and no
 * fragment: the rule's anchor is appended) is taken.
 */
static int
read_docs_base_url(config *c, const cfg_node *n, char **err)
{
    const unsigned char *p;

    if (n->kind != CFG_SCALAR || (strncmp(n->scalar, "https://", 8) != 0 &&
                                  strncmp(n->scalar, "http://", 7) != 0) ||
        strlen(n->scalar) > 512) {
        *err = cfg_error(c->path, n, "expected an http:// or https:// URL (at most 512 bytes)");
        return -1;
    }
    for (p = (const unsigned char *) n->scalar; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f || strchr("\"'<>\\`#", *p)) {
            *err = cfg_error(c->path, n, "the URL may hold only printable ASCII without spaces, "
                             "quotes, angle brackets, backslashes or '#'");
            return -1;
        }
    }
    c->docs_base_url = util_xstrdup(n->scalar);
    return 0;
}

int
config_load(config *c, const char *path, const char *start, char **err)
{
    const cfg_node *n;
    util_vec trusted_repos;
    char *dir;
    size_t i;
    int rc = 0;

    memset(c, 0, sizeof *c);
    c->postgres_version = 15;
    c->require_reason = true;
    for (i = 0; i < PATH_ROLE_COUNT; i++) {
        c->role_caps[i] = i == PATH_ROLE_PRODUCTION ? 3 : 1;   /* error, info */
        util_vec_init(&c->role_patterns[i], sizeof(char *));
    }
    util_vec_init(&c->migrations, sizeof(mig_override));
    util_vec_init(&c->plugin_dirs, sizeof(char *));
    util_vec_init(&c->rule_packs, sizeof(char *));
    util_vec_init(&c->exclude, sizeof(char *));
    util_vec_init(&c->include, sizeof(char *));
    util_vec_init(&c->overrides, sizeof(config_override));
    util_vec_init(&trusted_repos, sizeof(char *));
    rc = load_user_config(c, &trusted_repos, err);
    c->path = path ? util_xstrdup(path) : find_config(start);
    if (rc == 0 && c->path == NULL)
        c->root = cfg_new_map();
    else if (rc == 0 && judge_trust(c, path != NULL, &trusted_repos, err) != 0)
        rc = -1;
    else if (rc == 0 && cfg_load(c->path, &c->root, err) != 0)
        rc = -1;
    else if (rc == 0)
        rc = refuse_plugins(c, err);
    for (i = 0; i < trusted_repos.len; i++)
        free(*(char **) util_vec_at(&trusted_repos, i));
    util_vec_free(&trusted_repos);
    if (rc != 0 || c->path == NULL)
        return rc;
    dir = util_dirname(c->path);
    if ((n = cfg_get(c->root, "plugin_dirs")) != NULL)
        rc = string_list(c, n, &c->plugin_dirs, dir, err);
    if (rc == 0 && (n = cfg_get(c->root, "rule_packs")) != NULL) {
        size_t before = c->rule_packs.len;

        rc = string_list(c, n, &c->rule_packs, dir, err);
        if (rc == 0)
            rc = confine_rule_packs(c, before, n, err);
    }
    if (rc == 0 && (n = cfg_get(c->root, "exclude")) != NULL)
        rc = string_list(c, n, &c->exclude, NULL, err);
    if (rc == 0 && (n = cfg_get(c->root, "include")) != NULL)
        rc = string_list(c, n, &c->include, NULL, err);
    if (rc == 0 && (n = cfg_get(c->root, "rules")) != NULL)
        rc = check_rules(c, n, err);
    if (rc == 0 && (n = cfg_get(c->root, "roles")) != NULL)
        rc = read_role_map(c, n, false, c->role_caps, err);
    if (rc == 0 && (n = cfg_get(c->root, "role_patterns")) != NULL)
        rc = read_role_map(c, n, true, NULL, err);
    if (rc == 0 && (n = cfg_get(c->root, "overrides")) != NULL)
        rc = read_overrides(c, n, err);
    if (rc == 0 && (n = cfg_get(c->root, "migrations")) != NULL)
        rc = read_migrations(c, n, dir, err);
    if (rc == 0 && (n = cfg_get(c->root, "suppressions")) != NULL) {
        const cfg_node *rr = cfg_get(n, "require_reason");

        if (n->kind != CFG_MAP || n->n != 2 || rr == NULL) {
            *err = cfg_error(c->path, n, "expected {require_reason: true|false}");
            rc = -1;
        } else if (rr->kind != CFG_SCALAR || (strcmp(rr->scalar, "true") && strcmp(rr->scalar, "false"))) {
            *err = cfg_error(c->path, rr, "expected true or false");
            rc = -1;
        } else {
            c->require_reason = strcmp(rr->scalar, "true") == 0;
        }
    }
    if (rc == 0 && (n = cfg_get(c->root, "docs_base_url")) != NULL)
        rc = read_docs_base_url(c, n, err);
    if (rc == 0 && (n = cfg_get(c->root, "postgres_version")) != NULL) {
        char *end = NULL;
        long v = n->kind == CFG_SCALAR ? strtol(n->scalar, &end, 10) : 0;

        /* 9.6 is written 9; every supported release since 10 is one number. */
        if (end == NULL || *end != '\0' || v < 9 || v > 99) {
            *err = cfg_error(c->path, n, "expected a PostgreSQL major version such as 14 or 16");
            rc = -1;
        } else {
            c->postgres_version = (int) v;
        }
    }
    free(dir);
    return rc;
}

void
config_free(config *c)
{
    size_t i;

    free(c->docs_base_url);
    for (i = 0; i < c->plugin_dirs.len; i++)
        free(*(char **) util_vec_at(&c->plugin_dirs, i));
    for (i = 0; i < c->rule_packs.len; i++)
        free(*(char **) util_vec_at(&c->rule_packs, i));
    for (i = 0; i < c->exclude.len; i++)
        free(*(char **) util_vec_at(&c->exclude, i));
    for (i = 0; i < c->migrations.len; i++) {
        mig_override *o = util_vec_at(&c->migrations, i);

        free(o->root);
        free(o->convention);
    }
    util_vec_free(&c->migrations);
    for (i = 0; i < PATH_ROLE_COUNT; i++) {
        size_t k;

        for (k = 0; k < c->role_patterns[i].len; k++)
            free(*(char **) util_vec_at(&c->role_patterns[i], k));
        util_vec_free(&c->role_patterns[i]);
    }
    for (i = 0; i < c->overrides.len; i++) {
        config_override *o = util_vec_at(&c->overrides, i);
        size_t k;

        for (k = 0; k < o->paths.len; k++)
            free(*(char **) util_vec_at(&o->paths, k));
        util_vec_free(&o->paths);
    }
    util_vec_free(&c->overrides);
    for (i = 0; i < c->include.len; i++)
        free(*(char **) util_vec_at(&c->include, i));
    util_vec_free(&c->include);
    util_vec_free(&c->plugin_dirs);
    util_vec_free(&c->rule_packs);
    util_vec_free(&c->exclude);
    cfg_free(c->root);
    free(c->path);
    free(c->repo_dir);
}

int
config_excluded(const config *c, const char *path)
{
    size_t i;

    for (i = 0; i < c->exclude.len; i++) {
        const char *pat = *(char **) util_vec_at(&c->exclude, i);

        if (fnmatch(pat, path, 0) == 0 || fnmatch(pat, util_basename(path), 0) == 0)
            return 1;
    }
    return 0;
}

int
config_included(const config *c, const char *path)
{
    size_t i;

    if (c->include.len == 0)
        return 1;
    for (i = 0; i < c->include.len; i++) {
        const char *pat = *(char **) util_vec_at(&c->include, i);

        if (fnmatch(pat, path, 0) == 0 || fnmatch(pat, util_basename(path), 0) == 0)
            return 1;
    }
    return 0;
}

/*
 * path relative to the configuration's directory ("db/legacy/a.sql"), by
 * its directory's resolved form; NULL when it does not resolve inside it
 * (or there is no file).  Caller frees.
 */
static char *
repo_relative(const config *c, const char *path)
{
    char real[PATH_MAX], *dir, *rel = NULL;
    size_t rl = c->repo_dir ? strlen(c->repo_dir) : 0;

    if (c->repo_dir == NULL)
        return NULL;
    dir = util_dirname(path);
    if (realpath(dir, real) != NULL && strncmp(real, c->repo_dir, rl) == 0) {
        if (real[rl] == '\0')
            rel = util_xstrdup(util_basename(path));
        else if (real[rl] == '/')
            rel = util_xasprintf("%s/%s", real + rl + 1, util_basename(path));
    }
    free(dir);
    return rel;
}

/* Whether one of o's globs matches the display path or rel (may be NULL). */
static bool
override_matches(const config_override *o, const char *path, const char *rel)
{
    size_t i;

    while (path[0] == '.' && path[1] == '/')
        path += 2;
    for (i = 0; i < o->paths.len; i++) {
        const char *glob = *(char **) util_vec_at(&o->paths, i);

        if (fnmatch(glob, path, 0) == 0 || (rel && fnmatch(glob, rel, 0) == 0))
            return true;
    }
    return false;
}

int
config_rule_severity(const config *c, const char *path, const char *rule_id, int sev)
{
    char *rel;
    size_t i, k;

    if (path == NULL || c->overrides.len == 0)
        return sev;
    rel = repo_relative(c, path);
    for (i = 0; i < c->overrides.len; i++) {
        const config_override *o = util_vec_at(&c->overrides, i);

        if (o->rules == NULL || !override_matches(o, path, rel))
            continue;
        /* Keys are rule ids or globs, as host_rule_selected matches them. */
        for (k = 0; k + 1 < o->rules->n; k += 2)
            if (fnmatch(o->rules->items[k]->scalar, rule_id, 0) == 0)
                sev = cap_parse(o->rules->items[k + 1]->scalar);
    }
    free(rel);
    return sev;
}

int
config_role_cap(const config *c, const char *path, path_role role)
{
    int cap = c->role_caps[role];
    char *rel;
    size_t i;

    if (path == NULL || c->overrides.len == 0)
        return cap;
    rel = repo_relative(c, path);
    for (i = 0; i < c->overrides.len; i++) {
        const config_override *o = util_vec_at(&c->overrides, i);

        if (o->role_caps[role] >= 0 && override_matches(o, path, rel))
            cap = o->role_caps[role];
    }
    free(rel);
    return cap;
}
