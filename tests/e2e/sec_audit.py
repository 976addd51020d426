"""End-to-end tests: see the comment above this module's list in tests/meson.build.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus
"""
from e2e import *  # noqa: F401,F403 — run, check_json, findings_in, write_tree, ARGS via e2e.ARGS
import json
import os
import re
import socket
import subprocess
import time

import e2e
import contextlib


def test_harness_finds_module_tests():
    """e2e.py finds a test in a module of its own (this file)."""
    assert e2e.ARGS.bin and os.path.exists(e2e.ARGS.bin)


# --- a hostile catalog (issue 10) ---------------------------------------------------------------
#
# What live.c's catalog queries call, kept here so the test can plant a lookalike of each.  The
# test reads the SQL out of live.c and fails if a query uses a function, operator or cast target
# missing from these lists, or any name not qualified with pg_catalog.

# function name -> (argument list, return type, expression giving the real result)
HOSTILE_FUNCTIONS = {
    "pg_get_userbyid": ("a pg_catalog.oid", "pg_catalog.name",
                        "('pwned-' OPERATOR(pg_catalog.||) pg_catalog.pg_get_userbyid(a))::pg_catalog.name"),
    "array_to_json": ("a pg_catalog.oid[]", "pg_catalog.json", "pg_catalog.array_to_json(a)"),
    "unnest": ("a pg_catalog.oid[]", "SETOF pg_catalog.oid", None),
    "pg_get_expr": ("a pg_catalog.pg_node_tree, b pg_catalog.oid", "pg_catalog.text",
                    "pg_catalog.pg_get_expr(a, b)"),
    "array_to_string": ("a pg_catalog.text[], b pg_catalog.text", "pg_catalog.text",
                        "pg_catalog.array_to_string(a, b)"),
    "aclexplode": ("a pg_catalog.aclitem[], OUT grantor pg_catalog.oid, OUT grantee pg_catalog.oid, "
                   "OUT privilege_type pg_catalog.text, OUT is_grantable pg_catalog.bool",
                   "SETOF record", None),
    "has_function_privilege": ("a pg_catalog.text, b pg_catalog.text", "pg_catalog.bool", "true"),
    "has_table_privilege": ("a pg_catalog.text, b pg_catalog.text", "pg_catalog.bool", "true"),
    "current_database": ("", "pg_catalog.name", "'pwned'"),
    "inet_client_addr": ("", "pg_catalog.inet", "pg_catalog.inet_client_addr()"),
    "pg_backend_pid": ("", "pg_catalog.int4", "pg_catalog.pg_backend_pid()"),
    "set_config": ("a pg_catalog.text, b pg_catalog.text, c pg_catalog.bool", "pg_catalog.text",
                   "pg_catalog.set_config(a, b, c)"),
    "format_type": ("a pg_catalog.oid, b pg_catalog.int4", "pg_catalog.text", "pg_catalog.format_type(a, b)"),
}
# Operators, planted for every pair of the operand types the queries compare.
HOSTILE_OPERATORS = ["=", "<>", ">", "~", "!~", "~~", "||", "@>", "&&"]
HOSTILE_OPERAND_TYPES = ["pg_catalog.text", "pg_catalog.name", 'pg_catalog."char"', "pg_catalog.oid",
                         "pg_catalog.int2", "pg_catalog.int4", "pg_catalog.text[]", "pg_catalog.name[]",
                         'pg_catalog."char"[]', "pg_catalog.regclass"]
# Types the queries cast to: shadowed by domains whose CHECK calls a planted function.
HOSTILE_CASTS = ["text", "name", '"char"', "regclass", "regtype", "int2"]
# Syntax that looks like a call but resolves no name.
SQL_SYNTAX = {"coalesce", "ARRAY", "ANY", "ALL", "EXISTS", "OPERATOR"}


def live_sql():
    """The SQL statements in live.c: adjacent C string literals joined, USER_SCHEMAS expanded."""
    with open(os.path.join(e2e.ARGS.source, "core", "src", "model", "live.c")) as f:
        src = f.read()
    lit = r'"(?:[^"\\\n]|\\.)*"'
    macro = re.search(r"#define USER_SCHEMAS \\\n((?:\s*" + lit + r"\s*\\?\n)+)", src)
    user_schemas = "".join(json.loads(m) for m in re.findall(lit, macro.group(1)))
    src = src[macro.end():]
    stmts = []
    for m in re.finditer(r"(?:" + lit + r"|USER_SCHEMAS)(?:\s*(?:" + lit + r"|USER_SCHEMAS))*", src):
        parts = re.findall(lit + "|USER_SCHEMAS", m.group(0))
        text = "".join(user_schemas if p == "USER_SCHEMAS" else json.loads(p) for p in parts)
        if re.match(r"(SELECT|BEGIN|SET)\b", text):
            stmts.append(text)
    return stmts


