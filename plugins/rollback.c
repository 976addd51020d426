/*
 * rollback.c — migration pairs: a down for every up, and a down that
 * restores the model the up started from.  The rules and their docs are in
 * rules[] below.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "rollback_flow.h"
#include "rollback_diff.h"

const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "rollback/missing-down", PGR_SEVERITY_ERROR,
      "An up migration has no down (rollback) migration, or its down does nothing.",
      "Write the down that undoes this up, and test it: apply up, down, up.",
      "Production deployment checklist: \"Rollback script prepared and tested\"",
      "Without a tested rollback a failed deployment is fixed forward, under pressure.",
      "migrations/007_add_search.sql  (no rollback/007_add_search.sql)",
      "migrations/007_add_search.sql + migrations/rollback/007_add_search.sql" },
    { "rollback/declared-empty-down", PGR_SEVERITY_INFO,
      "A down migration holds only a comment: its author declared that this up is not rolled back.",
      "Fine for a contract step (dropping what the code no longer reads) or a widened type; "
      "otherwise write the down.",
      "Production deployment checklist: \"Rollback script prepared and tested\"",
      "Rolling back leaves the up's schema in place; that is a decision, recorded in the file, "
      "which a reviewer may want to see.",
      "003_drop_legacy.up.sql: DROP TABLE legacy;\n003_drop_legacy.down.sql: -- no-op",
      "003_drop_legacy.down.sql: CREATE TABLE legacy (...);" },
    { "rollback/incomplete-down", PGR_SEVERITY_ERROR,
      "The down migration does not undo its up: replaying up then down leaves a different schema.",
      "Make the down drop what the up creates and restore what it drops or changes, in reverse order.",
      "Production deployment checklist: \"rollback script reverts the migration\"",
      "A rollback that leaves objects behind (or drops others) makes the next deploy fail or "
      "silently differ.",
      "up: CREATE TABLE sessions ...; CREATE FUNCTION session_expired(...)\n"
      "down: DROP TABLE sessions;",
      "down: DROP FUNCTION session_expired(sessions); DROP TABLE sessions;" },
    { "rollback/irreversible-up", PGR_SEVERITY_WARNING,
      "The up migration drops a table or a column: its data is gone, whatever the down recreates.",
      "Keep the table (rename or archive it) until the release is past rollback, or back it up first.",
      "Production deployment checklist: \"backup taken before destructive migrations\"",
      "Dropping a table or column loses data no rollback can bring back.",
      "DROP TABLE legacy_tokens;",
      "ALTER TABLE legacy_tokens RENAME TO legacy_tokens_retired;  (drop it after the release is "
      "past rollback)" },
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
    else if (strcmp(c, "prisma") == 0)
        snprintf(buf, size, "down.sql beside migration.sql");
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

/*
 * What an up's statements change, per up path: data (INSERT, UPDATE,
 * DELETE, MERGE, ALTER TYPE ... ADD VALUE, ALTER SEQUENCE ... RESTART) or
 * schema (anything else but transaction control, SET and SELECT).  Filled
 * by on_sql_statement, which the host calls before on_migration_set.
 */
typedef struct up_change {
    char *path;
    int data;
    int schema;
} up_change;

static up_change *changes;
static size_t n_changes, cap_changes;

static up_change *
change_of(const char *path)
{
    size_t i;

    for (i = 0; i < n_changes; i++)
        if (strcmp(changes[i].path, path) == 0)
            return &changes[i];
    if (n_changes == cap_changes) {
        cap_changes = cap_changes ? cap_changes * 2 : 64;
        changes = realloc(changes, cap_changes * sizeof(up_change));
        if (changes == NULL)
            abort();
    }
    changes[n_changes].path = strdup(path);
    if (changes[n_changes].path == NULL)
        abort();
    changes[n_changes].data = changes[n_changes].schema = 0;
    return &changes[n_changes++];
}

/* Whether every option of ALTER SEQUENCE is RESTART: a counter reset, whose
 * old value no down can know. */
