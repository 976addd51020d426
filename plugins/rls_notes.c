/*
 * rls_notes.c — what the statements say that the schema model does not keep,
 * for the rls plugin: relations REVOKEd from PUBLIC (a view meant for its
 * owner alone) and templates that enable row-level security on a table named
 * at run time.  A statement may come after a model it bears on (the host
 * delivers a model once its own files' statements are in: plugin.h), so a
 * finding these notes may take back is held (rls_hold) and decided in
 * on_finish, when every statement is in; rls_notes_free ends the run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rls_notes.h"

/*
 * Relations the migrations REVOKE ALL (or SELECT) ... FROM PUBLIC, as
 * "schema.name" with the statement's place: the sign that a (materialized)
 * view is meant for its owner alone.  Gathered from the statements; read
 * in on_finish (rls_views_finish), then freed.
 */
static revoke_note *revokes;
static size_t n_revokes, cap_revokes;

static char *
xstrdup_or_die(const char *s)
{
    char *c = strdup(s);

    if (c == NULL)
        abort();
    return c;
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup_or_die(s) : NULL;
}

void *
rls_grow(void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? *cap * 2 : 16;
    arr = realloc(arr, *cap * size);
    if (arr == NULL)
        abort();
    return arr;
}

void
rls_hold(rls_held *h, const char *rule, const pgr_location *loc, const char *message,
         const char *hint)
{
    h->rule = rule;
    h->location = *loc;
    h->location.path = dup_or_null(loc->path);
    h->location.object = dup_or_null(loc->object);
    h->message = xstrdup_or_die(message);
    h->hint = dup_or_null(hint);
}

void
rls_held_report(pgr_ctx *ctx, const rls_held *h)
{
    pgr_report_at(api, ctx, h->rule, &h->location, h->message, h->hint);
}

void
rls_held_free(rls_held *h)
{
    free((char *) h->location.path);
    free((char *) h->location.object);
    free(h->message);
    free(h->hint);
}

static void
note_revoke(const char *schema, const char *rel, const pgr_location *loc)
{
    size_t len = strlen(schema) + strlen(rel) + 2;
    revoke_note *r;

    revokes = rls_grow(revokes, n_revokes, &cap_revokes, sizeof *revokes);
    r = &revokes[n_revokes++];
    r->relation = malloc(len);
    if (r->relation == NULL)
        abort();
    snprintf(r->relation, len, "%s.%s", schema, rel);
    r->path = xstrdup_or_die(loc->path ? loc->path : "");
    r->line = loc->line;
}

/* Whether an item of stmt's list has field equal to value. */
static int
list_has(const pgr_node *stmt, const char *list, const char *field, const char *value)
{
    size_t i, n = api->node_list_length(stmt, list);

    for (i = 0; i < n; i++) {
        const char *v = api->node_string(api->node_list_item(stmt, list, i), field);

        if (v && strcmp(v, value) == 0)
            return 1;
    }
    return 0;
}

/*
 * Directories where a template enables row-level security on a table it
 * names at run time: logto's tables/_after_each.sql holds "alter table
 * ${name} enable row level security", which its build runs after each
 * table file of the directory.  Which tables it covers is not in the SQL,
 * so the absence of RLS on a table of that directory cannot be claimed.
 */
static char **template_rls_dirs;
static size_t n_template_rls_dirs;

/* The directory part of path ("" for none), as a new string. */
static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t) (slash - path) : 0;
    char *d = malloc(n + 1);

    if (d == NULL)
        abort();
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* The rls/table-without-rls findings held until on_finish (rls_defer_table). */
static rls_held *held_tables;
static size_t n_held_tables, cap_held_tables;

void
rls_defer_table(const pgr_location *loc, const char *message, const char *hint)
{
    held_tables = rls_grow(held_tables, n_held_tables, &cap_held_tables, sizeof *held_tables);
    rls_hold(&held_tables[n_held_tables++], "rls/table-without-rls", loc, message, hint);
}

void
rls_report_deferred_tables(pgr_ctx *ctx)
{
    size_t i;

    for (i = 0; i < n_held_tables; i++) {
        if (!rls_template_dir(held_tables[i].location.path))
            rls_held_report(ctx, &held_tables[i]);
        rls_held_free(&held_tables[i]);
    }
    free(held_tables);
    held_tables = NULL;
    n_held_tables = cap_held_tables = 0;
}

/* Whether a template of path's directory enables RLS (note_template_rls). */
int
rls_template_dir(const char *path)
{
    char *d = dir_of(path ? path : "");
    size_t i;
    int found = 0;

    for (i = 0; i < n_template_rls_dirs && !found; i++)
        found = strcmp(template_rls_dirs[i], d) == 0;
    free(d);
    return found;
}

/* Where the last placeholder_at call left off: statements come in file
 * order, so each file's text is scanned once, not once per statement. */
static struct {
    const char *text;
    uint32_t line;
    size_t offset;           /* of the start of line */
} cursor;