def lint_live_sql():
    """Every operator, function, cast and relation in live.c's SQL is pg_catalog's, by name."""
    stmts = live_sql()
    assert len(stmts) >= 15, stmts
    ops, funcs, casts = set(), set(), set()
    for s in stmts:
        bare = re.sub(r"'[^']*'", "''", s)          # string literals hold no names
        ops |= set(re.findall(r"OPERATOR\(pg_catalog\.([^)]+)\)", bare))
        rest = re.sub(r"OPERATOR\(pg_catalog\.[^)]+\)", " ", bare)
        assert not re.search(r"[=<>~!@|&#^+*/%-]", rest.split(" TO ", 1)[0] if s.startswith("SET") else rest), s
        assert not re.search(r"\b(LIKE|ILIKE|SIMILAR|BETWEEN|IN|OPERATOR)\b", rest), s
        for name in re.findall(r'([A-Za-z_][\w."]*)\(', rest):
            if name in SQL_SYNTAX:
                continue
            assert name.startswith("pg_catalog."), (name, s)
            funcs.add(name.split(".", 1)[1])
        for name in re.findall(r'::([\w."]+)', rest):
            assert name.startswith("pg_catalog."), (name, s)
            casts.add(name.split(".", 1)[1])
        for name in re.findall(r"\b(?:FROM|JOIN)\s+([\w.]+)", rest):
            assert name.startswith("pg_catalog."), (name, s)
    assert funcs <= set(HOSTILE_FUNCTIONS), funcs - set(HOSTILE_FUNCTIONS)
    assert ops <= set(HOSTILE_OPERATORS), ops - set(HOSTILE_OPERATORS)
    assert casts <= set(HOSTILE_CASTS), casts - set(HOSTILE_CASTS)


def hostile_plants(schema):
    """SQL that plants, in schema, a lookalike of everything live.c's queries resolve by name.

    Each lookalike warns 'pgrampart-pwned <what>' (once per session) and then behaves like the
    real thing, so that a hijacked query still finishes and the warning is the evidence."""
    sql = [f"""
CREATE FUNCTION {schema}.pwned(tag pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
  IF pg_catalog.current_setting('pwned.t' OPERATOR(pg_catalog.||) pg_catalog.md5(tag), true)
     IS NULL THEN
    PERFORM pg_catalog.set_config('pwned.t' OPERATOR(pg_catalog.||) pg_catalog.md5(tag), '1', false);
    RAISE WARNING 'pgrampart-pwned % as %', tag, current_user;
  END IF;
  RETURN true;
END $f$;"""]
    for name, (args, ret, expr) in HOSTILE_FUNCTIONS.items():
        tag = f"{schema}.{name}"
        if name == "unnest":
            body = f"PERFORM {schema}.pwned('{tag}'); RETURN QUERY SELECT pg_catalog.unnest(a);"
        elif name == "aclexplode":
            body = (f"PERFORM {schema}.pwned('{tag}'); RETURN QUERY SELECT * FROM pg_catalog.aclexplode(a);")
        else:
            body = f"PERFORM {schema}.pwned('{tag}'); RETURN {expr};"
        sql.append(f"CREATE FUNCTION {schema}.{name}({args}) RETURNS {ret} LANGUAGE plpgsql "
                   f"SET search_path = pg_catalog, pg_temp AS $f$ BEGIN {body} END $f$;")
    n = 0
    for op in HOSTILE_OPERATORS:
        for left in HOSTILE_OPERAND_TYPES:
            for right in HOSTILE_OPERAND_TYPES:
                n += 1
                ret = "pg_catalog.text" if op == "||" else "pg_catalog.bool"
                value = "NULL" if op == "||" else "false"
                sql.append(
                    f"CREATE FUNCTION {schema}.op{n}(a {left}, b {right}) RETURNS {ret} LANGUAGE plpgsql "
                    f"SET search_path = pg_catalog, pg_temp AS $f$ BEGIN PERFORM {schema}.pwned("
                    f"'{schema}.{op}({left}, {right})'); RETURN {value}; END $f$;"
                    f"CREATE OPERATOR {schema}.{op} (FUNCTION = {schema}.op{n}, "
                    f"LEFTARG = {left}, RIGHTARG = {right});")
    for t in HOSTILE_CASTS:
        sql.append(f"CREATE DOMAIN {schema}.{t} AS pg_catalog.{t} CHECK ({schema}.pwned('{schema}.{t} cast'));")
    return "\n".join(sql)


def pwned_lines(path, start):
    with open(path, errors="replace") as f:
        f.seek(start)
        return [l for l in f.read().splitlines() if "pgrampart-pwned" in l]


