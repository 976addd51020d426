"""Issue 12, items 3 and 4: migration sets and where the RLS and rollback rules apply.

Each test is a minimal reproduction of a false-positive class seen on the real corpus
(../shared/corpus/apps), with its true-positive counterpart that must still fire.
"""
from e2e import *  # noqa: F401,F403
import tempfile


NO_RLS = {"db/migrations/001_users.sql": "CREATE TABLE users (id int, email text);\n",
          "db/migrations/002_settings.sql": "CREATE TABLE settings (k text, v text);\n"}


def test_table_without_rls_only_where_rls_is_used():
    """A schema that never uses RLS (ente, hoppscotch: isolation in the application) gets no
    table-without-rls; once one table enables RLS, every other table is judged again."""
    found, _ = findings_in(NO_RLS)
    assert only(found, "rls/table-without-rls") == [], found
    uses = dict(NO_RLS, **{"db/migrations/003_rls.sql":
                           "ALTER TABLE users ENABLE ROW LEVEL SECURITY;\n"
                           "CREATE POLICY own ON users USING (id = current_setting('app.uid')::int);\n"})
    found, _ = findings_in(uses)
    assert only(found, "rls/table-without-rls") == [
        ("rls/table-without-rls", "db/migrations/002_settings.sql", 1, 1)], found
    # A policy alone (RLS forgotten) says the schema means to use RLS too.
    pol = dict(NO_RLS, **{"db/migrations/003_p.sql": "CREATE POLICY own ON users USING (id = 1);\n"})
    found, _ = findings_in(pol)
    assert ("rls/table-without-rls", "db/migrations/002_settings.sql", 1, 1) in found, found


def test_table_without_rls_required_and_tenant_column():
    """rls.required: true asks for RLS everywhere; a table with the tenant column needs it
    even in a schema without RLS."""
    found, _ = findings_in(dict(NO_RLS, **{".pgrampart.yml": "rls:\n  required: true\n"}))
    assert sorted(only(found, "rls/table-without-rls")) == [
        ("rls/table-without-rls", "db/migrations/001_users.sql", 1, 1),
        ("rls/table-without-rls", "db/migrations/002_settings.sql", 1, 1)], found
    found, _ = findings_in(dict(NO_RLS, **{"db/migrations/003_msg.sql":
                                           "CREATE TABLE messages (id int, tenant_id uuid);\n"}))
    assert only(found, "rls/table-without-rls") == [
        ("rls/table-without-rls", "db/migrations/003_msg.sql", 1, 1)], found


def test_tenant_column_detected_from_policies():
    """Without rls.tenant_column, the tenant column is the candidate (tenant_id, org_id,
    organization_id, account_id, workspace_id) the policies compare: a policy on an org_id
    table that forgets org_id crosses tenants."""
    sql = ("CREATE TABLE projects (id int, org_id int);\nALTER TABLE projects ENABLE ROW LEVEL SECURITY;\n"
           "CREATE POLICY scoped ON projects USING (org_id = current_setting('app.org')::int);\n"
           "CREATE TABLE tasks (id int, org_id int);\nALTER TABLE tasks ENABLE ROW LEVEL SECURITY;\n"
           "CREATE POLICY leaky ON tasks FOR SELECT USING (true);\n"
           "CREATE POLICY scoped ON tasks USING (org_id = current_setting('app.org')::int);\n")
    found, _ = findings_in({"m.sql": sql})
    assert only(found, "rls/tenant-policy-not-scoped") == [
        ("rls/tenant-policy-not-scoped", "m.sql", 6, 1)], found
    # Configured, the column is what the configuration says (here: none of the tables has it).
    found, _ = findings_in({"m.sql": sql, ".pgrampart.yml": "rls:\n  tenant_column: tenant_id\n"})
    assert only(found, "rls/tenant-policy-not-scoped") == [], found


def test_corpus_apps_without_rls_get_no_table_without_rls():
    """hoppscotch (Prisma) and Unleash never enable RLS: none of their tables is reported."""
    for app in ("apps/hoppscotch__hoppscotch", "apps/Unleash__unleash"):
        doc = corpus_doc(app)
        assert not [f for f in doc["findings"] if f["rule"] == "rls/table-without-rls"], app


