/*
 * cfgtree.c — the configuration's YAML as a small tree of maps, lists and
 * scalars, each node with its file, line and column (see config.h: cfg_load,
 * cfg_get, cfg_error, cfg_free), so that every mistake in .pgrampart.yml or
 * a rule pack is reported where it is written.  config.c reads the host's
 * keys from it.
 */
#include "host/config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static cfg_node *
new_node(cfg_kind kind, const yaml_mark_t *mark)
{
    cfg_node *n = util_xcalloc(1, sizeof *n);

    n->kind = kind;
    n->line = (uint32_t) mark->line + 1;
    n->column = (uint32_t) mark->column + 1;
    return n;
}

static void
add_child(cfg_node *parent, cfg_node *child)
{
    parent->items = util_xrealloc(parent->items, (parent->n + 1) * sizeof(cfg_node *));
    parent->items[parent->n++] = child;
}

void
cfg_free(cfg_node *n)
{
    size_t i;

    if (n == NULL)
        return;
    for (i = 0; i < n->n; i++)
        cfg_free(n->items[i]);
    free(n->items);
    free(n->scalar);
    free(n->own_file);
    free(n);
}

/* Point every node of the tree below n at file (the root owns it). */
static void
set_file(cfg_node *n, const char *file)
{
    size_t i;

    n->file = file;
    for (i = 0; i < n->n; i++)
        set_file(n->items[i], file);
}

char *
cfg_error(const char *path, const cfg_node *node, const char *message)
{
    return util_xasprintf("%s:%u:%u: %s", path, node ? node->line : 1,
                          node ? node->column : 1, message);
}

/* Build a tree from the parser's events; depth-limited. */
static int
build(yaml_parser_t *p, const char *path, cfg_node **out, char **err, int depth)
{
    yaml_event_t ev;
    cfg_node *n = NULL, *child;
    int rc = 0;

    /*
     * Stream and document events carry nothing: skip them in a loop (a
     * file of many empty documents must not deepen the stack).  The end of
     * the stream ends the input: an empty or comment-only file is an empty
     * configuration (*out stays NULL).  libyaml answers YAML_NO_EVENT for
     * ever after the end, so that must end the walk too.
     */
    for (;;) {
        if (!yaml_parser_parse(p, &ev)) {
            *err = util_xasprintf("%s:%zu:%zu: %s", path, p->problem_mark.line + 1,
                                  p->problem_mark.column + 1,
                                  p->problem ? p->problem : "invalid YAML");
            return -1;
        }
        if (ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_NO_EVENT) {
            yaml_event_delete(&ev);
            *out = NULL;
            return 0;
        }
        if (ev.type != YAML_STREAM_START_EVENT && ev.type != YAML_DOCUMENT_START_EVENT &&
            ev.type != YAML_DOCUMENT_END_EVENT)
            break;
        yaml_event_delete(&ev);
    }
    if (depth > 64) {
        *err = util_xasprintf("%s:%zu:%zu: nesting too deep", path,
                              ev.start_mark.line + 1, ev.start_mark.column + 1);
        yaml_event_delete(&ev);
        return -1;
    }
    switch (ev.type) {
    case YAML_SCALAR_EVENT:
        n = new_node(CFG_SCALAR, &ev.start_mark);
        n->scalar = util_xstrndup((const char *) ev.data.scalar.value, ev.data.scalar.length);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        n = new_node(ev.type == YAML_SEQUENCE_START_EVENT ? CFG_SEQ : CFG_MAP, &ev.start_mark);
        for (;;) {
            child = NULL;
            rc = build(p, path, &child, err, depth + 1);
            if (rc < 0) {
                cfg_free(n);
                n = NULL;
                break;
            }
            if (child == NULL)   /* the matching end event */
                break;
            if (n->kind == CFG_MAP && n->n % 2 == 0 && child->kind != CFG_SCALAR) {
                *err = cfg_error(path, child, "mapping keys must be plain scalars");
                cfg_free(child);
                cfg_free(n);
                n = NULL;
                rc = -1;
                break;
            }
            add_child(n, child);
        }
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        break;
    case YAML_ALIAS_EVENT:
        *err = util_xasprintf("%s:%zu:%zu: aliases are not allowed here", path,
                              ev.start_mark.line + 1, ev.start_mark.column + 1);
        rc = -1;
        break;
    default:
        break;
    }
    yaml_event_delete(&ev);
    *out = n;
    return rc;
}

int
cfg_load(const char *path, cfg_node **out, char **err)
{
    yaml_parser_t p;
    char *data;
    size_t len;
    const char *rerr;
    int rc;
    yaml_mark_t origin = { 0, 0, 0 };

    *out = NULL;
    if (util_read_file(path, 1 << 20, &data, &len, &rerr) != 0) {
        *err = util_xasprintf("%s: %s", path, rerr);
        return -1;
    }
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *) data, len);
    rc = build(&p, path, out, err, 0);
    yaml_parser_delete(&p);
    free(data);
    /* No document, or an empty one ("---" alone): an empty configuration. */
    if (rc == 0 && *out != NULL && (*out)->kind == CFG_SCALAR && (*out)->scalar[0] == '\0') {
        cfg_free(*out);
        *out = NULL;
    }
    if (rc == 0 && *out == NULL)
        *out = new_node(CFG_MAP, &origin);
    if (rc == 0 && (*out)->kind != CFG_MAP) {
        *err = cfg_error(path, *out, "expected a mapping at the top level");
        rc = -1;
    }
    if (rc != 0) {
        cfg_free(*out);
        *out = NULL;
        return rc;
    }
    (*out)->own_file = util_xstrdup(path);
    set_file(*out, (*out)->own_file);
    return rc;
}

const cfg_node *
cfg_get(const cfg_node *map, const char *key)
{
    size_t i;

    if (map == NULL || map->kind != CFG_MAP)
        return NULL;
    for (i = 0; i + 1 < map->n; i += 2)
        if (strcmp(map->items[i]->scalar, key) == 0)
            return map->items[i + 1];
    return NULL;
}

cfg_node *
cfg_new_map(void)
{
    yaml_mark_t origin = { 0, 0, 0 };

    return new_node(CFG_MAP, &origin);
}
