/*
 * journal.c — undoing what statements did to a model (model.h:
 * model_journal_begin).  Replaying a history judges each down on the model
 * after its up; copying the whole model for each down made a history of n
 * migrations O(n^2) (issue 15).  Instead the down runs on the model itself
 * while a journal records, per element of the model's vectors, that it was
 * appended, changed (with a deep copy of its old value, taken before the
 * change) or removed (the element itself, at its position); the undo walks
 * the records backwards, so a down costs what it changes.
 */
#include "model/model_internal.h"

enum { OP_PUSH, OP_CHANGE, OP_REMOVE };

/* How many indexes a model has (index.c: indexes_apply). */
enum { N_INDEXES = 11 };

/* One record: what happened to the element at pos of vector vec; elem (a
 * malloc'd element, owned) is its old value (OP_CHANGE) or the element
 * removed (OP_REMOVE), NULL for OP_PUSH. */
typedef struct journal_op {
    int vec;
    int op;
    size_t pos;
    void *elem;
} journal_op;

struct model_journal {
    const model *m;                 /* the model it records */
    util_vec ops;                   /* of journal_op, in order */
    /* The session state and flags statements change, as they were. */
    uint32_t next_oid;
    char *default_schema;
    bool dup_keys;
    int public_schema_create;
    int default_public_execute;
    size_t deep_lines;
    /* The indexes' state: their maps are not touched while frozen. */
    model_index saved_ix[N_INDEXES];
};

/* The indexes of m, in indexes_apply's order. */
static model_index *
index_at(model *m, size_t k)
{
    model_index *all[N_INDEXES] = {
        &m->table_ix, &m->policy_ix, &m->role_ix, &m->acl_ix, &m->function_ix, &m->view_ix,
        &m->object_ix, &m->column_ix, &m->member_ix, &m->oid_ix, &m->constraint_ix
    };

    return all[k];
}

/* A malloc'd deep copy of element e of vector vec. */
static void *
clone_elem(int vec, const void *e, size_t size)
{
    void *c = util_xmalloc(size);

    switch (vec) {
    case JV_TABLES:
        *(pgr_table *) c = clone_table(e);
        break;
    case JV_ACL:
        *(pgr_acl_item *) c = clone_acl_item(e);
        break;
    case JV_ROLES:
        *(pgr_role *) c = clone_role(e);
        break;
    case JV_POLICIES:
        *(pgr_policy *) c = clone_policy(e);
        break;
    case JV_FUNCTIONS:
        *(model_function *) c = clone_function(e);
        break;
    case JV_VIEWS:
        *(pgr_view *) c = clone_view(e);
        break;
    case JV_OBJECTS:
        *(pgr_object *) c = clone_object(e);
        break;
    case JV_CONSTRAINTS:
        *(model_constraint *) c = constraint_clone(e);
        break;
    case JV_COLUMN_INFO:
        *(column_info *) c = column_info_clone(e);
        break;
    case JV_INDEX_DEPS:
        *(index_dep *) c = index_dep_clone(e);
        break;
    }
    return c;
}

static void
record(model *m, int vec, int op, size_t pos, void *elem)
{
    journal_op *o = util_vec_push(&m->journal->ops);

    o->vec = vec;
    o->op = op;
    o->pos = pos;
    o->elem = elem;
}

void
journal_push(model *m, int vec)
{
    if (m->journal)
        record(m, vec, OP_PUSH, model_vec(m, vec)->len - 1, NULL);
}

void
journal_change(model *m, int vec, size_t i)
{
    util_vec *v;

    if (m->journal == NULL)
        return;
    v = model_vec(m, vec);
    record(m, vec, OP_CHANGE, i, clone_elem(vec, util_vec_at(v, i), v->elem_size));
}

bool
journal_take(model *m, int vec, size_t i, const void *elem)
{
    size_t size;
    void *copy;

    if (m->journal == NULL)
        return false;
    size = model_vec(m, vec)->elem_size;
    copy = util_xmalloc(size);
    memcpy(copy, elem, size);
    record(m, vec, OP_REMOVE, i, copy);
    return true;
}

bool
journal_dup_keys(const model_journal *j)
{
    return j->m->dup_keys;
}

size_t
journal_length(const model_journal *j)
{
    return j->ops.len;
}

bool
journal_placed(const model_journal *j, size_t i, int vec, size_t *pos)
{
    const journal_op *o = util_vec_at(&j->ops, i);

    *pos = o->pos;
    return o->vec == vec && o->op != OP_REMOVE;
}

/*
 * Let the indexes whose keys name one object each (tables, grants,
 * policies, roles, functions, views, objects, constraints by name) serve
 * lookups while frozen: a built index, brought up to its vector, maps each
 * key to its object's position before the journal, which the records
 * add to; removals leave positions where they are (gone.c), so a position
 * is still good unless it was removed (index.c: frozen_find).  The others
 * scan.
 */
static void
journal_indexes(model *m, model_journal *j)
{
    static const struct {
        int vec;
        key_fn key;
    } of[] = {
        { JV_TABLES, table_key }, { JV_POLICIES, policy_index_key }, { JV_ROLES, role_key },
        { JV_ACL, acl_key }, { JV_FUNCTIONS, function_key }, { JV_VIEWS, view_key },
        { JV_OBJECTS, object_key }, { JV_CONSTRAINTS, constraint_key }
    };
    model_index *ix[] = {
        &m->table_ix, &m->policy_ix, &m->role_ix, &m->acl_ix, &m->function_ix, &m->view_ix,
        &m->object_ix, &m->constraint_ix
    };
    size_t k;

    for (k = 0; k < sizeof ix / sizeof ix[0]; k++) {
        if (!ix[k]->built)
            continue;
        index_catch_up(ix[k], model_vec(m, of[k].vec), of[k].key);
        ix[k]->journal = j;
        ix[k]->vec = of[k].vec;
    }
}

