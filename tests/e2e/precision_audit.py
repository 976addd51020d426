"""End-to-end tests: the live audit's drift and RLS rules on a correctly migrated database (issue 12 item 8).

A realistic multi-tenant migration set (several policy styles, SERIAL and identity sequences, grants on all
tables and sequences, ownership handed to an application role, default privileges) is applied to a throwaway
cluster; audit --migrations must then report no drift and no false RLS finding, and report exactly the
changes made by hand afterwards.
"""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

# The migrations, in order (written for this test; no third-party text).
MIGRATIONS = {
    "migrations/001_schema.sql": """\
-- Multi-tenant SaaS schema
CREATE SCHEMA IF NOT EXISTS auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;

CREATE ROLE app_owner NOLOGIN;
CREATE ROLE app_web NOLOGIN;
CREATE ROLE app_reader NOLOGIN;
-- pgrampart-ignore grants/role-bypassrls: the nightly export job reads every tenant
CREATE ROLE app_export NOLOGIN BYPASSRLS;

CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE users (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id),
    user_id uuid NOT NULL,
    email text NOT NULL,
    role text NOT NULL DEFAULT 'member'
);
CREATE TABLE memberships (
    id serial PRIMARY KEY,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL
);
CREATE TABLE projects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    owner_id uuid NOT NULL,
    status text NOT NULL
);
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL,
    note text
);
ALTER TABLE tenants OWNER TO app_owner;
ALTER TABLE users OWNER TO app_owner;
ALTER TABLE memberships OWNER TO app_owner;
ALTER TABLE projects OWNER TO app_owner;
ALTER TABLE audit_log OWNER TO app_owner;
""",
    "migrations/002_rls.sql": """\
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenants_member ON tenants FOR SELECT
    USING (id IN (SELECT tenant_id FROM memberships WHERE user_id = auth.uid()));
-- pgrampart-ignore rls/tenant-policy-not-scoped: a user reads only their own row
CREATE POLICY users_self ON users
    USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);
CREATE POLICY users_tenant ON public.users FOR SELECT
    USING (tenant_id = current_setting('app.tenant')::uuid);
CREATE POLICY users_colleagues ON users AS RESTRICTIVE FOR SELECT
    USING (tenant_id IN (SELECT tenant_id FROM users WHERE user_id = auth.uid()));
CREATE POLICY memberships_tenant ON memberships
    USING (tenant_id = (current_setting('app.tenant'))::uuid AND user_id = auth.uid());
CREATE POLICY projects_read ON projects FOR SELECT TO app_web, app_reader
    USING (EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = projects.tenant_id AND m.user_id = auth.uid()));
CREATE POLICY projects_write ON projects FOR INSERT TO app_web
    WITH CHECK (tenant_id = current_setting('app.tenant')::uuid AND status IN ('draft', 'active'));
CREATE POLICY projects_update ON projects FOR UPDATE TO app_web
    USING (owner_id = auth.uid() AND current_user = 'app_web') WITH CHECK (status <> 'deleted');
CREATE POLICY audit_insert ON audit_log FOR INSERT
    WITH CHECK (tenant_id = current_setting('app.tenant', true)::uuid);
CREATE VIEW member_counts WITH (security_invoker = true) AS
    SELECT tenant_id, count(*) AS n FROM memberships GROUP BY tenant_id;
CREATE POLICY audit_read ON audit_log FOR SELECT
    USING ((tenant_id = current_setting('app.tenant', true)::uuid) AND note IS NOT NULL AND note LIKE 'x%' AND length(note) > 3);
""",
    "migrations/003_grants.sql": """\
GRANT CONNECT ON DATABASE postgres TO app_web;
GRANT USAGE ON SCHEMA public TO app_web, app_reader;
GRANT USAGE ON SCHEMA auth TO app_web, app_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_web;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_reader;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO app_web;
GRANT EXECUTE ON FUNCTION auth.uid() TO app_web, app_reader;
REVOKE ALL ON FUNCTION auth.uid() FROM PUBLIC;

CREATE MATERIALIZED VIEW tenant_stats AS
    SELECT tenant_id, count(*) AS n FROM projects GROUP BY tenant_id;
REVOKE ALL ON tenant_stats FROM PUBLIC;
CREATE VIEW tenant_names WITH (security_invoker = true) AS SELECT id, name FROM tenants;
GRANT SELECT ON tenant_names TO app_reader;
CREATE VIEW my_projects WITH (security_invoker = true) AS SELECT * FROM projects;
GRANT SELECT ON my_projects TO app_web;
CREATE TABLE feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL);
GRANT SELECT ON feature_flags TO app_web;
GRANT ALL ON feature_flags TO app_owner;
ALTER TABLE feature_flags OWNER TO app_owner;
CREATE TABLE settings (tenant_id uuid PRIMARY KEY, body jsonb);
GRANT SELECT, UPDATE ON settings TO app_web;
ALTER TABLE settings OWNER TO app_web;
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE settings FORCE ROW LEVEL SECURITY;
ALTER TABLE feature_flags ENABLE ROW LEVEL SECURITY;
CREATE POLICY settings_tenant ON settings USING (tenant_id = current_setting('app.tenant')::uuid);
CREATE POLICY flags_read ON feature_flags FOR SELECT USING (true);
""",
    "migrations/004_more.sql": """\
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO app_web;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE ON SEQUENCES TO app_web;
CREATE FUNCTION current_tenant() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT current_setting('app.tenant', true)::uuid $$;
CREATE TABLE app.documents (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL,
    slug varchar(80) NOT NULL,
    author uuid,
    priority int NOT NULL DEFAULT 0
);
CREATE TABLE app.shares (
    document_id bigint NOT NULL,
    user_id uuid NOT NULL
);
ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.shares ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_tenant ON app.documents
    USING (tenant_id = current_tenant() AND author = (SELECT auth.uid()))
    WITH CHECK (tenant_id = public.current_tenant() AND priority > -1 AND slug <> 'reserved');
CREATE POLICY documents_shared ON app.documents FOR SELECT
    USING (EXISTS (SELECT 1 FROM app.shares s JOIN public.users u ON u.user_id = s.user_id
                   WHERE document_id = documents.id AND u.tenant_id = documents.tenant_id AND u.user_id = auth.uid()));
CREATE POLICY shares_own ON app.shares USING (user_id = auth.uid() OR user_id IS NULL);
CREATE POLICY docs_slug ON app.documents FOR DELETE USING (slug = current_setting('app.slug') AND NOT (priority IN (1, 2)));
CREATE POLICY docs_priority ON app.documents AS RESTRICTIVE FOR UPDATE
    USING (priority BETWEEN 0 AND 9 AND id NOT BETWEEN -3 AND -1);
GRANT SELECT ON ALL TABLES IN SCHEMA app TO app_reader;
""",
}


