/*
 * rollback_flow.c — what a migration set's statements say about its data,
 * for the rollback plugin: which values an up copies elsewhere before it
 * drops them (so that the drop loses nothing), and which statement drops
 * each table and column (so that a finding points at it).  Gathered from
 * the statements, which the host delivers before it replays the first
 * migration; freed by flow_free.
 */
#include "rollback_flow.h"

#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Values an up copies elsewhere before dropping them are not lost (issue
 * 12: documenso moves "customerId" from User to Subscription, turns a
 * relation around, backfills createdAt from created in one migration and
 * drops created in the next).  copied holds "up path<TAB>schema.table
 * [.column]" for each: a table whose rows INSERT ... SELECT, CREATE TABLE
 * AS or UPDATE ... FROM read, a table CREATE TABLE AS rebuilds, and every
 * column a statement that moves values reads (note_columns).  The host
 * delivers every statement before it replays the first migration, so the
 * copies of the whole set are known when a drop is judged (rows_copied).
 */
typedef struct copy_rec {
    char *key;               /* "up path<TAB>schema.table[.column]" */
    int here_only;           /* counts for a drop in the same up only */
    unsigned long seq;       /* the statement's ordinal (see stmt_seq) */
    size_t next;             /* 1 + the next record copying the same object; 0: none */
} copy_rec;

static copy_rec *copied;
static size_t n_copied, cap_copied;

/*
 * The copies by what they copy, and the migrations of the set being judged
 * by up path, so that flow_rows_copied follows the copies of one object
 * rather than scanning every copy for every earlier migration (issue 15:
 * O(migrations x copies) per dropped object).  Both are hsearch_r tables
 * whose data is 1 + an index (the first record of an object, chained
 * through copy_rec.next; a migration's position); built on first use,
 * again when copies were noted since, and dropped when a new set begins
 * (flow_new_set: the host may hand each set at the same address).
 */
static struct hsearch_data by_object, by_path;
static char **index_keys;          /* the keys both tables own */
static size_t n_index_keys;
static size_t indexed_copies;      /* n_copied when by_object was built */
static int index_built;

/* The ordinal of the statement being noted, counted over the run from 1:
 * the host delivers each up's statements in file order, so within one up
 * a smaller ordinal is an earlier statement (a copy after a rename). */
static unsigned long stmt_seq;

/*
 * ALTER TABLE t RENAME TO u in an up (issue 12: authelia's V0003 renames
 * webauthn_devices to _bkp_UP_V0003_webauthn_devices, recreates
 * webauthn_devices with a longer kid, refills it by INSERT ... SELECT from
 * the backup and drops the backup: rename-and-rebuild, no row lost).  The
 * model sees the old table (by oid) vanish; the copy and the drop name the
 * backup, so both are followed through the renames of the same up.
 */
typedef struct rename_rec {
    char *path;              /* the up file */
    char *schema;            /* NULL: unqualified */
    char *from;
    char *to;                /* same schema as from */
    unsigned long seq;
} rename_rec;

static rename_rec *renames;
static size_t n_renames, cap_renames;

/* A table renamed into another renamed into another ... is followed this
 * deep at most (a cycle of renames must not recurse without end). */
#define RENAME_DEPTH_MAX 8

typedef struct copy_scan {
    const char *path;
} copy_scan;

/* Room for one more element of size bytes in arr, which holds n of *cap
 * (doubling, first elements at least): returns arr or its reallocation;
 * aborts when memory runs out, as the rest of the plugin does. */
static void *
grow_array(void *arr, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? *cap * 2 : first;
    arr = realloc(arr, *cap * size);
    if (arr == NULL)
        abort();
    return arr;
}

/* Record "up path<TAB>schema.table[.column]" (column may be NULL): the up
 * copied that table's rows, or that column's values (or what they
 * determine), elsewhere before dropping it.  here_only: the copy answers
 * a drop in the same up only (see rows_copied). */
static void
note_copied(const char *path, const char *schema, const char *table, const char *column,
            int here_only)
{
    size_t len = strlen(path) + strlen(table) + (column ? strlen(column) + 1 : 0) +
                 (schema ? strlen(schema) : 6) + 3;

    copied = grow_array(copied, n_copied, &cap_copied, sizeof(copy_rec), 64);
    copied[n_copied].here_only = here_only;
    copied[n_copied].seq = stmt_seq;
    copied[n_copied].key = malloc(len);
    if (copied[n_copied].key == NULL)
        abort();
    snprintf(copied[n_copied++].key, len, "%s\t%s.%s%s%s", path, schema ? schema : "public", table,
             column ? "." : "", column ? column : "");
}

