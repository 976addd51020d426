/*
 * jsfile.c — see jsfile.h.
 */
#include "frontends/jsfile.h"

#include "frontends/frontend.h"

#include <stdlib.h>
#include <string.h>

#include "pgrampart/plugin.h"
#include "frontends/syntree.h"

/* Deeper subtrees are not walked (the walk recurses; a left-deep chain of
 * 4,000 '+' is generated code, not configuration), and say so once. */
#define JS_MAX_DEPTH 4000

typedef struct jsctx {
    syntree t;
    values_file *vf;
    bool too_deep;      /* the depth limit was reported */
} jsctx;

static bool
is_string(TSNode n)
{
    return syntree_is(n, "string") || syntree_is(n, "template_string");
}

/* A string's value: escapes of '...' and "..." decoded; a template's text
 * kept as written (its ${...} included, so it reads as a reference). */
static char *
cook(jsctx *c, TSNode n)
{
    size_t s = ts_node_start_byte(n) + 1, e = ts_node_end_byte(n) - 1, i;
    const char *t = c->t.text;
    util_buf b;

    util_buf_init(&b);
    for (i = s; i < e && e > s; i++) {
        if (t[i] == '\\' && i + 1 < e && !syntree_is(n, "template_string")) {
            char k = t[++i];

            util_buf_append(&b, k == 'n' ? "\n" : k == 't' ? "\t" : k == 'r' ? "\r" : &t[i], 1);
            continue;
        }
        util_buf_append(&b, &t[i], 1);
    }
    return b.data ? b.data : util_xstrdup("");
}

/* Add a setting; value_node is a string, a template or true/false. */
static void
emit(jsctx *c, const char *key, const char *path, TSNode key_node, TSNode value_node, unsigned flags)
{
    values_entry e;
    size_t s = ts_node_start_byte(value_node), end = ts_node_end_byte(value_node);

    memset(&e, 0, sizeof e);
    e.key = util_xstrdup(key);
    e.key_path = values_key_path(path, key);
    if (is_string(value_node)) {
        e.value = cook(c, value_node);
        e.flags = flags | (c->t.text[s] == '\'' ? PGR_VALUE_SINGLE_QUOTED
                           : c->t.text[s] == '"' ? PGR_VALUE_DOUBLE_QUOTED : 0);
        s++;
        end = end > s ? end - 1 : s;
    } else {
        e.value = syntree_text(&c->t, value_node);
        e.flags = flags | PGR_VALUE_BOOLEAN;
    }
    if (!ts_node_is_null(key_node)) {
        e.key_offset = ts_node_start_byte(key_node);
        e.key_len = ts_node_end_byte(key_node) - e.key_offset;
    }
    e.value_offset = s;
    e.value_len = end - s;
    values_add(c->vf, &e);
}

/* The name of process.env.NAME or process.env['NAME'], or NULL. */
static char *
env_name(jsctx *c, TSNode n)
{
    TSNode obj = syntree_field(n, "object");
    char *o, *name = NULL;

    if (ts_node_is_null(obj) || (!syntree_is(n, "member_expression") && !syntree_is(n, "subscript_expression")))
        return NULL;
    o = syntree_text(&c->t, obj);
    if (strcmp(o, "process.env") == 0 || strcmp(o, "import.meta.env") == 0) {
        TSNode p = syntree_is(n, "member_expression") ? syntree_field(n, "property")
                                                      : syntree_field(n, "index");

        if (syntree_is(p, "property_identifier"))
            name = syntree_text(&c->t, p);
        else if (syntree_is(p, "string"))
            name = cook(c, p);
    }
    free(o);
    return name;
}

/* The short name of a callee: Pool for new pg.Pool, postgres for postgres(). */
static char *
callee_name(jsctx *c, TSNode callee)
{
    if (syntree_is(callee, "member_expression"))
        callee = syntree_field(callee, "property");
    if (ts_node_is_null(callee) || (!syntree_is(callee, "identifier") &&
                                    !syntree_is(callee, "property_identifier")))
        return NULL;
    return syntree_text(&c->t, callee);
}

static void walk(jsctx *c, TSNode n, const char *path, int depth);

/* A value under key: literals become settings, the rest is walked. */
static void
on_value(jsctx *c, const char *key, const char *path, TSNode key_node, TSNode v, int depth)
{
    char *sub;

    if (ts_node_is_null(v) || syntree_is_error(v))
        return;
    if (is_string(v) || syntree_is(v, "true") || syntree_is(v, "false")) {
        emit(c, key, path, key_node, v, 0);
        return;
    }
    sub = values_key_path(path, key);
    walk(c, v, sub, depth + 1);
    free(sub);
}

/* process.env.X || 'fallback' (or ??): the fallback is X's value in code. */
static bool
on_fallback(jsctx *c, TSNode n, const char *path)
{
    TSNode left = syntree_field(n, "left"), right = syntree_field(n, "right");
    TSNode op = syntree_field(n, "operator");
    char *name, *optext;
    bool ok;

    if (ts_node_is_null(op) || !is_string(right))
        return false;
    optext = syntree_text(&c->t, op);
    ok = strcmp(optext, "||") == 0 || strcmp(optext, "??") == 0;
    free(optext);
    name = ok ? env_name(c, left) : NULL;
    if (name == NULL)
        return false;
    emit(c, name, path, left, right, PGR_VALUE_FALLBACK);
    free(name);
    return true;
}

