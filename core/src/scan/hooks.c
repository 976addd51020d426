/*
 * hooks.c — the hook points check, audit and drift share after the run:
 * a model (on_model), the end of the run (on_finish), two models compared
 * (on_drift).  See check.h.
 */
#include "scan/check.h"

static void
call_model_hook(const pgr_plugin *p, pgr_ctx *ctx, void *view)
{
    if (p->on_model)
        p->on_model(ctx, view);
}

void
check_model_hooks(host *h, model *m)
{
    pgr_model view;

    model_view(m, &view);
    host_for_each_plugin(h, call_model_hook, &view);
}

static void
call_finish_hook(const pgr_plugin *p, pgr_ctx *ctx, void *unused)
{
    (void) unused;
    if (p->on_finish)
        p->on_finish(ctx);
}

void
check_finish_hooks(host *h)
{
    host_for_each_plugin(h, call_finish_hook, NULL);
}

/* The two models on_drift compares. */
typedef struct drift_point {
    const pgr_model *migrations;
    const pgr_model *live;
} drift_point;

static void
call_drift_hook(const pgr_plugin *p, pgr_ctx *ctx, void *arg)
{
    const drift_point *dp = arg;

    if (p->on_drift)
        p->on_drift(ctx, dp->migrations, dp->live);
}

void
check_drift_hooks(host *h, model *migrations, model *live)
{
    pgr_model a, b;
    drift_point dp = { &a, &b };

    model_view(migrations, &a);
    model_view(live, &b);
    host_for_each_plugin(h, call_drift_hook, &dp);
}