def test_forward_only_sets_get_no_missing_down():
    """Supabase CLI (supabase/migrations/<timestamp>_<name>.sql) and other forward-only
    histories never write downs: no missing-down (nextbase: 7 false errors).  A set that
    writes downs for some migrations is judged for all."""
    supa = {"supabase/migrations/20230208104717_init.sql": "CREATE TABLE items (id int);\n",
            "supabase/migrations/20230208104718_more.sql": "ALTER TABLE items ADD COLUMN n text;\n"}
    found, _ = findings_in(supa)
    assert only(found, "rollback/missing-down") == [], found
    gm = {"db/migrations/1_a.up.sql": "CREATE TABLE a (id int);\n",
          "db/migrations/2_b.up.sql": "CREATE TABLE b (id int);\n"}
    found, _ = findings_in(gm)
    assert only(found, "rollback/missing-down") == [], found
    found, _ = findings_in(dict(gm, **{"db/migrations/1_a.down.sql": "DROP TABLE a;\n"}))
    assert only(found, "rollback/missing-down") == [
        ("rollback/missing-down", "db/migrations/2_b.up.sql", 1, 1)], found


def test_golang_migrate_pairs_up_and_down_by_version():
    """golang-migrate and pop pair an up with its down by version number alone, whatever the
    names (ente: 30_add_magic_metadata.up.sql + 30_drop_magic_metadata.down.sql).  A version
    without any down file is still reported: golang-migrate's newMigration (migrate.go) turns a
    missing down into an empty migration, so `migrate down` silently skips it and lowers the
    version with the schema unchanged."""
    found, _ = findings_in({
        "m/030_add_x.up.sql": "ALTER TABLE t ADD COLUMN x int;\n",
        "m/30_drop_x.down.sql": "ALTER TABLE t DROP COLUMN x;\n",
        "m/31_add_y.up.sql": "ALTER TABLE t ADD COLUMN y int;\n",
        "m/000_t.up.sql": "CREATE TABLE t (id int);\n", "m/0_t.down.sql": "DROP TABLE t;\n"})
    assert only(found, "rollback/missing-down") == [("rollback/missing-down", "m/31_add_y.up.sql", 1, 1)], found
    assert only(found, "rollback/incomplete-down") == [], found


def test_empty_down_of_a_data_only_up():
    """An up that only changes data or adds an enum value has nothing a down could put back:
    its empty (commented) down is the honest one (ente: "-- noop since we can't remove a value
    from an enum", backfills, sequence restarts).  An empty down of a schema change is still
    reported."""
    base = {"m/1_t.up.sql": "CREATE TYPE mood AS ENUM ('a');\nCREATE TABLE t (id int, m mood);\n",
            "m/1_t.down.sql": "DROP TABLE t;\nDROP TYPE mood;\n"}
    found, _ = findings_in(dict(base, **{
        "m/2_enum.up.sql": "ALTER TYPE mood ADD VALUE 'b';\n",
        "m/2_enum.down.sql": "-- noop: PostgreSQL cannot remove an enum value\n",
        "m/3_fill.up.sql": "BEGIN;\nUPDATE t SET m = 'b' WHERE id > 10;\nDELETE FROM t WHERE id < 0;\nCOMMIT;\n",
        "m/3_fill.down.sql": "-- no-op\n",
        "m/4_seq.up.sql": "CREATE SEQUENCE s;\nALTER SEQUENCE s RESTART WITH 1000;\n",
        "m/4_seq.down.sql": "DROP SEQUENCE s;\n",
        "m/5_bump.up.sql": "ALTER SEQUENCE s RESTART WITH 10000000;\n",
        "m/5_bump.down.sql": "-- do nothing\n"}))
    assert only(found, "rollback/missing-down") == [], found
    found, _ = findings_in(dict(base, **{
        "m/2_col.up.sql": "UPDATE t SET id = 1;\nALTER TABLE t ADD COLUMN n text;\n",
        "m/2_col.down.sql": "-- nothing\n",
        "m/3_ren.up.sql": "ALTER TYPE mood RENAME VALUE 'a' TO 'z';\n", "m/3_ren.down.sql": ""}))
    assert sorted(only(found, "rollback/missing-down")) == [
        ("rollback/missing-down", "m/3_ren.up.sql", 1, 1)], found
    # A down holding only a comment is its author's decision (ente: "-- no-op" after
    # dropping tables the code no longer reads): info, not a missing down.
    assert only(found, "rollback/declared-empty-down") == [
        ("rollback/declared-empty-down", "m/2_col.up.sql", 1, 1)], found