def migrated(c, d, files=None):
    """Write the migration set under d, apply it to cluster c; return the migrations directory."""
    files = files or MIGRATIONS
    write_tree(d, files)
    c.psql(None, files=[os.path.join(d, f) for f in sorted(files) if f.endswith(".sql") and ".down." not in f])
    return os.path.join(d, "migrations")


def drift_of(doc, prefix="drift/"):
    return sorted((f["rule"], f.get("object") or os.path.basename(f["path"] or ""))
                  for f in doc["findings"] if f["rule"].startswith(prefix))


def test_audit_policy_styles_no_drift():
    """Policies as written and as pg_get_expr deparses them compare equal; a real edit still differs."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrated(c, d)
        doc, _ = audit(c, "--migrations", mig)
        assert [g for g in drift_of(doc) if g[0].startswith("drift/policy")] == [], drift_of(doc)
        # Each edit keeps the policy's name and changes its meaning.
        c.psql("ALTER POLICY projects_read ON projects USING (EXISTS (SELECT 1 FROM memberships m "
               "WHERE m.tenant_id = m.tenant_id AND m.user_id = auth.uid()));"
               "ALTER POLICY documents_tenant ON app.documents WITH CHECK "
               "(tenant_id = public.current_tenant() AND priority > -5 AND slug <> 'reserved');"
               "ALTER POLICY docs_slug ON app.documents USING "
               "(slug = current_setting('app.slug') AND NOT (priority IN (1, 3)));"
               "ALTER POLICY users_self ON users USING (auth.uid() = id);"
               "ALTER POLICY users_colleagues ON users USING (tenant_id IN (SELECT u.tenant_id FROM users u "
               "WHERE u.user_id = users.user_id));"
               "ALTER POLICY docs_priority ON app.documents USING (priority BETWEEN 0 AND 8 AND id NOT BETWEEN -3 AND -1);")
        doc, _ = audit(c, "--migrations", mig)
    assert [g for g in drift_of(doc) if g[0].startswith("drift/policy")] == [
        ("drift/policy-changed", "db:app.documents policy docs_priority"),
        ("drift/policy-changed", "db:app.documents policy docs_slug"),
        ("drift/policy-changed", "db:app.documents policy documents_tenant"),
        ("drift/policy-changed", "db:public.projects policy projects_read"),
        ("drift/policy-changed", "db:public.users policy users_colleagues"),
        ("drift/policy-changed", "db:public.users policy users_self")], drift_of(doc)


# Grants of kinds the audit does not read back, or reads as flags: never drift.
UNREAD_GRANTS = {"migrations/005_unread_grants.sql": """\
CREATE TYPE app.doc_state AS ENUM ('draft', 'live');
GRANT USAGE ON TYPE app.doc_state TO app_web;
CREATE DOMAIN app.slug AS text CHECK (VALUE ~ '^[a-z-]+$');
GRANT USAGE ON DOMAIN app.slug TO app_reader;
GRANT EXECUTE ON FUNCTION current_tenant() TO PUBLIC;
GRANT EXECUTE ON FUNCTION current_tenant() TO app_reader;
GRANT USAGE ON SCHEMA public TO PUBLIC;
GRANT USAGE ON LANGUAGE plpgsql TO app_web;
"""}


def test_audit_grants_no_drift():
    """GRANT CONNECT ON DATABASE (and on types, domains, languages, PUBLIC's EXECUTE), grants folded into an
    owner by ALTER ... OWNER TO, SERIAL and identity sequences granted ON ALL SEQUENCES, default privileges
    and a view granted ON ALL TABLES are no drift; grants made by hand are."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrated(c, d, dict(MIGRATIONS, **UNREAD_GRANTS))
        doc, _ = audit(c, "--migrations", mig)
        assert [g for g in drift_of(doc) if g[0] == "drift/grant"] == [], drift_of(doc)
        c.psql("GRANT INSERT ON feature_flags TO app_reader; GRANT UPDATE ON SEQUENCE projects_id_seq TO app_reader;"
               "GRANT DELETE ON tenant_names TO app_reader; REVOKE SELECT ON users FROM app_reader;"
               "GRANT UPDATE ON app.documents TO app_web; GRANT INSERT ON member_counts TO app_reader;")
        doc, _ = audit(c, "--migrations", mig)
    assert [g for g in drift_of(doc) if g[0] == "drift/grant"] == [
        ("drift/grant", "003_grants.sql"), ("drift/grant", "db:app.documents"),
        ("drift/grant", "db:public.feature_flags"), ("drift/grant", "db:public.member_counts"),
        ("drift/grant", "db:public.projects_id_seq"),
        ("drift/grant", "db:public.tenant_names")], drift_of(doc)


def test_audit_view_only_its_owner_may_use():
    """A (materialized) view over an RLS table that no role but its owner may use exposes nothing: no
    rls/view-bypasses-rls from the live audit; once a role is granted it, it is reported."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrated(c, d)
        doc, _ = audit(c, "--migrations", mig)
        assert drift_of(doc, "rls/view-bypasses-rls") == [], drift_of(doc, "rls/view-bypasses-rls")
        c.psql("GRANT SELECT ON tenant_stats TO app_reader; CREATE VIEW project_names AS SELECT id FROM projects;"
               "CREATE VIEW private_names AS SELECT id FROM projects; GRANT UPDATE ON project_names TO app_web;")
        doc, _ = audit(c, "--migrations", mig)
    assert drift_of(doc, "rls/view-bypasses-rls") == [
        ("rls/view-bypasses-rls", "db:public.project_names"),
        ("rls/view-bypasses-rls", "db:public.tenant_stats")], drift_of(doc, "rls/view-bypasses-rls")


COVERAGE = ("CREATE TABLE a (id int, tenant_id uuid);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
            "CREATE POLICY r ON a FOR SELECT USING (tenant_id = current_setting('t')::uuid);\n"
            "CREATE POLICY c ON a FOR INSERT WITH CHECK (tenant_id = current_setting('t')::uuid);\n"
            "CREATE TABLE b (id int, tenant_id uuid);\nALTER TABLE b ENABLE ROW LEVEL SECURITY;\n"
            "CREATE POLICY r ON b FOR SELECT USING (tenant_id = current_setting('t')::uuid);\n")


def test_policy_command_coverage_denied_is_info():
    """A command left without a policy is denied (the safe default): info, not a warning; with
    rls.intended_commands only the listed commands a table lacks are reported."""
    found, doc = findings_in({"m.sql": COVERAGE})
    cov = [f for f in doc["findings"] if f["rule"] == "rls/policy-command-coverage"]
    assert [(f["line"], f["severity"]) for f in cov] == [(3, "info"), (7, "info")], cov
    found, doc = findings_in({"m.sql": COVERAGE, ".pgrampart.yml": "rls:\n  intended_commands: [select, INSERT]\n"})
    cov = [f for f in doc["findings"] if f["rule"] == "rls/policy-command-coverage"]
    assert [(f["line"], f["message"]) for f in cov] == [
        (7, "no policy of public.b allows INSERT: every role but the owner is denied it")], cov


def test_audit_honours_migration_suppressions():
    """-- pgrampart-ignore in a migration hides the audit's finding on the object its statement defines
    (a policy, a role) when audit --migrations is given; other findings of the rule stay."""
    cl = cluster_module()
    wanted = ("rls/tenant-policy-not-scoped", "grants/role-bypassrls")
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrated(c, d)
        plain, _ = audit(c)
        doc, _ = audit(c, "--migrations", mig)
    def of(doc):
        return sorted((f["rule"], f["object"]) for f in doc["findings"] if f["rule"] in wanted)
    assert ("rls/tenant-policy-not-scoped", "db:public.users policy users_self") in of(plain), of(plain)
    assert ("grants/role-bypassrls", "role:app_export") in of(plain), of(plain)
    assert of(doc) == [x for x in of(plain) if x not in (
        ("rls/tenant-policy-not-scoped", "db:public.users policy users_self"),
        ("grants/role-bypassrls", "role:app_export"))], of(doc)
    assert ("rls/tenant-policy-not-scoped", "db:public.projects policy projects_update") in of(doc), of(doc)


# What the migration set above plants on purpose, each a true finding: DELETE and UPDATE policies that never
# compare tenant_id, and permissive policies OR-ed for the same command.  Everything else it does is correct.
PLANTED = [
    ("rls/multiple-permissive-policies", "db:app.documents policy docs_slug"),
    ("rls/multiple-permissive-policies", "db:app.documents policy documents_shared"),
    ("rls/multiple-permissive-policies", "db:public.users policy users_tenant"),
    ("rls/tenant-policy-not-scoped", "db:app.documents policy docs_slug"),
    ("rls/tenant-policy-not-scoped", "db:public.projects policy projects_update"),
]


def test_audit_correctly_migrated_database():
    """The whole set applied as written: audit --migrations reports no drift, and no RLS error or warning
    but the planted ones (commands left without a policy are info)."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrated(c, d)
        doc, _ = audit(c, "--migrations", mig)
    assert drift_of(doc) == [], drift_of(doc)
    rls = sorted((f["rule"], f["object"]) for f in doc["findings"]
                 if f["rule"].startswith("rls/") and f["severity"] in ("error", "warning"))
    assert rls == PLANTED, rls


VIEW_BASE = ("CREATE TABLE t (id int, tenant_id uuid);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
             "CREATE POLICY p ON t USING (tenant_id = current_setting('t')::uuid);\n"
             "CREATE MATERIALIZED VIEW mv AS SELECT tenant_id, count(*) FROM t GROUP BY 1;\n")


def test_static_view_revoked_from_public():
    """check: a materialized view the migrations REVOKE ... FROM PUBLIC and grant to no role is its owner's
    alone (no rls/view-bypasses-rls); a grant on it, a later grant in its schema (maybe ON ALL TABLES),
    default privileges, or a REVOKE from another role only keep the finding."""
    def fired(extra):
        found, _ = findings_in({"db/migrations/001_init.sql": VIEW_BASE + extra})
        return [f[2] for f in found if f[0] == "rls/view-bypasses-rls"]
    assert fired("REVOKE ALL ON mv FROM PUBLIC;\n") == [], fired("REVOKE ALL ON mv FROM PUBLIC;\n")
    assert fired("REVOKE SELECT ON TABLE public.mv FROM PUBLIC;\n") == []
    assert fired("") == [4]
    assert fired("REVOKE ALL ON mv FROM PUBLIC;\nGRANT SELECT ON mv TO app_reader;\n") == [4]
    assert fired("REVOKE ALL ON mv FROM PUBLIC;\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO app_reader;\n") == [4]
    assert fired("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app_reader;\nREVOKE ALL ON mv FROM PUBLIC;\n") == [4]
    assert fired("REVOKE ALL ON mv FROM app_reader;\n") == [4]
    assert fired("REVOKE INSERT ON mv FROM PUBLIC;\n") == [4]
