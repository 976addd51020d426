/*
 * sql_node.c — generic, read-only access to libpg_query's protobuf parse
 * tree through protobuf-c's descriptors, so that plugins can inspect any
 * statement without including or linking libpg_query.
 */
#include "frontends/sql.h"

#include <string.h>

/* Field value address inside a message. */
static const void *
field_addr(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
    return (const char *) m + fd->offset;
}

/* For a member of a oneof, whether it is the member that is set. */
static int
oneof_is_set(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
    if (!(fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
        return 1;
    return *(const uint32_t *) ((const char *) m + fd->quantifier_offset) == fd->id;
}

/* libpg_query wraps every polymorphic child in a Node message with a oneof;
 * plugins see the concrete message. */
static const ProtobufCMessage *
unwrap(const ProtobufCMessage *m)
{
    const PgQuery__Node *n;
    const ProtobufCFieldDescriptor *fd;

    if (m == NULL || m->descriptor != &pg_query__node__descriptor)
        return m;
    n = (const PgQuery__Node *) m;
    if (n->node_case == PG_QUERY__NODE__NODE__NOT_SET)
        return NULL;
    fd = protobuf_c_message_descriptor_get_field(m->descriptor, (unsigned) n->node_case);
    if (fd == NULL)
        return NULL;
    return *(ProtobufCMessage *const *) field_addr(m, fd);
}

static const ProtobufCFieldDescriptor *
lookup(const pgr_node *node, const char *field, const ProtobufCMessage **msg)
{
    const ProtobufCMessage *m = (const ProtobufCMessage *) node;

    if (m == NULL || field == NULL)
        return NULL;
    *msg = m;
    return protobuf_c_message_descriptor_get_field_by_name(m->descriptor, field);
}

const pgr_node *
sql_node_wrap(const PgQuery__Node *node)
{
    return (const pgr_node *) unwrap(&node->base);
}

const char *
sql_node_tag(const pgr_node *node)
{
    const ProtobufCMessage *m = (const ProtobufCMessage *) node;

    return m ? m->descriptor->short_name : NULL;
}

const pgr_node *
sql_node_child(const pgr_node *node, const char *field)
{
    const ProtobufCMessage *m = NULL;
    const ProtobufCFieldDescriptor *fd = lookup(node, field, &m);

    if (fd == NULL || fd->type != PROTOBUF_C_TYPE_MESSAGE ||
        fd->label == PROTOBUF_C_LABEL_REPEATED || !oneof_is_set(m, fd))
        return NULL;
    return (const pgr_node *) unwrap(*(ProtobufCMessage *const *) field_addr(m, fd));
}

size_t
sql_node_list_length(const pgr_node *node, const char *field)
{
    const ProtobufCMessage *m = NULL;
    const ProtobufCFieldDescriptor *fd = lookup(node, field, &m);

    if (fd == NULL || fd->label != PROTOBUF_C_LABEL_REPEATED ||
        fd->type != PROTOBUF_C_TYPE_MESSAGE)
        return 0;
    return *(const size_t *) ((const char *) m + fd->quantifier_offset);
}

const pgr_node *
sql_node_list_item(const pgr_node *node, const char *field, size_t i)
{
    const ProtobufCMessage *m = NULL;
    const ProtobufCFieldDescriptor *fd = lookup(node, field, &m);
    ProtobufCMessage *const *items;

    if (i >= sql_node_list_length(node, field))
        return NULL;
    items = *(ProtobufCMessage *const *const *) field_addr(m, fd);
    return (const pgr_node *) unwrap(items[i]);
}

const char *
sql_node_string(const pgr_node *node, const char *field)
{
    const ProtobufCMessage *m = NULL;
    const ProtobufCFieldDescriptor *fd = lookup(node, field, &m);
    const ProtobufCEnumValue *ev;
    const char *s;

    if (fd == NULL || fd->label == PROTOBUF_C_LABEL_REPEATED || !oneof_is_set(m, fd))
        return NULL;
    if (fd->type == PROTOBUF_C_TYPE_STRING) {
        s = *(const char *const *) field_addr(m, fd);
        return (s && *s) ? s : NULL;
    }
    if (fd->type == PROTOBUF_C_TYPE_ENUM) {
        ev = protobuf_c_enum_descriptor_get_value(fd->descriptor,
                                                  *(const int *) field_addr(m, fd));
        return ev ? ev->name : NULL;
    }
    return NULL;
}

int64_t
sql_node_int(const pgr_node *node, const char *field, int64_t dflt)
{
    const ProtobufCMessage *m = NULL;
    const ProtobufCFieldDescriptor *fd = lookup(node, field, &m);
    const void *p;

    if (fd == NULL || fd->label == PROTOBUF_C_LABEL_REPEATED || !oneof_is_set(m, fd))
        return dflt;
    p = field_addr(m, fd);
    switch (fd->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM:
        return *(const int32_t *) p;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return *(const uint32_t *) p;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return *(const int64_t *) p;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return (int64_t) *(const uint64_t *) p;
    case PROTOBUF_C_TYPE_BOOL:
        return *(const protobuf_c_boolean *) p ? 1 : 0;
    default:
        return dflt;
    }
}

/* Depth-first walk over the message-typed fields; returns nonzero when the
 * visitor asked to stop. */
static int
walk(const ProtobufCMessage *m, int (*visit)(const pgr_node *, void *), void *arg, int depth)
{
    const ProtobufCMessageDescriptor *d;
    unsigned i;

    m = unwrap(m);
    /* Parse trees are shallow; the bound only guards against a cycle. */
    if (m == NULL || depth > 10000)
        return 0;
    if (visit((const pgr_node *) m, arg))
        return 1;
    d = m->descriptor;
    for (i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[i];

        if (fd->type != PROTOBUF_C_TYPE_MESSAGE || !oneof_is_set(m, fd))
            continue;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *) ((const char *) m + fd->quantifier_offset), k;
            ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *) field_addr(m, fd);

            for (k = 0; k < n; k++)
                if (walk(items[k], visit, arg, depth + 1))
                    return 1;
        } else if (walk(*(ProtobufCMessage *const *) field_addr(m, fd), visit, arg, depth + 1)) {
            return 1;
        }
    }
    return 0;
}