/* Whether path (an up) renamed some table to schema.table before the
 * statement being noted: a backup that rename-and-rebuild reads back. */
static int
is_rename_target(const char *path, const char *schema, const char *table)
{
    size_t i;

    for (i = 0; i < n_renames && path != NULL; i++)
        if (renames[i].path != NULL && strcmp(renames[i].path, path) == 0 &&
            strcmp(renames[i].to, table) == 0 &&
            (schema == NULL || renames[i].schema == NULL || strcmp(renames[i].schema, schema) == 0))
            return 1;
    return 0;
}

/* Note a relation whose rows a statement reads.  A backup the same up made
 * by a rename is refilled into the rebuilt table: its rows are copied for a
 * later up that drops the backup too (here_only 0), unlike a table read
 * into a cache or an index (see flow_rows_copied). */
static int
note_source(const pgr_node *n, void *arg)
{
    const copy_scan *cs = arg;
    const char *rel, *schema;

    if (n == NULL || strcmp(api->node_tag(n), "RangeVar") != 0 ||
        (rel = api->node_string(n, "relname")) == NULL)
        return 0;
    schema = api->node_string(n, "schemaname");
    note_copied(cs->path, schema, rel, NULL, !is_rename_target(cs->path, schema, rel));
    return 0;
}

/* At most this many relations per statement are resolved; a statement
 * naming more (none seen in a migration) has its later ones ignored. */
#define SCOPE_MAX 64

/* A relation a statement reads, as its column references may name it. */
typedef struct scope_rel {
    const char *schema;      /* NULL: unqualified */
    const char *table;
    const char *alias;       /* NULL: none */
} scope_rel;

/* The relations of one statement, every nesting level flattened into one
 * scope: a column reference is resolved against all of them. */
typedef struct col_scan {
    const char *path;
    const char *updated;     /* the table an UPDATE writes; NULL for others */
    scope_rel rels[SCOPE_MAX];
    size_t n_rels;
    const pgr_node *written[SCOPE_MAX];   /* INSERT and CREATE TABLE AS targets */
    size_t n_written;
    int reads;               /* some target list reads a column */
} col_scan;

/* Sets *arg when a ColumnRef is found, and stops the walk. */
static int
flag_column_ref(const pgr_node *n, void *arg)
{
    if (strcmp(api->node_tag(n), "ColumnRef") != 0)
        return 0;
    *(int *) arg = 1;
    return 1;
}

/* Whether a SET item or select-list entry reads a column: only then does
 * the statement move values rather than write constants. */
static int
find_reads(const pgr_node *n, void *arg)
{
    col_scan *cs = arg;

    if (strcmp(api->node_tag(n), "ResTarget") == 0)
        api->node_walk(api->node_child(n, "val"), flag_column_ref, &cs->reads);
    return cs->reads;
}

/* Gather the relations a statement names, but for those it inserts into
 * or creates (an InsertStmt or IntoClause is visited before its relation,
 * depth first). */
static int
collect_rel(const pgr_node *n, void *arg)
{
    col_scan *cs = arg;
    const char *tag = api->node_tag(n);
    const pgr_node *alias;
    size_t i;

    if (strcmp(tag, "InsertStmt") == 0 && cs->n_written < SCOPE_MAX)
        cs->written[cs->n_written++] = api->node_child(n, "relation");
    if (strcmp(tag, "IntoClause") == 0 && cs->n_written < SCOPE_MAX)
        cs->written[cs->n_written++] = api->node_child(n, "rel");
    if (strcmp(tag, "RangeVar") != 0 || cs->n_rels == SCOPE_MAX ||
        api->node_string(n, "relname") == NULL)
        return 0;
    for (i = 0; i < cs->n_written; i++)
        if (cs->written[i] == n)
            return 0;
    alias = api->node_child(n, "alias");
    cs->rels[cs->n_rels].schema = api->node_string(n, "schemaname");
    cs->rels[cs->n_rels].table = api->node_string(n, "relname");
    cs->rels[cs->n_rels].alias = alias ? api->node_string(alias, "aliasname") : NULL;
    cs->n_rels++;
    return 0;
}

/* A column reference (col, rel.col or schema.rel.col) read by the
 * statement: noted for the relation its qualifier names (by alias, or by
 * name), or for every relation of the scope when it has none. */
