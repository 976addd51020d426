/*
 * syntree.c — see syntree.h.
 */
#include "frontends/syntree.h"

#include <stdlib.h>
#include <string.h>

/*
 * A pathological file must not stall a pre-commit hook.  tree-sitter's
 * TypeScript and TSX error recovery loops for ever on some inputs of a few
 * bytes (tree-sitter-typescript issues #265, #323; "[''>{`p//`}/d-v>;" here),
 * so the time a file may take grows with its size: one second plus 10 us a
 * byte (100 kB/s, twenty times slower than ordinary code parses here, and
 * still above what it takes under ASan) -- not a flat 10 s per file, which
 * let a branch of a hundred such 17-byte files hold CI for 17 minutes.
 */
#define SYNTREE_BASE_MICROS 1000000u
#define SYNTREE_MICROS_PER_BYTE 10u

int
syntree_parse(syntree *t, const TSLanguage *lang, const char *text, size_t len,
              values_file *vf, const char *rule)
{
    TSParser *p = ts_parser_new();
    uint64_t budget;

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
    budget = SYNTREE_BASE_MICROS + (uint64_t) len * SYNTREE_MICROS_PER_BYTE;
    ts_parser_set_timeout_micros(p, budget);
    t->tree = ts_parser_parse_string(p, NULL, text, (uint32_t) len);
    ts_parser_delete(p);
    if (t->tree == NULL) {
        char *m = util_xasprintf("parsing took longer than %.1f s (the parser's error recovery "
                                 "looped?); the file was not checked", (double) budget / 1e6);

        values_add_error(vf, rule, 0, m);
        free(m);
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
