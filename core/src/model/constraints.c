/*
 * constraints.c — table constraints (pg_constraint): PRIMARY KEY, UNIQUE,
 * FOREIGN KEY, CHECK and EXCLUDE, from CREATE TABLE (column and table
 * constraints) and ALTER TABLE ADD / DROP / RENAME CONSTRAINT, following
 * their table through renames, moves and drops.  NOT NULL is left out (a
 * column property before PostgreSQL 18).
 *
 * A constraint written without a name gets the one PostgreSQL would give
 * it, so that the model and the catalog agree: ChooseConstraintName and
 * ChooseIndexName (src/backend/commands/indexcmds.c, catalog/pg_constraint.c)
 * build <table>_<columns>_<label> with makeObjectName's truncation to 63
 * bytes, and add 1, 2, ... to the label while the name is taken.
 */
#include "model/model_internal.h"

/* NAMEDATALEN - 1: the longest identifier PostgreSQL keeps. */
#define MAX_IDENT 63

static void
free_constraint(pgr_constraint *c)
{
    model_constraint *mc = (model_constraint *) c;

    strs_free(mc->ref_columns, mc->n_ref_columns);
    free((char *) c->schema);
    free((char *) c->table);
    free((char *) c->name);
    free((char *) c->references);
    strs_free(c->columns, c->n_columns);
    free_loc(&c->location);
}


/* The position of constraint name on schema.table, or -1. */
static long
constraint_at(const model *m, const char *schema, const char *table, const char *name)
{
    return index_find3((model_index *) &m->constraint_ix, &m->constraints, constraint_key, 0, schema, table,
                       name);
}

static void
remove_constraint_at(model *m, size_t i)
{
    pgr_constraint *c = util_vec_at(&m->constraints, i);

    /* By (schema, table, name) a key names one constraint; the lists by
     * table and by (schema, name) skip a removed one (groups.c). */
    index_removed(&m->constraint_ix, m->dup_keys, constraint_key, i, c);
    elem_bury(m, JV_CONSTRAINTS, i);
}

/* How many bytes of s, at most n, end on a UTF-8 character boundary
 * (pg_mbcliplen). */
