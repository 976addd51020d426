/*
 * model_internal.h — what the files of core/src/model/ share and nothing
 * outside the folder uses: the index machinery (index.c), the owned-string
 * helpers (model.c), and the handlers and lookups one object kind's file
 * calls in another's.  model.h stays the public interface.
 */
#ifndef PGR_MODEL_INTERNAL_H
#define PGR_MODEL_INTERNAL_H

#include "model/model.h"

#include <stdlib.h>
#include <string.h>

/* --- indexes by name --------------------------------------------------------
 * Replaying a migration looks tables, policies, roles, grants... up by name
 * once per statement; scanning made 20,000 policies on one table take 21 s.
 * Each vector gets a hash index from a key (a kind byte and its names) to
 * the position of the first element with that key, built lazily: elements
 * appended are added on the next lookup, and anything that renames or
 * reorders elements of a vector (a compaction) discards its index (index_stale, or
 * indexes_stale for all).  Lookups then scan, as they always did, until
 * INDEX_REBUILD_AFTER of them have come without another change; only then is
 * the index rebuilt.  A rebuild is paid for by the scans before it.
 * A removal only forgets its key (index_removed): the elements keep their
 * positions (gone.c), and lookups skip the removed ones.
 */
#define INDEX_REBUILD_AFTER 8

/* The key of an element: a kind byte (0 for none) and one to three names
 * (NULL counts as ""). */
typedef struct elem_key {
    char kind;
    size_t n;
    const char *part[3];
} elem_key;

typedef void (*key_fn)(const void *elem, elem_key *out);
/* index.c: set k to (kind, a[, b[, c]]); the bytes of k for a hash map;
 * whether two keys are equal (NULL counts as ""). */
void key_set(elem_key *k, char kind, const char *a, const char *b, const char *c);
void key_bytes(const elem_key *k, util_buf *b);
bool key_equal(const elem_key *a, const elem_key *b);

/* model.c */
void strs_add(const char *const **items, size_t *n, const char *s);
void strs_remove(const char *const **items, size_t *n, const char *s);
void strs_free(const char *const *items, size_t n);
const char *const *strs_clone(const char *const *items, size_t n);
char *dup_or_null(const char *s);
pgr_location copy_loc(const pgr_location *loc);
void free_loc(pgr_location *l);

/* journal.c: what statements call when they change a vector (no-ops
 * without a journal).  journal_push: an element was appended to vec;
 * journal_change: element i of vec is about to change in place;
 * journal_take: element i of vec (at elem) is being removed — true when the
 * journal keeps it (the caller must then not free it). */
void journal_push(model *m, int vec);
void journal_change(model *m, int vec, size_t i);
bool journal_take(model *m, int vec, size_t i, const void *elem);
/* For lookups while a journal runs (index.c: frozen_find): whether a name
 * may stand for several objects in its model; how many records it holds;
 * whether record i is an append or a change of an element of vec, and at
 * what position. */
bool journal_dup_keys(const model_journal *j);
size_t journal_length(const model_journal *j);
bool journal_placed(const model_journal *j, size_t i, int vec, size_t *pos);

/* gone.c: removing elements without moving the others (model.gone). */
/* Whether position i of a vector whose marks are g was removed. */
static inline bool
gone_at(const util_vec *g, size_t i)
{
    return g != NULL && i < g->len && ((const unsigned char *) g->items)[i] != 0;
}
/* Whether element i of m's vector vec (JV_*) was removed. */
static inline bool
elem_gone(const model *m, int vec, size_t i)
{
    return m->n_gone[vec] > 0 && gone_at(&m->gone[vec], i);
}
/* The vector vec (JV_*) of m. */
util_vec *model_vec(model *m, int vec);
/* Remove element i of vec: the journal keeps it, else its strings are
 * freed; its slot is marked gone.  The caller has taken it out of the
 * vector's indexes (index_removed) first. */
void elem_bury(model *m, int vec, size_t i);
/* Undo elem_bury (journal.c): element i of vec is back. */
void elem_unbury(model *m, int vec, size_t i);
/* Free what element e of vector vec owns (not e itself). */
void elem_free(int vec, void *e);
/* Close the gaps of vec (no-op while a journal runs): the elements keep
 * their order, the vector's indexes are rebuilt on demand. */
