/*
 * rollback.c — migration pairs.
 *
 * rollback/missing-down: an up migration without a down/rollback/undo/
 * revert counterpart, or whose down is empty or only comments.
 */
#include <stdio.h>
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

static const pgr_rule rules[] = {
    { "rollback/missing-down", PGR_SEVERITY_ERROR,
      "An up migration has no down (rollback) migration, or its down does nothing.",
      "Write the down that undoes this up, and test it: apply up, down, up.",
      "Production deployment checklist: \"Rollback script prepared and tested\"" },
};

/* What the missing counterpart would be called, per convention. */
static void
expected_name(const pgr_migration_set *s, const pgr_migration *m, char *buf, size_t size)
{
    const char *c = s->convention;

    if (strcmp(c, "golang-migrate") == 0)
        snprintf(buf, size, "%s_%s.down.sql", m->version, m->name);
    else if (strcmp(c, "diesel") == 0)
        snprintf(buf, size, "down.sql beside up.sql");
    else if (strcmp(c, "dbmate") == 0)
        snprintf(buf, size, "statements after \"-- migrate:down\"");
    else if (strcmp(c, "flyway") == 0)
        snprintf(buf, size, "U%s__%s.sql", m->version, m->name);
    else if (strcmp(c, "sqitch") == 0)
        snprintf(buf, size, "revert/%s.sql", m->name);
    else
        snprintf(buf, size, "rollback_%s_%s.sql or %s_%s.rollback.sql", m->version, m->name,
                 m->version, m->name);
}

static void
on_migration_set(pgr_ctx *ctx, const pgr_migration_set *s)
{
    size_t i;
    char msg[1024], hint[768], name[512];

    for (i = 0; i < s->n_migrations; i++) {
        const pgr_migration *m = &s->migrations[i];
        pgr_finding f;

        if (m->down_path != NULL && m->down_statements > 0)
            continue;
        expected_name(s, m, name, sizeof name);
        if (m->down_path == NULL)
            snprintf(msg, sizeof msg, "up migration %s has no down migration (%s convention)",
                     m->up_path, s->convention);
        else
            snprintf(msg, sizeof msg, "the down migration of %s (%s) is empty: rolling back "
                     "does nothing", m->up_path, m->down_path);
        snprintf(hint, sizeof hint, "write %s that undoes every statement of this up", name);
        memset(&f, 0, sizeof f);
        f.rule_id = "rollback/missing-down";
        f.location = m->up_location;
        f.message = msg;
        f.hint = hint;
        api->report(ctx, &f);
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "rollback", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    NULL, NULL, on_migration_set, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