static size_t
clip_utf8(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

/*
 * makeObjectName: name1_name2_label (name2 may be NULL), name1 and name2
 * shortened — the longer one first — until the whole fits in 63 bytes.
 * Caller frees.
 */
static char *
make_object_name(const char *name1, const char *name2, const char *label)
{
    size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
    size_t overhead = (name2 ? 1 : 0) + strlen(label) + 1, avail = MAX_IDENT - overhead;

    while (n1 + n2 > avail) {
        if (n1 > n2)
            n1--;
        else
            n2--;
    }
    n1 = clip_utf8(name1, n1);
    if (name2) {
        n2 = clip_utf8(name2, n2);
        return util_xasprintf("%.*s_%.*s_%s", (int) n1, name1, (int) n2, name2, label);
    }
    return util_xasprintf("%.*s_%s", (int) n1, name1, label);
}

/* ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: the
 * column names joined with "_", stopping once 63 bytes are passed.  NULL
 * for none.  Caller frees. */
static char *
name_addition(const char *const *columns, size_t n)
{
    util_buf b;
    size_t i;

    if (n == 0)
        return NULL;
    util_buf_init(&b);
    for (i = 0; i < n && b.len <= MAX_IDENT; i++) {
        if (i)
            util_buf_puts(&b, "_");
        util_buf_append(&b, columns[i], strnlen(columns[i], MAX_IDENT + 1));
    }
    return b.data;
}

/* Append to out the positions of the constraints named name in schema
 * (of any table).  The lists are built lazily, hence the cast. */
static void
constraints_named(const model *m, const char *schema, const char *name, util_vec *out)
{
    model *mm = (model *) m;

    owned_positions(mm, JV_CONSTRAINTS, &mm->constraint_names, constraint_name_owner, 0, schema, name, out);
}

static bool
constraint_name_taken(const model *m, const char *schema, const char *name)
{
    util_vec pos;
    bool taken;

    util_vec_init(&pos, sizeof(size_t));
    constraints_named(m, schema, name, &pos);
    taken = pos.len > 0;
    util_vec_free(&pos);
    return taken;
}

/* Whether a relation (table, view, index, or the index of a key) of schema
 * has the name. */
static bool
relation_name_taken(const model *m, const char *schema, const char *name)
{
    util_vec pos;
    size_t k;
    bool taken = false;

    if (table_index(m, schema, name) >= 0 || view_index(m, schema, name) >= 0 ||
        object_index(m, 'i', schema, name) >= 0)
        return true;
    /* The index of a key constraint is a relation of its name; a CHECK or
     * FOREIGN KEY of that name has none. */
    util_vec_init(&pos, sizeof(size_t));
    constraints_named(m, schema, name, &pos);
    for (k = 0; k < pos.len && !taken; k++)
        taken = strchr("pux", ((const pgr_constraint *) util_vec_at(&m->constraints,
                                                                  *(size_t *) util_vec_at(&pos, k)))->contype);
    util_vec_free(&pos);
    return taken;
}

/* ChooseRelationName (relation: the name must be a free relation name, and
 * for a key's index a free constraint name too) or ChooseConstraintName. */
static char *
choose_name(const model *m, const char *schema, const char *table, const char *addition,
            const char *label, bool relation, bool constraint)
{
    char modlabel[MAX_IDENT + 1];
    unsigned pass = 0;

    snprintf(modlabel, sizeof modlabel, "%s", label);
    for (;;) {
        char *name = make_object_name(table, addition, modlabel);

        if (!(relation && relation_name_taken(m, schema, name)) &&
            !(constraint && constraint_name_taken(m, schema, name)))
            return name;
        free(name);
        snprintf(modlabel, sizeof modlabel, "%s%u", label, ++pass);
    }
}

char *
choose_index_name(const model *m, const char *schema, const char *table, const char *const *columns,
                  size_t n, const char *label)
{
    char *add = strcmp(label, "pkey") == 0 ? NULL : name_addition(columns, n);
    char *name = choose_name(m, schema, table, add, label, true, strcmp(label, "idx") != 0);

    free(add);
    return name;
}

/* Collect the distinct column names an expression reads. */
static int
collect_column(const pgr_node *node, void *arg)
{
    const ProtobufCMessage *msg = (const ProtobufCMessage *) node;
    pgr_constraint *c = arg;
    const PgQuery__ColumnRef *ref;

    if (msg->descriptor != &pg_query__column_ref__descriptor)
        return 0;
    ref = (const PgQuery__ColumnRef *) msg;
    if (ref->n_fields > 0 && ref->fields[ref->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
        strs_add(&c->columns, &c->n_columns, ref->fields[ref->n_fields - 1]->string->sval);
    return 0;
}

/* Column names of a list of String (keys, fk_attrs) or IndexElem nodes. */
static void
add_names(pgr_constraint *c, PgQuery__Node *const *items, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const PgQuery__Node *x = items[i];

        if (x->node_case == PG_QUERY__NODE__NODE_STRING && x->string->sval && *x->string->sval)
            strs_add(&c->columns, &c->n_columns, x->string->sval);
        else if (x->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && x->index_elem->name &&
                 *x->index_elem->name)
            strs_add(&c->columns, &c->n_columns, x->index_elem->name);
        else if (x->node_case == PG_QUERY__NODE__NODE_LIST && x->list->n_items > 0)
            add_names(c, x->list->items, 1);   /* EXCLUDE's (element, operator) pair */
    }
}

/* The constraint's type letter, or 0 for one the model leaves out. */
static char
contype_of(PgQuery__ConstrType t)
{
    switch (t) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        return 'p';
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        return 'u';
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        return 'f';
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        return 'c';
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
        return 'x';
    default:
        return 0;
    }
}

/* The columns of constraint c (column: the column it is written on, or
 * NULL for a table constraint) into k. */
static void
constraint_columns(model *m, const pgr_table *t, const PgQuery__Constraint *c, const char *column,
                   pgr_constraint *k)
{
    if (c->indexname && *c->indexname) {
        long o = object_index(m, 'i', t->schema, c->indexname);

        if (o >= 0) {
            const pgr_object *ix = util_vec_at(&m->objects, (size_t) o);

            k->columns = strs_clone(ix->columns, ix->n_columns);
            k->n_columns = ix->n_columns;
        }
    } else if (k->contype == 'c') {
        if (c->raw_expr)
            sql_node_walk(sql_node_wrap(c->raw_expr), collect_column, k);
    } else if (k->contype == 'f' && c->n_fk_attrs > 0) {
        add_names(k, c->fk_attrs, c->n_fk_attrs);
    } else if (k->contype == 'x') {
        add_names(k, c->exclusions, c->n_exclusions);
    } else if (c->n_keys > 0) {
        add_names(k, c->keys, c->n_keys);
    }
    if (k->n_columns == 0 && column && k->contype != 'c')
        strs_add(&k->columns, &k->n_columns, column);
}

/* The name PostgreSQL gives an unnamed constraint k on t.  Caller frees. */
static char *
generated_name(const model *m, const pgr_table *t, const pgr_constraint *k)
{
    char *add, *name;

    switch (k->contype) {
    case 'p':
        return choose_index_name(m, t->schema, t->name, NULL, 0, "pkey");
    case 'u':
        return choose_index_name(m, t->schema, t->name, k->columns, k->n_columns, "key");
    case 'x':
        return choose_index_name(m, t->schema, t->name, k->columns, k->n_columns, "excl");
    case 'c':
        /* "tab_col_check" when the expression reads one column, else
         * "tab_check" (AddRelationNewConstraints). */
        return choose_name(m, t->schema, t->name, k->n_columns == 1 ? k->columns[0] : NULL, "check",
                           false, true);
    default:
        add = name_addition(k->columns, k->n_columns);
        name = choose_name(m, t->schema, t->name, add, "fkey", false, true);
        free(add);
        return name;
    }
}

/* A string field of the parse tree: protobuf-c gives "" for an absent one. */
static const char *
field(const char *s)
{
    return s && *s ? s : NULL;
}

/* The columns a foreign key references: those written, else the
 * referenced table's primary key (PostgreSQL docs CREATE TABLE,
 * REFERENCES). */
static void
referenced_columns(const model *m, const PgQuery__Constraint *c, model_constraint *mk)
{
    const char *schema = schema_of(m, c->pktable->schemaname);
    model *mm = (model *) m;
    util_vec pos;
    size_t i, k;

    for (i = 0; i < c->n_pk_attrs; i++)
        if (c->pk_attrs[i]->node_case == PG_QUERY__NODE__NODE_STRING)
            strs_add(&mk->ref_columns, &mk->n_ref_columns, c->pk_attrs[i]->string->sval);
    if (mk->n_ref_columns > 0)
        return;
    /* The first primary key of the table's constraints (the lists are
     * built lazily, hence the cast). */
    util_vec_init(&pos, sizeof(size_t));
    owned_positions(mm, JV_CONSTRAINTS, &mm->constraint_groups, constraint_owner, 0, schema,
                    c->pktable->relname, &pos);
    for (i = 0; i < pos.len; i++) {
        const pgr_constraint *o = util_vec_at(&m->constraints, *(size_t *) util_vec_at(&pos, i));

        if (o->contype != 'p')
            continue;
        for (k = 0; k < o->n_columns; k++)
            strs_add(&mk->ref_columns, &mk->n_ref_columns, o->columns[k]);
        break;
    }
    util_vec_free(&pos);
}

void
add_constraint(model *m, const pgr_table *t, const PgQuery__Constraint *c, const char *column,
               const pgr_location *loc)
{
    model_constraint mk;
    pgr_constraint *k = &mk.c;
    char contype = contype_of(c->contype);
    const char *conname = field(c->conname), *indexname = field(c->indexname);

    if (contype == 0)
        return;
    memset(&mk, 0, sizeof mk);
    k->contype = contype;
    constraint_columns(m, t, c, column, k);
    k->schema = util_xstrdup(t->schema);
    k->table = util_xstrdup(t->name);
    if (conname)
        k->name = util_xstrdup(conname);
    else if (indexname)
        k->name = util_xstrdup(indexname);
    else
        k->name = generated_name(m, t, k);
    /* ADD ... USING INDEX: the index becomes the constraint's (renamed to it). */
    if (indexname)
        drop_object(m, 'i', t->schema, indexname);
    if (contype == 'f' && c->pktable && c->pktable->relname) {
        k->references = util_xasprintf("%s.%s", schema_of(m, c->pktable->schemaname), c->pktable->relname);
        referenced_columns(m, c, &mk);
    }
    k->location = copy_loc(loc);
    /* A name already on the table: the statement failed in PostgreSQL. */
    if (constraint_at(m, k->schema, k->table, k->name) >= 0) {
        free_constraint(k);
        return;
    }
    *(model_constraint *) util_vec_push(&m->constraints) = mk;
    journal_push(m, JV_CONSTRAINTS);
}

static bool
same_keys(const pgr_constraint *a, const pgr_constraint *b)
{
    size_t i;

    if (a->n_columns != b->n_columns || a->n_columns == 0)
        return false;
    for (i = 0; i < a->n_columns; i++)
        if (strcmp(a->columns[i], b->columns[i]) != 0)
            return false;
    return true;
}

/*
 * A UNIQUE on the same columns as the PRIMARY KEY, or as an earlier UNIQUE,
 * of one statement is dropped as redundant (transformIndexConstraints:
 * "id serial UNIQUE, PRIMARY KEY (id)" makes one index).  Constraints
 * [from, len) are the statement's.
 */
static void
drop_redundant_keys(model *m, size_t from)
{
    size_t i = m->constraints.len, j;

    while (i-- > from) {
        const pgr_constraint *c = util_vec_at(&m->constraints, i);

        if (elem_gone(m, JV_CONSTRAINTS, i) || c->contype != 'u')
            continue;
        for (j = from; j < m->constraints.len; j++) {
            const pgr_constraint *o = util_vec_at(&m->constraints, j);

            if (j != i && !elem_gone(m, JV_CONSTRAINTS, j) && (o->contype == 'p' || (o->contype == 'u' && j < i)) &&
                !strcmp(o->table, c->table) && !strcmp(o->schema, c->schema) && same_keys(o, c)) {
                remove_constraint_at(m, i);
                break;
            }
        }
    }
}

void
add_table_constraints(model *m, const pgr_table *t, PgQuery__Node *const *elts, size_t n,
                      const pgr_location *loc)
{
    size_t i, k, from = m->constraints.len;

    for (i = 0; t && i < n; i++) {
        const PgQuery__Node *e = elts[i];

        if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            add_constraint(m, t, e->constraint, NULL, loc);
        } else if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && e->column_def->colname) {
            for (k = 0; k < e->column_def->n_constraints; k++)
                if (e->column_def->constraints[k]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
                    add_constraint(m, t, e->column_def->constraints[k]->constraint,
                                   e->column_def->colname, loc);
        }
    }
    drop_redundant_keys(m, from);
}