void
model_journal_begin(model *m)
{
    model_journal *j = util_xcalloc(1, sizeof *j);
    size_t k;

    j->m = m;
    journal_indexes(m, j);
    util_vec_init(&j->ops, sizeof(journal_op));
    j->next_oid = m->next_oid;
    j->default_schema = dup_or_null(m->default_schema);
    j->dup_keys = m->dup_keys;
    j->public_schema_create = m->public_schema_create;
    j->default_public_execute = m->default_public_execute;
    j->deep_lines = m->deep_lines.len;
    for (k = 0; k < N_INDEXES; k++) {
        j->saved_ix[k] = *index_at(m, k);
        index_at(m, k)->frozen = true;
    }
    groups_catch_up(m);
    groups_apply(m, groups_freeze);
    m->journal = j;
}

/* Undo one record. */
static void
undo_op(model *m, const journal_op *o)
{
    util_vec *v = model_vec(m, o->vec);
    size_t size = v->elem_size;

    switch (o->op) {
    case OP_PUSH:
        v->len--;
        if (o->vec == JV_COLUMN_INFO)
            column_info_forget(m, util_vec_at(v, v->len));
        elem_free(o->vec, util_vec_at(v, v->len));
        break;
    case OP_CHANGE:
        elem_free(o->vec, util_vec_at(v, o->pos));
        memcpy(util_vec_at(v, o->pos), o->elem, size);
        break;
    case OP_REMOVE:
        /* Its slot was only marked gone (gone.c): it goes back in place. */
        memcpy(util_vec_at(v, o->pos), o->elem, size);
        elem_unbury(m, o->vec, o->pos);
        break;
    }
}

void
model_journal_undo(model *m)
{
    model_journal *j = m->journal;
    size_t k;

    if (j == NULL)
        return;
    m->journal = NULL;
    for (k = j->ops.len; k-- > 0;) {
        journal_op *o = util_vec_at(&j->ops, k);

        undo_op(m, o);
        free(o->elem);
    }
    util_vec_free(&j->ops);
    m->next_oid = j->next_oid;
    free(m->default_schema);
    m->default_schema = j->default_schema;
    m->dup_keys = j->dup_keys;
    m->public_schema_create = j->public_schema_create;
    m->default_public_execute = j->default_public_execute;
    m->deep_lines.len = j->deep_lines;
    /* The vectors are as they were: so are the maps, untouched since. */
    for (k = 0; k < N_INDEXES; k++) {
        *index_at(m, k) = j->saved_ix[k];
        index_at(m, k)->frozen = false;
        index_at(m, k)->journal = NULL;
    }
    groups_apply(m, groups_thaw);
    free(j);
}

/* Whether a GRANT / REVOKE names its objects one by one. */
static bool
grant_supported(const PgQuery__GrantStmt *g)
{
    return g->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_OBJECT;
}

bool
model_journal_supports(const PgQuery__Node *n)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_DO_STMT:
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
        return false;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        return grant_supported(n->grant_stmt);
    case PG_QUERY__NODE__NODE_DROP_STMT:
        return n->drop_stmt->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        return n->rename_stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
        return n->alter_object_schema_stmt->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE;
    default:
        return true;
    }
}

/* Append deep copies of the objects of vector vec at positions pos (n of
 * them) of m to the same vector of dst. */
static void
copy_positions(model *m, model *dst, int vec, const util_vec *pos)
{
    util_vec *from = model_vec(m, vec), *to = model_vec(dst, vec);
    size_t k;

    for (k = 0; k < pos->len; k++) {
        void *c = clone_elem(vec, util_vec_at(from, *(size_t *) util_vec_at(pos, k)), from->elem_size);

        memcpy(util_vec_push(to), c, from->elem_size);
        free(c);
    }
}

void
model_copy_touched(model *m, const model_touched *t, model *dst)
{
    /* TOUCH_* kind -> vector (default privileges: model_journal_supports
     * leaves them out of journaled downs, so they are copied whole). */
    static const int vecs[TOUCH_KINDS] = {
        JV_TABLES, JV_POLICIES, JV_FUNCTIONS, JV_ROLES, JV_ACL, JV_VIEWS, JV_OBJECTS, -1
    };
    util_vec pos;
    size_t i;
    int k;

    util_vec_init(&pos, sizeof(size_t));
    for (k = 0; k < TOUCH_KINDS; k++) {
        if (vecs[k] < 0)
            continue;
        pos.len = 0;
        model_touched_positions(m, t, k, &pos);
        copy_positions(m, dst, vecs[k], &pos);
    }
    util_vec_free(&pos);
    for (i = 0; i < m->default_acl.len; i++)
        *(pgr_acl_item *) util_vec_push(&dst->default_acl) =
            clone_acl_item(util_vec_at(&m->default_acl, i));
    dst->server_version = m->server_version;
    dst->public_schema_create = m->public_schema_create;
    dst->next_oid = m->next_oid;
    /* Every object of dst is one the set names: its positions are found
     * by a scan of the small model, which also finds each of several
     * objects sharing a name. */
    dst->dup_keys = true;
    free_loc(&dst->origin);
    dst->origin = copy_loc(&m->origin);
}
