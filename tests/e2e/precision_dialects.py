"""Issue 12, held-out review B: SQL that is not PostgreSQL, or not a migration.

Each test is a minimal reproduction of a false-positive class the held-out review met (authelia,
hydra, listmonk; /work/notes/heldout/h12_heldout_b_report.md), with its true-positive counterpart
that must still fire.
"""
from e2e import *  # noqa: F401,F403
import os
import tempfile

MYSQL = "CREATE TABLE t (id INTEGER AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE InnoDB;\n"
BAD_PG = "CREATE TABLE (id int);\n"


def test_dialect_directory_is_not_postgres():
    """authelia keeps migrations/mysql/ and migrations/sqlite/ beside migrations/postgres/ (239
    syntax errors, 10 missing-down): another database's directory is neither parsed nor paired.
    The postgres/ set is still judged, and a checked root that itself lies in a directory named
    mysql does not make its files MySQL's."""
    tree = {"m/mysql/V0001.Initial.up.sql": MYSQL,
            "m/sqlite/V0001.Initial.up.sql": MYSQL,
            "m/mariadb/V0001.Initial.up.sql": MYSQL,
            "m/postgres/V0001.Initial.up.sql": BAD_PG,
            "m/postgres/V0001.Initial.down.sql": "DROP TABLE t;\n",
            "m/postgres/V0002.More.up.sql": "CREATE TABLE u (id int);\n",
            "m/postgres/V0002.More.down.sql": "\n"}
    found, _ = findings_in(tree)
    assert sorted(f for f in found if f[0] in ("sql/syntax-error", "rollback/missing-down")) == [
        ("rollback/missing-down", "m/postgres/V0002.More.up.sql", 1, 1),
        ("sql/syntax-error", "m/postgres/V0001.Initial.up.sql", 1, 14)], found
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"mysql/app/db/1_a.up.sql": BAD_PG, "mysql/app/db/1_a.down.sql": "DROP TABLE a;\n"})
        _, doc = check_json(".", cwd=os.path.join(d, "mysql", "app"))
    assert [(f["rule"], f["path"]) for f in doc["findings"]] == [
        ("sql/syntax-error", "db/1_a.up.sql")], doc["findings"]


def test_dialect_file_name_prefix_and_infix():
    """hydra's internal/testhelpers/sql_schemas/mysql_dump.sql, sqlite_dump.sql and
    cockroach_dump.sql (50 syntax errors) are other databases' dumps; pop's infix accepts the
    same names (.mariadb.up.sql).  A file whose name merely starts with "my" is PostgreSQL's."""
    dump = "CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`));\n"
    found, _ = findings_in({"s/mysql_dump.sql": dump, "s/sqlite3-dump.sql": dump,
                            "s/cockroach_dump.sql": dump, "s/my_dump.sql": dump,
                            "m/1_a.mariadb.up.sql": MYSQL, "m/1_a.postgres.up.sql": "CREATE TABLE a (id int);\n",
                            "m/1_a.postgres.down.sql": "DROP TABLE a;\n"})
    assert [f for f in found if f[0] == "sql/syntax-error"] == [
        ("sql/syntax-error", "s/my_dump.sql", 1, 14)], found


def test_popx_neutral_sibling_of_a_postgres_file_does_not_run():
    """popx runs a dialect-neutral <v>_b.autocommit.up.sql only when no <v>_b.postgres.up.sql
    exists (Migrations.SortAndFilter): hydra's neutral one holds MySQL's INDEX clause.  Without
    a .postgres. sibling the neutral file is PostgreSQL's and still parsed."""
    tree = {"m/20241609000001000000_b.autocommit.up.sql":
            "CREATE TABLE b (id uuid,\n  UNIQUE INDEX b_id_idx (id)\n);\n",
            "m/20241609000001000000_b.postgres.up.sql": "CREATE TABLE b (id uuid);\n",
            "m/20241609000001000000_b.down.sql": "DROP TABLE b;\n"}
    found, _ = findings_in(tree)
    assert found == [], found
    del tree["m/20241609000001000000_b.postgres.up.sql"]
    found, _ = findings_in(tree)
    assert only(found, "sql/syntax-error") == [
        ("sql/syntax-error", "m/20241609000001000000_b.autocommit.up.sql", 2, 10)], found


def test_postgres_up_pairs_with_neutral_down():
    """hydra's <v>_a.postgres.up.sql has only <v>_a.down.sql (6 missing-down errors): in popx the
    down of a .postgres. up is the most specific of .postgres.down.sql and .down.sql.  A neutral
    down holding only a comment is a declared empty down; an up without any down still misses it."""
    tree = {"m/20240101000000000000_a.postgres.up.sql": "CREATE TABLE a (id uuid PRIMARY KEY);\n",
            "m/20240101000000000000_a.mysql.up.sql": "CREATE TABLE a (id char(36) PRIMARY KEY);\n",
            "m/20240101000000000000_a.down.sql": "DROP TABLE a;\n",
            "m/20240102000000000000_c.postgres.up.sql": "CREATE TABLE c (id uuid);\n",
            "m/20240102000000000000_c.down.sql":
            "-- Down migrations from Hydra 2.x to 1.x are not available.\n",
            "m/20240103000000000000_d.postgres.up.sql": "CREATE TABLE d (id uuid);\n"}
    found, _ = findings_in(tree)
    assert sorted(f for f in found if f[0].startswith("rollback/")) == [
        ("rollback/declared-empty-down", "m/20240102000000000000_c.postgres.up.sql", 1, 1),
        ("rollback/missing-down", "m/20240103000000000000_d.postgres.up.sql", 1, 1)], found


