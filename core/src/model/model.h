/*
 * model.h — the schema model: what a database looks like after replaying a
 * migration set (or one SQL file) in order.  Vocabulary follows pg_catalog
 * (relkind, relrowsecurity, aclitem) so that a model read from a live
 * database has the same shape.  Plugins see it as a read-only pgr_model.
 */
#ifndef PGR_MODEL_H
#define PGR_MODEL_H

#include "pgrampart/plugin.h"
#include "frontends/sql.h"

/* What columns.c keeps of column attnum of the table with oid (attnum 0:
 * the table itself, whose incomplete flag says its column list is not
 * known whole). */
typedef struct column_info {
    uint32_t oid;
    int16_t attnum;
    bool incomplete;
    char *type;             /* format_type() text; NULL unknown */
    pgr_location location;  /* where it was created */
} column_info;

/* A constraint of the model: what plugins see (first, so that a
 * model_constraint * is a pgr_constraint *), and for a FOREIGN KEY the
 * columns it references (confkey; the referenced table's primary key when
 * not written), which decide what DROP INDEX / DROP CONSTRAINT ... CASCADE
 * on that table takes with it. */
typedef struct model_constraint {
    pgr_constraint c;
    const char *const *ref_columns;
    size_t n_ref_columns;
} model_constraint;

/* Column column of an index's table is read by its expressions or
 * predicate (objects.c). */
typedef struct index_dep {
    char *schema;
    char *index;
    char *column;
} index_dep;
/*
 * What the statements of one migration touched, so that comparing the
 * models before and after it looks at those objects only, not at every
 * object of the model per migration (issue 15: that made replaying a
 * history O(n^3)).  Per kind (TOUCH_*), the keys (index.c's elem_key: a
 * kind byte and one to three names) of every object a statement looked up,
 * created, changed, renamed (old and new key) or removed: a superset of
 * what changed, never less.  Filled while a model's touched points at it
 * (model_record_touched); the keys are copies.
 */
enum {
    TOUCH_TABLE, TOUCH_POLICY, TOUCH_FUNCTION, TOUCH_ROLE, TOUCH_ACL, TOUCH_VIEW,
    TOUCH_OBJECT, TOUCH_DEFAULT_ACL, TOUCH_KINDS
};

typedef struct model_touched {
    util_map seen[TOUCH_KINDS];     /* key bytes -> 0: each key once */
    util_vec keys[TOUCH_KINDS];     /* of char *: the key bytes (kind byte, names
                                     * NUL-terminated), first-touched order */
} model_touched;

/* The model's vectors of objects, numbered for the journal (journal.c)
 * and the removal marks (model.gone). */
enum {
    JV_TABLES, JV_ACL, JV_ROLES, JV_POLICIES, JV_FUNCTIONS, JV_VIEWS, JV_OBJECTS,
    JV_CONSTRAINTS, JV_COLUMN_INFO, JV_INDEX_DEPS, JV_COUNT
};

/* A mutable model.  Every string inside is owned by the model. */
/* A lazily built index of one of a model's vectors by name (see model.c). */
typedef struct model_index {
    util_map map;           /* key (see model.c's *_key) -> position of its first element */
    size_t upto;            /* elements [0, upto) are in map */
    const util_vec *gone;   /* its vector's removal marks (model.gone), NULL for
                             * the pair sets */
    bool built;             /* false after a change other than an append */
    unsigned scans;         /* lookups that scanned since that change */
    bool frozen;            /* a journal runs (journal.c): the map stays as it was,
                             * to be valid again after the undo */
    /* While frozen: the journal that lets lookups still use the map
     * (index.c: frozen_find), and the vector it records (JV_*); NULL when
     * they scan. */
    const struct model_journal *journal;
    int vec;
} model_index;

/*
 * A lazily built index from an owner's key to the positions of the
 * elements it owns: a table's policies, grants, indexes and constraints,
 * the foreign keys that reference it, an index's dependencies (groups.c).
 * Dropping a table found its own by scanning every policy, grant, index
 * and constraint, O(n) per DROP TABLE (issue 15).  Positions stay put
 * until a compaction (model.gone), so a list only grows; an element that
 * was removed or no longer has that owner is skipped when listed.
 */
typedef struct model_groups {
    util_map map;           /* owner key bytes -> position in lists */
    util_vec lists;         /* of util_vec of size_t: positions, ascending */
    size_t upto;            /* elements [0, upto) are in lists */
    bool built;             /* false after a change of owners or a compaction */
    unsigned scans;         /* listings that scanned since that change */
    bool frozen;            /* a journal runs: the lists stay as they were (they are
                             * true again after its undo), and listings scan */
} model_groups;

