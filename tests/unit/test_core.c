/*
 * Unit tests of the core's front-ends and writers (cmocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/diag.h"
#include "report/reporter.h"
#include "report/template.h"
#include "frontends/dotenv.h"
#include "frontends/jsfile.h"
#include "frontends/shell.h"
#include "frontends/yamldoc.h"
#include "scan/migrations.h"
#include "scan/pathrole.h"
#include "model/model.h"
#include "frontends/sql.h"

/* --- dotenv ------------------------------------------------------------- */

static const values_entry *
entry(const values_file *df, size_t i)
{
    assert_true(i < df->entries.len);
    return util_vec_at(&df->entries, i);
}

static void
test_dotenv_syntax(void **state)
{
    const char *t =
        "# comment\n"
        "PLAIN=value # trailing comment\n"
        "export EXPORTED=yes\n"
        "SINGLE='a ${NOT} #x'\n"
        "DOUBLE=\"line1\\nline2 \\\"q\\\"\"\n"
        "MULTI=\"first\nsecond\"\n"
        "REF=${OTHER}/path\n"
        "EMPTY=\n"
        "  SPACED = spaced  \n";
    values_file df;

    (void) state;
    dotenv_parse(&df, t, strlen(t));
    assert_int_equal(df.errors.len, 0);
    assert_int_equal(df.entries.len, 8);
    assert_string_equal(entry(&df, 0)->value, "value");
    assert_int_equal(entry(&df, 0)->value_offset, 16);
    assert_string_equal(entry(&df, 1)->key, "EXPORTED");
    assert_true(entry(&df, 1)->flags & PGR_VALUE_EXPORT);
    assert_string_equal(entry(&df, 2)->value, "a ${NOT} #x");
    assert_true(entry(&df, 2)->flags & PGR_VALUE_SINGLE_QUOTED);
    assert_string_equal(entry(&df, 3)->value, "line1\nline2 \"q\"");
    assert_string_equal(entry(&df, 4)->value, "first\nsecond");
    assert_string_equal(entry(&df, 5)->value, "${OTHER}/path");
    assert_string_equal(entry(&df, 6)->value, "");
    assert_string_equal(entry(&df, 7)->key, "SPACED");
    assert_string_equal(entry(&df, 7)->value, "spaced");
    values_free(&df);
}

static void
test_dotenv_malformed(void **state)
{
    const char *t = "NOEQUALS\n=nokey\nGOOD=1\nBAD=\"open\nMORE=2\n";
    values_file df;
    const values_error *e;

    (void) state;
    dotenv_parse(&df, t, strlen(t));
    assert_int_equal(df.entries.len, 1);
    assert_string_equal(entry(&df, 0)->key, "GOOD");
    assert_int_equal(df.errors.len, 3);
    e = util_vec_at(&df.errors, 0);
    assert_int_equal(e->offset, 8);          /* where '=' was expected */
    e = util_vec_at(&df.errors, 1);
    assert_int_equal(e->offset, 9);          /* the line with no name */
    e = util_vec_at(&df.errors, 2);
    assert_string_equal(e->message, "unterminated quoted value");
    values_free(&df);
}

/* --- SQL front-end ---------------------------------------------------------- */

static void
test_sql_locations(void **state)
{
    const char *t = "-- header\n/* block\n comment */\n  CREATE TABLE a (x int);\n\nSELECT 1;";
    sql_file f;
    const sql_stmt *st;
    uint32_t line, col;

    (void) state;
    sql_file_parse(&f, "t.sql", t, strlen(t));
    assert_int_equal(f.errors.len, 0);
    assert_int_equal(f.stmts.len, 2);
    st = util_vec_at(&f.stmts, 0);
    util_lines_pos(&f.lines, st->start, &line, &col);
    assert_int_equal(line, 4);
    assert_int_equal(col, 3);
    assert_memory_equal(f.text + st->start, "CREATE TABLE a (x int)", st->end - st->start);
    st = util_vec_at(&f.stmts, 1);
    util_lines_pos(&f.lines, st->start, &line, &col);
    assert_int_equal(line, 6);
    assert_int_equal(col, 1);
    sql_file_free(&f);
}

static void
test_sql_recovery(void **state)
{
    /* The error position is a character index: the é before it is 2 bytes. */
    const char *t = "SELECT 'é';\nSELEC oops;\nCREATE TABLE b (y int);\n";
    sql_file f;
    const sql_error *e;
    uint32_t line, col;

    (void) state;
    sql_file_parse(&f, "t.sql", t, strlen(t));
    assert_int_equal(f.stmts.len, 2);
    assert_int_equal(f.errors.len, 1);
    e = util_vec_at(&f.errors, 0);
    util_lines_pos(&f.lines, e->offset, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 1);
    sql_file_free(&f);
}

static void
test_sql_psql_and_dbmate(void **state)
{
    const char *t = "-- migrate:up\n\\set x 1\nCREATE ROLE r PASSWORD :'pw';\n"
                    "COPY t FROM stdin;\n1\t2\n\\.\n-- migrate:down\nDROP ROLE r;\n";
    sql_file f;

    (void) state;
    sql_file_parse(&f, "t.sql", t, strlen(t));
    assert_int_equal(f.errors.len, 0);
    assert_int_equal(f.stmts.len, 3);
    assert_int_equal(((sql_stmt *) util_vec_at(&f.stmts, 0))->part, PGR_PART_UP);
    assert_int_equal(((sql_stmt *) util_vec_at(&f.stmts, 1))->part, PGR_PART_UP);
    assert_int_equal(((sql_stmt *) util_vec_at(&f.stmts, 2))->part, PGR_PART_DOWN);
    assert_int_equal(sql_count_part(&f, PGR_PART_DOWN), 1);
    /* The same length and line breaks as the source: offsets agree. */
    assert_int_equal(f.len, strlen(t));
    assert_non_null(strstr(f.text, "':pw'"));
    sql_file_free(&f);
}

