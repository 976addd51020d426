"""End-to-end tests: pgrampart verify --server probes tenant isolation and role least privilege (issue 18)."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401
from verify_rollbacks import got, scratch_databases, verify

ORDERS = ("CREATE TABLE orders (id bigserial PRIMARY KEY, tenant_id int NOT NULL, item text NOT NULL,\n"
          "  placed_at timestamptz NOT NULL);\n"
          "ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\n")
TENANT_POLICY = ("CREATE POLICY tenant_isolation ON orders FOR ALL\n"
                 "  USING (tenant_id = current_setting('app.tenant')::int);\n")
UP = "migrations/001_orders.up.sql"


def probe_roles(c):
    return c.psql("SELECT rolname FROM pg_roles WHERE rolname LIKE 'pgrampart_probe_%'").split()


def probe_case(c, files, expected, *extra):
    """verify migrations/ (below a temporary tree of files) finds exactly expected; no scratch database and
    no probe role remain."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        rc, findings = verify(c, os.path.join(d, "migrations"), *[a.replace("{d}", d) for a in extra])
        # verify/model-drift (info, no file) is verify_model_drift.py's: a pg_sleep(3600) in a policy
        # reads back as pg_sleep((3600)::double precision), a cast the replay does not add.
        findings = [f for f in findings if f["rule"] != "verify/model-drift"]
        assert got(findings, d) == expected, got(findings, d)
        assert rc == (1 if any(f["severity"] == "error" for f in findings) else 0)
    assert scratch_databases(c) == [], scratch_databases(c)
    assert probe_roles(c) == [], probe_roles(c)


def test_verify_tenant_leak_select():
    """A permissive USING (true) for SELECT next to the tenant policy: tenant B sees A's row (and so does a
    request without a tenant), at that policy's CREATE POLICY; the tenant policy alone is quiet."""
    cl = cluster_module()
    with cl.Cluster() as c:
        probe_case(c, {UP: ORDERS + TENANT_POLICY + "CREATE POLICY read_all ON orders FOR SELECT USING (true);\n"},
                   [("verify/no-context-sees-rows", UP, 6, 1, "SELECT with app.tenant unset sees tenant A's row "
                     "of public.orders (policy read_all lets it through)"),
                    ("verify/tenant-leak", UP, 6, 1, "SELECT as tenant B sees tenant A's row of public.orders "
                     "(policy read_all lets it through)")])
        probe_case(c, {UP: ORDERS + TENANT_POLICY}, [])


def test_verify_tenant_leak_write_commands():
    """UPDATE and DELETE through a policy on the wrong column, INSERT through WITH CHECK (true): each named
    with the policy that lets it through; the rows a probe wrote are gone (the scratch database kept none)."""
    cl = cluster_module()
    with cl.Cluster() as c:
        probe_case(c, {UP: ORDERS + "CREATE POLICY read_own ON orders FOR SELECT\n"
                       "  USING (tenant_id = current_setting('app.tenant')::int);\n"
                       "CREATE POLICY change_own ON orders FOR UPDATE USING (id > 0);\n"
                       "CREATE POLICY remove_own ON orders FOR DELETE USING (id > 0);\n"
                       "CREATE POLICY add_any ON orders FOR INSERT WITH CHECK (true);\n"},
                   [("verify/tenant-leak", UP, 6, 1, "UPDATE as tenant B changes tenant A's row of public.orders "
                     "(policy change_own lets it through)"),
                    ("verify/tenant-leak", UP, 7, 1, "DELETE as tenant B removes tenant A's row of "
                     "public.orders (policy remove_own lets it through)"),
                    ("verify/tenant-leak", UP, 8, 1, "INSERT as tenant B adds a row of tenant A to "
                     "public.orders (policy add_any lets it through)")])