@contextlib.contextmanager
def hostile_database():
    """A throwaway cluster whose database "hostile" belongs to mallory, who planted a lookalike of
    every operator, function and type name live.c's queries use, in public and in her own schema;
    yields the cluster (None without PostgreSQL)."""
    cl = cluster_module()
    with cl.Cluster() as c:
        c.psql("CREATE ROLE mallory LOGIN; CREATE ROLE app_reader")
        c.psql("CREATE DATABASE hostile OWNER mallory")
        c.psql("ALTER SCHEMA public OWNER TO mallory; CREATE SCHEMA mallory AUTHORIZATION mallory",
               dbname="hostile")
        plants = os.path.join(c.dir, "plants.sql")
        with open(plants, "w") as f:
            f.write("SET search_path = pg_catalog;\n" + hostile_plants("mallory") + hostile_plants("public"))
        c.psql("CREATE TABLE public.victim (id pg_catalog.int4, tenant_id pg_catalog.int4);"
               "GRANT SELECT ON public.victim TO PUBLIC;"
               "CREATE TABLE public.guarded (id pg_catalog.int4, tenant_id pg_catalog.int4);"
               "ALTER TABLE public.guarded ENABLE ROW LEVEL SECURITY;"
               "CREATE POLICY p ON public.guarded TO app_reader USING (true);"
               "CREATE VIEW public.v WITH (security_invoker = true) AS SELECT id FROM public.guarded;",
               user="mallory", dbname="hostile", files=[plants])
        yield c


def test_audit_hostile_catalog():
    """A database owner's operators, functions and type names never run as the auditing superuser."""
    lint_live_sql()
    with hostile_database() as c:
        log = os.path.join(c.dir, "log")
        # Three ways the auditor's search_path reaches mallory's objects: the default one
        # ("$user", public: public.array_to_json(oid[]) beats pg_catalog's anyarray), one the
        # database owner sets with pg_catalog after her schema (her exact matches win), and one
        # set for the auditor's role in that database.
        vectors = [("default search_path", None, None),
                   ("ALTER DATABASE ... SET search_path", "mallory",
                    "ALTER DATABASE hostile SET search_path = mallory, pg_catalog, public"),
                   ("ALTER ROLE postgres IN DATABASE ... SET search_path", "postgres",
                    "ALTER ROLE postgres IN DATABASE hostile SET search_path = public, pg_catalog")]
        for vector, user, sql in vectors:
            if sql:
                c.psql(sql, user=user, dbname="hostile")
                # The planting works: an ordinary query of the superuser runs mallory's code.
                start = os.path.getsize(log)
                c.psql("SELECT count(*) FROM pg_class WHERE relkind = 'r'", dbname="hostile")
                time.sleep(0.3)
                assert pwned_lines(log, start), f"{vector}: the plants do not take over a query"
            start = os.path.getsize(log)
            rc, out, err = run("audit", "--format", "json", c.conninfo(dbname="hostile"))
            time.sleep(0.3)  # let the server's log reach the file
            ran = pwned_lines(log, start)
            assert not ran and "pgrampart-pwned" not in err, (vector, ran[:5], err[-2000:])
            assert rc in (0, 1), (vector, rc, err)
            doc = json.loads(out)
            found = {(f["rule"], f.get("object")) for f in doc["findings"]}
            assert not [f for f in found if f[0] == "core/check-skipped"], (vector, found)
            assert ("rls/table-without-rls", "db:public.victim") in found, (vector, sorted(found))
            assert not [f for f in found if "pwned" in (f[1] or "")], (vector, found)
            assert "pwned-" not in out and "\"pwned\"" not in out, vector


# --- connecting: a silent server, the conninfo in errors ----------------------------------------

def audit_bounded(args, limit):
    """Run pgrampart audit ARGS; (exit code, stderr, seconds), failing the test after limit s."""
    t0 = time.monotonic()
    try:
        p = subprocess.run([e2e.ARGS.bin, "audit", *args], capture_output=True, text=True,
                           errors="replace", timeout=limit)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"audit {args} still connecting after {limit} s")
    return p.returncode, p.stderr, time.monotonic() - t0


