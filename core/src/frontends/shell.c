/*
 * shell.c — see shell.h.
 */
#include "frontends/shell.h"

#include "frontends/frontend.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "frontends/syntree.h"

/* Deeper subtrees (nested substitutions, long && chains) are not walked:
 * the walk recurses.  Said once. */
#define SHELL_MAX_DEPTH 4000

typedef struct shctx {
    syntree t;
    values_file *vf;
    char *sql;          /* the overlay, or NULL until the first SQL piece */
    bool too_deep;      /* the depth limit was reported */
} shctx;

static const char *const client_programs[] = {
    "psql", "pg_dump", "pg_dumpall", "pg_restore", "pg_basebackup", "createdb", "dropdb",
    "createuser", "dropuser", "vacuumdb", "reindexdb", "clusterdb", "pg_isready", "pgbench",
    "pg_receivewal", NULL
};

static bool
is_client(const char *name)
{
    const char *base = strrchr(name, '/');
    size_t i;

    base = base ? base + 1 : name;
    for (i = 0; client_programs[i]; i++)
        if (strcmp(base, client_programs[i]) == 0)
            return true;
    return false;
}

/* The byte span of a word's value: inside its quotes for strings. */
static void
value_span(TSNode n, size_t *off, size_t *len)
{
    size_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);

    if ((syntree_is(n, "string") || syntree_is(n, "raw_string")) && e - s >= 2) {
        s++;
        e--;
    } else if (syntree_is(n, "ansi_c_string") && e - s >= 3) {
        s += 2;
        e--;
    }
    *off = s;
    *len = e - s;
}

/* The value a word stands for, as far as it is literal: quotes removed,
 * expansions kept as written (so "$DATABASE_URL" reads as a reference). */
static char *
cook(shctx *c, TSNode n)
{
    if (syntree_is(n, "concatenation")) {
        util_buf b;
        uint32_t i;

        util_buf_init(&b);
        for (i = 0; i < ts_node_child_count(n); i++) {
            char *part = cook(c, ts_node_child(n, i));

            util_buf_puts(&b, part);
            free(part);
        }
        return b.data ? b.data : util_xstrdup("");
    }
    {
        size_t off, len;

        value_span(n, &off, &len);
        return util_xstrndup(c->t.text + off, len);
    }
}

static unsigned
quote_flags(TSNode n)
{
    if (syntree_is(n, "raw_string"))
        return PGR_VALUE_SINGLE_QUOTED;
    if (syntree_is(n, "string"))
        return PGR_VALUE_DOUBLE_QUOTED;
    return 0;
}

/* Add a setting: key (copied) at key_node (or none), value (taken over)
 * written at text[off, off+len). */
static void
emit_at(shctx *c, const char *key, const char *key_path, TSNode key_node, char *value,
        size_t off, size_t len, unsigned flags)
{
    values_entry e;

    memset(&e, 0, sizeof e);
    e.key = util_xstrdup(key);
    e.key_path = key_path ? util_xstrdup(key_path) : NULL;
    e.value = value;
    e.flags = flags;
    if (!ts_node_is_null(key_node)) {
        e.key_offset = ts_node_start_byte(key_node);
        e.key_len = ts_node_end_byte(key_node) - e.key_offset;
    }
    e.value_offset = off;
    e.value_len = len;
    values_add(c->vf, &e);
}

/* Add a setting whose value is the word value_node. */
static void
emit(shctx *c, const char *key, const char *key_path, TSNode key_node, TSNode value_node,
     unsigned flags)
{
    size_t off, len;

    value_span(value_node, &off, &len);
    emit_at(c, key, key_path, key_node, cook(c, value_node), off, len,
            flags | quote_flags(value_node));
}

/* ${VAR:-default}, ${VAR-default}, ${VAR:=default}: the default, or a null node. */
static TSNode
fallback_of(TSNode expansion, TSNode *var)
{
    uint32_t i, n = ts_node_child_count(expansion);
    TSNode none = { { 0 }, NULL, NULL };

    *var = none;
    if (!syntree_is(expansion, "expansion"))
        return none;
    for (i = 0; i < n; i++) {
        TSNode k = ts_node_child(expansion, i);
        const char *type = ts_node_type(k);

        if (syntree_is(k, "variable_name"))
            *var = k;
        else if ((strcmp(type, ":-") == 0 || strcmp(type, "-") == 0 || strcmp(type, ":=") == 0 ||
                  strcmp(type, "=") == 0) && i + 1 < n && ts_node_is_named(ts_node_child(expansion, i + 1)))
            return ts_node_child(expansion, i + 1);
    }
    return none;
}

