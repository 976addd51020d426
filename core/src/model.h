/*
 * model.h — the schema model: what a database looks like after replaying a
 * migration set (or one SQL file) in order.  Vocabulary follows pg_catalog
 * (relkind, relrowsecurity, aclitem) so that a model read from a live
 * database has the same shape.  Plugins see it as a read-only pgr_model.
 */
#ifndef PGR_MODEL_H
#define PGR_MODEL_H

#include "pgrampart/plugin.h"
#include "sql.h"

/* A mutable model.  Every string inside is owned by the model. */
typedef struct model {
    char *source;
    int from_migrations;
    util_vec tables;        /* of pgr_table */
    util_vec acl;           /* of pgr_acl_item */
    util_vec roles;         /* of pgr_role */
    util_vec policies;      /* of pgr_policy */
    util_vec functions;     /* of pgr_function */
    util_vec views;         /* of pgr_view */
    util_vec objects;       /* of pgr_object: extensions, indexes, types */
    util_vec default_acl;   /* of pgr_acl_item */
    int server_version;
    int public_schema_create;
    pgr_location origin;
    int default_public_execute;  /* new functions get EXECUTE for PUBLIC */
    uint32_t next_oid;           /* for tables created by replay */
    char *default_schema;        /* first schema of the session's search_path */
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

/* Set the PostgreSQL major version the model stands for (default 15):
 * before 15, PUBLIC may CREATE in schema public unless revoked. */
void model_set_version(model *m, int major);

/* Where the model starts (copied), for findings about the whole model. */
void model_set_origin(model *m, const pgr_location *loc);

/* Start a new database session (each migration file runs in its own):
 * the search_path is public again. */
void model_new_session(model *m);

/* A read-only view for plugins, valid until the model changes or is freed. */
void model_view(const model *m, pgr_model *out);

/* Find a table; NULL when absent. */
const pgr_table *model_find_table(const model *m, const char *schema, const char *name);

void model_free(model *m);

/* Make dst an independent deep copy of src (free it with model_free). */
void model_clone(const model *src, model *dst);

/* The privileges "ALL" stands for on an object of kind objkind (as
 * PostgreSQL's ACL_ALL_RIGHTS_*). */
uint32_t model_all_privileges(char objkind);

#endif