void
drop_constraint(model *m, const pgr_table *t, const char *name, bool cascade)
{
    long i = constraint_at(m, t->schema, t->name, name);
    const pgr_constraint *c;
    const char *const *cols;
    size_t n;
    bool key;
    char *q;

    if (i < 0)
        return;
    c = util_vec_at(&m->constraints, (size_t) i);
    cols = strs_clone(c->columns, c->n_columns);
    n = c->n_columns;
    key = strchr("pux", c->contype) != NULL;
    q = util_xasprintf("%s.%s", t->schema, t->name);
    remove_constraint_at(m, (size_t) i);
    /* The foreign keys that need this key's index go with it. */
    if (cascade && key)
        constraints_drop_referencing(m, q, cols, n);
    strs_free(cols, n);
    free(q);
}

static int
position_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *) a, y = *(const size_t *) b;

    return x < y ? -1 : x > y;
}

/* Into pos, ascending and once each, the constraints of table
 * schema.table (qualified: "schema.table") and the foreign keys that
 * reference it: a foreign key to its own table is in both lists. */
static void
table_constraints(model *m, const char *schema, const char *table, const char *qualified, util_vec *pos)
{
    size_t k, keep;

    owned_positions(m, JV_CONSTRAINTS, &m->constraint_groups, constraint_owner, 0, schema, table, pos);
    owned_positions(m, JV_CONSTRAINTS, &m->reference_groups, reference_owner, 'f', qualified, NULL, pos);
    if (pos->len > 1)
        qsort(pos->items, pos->len, sizeof(size_t), position_cmp);
    for (k = keep = 0; k < pos->len; k++)
        if (keep == 0 || *(size_t *) util_vec_at(pos, k) != *(size_t *) util_vec_at(pos, keep - 1))
            *(size_t *) util_vec_at(pos, keep++) = *(size_t *) util_vec_at(pos, k);
    pos->len = keep;
}

