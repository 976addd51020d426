/*
 * model_json.h — the schema model as JSON (pgrampart model --format json),
 * for debugging and tests.  Catalog vocabulary: relkind, relrowsecurity,
 * polcmd, aclitem privileges as letters (PostgreSQL's aclitem notation).
 */
#ifndef PGR_MODEL_JSON_H
#define PGR_MODEL_JSON_H

#include <jansson.h>

#include "pgrampart/plugin.h"

/* A new JSON object describing m; caller owns the reference (json_decref). */
json_t *model_json(const pgr_model *m);

/* PostgreSQL's aclitem letters for privilege bits ("arwdDxt..."), into buf
 * (at least 16 bytes).  Returns buf. */
char *model_acl_letters(uint32_t privileges, char *buf);

#endif
