"""Issue 12, items 3 and 4: migration sets and where the RLS and rollback rules apply.

Each test is a minimal reproduction of a false-positive class seen on the real corpus
(../shared/corpus/apps), with its true-positive counterpart that must still fire.
"""
from e2e import *  # noqa: F401,F403


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