/* Rename constraint i to to: its key in the index by (schema, table,
 * name) and its place in the lists by (schema, name) follow. */
static void
rename_at(model *m, size_t i, const char *to)
{
    pgr_constraint *c = util_vec_at(&m->constraints, i);

    index_rekey_from(&m->constraint_ix, m->dup_keys, constraint_key, i, c);
    free((char *) c->name);
    c->name = util_xstrdup(to);
    index_rekey_to(&m->constraint_ix, constraint_key, i, c);
    groups_add(&m->constraint_names, i, 0, c->schema, c->name);
}

void
rename_constraint(model *m, const char *schema, const char *table, const char *from, const char *to)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_CONSTRAINTS, &m->constraint_groups, constraint_owner, 0, schema, table, &pos);
    for (k = 0; k < pos.len; k++) {
        size_t i = *(size_t *) util_vec_at(&pos, k);

        if (strcmp(((const pgr_constraint *) util_vec_at(&m->constraints, i))->name, from) == 0)
            rename_at(m, i, to);
    }
    util_vec_free(&pos);
}

void
rename_key_constraint(model *m, const char *schema, const char *from, const char *to)
{
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    constraints_named(m, schema, from, &pos);
    for (k = 0; k < pos.len; k++) {
        size_t i = *(size_t *) util_vec_at(&pos, k);

        if (strchr("pux", ((const pgr_constraint *) util_vec_at(&m->constraints, i))->contype)) {
            rename_at(m, i, to);
            break;
        }
    }
    util_vec_free(&pos);
}

