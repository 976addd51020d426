/*
 * yamldoc.c — see yamldoc.h.
 *
 * libyaml's event parser never expands aliases, so parsing costs memory
 * linear in the input whatever the file does; we build a small tree in which
 * an alias points at its anchored node, then walk it with a visit budget.
 */
#include "frontends/yamldoc.h"

#include "frontends/frontend.h"
#include "frontends/jsfile.h"
#include "frontends/yamlserver.h"
#include "frontends/yamltpl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "pgrampart/plugin.h"

#define YAMLDOC_MAX_DEPTH 256

typedef enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP, Y_ALIAS } ynode_kind;

/* What language a CI step's script scalar is in (set from its step). */
typedef enum yembed {
    EMBED_BY_KEY = 0,          /* shell when its key is run:/script: */
    EMBED_JS,                  /* actions/github-script's script: JavaScript */
    EMBED_NONE                 /* run: of a step with shell: pwsh, python...: not sh */
} yembed;

typedef struct ynode {
    ynode_kind kind;
    char *scalar;              /* Y_SCALAR: the cooked value */
    yaml_scalar_style_t style;
    size_t start, end;         /* byte span of the node's source */
    struct ynode **kids;       /* Y_SEQ items; Y_MAP key, value, key, value ... */
    size_t n, cap;
    struct ynode *target;      /* Y_ALIAS: the anchored node (NULL: undefined) */
    const char *emitted_key;   /* Y_SCALAR: key it was last emitted under */
    bool active;               /* a container being walked (for cycles) */
    yembed embed;              /* Y_SCALAR: the language of a step's script */
} ynode;

typedef struct anchor {
    char *name;
    ynode *node;
} anchor;

typedef struct ydoc {
    const char *text;          /* the file as written */
    const char *ptext;         /* what libyaml reads: text, or its template
                                * actions blanked (same offsets) */
    const unsigned char *mask; /* nonzero at blanked bytes, or NULL */
    size_t len;
    util_lines lines;
    util_vec anchors;          /* of anchor; later definitions win */
    util_vec all;              /* of ynode *: every node, for freeing */
    util_vec roots;            /* of ynode *: one per document */
    values_file *vf;
    size_t visits, budget;
    bool bombed;
    char *shell;               /* overlay of the CI steps' shell, or NULL */
    char *js;                  /* overlay of github-script steps, or NULL */
} ydoc;

/* libyaml marks count characters; our locations count bytes. */
static size_t
mark_offset(const ydoc *d, const yaml_mark_t *m)
{
    return util_lines_char_offset(&d->lines, d->text, m->line, m->column);
}

static ynode *
new_node(ydoc *d, ynode_kind kind, const yaml_event_t *ev)
{
    ynode *n = util_xcalloc(1, sizeof *n);

    n->kind = kind;
    n->start = mark_offset(d, &ev->start_mark);
    n->end = mark_offset(d, &ev->end_mark);
    *(ynode **) util_vec_push(&d->all) = n;
    return n;
}

static void
add_kid(ynode *parent, ynode *kid)
{
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 8;
        parent->kids = util_xrealloc(parent->kids, parent->cap * sizeof(ynode *));
    }
    parent->kids[parent->n++] = kid;
}

static void
define_anchor(ydoc *d, const yaml_char_t *name, ynode *n)
{
    anchor *a;

    if (name == NULL)
        return;
    a = util_vec_push(&d->anchors);
    a->name = util_xstrdup((const char *) name);
    a->node = n;
}

static ynode *
find_anchor(const ydoc *d, const char *name)
{
    size_t i;

    for (i = d->anchors.len; i-- > 0;) {
        const anchor *a = util_vec_at(&d->anchors, i);

        if (strcmp(a->name, name) == 0)
            return a->node;
    }
    return NULL;
}

static void
syntax_error(ydoc *d, size_t offset, const char *message)
{
    values_add_error(d->vf, "yaml/syntax-error", offset, message);
}

