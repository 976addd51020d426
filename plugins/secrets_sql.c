/*
 * secrets_sql.c — the secrets plugin on SQL: the rule pack's patterns in
 * string constants, function bodies and DO blocks (positions inside the
 * literal), connection strings with a password, and the password options of
 * CREATE/ALTER ROLE, USER MAPPING and SERVER.  The patterns and reporting
 * are secrets.c's (secrets.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets.h"
#include "secretshape.h"

/* The span of the quoted literal that follows byte offset from in stmt. */
static void
literal_location(const pgr_sql_statement *stmt, int64_t from, pgr_location *out)
{
    int64_t rel = from - stmt->text_location, i, j;

    for (i = rel < 0 ? 0 : rel; i < (int64_t) stmt->text_len && stmt->text[i] != '\''; i++)
        ;
    for (j = i + 1; j < (int64_t) stmt->text_len && stmt->text[j] != '\''; j++)
        ;
    if (i >= (int64_t) stmt->text_len) {
        api->sql_location(stmt, from, 1, out);
        return;
    }
    api->sql_location(stmt, stmt->text_location + i + 1, (size_t) (j - i - 1), out);
}

/* Report rule at loc (also the secret's span); flags: PGR_REPORT_*. */
static void
report_at(pgr_ctx *ctx, const pgr_location *loc, const char *rule, const char *msg, unsigned flags)
{
    pgr_finding fd;

    memset(&fd, 0, sizeof fd);
    fd.rule_id = rule;
    fd.location = *loc;
    fd.message = msg;
    fd.secret = *loc;
    api->report_flags(ctx, &fd, flags);
}

/* A SQL statement being searched for rule-pack secrets in its literals. */
typedef struct sql_scan {
    pgr_ctx *ctx;
    const pgr_sql_statement *stmt;
} sql_scan;

/*
 * The rule-pack patterns on one string literal of a SQL statement, as they
 * run on a value of env, YAML or JS files (the line "=literal").  from: the
 * byte offset in stmt->text where the literal's source starts; the secret
 * is looked for in the source from there, so the finding points inside the
 * literal whatever its quoting (plain, E'', dollar-quoted); not found (an
 * escape inside the secret), at the statement.  The first pattern that
 * matches wins; generic-secret, which needs a setting's key, never does.
 */
static void
check_sql_literal(pgr_ctx *ctx, const pgr_sql_statement *stmt, const char *literal, size_t from)
{
    size_t k, start, len, n = strlen(literal);
    char *line = malloc(n + 2), *lower, *secret, msg[512];
    secretshape_pem_body body;
    pgr_location loc;
    int hit = 0;

    if (line == NULL)
        return;
    line[0] = '=';
    memcpy(line + 1, literal, n + 1);
    if ((lower = lower_copy(line)) == NULL) {
        free(line);
        return;
    }
    for (k = 0; k < n_patterns && hit == 0; k++) {
        const pattern *p = &patterns[k];
        const char *at;

        hit = pattern_finds(ctx, p, "sql", line, lower, 1, &start, &len, &body, &secret);
        if (hit != 1)
            continue;
        pattern_message(p, "", secret, msg, sizeof msg);
        at = from < stmt->text_len ? memmem(stmt->text + from, stmt->text_len - from, secret, len) : NULL;
        if (at)
            api->sql_location(stmt, stmt->text_location + (at - stmt->text), len, &loc);
        else
            loc = stmt->location;
        report_at(ctx, &loc, p->rule, msg,
                  p->live && body != SECRETSHAPE_PEM_UNSEEN ? PGR_REPORT_KEEP_SEVERITY : 0);
        free(secret);
    }
    free(lower);
    free(line);
}

/*
 * The string literals of a PL/pgSQL (or SQL) function body or DO block:
 * a byte scan for '...' (with '' for a quote), skipping -- and block
 * comments so that an apostrophe in a comment opens no literal.  body_at:
 * where the body starts in stmt->text (its bytes are verbatim there inside
 * dollar quotes), or stmt->text_len when it is not found (a '...' body with
 * doubled quotes): then a secret is looked for from the statement's start.
 */
static void
check_sql_body(pgr_ctx *ctx, const pgr_sql_statement *stmt, const char *body, size_t body_at)
{
    size_t i = 0, n = strlen(body);

    while (i < n) {
        if (body[i] == '-' && body[i + 1] == '-') {
            i += strcspn(body + i, "\n");
        } else if (body[i] == '/' && body[i + 1] == '*') {
            const char *end = strstr(body + i + 2, "*/");

            i = end ? (size_t) (end - body) + 2 : n;
        } else if (body[i] == '\'') {
            size_t j = i + 1, o = 0;
            char *lit = malloc(n - i);

            if (lit == NULL)
                return;
            while (j < n && (body[j] != '\'' || body[j + 1] == '\'')) {
                lit[o++] = body[j];
                j += body[j] == '\'' ? 2 : 1;
            }
            lit[o] = '\0';
            check_sql_literal(ctx, stmt, lit, body_at < stmt->text_len ? body_at + i : 0);
            free(lit);
            i = j + 1;
        } else {
            i++;
        }
    }
}