def test_verify_no_context_sees_rows():
    """A policy that lets a request without a tenant through (OR current_setting(...) IS NULL) is caught at
    its CREATE POLICY; the same policy without the OR branch is quiet; text and uuid tenant columns too."""
    cl = cluster_module()
    with cl.Cluster() as c:
        probe_case(c, {UP: ORDERS + "CREATE POLICY tenant_isolation ON orders FOR ALL\n"
                       "  USING (tenant_id = current_setting('app.tenant', true)::int\n"
                       "         OR current_setting('app.tenant', true) IS NULL);\n"},
                   [("verify/no-context-sees-rows", UP, 4, 1, "SELECT with app.tenant unset sees tenant A's row "
                     "of public.orders (policy tenant_isolation lets it through)")])
        probe_case(c, {UP: ORDERS + "CREATE POLICY tenant_isolation ON orders FOR ALL\n"
                       "  USING (tenant_id = current_setting('app.tenant', true)::int);\n"}, [])
        # An empty setting (what RESET leaves on a pooled connection) compared as text: caught as empty.
        probe_case(c, {UP: "CREATE TABLE notes (org text NOT NULL, body text);\n"
                       "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n"
                       "CREATE POLICY org_notes ON notes USING (org = current_setting('app.org', true)\n"
                       "  OR coalesce(current_setting('app.org', true), '') = '');\n"},
                   [("verify/no-context-sees-rows", UP, 3, 1, "SELECT with app.org unset sees tenant A's row "
                     "of public.notes (policy org_notes lets it through)")])
        probe_case(c, {UP: "CREATE TABLE docs (id uuid PRIMARY KEY, account uuid NOT NULL, kind text NOT NULL);\n"
                       "ALTER TABLE docs ENABLE ROW LEVEL SECURITY;\n"
                       "CREATE POLICY own_docs ON docs USING (account = current_setting('app.account')::uuid);\n"},
                   [])


def test_verify_tenant_probe_skipped_with_reason():
    """A table whose row cannot be generated (a CHECK comparing two columns) is skipped with PostgreSQL's
    reason at its ENABLE ROW LEVEL SECURITY (info: the run passes)."""
    cl = cluster_module()
    with cl.Cluster() as c:
        probe_case(c, {UP: "CREATE TABLE slots (tenant_id int NOT NULL, starts_at timestamptz NOT NULL,\n"
                       "  ends_at timestamptz NOT NULL, CHECK (starts_at < ends_at));\n"
                       "ALTER TABLE slots ENABLE ROW LEVEL SECURITY;\n"
                       "CREATE POLICY tenant_slots ON slots USING (tenant_id = current_setting('app.tenant')::int);\n"},
                   [("verify/probe-skipped", UP, 3, 1, "the tenant probe of public.slots was skipped: "
                     'new row for relation "slots" violates check constraint "slots_check"')])


def test_verify_tenant_probe_generates_parents_and_checked_values():
    """Parents through NOT NULL foreign keys (two levels, the tenant's own row among them) and a value its
    CHECK allows are generated, so that a leak on the child table is caught; the fixed policy is quiet."""
    cl = cluster_module()
    with cl.Cluster() as c:
        up = ("CREATE TABLE tenants (id uuid PRIMARY KEY, name text NOT NULL);\n"
              "CREATE TABLE projects (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants);\n"
              "CREATE TABLE tasks (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants,\n"
              "  project_id bigint NOT NULL REFERENCES projects,\n"
              "  state text NOT NULL CHECK (state IN ('open', 'done')), rating smallint NOT NULL CHECK (rating IN (-1, 1)));\n"
              "ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;\n"
              "CREATE POLICY tenant_tasks ON tasks USING (tenant_id = current_setting('app.tenant')::uuid);\n")
        probe_case(c, {UP: up + "CREATE POLICY tasks_delete ON tasks FOR DELETE USING (state = 'open');\n"},
                   [("verify/tenant-leak", UP, 8, 1, "DELETE as tenant B removes tenant A's row of public.tasks "
                     "(policy tasks_delete lets it through)")])
        probe_case(c, {UP: up}, [])


ROLES_UP = ("CREATE TABLE orders (id bigserial PRIMARY KEY, item text NOT NULL);\n"
            "CREATE ROLE app_web NOLOGIN;\n"
            "CREATE ROLE app_ro NOLOGIN;\n"
            "GRANT SELECT ON orders TO app_ro;\n")
ROLES_CONFIG = ("grants:\n  roles:\n    app_web:\n      deny: [DROP, TRUNCATE]\n"
                "    app_ro:\n      deny: [INSERT, UPDATE, DELETE, TRUNCATE, DROP]\n")