static void
on_assignment(shctx *c, TSNode n, unsigned flags)
{
    TSNode name = syntree_field(n, "name"), value = syntree_field(n, "value"), var, dflt;
    char *key;

    if (ts_node_is_null(name) || ts_node_is_null(value) || syntree_is_error(value))
        return;
    key = syntree_text(&c->t, name);
    dflt = fallback_of(value, &var);
    if (!ts_node_is_null(dflt))
        emit(c, key, NULL, name, dflt, flags | PGR_VALUE_FALLBACK);
    else
        emit(c, key, NULL, name, value, flags);
    free(key);
}

/* --- SQL overlay --------------------------------------------------------- */

/* Replace shell expansions in overlay[from, to) by '_' runs. */
static void
blank_expansions(char *s, size_t from, size_t to)
{
    size_t i = from;

    while (i + 1 < to) {
        size_t j = i + 1;

        if (s[i] == '\\' && (s[j] == '$' || s[j] == '`' || s[j] == '\\')) {
            i += 2;     /* escaped: a literal the shell passes on */
            continue;
        }
        if (s[i] != '$') {
            i++;
            continue;
        }
        if (s[j] == '{' || s[j] == '(') {
            char open = s[j], close = open == '{' ? '}' : ')';
            int depth = 0;

            for (; j < to; j++) {
                depth += s[j] == open ? 1 : s[j] == close ? -1 : 0;
                if (depth == 0)
                    break;
            }
            j = j < to ? j + 1 : to;
        } else if (isalpha((unsigned char) s[j]) || s[j] == '_') {
            while (j < to && (isalnum((unsigned char) s[j]) || s[j] == '_'))
                j++;
        } else {
            i++;
            continue;
        }
        memset(s + i, '_', j - i);
        i = j;
    }
}

/*
 * In a double-quoted word (not a here-document: there \" stays) the shell
 * removes the backslash of \" \$ \` \\ and of a line break:
 * psql -c "CREATE DATABASE \"$db\"" runs CREATE DATABASE "...".  Blank
 * those backslashes (offsets kept), or the SQL parser reads a backslash and
 * an unterminated identifier.  An escaped quote that closes an identifier
 * moves before its backslash, so that "app" is not "app ".
 */
static void
blank_quote_escapes(char *s, size_t from, size_t to)
{
    bool closing = false;
    size_t i;

    for (i = from; i + 1 < to; i++) {
        if (s[i] != '\\' || s[i + 1] == '\0' || strchr("\"$`\\\n", s[i + 1]) == NULL)
            continue;
        if (s[i + 1] == '"' && closing) {
            s[i] = '"';
            s[i + 1] = ' ';
        } else {
            s[i] = ' ';
        }
        if (s[i] == '"' || s[i + 1] == '"')
            closing = !closing;
        i++;
    }
}

/*
 * In an unquoted here-document the shell removes the backslash of \$, \`
 * and \\ (bash manual, Here Documents): <<EOF ... AS \$\$ SELECT 1 \$\$
 * hands psql AS $$ SELECT 1 $$.  Each such backslash is removed from its
 * line and the line padded with a blank at its end, so that line numbers
 * stay exact and columns after an escape move by one per backslash.
 */
static void
unescape_heredoc(char *s, size_t from, size_t to)
{
    size_t ls = from;

    while (ls < to) {
        size_t le = ls, r, w;

        while (le < to && s[le] != '\n')
            le++;
        for (r = w = ls; r < le; r++, w++) {
            if (s[r] == '\\' && r + 1 < le && strchr("$`\\", s[r + 1]) != NULL)
                r++;
            s[w] = s[r];
        }
        memset(s + w, ' ', le - w);
        ls = le + 1;
    }
}

