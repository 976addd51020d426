"""End-to-end tests: pgrampart verify --server runs each down after its up on a scratch database (issue 18)."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401
import signal

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
AGE_UP = "ALTER TABLE users ADD COLUMN age integer;\nALTER TABLE users ADD COLUMN nickname text;\n"


def verify(c, root, *extra):
    rc, out, err = run("verify", "--format", "json", "--server", c.conninfo(), *extra, root)
    assert rc in (0, 1), f"exit {rc}: {err}"
    return rc, json.loads(out)["findings"]


def scratch_databases(c):
    return c.psql("SELECT datname FROM pg_database WHERE datname LIKE 'pgrampart_verify_%'").split()


def got(findings, root):
    return sorted((f["rule"], os.path.relpath(f["path"], root), f["line"], f["column"], f["message"])
                  for f in findings)


def check_case(c, files, expected, root="migrations"):
    """verify root (below a temporary tree of files) finds exactly expected; no scratch database remains."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        rc, findings = verify(c, os.path.join(d, root))
        assert got(findings, d) == expected, got(findings, d)
        assert rc == (1 if expected else 0)
    assert scratch_databases(c) == [], scratch_databases(c)


def test_verify_down_not_inverse():
    """A down that forgets a column: one finding at the down file 1:1 naming it; the fixed down is quiet."""
    cl = cluster_module()
    with cl.Cluster() as c:
        base = {"migrations/001_users.up.sql": USERS, "migrations/001_users.down.sql": "DROP TABLE users;\n",
                "migrations/002_age.up.sql": AGE_UP}
        check_case(c, dict(base, **{"migrations/002_age.down.sql": "ALTER TABLE users DROP COLUMN age;\n"}),
                   [("verify/down-not-inverse", "migrations/002_age.down.sql", 1, 1,
                     "column public.users.nickname survives the down"),
                    ("verify/up-not-repeatable", "migrations/002_age.up.sql", 2, 1,
                     'the up fails when applied again after its down: '
                     'column "nickname" of relation "users" already exists')])
        check_case(c, dict(base, **{"migrations/002_age.down.sql":
                                    "ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE users DROP COLUMN age;\n"}),
                   [])


def test_verify_down_fails():
    """A down PostgreSQL refuses: its message at the statement's position in the down file."""
    cl = cluster_module()
    with cl.Cluster() as c:
        base = {"migrations/001_users.up.sql": USERS, "migrations/002_age.up.sql": AGE_UP}
        check_case(c, dict(base, **{"migrations/002_age.down.sql":
                                    "ALTER TABLE users DROP COLUMN nickname;\n\nALTER TABLE users DROP COLUMN agee;\n"}),
                   [("verify/down-fails", "migrations/002_age.down.sql", 3, 1,
                     'the down fails after its up: column "agee" of relation "users" does not exist')])
        # A position inside the statement: the misspelt table name at line 2, column 14.
        check_case(c, dict(base, **{"migrations/002_age.down.sql":
                                    "ALTER TABLE users DROP COLUMN nickname;\nSELECT age FROM usrs;\n"}),
                   [("verify/down-fails", "migrations/002_age.down.sql", 2, 17,
                     'the down fails after its up: relation "usrs" does not exist')])


def test_verify_up_not_repeatable():
    """An up that fails after its own down (the down keeps a role it creates); fixed: quiet."""
    cl = cluster_module()
    with cl.Cluster() as c:
        up = {"migrations/001_users.up.sql": USERS,
              "migrations/002_reader.up.sql": "CREATE ROLE verify_reader;\nGRANT SELECT ON users TO verify_reader;\n"}
        check_case(c, dict(up, **{"migrations/002_reader.down.sql": "REVOKE SELECT ON users FROM verify_reader;\n"}),
                   [("verify/down-not-inverse", "migrations/002_reader.down.sql", 1, 1,
                     "role verify_reader survives the down"),
                    ("verify/up-not-repeatable", "migrations/002_reader.up.sql", 1, 1,
                     'the up fails when applied again after its down: role "verify_reader" already exists')])
        # The role the migrations created was dropped with the scratch database.
        assert c.psql("SELECT count(*) FROM pg_roles WHERE rolname = 'verify_reader'").strip() == "0"
        check_case(c, dict(up, **{"migrations/002_reader.down.sql":
                                  "REVOKE SELECT ON users FROM verify_reader;\nDROP ROLE verify_reader;\n"}), [])


def test_verify_up_fails_stops_the_set():
    """An up that fails is verify/up-fails with PostgreSQL's position; later migrations are not run."""
    cl = cluster_module()
    with cl.Cluster() as c:
        check_case(c, {"migrations/001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"
                                                      "INSERT INTO userz VALUES (1);\n",
                       "migrations/002_age.up.sql": "ALTER TABLE nothing ADD COLUMN age integer;\n"},
                   [("verify/up-fails", "migrations/001_users.up.sql", 2, 13,
                     'the up fails: relation "userz" does not exist')])