static int
note_column(const pgr_node *n, void *arg)
{
    const col_scan *cs = arg;
    size_t i, len;
    const char *col, *qual;

    if (strcmp(api->node_tag(n), "ColumnRef") != 0)
        return 0;
    len = api->node_list_length(n, "fields");
    if (len == 0 || len > 3)
        return 0;
    /* rel.* has no sval: whole rows, which note_source covers. */
    col = api->node_string(api->node_list_item(n, "fields", len - 1), "sval");
    qual = len >= 2 ? api->node_string(api->node_list_item(n, "fields", len - 2), "sval") : NULL;
    if (col == NULL)
        return 0;
    for (i = 0; i < cs->n_rels; i++) {
        const scope_rel *r = &cs->rels[i];

        if (qual == NULL || strcmp(qual, r->table) == 0 ||
            (r->alias != NULL && strcmp(qual, r->alias) == 0))
            note_copied(cs->path, r->schema, r->table, col,
                        cs->updated != NULL && strcmp(cs->updated, r->table) != 0);
    }
    return 0;
}

/* Whether a statement may move values from one place to another: INSERT,
 * UPDATE, MERGE, CREATE TABLE AS, and a SELECT or DELETE that writes
 * through a WITH clause or INTO. */
static int
moves_values(const pgr_node *root)
{
    const char *tag = api->node_tag(root);

    if (strcmp(tag, "InsertStmt") == 0 || strcmp(tag, "UpdateStmt") == 0 ||
        strcmp(tag, "MergeStmt") == 0 || strcmp(tag, "CreateTableAsStmt") == 0)
        return 1;
    if (strcmp(tag, "SelectStmt") == 0 || strcmp(tag, "DeleteStmt") == 0)
        return api->node_child(root, "with_clause") != NULL ||
            api->node_child(root, "into_clause") != NULL;
    return 0;
}

/*
 * Every column a statement that moves values reads, in its SET items or
 * select lists (what it copies: SET c = u."col", SET c = COALESCE(old,
 * now()), INSERT ... SELECT t.col, also inside WITH) and in its joins and
 * WHERE (the key that relates the copies: SET "documentDataId" =
 * dd."id" ... WHERE d."id" = dd."documentId" keeps the relation that
 * dropping "documentId" loses).  ente's 90_use_string_id_entity copies id
 * into id_text, drops id and renames id_text to id.
 */
static void
note_columns(const pgr_sql_statement *stmt)
{
    col_scan cs;

    if (!moves_values(stmt->root))
        return;
    /* An UPDATE without FROM whose WHERE filters rows copies some rows
     * only: the others' values are still lost (Lemmy's SET
     * shared_inbox_url = inbox_url WHERE shared_inbox_url IS NULL).  With
     * FROM, the WHERE is the join. */
    if (strcmp(api->node_tag(stmt->root), "UpdateStmt") == 0 &&
        api->node_list_length(stmt->root, "from_clause") == 0 &&
        api->node_child(stmt->root, "where_clause") != NULL)
        return;
    memset(&cs, 0, sizeof cs);
    cs.path = stmt->path;
    if (strcmp(api->node_tag(stmt->root), "UpdateStmt") == 0)
        cs.updated = api->node_string(api->node_child(stmt->root, "relation"), "relname");
    api->node_walk(stmt->root, find_reads, &cs);
    if (!cs.reads)
        return;
    api->node_walk(stmt->root, collect_rel, &cs);
    api->node_walk(stmt->root, note_column, &cs);
}

/*
 * Where an up drops a table or a column: "DROP TABLE t" or "ALTER TABLE t
 * DROP COLUMN c", so that irreversible-up points at the statement that
 * loses the data rather than at the file's first line.
 */
typedef struct drop_site {
    char *path;              /* the up file */
    char *schema;            /* NULL: unqualified */
    char *table;
    char *column;            /* NULL: the table itself */
    pgr_location location;   /* the statement; path left NULL */
    unsigned long seq;
} drop_site;

static drop_site *drops;
static size_t n_drops, cap_drops;

static char *
dup_or_null(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    if (d == NULL)
        abort();
    return d;
}

static void
note_drop(const pgr_sql_statement *stmt, const char *schema, const char *table,
          const char *column)
{
    drop_site *d;

    if (table == NULL)
        return;
    drops = grow_array(drops, n_drops, &cap_drops, sizeof(drop_site), 64);
    d = &drops[n_drops++];
    d->path = dup_or_null(stmt->path);
    d->schema = dup_or_null(schema);
    d->table = dup_or_null(table);
    d->column = dup_or_null(column);
    d->location = stmt->location;
    d->location.path = NULL;
    d->location.object = NULL;
    d->seq = stmt_seq;
}

