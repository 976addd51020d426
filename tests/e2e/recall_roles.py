"""End-to-end tests (issue 13, roles): role memberships that escalate, SECURITY DEFINER functions granted to API
roles, trigger functions never reported as executable; static and live."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

ESC = "grants/role-membership-escalation"
API = "grants/function-execute-api-role"
PUB = "grants/function-execute-public"

MEMBERSHIPS = """\
CREATE ROLE app_user LOGIN;
CREATE ROLE admin_bypass BYPASSRLS;
CREATE ROLE reporter;
GRANT postgres TO app_user;
GRANT admin_bypass TO app_user;
GRANT reporter TO app_user;
GRANT pg_read_server_files TO anon;
GRANT pg_read_all_stats TO anon;
CREATE ROLE web LOGIN IN ROLE pg_write_all_data;
CREATE ROLE owner_role;
CREATE TABLE t (id int);
ALTER TABLE t OWNER TO owner_role;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE ROLE batch;
GRANT owner_role TO authenticated;
GRANT pg_signal_backend TO batch;
GRANT admin_bypass TO reporter;
GRANT pg_write_all_data TO app_user;
REVOKE pg_write_all_data FROM app_user;
CREATE ROLE su SUPERUSER;
CREATE ROLE app_api ROLE web, app_worker;
CREATE ROLE svc ROLE app_user;
GRANT svc TO su;
CREATE ROLE kiosk LOGIN;
GRANT pg_execute_server_program TO kiosk;
DROP ROLE kiosk;
GRANT pg_signal_backend TO app_worker;
"""


def test_membership_escalation_static():
    """GRANT of a superuser, BYPASSRLS, platform-admin, RLS-owner or server-wide predefined role to a login /
    API / configured application role is reported at the GRANT (or CREATE ROLE); other memberships, revoked
    ones and ones of dropped roles are not."""
    found, _ = findings_in({"migrations/001_roles.sql": MEMBERSHIPS,
                            ".pgrampart.yml": "rls:\n  application_roles: [app_worker]\n"})
    assert only(found, ESC) == [
        (ESC, "migrations/001_roles.sql", 4, 1),    # postgres (admin_roles) TO a LOGIN role
        (ESC, "migrations/001_roles.sql", 5, 1),    # a BYPASSRLS role
        (ESC, "migrations/001_roles.sql", 7, 1),    # pg_read_server_files TO anon
        (ESC, "migrations/001_roles.sql", 9, 1),    # CREATE ROLE ... LOGIN IN ROLE pg_write_all_data
        (ESC, "migrations/001_roles.sql", 15, 1),   # the owner of an RLS table TO authenticated
        (ESC, "migrations/001_roles.sql", 27, 1),   # pg_signal_backend TO rls.application_roles
    ], only(found, ESC)


def test_membership_escalation_create_role_role_clause():
    """CREATE ROLE x ROLE member makes member a member of x: reported when x escalates."""
    found, _ = findings_in({"migrations/001.sql": "CREATE ROLE app LOGIN;\nCREATE ROLE ops\n  BYPASSRLS ROLE app;\n"
                            "CREATE ROLE plain ROLE app;\n"})
    assert only(found, ESC) == [(ESC, "migrations/001.sql", 2, 1)], found


def test_function_execute_api_role_static():
    """GRANT EXECUTE (or ALL) on a SECURITY DEFINER function to anon / authenticated is reported at the GRANT; to
    an admin role or the backend's own application role, on an invoker function or on a trigger function it is
    not."""
    sql = """\
CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT x $$;
REVOKE EXECUTE ON FUNCTION f(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION f(int) TO authenticated;
GRANT EXECUTE ON FUNCTION f(int) TO service_role;
CREATE FUNCTION api.g() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT 1 $$;
REVOKE ALL ON FUNCTION api.g() FROM PUBLIC;
GRANT ALL ON FUNCTION api.g() TO app_worker, anon;
CREATE FUNCTION h() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
GRANT EXECUTE ON FUNCTION h() TO anon;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ BEGIN RETURN NEW; END $$;
GRANT EXECUTE ON FUNCTION trg() TO anon;
"""
    found, _ = findings_in({"migrations/001.sql": sql, ".pgrampart.yml": "rls:\n  application_roles: [app_worker]\n"})
    assert only(found, API) == [(API, "migrations/001.sql", 3, 1), (API, "migrations/001.sql", 7, 1)], found


def test_trigger_functions_not_executable_static():
    """A SECURITY DEFINER function RETURNS trigger / event_trigger (schema-qualified or not) is not
    function-execute-public; an ordinary one next to it is."""
    sql = """\
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION app.on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
  AS $$ BEGIN END $$;
CREATE FUNCTION app.callable() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = ''
  AS $$ SELECT 1 $$;
"""
    found, _ = findings_in({"migrations/001.sql": sql})
    assert only(found, PUB) == [(PUB, "migrations/001.sql", 5, 1)], found


def test_live_membership_and_trigger_functions():
    """The live audit reads memberships from pg_auth_members (reported at the member role), reports EXECUTE
    granted to anon on a SECURITY DEFINER function (not to service_role), and leaves PUBLIC's EXECUTE on trigger
    functions out."""
    cl = cluster_module()
    with cl.Cluster() as c:
        c.psql("CREATE ROLE app_user LOGIN; CREATE ROLE quiet LOGIN; CREATE ROLE bypass_admin BYPASSRLS;"
               "GRANT bypass_admin TO app_user; GRANT pg_read_all_data TO app_user;"
               "GRANT pg_read_all_stats TO quiet;"
               "CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
               "SET search_path = pg_catalog AS $$ BEGIN RETURN NEW; END $$;"
               "CREATE FUNCTION public.callable() RETURNS int LANGUAGE sql SECURITY DEFINER "
               "SET search_path = pg_catalog AS $$ SELECT 1 $$;"
               "CREATE ROLE anon; CREATE ROLE service_role; CREATE FUNCTION public.granted() RETURNS int "
               "LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT 1 $$;"
               "REVOKE EXECUTE ON FUNCTION public.granted() FROM PUBLIC;"
               "GRANT EXECUTE ON FUNCTION public.granted() TO anon, service_role;"
               "GRANT EXECUTE ON FUNCTION public.callable() TO service_role;")
        doc, _ = audit(c)
    got = sorted((f["rule"], f["object"], f["message"]) for f in doc["findings"] if f["rule"] in (ESC, PUB, API))
    assert sorted((r, o) for r, o, _ in got) == sorted([
        (PUB, "db:public.callable()"), (ESC, "role:app_user"), (ESC, "role:app_user"),
        (API, "db:public.granted()")]), got
    assert any("bypass_admin" in m for _, _, m in got) and any("pg_read_all_data" in m for _, _, m in got), got


def test_membership_revoked_in_a_later_migration():
    """A REVOKE in a later migration of the set undoes the GRANT; a REVOKE in another set's file does not."""
    found, _ = findings_in({
        "a/migrations/001.sql": "GRANT pg_read_all_data TO anon;\nGRANT pg_write_all_data TO anon;\n",
        "a/migrations/002.sql": "REVOKE pg_read_all_data FROM anon;\n",
        "b/migrations/001.sql": "GRANT pg_read_all_data TO anon;\n",
        "b/migrations/002.sql": "REVOKE pg_write_all_data FROM anon;\n"})
    assert only(found, ESC) == [(ESC, "a/migrations/001.sql", 2, 1), (ESC, "b/migrations/001.sql", 1, 1)], found