/* What a model's journal records (journal.c); opaque outside it. */
typedef struct model_journal model_journal;

typedef struct model {
    char *source;
    int from_migrations;
    util_vec tables;        /* of pgr_table */
    util_vec acl;           /* of pgr_acl_item */
    util_vec roles;         /* of pgr_role */
    util_vec policies;      /* of pgr_policy */
    util_vec functions;     /* of model_function (model_internal.h): a pgr_function first */
    util_vec views;         /* of pgr_view */
    util_vec objects;       /* of pgr_object: extensions, indexes, types */
    util_vec default_acl;   /* of pgr_acl_item */
    int server_version;
    int public_schema_create;
    pgr_location origin;
    int is_live;
    int settings_scope;     /* PGR_SETTINGS_*: see pgr_model */
    util_vec settings;      /* of pgr_setting */
    int hba_available;
    util_vec hba;           /* of pgr_hba_rule */
    int authid_available;
    int connection_ssl;
    char *connection_ssl_version;
    int default_public_execute;  /* new functions get EXECUTE for PUBLIC */
    uint32_t next_oid;           /* for tables created by replay */
    char *default_schema;        /* first schema of the session's search_path */
    util_vec deep_lines;         /* of size_t: 1-based lines of DO-block statements too deep
                                  * to parse, for the caller to report and empty */
    /* Indexes by name, so that replaying n statements is not O(n^2). */
    model_index table_ix, policy_ix, role_ix, acl_ix, function_ix, view_ix, object_ix;
    model_index column_ix;      /* (table oid, column) pairs; upto unused */
    model_touched *touched;     /* NULL, or where statements record what they touch */
    /* A rename gave an object the name of another of its kind (PostgreSQL
     * refuses it; the model keeps both): a name may then stand for more than
     * one object, which model_touched_positions must scan for. */
    bool dup_keys;
    model_index oid_ix;         /* table oid -> position */
    model_index member_ix;      /* (role, group) pairs of member_of; upto unused */
    /* Constraints by (schema, table, name); by (schema, name) and by table
     * through the groups below. */
    model_index constraint_ix;
    /* What model_view hands plugins for the functions: pgr_function copies
     * (shallow: the strings stay the model's), their identity argument lists
     * and trigger flags, rebuilt by each model_view. */
    util_vec view_functions;     /* of pgr_function */
    util_vec view_function_args; /* of const char * */
    util_vec view_function_trigger; /* of unsigned char */
    /* Column types, creation places and completeness (columns.c). */
    util_vec column_info;        /* of column_info */
    util_map column_info_ix;     /* (oid, attnum) -> position */
    /* Table constraints (constraints.c). */
    util_vec constraints;        /* of model_constraint */
    util_vec view_constraints;   /* of pgr_constraint: model_view's copies (shallow) */
    /* Columns an index's expressions and WHERE read (objects.c): dropping
     * one drops the index, as pg_depend makes PostgreSQL do. */
    util_vec index_deps;         /* of index_dep */
    /* What model_view hands plugins for the columns (columns.c). */
    util_vec view_column_types;          /* of const char *, every table's in turn */
    util_vec view_column_locations;      /* of pgr_location (shallow) */
    util_vec view_column_type_rows;      /* of const char *const *, one per table */
    util_vec view_column_location_rows;  /* of const pgr_location *, one per table */
    util_vec view_columns_complete;      /* of unsigned char */
    /* Policy clauses read from pg_policy, parsed once per distinct text
     * (policies.c): a catalog of 10,000 policies repeats a few texts. */
    util_vec clause_cache;       /* of clause_entry (model_internal.h) */
    util_map clause_cache_ix;    /* clause text -> position */
    size_t clauses_parsed;       /* entries ever added to clause_cache */
    /* NULL, or the journal of the changes being made, to be undone
     * (model_journal_begin). */
    model_journal *journal;
    /*
     * Elements removed and not yet compacted away (issue 15: closing the
     * gap at each removal made n removals O(n^2)).  Per vector (JV_*), a
     * byte per position, 1 where the element was removed (its strings
     * freed, or kept by a journal): every loop over a vector skips those
     * positions (model_internal.h: elem_gone), and positions stay put, so
     * the indexes and the journal's records stay valid.  n_gone counts the
     * marks.  A vector is compacted when half of it is gone, never while
     * a journal runs, and before model_view hands it out (gone.c).
     */
    util_vec gone[JV_COUNT];     /* of unsigned char, at most the vector's length */
    size_t n_gone[JV_COUNT];
    /* Owners' elements (groups.c): policies and constraints by (schema,
     * table), grants by (object kind, object), indexes by their table,
     * foreign keys by the table they reference, index dependencies by
     * (schema, index), constraints by (schema, name). */
    model_groups policy_groups, acl_groups, object_groups, constraint_groups, reference_groups,
        dep_groups;
    model_groups constraint_names;  /* constraints by (schema, name) */
    model_groups view_groups;       /* views by each relation they read */
    model_groups type_groups;       /* column_info entries by their type text */
    /* Tables, views, objects and functions by schema (DROP SCHEMA ...
     * CASCADE, RENAME SCHEMA). */
    model_groups tables_by_schema, views_by_schema, objects_by_schema, functions_by_schema;
} model;