/* ALTER TABLE [s.]t RENAME TO u (ALTER TABLE ... RENAME COLUMN and other
 * objects' renames are not table renames). */
static void
note_rename(const pgr_sql_statement *stmt)
{
    const pgr_node *rel;
    const char *type, *from, *to;
    rename_rec *r;

    if (strcmp(api->node_tag(stmt->root), "RenameStmt") != 0)
        return;
    type = api->node_string(stmt->root, "rename_type");
    rel = api->node_child(stmt->root, "relation");
    to = api->node_string(stmt->root, "newname");
    if (type == NULL || strcmp(type, "OBJECT_TABLE") != 0 || rel == NULL || to == NULL ||
        (from = api->node_string(rel, "relname")) == NULL)
        return;
    renames = grow_array(renames, n_renames, &cap_renames, sizeof(rename_rec), 16);
    r = &renames[n_renames++];
    r->path = dup_or_null(stmt->path);
    r->schema = dup_or_null(api->node_string(rel, "schemaname"));
    r->from = dup_or_null(from);
    r->to = dup_or_null(to);
    r->seq = stmt_seq;
}

/* Whether rename r of up path renames schema.table after statement
 * after_seq (an unqualified name matches any schema, as drops do). */
static int
renames_table(const rename_rec *r, const char *path, const char *schema, const char *table,
              unsigned long after_seq)
{
    return r->path != NULL && strcmp(r->path, path) == 0 && r->seq > after_seq &&
        strcmp(r->from, table) == 0 && (r->schema == NULL || strcmp(r->schema, schema) == 0);
}

/* DROP TABLE a, s.b; ALTER TABLE t DROP COLUMN c, DROP COLUMN d. */
static void
note_drops(const pgr_sql_statement *stmt)
{
    const char *tag = api->node_tag(stmt->root);
    const char *type;
    size_t i, n;

    if (strcmp(tag, "DropStmt") == 0) {
        type = api->node_string(stmt->root, "remove_type");
        if (type == NULL || strcmp(type, "OBJECT_TABLE") != 0)
            return;
        n = api->node_list_length(stmt->root, "objects");
        for (i = 0; i < n; i++) {
            const pgr_node *name = api->node_list_item(stmt->root, "objects", i);
            size_t len = api->node_list_length(name, "items");

            if (len == 0 || len > 3)
                continue;
            note_drop(stmt, len >= 2 ? api->node_string(api->node_list_item(name, "items",
                                                                             len - 2), "sval")
                                     : NULL,
                      api->node_string(api->node_list_item(name, "items", len - 1), "sval"),
                      NULL);
        }
    } else if (strcmp(tag, "AlterTableStmt") == 0) {
        const pgr_node *rel = api->node_child(stmt->root, "relation");

        n = api->node_list_length(stmt->root, "cmds");
        for (i = 0; rel != NULL && i < n; i++) {
            const pgr_node *cmd = api->node_list_item(stmt->root, "cmds", i);

            type = api->node_string(cmd, "subtype");
            if (type != NULL && strcmp(type, "AT_DropColumn") == 0)
                note_drop(stmt, api->node_string(rel, "schemaname"),
                          api->node_string(rel, "relname"), api->node_string(cmd, "name"));
        }
    }
}

/* The first statement of up path after after_seq that drops
 * schema.table[.column], or, failing that, drops it under a name a rename
 * after after_seq gave it (ALTER TABLE t RENAME TO t_bkp; ... DROP TABLE
 * t_bkp loses t's rows); depth counts the renames followed. */
static const drop_site *
find_drop(const char *path, const char *schema, const char *table, const char *column,
          unsigned long after_seq, int depth)
{
    const drop_site *found;
    size_t i;

    for (i = 0; i < n_drops; i++) {
        const drop_site *d = &drops[i];

        if (d->path == NULL || strcmp(d->path, path) != 0 || d->seq <= after_seq ||
            strcmp(d->table, table) != 0 ||
            (d->schema != NULL && strcmp(d->schema, schema) != 0) ||
            (d->column == NULL) != (column == NULL) ||
            (column != NULL && strcmp(d->column, column) != 0))
            continue;
        return d;
    }
    for (i = 0; i < n_renames && depth < RENAME_DEPTH_MAX; i++)
        if (renames_table(&renames[i], path, schema, table, after_seq) &&
            (found = find_drop(path, schema, renames[i].to, column, renames[i].seq,
                               depth + 1)) != NULL)
            return found;
    return NULL;
}

