/*
 * rollback_flow.c — what a migration set's statements say about its data,
 * for the rollback plugin: which values an up copies elsewhere before it
 * drops them (so that the drop loses nothing), and which statement drops
 * each table and column (so that a finding points at it).  Gathered from
 * the statements, which the host delivers before it replays the first
 * migration; freed by flow_free.
 */
#include "rollback_flow.h"

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
} copy_rec;

static copy_rec *copied;
static size_t n_copied, cap_copied;

typedef struct copy_scan {
    const char *path;
} copy_scan;

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

    if (n_copied == cap_copied) {
        cap_copied = cap_copied ? cap_copied * 2 : 64;
        copied = realloc(copied, cap_copied * sizeof(copy_rec));
        if (copied == NULL)
            abort();
    }
    copied[n_copied].here_only = here_only;
    copied[n_copied].key = malloc(len);
    if (copied[n_copied].key == NULL)
        abort();
    snprintf(copied[n_copied++].key, len, "%s\t%s.%s%s%s", path, schema ? schema : "public", table,
             column ? "." : "", column ? column : "");
}

static int
note_source(const pgr_node *n, void *arg)
{
    const copy_scan *cs = arg;
    const char *rel;

    if (n == NULL || strcmp(api->node_tag(n), "RangeVar") != 0 ||
        (rel = api->node_string(n, "relname")) == NULL)
        return 0;
    note_copied(cs->path, api->node_string(n, "schemaname"), rel, NULL, 1);
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
    if (n_drops == cap_drops) {
        cap_drops = cap_drops ? cap_drops * 2 : 64;
        drops = realloc(drops, cap_drops * sizeof(drop_site));
        if (drops == NULL)
            abort();
    }
    d = &drops[n_drops++];
    d->path = dup_or_null(stmt->path);
    d->schema = dup_or_null(schema);
    d->table = dup_or_null(table);
    d->column = dup_or_null(column);
    d->location = stmt->location;
    d->location.path = NULL;
    d->location.object = NULL;
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

/* Where the up of mig drops schema.table[.column] (column NULL: the table),
 * into *out; the up's first line when no statement of it names the object
 * (a table renamed first, a DROP SCHEMA ... CASCADE). */
void
flow_drop_location(const pgr_migration *mig, const char *schema, const char *table,
              const char *column, pgr_location *out)
{
    size_t i;

    *out = mig->up_location;
    for (i = 0; i < n_drops; i++) {
        const drop_site *d = &drops[i];

        if (d->path == NULL || strcmp(d->path, mig->up_path) != 0 ||
            strcmp(d->table, table) != 0 ||
            (d->schema != NULL && strcmp(d->schema, schema) != 0) ||
            (d->column == NULL) != (column == NULL) ||
            (column != NULL && strcmp(d->column, column) != 0))
            continue;
        *out = d->location;
        out->path = mig->up_path;
        return;
    }
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
int
flow_rows_copied(const pgr_migration_set *set, size_t index, const char *key)
{
    size_t i, m;

    for (m = 0; m <= index; m++) {
        const char *up_path = set->migrations[m].up_path;
        size_t pl = strlen(up_path);

        for (i = 0; i < n_copied; i++)
            if ((m == index || !copied[i].here_only) &&
                strncmp(copied[i].key, up_path, pl) == 0 && copied[i].key[pl] == '\t' &&
                strcmp(copied[i].key + pl + 1, key) == 0)
                return 1;
    }
    return 0;
}

/* Whether every column of table t (dropped by the up of migration index)
 * was copied by that up or an earlier one (ente's 27 copies each column
 * of file_object_keys into object_keys, 39 drops it). */
int
flow_table_copied(const pgr_migration_set *set, size_t index, const pgr_table *t)
{
    char key[600];
    size_t c;

    for (c = 0; c < t->n_columns; c++) {
        snprintf(key, sizeof key, "%s.%s.%s", t->schema, t->name, t->columns[c]);
        if (!flow_rows_copied(set, index, key))
            return 0;
    }
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

    note_drops(stmt);
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
}
