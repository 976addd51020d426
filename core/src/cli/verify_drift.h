/*
 * verify_drift.h — verify/model-drift (issue 18): after a migration set's
 * ups ran on the scratch database, pgrampart's replay of the same set is
 * compared with PostgreSQL's catalog, so that PostgreSQL is the test oracle
 * of the replay.
 */
#ifndef PGR_VERIFY_DRIFT_H
#define PGR_VERIFY_DRIFT_H

#include "host/host.h"
#include "model/model.h"
#include "util.h"

/* A check_paths_models callback: keeps a deep copy of each migration set's
 * replayed model in arg (a util_vec of model *, verify_drift_init'ed;
 * verify_drift_free frees them). */
void verify_drift_keep(model *m, void *arg);

void verify_drift_init(util_vec *models);
void verify_drift_free(util_vec *models);

/*
 * Compare the kept model of the set rooted at root with the catalog of
 * the database conninfo names (the audit's reader, connect_timeout_s
 * seconds to connect), through the drift plugin's comparison; each
 * difference it finds is reported into h->diags as verify/model-drift
 * (info) at the same place, its message led by the drift rule's id.  No
 * kept model for root: nothing.  Returns 0, or -1 with *err set (caller
 * frees) when the catalog could not be read.
 */
int verify_drift_check(host *h, util_vec *models, const char *root, const char *conninfo,
                       int connect_timeout_s, char **err);

#endif
