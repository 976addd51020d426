/*
 * pgconf.c — see pgconf.h.  The formats are tiny and have no library:
 * postgresql.conf is "name [=] value # comment" with '...' quoting;
 * pg_hba.conf is whitespace-separated fields with "..." quoting; pgbouncer.ini
 * is an INI file whose [pgbouncer] section pgrampart reads.
 */
#include "frontends/pgconf.h"

#include "frontends/frontend.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Limits on what includes may pull in: nesting, files and bytes in all. */
#define PGCONF_MAX_DEPTH 10
#define PGCONF_MAX_FILES 1000
#define PGCONF_MAX_BYTES (64u << 20)
#define PGCONF_MAX_FILE_BYTES (16u << 20)

int
pgconf_kind_of(const char *path)
{
    const char *b = util_basename(path);
    size_t n = strlen(b);

    if (strcmp(b, "pgbouncer.ini") == 0)
        return PGCONF_PGBOUNCER;
    if (n > 5 && strcmp(b + n - 5, ".conf") == 0) {
        if (strstr(b, "hba"))
            return PGCONF_HBA;
        if (strncmp(b, "postgresql", 10) == 0)
            return PGCONF_POSTGRESQL;
    }
    return 0;
}

static void
add_error(util_vec *errors, const char *path, uint32_t line, uint32_t col, const char *msg)
{
    pgconf_error *e = util_vec_push(errors);

    e->path = util_xstrdup(path);
    e->line = line;
    e->column = col;
    e->message = util_xstrdup(msg);
}

void
pgconf_errors_free(util_vec *errors)
{
    size_t i;

    for (i = 0; i < errors->len; i++) {
        pgconf_error *e = util_vec_at(errors, i);

        free(e->path);
        free(e->message);
    }
    util_vec_free(errors);
}

void
pgconf_put_setting(model *m, const char *path, uint32_t line, uint32_t col, const char *name,
                   const char *value)
{
    pgr_setting *st;

    model_put_setting(m, name, value);
    st = util_vec_at(&m->settings, m->settings.len - 1);
    free((char *) st->location.object);
    st->location.object = NULL;
    st->location.path = util_xstrdup(path);
    st->location.line = st->location.end_line = line;
    st->location.column = col;
    st->location.end_column = col + (uint32_t) (value ? strlen(value) : 0);
}

/*
 * What one postgresql.conf may pull in through include, include_if_exists
 * and include_dir.  Depth alone does not bound the work: a file including
 * itself four times, or each file including the next twice, grows
 * exponentially within the depth limit.  So a file already on the chain
 * being read is a cycle (not read again), and the files and bytes included
 * in all are capped.
 */
typedef struct include_walk {
    const char *root;        /* resolved checked root: includes stay inside;
                              * NULL: includes are not followed (embedded text) */
    util_vec chain;          /* of char *: resolved paths being read, outermost first */
    size_t files;            /* files included so far */
    size_t bytes;            /* bytes included so far */
    bool capped;             /* the cap has been reported */
    bool too_deep;           /* the depth limit has been reported */
} include_walk;

static void parse_postgresql(model *m, include_walk *iw, const char *path, const char *text,
                             size_t len, util_vec *errors, int depth);

/* An error at path:line of another rule than conf/syntax-error. */
static void
add_rule_error(util_vec *errors, const char *rule, const char *path, uint32_t line,
               const char *msg)
{
    add_error(errors, path, line, 1, msg);
    ((pgconf_error *) util_vec_at(errors, errors->len - 1))->rule = rule;
}

static bool
on_chain(const include_walk *iw, const char *real)
{
    size_t i;

    for (i = 0; i < iw->chain.len; i++)
        if (strcmp(*(char **) util_vec_at(&iw->chain, i), real) == 0)
            return true;
    return false;
}

/* Whether the caps leave room for one more file; reports the first refusal
 * at the include line. */