/* Copy text[from, to) into the overlay, closed with ';' after it. */
static void
add_sql(shctx *c, size_t from, size_t to, bool expand)
{
    size_t i;

    if (to <= from)
        return;
    if (c->sql == NULL) {
        c->sql = util_xcalloc(c->t.len + 1, 1);
        for (i = 0; i < c->t.len; i++)
            c->sql[i] = c->t.text[i] == '\n' ? '\n' : ' ';
    }
    memcpy(c->sql + from, c->t.text + from, to - from);
    if (expand)
        blank_expansions(c->sql, from, to);
    /* The byte after a piece is a quote or the here-doc's end line. */
    for (i = to; i < c->t.len && c->sql[i] == '\n'; i++)
        ;
    if (i < c->t.len && c->sql[i] == ' ')
        c->sql[i] = ';';
}

/* A here-document fed to psql: its body, up to the delimiter line. */
static void
on_heredoc(shctx *c, TSNode redirect)
{
    TSNode start = ts_node_named_child(redirect, 0);
    const char *t = c->t.text;
    size_t len = c->t.len, body, line, d0, d1;
    bool quoted, strip_tabs;
    char *delim;

    if (!syntree_is(start, "heredoc_start"))
        return;
    d0 = ts_node_start_byte(start);
    d1 = ts_node_end_byte(start);
    strip_tabs = d0 >= 1 && t[d0 - 1] == '-';
    quoted = memchr(t + d0, '\'', d1 - d0) || memchr(t + d0, '"', d1 - d0) || memchr(t + d0, '\\', d1 - d0);
    delim = util_xstrndup(t + d0, d1 - d0);
    {
        size_t k, o = 0;

        for (k = 0; delim[k]; k++)
            if (delim[k] != '\'' && delim[k] != '"' && delim[k] != '\\')
                delim[o++] = delim[k];
        delim[o] = '\0';
    }
    body = d1;
    while (body < len && t[body] != '\n')
        body++;
    body = body < len ? body + 1 : len;
    for (line = body; line < len;) {
        size_t s = line, e = line, dl = strlen(delim);

        while (e < len && t[e] != '\n')
            e++;
        while (strip_tabs && s < e && t[s] == '\t')
            s++;
        if (e - s == dl && strncmp(t + s, delim, dl) == 0)
            break;
        line = e < len ? e + 1 : len;
    }
    add_sql(c, body, line, !quoted);
    if (!quoted && line > body)
        unescape_heredoc(c->sql, body, line);
    free(delim);
}

/* --- commands ------------------------------------------------------------ */

static bool
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
looks_like_conninfo(const char *v)
{
    return starts_with(v, "postgres://") || starts_with(v, "postgresql://") ||
        strstr(v, "host=") != NULL || strstr(v, "dbname=") != NULL;
}

/* Where the value of "--option=value" is written. */
typedef struct optval {
    bool found;
    size_t off, len;       /* inside quotes when quoted */
    unsigned flags;        /* PGR_VALUE_*_QUOTED */
} optval;

/* The value of arg when it spells option ("--host="): a plain word
 * --host=db, or a word and a string, --host="db". */
static optval
option_value(shctx *c, TSNode arg, const char *option)
{
    optval v = { false, 0, 0, 0 };
    size_t n = strlen(option), s = ts_node_start_byte(arg), e = ts_node_end_byte(arg);

    if (syntree_is(arg, "word") && e - s > n && strncmp(c->t.text + s, option, n) == 0) {
        v.found = true;
        v.off = s + n;
        v.len = e - s - n;
    } else if (syntree_is(arg, "concatenation") && ts_node_named_child_count(arg) == 2) {
        TSNode first = ts_node_named_child(arg, 0), second = ts_node_named_child(arg, 1);
        size_t fs = ts_node_start_byte(first), fe = ts_node_end_byte(first);

        if (fe - fs == n && strncmp(c->t.text + fs, option, n) == 0) {
            v.found = true;
            value_span(second, &v.off, &v.len);
            v.flags = quote_flags(second);
        }
    }
    return v;
}

static void
emit_option(shctx *c, const char *key, const char *key_path, TSNode arg, optval v)
{
    emit_at(c, key, key_path, arg, util_xstrndup(c->t.text + v.off, v.len), v.off, v.len,
            v.flags | PGR_VALUE_ARGUMENT);
}