/*
 * Read events into a tree.  Returns the node of the event read (NULL for an
 * end event); *ok becomes false on a parse error, which is recorded.  The
 * containers under construction stay in the tree, so what was read before an
 * error is still walked.
 */
static ynode *
build(ydoc *d, yaml_parser_t *p, int depth, bool *ok, bool *end_of_stream)
{
    yaml_event_t ev;
    ynode *n = NULL;

    for (;;) {
        if (!yaml_parser_parse(p, &ev)) {
            char *m = util_xasprintf("invalid YAML: %s%s%s", p->problem ? p->problem : "parse error",
                                     p->context ? " " : "", p->context ? p->context : "");

            /* A reader error (bad encoding) has a byte offset, not a mark. */
            syntax_error(d, p->error == YAML_READER_ERROR ? p->problem_offset
                                                           : mark_offset(d, &p->problem_mark), m);
            free(m);
            *ok = false;
            return NULL;
        }
        if (ev.type == YAML_STREAM_END_EVENT)
            *end_of_stream = true;
        if (ev.type != YAML_STREAM_START_EVENT && ev.type != YAML_DOCUMENT_START_EVENT &&
            ev.type != YAML_DOCUMENT_END_EVENT)
            break;
        yaml_event_delete(&ev);
    }
    if (depth > YAMLDOC_MAX_DEPTH) {
        syntax_error(d, mark_offset(d, &ev.start_mark), "YAML nested deeper than 256 levels");
        yaml_event_delete(&ev);
        *ok = false;
        return NULL;
    }
    switch (ev.type) {
    case YAML_SCALAR_EVENT:
        n = new_node(d, Y_SCALAR, &ev);
        n->scalar = util_xstrndup((const char *) ev.data.scalar.value, ev.data.scalar.length);
        n->style = ev.data.scalar.style;
        define_anchor(d, ev.data.scalar.anchor, n);
        break;
    case YAML_ALIAS_EVENT:
        n = new_node(d, Y_ALIAS, &ev);
        n->target = find_anchor(d, (const char *) ev.data.alias.anchor);
        if (n->target == NULL) {
            char *m = util_xasprintf("alias *%s refers to no anchor", ev.data.alias.anchor);

            syntax_error(d, n->start, m);
            free(m);
        }
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        n = new_node(d, ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP, &ev);
        define_anchor(d, ev.type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.anchor
                                                              : ev.data.mapping_start.anchor, n);
        for (;;) {
            ynode *kid = build(d, p, depth + 1, ok, end_of_stream);

            if (kid == NULL)
                break;
            add_kid(n, kid);
            /* After an error libyaml has nothing more to give. */
            if (!*ok)
                break;
        }
        break;
    default:
        break;
    }
    yaml_event_delete(&ev);
    return n;
}

/* --- walking ------------------------------------------------------------ */

/* What n stands for: an alias's anchored node (NULL when undefined). */
static ynode *
resolve(ynode *n)
{
    return n != NULL && n->kind == Y_ALIAS ? n->target : n;
}

/* An alias to a mapping or sequence that contains it expands forever:
 * reported, and not followed. */
static bool
cyclic(ydoc *d, const ynode *n)
{
    if (n == NULL || n->kind != Y_ALIAS || n->target == NULL || !n->target->active)
        return false;
    values_add_error(d->vf, "yaml/alias-bomb", n->start,
                     "the alias refers to a mapping or sequence that contains it: it expands forever");
    return true;
}

/*
 * Count one step of the walk (a container entered or an item read).  An
 * alias's subtree is walked again wherever it is used: that is what the
 * budget bounds.  Returns false once it is spent, recording the bomb at.
 */
static bool
spend(ydoc *d, size_t at)
{
    if (d->bombed)
        return false;
    if (++d->visits <= d->budget)
        return true;
    values_add_error(d->vf, "yaml/alias-bomb", at,
                     "aliases expand past the budget (10 nodes per node read): "
                     "an alias bomb? the rest of the file is not checked");
    d->bombed = true;
    return false;
}