void compact_vec(model *m, int vec);
/* After a statement: compact the vectors at least half gone. */
void compact_some(model *m);
/* Point each index of m at its vector's marks (after index_init). */
void indexes_bind(model *m);

/* index.c: bring a built index up to its vector (every element in the
 * map); for a journal to begin with. */
void index_catch_up(model_index *ix, const util_vec *v, key_fn key);

/* groups.c: the elements an owner has (model_groups).  An owner_fn sets
 * the key of elem's owner number n (0-based) and returns true, or returns
 * false when elem has no such owner: most have one (a policy's table),
 * some none (an object that is not an index, a constraint that references
 * nothing), a view one per relation it reads. */
typedef bool (*owner_fn)(const void *elem, size_t n, elem_key *out);
bool policy_owner(const void *e, size_t n, elem_key *k);
bool acl_owner(const void *e, size_t n, elem_key *k);
bool object_owner(const void *e, size_t n, elem_key *k);
bool constraint_owner(const void *e, size_t n, elem_key *k);
bool reference_owner(const void *e, size_t n, elem_key *k);
bool dep_owner(const void *e, size_t n, elem_key *k);
bool constraint_name_owner(const void *e, size_t n, elem_key *k);   /* (schema, name) */
bool view_owner(const void *e, size_t n, elem_key *k);              /* 'v', each relation */
bool column_type_owner(const void *e, size_t n, elem_key *k);       /* 't', its type text */
bool table_schema_owner(const void *e, size_t n, elem_key *k);      /* 's', schema */
bool view_schema_owner(const void *e, size_t n, elem_key *k);
bool object_schema_owner(const void *e, size_t n, elem_key *k);
bool function_schema_owner(const void *e, size_t n, elem_key *k);
void groups_init(model_groups *g);
void groups_free(model_groups *g);
/* Owners of elements of g's vector changed (a rename, a reorder): g is
 * built again when next needed. */
void groups_stale(model_groups *g);
/* Every group of m: groups_init, groups_free, groups_stale, groups_freeze
 * (a journal begins) or groups_thaw (its undo ended). */
void groups_apply(model *m, void (*fn)(model_groups *));
/* Bring every built list of m up to its vector (a journal begins: its
 * listings then add only what it appended or changed). */
void groups_catch_up(model *m);
void groups_freeze(model_groups *g);
void groups_thaw(model_groups *g);
/* Every element owner from owned now belongs to owner to (a table renamed
 * or moved: its policies, grants, indexes...): the list moves, O(1) or
 * the length of the lists.  No-op while frozen or not built. */
void groups_move(model_groups *g, char kind, const char *from_a, const char *from_b, const char *to_a,
                 const char *to_b);
/* Element pos now has owner (kind, a, b) too (one renamed alone): it is
 * added to that list; its old list drops it when listed. */
void groups_add(model_groups *g, size_t pos, char kind, const char *a, const char *b);
/* The groups of vector vec (JV_*), up to three; how many. */
size_t groups_of(model *m, int vec, model_groups *out[3]);
/* Append to out the positions, ascending, of the elements of vec (JV_TABLES,
 * JV_VIEWS, JV_OBJECTS or JV_FUNCTIONS) in schema. */
void schema_positions(model *m, int vec, const char *schema, util_vec *out);
/* Append to out (of size_t) the positions, ascending, of the elements of
 * vector vec (through g, by owner) whose owner key is (kind, a, b): those
 * not gone.  While a journal runs (g frozen) the lists are read, not
 * changed, and what the journal appended or changed is added. */
void owned_positions(model *m, int vec, model_groups *g, owner_fn owner, char kind, const char *a,
                     const char *b, util_vec *out);

/* model.c: deep copies of one element (every string duplicated). */
pgr_table clone_table(const pgr_table *t);
pgr_acl_item clone_acl_item(const pgr_acl_item *a);
void free_acl_item(pgr_acl_item *a);
pgr_view clone_view(const pgr_view *v);
pgr_object clone_object(const pgr_object *o);
pgr_role clone_role(const pgr_role *r);
pgr_policy clone_policy(const pgr_policy *p);