static int
sequence_restart_only(const pgr_node *stmt)
{
    size_t i, n = api->node_list_length(stmt, "options");

    for (i = 0; i < n; i++) {
        const char *name = api->node_string(api->node_list_item(stmt, "options", i), "defname");

        if (name == NULL || strcmp(name, "restart") != 0)
            return 0;
    }
    return n > 0;
}

/* 1: the statement changes rows or values no down can restore (see
 * up_change); 0: it changes the schema; -1: neither. */
static int
changes_data(const pgr_node *root)
{
    const char *tag = api->node_tag(root);

    if (strcmp(tag, "InsertStmt") == 0 || strcmp(tag, "UpdateStmt") == 0 ||
        strcmp(tag, "DeleteStmt") == 0 || strcmp(tag, "MergeStmt") == 0)
        return 1;
    /* PostgreSQL cannot drop a value from an enum (docs 8.7.4): a down
     * cannot undo ADD VALUE, only a RENAME VALUE (old_val set). */
    if (strcmp(tag, "AlterEnumStmt") == 0)
        return api->node_string(root, "old_val") == NULL;
    if (strcmp(tag, "AlterSeqStmt") == 0 && sequence_restart_only(root))
        return 1;
    if (strcmp(tag, "TransactionStmt") == 0 || strcmp(tag, "VariableSetStmt") == 0 ||
        strcmp(tag, "SelectStmt") == 0)
        return -1;
    return 0;
}

/*
 * Whether an empty down is the only honest down of this up: the up changes
 * data (a backfill, a cleanup, an enum value, a sequence restart) and no
 * schema, so there is nothing a down could put back (ente writes
 * "-- noop since we can't remove a value from an enum").  Data loss is
 * irreversible-up's finding.
 */
static int
nothing_to_undo(const char *up_path)
{
    size_t i;

    for (i = 0; i < n_changes; i++)
        if (strcmp(changes[i].path, up_path) == 0)
            return changes[i].data && !changes[i].schema;
    return 0;
}

/* Whether the comment line text[0..len) is one a generator wrote (the rule
 * pack's generated_down_comments), compared without "--" and blanks. */
static int
generated_comment(pgr_ctx *ctx, const char *text, size_t len)
{
    size_t i, n = api->rulepack_list_length(ctx, "generated_down_comments");

    while (len > 0 && (*text == '-' || isspace((unsigned char) *text)))
        text++, len--;
    while (len > 0 && isspace((unsigned char) text[len - 1]))
        len--;
    for (i = 0; i < n; i++) {
        const char *g = api->rulepack_list_item(ctx, "generated_down_comments", i);

        if (strlen(g) == len && strncasecmp(g, text, len) == 0)
            return 1;
    }
    return 0;
}

/*
 * Whether a down file of its own (not a dbmate section) holds no statement
 * but a comment its author wrote, such as ente's "-- no-op" or "-- do
 * nothing": this up is deliberately not rolled back (a contract step dropping
 * what the code no longer reads, a widened type).  A blank file, or one with
 * only the comment a generator put there (diesel's "This file should undo
 * anything in `up.sql`"), was never filled.  The data an up drops is still
 * irreversible-up's finding.
 */
static int
declared_empty(pgr_ctx *ctx, const pgr_migration *m)
{
    size_t len, start, end;
    const char *text;
    int written = 0;

    if (m->down_path == NULL || m->down_statements > 0 || strcmp(m->down_path, m->up_path) == 0)
        return 0;
    text = api->file_text(ctx, m->down_path, &len);
    for (start = 0; text != NULL && start < len; start = end + 1) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t k;

        end = nl ? (size_t) (nl - text) : len;
        for (k = start; k < end && isspace((unsigned char) text[k]); k++)
            ;
        if (k < end && !generated_comment(ctx, text + k, end - k))
            written = 1;
    }
    return written;
}

/*
 * Whether the up at m holds no SQL at all (empty, or only blanks and
 * comments): projects keep such files to hold a version in step with their
 * other dialects' sets (authelia's migrations/postgres/V0002.MySQLOnly.up.sql
 * and its empty .down.sql).  An empty down is then the exact inverse.
 */