/* Start an empty model; source names it (copied). */
void model_init(model *m, const char *source, int from_migrations);

/*
 * Apply statement st of file f (locations of model objects point into f).
 * Statements the model does not track are ignored.  The plain SQL of DO
 * blocks is replayed too; returns how many EXECUTEs of dynamic strings a
 * DO block held (not analysable), else 0.
 */
int model_apply(model *m, const sql_file *f, const sql_stmt *st);

/* Whether an expression is constant true: true, 1 = 1, 'a' = 'a',
 * 't'::boolean, an OR with such an arm, an AND of only such arms. */
bool model_expr_always_true(const PgQuery__Node *e);

/* Remove every object of schema (tables, views, policies, functions,
 * grants, objects), as --exclude-schema asks. */
void model_forget_schema(model *m, const char *schema);

/* Set the PostgreSQL major version the model stands for (default 15):
 * before 15, PUBLIC may CREATE in schema public unless revoked. */
void model_set_version(model *m, int major);

/* Where the model starts (copied), for findings about the whole model. */
void model_set_origin(model *m, const pgr_location *loc);

/* Start a new database session (each migration file runs in its own):
 * the search_path is public again. */
void model_new_session(model *m);

/* A read-only view for plugins, valid until the model changes or is freed.
 * Groups the policies by table first (their order in the view). */
void model_view(model *m, pgr_model *out);

/* Find a table; NULL when absent. */
const pgr_table *model_find_table(const model *m, const char *schema, const char *name);

void model_free(model *m);

/*
 * Builders for a model read from a live catalog (core/src/live.c).  Every
 * string is copied; loc carries the object name ("db:public.t").
 */
pgr_table *model_put_table(model *m, uint32_t oid, const char *schema, const char *name,
                           char relkind, int rls, int force, const char *owner,
                           const pgr_location *loc);
/* Append a column (attnum as in pg_attribute) to the table with oid. */
void model_put_column(model *m, uint32_t oid, int16_t attnum, const char *name);
/* The type (format_type() text, copied) and place of that column. */
void model_put_column_type(model *m, uint32_t oid, int16_t attnum, const char *type,
                           const pgr_location *loc);
/* An index of the live catalog: name in schema on table parent
 * ("schema.name"), with its key columns (copied). */
void model_put_index(model *m, const char *schema, const char *name, const char *parent,
                     const char *const *columns, size_t n_columns, const pgr_location *loc);
/* A constraint of the live catalog (see pgr_constraint; strings copied,
 * references NULL unless a foreign key). */
void model_put_constraint(model *m, const char *schema, const char *table, const char *name,
                          char contype, const char *const *columns, size_t n_columns,
                          const char *references, const pgr_location *loc);
/* A policy; qual and with_check are pg_get_expr() text (NULL when none):
 * they are parsed to find constant-true expressions and columns. */
void model_put_policy(model *m, const char *schema, const char *table, const char *name,
                      int permissive, char polcmd, const char *const *roles, size_t n_roles,
                      const char *qual, const char *with_check, const pgr_location *loc);
/* The distinct clause texts model_put_policy parsed so far (each once). */
size_t model_clauses_parsed(const model *m);
/* Free what model_put_policy keeps to parse each distinct clause text once
 * (the texts' parse facts and canonical forms): for after the last policy
 * is put; a later model_put_policy parses again.  The count above stays. */
