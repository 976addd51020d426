/*
 * yamlserver_internal.h — what yamlserver.c shares with yamlcompose.c: the
 * file being read and the YAML helpers both use.  Not for other modules.
 */
#ifndef PGR_YAMLSERVER_INTERNAL_H
#define PGR_YAMLSERVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "model/model.h"
#include "util.h"

/* One YAML file being read. */
typedef struct yserver {
    const char *path;
    const char *text;          /* what libyaml read: the file, or it with its
                                * template actions blanked (same offsets) */
    const unsigned char *mask; /* nonzero at template action bytes, or NULL */
    size_t len;
    util_lines lines;
    model *m;
    char *overlay[3];          /* per PGCONF_* kind - 1: embedded text, or NULL */
    bool helm_values;          /* a Helm values file, by its name */
} yserver;

/* The byte offset of a libyaml mark (marks count characters). */
size_t yserver_byte_offset(const yserver *s, const yaml_mark_t *mk);

/* Whether n is the scalar want. */
bool yserver_scalar_equals(const yaml_node_t *n, const char *want);

/* The value of key (key_len bytes) in mapping map (the first), or NULL. */
yaml_node_t *yserver_map_get(yaml_document_t *d, const yaml_node_t *map, const char *key, size_t key_len);

/* Where a scalar's value starts: after the opening quote of a quoted one. */
size_t yserver_content_offset(const yserver *s, const yaml_node_t *n);

/* A known value of a scalar node (borrowed), or NULL: not a scalar, empty,
 * or written with a template action. */
const char *yserver_known_scalar(const yserver *s, const yaml_node_t *n);

/* A YAML 1.1 boolean as the server spells it (off, on); other values as
 * they are. */
const char *yserver_server_value(const char *v);

/* Set the model's origin to where key is written. */
void yserver_set_origin(yserver *s, const yaml_node_t *key);

/* The compose file's services (yamlcompose.c): the settings a PostgreSQL
 * service's command line gives its server. */
void yserver_walk_compose(yserver *s, yaml_document_t *d, const yaml_node_t *services);

#endif