void
sql_node_walk(const pgr_node *node, int (*visit)(const pgr_node *, void *), void *arg)
{
    walk((const ProtobufCMessage *) node, visit, arg, 0);
}

size_t
sql_tree_depth(const ProtobufCMessage *m, size_t limit)
{
    const ProtobufCMessageDescriptor *d;
    size_t best = 0, sub, i, k;

    if (m == NULL)
        return 0;
    if (limit == 0)
        return 1;
    d = m->descriptor;
    /* A Node wraps one child (a oneof of some 250 fields): go to it
     * directly, not over every field (issue 15: the loop was 7 % of a
     * check of the SQL set).  The same depth: one level, then the child's. */
    if (d == &pg_query__node__descriptor) {
        const ProtobufCMessage *child = unwrap(m);

        return child ? 1 + sql_tree_depth(child, limit - 1) : 1;
    }
    for (i = 0; i < d->n_fields && best < limit; i++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[i];

        if (fd->type != PROTOBUF_C_TYPE_MESSAGE || !oneof_is_set(m, fd))
            continue;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *) ((const char *) m + fd->quantifier_offset);
            ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *) field_addr(m, fd);

            for (k = 0; k < n && best < limit; k++)
                if ((sub = sql_tree_depth(items[k], limit - 1)) > best)
                    best = sub;
        } else if ((sub = sql_tree_depth(*(ProtobufCMessage *const *) field_addr(m, fd),
                                         limit - 1)) > best) {
            best = sub;
        }
    }
    return best + 1;
}
