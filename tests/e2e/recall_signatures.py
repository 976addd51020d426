"""End-to-end tests (issue 13, signatures): functions are identified by schema, name and argument types — in
replay (CREATE, ALTER, DROP, GRANT/REVOKE, ON ALL FUNCTIONS IN SCHEMA), in the live reader, in drift and in
messages (public.f(integer, text)); trigger functions are never executable, replayed or live."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

API = "grants/function-execute-api-role"
PUB = "grants/function-execute-public"
PATH = "grants/security-definer-search-path"
SD = "LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT 1 $$"


def messages(doc, rule):
    return sorted((f["line"], f["message"]) for f in doc["findings"] if f["rule"] == rule)


def test_revoke_on_one_overload_keeps_the_other():
    """REVOKE on f(int) leaves PUBLIC's EXECUTE on f(int, text): reported there only, named with its
    argument types; the revoked one is not."""
    sql = (f"CREATE FUNCTION f(a int) RETURNS int {SD};\n"
           f"CREATE FUNCTION f(a int, b text) RETURNS int {SD};\n"
           "REVOKE EXECUTE ON FUNCTION f(int) FROM PUBLIC;\n")
    found, doc = findings_in({"migrations/001.sql": sql})
    assert only(found, PUB) == [(PUB, "migrations/001.sql", 2, 1)], found
    assert messages(doc, PUB) == [(2, "SECURITY DEFINER function public.f(integer, text) is executable by PUBLIC")]
    # The other way round: the one-argument overload is the one still executable.
    found, doc = findings_in({"migrations/001.sql": sql.replace("f(int) FROM", "f(integer, pg_catalog.text) FROM")})
    assert only(found, PUB) == [(PUB, "migrations/001.sql", 1, 1)], found
    assert messages(doc, PUB) == [(1, "SECURITY DEFINER function public.f(integer) is executable by PUBLIC")]


def test_drop_function_by_signature():
    """DROP FUNCTION f(int) leaves f(text) (and its findings); DROP FUNCTION f without arguments drops the
    function of that name, and a DROP of a signature that does not exist drops nothing."""
    create = (f"CREATE FUNCTION f(x int) RETURNS int {SD.replace(' SET search_path = pg_catalog', '')};\n"
              f"CREATE FUNCTION f(x text) RETURNS int {SD.replace(' SET search_path = pg_catalog', '')};\n")
    found, doc = findings_in({"migrations/001.sql": create, "migrations/002.sql": "DROP FUNCTION f(int);\n"})
    assert only(found, PATH) == [(PATH, "migrations/001.sql", 2, 1)], found
    assert messages(doc, PATH) == [(2, "SECURITY DEFINER function public.f(text) does not set search_path")]
    found, _ = findings_in({"migrations/001.sql": create, "migrations/002.sql": "DROP FUNCTION f(bigint);\n"})
    assert only(found, PATH) == [(PATH, "migrations/001.sql", 1, 1), (PATH, "migrations/001.sql", 2, 1)], found
    found, _ = findings_in({"migrations/001.sql": create.split("\n")[1] + "\n",
                            "migrations/002.sql": "DROP FUNCTION IF EXISTS f;\n"})
    assert only(found, PATH) == [], found


def test_api_role_grant_names_one_overload():
    """GRANT EXECUTE ON FUNCTION f(text) TO anon, where only f(integer) is SECURITY DEFINER, is no finding; the
    same grant on f(int4) is, named public.f(integer)."""
    sql = (f"CREATE FUNCTION f(x int) RETURNS int {SD};\n"
           "CREATE FUNCTION f(x text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"
           "REVOKE ALL ON FUNCTION f(integer) FROM PUBLIC;\n"
           "GRANT EXECUTE ON FUNCTION f(text) TO anon;\n")
    found, doc = findings_in({"migrations/001.sql": sql})
    assert only(found, API) == [] and only(found, PUB) == [], found
    found, doc = findings_in({"migrations/001.sql": sql + "GRANT EXECUTE ON FUNCTION public.f(int4) TO anon;\n"})
    assert only(found, API) == [(API, "migrations/001.sql", 5, 1)], found
    assert messages(doc, API) == [(5, "SECURITY DEFINER function public.f(integer) is executable by anon")]


def test_argument_types_are_normalised():
    """int / int4 / integer / pg_catalog.int4, varchar(n) / character varying, text ARRAY / text[], a user type
    with and without its schema, and OUT arguments (not part of the identity) name the same function."""
    sql = (f"CREATE TYPE mood AS ENUM ('ok');\n"
           f"CREATE FUNCTION g(a int4, b varchar(20), c text ARRAY, d mood, OUT r int) {SD};\n"
           "REVOKE EXECUTE ON FUNCTION g(integer, character varying, text[], public.mood) FROM PUBLIC;\n"
           f"CREATE FUNCTION h(a double precision, b timestamptz, c boolean, d \"char\", e numeric(10, 2)) "
           f"RETURNS int {SD};\n"
           "GRANT EXECUTE ON FUNCTION h(float8, timestamp with time zone, bool, \"char\", decimal) TO anon;\n")
    found, doc = findings_in({"migrations/001.sql": sql})
    assert only(found, PUB) == [(PUB, "migrations/001.sql", 4, 1)], found
    assert messages(doc, API) == [(5, "SECURITY DEFINER function public.h(double precision, timestamp with "
                                      "time zone, boolean, \"char\", numeric) is executable by anon")], doc
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"migrations/001.sql": sql})
        rc, out, err = run("model", "migrations", cwd=d)
    assert rc == 0, err
    fns = sorted((f["name"], f["args"]) for m in json.loads(out)["models"] for f in m["functions"])
    assert fns == [("g", "integer, character varying, text[], public.mood"),
                   ("h", "double precision, timestamp with time zone, boolean, \"char\", numeric")], fns


def test_alter_and_rename_reach_one_overload():
    """ALTER FUNCTION f(text) SECURITY DEFINER makes that overload a definer, not f(int); a RENAME keeps its
    grants (to anon: reported under the new name)."""
    sql = ("CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"
           "CREATE FUNCTION f(x text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"
           "ALTER FUNCTION f(text) SECURITY DEFINER SET search_path = pg_catalog;\n"
           "GRANT EXECUTE ON FUNCTION f(text) TO anon;\n"
           "GRANT EXECUTE ON FUNCTION f(int) TO anon;\n"
           "ALTER FUNCTION f(text) RENAME TO g;\n")
    found, doc = findings_in({"migrations/001.sql": sql})
    assert only(found, PUB) == [(PUB, "migrations/001.sql", 2, 1)], found
    assert messages(doc, API) == [(4, "SECURITY DEFINER function public.g(text) is executable by anon")], doc


def test_all_functions_in_schema():
    """REVOKE ... ON ALL FUNCTIONS IN SCHEMA FROM PUBLIC revokes PUBLIC's EXECUTE on each overload there (not on
    functions created after it, nor in another schema); a GRANT ... ON ALL FUNCTIONS IN SCHEMA to anon is
    reported for each SECURITY DEFINER overload, named with its arguments.  ALL FUNCTIONS leaves procedures
    out; ALL PROCEDURES takes them."""
    sql = (f"CREATE FUNCTION api.f(x int) RETURNS int {SD};\n"
           f"CREATE FUNCTION api.f(x int, y int) RETURNS int {SD};\n"
           f"CREATE FUNCTION other.f(x int) RETURNS int {SD};\n"
           "REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;\n"
           "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO anon;\n"
           f"CREATE FUNCTION api.later() RETURNS int {SD};\n")
    found, doc = findings_in({"migrations/001.sql": sql})
    assert only(found, PUB) == [(PUB, "migrations/001.sql", 3, 1), (PUB, "migrations/001.sql", 6, 1)], found
    assert messages(doc, API) == [(5, "SECURITY DEFINER function api.f(integer) is executable by anon"),
                                  (5, "SECURITY DEFINER function api.f(integer, integer) is executable by anon")]
    procs = (f"CREATE PROCEDURE api.p(x int) {SD.replace('SELECT 1', 'SELECT x')};\n"
             "REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;\n"
             "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO anon;\n"
             "GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA api TO authenticated;\n")
    found, doc = findings_in({"migrations/001.sql": procs})
    assert only(found, PUB) == [(PUB, "migrations/001.sql", 1, 1)], found
    assert messages(doc, API) == [(4, "SECURITY DEFINER procedure api.p(integer) is executable by authenticated")]


# --- live ------------------------------------------------------------------------------------------------------

LIVE_SQL = """\
CREATE ROLE anon; CREATE ROLE app_reader;
CREATE FUNCTION public.f(a int) RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ SELECT 1 $$;
CREATE FUNCTION public.f(a int, b text) RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ SELECT 1 $$;
REVOKE EXECUTE ON FUNCTION public.f(int) FROM PUBLIC;
CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
  AS $$ BEGIN RETURN NEW; END $$;