/* --- migrations ----------------------------------------------------------- */

static void
test_version_order(void **state)
{
    (void) state;
    assert_true(mig_version_cmp("2", "10") < 0);
    assert_true(mig_version_cmp("002", "10") < 0);
    assert_true(mig_version_cmp("1.2", "1.10") < 0);
    assert_true(mig_version_cmp("2019-02-26-002946", "2019-02-27-170003") < 0);
    assert_int_equal(mig_version_cmp("7", "7"), 0);
}

static void
test_pairing_golang_migrate_dialects(void **state)
{
    const char *paths[] = {
        "m/1_a.postgres.up.sql", "m/1_a.postgres.down.sql", "m/1_a.mysql.up.sql",
        "m/2_b.autocommit.up.sql", "m/2_b.autocommit.down.sql", "m/3_c.up.sql",
    };
    bool dbmate[6] = { false }, test_data[6] = { false };
    mig_result r;
    const mig_set *s;
    const mig_entry *e;

    (void) state;
    mig_classify(paths, NULL, dbmate, test_data, 6, NULL, 0, &r);
    assert_int_equal(r.roles[2], MIG_OTHER_DIALECT);
    assert_int_equal(r.sets.len, 1);
    s = util_vec_at(&r.sets, 0);
    assert_string_equal(s->convention, "golang-migrate");
    assert_int_equal(s->entries.len, 3);
    e = util_vec_at(&s->entries, 0);
    assert_int_equal(e->up, 0);
    assert_int_equal(e->down, 1);
    e = util_vec_at(&s->entries, 1);
    assert_int_equal(e->down, 4);
    e = util_vec_at(&s->entries, 2);
    assert_string_equal(e->version, "3");
    assert_int_equal(e->down, -1);
    mig_free(&r);
}

static void
test_pairing_numbered(void **state)
{
    const char *paths[] = {
        "db/migrations/010_x.sql", "db/migrations/002_y.sql", "db/migrations/rollback/010_x.sql",
        "db/migrations/002_y.undo.sql", "scripts/001_cleanup.sql",
    };
    bool dbmate[5] = { false }, test_data[5] = { false };
    mig_result r;
    const mig_set *s;

    (void) state;
    mig_classify(paths, NULL, dbmate, test_data, 5, NULL, 0, &r);
    assert_int_equal(r.sets.len, 1);
    assert_int_equal(r.roles[4], MIG_NONE);   /* not a migration directory */
    s = util_vec_at(&r.sets, 0);
    assert_string_equal(s->root, "db/migrations");
    assert_int_equal(s->entries.len, 2);
    assert_int_equal(((mig_entry *) util_vec_at(&s->entries, 0))->up, 1);   /* 002 first */
    assert_int_equal(((mig_entry *) util_vec_at(&s->entries, 0))->down, 3);
    assert_int_equal(((mig_entry *) util_vec_at(&s->entries, 1))->down, 2);
    mig_free(&r);
}

/* --- model ----------------------------------------------------------------- */

static void
replay(model *m, const char *sql)
{
    sql_file f;
    size_t i;

    sql_file_parse(&f, "t.sql", sql, strlen(sql));
    assert_int_equal(f.errors.len, 0);
    for (i = 0; i < f.stmts.len; i++)
        model_apply(m, &f, util_vec_at(&f.stmts, i));
    sql_file_free(&f);
}

static void
test_model_replay(void **state)
{
    model m;
    pgr_model v;

    (void) state;
    model_init(&m, "t", 1);
    replay(&m, "CREATE TABLE a (x int); CREATE TABLE s.b (x int); CREATE TABLE c (x int);"
               "ALTER TABLE a ENABLE ROW LEVEL SECURITY; ALTER TABLE a RENAME TO a2;"
               "ALTER TABLE a2 FORCE ROW LEVEL SECURITY; DROP SCHEMA s CASCADE;"
               "GRANT ALL ON c TO PUBLIC; REVOKE TRUNCATE, TRIGGER ON c FROM PUBLIC;"
               "GRANT SELECT ON a2 TO r WITH GRANT OPTION; DROP TABLE c;"
               "CREATE ROLE admin SUPERUSER LOGIN; CREATE USER u; ALTER ROLE u BYPASSRLS;"
               "CREATE ROLE gone; DROP ROLE gone;");
    model_view(&m, &v);
    assert_int_equal(v.n_tables, 1);
    assert_string_equal(v.tables[0].name, "a2");
    assert_true(v.tables[0].relrowsecurity);
    assert_true(v.tables[0].relforcerowsecurity);
    assert_int_equal(v.n_acl, 1);      /* c's grants went with c */
    assert_string_equal(v.acl[0].object, "public.a2");
    assert_int_equal(v.acl[0].privileges, PGR_ACL_SELECT);
    assert_int_equal(v.acl[0].grant_options, PGR_ACL_SELECT);
    assert_int_equal(v.n_roles, 2);
    assert_true(v.roles[0].rolsuper && v.roles[0].rolcanlogin);
    assert_true(v.roles[1].rolcanlogin && v.roles[1].rolbypassrls);
    model_free(&m);
}