/* The table schema.table was renamed or moved to to_schema.to_table: its
 * constraints and the foreign keys that reference it follow (through the
 * lists by table and by referenced table, not a walk of every one). */
void
constraints_move(model *m, const char *schema, const char *table, const char *to_schema,
                 const char *to_table)
{
    char *from = util_xasprintf("%s.%s", schema, table), *to = util_xasprintf("%s.%s", to_schema, to_table);
    util_vec pos;
    size_t k;

    util_vec_init(&pos, sizeof(size_t));
    table_constraints(m, schema, table, from, &pos);
    for (k = 0; k < pos.len; k++) {
        size_t i = *(size_t *) util_vec_at(&pos, k);
        pgr_constraint *c = util_vec_at(&m->constraints, i);

        journal_change(m, JV_CONSTRAINTS, i);
        c = util_vec_at(&m->constraints, i);
        if (!strcmp(c->schema, schema) && !strcmp(c->table, table)) {
            index_rekey_from(&m->constraint_ix, m->dup_keys, constraint_key, i, c);
            free((char *) c->schema);
            free((char *) c->table);
            c->schema = util_xstrdup(to_schema);
            c->table = util_xstrdup(to_table);
            index_rekey_to(&m->constraint_ix, constraint_key, i, c);
            groups_add(&m->constraint_names, i, 0, c->schema, c->name);
        }
        if (c->references && !strcmp(c->references, from)) {
            free((char *) c->references);
            c->references = util_xstrdup(to);
        }
    }
    groups_move(&m->constraint_groups, 0, schema, table, to_schema, to_table);
    groups_move(&m->reference_groups, 'f', from, NULL, to, NULL);
    util_vec_free(&pos);
    free(from);
    free(to);
}

/* A table's constraints go with it, and so do the foreign keys that point
 * at it (PostgreSQL refuses the DROP unless they are gone or CASCADE drops
 * them). */
void
constraints_drop_table(model *m, const char *schema, const char *table)
{
    char *q = util_xasprintf("%s.%s", schema, table);
    util_vec pos;
    size_t j, i;

    util_vec_init(&pos, sizeof(size_t));
    table_constraints(m, schema, table, q, &pos);
    /* Highest first, as before. */
    for (j = pos.len; j-- > 0;) {
        i = *(size_t *) util_vec_at(&pos, j);
        remove_constraint_at(m, i);
    }
    util_vec_free(&pos);
    free(q);
}

/* DROP COLUMN drops the table's constraints involving it (ALTER TABLE). */
void
constraints_drop_column(model *m, const char *schema, const char *table, const char *column)
{
    util_vec pos;
    size_t i, j, k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_CONSTRAINTS, &m->constraint_groups, constraint_owner, 0, schema, table, &pos);
    for (j = pos.len; j-- > 0;) {
        const pgr_constraint *c;

        i = *(size_t *) util_vec_at(&pos, j);
        c = util_vec_at(&m->constraints, i);
        for (k = 0; k < c->n_columns; k++) {
            if (strcmp(c->columns[k], column) == 0) {
                remove_constraint_at(m, i);
                break;
            }
        }
    }
    util_vec_free(&pos);
}