/* An argument of a client program: connection strings, hosts, SQL. */
static void
on_client_arguments(shctx *c, const char *program, TSNode *args, size_t n)
{
    size_t i;
    char path[128];

    snprintf(path, sizeof path, "%s.host", program);
    for (i = 0; i < n; i++) {
        char *v = cook(c, args[i]);
        TSNode next = i + 1 < n ? args[i + 1] : (TSNode) { { 0 }, NULL, NULL };
        bool psql = strcmp(program, "psql") == 0;
        optval opt;
        size_t off, len;

        if (psql && (strcmp(v, "-c") == 0 || strcmp(v, "--command") == 0) && !ts_node_is_null(next)) {
            value_span(next, &off, &len);
            add_sql(c, off, off + len, !syntree_is(next, "raw_string"));
            if (syntree_is(next, "string"))
                blank_quote_escapes(c->sql, off, off + len);
            i++;
        } else if (psql && (opt = option_value(c, args[i], "--command=")).found) {
            add_sql(c, opt.off, opt.off + opt.len, !(opt.flags & PGR_VALUE_SINGLE_QUOTED));
            if (opt.flags & PGR_VALUE_DOUBLE_QUOTED)
                blank_quote_escapes(c->sql, opt.off, opt.off + opt.len);
        } else if ((strcmp(v, "-h") == 0 || strcmp(v, "--host") == 0) && !ts_node_is_null(next)) {
            emit(c, "host", path, args[i], next, PGR_VALUE_ARGUMENT);
            i++;
        } else if ((opt = option_value(c, args[i], "--host=")).found) {
            emit_option(c, "host", path, args[i], opt);
        } else if ((strcmp(v, "-d") == 0 || strcmp(v, "--dbname") == 0) && !ts_node_is_null(next)) {
            emit(c, program, NULL, args[i], next, PGR_VALUE_ARGUMENT);
            i++;
        } else if ((opt = option_value(c, args[i], "--dbname=")).found) {
            emit_option(c, program, NULL, args[i], opt);
        } else if (v[0] != '-' && looks_like_conninfo(v)) {
            emit(c, program, NULL, (TSNode) { { 0 }, NULL, NULL }, args[i], PGR_VALUE_ARGUMENT);
        }
        free(v);
    }
}

/* Commands that run another one named among their arguments:
 * sudo -u postgres psql, docker compose exec db psql, kubectl exec -- psql. */
static const char *const wrappers[] = {
    "sudo", "env", "exec", "nohup", "time", "docker", "podman", "kubectl", "doas", NULL
};

static bool
is_wrapper(const char *name)
{
    size_t i;

    for (i = 0; wrappers[i]; i++)
        if (strcmp(name, wrappers[i]) == 0)
            return true;
    return false;
}

/* The arguments of cmd: what follows its name (libtree-sitter 0.20 names
 * only the first child of a repeated field, so fields cannot be trusted).
 * Caller frees. */
static TSNode *
arguments_of(TSNode cmd, TSNode name, size_t *nargs)
{
    uint32_t i, n = ts_node_child_count(cmd);
    TSNode *args = util_xcalloc(n + 1, sizeof(TSNode));

    *nargs = 0;
    for (i = 0; i < n; i++) {
        TSNode k = ts_node_child(cmd, i);

        if (ts_node_start_byte(k) >= ts_node_end_byte(name) && ts_node_is_named(k) &&
            !syntree_is_error(k) && !syntree_is(k, "comment") && !syntree_is(k, "file_redirect") &&
            !syntree_is(k, "herestring_redirect"))
            args[(*nargs)++] = k;
    }
    return args;
}

/*
 * The PostgreSQL client a command runs (the program itself, or the first
 * client named among a wrapper's arguments), with *first the index of its
 * first argument in args; NULL when none.  Caller frees.
 */
static char *
client_of(shctx *c, const char *program, TSNode *args, size_t nargs, size_t *first)
{
    size_t k;

    *first = 0;
    if (is_client(program))
        return util_xstrdup(program);
    for (k = 0; is_wrapper(program) && k < nargs; k++) {
        char *v = cook(c, args[k]);

        if (v[0] != '-' && is_client(v)) {
            *first = k + 1;
            return v;
        }
        free(v);
    }
    return NULL;
}