def test_verify_role_can():
    """A role granted TRUNCATE that its policy denies: verify/role-can at the GRANT with the statement that
    worked; a privilege through a membership or an ownership is reported at the deny list's entry; the
    roles granted only what their policy allows are quiet, and every role is gone afterwards."""
    cl = cluster_module()
    with cl.Cluster() as c:
        cfg = ".pgrampart.yml"
        probe_case(c, {cfg: ROLES_CONFIG,
                       UP: ROLES_UP + "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON orders TO app_web;\n"},
                   [("verify/role-can", UP, 5, 1, "app_web can TRUNCATE public.orders, which "
                     "grants.roles.app_web.deny forbids: `TRUNCATE public.orders` succeeded")])
        probe_case(c, {cfg: ROLES_CONFIG,
                       UP: ROLES_UP + "GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO app_web;\n"}, [])
        # Through a membership (app_ro), through ownership (app_web): at the deny entries of the config.
        probe_case(c, {cfg: ROLES_CONFIG,
                       UP: ROLES_UP + "CREATE ROLE writer NOLOGIN;\nGRANT INSERT ON orders TO writer;\n"
                       "GRANT writer TO app_ro;\nALTER TABLE orders OWNER TO app_web;\n"},
                   [("verify/role-can", cfg, 4, 14, "app_web can DROP public.orders, which "
                     "grants.roles.app_web.deny forbids: `DROP TABLE public.orders CASCADE` succeeded"),
                    ("verify/role-can", cfg, 4, 20, "app_web can TRUNCATE public.orders, which "
                     "grants.roles.app_web.deny forbids: `TRUNCATE public.orders` succeeded"),
                    ("verify/role-can", cfg, 6, 14, "app_ro can INSERT public.orders, which "
                     "grants.roles.app_ro.deny forbids: `INSERT INTO public.orders SELECT WHERE false` succeeded")])
        assert c.psql("SELECT count(*) FROM pg_roles WHERE rolname IN ('app_web', 'app_ro', 'writer')").strip() == "0"


PROBE_RULES = ("verify/tenant-leak", "verify/no-context-sees-rows", "verify/role-can")


def test_verify_samples_probes():
    """samples/: the leaking policies of 008 and app_web's TRUNCATE and DROP (its grants.roles deny list) are
    caught on the server; with those statements fixed, no probe finds anything."""
    cl = cluster_module()
    with cl.Cluster() as c, tempfile.TemporaryDirectory() as d:
        root = os.path.join(d, "samples")
        shutil.copytree(os.path.join(ARGS.source, "samples"), root)
        rc, findings = verify(c, root)
        assert [f for f in got(findings, root) if f[0] in PROBE_RULES] == [
            ("verify/no-context-sees-rows", "migrations/008_admin_features.sql", 31, 1,
             "SELECT with app.tenant_id unset sees tenant A's row of public.messages "
             "(policy messages_support_read lets it through)"),
            ("verify/role-can", ".pgrampart.yml", 14, 14, "app_web can TRUNCATE public.sessions, which "
             "grants.roles.app_web.deny forbids: `TRUNCATE public.sessions` succeeded"),
            ("verify/role-can", ".pgrampart.yml", 14, 45, "app_web can DROP public.sessions, which "
             "grants.roles.app_web.deny forbids: `DROP TABLE public.sessions CASCADE` succeeded"),
            ("verify/role-can", "migrations/006_roles_and_grants.sql", 16, 1, "app_web can TRUNCATE "
             "public.feedback, which grants.roles.app_web.deny forbids: `TRUNCATE public.feedback` succeeded"),
            ("verify/tenant-leak", "migrations/008_admin_features.sql", 23, 1, "INSERT as tenant B adds a row "
             "of tenant A to public.feedback (policy feedback_insert_any lets it through)"),
            ("verify/tenant-leak", "migrations/008_admin_features.sql", 31, 1, "SELECT as tenant B sees tenant "
             "A's row of public.messages (policy messages_support_read lets it through)")], got(findings, root)
        fixes = {"006_roles_and_grants.sql": [("GRANT ALL PRIVILEGES ON TABLE feedback TO app_web;",
                                               "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE feedback TO app_web;")],
                 "008_admin_features.sql": [("CREATE POLICY feedback_insert_any ON feedback FOR INSERT TO app_web\n"
                                             "    WITH CHECK (true);", ""),
                                            ("CREATE POLICY messages_support_read ON messages FOR SELECT\n"
                                             "    USING (true);", "")],
                 "011_sessions.sql": [("ALTER TABLE sessions OWNER TO app_web;", "")]}
        for name, edits in fixes.items():
            path = os.path.join(root, "migrations", name)
            with open(path) as f:
                text = f.read()
            for old, new in edits:
                assert old in text, (name, old)
                text = text.replace(old, new)
            with open(path, "w") as f:
                f.write(text)
        rc, findings = verify(c, root)
        assert [f for f in got(findings, root) if f[0] in PROBE_RULES] == [], got(findings, root)
        assert scratch_databases(c) == [] and probe_roles(c) == []