void model_forget_clauses(model *m);
void model_put_acl(model *m, char objkind, const char *object, const char *grantee,
                   uint32_t privileges, uint32_t grant_options, const pgr_location *loc);
void model_put_default_acl(model *m, char objkind, const char *schema, const char *grantee,
                           uint32_t privileges, const pgr_location *loc);
pgr_role *model_put_role(model *m, const char *name, const pgr_location *loc);
/* Add a role membership (role is a member of group). */
void model_put_membership(model *m, const char *role, const char *group);
/* A function; args its identity argument list as the live reader prints
 * it ("integer, text", "" for none; see signature.c), trigger whether it
 * returns trigger or event_trigger.  An existing schema.name(args) is
 * returned as it is. */
pgr_function *model_put_function(model *m, const char *schema, const char *name, const char *args,
                                 bool trigger, char prokind, const char *language,
                                 const pgr_location *loc);
pgr_view *model_put_view(model *m, uint32_t oid, const char *schema, const char *name,
                         char relkind, const pgr_location *loc);
/* The view with oid reads relation "schema.name". */
void model_put_view_relation(model *m, uint32_t oid, const char *qualified);
void model_put_object(model *m, char kind, const char *schema, const char *name,
                      const pgr_location *loc);
void model_put_setting(model *m, const char *name, const char *value);
void model_put_hba(model *m, const pgr_hba_rule *rule);
/* The privilege bit of a privilege_type as aclexplode() names it. */
uint32_t model_privilege_bit(const char *name);

/* The i-th function (0-based, i < m->functions.len), and its identity
 * argument list ("integer, text", "" for none); both owned by the model. */
const pgr_function *model_function_at(const model *m, size_t i);
const char *model_function_args(const model *m, size_t i);

/* Start and free an empty touched set. */
void model_touched_init(model_touched *t);
void model_touched_free(model_touched *t);

/* Record in t (NULL: stop recording) what the statements applied to m from
 * now on touch; t is not owned by m. */
void model_record_touched(model *m, model_touched *t);

/*
 * The positions in m (ascending, each once) of the objects of kind
 * (TOUCH_*) whose key t holds, appended to out (a util_vec of size_t).
 * Grants (TOUCH_ACL, TOUCH_DEFAULT_ACL) match by object and grantee
 * whatever their object kind, as a plugin naming "on t to r" would.  Call
 * after model_view when the positions are to index a view (it regroups the
 * policies).
 */
void model_touched_positions(model *m, const model_touched *t, int kind, util_vec *out);

/*
 * A journal, so that a migration's down runs on the model itself and is
 * then undone, in O(what the down changes) instead of a copy of the whole
 * model per migration (issue 15).  model_journal_begin starts recording
 * every element the statements applied to m append, change or remove (with
 * its old value), and the session state (search_path, next oid...);
 * model_journal_undo puts m back as it was, byte for byte in the order of
 * every vector, and ends the journal.  While it runs, lookups by name scan
 * (the indexes keep their maps untouched, valid again after the undo).
 * Only statements model_journal_supports says yes to may be applied while
 * a journal runs.
 */
void model_journal_begin(model *m);
void model_journal_undo(model *m);

/* Whether applying stmt (a statement's root node) is recorded whole by a
 * journal: every statement kind but roles, DO blocks, ALTER DEFAULT
 * PRIVILEGES, GRANT ... ALL ... IN SCHEMA, DROP SCHEMA and renames of
 * anything but a table. */
bool model_journal_supports(const PgQuery__Node *stmt);

/*
 * Append to dst deep copies of the objects of m the touched set t names
 * (model_touched_positions' objects, in their order in m) of the eight
 * kinds replay hooks compare: a small model of what a migration touched,
 * for its after_down when the down ran on m under a journal.  dst is a
 * model_init'ed, empty model; its session state is m's.
 */
void model_copy_touched(model *m, const model_touched *t, model *dst);

/* Close the gaps removals left in m's vectors (model.gone): the loops of
 * code outside core/src/model/ and plugins' views see no removed element.
 * A no-op while a journal runs. */
void model_compact(model *m);

/* m was copied by value from another model (which is no longer used): point
 * its indexes at its own removal marks again (model.gone). */
void model_rebind(model *m);

/* Make dst an independent deep copy of src (free it with model_free). */
void model_clone(const model *src, model *dst);

/* The privileges "ALL" stands for on an object of kind objkind (as
 * PostgreSQL's ACL_ALL_RIGHTS_*). */
uint32_t model_all_privileges(char objkind);

#endif