void
constraints_rename_column(model *m, const char *schema, const char *table, const char *from,
                          const char *to)
{
    util_vec pos;
    size_t j, k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_CONSTRAINTS, &m->constraint_groups, constraint_owner, 0, schema, table, &pos);
    for (j = 0; j < pos.len; j++) {
        pgr_constraint *c = util_vec_at(&m->constraints, *(size_t *) util_vec_at(&pos, j));

        for (k = 0; k < c->n_columns; k++) {
            if (strcmp(c->columns[k], from) == 0) {
                free((char *) c->columns[k]);
                ((const char **) c->columns)[k] = util_xstrdup(to);
            }
        }
    }
    util_vec_free(&pos);
}

void
constraints_drop_referencing(model *m, const char *qualified, const char *const *columns, size_t n)
{
    util_vec pos;
    size_t i, j, k;

    util_vec_init(&pos, sizeof(size_t));
    owned_positions(m, JV_CONSTRAINTS, &m->reference_groups, reference_owner, 'f', qualified, NULL, &pos);
    for (j = pos.len; j-- > 0;) {
        const model_constraint *mc;
        bool same;

        i = *(size_t *) util_vec_at(&pos, j);
        mc = util_vec_at(&m->constraints, i);
        same = mc->c.contype == 'f' && mc->n_ref_columns == n && n > 0;
        for (k = 0; same && k < n; k++)
            same = strcmp(mc->ref_columns[k], columns[k]) == 0;
        if (same)
            remove_constraint_at(m, i);
    }
    util_vec_free(&pos);
}

void
view_constraints(model *m, pgr_model *out)
{
    size_t i;

    m->view_constraints.len = 0;
    for (i = 0; i < m->constraints.len; i++)
        if (!elem_gone(m, JV_CONSTRAINTS, i))
            *(pgr_constraint *) util_vec_push(&m->view_constraints) =
                ((const model_constraint *) util_vec_at(&m->constraints, i))->c;
    out->n_constraints = m->view_constraints.len;
    out->constraints = m->view_constraints.items;
}

void
model_put_constraint(model *m, const char *schema, const char *table, const char *name, char contype,
                     const char *const *columns, size_t n_columns, const char *references,
                     const pgr_location *loc)
{
    model_constraint *mc = util_vec_push(&m->constraints);
    pgr_constraint *c = &mc->c;
    size_t i;

    memset(mc, 0, sizeof *mc);
    c->schema = util_xstrdup(schema);
    c->table = util_xstrdup(table);
    c->name = util_xstrdup(name);
    c->contype = contype;
    for (i = 0; i < n_columns; i++)
        strs_add(&c->columns, &c->n_columns, columns[i]);
    c->references = dup_or_null(references);
    c->location = copy_loc(loc);
}

void
constraints_clone(const model *src, model *dst)
{
    size_t i;

    for (i = 0; i < src->constraints.len; i++) {
        const model_constraint *s = util_vec_at(&src->constraints, i);
        model_constraint *d;

        if (elem_gone(src, JV_CONSTRAINTS, i))
            continue;
        model_put_constraint(dst, s->c.schema, s->c.table, s->c.name, s->c.contype, s->c.columns,
                             s->c.n_columns, s->c.references, &s->c.location);
        d = util_vec_at(&dst->constraints, dst->constraints.len - 1);
        d->ref_columns = strs_clone(s->ref_columns, s->n_ref_columns);
        d->n_ref_columns = s->n_ref_columns;
    }
}

model_constraint
constraint_clone(const model_constraint *s)
{
    model_constraint d = *s;

    d.c.schema = util_xstrdup(s->c.schema);
    d.c.table = util_xstrdup(s->c.table);
    d.c.name = util_xstrdup(s->c.name);
    d.c.references = dup_or_null(s->c.references);
    d.c.columns = strs_clone(s->c.columns, s->c.n_columns);
    d.c.location = copy_loc(&s->c.location);
    d.ref_columns = strs_clone(s->ref_columns, s->n_ref_columns);
    return d;
}

void
constraint_free(model_constraint *c)
{
    free_constraint(&c->c);
}

void
constraints_free(model *m)
{
    size_t i;

    for (i = 0; i < m->constraints.len; i++)
        if (!elem_gone(m, JV_CONSTRAINTS, i))
            free_constraint(util_vec_at(&m->constraints, i));
    util_vec_free(&m->constraints);
    util_vec_free(&m->view_constraints);
}