static int
up_is_blank(pgr_ctx *ctx, const pgr_migration *m)
{
    size_t len, i = 0;
    const char *text = api->file_text(ctx, m->up_path, &len);

    if (text == NULL || m->up_syntax_errors > 0)
        return 0;
    while (i < len) {
        if (isspace((unsigned char) text[i]))
            i++;
        else if (i + 1 < len && text[i] == '-' && text[i + 1] == '-') {
            const char *nl = memchr(text + i, '\n', len - i);

            i = nl ? (size_t) (nl - text) : len;
        } else if (i + 1 < len && text[i] == '/' && text[i + 1] == '*') {
            const char *end = memmem(text + i + 2, len - i - 2, "*/", 2);

            if (end == NULL)
                return 0;
            i = (size_t) (end - text) + 2;
        } else
            return 0;
    }
    return 1;
}

/*
 * Whether the set uses a down convention at all: some up has a down file
 * (or, for dbmate, its down section).  Forward-only tools (Supabase CLI,
 * Prisma migrate, Rails structure dumps, flyway without undo) never write
 * one; asking them for a rollback per migration is noise (issue 12).
 */
static int
set_uses_downs(const pgr_migration_set *s)
{
    size_t i;

    for (i = 0; i < s->n_migrations; i++)
        if (s->migrations[i].down_path != NULL)
            return 1;
    return 0;
}

static void
on_migration_set(pgr_ctx *ctx, const pgr_migration_set *s)
{
    size_t i;
    char msg[1024], hint[768], name[512];

    flow_new_set();
    /* compare_kind reads after_down through replay_touched only. */
    api->replay_touched_only(ctx);
    if (!set_uses_downs(s))
        return;
    for (i = 0; i < s->n_migrations; i++) {
        const pgr_migration *m = &s->migrations[i];
        pgr_finding f;

        if (m->down_path != NULL && m->down_statements > 0)
            continue;
        /* golang-migrate (migrate.go, newMigration) runs a missing down
         * file as an empty migration: it silently skips it and lowers the
         * version, so a missing file is reported whatever the up does. */
        if (m->down_path != NULL && nothing_to_undo(m->up_path))
            continue;
        if (m->down_path != NULL && strcmp(m->down_path, m->up_path) != 0 && up_is_blank(ctx, m))
            continue;
        if (declared_empty(ctx, m)) {
            pgr_reportf(api, ctx, "rollback/declared-empty-down", &m->up_location,
                        "the down migration of %s (%s) only holds a comment: rolling back "
                        "leaves this up in place", m->up_path, m->down_path);
            continue;
        }
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

static void
on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    (void) ctx;
    if (stmt->part != PGR_PART_UP)
        return;
    switch (changes_data(stmt->root)) {
    case 1:
        change_of(stmt->path)->data = 1;
        break;
    case 0:
        change_of(stmt->path)->schema = 1;
        break;
    default:
        break;
    }
    flow_note_statement(stmt);
}

static void
on_finish(pgr_ctx *ctx)
{
    size_t i;

    (void) ctx;
    flow_free();
    for (i = 0; i < n_changes; i++)
        free(changes[i].path);
    free(changes);
    changes = NULL;
    n_changes = cap_changes = 0;
}

static void
on_migration_replay(pgr_ctx *ctx, const pgr_migration_set *set, size_t index,
                    const pgr_model *before, const pgr_model *after_up, const pgr_model *after_down)
{
    const pgr_migration *mig = &set->migrations[index];

    /* Statements that do not parse may be the ones that copy the rows. */
    if (mig->up_syntax_errors == 0)
        rollback_report_drops(ctx, set, index, before, after_up);
    /* An empty down is missing-down's finding already. */
    if (after_down == NULL || mig->down_statements == 0)
        return;
    rollback_compare(ctx, mig, before, after_up, after_down);
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "rollback", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    on_sql_statement, NULL, on_migration_set, NULL, on_migration_replay, on_finish, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