/* The byte span of a scalar's content: inside quotes, after a block header. */
static void
content_span(const ydoc *d, const ynode *n, size_t *off, size_t *len)
{
    const char *t = d->ptext;
    size_t s = n->start, e = n->end;

    /* A scalar's event starts at its anchor or tag (&name, !tag): skip them. */
    while (s < e && (t[s] == '&' || t[s] == '!')) {
        while (s < e && !isspace((unsigned char) t[s]))
            s++;
        while (s < e && isspace((unsigned char) t[s]))
            s++;
    }

    if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE || n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
        if (e - s >= 2) {
            s++;
            e--;
        }
    } else if (n->style == YAML_LITERAL_SCALAR_STYLE || n->style == YAML_FOLDED_SCALAR_STYLE) {
        while (s < e && t[s] != '\n')
            s++;
        while (s < e && isspace((unsigned char) t[s]))
            s++;
        while (e > s && isspace((unsigned char) t[e - 1]))
            e--;
    }
    *off = s;
    *len = e - s;
}

static unsigned
style_flags(const ynode *n)
{
    if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
        return PGR_VALUE_SINGLE_QUOTED;
    if (n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        return PGR_VALUE_DOUBLE_QUOTED;
    if (n->style == YAML_PLAIN_SCALAR_STYLE &&
        (strcmp(n->scalar, "true") == 0 || strcmp(n->scalar, "false") == 0 ||
         strcmp(n->scalar, "True") == 0 || strcmp(n->scalar, "False") == 0 ||
         strcmp(n->scalar, "TRUE") == 0 || strcmp(n->scalar, "FALSE") == 0))
        return PGR_VALUE_BOOLEAN;
    return 0;
}

/* CI steps that hold shell: GitHub Actions' run, GitLab CI's script lists. */
static bool
is_script_key(const char *key)
{
    return strcmp(key, "run") == 0 || strcmp(key, "script") == 0 ||
        strcmp(key, "before_script") == 0 || strcmp(key, "after_script") == 0;
}

/* GitHub Actions' ${{ expr }} is replaced before the shell runs: make it a
 * same-length word, which bash can parse. */
static void
blank_ci_expressions(char *s, size_t from, size_t to)
{
    size_t i, j;

    for (i = from; i + 3 <= to; i++) {
        if (s[i] != '$' || s[i + 1] != '{' || s[i + 2] != '{')
            continue;
        for (j = i + 3; j + 1 < to && !(s[j] == '}' && s[j + 1] == '}'); j++)
            ;
        if (j + 1 >= to)
            return;
        memset(s + i, '_', j + 2 - i);
        i = j + 1;
    }
}

/* Copy a script scalar's source into an overlay (*overlay: created blank,
 * newlines kept, on first use).  Double-quoted scalars are left out: their
 * source is not the text that runs. */
static bool
add_overlay(ydoc *d, char **overlay, const ynode *v)
{
    size_t off, len, i;

    if (v->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        return false;
    if (*overlay == NULL) {
        *overlay = util_xcalloc(d->len + 1, 1);
        for (i = 0; i < d->len; i++)
            (*overlay)[i] = d->text[i] == '\n' ? '\n' : ' ';
    }
    content_span(d, v, &off, &len);
    memcpy(*overlay + off, d->text + off, len);
    blank_ci_expressions(*overlay, off, off + len);
    return true;
}

/* Emit scalar v under key (key_node: where the key is written, or NULL);
 * decoded (taken over; NULL: the scalar itself) is what v's text stands for. */
static void
emit_value(ydoc *d, const char *path, const char *key, const ynode *key_node, ynode *v,
           char *decoded)
{
    values_entry e;
    size_t off, len;

    if (v->scalar[0] == '\0' || (v->emitted_key && strcmp(v->emitted_key, key) == 0)) {
        free(decoded);
        return;
    }
    v->emitted_key = key;
    /* A CI step's shell goes to the shell front-end instead, a
     * github-script step's JavaScript to the JavaScript one. */
    if (decoded == NULL && v->embed == EMBED_JS && add_overlay(d, &d->js, v))
        return;
    if (decoded == NULL && v->embed == EMBED_BY_KEY && is_script_key(key) && add_overlay(d, &d->shell, v))
        return;
    memset(&e, 0, sizeof e);
    e.key = util_xstrdup(key);
    e.key_path = values_key_path(path, key);
    e.value = decoded ? decoded : util_xstrdup(v->scalar);
    e.flags = decoded ? PGR_VALUE_DECODED : style_flags(v);
    if (key_node) {
        e.key_offset = key_node->start;
        e.key_len = key_node->end - key_node->start;
    }
    content_span(d, v, &off, &len);
    e.value_offset = off;
    e.value_len = len;
    values_add(d->vf, &e);
}

static void
emit(ydoc *d, const char *path, const char *key, const ynode *key_node, ynode *v)
{
    emit_value(d, path, key, key_node, v, NULL);
}

/* What emitted_key holds once a KEY=value item has been emitted. */
static const char assignment_marker[] = "=";

/* A "KEY=value" sequence item (compose environment lists). */
static bool
emit_assignment(ydoc *d, const char *path, ynode *v)
{
    const char *s = v->scalar, *eq = s;
    size_t off, len, klen;
    values_entry e;

    if (!(isalpha((unsigned char) *s) || *s == '_'))
        return false;
    /* Reached again through an alias: already a setting. */
    if (v->emitted_key == assignment_marker)
        return true;
    while (isalnum((unsigned char) *eq) || *eq == '_' || *eq == '.')
        eq++;
    if (*eq != '=')
        return false;
    klen = (size_t) (eq - s);
    v->emitted_key = assignment_marker;
    content_span(d, v, &off, &len);
    memset(&e, 0, sizeof e);
    e.key = util_xstrndup(s, klen);
    e.key_path = values_key_path(path, e.key);
    e.value = util_xstrdup(eq + 1);
    e.flags = style_flags(v);
    /* Positions inside the scalar are exact when its source is its value. */
    e.key_offset = off;
    e.key_len = klen < len ? klen : len;
    e.value_offset = off + (klen + 1 < len ? klen + 1 : len);
    e.value_len = len - (e.value_offset - off);
    values_add(d->vf, &e);
    return true;
}

static const ynode *
map_get(const ynode *m, const char *key)
{
    size_t i;

    for (i = 0; m->kind == Y_MAP && i + 1 < m->n; i += 2)
        if (m->kids[i]->kind == Y_SCALAR && strcmp(m->kids[i]->scalar, key) == 0)
            return m->kids[i + 1];
    return NULL;
}

static void walk(ydoc *d, ynode *n, const char *path, const char *key, bool secret_data);

/* {name: K, value: V}: the setting K, written as V. */
static bool
emit_name_value(ydoc *d, const char *path, const ynode *item)
{
    const ynode *name = map_get(item, "name"), *value = map_get(item, "value");

    if (name == NULL || value == NULL || name->kind != Y_SCALAR || value->kind != Y_SCALAR)
        return false;
    emit(d, path, name->scalar, name, (ynode *) value);
    return true;
}

/* A Kubernetes Secret's data value: base64 of the secret. */
static void
emit_decoded(ydoc *d, const char *path, const char *key, const ynode *key_node, ynode *v)
{
    size_t n = strlen(v->scalar), i, out = 0;
    unsigned acc = 0, bits = 0;
    char *dec = util_xcalloc(n + 1, 1);

    for (i = 0; i < n; i++) {
        const char *b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char c = v->scalar[i];
        const char *at = c ? strchr(b64, c) : NULL;

        if (c == '=' || isspace((unsigned char) c))
            continue;
        if (at == NULL)
            break;
        acc = (acc << 6) | (unsigned) (at - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dec[out++] = (char) ((acc >> bits) & 0xff);
        }
    }
    /* Not base64, or binary (a keystore): nothing we can read as text. */
    if (i < n || memchr(dec, '\0', out) != NULL || util_utf8_invalid_at(dec, out) >= 0) {
        free(dec);
        dec = NULL;
    }
    emit_value(d, path, key, key_node, v, dec);
}

/* Whether a GitHub Actions step's shell: names a shell that runs sh
 * syntax (bash, sh, and their templates such as "bash -e {0}"). */
static bool
is_sh_shell(const char *shell)
{
    size_t n = strcspn(shell, " \t");

    return (n == 4 && strncmp(shell, "bash", 4) == 0) || (n == 2 && strncmp(shell, "sh", 2) == 0);
}

/*
 * A GitHub Actions step says what its script is: with: script: of
 * actions/github-script is JavaScript (run by the action, in an async
 * function), and run: under shell: pwsh (python, cmd...) is not sh.
 * Mark those scalars before the step's keys are walked.
 */
static void
mark_step_scripts(ynode *step)
{
    ynode *uses = resolve((ynode *) map_get(step, "uses"));
    ynode *with = resolve((ynode *) map_get(step, "with"));
    ynode *shell = resolve((ynode *) map_get(step, "shell"));
    ynode *run = resolve((ynode *) map_get(step, "run"));

    if (uses && uses->kind == Y_SCALAR && strncmp(uses->scalar, "actions/github-script", 21) == 0 &&
        with && with->kind == Y_MAP) {
        ynode *script = resolve((ynode *) map_get(with, "script"));

        if (script && script->kind == Y_SCALAR)
            script->embed = EMBED_JS;
    }
    if (shell && shell->kind == Y_SCALAR && run && run->kind == Y_SCALAR && !is_sh_shell(shell->scalar))
        run->embed = EMBED_NONE;
}

static void
walk_map(ydoc *d, ynode *n, const char *path, bool secret_data)
{
    size_t i;

    mark_step_scripts(n);

    for (i = 0; i + 1 < n->n && spend(d, n->kids[i + 1]->start); i += 2) {
        ynode *k = resolve(n->kids[i]), *v = resolve(n->kids[i + 1]);
        char *sub;

        if (cyclic(d, n->kids[i + 1]))
            continue;
        if (k == NULL || v == NULL || k->kind != Y_SCALAR)
            continue;
        /* A merge key adds the merged mapping's settings here. */
        if (strcmp(k->scalar, "<<") == 0) {
            walk(d, v, path, "", false);
            continue;
        }
        if (v->kind == Y_SCALAR) {
            if (secret_data)
                emit_decoded(d, path, k->scalar, k, v);
            else
                emit(d, path, k->scalar, k, v);
            continue;
        }
        sub = values_key_path(path, k->scalar);
        walk(d, v, sub, k->scalar, false);
        free(sub);
    }
}

static void
walk(ydoc *d, ynode *n, const char *path, const char *key, bool secret_data)
{
    size_t i;

    if (n == NULL || !spend(d, n->start))
        return;
    n->active = true;
    if (n->kind == Y_MAP)
        walk_map(d, n, path, secret_data);
    for (i = 0; n->kind == Y_SEQ && i < n->n && spend(d, n->kids[i]->start); i++) {
        ynode *item = resolve(n->kids[i]);

        if (item == NULL || cyclic(d, n->kids[i]))
            continue;
        if (item->kind == Y_SCALAR) {
            if (!emit_assignment(d, path, item))
                emit(d, path, key, NULL, item);
        } else if (item->kind != Y_MAP || !emit_name_value(d, path, item)) {
            walk(d, item, path, key, false);
        }
    }
    n->active = false;
}

/* A Kubernetes Secret: its data values are base64. */
static bool
is_k8s_secret(const ynode *root)
{
    const ynode *kind = map_get(root, "kind");

    return kind && kind->kind == Y_SCALAR && strcmp(kind->scalar, "Secret") == 0;
}

static void
walk_document(ydoc *d, ynode *root)
{
    size_t i;

    if (root->kind != Y_MAP || !is_k8s_secret(root)) {
        walk(d, root, "", "", false);
        return;
    }
    for (i = 0; i + 1 < root->n && !d->bombed; i += 2) {
        ynode *k = root->kids[i], *v = resolve(root->kids[i + 1]);

        if (k->kind == Y_SCALAR && v && v->kind == Y_MAP && strcmp(k->scalar, "data") == 0) {
            walk_map(d, v, "data", true);
        } else if (k->kind == Y_SCALAR && v && v->kind == Y_SCALAR) {
            emit(d, "", k->scalar, k, v);
        } else if (k->kind == Y_SCALAR) {
            walk(d, v, k->scalar, k->scalar, false);
        }
    }
}

/* Template actions were blanked: a scalar written with one stands for what
 * is written (it reads as a reference), not for the blanks libyaml saw. */
static void
restore_template_scalars(ydoc *d)
{
    size_t i, off, len, k;

    for (i = 0; d->mask && i < d->all.len; i++) {
        ynode *n = *(ynode **) util_vec_at(&d->all, i);

        if (n->kind != Y_SCALAR)
            continue;
        content_span(d, n, &off, &len);
        for (k = off; k < off + len && k < d->len && !d->mask[k]; k++)
            ;
        if (k < off + len && k < d->len) {
            free(n->scalar);
            n->scalar = util_xstrndup(d->text + off, len);
        }
    }
}

/* The JavaScript of github-script steps, read by the JavaScript front-end
 * at the file's own offsets; its settings and errors join vf. */
static void
parse_js_overlay(ydoc *d)
{
    values_file js;

    if (d->js == NULL)
        return;
    jsfile_parse(&js, "github-script.js", d->js, d->len);
    values_move(d->vf, &js);
    free(d->js);
    d->js = NULL;
}

static void
free_doc(ydoc *d)
{
    size_t i;

    for (i = 0; i < d->all.len; i++) {
        ynode *n = *(ynode **) util_vec_at(&d->all, i);

        free(n->scalar);
        free(n->kids);
        free(n);
    }
    for (i = 0; i < d->anchors.len; i++)
        free(((anchor *) util_vec_at(&d->anchors, i))->name);
    util_vec_free(&d->anchors);
    util_vec_free(&d->all);
    util_vec_free(&d->roots);
    util_lines_free(&d->lines);
}

/*
 * One reading of text (len bytes) into vf (initialised here): libyaml reads
 * ptext (text, or text with its template actions blanked where mask says).
 * Returns false when libyaml refused it, with *error_at the offset of the
 * error (recorded in vf as yaml/syntax-error); what was read before it is
 * kept.  *shell_overlay as for yamldoc_parse.
 */
static bool
parse_pass(values_file *vf, char **shell_overlay, const char *text, const char *ptext,
           const unsigned char *mask, size_t len, size_t *error_at)
{
    yaml_parser_t p;
    ydoc d;
    bool ok = true, eos = false;
    size_t i, errors;
    char *clean;

    memset(&d, 0, sizeof d);
    values_init(vf);
    d.vf = vf;
    d.text = text;
    d.ptext = ptext;
    d.mask = mask;
    d.len = len;
    util_lines_build(&d.lines, text, len);
    util_vec_init(&d.anchors, sizeof(anchor));
    util_vec_init(&d.all, sizeof(ynode *));
    util_vec_init(&d.roots, sizeof(ynode *));
    /* libyaml refuses a file with one bad byte; core/invalid-utf8 already
     * reports it, so read the rest with '?' in its place. */
    clean = util_utf8_replace_invalid(ptext, len);
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *) (clean ? clean : ptext), len);
    while (ok && !eos) {
        ynode *root;

        errors = vf->errors.len;
        root = build(&d, &p, 0, &ok, &eos);
        if (root)
            *(ynode **) util_vec_push(&d.roots) = root;
        if (!ok && vf->errors.len > errors)
            *error_at = ((values_error *) util_vec_at(&vf->errors, vf->errors.len - 1))->offset;
    }
    yaml_parser_delete(&p);
    free(clean);
    restore_template_scalars(&d);
    d.budget = 10 * d.all.len + 10000;
    for (i = 0; i < d.roots.len && !d.bombed; i++)
        walk_document(&d, *(ynode **) util_vec_at(&d.roots, i));
    parse_js_overlay(&d);
    free_doc(&d);
    *shell_overlay = d.shell;
    return ok;
}

