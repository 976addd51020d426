/*
 * syntree.c — see syntree.h.
 */
#include "frontends/syntree.h"

#include <stdlib.h>
#include <string.h>

/* A pathological file must not stall a pre-commit hook forever. */
#define SYNTREE_TIMEOUT_MICROS (10u * 1000u * 1000u)

int
syntree_parse(syntree *t, const TSLanguage *lang, const char *text, size_t len,
              values_file *vf, const char *rule)
{
    TSParser *p = ts_parser_new();

    t->text = text;
    t->len = len;
    t->tree = NULL;
    /* tree-sitter takes a uint32_t length. */
    if (len > UINT32_MAX || !ts_parser_set_language(p, lang)) {
        values_add_error(vf, rule, 0, len > UINT32_MAX ? "file too large for the parser"
                                                       : "grammar version not supported by libtree-sitter");
        ts_parser_delete(p);
        return -1;
    }
    ts_parser_set_timeout_micros(p, SYNTREE_TIMEOUT_MICROS);
    t->tree = ts_parser_parse_string(p, NULL, text, (uint32_t) len);
    ts_parser_delete(p);
    if (t->tree == NULL) {
        values_add_error(vf, rule, 0, "parsing took longer than 10 s; the file was not checked");
        return -1;
    }
    return 0;
}

void
syntree_free(syntree *t)
{
    if (t->tree)
        ts_tree_delete(t->tree);
    t->tree = NULL;
}

bool
syntree_is_error(TSNode n)
{
    /* ts_node_is_error is newer than libtree-sitter 0.20. */
    return ts_node_is_missing(n) || (!ts_node_is_null(n) && strcmp(ts_node_type(n), "ERROR") == 0);
}

/* The first ERROR or MISSING node in document order, depth first. */
static bool
first_error(TSNode n, TSNode *out)
{
    TSTreeCursor c;
    bool found = false;

    if (!ts_node_has_error(n))
        return false;
    c = ts_tree_cursor_new(n);
    for (;;) {
        TSNode cur = ts_tree_cursor_current_node(&c);

        if (syntree_is_error(cur)) {
            *out = cur;
            found = true;
            break;
        }
        /* Descend only into subtrees that hold an error. */
        if (ts_node_has_error(cur) && ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c)) {
            if (!ts_tree_cursor_goto_parent(&c))
                goto done;
        }
    }
done:
    ts_tree_cursor_delete(&c);
    return found;
}

void
syntree_report_errors(TSNode root, values_file *vf, const char *rule, const char *what)
{
    TSNode e;

    if (first_error(root, &e)) {
        char *m = util_xasprintf("%s does not fully parse (tree-sitter); the unreadable part "
                                 "is skipped, the rest is checked", what);

        values_add_error(vf, rule, ts_node_start_byte(e), m);
        free(m);
    }
}

char *
syntree_text(const syntree *t, TSNode n)
{
    uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);

    if (e > t->len)
        e = (uint32_t) t->len;
    return util_xstrndup(t->text + s, e > s ? e - s : 0);
}

bool
syntree_is(TSNode n, const char *type)
{
    return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

TSNode
syntree_field(TSNode n, const char *name)
{
    return ts_node_child_by_field_name(n, name, (uint32_t) strlen(name));
}