static bool
under_caps(include_walk *iw, const char *path, uint32_t line, size_t more_bytes, util_vec *errors)
{
    if (iw->files < PGCONF_MAX_FILES && iw->bytes + more_bytes <= PGCONF_MAX_BYTES)
        return true;
    if (!iw->capped) {
        char *msg = util_xasprintf("includes stop here: more than %d files or %u MiB included in "
                                   "all (an include bomb?)", PGCONF_MAX_FILES, PGCONF_MAX_BYTES >> 20);

        add_error(errors, path, line, 1, msg);
        free(msg);
        iw->capped = true;
    }
    return false;
}

/* Read target (a file include of path at line) into m, unless it leaves the
 * root, is already being read, or the caps are reached. */
static void
include_file(model *m, include_walk *iw, const char *path, const char *target, bool must_exist,
             util_vec *errors, uint32_t line, int depth)
{
    char real[PATH_MAX], *data, *msg;
    size_t len;
    const char *err;

    /* Past the cap nothing more is read: each refusal would cost a read. */
    if (iw->capped)
        return;
    if (realpath(target, real) == NULL) {
        if (must_exist) {
            msg = util_xasprintf("cannot read included file %s: %s", target, strerror(errno));
            add_error(errors, path, line, 1, msg);
            free(msg);
        }
        return;
    }
    if (util_path_inside(real, iw->root) != 1) {
        msg = util_xasprintf("include of %s leads outside the checked directory; not followed", target);
        add_rule_error(errors, "core/outside-root", path, line, msg);
        free(msg);
        return;
    }
    if (on_chain(iw, real)) {
        msg = util_xasprintf("include cycle: %s is already being read; not read again", target);
        add_error(errors, path, line, 1, msg);
        free(msg);
        return;
    }
    if (!under_caps(iw, path, line, 0, errors))
        return;
    if (util_read_file(real, PGCONF_MAX_FILE_BYTES, &data, &len, &err) != 0) {
        msg = util_xasprintf("cannot read included file %s: %s", target, err);
        add_error(errors, path, line, 1, msg);
        free(msg);
        return;
    }
    if (under_caps(iw, path, line, len, errors)) {
        iw->files++;
        iw->bytes += len;
        *(char **) util_vec_push(&iw->chain) = util_xstrdup(real);
        parse_postgresql(m, iw, target, data, len, errors, depth + 1);
        free(*(char **) util_vec_at(&iw->chain, --iw->chain.len));
    }
    free(data);
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* include_dir 'dir': its *.conf files not starting with '.', in name order
 * (as the server reads them). */
static void
include_dir(model *m, include_walk *iw, const char *path, const char *dir, util_vec *errors,
            uint32_t line, int depth)
{
    DIR *d;
    struct dirent *de;
    util_vec names;
    size_t i;

    if (util_path_inside(dir, iw->root) == 0) {
        char *msg = util_xasprintf("include_dir %s leads outside the checked directory; not followed", dir);

        add_rule_error(errors, "core/outside-root", path, line, msg);
        free(msg);
        return;
    }
    if ((d = opendir(dir)) == NULL) {
        char *msg = util_xasprintf("cannot open included directory %s: %s", dir, strerror(errno));

        add_error(errors, path, line, 1, msg);
        free(msg);
        return;
    }
    util_vec_init(&names, sizeof(char *));
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.' && util_ends_with(de->d_name, ".conf"))
            *(char **) util_vec_push(&names) = util_path_join(dir, de->d_name);
    closedir(d);
    if (names.len > 0)
        qsort(names.items, names.len, sizeof(char *), name_cmp);
    for (i = 0; i < names.len; i++) {
        char *target = *(char **) util_vec_at(&names, i);

        include_file(m, iw, path, target, true, errors, line, depth);
        free(target);
    }
    util_vec_free(&names);
}

/* include, include_if_exists, include_dir: parsed into the same model,
 * relative to the includer. */
static void
follow_include(model *m, include_walk *iw, const char *path, const char *directive,
               const char *file, util_vec *errors, uint32_t line, int depth)
{
    char *dir, *target;

    /* Text embedded in another file (a ConfigMap's postgresql.conf) names
     * files inside the container it is mounted in, not beside this file. */
    if (iw->root == NULL)
        return;
    /* Reported once: a fan-out would repeat it at every leaf. */
    if (depth >= PGCONF_MAX_DEPTH) {
        if (!iw->too_deep)
            add_error(errors, path, line, 1, "include nesting too deep (a loop?)");
        iw->too_deep = true;
        return;
    }
    dir = util_dirname(path);
    target = file[0] == '/' ? util_xstrdup(file) : util_path_join(dir, file);
    if (strcmp(directive, "include_dir") == 0)
        include_dir(m, iw, path, target, errors, line, depth);
    else
        include_file(m, iw, path, target, strcmp(directive, "include") == 0, errors, line, depth);
    free(target);
    free(dir);
}

/* One "name = value" line of postgresql.conf.  Returns false when malformed. */
static bool
parse_setting_line(const char *s, size_t n, char **name, char **value, size_t *value_col)
{
    size_t i = 0, k;

    while (i < n && isspace((unsigned char) s[i]))
        i++;
    k = i;
    while (i < n && (isalnum((unsigned char) s[i]) || s[i] == '_' || s[i] == '.'))
        i++;
    if (i == k)
        return false;
    *name = util_xstrndup(s + k, i - k);
    while (i < n && isspace((unsigned char) s[i]))
        i++;
    if (i < n && s[i] == '=')
        i++;
    while (i < n && isspace((unsigned char) s[i]))
        i++;
    *value_col = i;
    if (i < n && s[i] == '\'') {
        util_buf b;

        util_buf_init(&b);
        for (i++; i < n && s[i] != '\''; i++) {
            if (s[i] == '\\' && i + 1 < n)
                i++;
            util_buf_append(&b, &s[i], 1);
        }
        (*value_col)++;
        *value = b.data;
        if (i >= n)
            return false;
        i++;
    } else {
        k = i;
        while (i < n && !isspace((unsigned char) s[i]) && s[i] != '#')
            i++;
        *value = util_xstrndup(s + k, i - k);
    }
    /* Only white space or a comment may follow the value. */
    while (i < n && isspace((unsigned char) s[i]))
        i++;
    return i >= n || s[i] == '#';
}

static void
parse_postgresql(model *m, include_walk *iw, const char *path, const char *text, size_t len,
                 util_vec *errors, int depth)
{
    size_t i = 0;
    uint32_t line = 0;

    while (i < len) {
        size_t eol = i, n, t;
        char *name = NULL, *value = NULL;
        size_t vcol;

        while (eol < len && text[eol] != '\n')
            eol++;
        line++;
        /* Drop the comment, unless it is inside a quoted value. */
        n = eol - i;
        t = i;
        while (t < eol && isspace((unsigned char) text[t]))
            t++;
        if (t < eol && text[t] != '#') {
            if (!parse_setting_line(text + i, n, &name, &value, &vcol)) {
                add_error(errors, path, line, (uint32_t) (t - i + 1),
                          "expected: name = value");
            } else if (strcmp(name, "include") == 0 || strcmp(name, "include_if_exists") == 0 ||
                       strcmp(name, "include_dir") == 0) {
                follow_include(m, iw, path, name, value, errors, line, depth);
            } else {
                pgconf_put_setting(m, path, line, (uint32_t) vcol + 1, name, value);
            }
        }
        free(name);
        free(value);
        i = eol + 1;
    }
}

/* Split a pg_hba.conf line into fields ("..." quoting, # comments). */
static size_t
hba_fields(const char *s, size_t n, char **fields, size_t *cols, size_t max)
{
    size_t i = 0, k = 0;

    while (i < n && k < max) {
        util_buf b;

        while (i < n && isspace((unsigned char) s[i]))
            i++;
        if (i >= n || s[i] == '#')
            break;
        cols[k] = i;
        util_buf_init(&b);
        while (i < n && !isspace((unsigned char) s[i]) && s[i] != '#') {
            if (s[i] == '"') {
                for (i++; i < n && s[i] != '"'; i++)
                    util_buf_append(&b, &s[i], 1);
                if (i < n)
                    i++;
            } else {
                util_buf_append(&b, &s[i++], 1);
            }
        }
        fields[k++] = b.data;
    }
    return k;
}

/* "10.0.0.0/8" into address and a mask: only /0 matters to the rules, as
 * "0.0.0.0" or "::", like pg_hba_file_rules shows it. */
static void
split_cidr(const char *field, char **address, char **netmask)
{
    const char *slash = strchr(field, '/');

    *netmask = NULL;
    if (slash == NULL) {
        *address = util_xstrdup(field);
        return;
    }
    *address = util_xstrndup(field, (size_t) (slash - field));
    if (strcmp(slash + 1, "0") == 0) {
        *netmask = util_xstrdup(strchr(*address, ':') ? "::" : "0.0.0.0");
    } else if (strchr(*address, ':')) {
        *netmask = util_xstrdup(slash + 1);     /* IPv6: the prefix length */
    } else {
        int bits = atoi(slash + 1);
        uint32_t mask = bits <= 0 ? 0 : bits >= 32 ? 0xffffffffu : ~(0xffffffffu >> bits);

        *netmask = util_xasprintf("%u.%u.%u.%u", mask >> 24, (mask >> 16) & 255, (mask >> 8) & 255,
                                  mask & 255);
    }
}

static void
parse_hba(model *m, const char *path, const char *text, size_t len, util_vec *errors)
{
    size_t i = 0, k;
    uint32_t line = 0;

    while (i < len) {
        size_t eol = i, cols[16], nf, method;
        char *f[16];

        while (eol < len && text[eol] != '\n')
            eol++;
        line++;
        nf = hba_fields(text + i, eol - i, f, cols, 16);
        if (nf > 0) {
            bool local = strcmp(f[0], "local") == 0;
            bool host = strncmp(f[0], "host", 4) == 0;

            method = local ? 3 : 4;
            if (host && nf > 4 && strchr(f[3], '/') == NULL && strcmp(f[3], "all") &&
                strcmp(f[3], "samehost") && strcmp(f[3], "samenet") && isdigit((unsigned char) f[4][0]))
                method = 5;   /* address and a separate netmask */
            if ((!local && !host) || nf <= method) {
                add_error(errors, path, line, (uint32_t) cols[0] + 1,
                          "expected: TYPE DATABASE USER [ADDRESS] METHOD");
            } else {
                pgr_hba_rule h;
                char *address = NULL, *netmask = NULL;

                memset(&h, 0, sizeof h);
                h.line_number = line;
                h.type = f[0];
                h.database = f[1];
                h.user_name = f[2];
                if (host) {
                    split_cidr(f[3], &address, &netmask);
                    if (method == 5) {
                        free(netmask);
                        netmask = util_xstrdup(f[4]);
                    }
                }
                h.address = address;
                h.netmask = netmask;
                h.auth_method = f[method];
                h.location.path = path;
                h.location.line = h.location.end_line = line;
                /* The first field: embedded pg_hba text (a YAML block)
                 * is indented. */
                h.location.column = (uint32_t) cols[0] + 1;
                h.location.end_column = (uint32_t) (eol - i);
                model_put_hba(m, &h);
                free(address);
                free(netmask);
            }
        }
        for (k = 0; k < nf; k++)
            free(f[k]);
        i = eol + 1;
    }
    m->hba_available = 1;
}

static void
parse_pgbouncer(model *m, const char *path, const char *text, size_t len, util_vec *errors)
{
    size_t i = 0;
    uint32_t line = 0;
    bool in_section = false;

    while (i < len) {
        size_t eol = i, t;
        char *name = NULL, *value = NULL;
        size_t vcol;

        while (eol < len && text[eol] != '\n')
            eol++;
        line++;
        t = i;
        while (t < eol && isspace((unsigned char) text[t]))
            t++;
        if (t < eol && text[t] == '[') {
            in_section = eol - t >= 11 && strncmp(text + t, "[pgbouncer]", 11) == 0;
        } else if (in_section && t < eol && text[t] != ';' && text[t] != '#') {
            if (parse_setting_line(text + i, eol - i, &name, &value, &vcol)) {
                char *full = util_xasprintf("pgbouncer.%s", name);

                pgconf_put_setting(m, path, line, (uint32_t) vcol + 1, full, value);
                free(full);
            } else {
                add_error(errors, path, line, (uint32_t) (t - i + 1), "expected: name = value");
            }
        }
        free(name);
        free(value);
        i = eol + 1;
    }
}

void
pgconf_parse(model *m, int kind, const char *path, const char *text, size_t len, util_vec *errors)
{
    char *dir = util_dirname(path), root[PATH_MAX];

    /* Without a root given, includes stay within the file's own directory. */
    pgconf_parse_within(m, kind, path, realpath(dir, root) ? root : "/nonexistent/", text, len,
                        errors);
    free(dir);
}

void
pgconf_parse_within(model *m, int kind, const char *path, const char *root, const char *text,
                    size_t len, util_vec *errors)
{
    include_walk iw;
    char real[PATH_MAX];
    size_t i;

    if (kind == PGCONF_HBA) {
        parse_hba(m, path, text, len, errors);
        return;
    }
    if (kind == PGCONF_PGBOUNCER) {
        parse_pgbouncer(m, path, text, len, errors);
        return;
    }
    if (kind != PGCONF_POSTGRESQL)
        return;
    memset(&iw, 0, sizeof iw);
    iw.root = root;
    util_vec_init(&iw.chain, sizeof(char *));
    /* The file itself is the start of every chain: including it is a cycle. */
    if (realpath(path, real) != NULL)
        *(char **) util_vec_push(&iw.chain) = util_xstrdup(real);
    parse_postgresql(m, &iw, path, text, len, errors, 0);
    for (i = 0; i < iw.chain.len; i++)
        free(*(char **) util_vec_at(&iw.chain, i));
    util_vec_free(&iw.chain);
}

void
pgconf_parse_embedded(model *m, int kind, const char *path, const char *text, size_t len,
                      util_vec *errors)
{
    include_walk iw;

    if (kind == PGCONF_HBA) {
        parse_hba(m, path, text, len, errors);
    } else if (kind == PGCONF_PGBOUNCER) {
        parse_pgbouncer(m, path, text, len, errors);
    } else if (kind == PGCONF_POSTGRESQL) {
        memset(&iw, 0, sizeof iw);
        util_vec_init(&iw.chain, sizeof(char *));
        parse_postgresql(m, &iw, path, text, len, errors, 0);
        util_vec_free(&iw.chain);
    }
}

/* The server configuration front-end: postgresql.conf, pg_hba.conf and
 * pgbouncer.ini, each a model of its own.  Includes stay inside the checked
 * root when the file was found under one. */
static bool
pgconf_match(const char *path)
{
    return pgconf_kind_of(path) != 0;
}

static void
pgconf_parse_model(const frontend_input *in, model *m, util_vec *errors)
{
    /* Server configuration written in another file (a Markdown block) is
     * of the kind its dialect names. */
    int kind = pgconf_kind_of(in->dialect ? in->dialect : in->path);

    /* A file of its own is the whole configuration of its kind; a block
     * of another file (in->dialect) and postgresql.auto.conf, which holds
     * only what ALTER SYSTEM wrote, are not. */
    if (in->dialect == NULL && kind == PGCONF_PGBOUNCER)
        m->settings_scope = PGR_SETTINGS_PGBOUNCER;
    else if (in->dialect == NULL && kind == PGCONF_POSTGRESQL &&
             strcmp(util_basename(in->path), "postgresql.auto.conf") != 0)
        m->settings_scope = PGR_SETTINGS_SERVER;
    if (in->root)
        pgconf_parse_within(m, kind, in->path, in->root, in->text, in->len, errors);
    else
        pgconf_parse(m, kind, in->path, in->text, in->len, errors);
}

const frontend pgconf_frontend = {
    .name = "pgconf",
    .match = pgconf_match,
    .output = FRONTEND_MODEL,
    .parse_model = pgconf_parse_model,
    .comment = "#",
    .syntax_rule = {
        .id = "conf/syntax-error",
        .default_severity = PGR_SEVERITY_ERROR,
        .summary = "A line of postgresql.conf, pg_hba.conf or pgbouncer.ini cannot be read.",
        .hint = "Fix the line: the server would refuse to start or reload with it.",
        .source = "PostgreSQL docs 20.1 Setting Parameters; 21.1 The pg_hba.conf File",
        .why = "A malformed line makes the server refuse to start or to reload, or silently ignore the setting.",
        .bad = "ssl off please",
        .good = "ssl = on",
    },
};