static void
test_model_policies(void **state)
{
    model m;
    pgr_model v;

    (void) state;
    model_init(&m, "t", 1);
    replay(&m, "CREATE TABLE a (t int);\n"
               "CREATE POLICY p1 ON a FOR INSERT TO app, reporter WITH CHECK ( (t = 1) );\n"
               "CREATE POLICY p2 ON a AS RESTRICTIVE USING (1 = 1 OR t = 2);\n"
               "CREATE POLICY gone ON a USING (true);\n"
               "DROP POLICY gone ON a;\n"
               "ALTER POLICY p1 ON a WITH CHECK ('x' = 'x');\n"
               "ALTER TABLE a RENAME TO b;\n"
               "ALTER POLICY p2 ON b RENAME TO p3;\n");
    model_view(&m, &v);
    assert_int_equal(v.n_policies, 2);
    assert_string_equal(v.policies[0].table, "b");
    assert_int_equal(v.policies[0].polcmd, 'a');
    assert_true(v.policies[0].polpermissive);
    assert_int_equal(v.policies[0].n_roles, 2);
    assert_string_equal(v.policies[0].roles[1], "reporter");
    assert_null(v.policies[0].qual);
    assert_string_equal(v.policies[0].with_check, "'x' = 'x'");
    assert_true(v.policies[0].with_check_always_true);
    assert_int_equal(v.policies[0].with_check_location.line, 6);
    assert_int_equal(v.policies[0].with_check_location.column, 34);
    assert_string_equal(v.policies[1].name, "p3");
    assert_false(v.policies[1].polpermissive);
    assert_int_equal(v.policies[1].polcmd, '*');
    assert_string_equal(v.policies[1].roles[0], "PUBLIC");
    assert_string_equal(v.policies[1].qual, "1 = 1 OR t = 2");
    assert_true(v.policies[1].qual_always_true);
    model_free(&m);
    /* Dropping the table drops its policies. */
    model_init(&m, "t", 1);
    replay(&m, "CREATE TABLE a (t int); CREATE POLICY p ON a USING (t > 0); DROP TABLE a;");
    model_view(&m, &v);
    assert_int_equal(v.n_policies, 0);
    model_free(&m);
}

/*
 * A policy clause as a migration writes it and as pg_get_expr() deparsed it
 * (PostgreSQL 15, search_path empty, as the audit reads it): the canonical
 * forms drift/policy-changed compares must be equal, and must differ when the
 * meaning does.
 */
typedef struct canon_case {
    const char *table;       /* in schema public unless "app." */
    const char *written;
    const char *deparsed;
    int same;
} canon_case;

static const canon_case canon_cases[] = {
    { "tenants", "id IN (SELECT tenant_id FROM memberships WHERE user_id = auth.uid())",
      "(id IN ( SELECT memberships.tenant_id\n   FROM public.memberships\n"
      "  WHERE (memberships.user_id = auth.uid())))", 1 },
    { "users", "tenant_id IN (SELECT tenant_id FROM users WHERE user_id = auth.uid())",
      "(tenant_id IN ( SELECT users_1.tenant_id\n   FROM public.users users_1\n"
      "  WHERE (users_1.user_id = auth.uid())))", 1 },
    { "projects", "owner_id = auth.uid() AND current_user = 'app_web'",
      "((owner_id = auth.uid()) AND (CURRENT_USER = 'app_web'::name))", 1 },
    { "projects", "tenant_id = current_setting('app.tenant')::uuid AND status IN ('draft', 'active')",
      "((tenant_id = (current_setting('app.tenant'::text))::uuid) AND "
      "(status = ANY (ARRAY['draft'::text, 'active'::text])))", 1 },
    { "projects", "EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = projects.tenant_id "
      "AND m.user_id = auth.uid())",
      "(EXISTS ( SELECT 1\n   FROM public.memberships m\n"
      "  WHERE ((m.tenant_id = projects.tenant_id) AND (m.user_id = auth.uid()))))", 1 },
    { "audit_log", "(tenant_id = current_setting('app.tenant', true)::uuid) AND note IS NOT NULL "
      "AND note LIKE 'x%' AND length(note) > 3",
      "((tenant_id = (current_setting('app.tenant'::text, true))::uuid) AND (note IS NOT NULL) AND "
      "(note ~~ 'x%'::text) AND (length(note) > 3))", 1 },
    { "app.documents", "priority BETWEEN 0 AND 9 AND id NOT BETWEEN -3 AND -1",
      "(((priority >= 0) AND (priority <= 9)) AND ((id < '-3'::integer) OR (id > '-1'::integer)))", 1 },
    { "app.documents", "EXISTS (SELECT 1 FROM app.shares s JOIN public.users u ON u.user_id = s.user_id "
      "WHERE document_id = documents.id AND u.tenant_id = documents.tenant_id AND u.user_id = auth.uid())",
      "(EXISTS ( SELECT 1\n   FROM (app.shares s\n     JOIN public.users u ON ((u.user_id = s.user_id)))\n"
      "  WHERE ((s.document_id = documents.id) AND (u.tenant_id = documents.tenant_id) AND "
      "(u.user_id = auth.uid()))))", 1 },
    { "app.documents", "tenant_id = current_tenant() AND priority > -1 AND slug <> 'reserved'",
      "((tenant_id = public.current_tenant()) AND (priority > '-1'::integer) AND "
      "((slug)::text <> 'reserved'::text))", 1 },
    { "projects", "status = '5' OR owner_id IS NULL", "((status = '5'::text) OR (owner_id IS NULL))", 1 },
    { "app.documents", "tenant_id = current_tenant() AND author = (SELECT auth.uid())",
      "((tenant_id = public.current_tenant()) AND (author = ( SELECT auth.uid() AS uid)))", 1 },
    /* Edits that keep the policy's name and change its meaning. */
    { "projects", "EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = projects.tenant_id)",
      "(EXISTS ( SELECT 1\n   FROM public.memberships m\n  WHERE (m.tenant_id = m.tenant_id)))", 0 },
    { "app.documents", "priority > -1", "(priority > '-5'::integer)", 0 },
    { "app.documents", "priority BETWEEN 0 AND 9", "((priority >= 0) AND (priority <= 8))", 0 },
    { "users", "tenant_id IN (SELECT tenant_id FROM users WHERE user_id = auth.uid())",
      "(tenant_id IN ( SELECT users_1.tenant_id\n   FROM public.users users_1\n"
      "  WHERE (users_1.user_id = users.user_id)))", 0 },
    { "projects", "status IN ('draft', 'active')", "(status = ANY (ARRAY['draft'::text]))", 0 },
};