/* Where the up of mig drops schema.table[.column] (column NULL: the table),
 * into *out; the up's first line when no statement of it names the object
 * (a DROP SCHEMA ... CASCADE); through the up's renames. */
void
flow_drop_location(const pgr_migration *mig, const char *schema, const char *table,
              const char *column, pgr_location *out)
{
    const drop_site *d = find_drop(mig->up_path, schema, table, column, 0, 0);

    *out = mig->up_location;
    if (d == NULL)
        return;
    *out = d->location;
    out->path = mig->up_path;
}

/*
 * Whether the up of migration index of set, or an earlier up of the set
 * (replayed before it), copied key ("schema.table[.column]") elsewhere.
 * Some copies answer a drop in the same up only (here_only):
 *  - an UPDATE that looks values up in another table copies them for the
 *    rows its own table has: in the up that then drops them that is the
 *    move (documenso's Subscription gets User."customerId"); from an
 *    earlier migration it is a denormalisation (ente's otts copy
 *    users.email in 8, users.email is dropped in 29);
 *  - a table that a statement reads (or CREATE TABLE AS builds): from an
 *    earlier migration that is a cache or an index of its rows (Lemmy's
 *    comment_aggregates_fast, modlog_combined's mod_hide_community_id), so
 *    a table dropped later counts as copied when each of its columns was
 *    (table_copied).
 */
static void
index_free(void)
{
    size_t i;

    if (index_built) {
        hdestroy_r(&by_object);
        hdestroy_r(&by_path);
    }
    for (i = 0; i < n_index_keys; i++)
        free(index_keys[i]);
    free(index_keys);
    index_keys = NULL;
    n_index_keys = 0;
    index_built = 0;
}

void
flow_new_set(void)
{
    index_free();
}

/* ENTER key (copied) with value 1 + value into table, unless it is there;
 * returns the entry. */
static ENTRY *
index_enter(struct hsearch_data *table, const char *key, size_t value)
{
    ENTRY e, *found;

    e.key = strdup(key);
    if (e.key == NULL)
        abort();
    e.data = (void *) (uintptr_t) (value + 1);
    if (hsearch_r(e, ENTER, &found, table) == 0)
        abort();
    if (found->key == e.key)
        index_keys[n_index_keys++] = e.key;
    else
        free(e.key);
    return found;
}

/* The value index_enter gave key in table, or -1. */
static long
index_get(struct hsearch_data *table, const char *key)
{
    ENTRY e, *found = NULL;

    e.key = (char *) key;
    e.data = NULL;
    if (hsearch_r(e, FIND, &found, table) == 0 || found == NULL)
        return -1;
    return (long) ((uintptr_t) found->data - 1);
}

/* Build by_object and by_path for set (see above). */
static void
index_build(const pgr_migration_set *set)
{
    size_t i;

    index_free();
    index_keys = malloc((n_copied + set->n_migrations + 1) * sizeof(char *));
    if (index_keys == NULL)
        abort();
    memset(&by_object, 0, sizeof by_object);
    memset(&by_path, 0, sizeof by_path);
    if (hcreate_r(2 * n_copied + 16, &by_object) == 0 ||
        hcreate_r(2 * set->n_migrations + 16, &by_path) == 0)
        abort();
    index_built = 1;
    /* From the last record down, so that each chain is in noting order. */
    for (i = n_copied; i-- > 0;) {
        const char *object = strchr(copied[i].key, '\t') + 1;
        ENTRY *e = index_enter(&by_object, object, i);

        copied[i].next = 0;
        if ((uintptr_t) e->data - 1 != i) {
            copied[i].next = (uintptr_t) e->data;
            e->data = (void *) (uintptr_t) (i + 1);
        }
    }
    /* The first migration of an up path, as the scan it replaces found. */
    for (i = 0; i < set->n_migrations; i++)
        index_enter(&by_path, set->migrations[i].up_path, i);
    indexed_copies = n_copied;
}

int
flow_rows_copied(const pgr_migration_set *set, size_t index, const char *key)
{
    long first;
    size_t i;

    if (!index_built || indexed_copies != n_copied)
        index_build(set);
    first = index_get(&by_object, key);
    for (i = first < 0 ? 0 : (size_t) first + 1; i > 0; i = copied[i - 1].next) {
        const copy_rec *r = &copied[i - 1];
        char *path = strndup(r->key, (size_t) (strchr(r->key, '\t') - r->key));
        long m;

        if (path == NULL)
            abort();
        m = index_get(&by_path, path);
        free(path);
        if (m >= 0 && (size_t) m <= index && ((size_t) m == index || !r->here_only))
            return 1;
    }
    return 0;
}