POP = "db/migrations/2020010100000000000{}_t.postgres.{}.sql"


def test_pop_split_migration_judged_as_a_group():
    """gobuffalo pop/fizz splits one migration into files numbered <timestamp><6-digit
    sequence>, and their downs need not mirror the ups file by file (kratos: 151 false
    incomplete-down, 94 missing-down).  The files sharing a timestamp are compared as one
    migration: all ups, then all downs in reverse order, as pop rolls back."""
    group = {POP.format(0, "up"): "CREATE TABLE a (id int);\n", POP.format(0, "down"): "DROP TABLE a;\n",
             POP.format(1, "up"): "CREATE TABLE b (id int);\n", POP.format(1, "down"): "",
             POP.format(2, "up"): "CREATE INDEX b_idx ON b (id);\n", POP.format(2, "down"): "DROP TABLE b;\n"}
    found, _ = findings_in(group)
    assert [f for f in found if f[0].startswith("rollback/")] == [], found
    # A group whose downs forget a table is reported, at the group's first file.
    forgot = dict(group, **{POP.format(2, "down"): "DROP INDEX b_idx;\n"})
    found, _ = findings_in(forgot)
    assert [f for f in found if f[0].startswith("rollback/")] == [
        ("rollback/incomplete-down", POP.format(0, "up"), 1, 1)], found
    # Another timestamp is another migration, judged alone.
    alone = dict(group, **{"db/migrations/20200102000000000000_u.postgres.up.sql": "CREATE TABLE c (id int);\n",
                           "db/migrations/20200102000000000000_u.postgres.down.sql": "DROP TABLE a;\n"})
    found, _ = findings_in(alone)
    assert sorted(f[0] for f in found if f[0].startswith("rollback/")) == [
        "rollback/incomplete-down", "rollback/incomplete-down"], found


PRISMA = "prisma/migrations/{}/migration.sql"


def test_prisma_migrations_are_one_ordered_set():
    """prisma/migrations/<timestamp>_<name>/migration.sql (+ migration_lock.toml) is one set
    applied in order: RLS enabled by a later migration counts, a later policy that forgets the
    tenant column is found, no down is asked for, and the directory may be named in config."""
    files = {"prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
             PRISMA.format("20230101000000_init"): 'CREATE TABLE "Doc" (id int, tenant_id uuid);\n',
             PRISMA.format("20230201000000_rls"): 'ALTER TABLE "Doc" ENABLE ROW LEVEL SECURITY;\n'
             'CREATE POLICY t ON "Doc" USING (tenant_id = current_setting(\'app.t\')::uuid);\n'}
    found, _ = findings_in(files)
    assert found == [], found
    leaky = dict(files, **{PRISMA.format("20230301000000_read"): 'CREATE POLICY r ON "Doc" FOR SELECT USING (true);\n'})
    found, _ = findings_in(leaky)
    assert only(found, "rls/tenant-policy-not-scoped") == [
        ("rls/tenant-policy-not-scoped", PRISMA.format("20230301000000_read"), 1, 1)], found
    found, _ = findings_in(dict(files, **{".pgrampart.yml": "migrations:\n  - {path: prisma/migrations, convention: prisma}\n"}))
    assert found == [], found
    # Checked alone, a migration.sql reads its set as context.
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        _, doc = check_json(PRISMA.format("20230101000000_init"), cwd=d)
    assert doc["findings"] == [], doc