static void
test_policy_canonical_forms(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof canon_cases / sizeof canon_cases[0]; i++) {
        const canon_case *c = &canon_cases[i];
        const char *dot = strchr(c->table, '.');
        char *schema = dot ? strndup(c->table, (size_t) (dot - c->table)) : strdup("public");
        const char *table = dot ? dot + 1 : c->table;
        char *sql = util_xasprintf("CREATE TABLE %s (id int);\nCREATE POLICY p ON %s USING (%s);\n",
                                   c->table, c->table, c->written);
        pgr_location loc;
        model want, live;
        pgr_model w, l;

        memset(&loc, 0, sizeof loc);
        loc.object = "db:t";
        model_init(&want, "t", 1);
        replay(&want, sql);
        model_init(&live, "database", 0);
        model_put_policy(&live, schema, table, "p", 1, '*', NULL, 0, c->deparsed, NULL, &loc);
        model_view(&want, &w);
        model_view(&live, &l);
        assert_int_equal(w.n_policies, 1);
        assert_non_null(w.policies[0].qual_canonical);
        assert_non_null(l.policies[0].qual_canonical);
        if (c->same != (strcmp(w.policies[0].qual_canonical, l.policies[0].qual_canonical) == 0))
            fail_msg("case %zu (%s): written and deparsed should %s", i, c->written,
                     c->same ? "compare equal" : "differ");
        model_free(&want);
        model_free(&live);
        free(sql);
        free(schema);
    }
}

/* The canonical USING of a policy put on schema.table of m (copied). */
static char *
put_canonical(model *m, const char *schema, const char *table, const char *text)
{
    pgr_location loc;
    const pgr_policy *p;

    memset(&loc, 0, sizeof loc);
    loc.object = "db:t";
    model_put_policy(m, schema, table, "p", 1, '*', NULL, 0, text, NULL, &loc);
    p = util_vec_at(&m->policies, m->policies.len - 1);
    return p->qual_canonical ? strdup(p->qual_canonical) : NULL;
}

/* model_put_policy parses each distinct text once per model, and reuses a
 * canonical form only where the text cannot name the policy's schema or
 * table: every form equals the one a fresh model gives, and a text naming
 * the table or schema (unquoted, in any case, or quoted) keeps its own. */
static void
test_policy_clause_cache(void **state)
{
    static const struct {
        const char *schema, *table, *text;
        int same_as_previous;   /* 1 equal, 0 differ, -1 either */
    } cases[] = {
        { "public", "t1", "(x = 1)", -1 },
        { "public", "t2", "(x = 1)", 1 },
        { "public", "t1", "(t1.x = 1)", -1 },
        { "public", "t2", "(t1.x = 1)", 0 },
        { "public", "t1", "(T1.x = 1)", -1 },
        { "public", "T1", "(\"T1\".x = 1)", -1 },
        { "public", "t1", "(\"T1\".x = 1)", 0 },
        { "s1", "a", "(s1.f(x) = 1)", -1 },
        { "s2", "a", "(s1.f(x) = 1)", 0 },
        { "s2", "b", "(s1.f(x) = 1)", 1 },
    };
    model m;
    char *prev = NULL;
    size_t i;

    (void) state;
    model_init(&m, "database", 0);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        model fresh;
        char *got = put_canonical(&m, cases[i].schema, cases[i].table, cases[i].text), *want;

        model_init(&fresh, "database", 0);
        want = put_canonical(&fresh, cases[i].schema, cases[i].table, cases[i].text);
        assert_non_null(got);
        assert_non_null(want);
        if (strcmp(got, want) != 0)
            fail_msg("case %zu (%s on %s.%s): cached %s, fresh %s", i, cases[i].text, cases[i].schema,
                     cases[i].table, got, want);
        if (cases[i].same_as_previous >= 0 && cases[i].same_as_previous != (strcmp(got, prev) == 0))
            fail_msg("case %zu (%s on %s.%s) should %s the previous", i, cases[i].text, cases[i].schema,
                     cases[i].table, cases[i].same_as_previous ? "equal" : "differ from");
        free(prev);
        prev = got;
        free(want);
        model_free(&fresh);
    }
    assert_int_equal(model_clauses_parsed(&m), 5);
    free(prev);
    model_free(&m);
}

