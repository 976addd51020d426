/*
 * verify_facts.h — what pgrampart verify compares between the catalog
 * before a migration's up and after its down (verify_facts.c): each table,
 * column (with its type), RLS flag, constraint, index, policy, grant,
 * role, function and view of a live model as one fact.
 */
#ifndef PGR_VERIFY_FACTS_H
#define PGR_VERIFY_FACTS_H

#include "pgrampart/plugin.h"
#include "util.h"

/* One fact of a catalog snapshot: what (a noun phrase naming the object)
 * and its state (compared as text; "" for presence only). */
typedef struct verify_fact {
    char *what;
    char *state;
    char *table;            /* "schema.table" the fact is part of (a column, an
                             * index, ...; not the table's own fact), or NULL */
} verify_fact;

/* Append the facts of live model m to facts (a util_vec of verify_fact the
 * caller initialised) and sort them by what, then state. */
void verify_facts_of(const pgr_model *m, util_vec *facts);

/* Free every fact's strings and the vector. */
void verify_facts_free(util_vec *facts);

/*
 * Call fn(arg, message) once per difference between before and after (both
 * sorted by verify_facts_of): "X is missing after the down", "X survives
 * the down", "X is S after the down, T before the up".  A column, index,
 * constraint, policy or grant of a table that is in only one of them is
 * left to the table's own message.  message is valid during the call.
 */
void verify_facts_compare(const util_vec *before, const util_vec *after,
                          void (*fn)(void *arg, const char *msg), void *arg);

#endif