/*
 * A second reading of a file that is not YAML as written, with its template
 * actions blanked (comments: control lines as comments, else as spaces).
 * Returns false, leaving vf and *shell_overlay empty, when there is no
 * action or it still does not parse (*error_at: where).
 */
static bool
parse_blanked(values_file *vf, char **shell_overlay, const char *text, size_t len, bool comments,
              size_t *error_at)
{
    unsigned char *mask;
    char *blanked = yamltpl_blank(text, len, comments, &mask);
    bool ok = blanked != NULL;

    if (ok && !parse_pass(vf, shell_overlay, text, blanked, mask, len, error_at)) {
        values_free(vf);
        free(*shell_overlay);
        *shell_overlay = NULL;
        ok = false;
    }
    free(blanked);
    free(mask);
    return ok;
}

void
yamldoc_parse(values_file *vf, char **shell_overlay, const char *text, size_t len)
{
    unsigned char *mask;
    size_t error_at = 0;
    values_file first;
    char *first_shell = NULL, *blanked;

    if (parse_pass(&first, &first_shell, text, text, NULL, len, &error_at)) {
        *vf = first;
        *shell_overlay = first_shell;
        return;
    }
    /* Not YAML as written: a template (Helm, ERB) may be YAML once its
     * actions are blanked.  Without any, the syntax error stands. */
    blanked = yamltpl_blank(text, len, false, &mask);
    if (blanked == NULL) {
        *vf = first;
        *shell_overlay = first_shell;
        return;
    }
    values_free(&first);
    free(first_shell);
    if (!parse_blanked(vf, shell_overlay, text, len, true, &error_at) &&
        !parse_blanked(vf, shell_overlay, text, len, false, &error_at)) {
        /* Its branches do not make one YAML document as written ({{- if }}
         * opening a mapping, {{ else }} a list): what its lines say still
         * gives values to the rules, and the gap is one note, not an error. */
        values_init(vf);
        *shell_overlay = NULL;
        yamltpl_read_lines(vf, text, blanked, len);
        values_add_error(vf, "yaml/template", error_at,
                         "a template (Go/Helm {{ }} or ERB <% %> actions) that is not YAML until "
                         "rendered: read line by line, not as YAML");
    }
    free(blanked);
    free(mask);
}