/* --- writers ----------------------------------------------------------------- */

static void
test_json_escaping(void **state)
{
    diag_store ds;
    pgr_finding f;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    json_t *doc, *fd;
    json_error_t jerr;

    (void) state;
    diag_init(&ds);
    memset(&f, 0, sizeof f);
    f.rule_id = "x/y";
    f.location.path = "dir/\xff\xfe.sql";
    f.location.line = 3;
    f.location.column = 7;
    f.message = "tab\there \"quoted\" \x01 nul-free \xc3\x28 end";
    diag_add(&ds, &f, PGR_SEVERITY_ERROR, NULL);
    {
        report_ctx ctx = { &ds, NULL, NULL, NULL, false, NULL, false };

        assert_int_equal(report_find("json")->write(&ctx, out), 0);
    }
    fclose(out);
    doc = json_loads(buf, 0, &jerr);
    assert_non_null(doc);
    fd = json_array_get(json_object_get(doc, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(fd, "message")),
                        "tab\there \"quoted\" \x01 nul-free \xEF\xBF\xBD( end");
    assert_string_equal(json_string_value(json_object_get(fd, "path")),
                        "dir/\xEF\xBF\xBD\xEF\xBF\xBD.sql");
    assert_int_equal(json_integer_value(json_object_get(fd, "end_column")), 7);
    assert_true(json_is_null(json_object_get(fd, "hint")));
    json_decref(doc);
    free(buf);
    diag_free(&ds);
}

static void
test_mask_line(void **state)
{
    diag_store ds;
    pgr_finding f;
    char *m;

    (void) state;
    diag_init(&ds);
    memset(&f, 0, sizeof f);
    f.rule_id = "s/x";
    f.message = "m";
    f.location.path = f.secret.path = "a.env";
    f.location.line = f.secret.line = f.secret.end_line = 1;
    f.secret.column = 5;
    f.secret.end_column = 16;  /* "supersecret1" */
    diag_add(&ds, &f, PGR_SEVERITY_ERROR, NULL);
    m = diag_mask_line(&ds, "a.env", 1, "PWD=supersecret1 # x", 20, 0, 20);
    assert_string_equal(m, "PWD=su********** # x");
    free(m);
    m = diag_mask_line(&ds, "a.env", 2, "PWD=supersecret1", 16, 0, 16);
    assert_string_equal(m, "PWD=supersecret1");   /* another line: untouched */
    free(m);
    diag_free(&ds);
}


/* --- YAML, shell, JS/TS ------------------------------------------------- */

/* The entry of vf named key (the first), failing the test when absent. */
static const values_entry *
entry_named(const values_file *vf, const char *key)
{
    size_t i;

    for (i = 0; i < vf->entries.len; i++) {
        const values_entry *e = util_vec_at(&vf->entries, i);

        if (strcmp(e->key, key) == 0)
            return e;
    }
    fail_msg("no entry %s", key);
    return NULL;
}

static void
test_yamldoc_values(void **state)
{
    const char *t =
        "x: &env\n"
        "  PGSSLMODE: prefer\n"
        "services:\n"
        "  a:\n"
        "    environment:\n"
        "      <<: *env\n"
        "      - 'DATABASE_URL=postgres://db/app'\n";
    const char *bad = "a: [1,\n";
    values_file vf;
    const values_entry *e;
    char *shell;

    (void) state;
    /* A mapping holding a sequence item is invalid: the first half is read. */
    yamldoc_parse(&vf, &shell, t, strlen(t));
    assert_null(shell);
    e = entry_named(&vf, "PGSSLMODE");
    assert_string_equal(e->key_path, "x.PGSSLMODE");
    assert_int_equal(e->value_offset, 21);            /* "prefer" on line 2 */
    assert_int_equal(e->value_len, 6);
    values_free(&vf);

    yamldoc_parse(&vf, &shell, bad, strlen(bad));
    assert_int_equal(vf.errors.len, 1);
    assert_string_equal(((values_error *) util_vec_at(&vf.errors, 0))->rule, "yaml/syntax-error");
    values_free(&vf);

    /* KEY=value items: the key and value spans inside the quotes. */
    t = "environment:\n  - 'DATABASE_URL=postgres://db/app'\n  - plain\n";
    yamldoc_parse(&vf, &shell, t, strlen(t));
    e = entry_named(&vf, "DATABASE_URL");
    assert_string_equal(e->value, "postgres://db/app");
    assert_int_equal(e->key_offset, 18);
    assert_int_equal(e->value_offset, 31);
    assert_true(e->flags & PGR_VALUE_SINGLE_QUOTED);
    assert_string_equal(entry_named(&vf, "environment")->value, "plain");
    values_free(&vf);

    /* Kubernetes Secret data is base64: decoded, flagged, span of the source. */
    t = "kind: Secret\ndata:\n  PW: aHVudGVyMg==\n";
    yamldoc_parse(&vf, &shell, t, strlen(t));
    e = entry_named(&vf, "PW");
    assert_string_equal(e->value, "hunter2");
    assert_true(e->flags & PGR_VALUE_DECODED);
    assert_int_equal(e->value_offset, 25);
    assert_int_equal(e->value_len, 12);
    values_free(&vf);

    /* An anchored scalar's value starts after its anchor. */
    t = "a: &pw \"Xk9mQ2\"\nb: *pw\n";
    yamldoc_parse(&vf, &shell, t, strlen(t));
    e = entry_named(&vf, "a");
    assert_int_equal(e->value_offset, 8);
    assert_int_equal(e->value_len, 6);
    values_free(&vf);

    /* A CI step's shell goes to the overlay, blank elsewhere, same length. */
    t = "steps:\n  - run: psql -c 'SELECT 1'\n";
    yamldoc_parse(&vf, &shell, t, strlen(t));
    assert_non_null(shell);
    assert_memory_equal(shell + 16, "psql -c 'SELECT 1'", 18);
    assert_memory_equal(shell, "      \n", 7);
    free(shell);
    values_free(&vf);
}