def test_verify_without_createdb_exits_2():
    """A role without CREATEDB: exit 2 with the reason, nothing created."""
    cl = cluster_module()
    with cl.Cluster() as c:
        c.psql("CREATE ROLE plain LOGIN")
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {"migrations/001_users.up.sql": USERS,
                           "migrations/001_users.down.sql": "DROP TABLE users;\n"})
            rc, out, err = run("verify", "--server", c.conninfo(user="plain"), os.path.join(d, "migrations"))
        assert rc == 2, (rc, out, err)
        assert "permission denied to create database" in err and "CREATEDB" in err, err
        assert scratch_databases(c) == []


def test_verify_never_prints_the_password():
    """A refused connection's message has the password masked."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"migrations/001_users.up.sql": USERS})
        rc, out, err = run("verify", "--server", "postgresql://u:Sup3rSecretPw@127.0.0.1:1/x?connect_timeout=2",
                           os.path.join(d, "migrations"))
    assert rc == 2, (rc, out, err)
    assert "Sup3rSecretPw" not in out + err, err
    assert "cannot connect" in err and "127.0.0.1" in err, err


def test_verify_declared_empty_down_and_whole_tables():
    """A down of comments only declares the up irreversible: not run, quiet.  A table the down leaves
    is one finding, not one per column, constraint or flag."""
    cl = cluster_module()
    with cl.Cluster() as c:
        check_case(c, {"migrations/001_users.up.sql": USERS,
                       "migrations/001_users.down.sql": "-- Down migrations are not available.\n",
                       "migrations/002_t.up.sql": "CREATE TABLE t (a int PRIMARY KEY, b int);\n"
                                                  "ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n",
                       "migrations/002_t.down.sql": "SELECT 1;\n"},
                   [("verify/down-not-inverse", "migrations/002_t.down.sql", 1, 1, "table public.t survives the down"),
                    ("verify/up-not-repeatable", "migrations/002_t.up.sql", 1, 1,
                     'the up fails when applied again after its down: relation "t" already exists')])


def test_verify_dbmate_and_sarif():
    """dbmate's one file: the down's findings at its marker line, its errors at their own line; SARIF output."""
    cl = cluster_module()
    text = ("-- migrate:up\nCREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\n\n"
            "-- migrate:down\nDROP INDEX t_a;\n")
    with cl.Cluster() as c:
        check_case(c, {"db/migrations/20240101000000_t.sql": text},
                   [("verify/down-not-inverse", "db/migrations/20240101000000_t.sql", 5, 1,
                     "table public.t survives the down"),
                    ("verify/up-not-repeatable", "db/migrations/20240101000000_t.sql", 2, 1,
                     'the up fails when applied again after its down: relation "t" already exists')],
                   root="db/migrations")
        check_case(c, {"db/migrations/20240101000000_t.sql": text + "DROP TABLE t;\n"}, [], root="db/migrations")
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {"db/migrations/20240101000000_t.sql": text})
            rc, out, err = run("verify", "--format", "sarif", "--server", c.conninfo(), os.path.join(d, "db", "migrations"))
        assert rc == 1, err
        results = json.loads(out)["runs"][0]["results"]
        assert sorted(r["ruleId"] for r in results) == ["verify/down-not-inverse", "verify/up-not-repeatable"], results
        assert scratch_databases(c) == []


def test_verify_concurrently_outside_a_transaction():
    """CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction block: such a file runs statement by
    statement, each committed; a down failing half-way stops the set (its state is no migration's)."""
    cl = cluster_module()
    with cl.Cluster() as c:
        up = {"migrations/001_users.up.sql": USERS, "migrations/001_users.down.sql": "DROP TABLE users;\n",
              "migrations/002_idx.up.sql": "CREATE INDEX CONCURRENTLY users_email ON users (email);\n"
                                           "ALTER TABLE users ADD COLUMN age integer;\n"}
        check_case(c, dict(up, **{"migrations/002_idx.down.sql":
                                  "ALTER TABLE users DROP COLUMN age;\nDROP INDEX CONCURRENTLY users_email;\n"}), [])
        check_case(c, dict(up, **{"migrations/002_idx.down.sql":
                                  "DROP INDEX CONCURRENTLY users_email;\nALTER TABLE users DROP COLUMN agee;\n",
                                  "migrations/003_t.up.sql": "CREATE TABLE t (a int);\n",
                                  "migrations/003_t.down.sql": "SELECT 1;\n"}),
                   [("verify/down-fails", "migrations/002_idx.down.sql", 2, 1,
                     'the down fails after its up: column "agee" of relation "users" does not exist')])


def test_verify_interrupted_drops_its_database():
    """SIGINT while a migration runs: it finishes, the scratch database is dropped, exit 2 with why."""
    cl = cluster_module()
    with cl.Cluster() as c, tempfile.TemporaryDirectory() as d:
        write_tree(d, {"migrations/001_users.up.sql": USERS + "SELECT pg_sleep(3);\n",
                       "migrations/001_users.down.sql": "DROP TABLE users;\n",
                       "migrations/002_age.up.sql": AGE_UP})
        p = subprocess.Popen([ARGS.bin, "verify", "--server", c.conninfo(), os.path.join(d, "migrations")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(100):
            if scratch_databases(c):
                break
            time.sleep(0.05)
        assert scratch_databases(c), "no scratch database appeared"
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 2 and "interrupted" in err, (p.returncode, out, err)
        assert scratch_databases(c) == []