/* env NAME=value ... cmd: the assignments before the command it runs. */
static void
on_env_assignments(shctx *c, TSNode *args, size_t nargs)
{
    size_t k;

    for (k = 0; k < nargs; k++) {
        char *v = cook(c, args[k]);
        const char *eq = strchr(v, '=');

        if (v[0] != '-' && eq && eq > v) {
            char *key = util_xstrndup(v, (size_t) (eq - v));
            size_t s = ts_node_start_byte(args[k]) + (size_t) (eq - v) + 1;

            emit_at(c, key, NULL, args[k], util_xstrdup(eq + 1), s, ts_node_end_byte(args[k]) - s, 0);
            free(key);
        } else if (v[0] != '-') {
            free(v);
            return;
        }
        free(v);
    }
}

/* Whether key[0, n) is an environment variable's name. */
static bool
is_env_name(const char *key, size_t n)
{
    size_t i;

    if (n == 0 || !(isalpha((unsigned char) key[0]) || key[0] == '_'))
        return false;
    for (i = 1; i < n; i++)
        if (!isalnum((unsigned char) key[i]) && key[i] != '_')
            return false;
    return true;
}

/* The setting K=V of word (cooked as v) from byte skip on: "-eK=V",
 * "--env=K=V" or the word after -e.  The value's span is exact when the
 * word is written as it cooks (no quotes inside), else the whole word. */
static void
emit_env_word(shctx *c, TSNode word, const char *v, size_t skip)
{
    const char *eq = strchr(v + skip, '=');
    size_t off, len, at;
    char *key;

    if (eq == NULL || !is_env_name(v + skip, (size_t) (eq - v) - skip))
        return;
    value_span(word, &off, &len);
    at = (size_t) (eq - v) + 1;
    if (strlen(v) == len) {
        off += at;
        len -= at;
    }
    key = util_xstrndup(v + skip, (size_t) (eq - v) - skip);
    emit_at(c, key, NULL, word, util_xstrdup(eq + 1), off, len, PGR_VALUE_ARGUMENT | quote_flags(word));
    free(key);
}

/*
 * docker|podman run|create ... -e K=V, --env K=V, --env=K=V: the
 * container's environment, as settings K, so that a script which starts its
 * own database (-e POSTGRES_PASSWORD=devpass1) tells the checks the
 * password of the server it then connects to.
 */
static void
on_container_env(shctx *c, TSNode *args, size_t nargs)
{
    size_t k;
    char *sub;

    if (nargs == 0)
        return;
    sub = cook(c, args[0]);
    if (strcmp(sub, "run") != 0 && strcmp(sub, "create") != 0) {
        free(sub);
        return;
    }
    free(sub);
    for (k = 1; k < nargs; k++) {
        char *v = cook(c, args[k]);

        if ((strcmp(v, "-e") == 0 || strcmp(v, "--env") == 0) && k + 1 < nargs) {
            char *w = cook(c, args[k + 1]);

            emit_env_word(c, args[k + 1], w, 0);
            free(w);
            k++;
        } else if (strncmp(v, "--env=", 6) == 0) {
            emit_env_word(c, args[k], v, 6);
        } else if (strncmp(v, "-e", 2) == 0 && v[2] != '\0' && v[2] != '-') {
            emit_env_word(c, args[k], v, 2);
        }
        free(v);
    }
}

static void
on_command(shctx *c, TSNode cmd)
{
    TSNode name = syntree_field(cmd, "name");
    TSNode *args;
    size_t nargs, first, i;
    char *program, *client;

    if (ts_node_is_null(name))
        return;
    program = syntree_text(&c->t, name);
    args = arguments_of(cmd, name, &nargs);
    if (strcmp(program, "env") == 0)
        on_env_assignments(c, args, nargs);
    if (strcmp(program, "docker") == 0 || strcmp(program, "podman") == 0)
        on_container_env(c, args, nargs);
    client = client_of(c, program, args, nargs, &first);
    if (client) {
        on_client_arguments(c, client, args + first, nargs - first);
    } else {
        /* Any other command given a PostgreSQL URL (curl, a migration tool). */
        for (i = 0; i < nargs; i++) {
            char *v = cook(c, args[i]);

            if (starts_with(v, "postgres://") || starts_with(v, "postgresql://"))
                emit(c, program, NULL, (TSNode) { { 0 }, NULL, NULL }, args[i], PGR_VALUE_ARGUMENT);
            free(v);
        }
    }
    free(client);
    free(args);
    free(program);
}

