"""Issue 15, pre-commit latency: what a `check` of one SQL file starts.  The binary does not link libpq
(it is loaded with dlopen by audit and by the first connection string to parse), and libgit2's start-up
does not read the system's CA certificates (only TLS transports use them, and pgrampart never fetches).
Not timed (house rule): each test asserts what is loaded or read, which the figures of
bench/precommit_latency.py follow from."""
from e2e import *  # noqa: F401,F403
import e2e
import os
import shutil
import subprocess
import tempfile

ONE_MIGRATION = {"db/migrations/001_a.sql": "CREATE TABLE a (id int, tenant_id uuid);\n"
                                            "ALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"}
# A connection string in a file: ssl/missing-sslmode parses it with libpq's PQconninfoParse.
CONNINFO_ENV = {".env.production": "DATABASE_URL=postgres://app@db.example.com:5432/app\n"}


def needed(path):
    """The DT_NEEDED entries of an ELF file (readelf -d)."""
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line]


def loaded_libraries(*args, cwd=None):
    """Run pgrampart under LD_DEBUG=libs; return (exit code, stdout, the set of the base names of the
    shared objects whose initialisers ran: every library loaded, at start-up or by dlopen)."""
    rc, out, err = run(*args, cwd=cwd, env={"LD_DEBUG": "libs"})
    libs = set()
    for line in err.splitlines():
        if "calling init:" in line:
            libs.add(os.path.basename(line.split("calling init:", 1)[1].strip()))
    return rc, out, libs


def has_libpq(libs):
    return any(name.startswith("libpq.so") for name in libs)


def test_binary_does_not_link_libpq():
    """readelf: libpq is not among the binary's NEEDED libraries (it was, and with it about twenty
    libraries of TLS, Kerberos and LDAP), while libpg_query and libgit2 still are."""
    libs = needed(e2e.ARGS.bin)
    assert not [n for n in libs if n.startswith("libpq.so")], libs
    assert any(n.startswith("libpg_query.so") for n in libs), libs
    assert any(n.startswith("libgit2") for n in libs), libs


def test_libpq_loaded_only_for_a_conninfo_or_audit():
    """A check of one migration runs to its findings without loading libpq (LD_DEBUG=libs); the same
    check in a tree with a connection string in a .env file loads it (the rule parses the string with
    libpq) and still reports ssl/missing-sslmode at its position; audit loads it and, with no server
    listening, fails as before (exit 2, libpq's connection error)."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, ONE_MIGRATION)
        rc, out, libs = loaded_libraries("check", "--format", "json", "db/migrations/001_a.sql", cwd=d)
        assert rc == 0, out
        found = [(f["rule"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
        assert found == [("rls/rls-without-policy", 2, 1)], found
        assert any(n.startswith("libpg_query.so") for n in libs), sorted(libs)
        assert not has_libpq(libs), sorted(libs)
        write_tree(d, CONNINFO_ENV)
        rc, out, libs = loaded_libraries("check", "--format", "json", ".", cwd=d)
        assert rc == 1, out
        found = [(f["rule"], f["path"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
        assert ("ssl/missing-sslmode", ".env.production", 1, 14) in found, found
        assert has_libpq(libs), sorted(libs)
        conninfo = f"host={d} port=1 dbname=none connect_timeout=2"
        rc, out, libs = loaded_libraries("audit", conninfo)
        assert rc == 2, out
        assert has_libpq(libs), sorted(libs)
        rc, _, err = run("audit", conninfo)
        assert rc == 2 and "No such file or directory" in err, err
