"""End-to-end tests: The schema model replayed from migrations: model dumps, search_path, DO blocks, and rules whose tests assert more than a fixture does (messages, hints, a second configuration)."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def test_model_dump():
    rc, out, err = run("model", "samples/migrations", cwd=ARGS.source)
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["version"] == 1 and len(doc["models"]) == 1
    m = doc["models"][0]
    assert m["source"] == "samples/migrations" and m["from_migrations"] is True
    tables = {t["name"]: t for t in m["tables"]}
    # message_feedback was renamed to feedback after RLS was enabled; the scratch table is gone.
    assert sorted(tables) == ["api_keys", "audit_log", "conversations", "feedback", "invitations",
                              "messages", "sessions", "tenants", "usage_metrics", "users"], sorted(tables)
    assert "search" in tables["messages"]["columns"] and "tenant_id" in tables["users"]["columns"]
    assert tables["feedback"]["relrowsecurity"] and not tables["usage_metrics"]["relrowsecurity"]
    assert tables["usage_metrics"]["defined_at"] == "samples/migrations/005_create_usage_metrics.sql:3:1"
    pols = {p["name"]: p for p in m["policies"]}
    assert pols["feedback_tenant_isolation"]["table"] == "feedback"
    assert pols["feedback_insert_any"]["polcmd"] == "a" and pols["feedback_insert_any"]["with_check"] == "true"
    assert pols["users_admin_update"]["roles"] == ["app_web"]
    acl = {(a["object"], a["grantee"]): a for a in m["acl"]}
    assert acl[("public.feedback", "app_web")]["privileges"] == "arwdDxt"
    assert acl[("public.users", "app_reporter")]["grant_options"] == "r"
    assert acl[("public.usage_metrics", "PUBLIC")]["privileges"] == "r"
    fns = {f["name"]: f for f in m["functions"]}
    assert fns["current_tenant_id"]["search_path_set"] and not fns["current_tenant_id"]["public_execute"]
    assert fns["purge_tenant"]["prosecdef"] and fns["purge_tenant"]["language"] == "plpgsql"
    roles = {r["name"]: r for r in m["roles"]}
    assert roles["migrator"]["rolsuper"] and roles["support_admin"]["rolbypassrls"]
    assert run("model", "does-not-exist", cwd=ARGS.source)[0] == 2


def test_rule_rls_not_forced():
    files = {"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a OWNER TO app_web;\n"
                      "ALTER TABLE a ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON a USING (id = 1);\n"
                      "CREATE TABLE b (id int);\nALTER TABLE b OWNER TO migrator;\n"
                      "ALTER TABLE b ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON b USING (id = 1);\n",
             ".pgrampart.yml": "rls:\n  application_roles: [app_web]\n"}
    pos, _ = findings_in(files)
    assert pos == [("rls/rls-not-forced", "m.sql", 3, 1)], pos
    files["m.sql"] += "ALTER TABLE a FORCE ROW LEVEL SECURITY;\n"
    neg, _ = findings_in(files)
    assert neg == [], neg
    # Without configured application roles nothing is known to bypass.
    del files[".pgrampart.yml"]
    files["m.sql"] += "ALTER TABLE a NO FORCE ROW LEVEL SECURITY;\n"
    assert findings_in(files)[0] == []


def test_rule_tenant_policy_not_scoped():
    pos, _ = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a USING (id > 0);\n"
                                            "CREATE POLICY q ON a FOR INSERT WITH CHECK (true);\n"})
    assert only(pos, "rls/tenant-policy-not-scoped") == [
        ("rls/tenant-policy-not-scoped", "m.sql", 3, 1), ("rls/tenant-policy-not-scoped", "m.sql", 4, 1)], pos
    # Scoped directly, through a subquery, or only narrowed by a restrictive policy: fine.
    neg, _ = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a USING (a.tenant_id = current_setting('t')::uuid);\n"
                                            "CREATE POLICY q ON a FOR INSERT WITH CHECK (id IN (SELECT id FROM b "
                                            "WHERE tenant_id = current_setting('t')::uuid));\n"
                                            "CREATE POLICY r ON a AS RESTRICTIVE USING (id > 0);\n"
                                            "CREATE TABLE c (id int);\nALTER TABLE c ENABLE ROW LEVEL SECURITY;\n"
                                            "CREATE POLICY s ON c USING (id > 0);\n"})
    assert only(neg, "rls/tenant-policy-not-scoped") == [], neg
    # The column is configurable.
    conf, _ = findings_in({"m.sql": "CREATE TABLE a (id int, org_id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                    "CREATE POLICY p ON a USING (id > 0);\n",
                           ".pgrampart.yml": "rls:\n  tenant_column: org_id\n"})
    assert only(conf, "rls/tenant-policy-not-scoped") == [("rls/tenant-policy-not-scoped", "m.sql", 3, 1)], conf


def test_rule_policy_command_coverage():
    scoped = " (tenant_id = current_setting('t')::uuid)"
    pos, doc = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a FOR SELECT USING" + scoped + ";\n"
                                              "CREATE POLICY q ON a FOR INSERT WITH CHECK" + scoped + ";\n"})
    assert only(pos, "rls/policy-command-coverage") == [("rls/policy-command-coverage", "m.sql", 3, 1)], pos
    assert "UPDATE, DELETE" in doc["findings"][0]["message"], doc
    neg, _ = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a USING" + scoped + ";\n"
                                            "CREATE TABLE c (id int);\nALTER TABLE c ENABLE ROW LEVEL SECURITY;\n"
                                            "CREATE POLICY s ON c FOR SELECT USING (id > 0);\n"})
    assert only(neg, "rls/policy-command-coverage") == [], neg


def test_rule_view_bypasses_rls():
    base = "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON a USING (id = 1);\n"
    pos, doc = findings_in({"m.sql": base + "CREATE VIEW v AS SELECT * FROM (SELECT id FROM public.a) s;\n"
                                            "CREATE MATERIALIZED VIEW mv AS SELECT id FROM a;\n"
                                            "CREATE VIEW w WITH (security_invoker = true) AS SELECT * FROM a;\n"
                                            "ALTER VIEW w SET (security_invoker = false);\n"})
    assert only(pos, "rls/view-bypasses-rls") == [("rls/view-bypasses-rls", "m.sql", 4, 1),
                                                  ("rls/view-bypasses-rls", "m.sql", 5, 1),
                                                  ("rls/view-bypasses-rls", "m.sql", 6, 1)], pos
    assert "security_invoker = true" in doc["findings"][0]["hint"], doc
    neg, _ = findings_in({"m.sql": base + "CREATE VIEW w WITH (security_invoker) AS SELECT * FROM a;\n"
                                          "CREATE TABLE b (id int);\nCREATE VIEW x AS SELECT * FROM b;\n"
                                          "CREATE VIEW y AS SELECT * FROM a;\nDROP VIEW y;\n"
                                          "CREATE VIEW z AS SELECT * FROM b;\nALTER TABLE a RENAME TO c;\n"})
    assert only(neg, "rls/view-bypasses-rls") == [], neg


def test_rule_public_schema_create():
    pg14 = {".pgrampart.yml": "postgres_version: 14\n"}
    pos, _ = findings_in(dict(pg14, **{"m/001_a.up.sql": "CREATE TABLE a (id int);\n",
                                       "m/001_a.down.sql": "DROP TABLE a;\n"}))
    assert only(pos, "grants/public-schema-create") == [("grants/public-schema-create", "m/001_a.up.sql", 1, 1)], pos
    # On 15 and later only an explicit GRANT opens it.
    pos15, _ = findings_in({"g.sql": "GRANT CREATE ON SCHEMA public TO PUBLIC;\n"})
    assert only(pos15, "grants/public-schema-create") == [("grants/public-schema-create", "g.sql", 1, 1)], pos15
    neg, _ = findings_in(dict(pg14, **{"m/001_a.up.sql": "REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n",
                                       "m/001_a.down.sql": "GRANT CREATE ON SCHEMA public TO PUBLIC;\n"}))
    assert neg == [], neg
    assert only(findings_in({"m/001_a.up.sql": "SELECT 1;", "m/001_a.down.sql": "SELECT 1;"})[0],
                "grants/public-schema-create") == []


def test_rule_irreversible_up():
    pos, _ = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int);\n", "m/001_a.down.sql": "DROP TABLE a;",
                          "m/002_b.up.sql": "DROP TABLE a;\n", "m/002_b.down.sql": "CREATE TABLE a (id int);"})
    assert only(pos, "rollback/irreversible-up") == [("rollback/irreversible-up", "m/002_b.up.sql", 1, 1)], pos
    cols, doc = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int, secret text, note text);\n",
                             "m/001_a.down.sql": "DROP TABLE a;",
                             "m/002_b.up.sql": "ALTER TABLE a DROP COLUMN secret;\nALTER TABLE a RENAME COLUMN note TO memo;\n",
                             "m/002_b.down.sql": "ALTER TABLE a ADD COLUMN secret text;\nALTER TABLE a RENAME COLUMN memo TO note;\n"})
    assert only(cols, "rollback/irreversible-up") == [("rollback/irreversible-up", "m/002_b.up.sql", 1, 1)], cols
    assert any("column public.a.secret" in f["message"] for f in doc["findings"]), doc
    assert only(cols, "rollback/incomplete-down") == [], cols
    # A rename keeps the rows; rows copied first (INSERT ... SELECT, CREATE TABLE AS,
    # UPDATE ... FROM) are kept; an up that does not parse cannot be judged.
    for up in ["ALTER TABLE a RENAME TO b;\n",
               "CREATE TABLE b (id int);\nINSERT INTO b SELECT id FROM (SELECT id FROM a) s;\nDROP TABLE a;\n",
               "CREATE TABLE b AS SELECT * FROM public.a;\nDROP TABLE a;\n",
               "CREATE TABLE b (id int);\nUPDATE b SET id = a.id FROM a;\nDROP TABLE a;\n",
               "DROP TABLE a;\nCREATE TABLE a AS SELECT 1 AS id;\n",
               "SELECT (;\nDROP TABLE a;\n"]:
        neg, _ = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int);\n", "m/001_a.down.sql": "DROP TABLE a;",
                              "m/002_b.up.sql": up, "m/002_b.down.sql": "SELECT 1;"})
        assert only(neg, "rollback/irreversible-up") == [], (up, neg)


def test_rule_incomplete_down_columns():
    found, doc = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int);\n", "m/001_a.down.sql": "DROP TABLE a;",
                              "m/002_b.up.sql": "ALTER TABLE a ADD COLUMN b int;\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                                "CREATE POLICY p ON a USING (b = 1);\n",
                              "m/002_b.down.sql": "DROP POLICY p ON a;\n"})
    got = [f["message"] for f in doc["findings"] if f["rule"] == "rollback/incomplete-down"]
    assert len(got) == 1 and "the added column b; the enabling of row-level security" in got[0], got


def test_rule_incomplete_down_objects():
    up = ("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA ext;\nCREATE TYPE mood AS ENUM ('a', 'b');\n"
          "CREATE TABLE t (id int, m mood);\nCREATE INDEX t_m ON t (m);\nCREATE ROLE r CONNECTION LIMIT 5;\n"
          "CREATE ROLE s IN ROLE r;\nCREATE MATERIALIZED VIEW mv AS SELECT id FROM t;\nCREATE INDEX mv_id ON mv (id);\n")
    found, doc = findings_in({"m/001_a.up.sql": up,
                              "m/001_a.down.sql": "DROP MATERIALIZED VIEW mv;\nDROP ROLE s;\nDROP ROLE r;\n"
                                                  "ALTER TABLE t DROP COLUMN m;\nDROP TABLE t;\n"})
    msgs = sorted(f["message"].split(" created")[0] for f in doc["findings"] if f["rule"] == "rollback/incomplete-down")
    # The column drop took t_m with it, the view drop took mv_id: type and extension remain.
    assert msgs == ["extension ext.pgcrypto", "type public.mood"], msgs
    neg, _ = findings_in({"m/001_a.up.sql": up,
                          "m/001_a.down.sql": "DROP MATERIALIZED VIEW mv;\nREVOKE r FROM s;\nDROP ROLE s;\nDROP ROLE r;\n"
                                              "DROP TABLE t;\nDROP TYPE mood;\nDROP EXTENSION pgcrypto;\n"})
    assert only(neg, "rollback/incomplete-down") == [], neg
    # Enum replacement: rename, recreate, drop the old one; undone in reverse.
    enum, _ = findings_in({"m/001_a.up.sql": "CREATE TYPE k AS ENUM ('a');\n", "m/001_a.down.sql": "DROP TYPE k;\n",
                           "m/002_b.up.sql": "ALTER TYPE k RENAME TO k_old;\nCREATE TYPE k AS ENUM ('a', 'b');\nDROP TYPE k_old;\n",
                           "m/002_b.down.sql": "ALTER TYPE k RENAME TO k_new;\nCREATE TYPE k AS ENUM ('a');\nDROP TYPE k_new;\n"})
    assert only(enum, "rollback/incomplete-down") == [], enum


def test_rule_hardcoded_password():
    pos, doc = findings_in({
        ".env": "DATABASE_URL=postgres://app:hunter2hunter2@db.example.com/app?sslmode=require\n",
        "r.sql": "CREATE ROLE a LOGIN PASSWORD 'Very-Secret-1';\nALTER ROLE b WITH PASSWORD 'Other-Secret-2';\n"
                 "CREATE USER c PASSWORD 'Third-Secret-3';\n"})
    # Each points at the first byte of the secret itself.
    assert pos == [("secrets/hardcoded-password", ".env", 1, 29),
                   ("secrets/hardcoded-password", "r.sql", 1, 31),
                   ("secrets/hardcoded-password", "r.sql", 2, 29),
                   ("secrets/hardcoded-password", "r.sql", 3, 25)], pos
    msgs = [f["message"] for f in doc["findings"]]
    assert msgs[0].endswith("hu… (14 bytes)"), msgs
    neg, _ = findings_in({
        ".env": "A=postgres://app:${DB_PASSWORD}@db.example.com/app?sslmode=require\n"
                "B=postgres://app:<secure-password>@db.example.com/app?sslmode=require\n"
                "C=postgres://app@db.example.com/app?sslmode=require\nD=postgres://app:@h/app?sslmode=require\n"
                "E=postgres://app:changeme@h/app?sslmode=require\n",
        "r.sql": "CREATE ROLE a LOGIN PASSWORD :'a_password';\nCREATE ROLE b PASSWORD NULL;\n"
                 "ALTER ROLE c PASSWORD '<from-key-vault>';\nCREATE ROLE d PASSWORD '';\n"})
    assert neg == [], neg


def test_search_path_and_sqitch_requires():
    """SET search_path places unqualified names; sqitch without a plan follows -- requires:."""
    found, doc = findings_in({
        "sq/deploy/a_tables.sql": "-- Deploy p:a_tables to pg\n-- requires: z_schema\n\n"
                                  "SET search_path TO app, public;\nCREATE TABLE t (id int);\n"
                                  "ALTER TABLE app.t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING (id = 1);\n",
        "sq/deploy/z_schema.sql": "CREATE SCHEMA app;\nGRANT SELECT ON ALL TABLES IN SCHEMA app TO PUBLIC;\n",
        "sq/revert/a_tables.sql": "DROP TABLE app.t;\n", "sq/revert/z_schema.sql": "DROP SCHEMA app;\n",
        "sq/deploy/b_other.sql": "CREATE TABLE u (id int);\n", "sq/revert/b_other.sql": "DROP TABLE u;\n",
        "m/001_x.up.sql": "SET search_path = other;\nCREATE TABLE v (id int, tenant_id int);\n",
        "m/001_x.down.sql": "DROP TABLE other.v;\n",
        "m/002_y.up.sql": "CREATE TABLE w (id int, tenant_id int);\n", "m/002_y.down.sql": "DROP TABLE public.w;\n",
    })
    # z_schema runs first (a_tables requires it): its GRANT reaches no table yet (it is
    # still a grant to PUBLIC); t is in app, its policy and revert match.
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("grants/grant-to-public", "sq/deploy/z_schema.sql", 2),
        ("rls/table-without-rls", "m/001_x.up.sql", 2), ("rls/table-without-rls", "m/002_y.up.sql", 1),
        ("rls/table-without-rls", "sq/deploy/b_other.sql", 1)], found
    messages = " ".join(f["message"] for f in doc["findings"])
    assert "other.v" in messages and "public.w" in messages, messages


def test_do_blocks():
    """Plain DDL inside DO blocks reaches the model at its own line; dynamic EXECUTE is reported."""
    text = ("CREATE TABLE t (id int);\nDO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'b') THEN\n"
            "    CREATE ROLE b SUPERUSER;\n  END IF;\n  ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "  CREATE POLICY p ON t USING (id = 1);\n  EXECUTE format('GRANT ALL ON %I TO PUBLIC', 't');\nEND\n$$;\n"
            "DO LANGUAGE plpgsql 'BEGIN CREATE TABLE u (id int); END';\n")
    found, _ = findings_in({"d.sql": text})
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("grants/role-superuser", 5), ("rls/table-without-rls", 12), ("sql/dynamic-sql", 2)], found