/* A here-document fed to psql (directly or through a wrapper). */
static void
on_redirected(shctx *c, TSNode n)
{
    TSNode body = syntree_field(n, "body"), name;
    TSNode *args;
    size_t nargs, first;
    uint32_t i;
    char *program, *client;

    if (!syntree_is(body, "command") || ts_node_is_null(name = syntree_field(body, "name")))
        return;
    program = syntree_text(&c->t, name);
    args = arguments_of(body, name, &nargs);
    client = client_of(c, program, args, nargs, &first);
    for (i = 0; client && strcmp(client, "psql") == 0 && i < ts_node_named_child_count(n); i++) {
        TSNode r = ts_node_named_child(n, i);

        if (syntree_is(r, "heredoc_redirect"))
            on_heredoc(c, r);
    }
    free(client);
    free(args);
    free(program);
}

static void
walk(shctx *c, TSNode n, int depth, unsigned flags)
{
    uint32_t i;

    if (depth > SHELL_MAX_DEPTH && !c->too_deep) {
        values_add_error(c->vf, "shell/syntax-error", ts_node_start_byte(n),
                         "nested deeper than 4000 levels: the deeper part is not checked");
        c->too_deep = true;
    }
    if (depth > SHELL_MAX_DEPTH || syntree_is_error(n))
        return;
    if (syntree_is(n, "variable_assignment")) {
        on_assignment(c, n, flags);
        return;
    }
    if (syntree_is(n, "declaration_command")) {
        TSNode first = ts_node_child(n, 0);

        if (!ts_node_is_null(first) && strcmp(ts_node_type(first), "export") == 0)
            flags |= PGR_VALUE_EXPORT;
    } else {
        flags = 0;
    }
    if (syntree_is(n, "command"))
        on_command(c, n);
    else if (syntree_is(n, "redirected_statement"))
        on_redirected(c, n);
    for (i = 0; i < ts_node_named_child_count(n); i++)
        walk(c, ts_node_named_child(n, i), depth + 1, flags);
}

void
shell_parse(values_file *vf, char **sql_overlay, const char *text, size_t len)
{
    shctx c;

    memset(&c, 0, sizeof c);
    values_init(vf);
    c.vf = vf;
    *sql_overlay = NULL;
    if (syntree_parse(&c.t, tree_sitter_bash(), text, len, vf, "shell/syntax-error") != 0)
        return;
    syntree_report_errors(ts_tree_root_node(c.t.tree), vf, "shell/syntax-error", "the script");
    walk(&c, ts_tree_root_node(c.t.tree), 0, 0);
    syntree_free(&c.t);
    *sql_overlay = c.sql;
}

int
shell_kind_of(const char *path)
{
    const char *base = util_basename(path);

    return util_ends_with(base, ".sh") || util_ends_with(base, ".bash");
}

/* The shell front-end; SQL handed to psql is handed on as SQL. */
static bool
shell_match(const char *path)
{
    return shell_kind_of(path) != 0;
}

static void
shell_parse_values(const frontend_input *in, values_file *out, util_vec *embedded)
{
    char *text = NULL;

    shell_parse(out, &text, in->text, in->len);
    frontends_embed(embedded, "sql", text);
}

const frontend shell_frontend = {
    .name = "shell",
    .match = shell_match,
    .output = FRONTEND_VALUES,
    .parse_values = shell_parse_values,
    .format = PGR_FORMAT_SHELL,
    .comment = "#",
    .syntax_rule = {
        .id = "shell/syntax-error",
        /* tree-sitter-bash is stricter than bash in places (and a CI step
         * may hold text bash never sees): a gap in what was checked,
         * reported once per file, not a fault of the script. */
        .default_severity = PGR_SEVERITY_INFO,
        .summary = "Part of a shell script does not parse (tree-sitter-bash), or nests deeper than 4000 levels; that "
            "part was skipped, the rest checked.",
        .hint = "Check the script with bash -n; quote what the parser stumbles on.",
        .source = "Bash reference manual 3 (Shell Syntax)",
        .why = "A script that does not parse may not do what it says; what the parser skipped was not checked.",
        .bad = "psql -c \"SELECT 1",
        .good = "psql -c \"SELECT 1\"",
    },
};