/* index.c */
void index_init(model_index *ix);
void index_stale(model_index *ix);
void index_free(model_index *ix);
void indexes_apply(model *m, void (*fn)(model_index *));
void indexes_stale(model *m);
void table_key(const void *e, elem_key *k);
void view_key(const void *e, elem_key *k);
void policy_index_key(const void *e, elem_key *k);
void role_key(const void *e, elem_key *k);
void acl_key(const void *e, elem_key *k);
void function_key(const void *e, elem_key *k);
void object_key(const void *e, elem_key *k);
void constraint_key(const void *e, elem_key *k);       /* (schema, table, name) */
long index_find(model_index *ix, const util_vec *v, key_fn key, const elem_key *want);
/* Element elem (key by key) at position pos of ix's vector is being
 * removed (before elem_bury): its key leaves the map, and the index stays
 * valid, as the other elements keep their positions (issue 15: a removal
 * made it rebuild, O(n) each).  dups: a name may stand for several
 * elements (the model's dup_keys), when the index is rebuilt instead. */
void index_removed(model_index *ix, bool dups, key_fn key, size_t pos, const void *elem);
/* Element elem at position pos of ix's vector is renamed: index_rekey_from
 * before the change (its old key leaves the map), index_rekey_to after it
 * (the new key comes in), so that the index stays valid.  dups as above. */
void index_rekey_from(model_index *ix, bool dups, key_fn key, size_t pos, const void *elem);
void index_rekey_to(model_index *ix, key_fn key, size_t pos, const void *elem);
long index_find3(model_index *ix, const util_vec *v, key_fn key, char kind, const char *a,
                 const char *b, const char *c);
void pair_bytes(util_buf *b, const void *owner, size_t owner_len, const char *name);
/* Record in m->touched (when set) the key (k, a, b, c) of kind (TOUCH_*),
 * or the key of elem, an element of the vector of that kind. */
void touch_key(const model *m, int kind, char k, const char *a, const char *b, const char *c);
void touch_elem(const model *m, int kind, const void *elem);
/* Before renaming an object of vector v (by ix, key) to the key (k, a, b,
 * c): note in m->dup_keys when another object has that key already. */
void rename_target(model *m, model_index *ix, const util_vec *v, key_fn key, char k,
                   const char *a, const char *b, const char *c);
bool column_exists(model *m, const pgr_table *t, const char *name);
void column_added(model *m, const pgr_table *t, const char *name);
/* Table t's column from is now named to (t's columns already say so). */
void column_renamed(model *m, const pgr_table *t, const char *from, const char *to);

/* model.c: drop every table, view, object and function of schema (DROP
 * SCHEMA ... CASCADE, model_forget_schema). */
void drop_schema_contents(model *m, const char *schema);

/* replay.c */
void qualified_name(const model *m, const PgQuery__Node *n, const char **schema, const char **name);

/* tables.c */
const char *schema_of(const model *m, const char *s);
long table_index(const model *m, const char *schema, const char *name);
void free_table(pgr_table *t);
void drop_table_at(model *m, size_t i);
pgr_table *add_table(model *m, const PgQuery__RangeVar *rv, char relkind, int if_not_exists,
                     const pgr_location *loc);
void add_columns(model *m, pgr_table *t, PgQuery__Node *const *elts, size_t n, const pgr_location *loc);
void alter_table(model *m, const PgQuery__AlterTableStmt *s, const pgr_location *loc);
void move_table(model *m, const PgQuery__RangeVar *rv, const char *new_schema, const char *new_name);

/* policies.c */
void free_policy(pgr_policy *p);
void remove_policies(model *m, const char *schema, const char *table, const char *name);
void drop_policy(model *m, const PgQuery__Node *n);
void create_policy(model *m, const sql_file *f, const sql_stmt *st, const pgr_location *loc);
void alter_policy(model *m, const sql_file *f, const sql_stmt *st);

/* acl.c */
void remove_acl_of(model *m, char objkind, const char *object);
void rename_acl_object(model *m, char objkind, const char *from, const char *to);
char *grant_object_name(model *m, const PgQuery__Node *n, int all_in_schema);
const char *grantee_name(const PgQuery__Node *n);
void public_schema_create(model *m, const PgQuery__GrantStmt *s);
void grant_stmt(model *m, const PgQuery__GrantStmt *s, const pgr_location *loc);
void default_privileges(model *m, const PgQuery__AlterDefaultPrivilegesStmt *s, const pgr_location *loc);