/* new X(...) and f(...): arguments under the callee's name. */
static void
on_call(jsctx *c, TSNode n, int depth)
{
    TSNode callee = syntree_is(n, "new_expression") ? syntree_field(n, "constructor")
                                                    : syntree_field(n, "function");
    TSNode args = syntree_field(n, "arguments");
    char *name = ts_node_is_null(callee) ? NULL : callee_name(c, callee);
    uint32_t i;

    if (!ts_node_is_null(callee))
        walk(c, callee, NULL, depth + 1);
    for (i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); i++) {
        TSNode a = ts_node_named_child(args, i);

        /* new Sequelize(database, username, password, options) */
        if (is_string(a) && name && strcmp(name, "Sequelize") == 0 && i == 2)
            emit(c, "password", name, (TSNode) { { 0 }, NULL, NULL }, a, 0);
        else if (is_string(a))
            /* An argument has no name of its own: "createToken" is a
             * function, not a token.  Its path says where it went. */
            emit(c, "", name, (TSNode) { { 0 }, NULL, NULL }, a, 0);
        else
            walk(c, a, name, depth + 1);
    }
    free(name);
}

static void
walk(jsctx *c, TSNode n, const char *path, int depth)
{
    uint32_t i;

    if (depth > JS_MAX_DEPTH && !c->too_deep) {
        values_add_error(c->vf, "js/syntax-error", ts_node_start_byte(n),
                         "nested deeper than 4000 levels: the deeper part is not checked");
        c->too_deep = true;
    }
    if (depth > JS_MAX_DEPTH || syntree_is_error(n) || syntree_is(n, "comment"))
        return;
    if (syntree_is(n, "pair")) {
        TSNode k = syntree_field(n, "key");
        char *key = is_string(k) ? cook(c, k) : syntree_text(&c->t, k);

        on_value(c, key, path, k, syntree_field(n, "value"), depth);
        free(key);
        return;
    }
    if (syntree_is(n, "variable_declarator") || syntree_is(n, "assignment_expression")) {
        TSNode k = syntree_field(n, syntree_is(n, "variable_declarator") ? "name" : "left");
        TSNode v = syntree_field(n, syntree_is(n, "variable_declarator") ? "value" : "right");

        if (syntree_is(k, "member_expression"))
            k = syntree_field(k, "property");
        if (syntree_is(k, "identifier") || syntree_is(k, "property_identifier")) {
            char *key = syntree_text(&c->t, k);

            on_value(c, key, NULL, k, v, depth);
            free(key);
            return;
        }
    }
    if (syntree_is(n, "binary_expression") && on_fallback(c, n, path))
        return;
    if (syntree_is(n, "new_expression") || syntree_is(n, "call_expression")) {
        on_call(c, n, depth);
        return;
    }
    if (is_string(n)) {
        emit(c, "", path, (TSNode) { { 0 }, NULL, NULL }, n, 0);
        return;
    }
    for (i = 0; i < ts_node_named_child_count(n); i++)
        walk(c, ts_node_named_child(n, i), path, depth + 1);
}

void
jsfile_parse(values_file *vf, const char *path, const char *text, size_t len)
{
    const TSLanguage *lang = tree_sitter_javascript();
    jsctx c;

    if (util_ends_with(path, ".tsx"))
        lang = tree_sitter_tsx();
    else if (util_ends_with(path, ".ts") || util_ends_with(path, ".mts") || util_ends_with(path, ".cts"))
        lang = tree_sitter_typescript();
    memset(&c, 0, sizeof c);
    values_init(vf);
    c.vf = vf;
    if (syntree_parse(&c.t, lang, text, len, vf, "js/syntax-error") != 0)
        return;
    syntree_report_errors(ts_tree_root_node(c.t.tree), vf, "js/syntax-error", "the file");
    walk(&c, ts_tree_root_node(c.t.tree), NULL, 0);
    syntree_free(&c.t);
}

int
jsfile_kind_of(const char *path)
{
    static const char *const exts[] = { ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts",
                                        ".tsx", NULL };
    const char *base = util_basename(path);
    size_t i;

    if (util_ends_with(base, ".min.js") || util_ends_with(base, ".d.ts") || util_ends_with(base, ".d.mts") ||
        util_ends_with(base, ".d.cts"))
        return 0;
    for (i = 0; exts[i]; i++)
        if (util_ends_with(base, exts[i]))
            return 1;
    return 0;
}

/* The JavaScript/TypeScript front-end. */
static bool
js_match(const char *path)
{
    return jsfile_kind_of(path) != 0;
}

static void
js_parse_values(const frontend_input *in, values_file *out, util_vec *embedded)
{
    (void) embedded;
    jsfile_parse(out, in->dialect ? in->dialect : in->path, in->text, in->len);
}

const frontend js_frontend = {
    .name = "javascript",
    .match = js_match,
    .output = FRONTEND_VALUES,
    .parse_values = js_parse_values,
    .format = PGR_FORMAT_JAVASCRIPT,
    .comment = "//",
    .syntax_rule = {
        .id = "js/syntax-error",
        /* The grammar, not the code, is usually what fails (TypeScript's
         * "(string) => any", syntax newer than the grammar): a gap in what
         * was checked, reported once per file, not a fault of the code. */
        .default_severity = PGR_SEVERITY_INFO,
        .summary = "Part of a JavaScript/TypeScript file does not parse (tree-sitter), or nests deeper than 4000 "
            "levels; that part was skipped, the rest checked.",
        .hint = "Fix the syntax (tsc --noEmit, node --check); newer syntax may need a newer grammar.",
        .source = "ECMAScript language specification",
        .why = "Code that does not parse was not checked for connection options and secrets in that part.",
        .bad = "const pool = new Pool({ ssl: });",
        .good = "const pool = new Pool({ ssl: { ca } });",
    },
};