def test_audit_connect_timeout():
    """A server that accepts TCP and never answers: --timeout (else 10 s) bounds connecting."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)         # the kernel completes the handshakes; nobody ever reads or answers
        port = s.getsockname()[1]
        rc, err, took = audit_bounded(["--timeout", "2000", f"host=127.0.0.1 port={port} dbname=x"], 60)
        assert rc == 2 and "cannot connect" in err and "timeout" in err, (rc, err)
        assert took < 15, took
        rc, err, took = audit_bounded([f"postgresql://u@127.0.0.1:{port}/x"], 60)
        assert rc == 2 and "cannot connect" in err, (rc, err)
        assert 8 < took < 20, took


FORMATS = ["text", "json", "sarif", "github", "gitlab"]


def assert_masked(conninfo, secrets, expect, env=None):
    """Every format: exit 2, a message saying expect, no secret anywhere, no line injected."""
    for fmt in FORMATS:
        rc, out, err = run("audit", "--format", fmt, "--timeout", "2000", conninfo, env=env)
        assert rc == 2 and expect in err, (fmt, conninfo, rc, err)
        for secret in secrets:
            assert secret not in out + err, (fmt, conninfo, out, err)
        assert not [l for l in (out + err).splitlines() if l.startswith("::")], (fmt, out, err)
        assert "\x1b" not in out + err


def test_audit_conninfo_never_echoed():
    """libpq quotes the bad token or the URI in its messages: the password is never printed."""
    pw = "s3cr%ZZet-unique"
    assert_masked(f"postgresql://someone:{pw}@127.0.0.1:1/db", [pw, "s3cr"], "cannot parse")
    assert_masked("postgresql://someone:s3cr%00et-unique@127.0.0.1:1/db", ["s3cr%00et"], "cannot parse")
    assert_masked("postgresql://someone:Pw-in-uri-unique@[::1/db", ["Pw-in-uri-unique"], "cannot parse")
    # key=value: a password pasted without its key, and an unknown key beside the password.
    assert_masked("host=127.0.0.1 port=1 user=u Pw-kv-unique", ["Pw-kv-unique"], "cannot parse")
    assert_masked("host=127.0.0.1 port=1 password=Pw-kv2-unique Pw-kv2-unique=1", ["Pw-kv2-unique"],
                  "cannot parse")
    # libpq echoes other values at connect time; one that is the password is masked there too.
    assert_masked("host=127.0.0.1 port=1 password=Pw-mode-unique sslmode=Pw-mode-unique",
                  ["Pw-mode-unique"], "cannot connect")
    assert_masked("postgresql://someone:Pw-host-unique@no-such-host.invalid/db", ["Pw-host-unique"],
                  "cannot connect")
    cl = cluster_module()
    hba = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
    with cl.Cluster(hba=hba) as c:
        c.psql("CREATE ROLE alice LOGIN PASSWORD 'right-password'; "
               "CREATE ROLE \"Pw-role-unique\" LOGIN PASSWORD 'right-password'")
        ci = c.conninfo(user="alice", tcp=True)
        assert_masked(ci + " password=Wrong-pw-unique", ["Wrong-pw-unique"], "password authentication failed")
        assert_masked(ci, ["Wrong-env-unique"], "password authentication failed",
                      env={"PGPASSWORD": "Wrong-env-unique"})
        assert_masked(c.conninfo(user="Pw-role-unique", tcp=True) + " password=Pw-role-unique",
                      ["Pw-role-unique"], "password authentication failed")
        # The server quotes a database name from the conninfo: its control characters are escaped.
        assert_masked(ci.replace("dbname=postgres", "") + " password=right-password "
                      "dbname='x\n::error file=README.md::owned\x1b[2J'", [], "does not exist")


# --- names from the catalog ----------------------------------------------------------------------

HOSTILE_NAMES = {"table": "\n::error file=README.md::owned", "policy": "\x1b[2J",
                 "role": "x\nfake.sql:1:1: error: y"}


def test_audit_hostile_names():
    """Catalog names with newlines, ESC, workflow commands or fake diagnostics inject nothing.

    Depends on the text and github reporters escaping control characters (sec_output)."""
    cl = cluster_module()
    q = {k: '"' + v.replace('"', '""') + '"' for k, v in HOSTILE_NAMES.items()}
    with cl.Cluster() as c:
        c.psql(f"CREATE ROLE {q['role']} SUPERUSER; CREATE TABLE public.{q['table']} (id int, tenant_id int); "
               f"CREATE POLICY {q['policy']} ON public.{q['table']} TO {q['role']} USING (true); "
               f"GRANT SELECT ON public.{q['table']} TO {q['role']}")
        for fmt in ("text", "github"):
            rc, out, err = run("audit", "--format", fmt, "--fail-on", "info", c.conninfo())
            assert rc == 1, (fmt, rc, err)
            text = out + err
            assert "owned" in text and "fake.sql" in text and "2J" in text, (fmt, text)  # names shown
            lines = text.splitlines()
            assert not [l for l in lines if l.startswith("::error file=README.md")], (fmt, text)
            assert not [l for l in lines if l.startswith("fake.sql:1:1")], (fmt, text)
            assert "\x1b" not in text, (fmt, text)