/* roles.c */
long role_index(const model *m, const char *name);
int defelem_bool(const PgQuery__DefElem *d);
void create_role(model *m, const PgQuery__CreateRoleStmt *s, const pgr_location *loc);
void alter_role(model *m, const PgQuery__AlterRoleStmt *s, const pgr_location *loc);
void free_role(pgr_role *r);
void drop_role(model *m, const PgQuery__DropRoleStmt *s);
void grant_role(model *m, const PgQuery__GrantRoleStmt *s);

/* functions.c
 * A function of the model: what plugins see (first, so that a
 * model_function * is a pgr_function *), its identity argument list and
 * whether it returns trigger or event_trigger. */
typedef struct model_function {
    pgr_function fn;
    char *args;             /* "integer, text", "" for none (signature.c); owned */
    bool trigger;           /* RETURNS trigger / event_trigger: cannot be called */
} model_function;

void rename_function(model *m, const PgQuery__Node *obj, const char *new_schema, const char *new_name);
void drop_functions_in(model *m, const char *schema);
/* The first function schema.name(args) in creation order; args NULL: of any
 * arguments (a name written without an argument list). */
model_function *find_function(model *m, const char *schema, const char *name, const char *args);
/* The function an ObjectWithArgs node names, or NULL. */
model_function *resolve_function(model *m, const PgQuery__ObjectWithArgs *o);
/* "schema.name(args)": how grants on a function name it; caller frees. */
char *function_acl_name(const model_function *f);
void qualified_func(const model *m, PgQuery__Node **names, size_t n, const char **schema,
                    const char **name);
void create_function(model *m, const PgQuery__CreateFunctionStmt *s, const pgr_location *loc);
void alter_function(model *m, const PgQuery__AlterFunctionStmt *s);
void free_function(model_function *f);
model_function clone_function(const model_function *f);
void drop_function(model *m, const PgQuery__Node *obj);

/* signature.c: the identity argument list, as format_type() prints it,
 * of a function's argument nodes: ObjectWithArgs' objargs (TypeName
 * nodes) or CREATE FUNCTION's FunctionParameter nodes (OUT and TABLE left
 * out): "integer, text", "" for none.  The caller frees. */
char *signature_of(const model *m, PgQuery__Node *const *args, size_t n);
/* Whether a return type is trigger or event_trigger. */
bool signature_is_trigger(const PgQuery__TypeName *rt);

/* signature.c: a column's type as format_type(atttypid, atttypmod)
 * prints it under an empty search_path ("character varying(255)",
 * "integer" for serial, "public.mood[]"); NULL when this cannot be printed
 * the same way (an extension type's modifiers, %TYPE).  Caller frees. */
char *column_type_of(const model *m, const PgQuery__TypeName *t);

/* signature.c: "schema.name" of a type as format_type() prints one outside
 * pg_catalog (each part quoted when it must be).  Caller frees. */
char *type_display_name(const char *schema, const char *name);

/* columns.c */
/* Record the type (NULL: unknown) of t's column name and, loc not NULL,
 * where it was created. */
void column_set(model *m, const pgr_table *t, const char *name, const char *type, const pgr_location *loc);
/* t's columns come (partly) from elsewhere: LIKE, INHERITS, PARTITION OF, AS. */
void table_columns_incomplete(model *m, const pgr_table *t);
void columns_clone(const model *src, model *dst);
/* ALTER TYPE schema.from RENAME TO to: columns of that type (or an array
 * of it) follow, as pg_attribute refers to the type by oid. */
void columns_rename_type(model *m, const char *schema, const char *from, const char *to);
void columns_free(model *m);
/* One entry's deep copy, and freeing one (journal.c); column_info_forget
 * also takes its key out of the index (it was the last appended). */
column_info column_info_clone(const column_info *c);
void column_info_free(column_info *c);
void column_info_forget(model *m, const column_info *c);
void view_columns(model *m, pgr_model *out);

/* constraints.c */
/* The constraints of a CREATE TABLE's elements (column and table ones) or
 * of an ALTER TABLE ... ADD COLUMN / ADD CONSTRAINT, on table t. */
void add_table_constraints(model *m, const pgr_table *t, PgQuery__Node *const *elts, size_t n,
                           const pgr_location *loc);
void add_constraint(model *m, const pgr_table *t, const PgQuery__Constraint *c, const char *column,
                    const pgr_location *loc);