/* Whether up path copied schema.table[.column] (column NULL: the rows)
 * under a name a rename after after_seq gave the table, after that rename
 * (rename-and-rebuild reads the backup back); depth counts the renames. */
static int
renamed_copied(const char *path, const char *schema, const char *table, const char *column,
               unsigned long after_seq, int depth)
{
    char key[600];
    size_t i, j, pl = strlen(path);

    for (i = 0; i < n_renames && depth < RENAME_DEPTH_MAX; i++) {
        const rename_rec *r = &renames[i];

        if (!renames_table(r, path, schema, table, after_seq))
            continue;
        snprintf(key, sizeof key, "%s.%s%s%s", schema, r->to, column ? "." : "",
                 column ? column : "");
        for (j = 0; j < n_copied; j++)
            if (copied[j].seq > r->seq && strncmp(copied[j].key, path, pl) == 0 &&
                copied[j].key[pl] == '\t' && strcmp(copied[j].key + pl + 1, key) == 0)
                return 1;
        if (renamed_copied(path, schema, r->to, column, r->seq, depth + 1))
            return 1;
    }
    return 0;
}

/* Whether schema.table[.column] (column NULL: its rows), which the up of
 * migration index drops, was copied by that up or an earlier one, under
 * its name or, in that up, under a name a rename gave it. */
int
flow_object_copied(const pgr_migration_set *set, size_t index, const char *schema,
                   const char *table, const char *column)
{
    char key[600];

    snprintf(key, sizeof key, "%s.%s%s%s", schema, table, column ? "." : "",
             column ? column : "");
    return flow_rows_copied(set, index, key) ||
        renamed_copied(set->migrations[index].up_path, schema, table, column, 0, 0);
}

/* Whether every column of table t (dropped by the up of migration index)
 * was copied by that up or an earlier one (ente's 27 copies each column
 * of file_object_keys into object_keys, 39 drops it). */
int
flow_table_copied(const pgr_migration_set *set, size_t index, const pgr_table *t)
{
    size_t c;

    for (c = 0; c < t->n_columns; c++)
        if (!flow_object_copied(set, index, t->schema, t->name, t->columns[c]))
            return 0;
    return t->n_columns > 0;
}

/* Note a table's rows read into another (INSERT ... SELECT, CREATE TABLE AS,
 * UPDATE ... FROM), each column a value-moving statement reads, and what
 * the statement drops. */
void
flow_note_statement(const pgr_sql_statement *stmt)
{
    const char *tag = api->node_tag(stmt->root);
    const pgr_node *query = NULL;
    copy_scan cs;

    stmt_seq++;
    note_drops(stmt);
    note_rename(stmt);
    note_columns(stmt);
    cs.path = stmt->path;
    if (strcmp(tag, "InsertStmt") == 0) {
        query = api->node_child(stmt->root, "select_stmt");
    } else if (strcmp(tag, "CreateTableAsStmt") == 0) {
        const pgr_node *into = api->node_child(stmt->root, "into");

        query = api->node_child(stmt->root, "query");
        if (into)
            note_source(api->node_child(into, "rel"), &cs);
    } else if (strcmp(tag, "UpdateStmt") == 0) {
        size_t i, n = api->node_list_length(stmt->root, "from_clause");

        for (i = 0; i < n; i++)
            api->node_walk(api->node_list_item(stmt->root, "from_clause", i), note_source, &cs);
    }
    if (query)
        api->node_walk(query, note_source, &cs);
}

void
flow_free(void)
{
    size_t i;

    index_free();
    for (i = 0; i < n_copied; i++)
        free(copied[i].key);
    free(copied);
    copied = NULL;
    n_copied = cap_copied = 0;
    for (i = 0; i < n_drops; i++) {
        free(drops[i].path);
        free(drops[i].schema);
        free(drops[i].table);
        free(drops[i].column);
    }
    free(drops);
    drops = NULL;
    n_drops = cap_drops = 0;
    for (i = 0; i < n_renames; i++) {
        free(renames[i].path);
        free(renames[i].schema);
        free(renames[i].from);
        free(renames[i].to);
    }
    free(renames);
    renames = NULL;
    n_renames = cap_renames = 0;
    stmt_seq = 0;
}
