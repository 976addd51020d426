/*
 * verify_drift.c — see verify_drift.h.  The comparison is audit
 * --migrations' (the drift plugin's on_drift hook): it already knows which
 * differences between a replayed model and a catalog are only spelling
 * (pg_get_expr's text against the migration's, grants to the owner).  On a
 * scratch database that holds the set's migrations and nothing else, every
 * drift finding is a defect of pgrampart's replay (or of the comparison),
 * hence info, not a finding about the migrations.
 */
#include "cli/verify_drift.h"

#include <stdlib.h>
#include <string.h>

#include "model/live.h"
#include "report/diag.h"
#include "scan/check.h"

void
verify_drift_init(util_vec *models)
{
    util_vec_init(models, sizeof(model *));
}

void
verify_drift_free(util_vec *models)
{
    size_t i;

    for (i = 0; i < models->len; i++) {
        model *m = *(model **) util_vec_at(models, i);

        model_free(m);
        free(m);
    }
    util_vec_free(models);
}

void
verify_drift_keep(model *m, void *arg)
{
    util_vec *models = arg;
    model *copy;

    if (!m->from_migrations)
        return;
    /* Each on the heap: a model's indexes point into it (model.gone), so
     * it must not move with a growing vector. */
    copy = util_xmalloc(sizeof *copy);
    model_clone(m, copy);
    *(model **) util_vec_push(models) = copy;
}

/* The kept model of the set rooted at root, or NULL. */
static model *
kept_model(util_vec *models, const char *root)
{
    size_t i;

    for (i = 0; i < models->len; i++) {
        model *m = *(model **) util_vec_at(models, i);

        if (m->source && strcmp(m->source, root) == 0)
            return m;
    }
    return NULL;
}

/* Report drift finding f as verify/model-drift at its place. */
static void
report_drift(host *h, const diag_finding *f)
{
    pgr_location loc;
    char *msg = util_xasprintf("%s: %s", f->rule_id, f->message);

    memset(&loc, 0, sizeof loc);
    loc.path = f->path;
    loc.line = f->line;
    loc.column = f->column;
    loc.end_line = f->end_line;
    loc.end_column = f->end_column;
    loc.object = f->object;
    host_report_core(h, "verify/model-drift", &loc, msg);
    free(msg);
}

int
verify_drift_check(host *h, util_vec *models, const char *root, const char *conninfo,
                   int connect_timeout_s, char **err)
{
    model *replayed = kept_model(models, root);
    diag_store drift, *saved = h->diags;
    live_result res;
    model live;
    size_t i;
    int rc;

    if (replayed == NULL)
        return 0;
    model_init(&live, "database", 0);
    rc = live_read_model(conninfo, 0, connect_timeout_s, &live, &res, err);
    if (rc == 0) {
        /* The drift rules report into a store of their own, read back. */
        diag_init(&drift);
        h->diags = &drift;
        check_drift_hooks(h, replayed, &live);
        h->diags = saved;
        for (i = 0; i < drift.findings.len; i++)
            report_drift(h, util_vec_at(&drift.findings, i));
        diag_free(&drift);
    }
    live_result_free(&res);
    model_free(&live);
    return rc;
}
