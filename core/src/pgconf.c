/*
 * pgconf.c — see pgconf.h.  The formats are tiny and have no library:
 * postgresql.conf is "name [=] value # comment" with '...' quoting;
 * pg_hba.conf is whitespace-separated fields with "..." quoting; pgbouncer.ini
 * is an INI file whose [pgbouncer] section pgrampart reads.
 */
#include "pgconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PGCONF_MAX_DEPTH 10

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

/* Put a setting located at path:line:col. */
static void
put_setting(model *m, const char *path, uint32_t line, uint32_t col, const char *name,
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

static void parse_postgresql(model *m, const char *path, const char *text, size_t len,
                             util_vec *errors, int depth);

/* include 'file': parsed into the same model, relative to the includer. */
static void
follow_include(model *m, const char *path, const char *file, bool must_exist, util_vec *errors,
               uint32_t line, int depth)
{
    char *dir, *target, *data;
    size_t len;
    const char *err;

    if (depth >= PGCONF_MAX_DEPTH) {
        add_error(errors, path, line, 1, "include nesting too deep (a loop?)");
        return;
    }
    dir = util_dirname(path);
    target = file[0] == '/' ? util_xstrdup(file) : util_path_join(dir, file);
    if (util_read_file(target, 16u << 20, &data, &len, &err) == 0) {
        parse_postgresql(m, target, data, len, errors, depth + 1);
        free(data);
    } else if (must_exist) {
        char *msg = util_xasprintf("cannot read included file %s: %s", target, err);

        add_error(errors, path, line, 1, msg);
        free(msg);
    }
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
parse_postgresql(model *m, const char *path, const char *text, size_t len, util_vec *errors,
                 int depth)
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
            } else if (strcmp(name, "include") == 0 || strcmp(name, "include_if_exists") == 0) {
                follow_include(m, path, value, strcmp(name, "include") == 0, errors, line, depth);
            } else if (strcmp(name, "include_dir") != 0) {
                put_setting(m, path, line, (uint32_t) vcol + 1, name, value);
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
                h.location.column = 1;
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

                put_setting(m, path, line, (uint32_t) vcol + 1, full, value);
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
    if (kind == PGCONF_POSTGRESQL)
        parse_postgresql(m, path, text, len, errors, 0);
    else if (kind == PGCONF_HBA)
        parse_hba(m, path, text, len, errors);
    else if (kind == PGCONF_PGBOUNCER)
        parse_pgbouncer(m, path, text, len, errors);
}