int
yamldoc_kind_of(const char *path)
{
    const char *base = util_basename(path);

    if (strcmp(base, ".pgrampart.yml") == 0 || strcmp(base, ".pgrampart.yaml") == 0)
        return 0;
    return util_ends_with(base, ".yml") || util_ends_with(base, ".yaml");
}

/* The YAML front-end; a CI workflow's run: steps are handed on as shell. */
static bool
yaml_match(const char *path)
{
    return yamldoc_kind_of(path) != 0;
}

static void
yaml_parse_values(const frontend_input *in, values_file *out, util_vec *embedded)
{
    char *text = NULL;

    yamldoc_parse(out, &text, in->text, in->len);
    frontends_embed(embedded, "shell", text);
}

const frontend yaml_frontend = {
    .name = "yaml",
    .match = yaml_match,
    .output = FRONTEND_VALUES,
    .parse_values = yaml_parse_values,
    .parse_model = yamlserver_parse_model,
    .format = PGR_FORMAT_YAML,
    .comment = "#",
    .syntax_rule = {
        .id = "yaml/syntax-error",
        .default_severity = PGR_SEVERITY_ERROR,
        .summary = "A YAML file does not parse (or refers to an undefined alias); what follows the error was not checked.",
        .hint = "Fix the YAML: the tool that reads this file (compose, kubectl, the CI) would refuse it too.",
        .source = "YAML 1.2 specification; libyaml",
        .why = "Compose, kubectl and CI runners refuse a file that does not parse; what follows the error was not checked either.",
        .bad = "environment: [DATABASE_URL=postgres://db/app",
        .good = "environment: [DATABASE_URL=postgres://db/app?sslmode=verify-full]",
    },
};