/* Whether the file text at loc (1-based line, byte column) starts a
 * template placeholder, ${...} or {{ ... }}: the front-end parsed a filler
 * there, the file says the name comes at run time. */
static int
placeholder_at(pgr_ctx *ctx, const pgr_location *loc)
{
    size_t len, i, col = loc->column ? loc->column - 1 : 0;
    const char *text = api->file_text(ctx, loc->path, &len);
    uint32_t line;

    if (text == NULL)
        return 0;
    if (cursor.text != text || cursor.line > loc->line) {
        cursor.text = text;
        cursor.line = 1;
        cursor.offset = 0;
    }
    for (i = cursor.offset, line = cursor.line; i < len && line < loc->line; i++)
        if (text[i] == '\n') {
            line++;
            cursor.offset = i + 1;
            cursor.line = line;
        }
    i = cursor.offset;
    if (line != loc->line || i + col + 1 >= len)
        return 0;
    return (text[i + col] == '$' || text[i + col] == '{') && text[i + col + 1] == '{';
}

/* ALTER TABLE <placeholder> ENABLE ROW LEVEL SECURITY: note its directory. */
static void
note_template_rls(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    const pgr_node *rv = api->node_child(stmt->root, "relation");
    size_t i, n = api->node_list_length(stmt->root, "cmds");
    pgr_location loc;

    for (i = 0; i < n; i++) {
        const char *sub = api->node_string(api->node_list_item(stmt->root, "cmds", i), "subtype");

        if (sub && strcmp(sub, "AT_EnableRowSecurity") == 0)
            break;
    }
    if (i == n || rv == NULL || stmt->path == NULL)
        return;
    api->sql_location(stmt, api->node_int(rv, "location", -1), 1, &loc);
    if (!placeholder_at(ctx, &loc) || rls_template_dir(stmt->path))
        return;
    template_rls_dirs = realloc(template_rls_dirs, (n_template_rls_dirs + 1) * sizeof(char *));
    if (template_rls_dirs == NULL)
        abort();
    template_rls_dirs[n_template_rls_dirs++] = dir_of(stmt->path);
}

void
rls_note_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    const char *tag = api->node_tag(stmt->root), *objtype, *targtype;
    size_t i, n;

    if (tag != NULL && strcmp(tag, "AlterTableStmt") == 0 && stmt->part != PGR_PART_DOWN)
        note_template_rls(ctx, stmt);
    if (stmt->part == PGR_PART_DOWN || tag == NULL || strcmp(tag, "GrantStmt") != 0 ||
        api->node_int(stmt->root, "is_grant", 1) || api->node_int(stmt->root, "grant_option", 0))
        return;
    objtype = api->node_string(stmt->root, "objtype");
    targtype = api->node_string(stmt->root, "targtype");
    if (objtype == NULL || strcmp(objtype, "OBJECT_TABLE") != 0 || targtype == NULL ||
        strcmp(targtype, "ACL_TARGET_OBJECT") != 0 || !list_has(stmt->root, "grantees", "roletype", "ROLESPEC_PUBLIC"))
        return;
    /* REVOKE ALL (no list), or a list naming SELECT. */
    if (api->node_list_length(stmt->root, "privileges") > 0 &&
        !list_has(stmt->root, "privileges", "priv_name", "select"))
        return;
    n = api->node_list_length(stmt->root, "objects");
    for (i = 0; i < n; i++) {
        const pgr_node *rv = api->node_list_item(stmt->root, "objects", i);
        const char *rel = api->node_string(rv, "relname"), *schema = api->node_string(rv, "schemaname");

        if (rel)
            note_revoke(schema ? schema : "public", rel, &stmt->location);
    }
}

void
rls_notes_free(void)
{
    size_t i;

    for (i = 0; i < n_revokes; i++) {
        free(revokes[i].relation);
        free(revokes[i].path);
    }
    free(revokes);
    revokes = NULL;
    n_revokes = cap_revokes = 0;
    for (i = 0; i < n_template_rls_dirs; i++)
        free(template_rls_dirs[i]);
    free(template_rls_dirs);
    template_rls_dirs = NULL;
    n_template_rls_dirs = 0;
    memset(&cursor, 0, sizeof cursor);
}

const revoke_note *
rls_revokes(size_t *n)
{
    *n = n_revokes;
    return revokes;
}

/* Whether place (path, line) comes after (path2, line2) in migration order. */
int
rls_later(const char *path, uint32_t line, const char *path2, uint32_t line2)
{
    int c;

    if (path == NULL || path2 == NULL)
        return 1;
    c = strcmp(path, path2);
    return c > 0 || (c == 0 && line > line2);
}

/* Whether "schema.name" o is in schema (sl bytes) and, when name is not
 * NULL, is that name. */
int
rls_in_schema(const char *o, const char *schema, size_t sl, const char *name)
{
    return strncmp(o, schema, sl) == 0 && o[sl] == '.' && (name == NULL || strcmp(o + sl + 1, name) == 0);
}
