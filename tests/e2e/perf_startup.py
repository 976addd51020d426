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


CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"   # what Debian's libgit2 (mbedTLS) is built to trust


def opened_files(args, cwd, trace="open,openat"):
    """Run pgrampart under strace -e trace=TRACE (default: the files it opens; "%file": every path it
    opens, looks up or lists); return (exit code, stdout, those paths)."""
    if shutil.which("strace") is None:
        print("strace not installed (./setup.sh installs it); skipping")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as t:
        log = os.path.join(t, "trace")
        p = subprocess.run(["strace", "-f", "-qq", "-e", "trace=" + trace, "-o", log, e2e.ARGS.bin, *args],
                           cwd=cwd, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
        with open(log) as f:
            paths = [line.split('"')[1] for line in f if '"' in line]
    return p.returncode, p.stdout, paths


def test_staged_check_reads_no_ca_certificates():
    """check --staged starts libgit2 (it reads the index: the staged migration's finding is reported at its
    position, and the repository's index file is opened) without reading the CA bundle, which libgit2's
    mbedTLS start-up parsed for TLS transports pgrampart never uses."""
    if not os.path.exists(CA_BUNDLE):
        print(f"{CA_BUNDLE} absent: nothing libgit2 would parse; skipping")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, {"db/migrations/001_a.sql": "CREATE TABLE a (id int);\n"})
        write_tree(d, {"db/migrations/002_b.sql": "CREATE TABLE b (id int, tenant_id uuid);\n"
                                                  "ALTER TABLE b ENABLE ROW LEVEL SECURITY;\n"})
        git(d, "add", "-A")
        rc, out, paths = opened_files(["check", "--staged", "--format", "json"], d)
        assert rc == 0, out
        found = [(f["rule"], f["path"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
        assert found == [("rls/rls-without-policy", "db/migrations/002_b.sql", 2, 1)], found
        assert any(p.endswith(".git/index") for p in paths), paths
        assert CA_BUNDLE not in paths, [p for p in paths if "ssl" in p]


def in_some_repository(path):
    """Whether path or one of its parents has a .git or a HEAD entry (where git could find a repository)."""
    path = os.path.realpath(path)
    while True:
        if os.path.lexists(os.path.join(path, ".git")) or os.path.lexists(os.path.join(path, "HEAD")):
            return True
        if path == os.path.dirname(path):
            return False
        path = os.path.dirname(path)


def test_check_outside_a_repository_does_not_start_libgit2():
    """check of a migration outside any repository never starts libgit2 (strace: the CA bundle its start-up
    looks at is not even looked up), and reports the same finding; the same tree made a repository does
    start it and reports the same finding.  A file named HEAD in the tree (a git directory's mark) is
    enough to start libgit2 again, as libgit2's own discovery would look there."""
    if not os.path.exists(CA_BUNDLE):
        print(f"{CA_BUNDLE} absent: libgit2's start-up is not observable this way; skipping")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d:
        if in_some_repository(d):
            print(f"{d} is inside a repository; skipping")
            sys.exit(77)
        write_tree(d, ONE_MIGRATION)
        want = [("rls/rls-without-policy", "db/migrations/001_a.sql", 2, 1)]
        for repo in (False, True):
            if repo:
                git(d, "init", "-q")
            rc, out, paths = opened_files(["check", "--format", "json", "db/migrations/001_a.sql"], d, "%file")
            assert rc == 0, out
            found = [(f["rule"], f["path"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
            assert found == want, (repo, found)
            assert (CA_BUNDLE in paths) == repo, (repo, [p for p in paths if "ssl" in p or ".git" in p])
        shutil.rmtree(os.path.join(d, ".git"))
        write_tree(d, {"HEAD": "ref: refs/heads/main\n"})
        rc, out, paths = opened_files(["check", "--format", "json", "db/migrations/001_a.sql"], d, "%file")
        assert rc == 0, out
        assert CA_BUNDLE in paths, [p for p in paths if "HEAD" in p]