def test_test_data_under_migrations_is_not_a_migration():
    """SQL that migration tests load (kratos persistence/sql/migratest/testdata/, a tests/ or
    testdata/ directory inside the migrations) is not a migration: no missing-down, no
    irreversible-up, not part of the set's model.  Pinned in config, it is."""
    files = {"db/migrations/1_a.up.sql": "CREATE TABLE a (id int);\n", "db/migrations/1_a.down.sql": "DROP TABLE a;\n",
             "db/migrations/testdata/2_seed.sql": "INSERT INTO a VALUES (1);\n",
             "db/migrations/tests/003_check.up.sql": "DROP TABLE a;\n",
             "db/migrations/tests/004_x.up.sql": "SELECT 1;\n", "db/migrations/tests/004_x.down.sql": "SELECT 2;\n",
             "persistence/sql/migratest/testdata/20200317160354_testdata.sql": "INSERT INTO a VALUES (2);\n"}
    found, _ = findings_in(files)
    assert [f for f in found if f[0].startswith("rollback/")] == [], found
    pinned = dict(files, **{".pgrampart.yml": "migrations:\n  - {path: db/migrations/tests, convention: golang-migrate}\n"})
    found, _ = findings_in(pinned)
    assert only(found, "rollback/missing-down") == [
        ("rollback/missing-down", "db/migrations/tests/003_check.up.sql", 1, 1)], found


def test_init_writes_the_detected_tenant_column():
    """`pgrampart init` writes the tenant column the policies compare; with none, the rls
    section stays commented (the detection then decides at each check) and is still valid."""
    import os
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"db/schema.sql": "CREATE TABLE p (id int, org_id int);\nALTER TABLE p ENABLE ROW LEVEL SECURITY;\n"
                                        "CREATE POLICY s ON p USING (org_id = 1);\n"})
        rc, out, err = run("init", cwd=d)
        assert rc == 0, err
        with open(os.path.join(d, ".pgrampart.yml")) as f:
            text = f.read()
        assert "\nrls:\n" in text and "\n  tenant_column: org_id\n" in text, text
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"db/schema.sql": "CREATE TABLE p (id int);\n"})
        rc, out, err = run("init", cwd=d)
        assert rc == 0, err
        with open(os.path.join(d, ".pgrampart.yml")) as f:
            text = f.read()
        assert "\nrls:" not in text and "#  tenant_column: tenant_id\n" in text, text
        assert run("check", ".", cwd=d)[0] == 0


def test_column_copied_before_its_drop_is_not_lost():
    """UPDATE t SET new = f(old) before DROP COLUMN old keeps old's values (ente's
    90_use_string_id_entity: id copied into id_text, id dropped, id_text renamed to id); a
    column dropped without a copy, or copied for some rows only, is still irreversible."""
    base = {"m/1_t.up.sql": "CREATE TABLE t (id int, note text);\n", "m/1_t.down.sql": "DROP TABLE t;\n"}
    found, _ = findings_in(dict(base, **{
        "m/2_s.up.sql": "ALTER TABLE t ADD COLUMN id_text text;\nUPDATE t SET id_text = id::text;\n"
                        "ALTER TABLE t DROP COLUMN id;\nALTER TABLE t RENAME COLUMN id_text TO id;\n",
        "m/2_s.down.sql": "ALTER TABLE t ALTER COLUMN id TYPE int USING id::int;\n"}))
    assert only(found, "rollback/irreversible-up") == [], found
    found, _ = findings_in(dict(base, **{
        "m/2_s.up.sql": "ALTER TABLE t ADD COLUMN n2 text;\nUPDATE t SET n2 = note WHERE t.id > 0;\n"
                        "ALTER TABLE t DROP COLUMN note;\n",
        "m/2_s.down.sql": "ALTER TABLE t ADD COLUMN note text;\nALTER TABLE t DROP COLUMN n2;\n"}))
    assert only(found, "rollback/irreversible-up") == [("rollback/irreversible-up", "m/2_s.up.sql", 3, 1)], found