static void
test_shell_overlay(void **state)
{
    const char *t =
        "X=1\n"
        "psql -c \"ALTER ROLE a PASSWORD '$PW'\" --host=db\n"
        "psql <<'SQL'\n"
        "SELECT 1\n"
        "SQL\n"
        "DB=${DB_URL:-postgres://h/d}\n";
    values_file vf;
    const values_entry *e;
    char *sql;

    (void) state;
    shell_parse(&vf, &sql, t, strlen(t));
    assert_int_equal(vf.errors.len, 0);
    assert_non_null(sql);
    /* The -c string at its own offsets, the expansion blanked, ';' after it. */
    assert_memory_equal(sql + 13, "ALTER ROLE a PASSWORD '___';", 28);
    /* The here-document body, closed on the delimiter line. */
    assert_memory_equal(sql + 65, "SELECT 1\n;", 10);
    assert_int_equal(sql[0], ' ');
    assert_int_equal(sql[3], '\n');
    e = entry_named(&vf, "host");
    assert_string_equal(e->value, "db");
    assert_true(e->flags & PGR_VALUE_ARGUMENT);
    e = entry_named(&vf, "DB");
    assert_string_equal(e->value, "postgres://h/d");
    assert_true(e->flags & PGR_VALUE_FALLBACK);
    free(sql);
    values_free(&vf);
}

static void
test_jsfile_values(void **state)
{
    const char *t =
        "const p = new pg.Pool({ ssl: { rejectUnauthorized: false }, max: 1 });\n"
        "const s = process.env.JWT_SECRET ?? \"it\\'s\";\n"
        "// const c = 'postgres://in/a/comment';\n";
    values_file vf;
    const values_entry *e;

    (void) state;
    jsfile_parse(&vf, "a.ts", t, strlen(t));
    assert_int_equal(vf.errors.len, 0);
    e = entry_named(&vf, "rejectUnauthorized");
    assert_string_equal(e->key_path, "Pool.ssl.rejectUnauthorized");
    assert_string_equal(e->value, "false");
    assert_true(e->flags & PGR_VALUE_BOOLEAN);
    e = entry_named(&vf, "JWT_SECRET");
    assert_string_equal(e->value, "it's");
    assert_true(e->flags & PGR_VALUE_FALLBACK);
    assert_int_equal(vf.entries.len, 2);    /* max: 1 is no string; the comment is not read */
    values_free(&vf);
}

/* Default path roles (issue 12): example and test files by the names
 * twelve-factor apps and test runners use, docs by directory and extension;
 * everything else, samples/ included, is production. */