void drop_constraint(model *m, const pgr_table *t, const char *name, bool cascade);
void rename_constraint(model *m, const char *schema, const char *table, const char *from, const char *to);
/* ALTER INDEX from RENAME TO to on the index of a key constraint of schema. */
void rename_key_constraint(model *m, const char *schema, const char *from, const char *to);
/* The table schema.table was renamed or moved / dropped / lost a column /
 * had a column renamed: its constraints follow. */
void constraints_move(model *m, const char *schema, const char *table, const char *to_schema,
                      const char *to_table);
void constraints_drop_table(model *m, const char *schema, const char *table);
void constraints_drop_column(model *m, const char *schema, const char *table, const char *column);
void constraints_rename_column(model *m, const char *schema, const char *table, const char *from,
                               const char *to);
/* PostgreSQL's name for a new index on table (schema) over columns with
 * label "idx", "key", "pkey" (ChooseRelationName): caller frees. */
char *choose_index_name(const model *m, const char *schema, const char *table,
                        const char *const *columns, size_t n, const char *label);
void constraints_clone(const model *src, model *dst);
void view_constraints(model *m, pgr_model *out);
/* DROP INDEX / DROP CONSTRAINT ... CASCADE of a key on table "schema.name"
 * over columns: the foreign keys that reference exactly those go too. */
void constraints_drop_referencing(model *m, const char *qualified, const char *const *columns, size_t n);
void constraints_free(model *m);
model_constraint constraint_clone(const model_constraint *c);
void constraint_free(model_constraint *c);

/* views.c */
void free_view(pgr_view *v);
long view_index(const model *m, const char *schema, const char *name);
void drop_view_at(model *m, size_t i);
void view_options(pgr_view *v, PgQuery__Node *const *opts, size_t n);
void create_view(model *m, const PgQuery__RangeVar *rv, const PgQuery__Node *query, char relkind,
                 PgQuery__Node *const *opts, size_t n_opts, int replace, const pgr_location *loc);
void drop_dependent_views(model *m, const char *qualified);
void rename_in_views(model *m, const char *from, const char *to);

/* objects.c */
void free_object(pgr_object *o);
long object_index(const model *m, char kind, const char *schema, const char *name);
pgr_object *add_object(model *m, char kind, const char *schema, const char *name, const char *parent,
                       const pgr_location *loc);
void drop_indexes_on_column(model *m, const char *qualified, const char *column);
void remove_object_at(model *m, size_t i);
void drop_object(model *m, char kind, const char *schema, const char *name);
void drop_indexes_of(model *m, const char *qualified);
void reparent_indexes(model *m, const char *from, const char *to);
void create_extension(model *m, const PgQuery__CreateExtensionStmt *s, const pgr_location *loc);
void create_type(model *m, PgQuery__Node **names, size_t n, const pgr_location *loc);
/* Index schema.index also reads the columns its expressions and WHERE
 * clause name (s is its CREATE INDEX). */
void index_add_deps(model *m, const char *schema, const char *index, const PgQuery__IndexStmt *s);
void index_deps_rename_index(model *m, const char *schema, const char *from, const char *to);
void index_deps_rename_column(model *m, const char *qualified, const char *from, const char *to);
void index_deps_clone(const model *src, model *dst);
void index_deps_free(model *m);
index_dep index_dep_clone(const index_dep *d);
void index_dep_free(index_dep *d);

/* policies.c: what parsing one policy clause's text found, kept so that a
 * text read again from pg_policy is not parsed again.  All owned. */
typedef struct clause_entry {
    bool parsed;                /* "SELECT <text>" parsed to one statement */
    bool is_target;             /* ... whose one target is an expression */
    int always_true;            /* model_expr_always_true of it */
    const char *const *columns; /* the columns note_column found, in walk order */
    size_t n_columns;
    bool canonical_done;        /* canonical is canonical_expr(text, S, T) for
                                 * every S and T the text cannot name */
    char *canonical;            /* may be NULL (canonical_expr failed) */
} clause_entry;
void clause_cache_free(model *m);

/* expr.c */
char *canonical_expr(const char *text, const char *schema, const char *table);
int note_column(const pgr_node *node, void *arg);

/* doblock.c */
int do_block(model *m, const sql_file *f, const sql_stmt *st);

#endif