def test_empty_up_with_empty_down():
    """authelia keeps empty V0002.MySQLOnly.up.sql / .down.sql in postgres/ to stay in step with
    its other dialects: an empty down undoes an empty up.  A non-empty up still needs its down."""
    tree = {"migrations/postgres/V0001.Init.up.sql": "CREATE TABLE t (id int);\n",
            "migrations/postgres/V0001.Init.down.sql": "DROP TABLE t;\n",
            "migrations/postgres/V0002.MySQLOnly.up.sql": "-- nothing for PostgreSQL\n",
            "migrations/postgres/V0002.MySQLOnly.down.sql": "",
            "migrations/postgres/V0003.X.up.sql": "ALTER TABLE t ADD COLUMN x int;\n",
            "migrations/postgres/V0003.X.down.sql": ""}
    found, _ = findings_in(tree)
    assert only(found, "rollback/missing-down") == [
        ("rollback/missing-down", "migrations/postgres/V0003.X.up.sql", 1, 1)], found


def test_named_query_placeholders_are_blanked():
    """listmonk's queries/*.sql are named queries with %order% and %s placeholders (14 syntax
    errors): they are blanked (outside strings) and the rest is checked; a statement that still
    does not parse (a placeholder standing for a whole subquery) gives one sql/template info per
    file, never an error."""
    q = ("-- name: query-lists\nSELECT * FROM lists WHERE name LIKE '%x%' ORDER BY %order% OFFSET $1 LIMIT %s;\n\n"
         "-- name: grant\nGRANT ALL ON lists TO PUBLIC;\n\n"
         "-- name: delete-by-query\nWITH subs AS (%query%)\nDELETE FROM subscribers WHERE id = ANY(SELECT id FROM subs);\n\n"
         "-- name: blocklist-by-query\nWITH subs AS (%query%)\nUPDATE subscribers SET status = 'b';\n")
    found, doc = findings_in({"queries/lists.sql": q})
    assert only(found, "sql/syntax-error") == [], found
    assert ("grants/grant-to-public", "queries/lists.sql", 5, 1) in found, found
    tpl = [f for f in doc["findings"] if f["rule"] == "sql/template"]
    assert [(f["severity"], f["line"]) for f in tpl] == [("info", 8)], tpl
    assert "2 statements" in tpl[0]["message"], tpl


def test_go_template_actions_in_migrations():
    """popx's templated migrations (CREATE TABLE {{ identifier .Parameters.tableName }}) parse
    once the action is blanked, and control actions ({{ if }}, {{ end }}) render nothing.  A
    real syntax error of a migration, away from any placeholder, stays an error."""
    up = ("CREATE TABLE {{ identifier .Parameters.tableName }} (\"id\" UUID NOT NULL, PRIMARY KEY (\"id\"));\n"
          "{{ if .Grant }}\nGRANT ALL ON accounts TO PUBLIC;\n{{ end }}\n")
    found, _ = findings_in({"m/0_create.up.sql": up, "m/0_create.down.sql": "DROP TABLE x;\n"})
    assert only(found, "sql/syntax-error") == [], found
    assert ("grants/grant-to-public", "m/0_create.up.sql", 3, 1) in found, found
    found, _ = findings_in({"m/0_create.up.sql": up + BAD_PG, "m/0_create.down.sql": "DROP TABLE x;\n"})
    assert only(found, "sql/syntax-error") == [("sql/syntax-error", "m/0_create.up.sql", 5, 14)], found
    assert only(found, "sql/template") == [], found


def test_template_enabling_rls_covers_its_directory():
    """SQL a Node build fills in (logto's tables/_after_each.sql: "alter table ${name} enable row
    level security", run after each table file) parses with the substitution blanked, and a
    template that enables RLS on a table named at run time covers its directory: no
    table-without-rls there, nor a syntax error; a tenant table elsewhere is still reported."""
    tree = {"schemas/tables/_after_each.sql": "alter table ${name} enable row level security;\n"
                                              "create policy ${name}_tenant on ${name}\n"
                                              "  using (tenant_id = current_setting('app.tenant'));\n",
            "schemas/tables/users.sql": "create table users (tenant_id text not null, id text);\n",
            "other/orders.sql": "create table orders (tenant_id text not null, id text);\n"}
    found, _ = findings_in(tree)
    assert [f for f in found if f[0] == "sql/syntax-error"] == [], found
    assert only(found, "rls/table-without-rls") == [
        ("rls/table-without-rls", "other/orders.sql", 1, 1)], found
    del tree["schemas/tables/_after_each.sql"]
    found, _ = findings_in(tree)
    assert sorted(only(found, "rls/table-without-rls")) == [
        ("rls/table-without-rls", "other/orders.sql", 1, 1),
        ("rls/table-without-rls", "schemas/tables/users.sql", 1, 1)], found