static void
test_pathrole_defaults(void **state)
{
    (void) state;
    assert_int_equal(pathrole_classify(".env.example"), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify("config/x.sample.yml"), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify("tests/.env.example"), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify("sample.env"), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify(".env-example"), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify("deploy/template.yaml"), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify("config.template.yml"), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify("docker/testing/compose.yml"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("packages/core/jest.setup.js"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("src/connectors/ses/src/mock.ts"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("internal/suites/Postgres/configuration.yml"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("internal/test_resources/key.pem"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("persistence/sql/testdata_migrations/1.sql"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("src/mocker.ts"), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify("tests/db.yml"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("src/__tests__/db.ts"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("src/db.test.ts"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("pkg/store/db_test.go"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("pkg/testdata/dump.sql"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("supabase/tests/rls.test.sql"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("supabase/tests/database/rls.sql"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("docs/deploy.yml"), PATH_ROLE_DOCS);
    assert_int_equal(pathrole_classify("README.md"), PATH_ROLE_DOCS);
    /* A Markdown file is documentation wherever it is (issue 13). */
    assert_int_equal(pathrole_classify("examples/compose/README.md"), PATH_ROLE_DOCS);
    assert_int_equal(pathrole_classify("tests/e2e/guide.mdx"), PATH_ROLE_DOCS);
    assert_int_equal(pathrole_classify("examples/compose/docker-compose.yml"), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify(".env.production"), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify("supabase/migrations/001_init.sql"), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify("src/latest.ts"), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify("test-migrations/docker-compose.yml"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("mobile-tests/db.yml"), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify("contest/db.yml"), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify("latest/db.yml"), PATH_ROLE_PRODUCTION);
}

/* A root inside tests/ is classified by what lies below it: the caller
 * passes "db/x.sql", never "tests/db/x.sql"; and the configuration's
 * production patterns win over the defaults. */
static void
test_pathrole_below_root_and_config(void **state)
{
    util_vec extra[PATH_ROLE_COUNT];
    size_t i;

    (void) state;
    assert_int_equal(pathrole_classify("db/migrations/001.sql"), PATH_ROLE_PRODUCTION);
    for (i = 0; i < PATH_ROLE_COUNT; i++)
        util_vec_init(&extra[i], sizeof(char *));
    *(const char **) util_vec_push(&extra[PATH_ROLE_PRODUCTION]) = "deploy/examples/*.yml";
    *(const char **) util_vec_push(&extra[PATH_ROLE_TEST]) = "qa/*";
    assert_int_equal(pathrole_classify_with("deploy/examples/prod.yml", extra), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify_with("deploy/examples/other.json", extra), PATH_ROLE_EXAMPLE);
    assert_int_equal(pathrole_classify_with("qa/db.yml", extra), PATH_ROLE_TEST);
    assert_int_equal(pathrole_classify_with("app/db.yml", extra), PATH_ROLE_PRODUCTION);
    assert_int_equal(pathrole_classify_with("tests/db.yml", NULL), PATH_ROLE_TEST);
    assert_int_equal(pathrole_parse("docs"), PATH_ROLE_DOCS);
    assert_int_equal(pathrole_parse("fixtures"), -1);
    for (i = 0; i < PATH_ROLE_COUNT; i++)
        util_vec_free(&extra[i]);
}

/* The report templates' escaper under test: brackets around each value. */
static void
bracket_escape(util_buf *out, const char *s)
{
    util_buf_printf(out, "[%s]", s);
}

static char *
render(const char *tpl, const char *data_json, char **err)
{
    json_t *data = json_loads(data_json, 0, NULL);
    util_buf b;

    util_buf_init(&b);
    *err = NULL;
    if (template_render(tpl, data, bracket_escape, &b, err) != 0) {
        util_buf_free(&b);
        json_decref(data);
        return NULL;
    }
    json_decref(data);
    return b.data;
}

/* {{name}} escaped, sections over arrays and objects, inverted sections,
 * outer scopes, standalone tag lines folded. */
static void
test_template_render(void **state)
{
    char *err, *out;

    (void) state;
    out = render("a {{x}} {{n}} {{missing}}b", "{\"x\": \"<y>\", \"n\": 3}", &err);
    assert_string_equal(out, "a [<y>] [3] b");
    free(out);
    out = render("{{#l}}{{v}}{{k}},{{/l}}{{^l}}none{{/l}}", "{\"k\": \"K\", \"l\": [{\"v\": 1}, {\"v\": 2, \"k\": \"k\"}]}", &err);
    assert_string_equal(out, "[1][K],[2][k],");
    free(out);
    out = render("{{#l}}x{{/l}}{{^l}}none{{/l}}|{{#t}}T{{/t}}{{#f}}F{{/f}}", "{\"l\": [], \"t\": true, \"f\": false}", &err);
    assert_string_equal(out, "none|T");
    free(out);
    out = render("{{#l}}{{.}}{{/l}}", "{\"l\": [\"a\", \"b\"]}", &err);
    assert_string_equal(out, "[a][b]");
    free(out);
    out = render("a\n  {{#t}}\nb\n  {{/t}}\n{{! note }}\nc\n", "{\"t\": true}", &err);
    assert_string_equal(out, "a\nb\nc\n");
    free(out);
    /* The same name nested: the inner section closes first. */
    out = render("{{#a}}<{{#a}}{{v}}{{/a}}>{{/a}}", "{\"a\": {\"a\": {\"v\": 1}}}", &err);
    assert_string_equal(out, "<[1]>");
    free(out);
}

/* A broken template is an error naming its line, never a crash. */
static void
test_template_errors(void **state)
{
    char *err;

    (void) state;
    assert_null(render("x\n{{#a}}never closed", "{\"a\": true}", &err));
    assert_string_equal(err, "report template line 2: section without its {{/...}}");
    free(err);
    assert_null(render("{{x", "{}", &err));
    assert_non_null(strstr(err, "unclosed {{"));
    free(err);
    assert_null(render("{{/a}}", "{}", &err));
    assert_non_null(strstr(err, "without its section"));
    free(err);
}

/* --- issue 15: the byte scan of the nesting guard, parsing on threads ---- */

/* "SELECT 1+1+...+1" of n bytes after the prefix, then mid, then the same
 * chain again; caller frees. */
static char *
split_chain(const char *mid, size_t n)
{
    size_t m = strlen(mid), i, at = 0;
    char *t = malloc(2 * (n + 7) + m + 2);

    assert_non_null(t);
    for (int half = 0; half < 2; half++) {
        memcpy(t + at, "SELECT ", 7);
        at += 7;
        for (i = 0; i < n; i++)
            t[at++] = i % 2 ? '+' : '1';
        t[at++] = '1';
        if (half == 0) {
            memcpy(t + at, mid, m);
            at += m;
        }
    }
    t[at] = '\0';
    return t;
}

/* A ';' that PostgreSQL's lexer hides (in a string, an E'' string after an
 * escaped quote, a quoted identifier, a dollar quote, a comment, or
 * brackets) does not restart the count: two 15,000-byte halves pass a
 * limit of 20,000.  A real ';' does; so does one after "a$b$", an
 * identifier, not a dollar quote. */
static void
test_sql_bytes_may_chain(void **state)
{
    static const char *const hidden[] = {
        " || ';' || ", " || E'\\';' || ", " || e'\\'' || ';' || ", " || \";\" || ",
        " || $q$ ; $q$ || ", " || $$;$$ || ", " -- ;\n+", " /* /* ; */ ; */ +", " + (1;1) + ", " + a[1;2] + ",
    };
    static const char *const real[] = { ";\n", " || 'a' || \"b\" || $q$x$q$ -- c\n;", " AS a$b$; ",
                                        " || E'\\\\';" };
    size_t i;
    char *t;

    (void) state;
    for (i = 0; i < sizeof hidden / sizeof *hidden; i++) {
        t = split_chain(hidden[i], 15000);
        assert_true(sql_bytes_may_chain(t, strlen(t), 20000));
        free(t);
    }
    for (i = 0; i < sizeof real / sizeof *real; i++) {
        t = split_chain(real[i], 15000);
        assert_false(sql_bytes_may_chain(t, strlen(t), 20000));
        free(t);
    }
    /* A string, quoted identifier or dollar quote is one token, however
     * long (a function body); a comment none. */
    static const char *const units[][2] = {
        { "'", "'" }, { "\"", "\"" }, { "$f$", "$f$" }, { "/*", "*/" }, { "--", "\n" },
    };
    t = malloc(40000);
    assert_non_null(t);
    for (i = 0; i < sizeof units / sizeof *units; i++) {
        memset(t, 'x', 39999);
        memcpy(t, units[i][0], strlen(units[i][0]));
        memcpy(t + 39990, units[i][1], strlen(units[i][1]));
        assert_false(sql_bytes_may_chain(t, 39999, 20000));
    }
    /* Not a line comment's end: the x after the string count. */
    memset(t, 'x', 39999);
    t[0] = '\'';
    t[10] = '\'';
    assert_true(sql_bytes_may_chain(t, 39999, 20000));
    free(t);
    assert_false(sql_bytes_may_chain("", 0, 0));
    assert_true(sql_bytes_may_chain("x", 1, 0));
}

/* sql_file_parse_all gives every file the same statements, errors and
 * offsets on one thread and on three. */
static void
test_sql_parse_all_threads(void **state)
{
    static const char *const src[] = {
        "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n",
        "SELECT 1;\nSELEC oops;\nSELECT 2;\n",
        "-- migrate:up\nCREATE TABLE b (x int);\n-- migrate:down\nDROP TABLE b;\n",
        "",
        "\\set x 1\nSELECT :x;\n",
    };
    enum { N = 5, COPIES = 8 };
    sql_file one[N * COPIES], three[N * COPIES];
    sql_parse_job jobs[N * COPIES];
    size_t i, k;

    (void) state;
    for (int pass = 0; pass < 2; pass++) {
        sql_file *out = pass ? three : one;

        for (i = 0; i < N * COPIES; i++) {
            jobs[i].out = &out[i];
            jobs[i].path = "x.sql";
            jobs[i].src = src[i % N];
            jobs[i].len = strlen(src[i % N]);
        }
        sql_file_parse_all(jobs, N * COPIES, pass ? 3 : 1);
    }
    for (i = 0; i < N * COPIES; i++) {
        assert_int_equal(one[i].stmts.len, three[i].stmts.len);
        assert_int_equal(one[i].errors.len, three[i].errors.len);
        for (k = 0; k < one[i].stmts.len; k++) {
            const sql_stmt *a = util_vec_at(&one[i].stmts, k), *b = util_vec_at(&three[i].stmts, k);

            assert_int_equal(a->start, b->start);
            assert_int_equal(a->end, b->end);
            assert_int_equal(a->part, b->part);
            assert_int_equal(a->node->node_case, b->node->node_case);
        }
        for (k = 0; k < one[i].errors.len; k++)
            assert_int_equal(((sql_error *) util_vec_at(&one[i].errors, k))->offset,
                             ((sql_error *) util_vec_at(&three[i].errors, k))->offset);
        sql_file_free(&one[i]);
        sql_file_free(&three[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dotenv_syntax),
        cmocka_unit_test(test_dotenv_malformed),
        cmocka_unit_test(test_yamldoc_values),
        cmocka_unit_test(test_shell_overlay),
        cmocka_unit_test(test_jsfile_values),
        cmocka_unit_test(test_sql_locations),
        cmocka_unit_test(test_sql_recovery),
        cmocka_unit_test(test_sql_psql_and_dbmate),
        cmocka_unit_test(test_version_order),
        cmocka_unit_test(test_pairing_golang_migrate_dialects),
        cmocka_unit_test(test_pairing_numbered),
        cmocka_unit_test(test_model_replay),
        cmocka_unit_test(test_model_policies),
        cmocka_unit_test(test_policy_canonical_forms),
        cmocka_unit_test(test_policy_clause_cache),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_mask_line),
        cmocka_unit_test(test_pathrole_defaults),
        cmocka_unit_test(test_pathrole_below_root_and_config),
        cmocka_unit_test(test_template_render),
        cmocka_unit_test(test_template_errors),
        cmocka_unit_test(test_sql_bytes_may_chain),
        cmocka_unit_test(test_sql_parse_all_threads),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    if (sql_parser_used())
        pg_query_exit();
    return rc;
}