REVOKE EXECUTE ON FUNCTION public.trg() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.trg() TO anon;
GRANT EXECUTE ON FUNCTION public.f(int) TO anon;
"""


def test_live_audit_names_overloads():
    """The live audit keeps overloads apart: PUBLIC's EXECUTE on f(integer, text) is reported at
    db:public.f(integer, text), f(integer) (revoked) is not; EXECUTE granted to anon on the SECURITY DEFINER
    f(integer) is reported, on a SECURITY DEFINER trigger function it is not."""
    cl = cluster_module()
    with cl.Cluster() as c:
        c.psql(LIVE_SQL)
        doc, _ = audit(c)
    got = sorted((f["rule"], f["object"], f["message"]) for f in doc["findings"] if f["rule"] in (PUB, API))
    assert got == [
        (API, "db:public.f(integer)", "SECURITY DEFINER function public.f(integer) is executable by anon"),
        (PUB, "db:public.f(integer, text)", "SECURITY DEFINER function public.f(integer, text) is executable "
                                            "by PUBLIC")], got


SIGNATURE_MIGRATIONS = {
    "migrations/001_types.sql": """\
CREATE ROLE app_reader;
CREATE SCHEMA app;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TYPE app.level AS ENUM ('low', 'high');
CREATE DOMAIN "Posint" AS int CHECK (VALUE > 0);
""",
    "migrations/002_functions.sql": """\
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION f(a int, b text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION app.g(a varchar(20), b text[], c mood, OUT r int, VARIADIC d numeric[]) LANGUAGE sql
  AS $$ SELECT 1 $$;
CREATE FUNCTION app.h(INOUT a int8, b timestamptz, c double precision, d app.level, e "Posint", f bpchar,
  g bit varying(3), h time, i char(2), j smallint, k real, l bool, m jsonb, n uuid) LANGUAGE sql
  AS $$ SELECT 1::bigint $$;
CREATE PROCEDURE app.p(x interval, y timetz, z "char") LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION app.t() RETURNS TABLE (x int, y text) LANGUAGE sql AS $$ SELECT 1, 'a' $$;
REVOKE ALL ON FUNCTION f(int), f(int, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION f(integer) TO app_reader;
GRANT EXECUTE ON FUNCTION f(int4, text) TO app_reader;
GRANT EXECUTE ON FUNCTION app.g(character varying, text[], public.mood, numeric[]) TO app_reader;
GRANT EXECUTE ON FUNCTION app.h(bigint, timestamp with time zone, float8, app.level, "Posint", character,
  varbit, time without time zone, character, int2, float4, boolean, jsonb, uuid) TO app_reader;
GRANT EXECUTE ON PROCEDURE app.p(interval, time with time zone, "char") TO app_reader;
GRANT EXECUTE ON FUNCTION app.t() TO app_reader;
GRANT EXECUTE ON FUNCTION made_by_hand TO app_reader;
""",
}


def test_drift_compares_signatures():
    """Migrations spelling argument types every way (int4, varchar(20), text[], user types with and without a
    schema, a quoted domain, OUT / INOUT / VARIADIC / TABLE arguments) and the database agree: no drift/grant.
    An overload present in the migrations but absent from the database is drift, named with its arguments; its
    sibling is not.  A grant on a function no migration creates, named without arguments, is the database's
    one function of that name."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        write_tree(d, SIGNATURE_MIGRATIONS)
        c.psql("CREATE FUNCTION made_by_hand(x int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;")
        c.psql(None, files=[os.path.join(d, f) for f in sorted(SIGNATURE_MIGRATIONS)])
        mig = os.path.join(d, "migrations")
        doc, _ = audit(c, "--migrations", mig)
        drift = sorted((f["rule"], f["object"] or f["path"], f["message"]) for f in doc["findings"]
                       if f["rule"].startswith("drift/"))
        assert drift == [], drift
        c.psql("DROP FUNCTION f(int, text);")
        doc, _ = audit(c, "--migrations", mig)
    drift = sorted((f["rule"], os.path.basename(f["path"] or ""), f["line"], f["message"]) for f in doc["findings"]
                   if f["rule"].startswith("drift/"))
    assert drift == [("drift/grant", "002_functions.sql", 12,
                      "app_reader's privileges on public.f(integer, text) granted by the migrations are not in "
                      "the database")], drift


POSTGREST_FIXTURES = ("database", "roles", "schema", "jwt", "jsonschema", "privileges")


def test_real_migration_set_signatures_match_live():
    """PostgREST's test fixtures (some 230 functions: overloads, quoted domains and schemas, arrays, char and
    bpchar, composite row types, a procedure), loaded into a server and granted ON ALL FUNCTIONS IN SCHEMA test:
    every grant the live reader names matches the one replay names, so drift reports, of the functions the
    migrations create, only those that could not be created (they need PostGIS), named with their arguments.
    (Aggregates and extension members, which the model does not track, are the database's extra grants.)"""
    fixtures = os.path.join(corpus("PostgREST__postgrest"), "test", "spec", "fixtures")
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        files = {f"migrations/{i:03d}_{name}.sql": open(os.path.join(fixtures, name + ".sql")).read()
                 for i, name in enumerate(POSTGREST_FIXTURES, 1)}
        files["migrations/007_grants.sql"] = ("CREATE ROLE sig_reader;\n"
                                              "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA test TO sig_reader;\n")
        write_tree(d, files)
        for f in sorted(files):
            # The fixtures hold psql variables and PostGIS objects: load what loads.
            subprocess.run(["psql", "-X", "-q", "-d", c.conninfo(), "-f", os.path.join(d, f)],
                           capture_output=True, text=True)
        # The functions there, each argument type as PostgreSQL's format_type() prints it.
        live = set(c.psql(
            "SET search_path = ''; SELECT p.proname || '(' || coalesce((SELECT pg_catalog.string_agg("
            "pg_catalog.format_type(a.t, NULL), ', ' ORDER BY a.k) FROM pg_catalog.unnest(p.proargtypes::oid[]) "
            "WITH ORDINALITY AS a(t, k)), '') || ')' FROM pg_catalog.pg_proc p "
            "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'test' AND p.prokind <> 'a'").split("\n")) - {"", "SET"}
        rc, out, err = run("model", "migrations", cwd=d)
        assert rc == 0, err
        replayed = {(f["name"], f["args"]) for m in json.loads(out)["models"] for f in m["functions"]
                    if f["schema"] == "test"}
        doc, _ = audit(c, "--migrations", os.path.join(d, "migrations"))
    absent = sorted(f"test.{n}({a})" for n, a in replayed if f"{n}({a})" not in live)
    assert len(replayed) >= 200 and 0 < len(absent) <= 10, (len(replayed), absent)
    missing, extra = [], []
    for f in doc["findings"]:
        m = re.match(r"sig_reader's privileges on (.*) (granted by the migrations are not in|differ from)",
                     f["message"]) if f["rule"] == "drift/grant" else None
        if m:
            (missing if m.group(2).startswith("granted") else extra).append(m.group(1))
    assert sorted(missing) == absent, (sorted(missing), absent)
    signatures = {f"test.{n}({a})" for n, a in replayed}
    assert extra and not signatures & set(extra), sorted(signatures & set(extra))