def test_verify_tenant_probe_quoted_names_and_types():
    """Quoted schema, table, column and policy names, an enum in that schema, numeric(5,2), jsonb, date,
    arrays and booleans: the row is generated and the leak reported at its CREATE POLICY; a comparison inside
    a subquery (another table's column) is not taken for the tenant column."""
    cl = cluster_module()
    with cl.Cluster() as c:
        odd = '"My Schema"."Odd ""T"""'
        up = ('CREATE SCHEMA "My Schema";\nCREATE TYPE "My Schema".mood AS ENUM (\'sad\', \'ok\');\n'
              f'CREATE TABLE {odd} ("ten ant" text NOT NULL, m "My Schema".mood NOT NULL, n numeric(5,2) NOT NULL,\n'
              '  j jsonb NOT NULL, d date NOT NULL, arr int[] NOT NULL, b boolean NOT NULL);\n'
              f'ALTER TABLE {odd} ENABLE ROW LEVEL SECURITY;\n'
              f'CREATE POLICY "p ""1""" ON {odd} USING ("ten ant" = current_setting(\'app.t\'));\n'
              "CREATE TABLE members (org int NOT NULL, account int NOT NULL);\n"
              "ALTER TABLE members ENABLE ROW LEVEL SECURITY;\n"
              "CREATE POLICY by_account ON members USING (org IN (SELECT m.org FROM members m\n"
              "  WHERE m.account = current_setting('app.account')::int));\n")
        probe_case(c, {UP: up + f"CREATE POLICY leak ON {odd} FOR DELETE USING (true);\n"},
                   [("verify/tenant-leak", UP, 11, 1, 'DELETE as tenant B removes tenant A\'s row of My Schema.Odd "T" '
                     "(policy leak lets it through)")])
        probe_case(c, {UP: up}, [])


def test_verify_probes_skipped_without_the_rights():
    """verify as a role with CREATEDB only: the tenant probe cannot create its role and a configured role
    cannot be switched to; each is verify/probe-skipped (info) with PostgreSQL's reason, never silent."""
    cl = cluster_module()
    with cl.Cluster() as c:
        c.psql("CREATE ROLE deployer LOGIN CREATEDB; CREATE ROLE auditor NOLOGIN")
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {".pgrampart.yml": "grants:\n  roles:\n    auditor:\n      deny: [DELETE]\n",
                           UP: ORDERS + TENANT_POLICY})
            rc, out, err = run("verify", "--format", "json", "--server", c.conninfo(user="deployer"),
                               os.path.join(d, "migrations"))
            assert rc == 0, (rc, err)
            assert got(json.loads(out)["findings"], d) == [
                ("verify/probe-skipped", ".pgrampart.yml", 4, 13, 'the role probe of auditor was skipped: '
                 'permission denied to set role "auditor"'),
                ("verify/probe-skipped", UP, 3, 1, "the tenant probe of public.orders was skipped: the probe role "
                 "cannot be created (permission denied to create role)")], got(json.loads(out)["findings"], d)
        assert scratch_databases(c) == [] and probe_roles(c) == []


def test_verify_tenant_probe_shared_rows_are_not_tenant_a():
    """Tenant-less shared rows a policy lets every tenant update or delete are not tenant A's row: quiet;
    the same table whose DELETE policy reaches every row is caught."""
    cl = cluster_module()
    with cl.Cluster() as c:
        up = ("CREATE TABLE templates (id serial PRIMARY KEY, tenant_id int, body text);\n"
              "INSERT INTO templates (tenant_id, body) VALUES (NULL, 'shared');\n"
              "ALTER TABLE templates ENABLE ROW LEVEL SECURITY;\n"
              "CREATE POLICY own_or_shared ON templates\n"
              "  USING (tenant_id IS NULL OR tenant_id = current_setting('app.tenant')::int);\n")
        probe_case(c, {UP: up}, [])
        probe_case(c, {UP: up + "CREATE POLICY purge ON templates FOR DELETE USING (body IS NULL);\n"},
                   [("verify/tenant-leak", UP, 6, 1, "DELETE as tenant B removes tenant A's row of public.templates "
                     "(policy purge lets it through)")])


