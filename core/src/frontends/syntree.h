/*
 * syntree.h — what the tree-sitter front-ends (shell, JavaScript/TypeScript)
 * share: parsing with a time limit, node text, error nodes.
 *
 * The grammars come from the npm packs tree-sitter-bash 0.23.3,
 * tree-sitter-javascript 0.23.1 and tree-sitter-typescript 0.23.2 (ABI 14),
 * compiled into the binary; the runtime is Debian's libtree-sitter.
 */
#ifndef PGR_SYNTREE_H
#define PGR_SYNTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <tree_sitter/api.h>

#include "frontends/values.h"

/* The grammars compiled in (their parser.c). */
const TSLanguage *tree_sitter_bash(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

/* A parse: the tree (NULL when parsing failed or timed out) and the text. */
typedef struct syntree {
    TSTree *tree;
    const char *text;
    size_t len;
} syntree;

/*
 * Parse text (len bytes) with lang, giving up after 1 s plus 10 us a byte.
 * Returns 0, or -1 with an error added to vf under rule (the parse failed
 * or timed out; t->tree is NULL).  Free with syntree_free.
 */
int syntree_parse(syntree *t, const TSLanguage *lang, const char *text, size_t len,
                  values_file *vf, const char *rule);
void syntree_free(syntree *t);

/* Record, under rule, the first ERROR or MISSING node below root, if any:
 * the front-ends skip those subtrees and read the rest. */
void syntree_report_errors(TSNode root, values_file *vf, const char *rule, const char *what);

/* Whether n is an ERROR node (its subtree is not walked). */
bool syntree_is_error(TSNode n);

/* A copy of n's source text (caller frees). */
char *syntree_text(const syntree *t, TSNode n);

/* Whether n's type is type. */
bool syntree_is(TSNode n, const char *type);

/* The child of field name, or a null node (ts_node_is_null). */
TSNode syntree_field(TSNode n, const char *name);

#endif
