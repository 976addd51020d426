/*
 * rls_notes.c — what the statements say that the schema model does not keep,
 * for the rls plugin: relations REVOKEd from PUBLIC (a view meant for its
 * owner alone) and templates that enable row-level security on a table named
 * at run time.  A statement may come after a model it bears on (the host
 * delivers a model once its own files' statements are in: plugin.h), so the
 * findings these notes can take back are held (rls_defer_table,
 * rls_defer_view) and decided in on_finish (rls_report_deferred), when
 * every statement is in; rls_notes_free ends the run.
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
 * in on_finish (rls_report_deferred), then freed.
 */
typedef struct revoke_note {
    char *relation;
    char *path;
    uint32_t line;
} revoke_note;

static revoke_note *revokes;
static size_t n_revokes, cap_revokes;

/*
 * A finding of a replayed model that a statement of any file of the run may
 * still take back, held until on_finish: rls/table-without-rls (view NULL;
 * dropped when a template of its table's directory enables RLS) and
 * rls/view-bypasses-rls (view set: dropped when a later REVOKE ... FROM
 * PUBLIC makes the view its owner's alone).  Everything is owned here.
 */
typedef struct deferred {
    const char *rule;          /* static: the rule table's */
    pgr_location location;     /* path and object owned */
    char *message;
    char *hint;
    char *view;                /* "schema.name" of the view, or NULL */
    char *view_path;           /* where the view is created (may be NULL) */
    uint32_t view_line;
    /* The latest grant on a relation of the view's schema, in migration
     * order (later()): a REVOKE before it does not make the view private. */
    int grant_unplaced;        /* some such grant has no path: later than any */
    char *grant_path;          /* NULL: no placed grant */
    uint32_t grant_line;
} deferred;

static deferred *deferreds;
static size_t n_deferreds, cap_deferreds;

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

/* arr (n items of size bytes, room for *cap) with room for one more. */
static void *
grow(void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? *cap * 2 : 16;
    arr = realloc(arr, *cap * size);
    if (arr == NULL)
        abort();
    return arr;
}

static void
note_revoke(const char *schema, const char *rel, const pgr_location *loc)
{
    size_t len = strlen(schema) + strlen(rel) + 2;
    revoke_note *r;

    revokes = grow(revokes, n_revokes, &cap_revokes, sizeof *revokes);
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
    for (i = 0; i < n_deferreds; i++) {
        free((char *) deferreds[i].location.path);
        free((char *) deferreds[i].location.object);
        free(deferreds[i].message);
        free(deferreds[i].hint);
        free(deferreds[i].view);
        free(deferreds[i].view_path);
        free(deferreds[i].grant_path);
    }
    free(deferreds);
    deferreds = NULL;
    n_deferreds = cap_deferreds = 0;
}

/* Whether place (path, line) comes after (path2, line2) in migration order. */
static int
later(const char *path, uint32_t line, const char *path2, uint32_t line2)
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

/* The first REVOKE ... FROM PUBLIC noted for relation "schema.name" after
 * (path, line), where the view is created; NULL when there is none. */
static const revoke_note *
first_revoke(const char *view, const char *path, uint32_t line)
{
    size_t i;

    for (i = 0; i < n_revokes; i++)
        if (strcmp(revokes[i].relation, view) == 0 && later(revokes[i].path, revokes[i].line, path, line))
            return &revokes[i];
    return NULL;
}

/*
 * Whether the migrations of m open view v to other roles whatever any
 * REVOKE says: default privileges for tables in its schema (or every
 * schema), or a grant on the view itself.
 */
int
rls_view_granted(const pgr_model *m, const pgr_view *v)
{
    size_t i, sl = strlen(v->schema);

    for (i = 0; i < m->n_default_acl; i++)
        if (m->default_acl[i].objkind == 'r' && (strcmp(m->default_acl[i].object, "*") == 0 ||
                                                 strcmp(m->default_acl[i].object, v->schema) == 0))
            return 1;
    for (i = 0; i < m->n_acl; i++)
        if (m->acl[i].objkind == 'r' && rls_in_schema(m->acl[i].object, v->schema, sl, v->name))
            return 1;
    return 0;
}

static deferred *
push_deferred(const char *rule, const pgr_location *loc, const char *message, const char *hint)
{
    deferred *d;

    deferreds = grow(deferreds, n_deferreds, &cap_deferreds, sizeof *deferreds);
    d = &deferreds[n_deferreds++];
    memset(d, 0, sizeof *d);
    d->rule = rule;
    d->location = *loc;
    d->location.path = dup_or_null(loc->path);
    d->location.object = dup_or_null(loc->object);
    d->message = xstrdup_or_die(message);
    d->hint = dup_or_null(hint);
    return d;
}

void
rls_defer_table(const pgr_location *loc, const char *message, const char *hint)
{
    push_deferred("rls/table-without-rls", loc, message, hint);
}

/*
 * Hold v's rls/view-bypasses-rls finding (at loc) until every REVOKE is
 * noted.  The view is its owner's alone (rls_static_view_private before
 * issue 15) when a REVOKE ... FROM PUBLIC of it comes after its CREATE and
 * no grant on a relation of its schema comes after that REVOKE (it may be
 * ON ALL TABLES, which covers views); rls_view_granted must be false.  Of
 * m's grants only the latest in its schema matters: kept here.
 */
void
rls_defer_view(const pgr_model *m, const pgr_view *v, const pgr_location *loc,
               const char *message, const char *hint)
{
    deferred *d = push_deferred("rls/view-bypasses-rls", loc, message, hint);
    size_t i, sl = strlen(v->schema);
    const pgr_location *latest = NULL;

    d->view = malloc(sl + strlen(v->name) + 2);
    if (d->view == NULL)
        abort();
    sprintf(d->view, "%s.%s", v->schema, v->name);
    d->view_path = dup_or_null(v->location.path);
    d->view_line = v->location.line;
    for (i = 0; i < m->n_acl; i++) {
        const pgr_location *at = &m->acl[i].location;

        if (m->acl[i].objkind != 'r' || !rls_in_schema(m->acl[i].object, v->schema, sl, NULL))
            continue;
        if (at->path == NULL)
            d->grant_unplaced = 1;
        else if (latest == NULL || later(at->path, at->line, latest->path, latest->line))
            latest = at;
    }
    if (latest != NULL) {
        d->grant_path = xstrdup_or_die(latest->path);
        d->grant_line = latest->line;
    }
}

/* Whether the statements of the run make deferred finding d's view its
 * owner's alone (see rls_defer_view). */
static int
view_private(const deferred *d)
{
    const revoke_note *r = first_revoke(d->view, d->view_path, d->view_line);

    if (r == NULL || d->grant_unplaced)
        return 0;
    return d->grant_path == NULL || !later(d->grant_path, d->grant_line, r->path, r->line);
}

void
rls_report_deferred(pgr_ctx *ctx)
{
    size_t i;

    for (i = 0; i < n_deferreds; i++) {
        const deferred *d = &deferreds[i];
        int keep = d->view ? !view_private(d) : !rls_template_dir(d->location.path);

        if (keep)
            pgr_report_at(api, ctx, d->rule, &d->location, d->message, d->hint);
    }
}