/* The body of a CREATE FUNCTION or DO: the "as" option's string(s). */
static void
check_sql_bodies(pgr_ctx *ctx, const pgr_sql_statement *stmt, const char *list)
{
    size_t i, j, n = api->node_list_length(stmt->root, list);

    for (i = 0; i < n; i++) {
        const pgr_node *d = api->node_list_item(stmt->root, list, i);
        const char *name = api->node_string(d, "defname");
        const pgr_node *arg = api->node_child(d, "arg");
        const char *one = arg ? api->node_string(arg, "sval") : NULL;

        if (name == NULL || strcmp(name, "as") != 0 || arg == NULL)
            continue;
        for (j = 0; one == NULL && j < api->node_list_length(arg, "items"); j++) {
            const char *body = api->node_string(api->node_list_item(arg, "items", j), "sval");
            const char *at = body ? memmem(stmt->text, stmt->text_len, body, strlen(body)) : NULL;

            if (body)
                check_sql_body(ctx, stmt, body, at ? (size_t) (at - stmt->text) : stmt->text_len);
        }
        if (one) {
            const char *at = memmem(stmt->text, stmt->text_len, one, strlen(one));

            check_sql_body(ctx, stmt, one, at ? (size_t) (at - stmt->text) : stmt->text_len);
        }
    }
}

/*
 * A libpq connection string with a password in a string constant
 * (ALTER SYSTEM SET primary_conninfo = 'host=... password=...', dblink,
 * postgres_fdw): hardcoded-password inside the literal.  A local server's
 * is left alone: SQL does not say which machine it runs on.
 */
static void
check_sql_conninfo(pgr_ctx *ctx, const pgr_sql_statement *stmt, const char *literal, size_t from)
{
    pgr_conninfo *ci = strstr(literal, "password") || strstr(literal, "://")
        ? api->conninfo_parse(literal) : NULL;
    const char *pw = ci ? api->conninfo_value(ci, "password") : NULL;
    const char *at;
    size_t off, len;
    pgr_location loc;

    if (pw && *pw && !is_placeholder(ctx, pw) && !api->conninfo_is_local(ci) &&
        api->conninfo_password_span(literal, &off, &len)) {
        at = memmem(stmt->text + from, stmt->text_len - from, literal + off, len);
        if (at)
            api->sql_location(stmt, stmt->text_location + (at - stmt->text), len, &loc);
        else
            loc = stmt->location;
        report(ctx, &loc, &loc, "a connection string literal", pw);
    }
    api->conninfo_free(ci);
}

/* node_walk visitor: every string constant ('...', E'...', $$...$$ used
 * as a value) of the statement goes through the rule-pack patterns. */
static int
visit_sql_constant(const pgr_node *n, void *arg)
{
    sql_scan *scan = arg;
    const char *tag = api->node_tag(n);
    const pgr_node *sval;
    const char *literal;
    int64_t rel;

    if (tag == NULL || strcmp(tag, "AConst") != 0 || (sval = api->node_child(n, "sval")) == NULL ||
        (literal = api->node_string(sval, "sval")) == NULL)
        return 0;
    rel = api->node_int(n, "location", -1) - scan->stmt->text_location;
    if (rel < 0 || (size_t) rel >= scan->stmt->text_len)
        rel = 0;
    check_sql_literal(scan->ctx, scan->stmt, literal, (size_t) rel);
    check_sql_conninfo(scan->ctx, scan->stmt, literal, (size_t) rel);
    return 0;
}

/* Secrets of the rule pack in the statement's string constants and in the
 * string literals of the function bodies and DO blocks it holds. */
static void
check_sql_secrets(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    sql_scan scan = { ctx, stmt };
    const char *tag = api->node_tag(stmt->root);

    if (!patterns_loaded)
        load_patterns(ctx);
    api->node_walk(stmt->root, visit_sql_constant, &scan);
    if (strcmp(tag, "CreateFunctionStmt") == 0)
        check_sql_bodies(ctx, stmt, "options");
    else if (strcmp(tag, "DoStmt") == 0)
        check_sql_bodies(ctx, stmt, "args");
}

void
secrets_on_sql_statement(pgr_ctx *ctx, const pgr_sql_statement *stmt)
{
    const char *tag = api->node_tag(stmt->root);
    const char *list = "options";
    size_t i, n;
    char what[300];

    check_sql_secrets(ctx, stmt);
    if (strcmp(tag, "CreateRoleStmt") && strcmp(tag, "AlterRoleStmt") &&
        strcmp(tag, "CreateUserMappingStmt") && strcmp(tag, "AlterUserMappingStmt") &&
        strcmp(tag, "CreateForeignServerStmt") && strcmp(tag, "AlterForeignServerStmt"))
        return;
    n = api->node_list_length(stmt->root, list);
    for (i = 0; i < n; i++) {
        const pgr_node *d = api->node_list_item(stmt->root, list, i);
        const char *name = api->node_string(d, "defname");
        const pgr_node *arg = api->node_child(d, "arg");
        const char *value = arg ? api->node_string(arg, "sval") : NULL;
        const char *role = api->node_string(stmt->root, strstr(tag, "Server") ? "servername" : "role");
        pgr_location loc;

        if (name == NULL || strcmp(name, "password") != 0 || value == NULL ||
            is_placeholder(ctx, value))
            continue;
        if (role == NULL) {
            const pgr_node *spec = api->node_child(stmt->root, "role");

            role = spec ? api->node_string(spec, "rolename") : NULL;
        }
        literal_location(stmt, api->node_int(d, "location", -1), &loc);
        snprintf(what, sizeof what, "%s %s%s", tag[0] == 'C' ? "CREATE" : "ALTER",
                 strstr(tag, "Mapping") ? "USER MAPPING" : strstr(tag, "Server") ? "SERVER" : "ROLE",
                 role ? "" : "");
        if (role)
            snprintf(what + strlen(what), sizeof what - strlen(what), " %s", role);
        report(ctx, &loc, &loc, what, value);
    }
}