def test_verify_tenant_setting_from_config():
    """rls.tenant_setting picks the tenant's setting among those the policies compare: without it the first
    policy's (app.user) is probed, with it app.tenant."""
    cl = cluster_module()
    with cl.Cluster() as c:
        up = ("CREATE TABLE docs (id serial PRIMARY KEY, tenant_id int, owner_id int);\n"
              "ALTER TABLE docs ENABLE ROW LEVEL SECURITY;\n"
              "CREATE POLICY a_user ON docs USING (owner_id = current_setting('app.user', true)::int);\n"
              "CREATE POLICY b_tenant ON docs FOR SELECT USING (tenant_id = current_setting('app.tenant', true)::int\n"
              "  OR coalesce(current_setting('app.tenant', true), '') = '');\n")
        probe_case(c, {UP: up},
                   [("verify/no-context-sees-rows", UP, 4, 1, "SELECT with app.user unset sees tenant A's row of "
                     "public.docs (policy b_tenant lets it through)"),
                    ("verify/tenant-leak", UP, 4, 1, "SELECT as tenant B sees tenant A's row of public.docs "
                     "(policy b_tenant lets it through)")])
        probe_case(c, {UP: up, ".pgrampart.yml": "rls:\n  tenant_setting: app.tenant\n"},
                   [("verify/no-context-sees-rows", UP, 4, 1, "SELECT with app.tenant unset sees tenant A's row of "
                     "public.docs (policy b_tenant lets it through)")])


def test_verify_probe_of_a_sleeping_policy_ends():
    """A policy that sleeps (pg_sleep in its USING) does not hang verify: each probe statement times out
    (5 s) and counts as refused; the next table is still probed (its leak caught) and nothing is left behind."""
    cl = cluster_module()
    with cl.Cluster() as c:
        start = time.time()
        probe_case(c, {UP: ORDERS + TENANT_POLICY + "CREATE POLICY slow ON orders FOR SELECT\n"
                       "  USING (pg_sleep(3600) IS NULL);\n"
                       "CREATE TABLE parcels (id bigserial PRIMARY KEY, tenant_id int NOT NULL);\n"
                       "ALTER TABLE parcels ENABLE ROW LEVEL SECURITY;\n"
                       "CREATE POLICY mine ON parcels USING (tenant_id = current_setting('app.tenant')::int);\n"
                       "CREATE POLICY all_parcels ON parcels FOR SELECT USING (true);\n"},
                   [("verify/no-context-sees-rows", UP, 11, 1, "SELECT with app.tenant unset sees tenant A's row "
                     "of public.parcels (policy all_parcels lets it through)"),
                    ("verify/tenant-leak", UP, 11, 1, "SELECT as tenant B sees tenant A's row of public.parcels "
                     "(policy all_parcels lets it through)")])
        assert time.time() - start < 120, time.time() - start


def test_verify_insert_probe_on_a_unique_tenant_column():
    """A tenants table whose id is the tenant column: tenant B inserting a row with A's id is refused by the
    duplicate key, not by the policy; the probe removes A's row first (rolled back), so WITH CHECK (true)
    is caught and the tenant's own check is quiet."""
    cl = cluster_module()
    with cl.Cluster() as c:
        up = ("CREATE TABLE tenants (id int PRIMARY KEY, name text NOT NULL);\n"
              "ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;\n"
              "CREATE POLICY own_tenant ON tenants FOR SELECT USING (id = current_setting('app.tenant')::int);\n")
        probe_case(c, {UP: up + "CREATE POLICY signup ON tenants FOR INSERT WITH CHECK (true);\n"},
                   [("verify/tenant-leak", UP, 4, 1, "INSERT as tenant B adds a row of tenant A to public.tenants "
                     "(policy signup lets it through)")])
        probe_case(c, {UP: up + "CREATE POLICY signup ON tenants FOR INSERT\n"
                       "  WITH CHECK (id = current_setting('app.tenant')::int);\n"}, [])
