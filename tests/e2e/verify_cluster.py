"""End-to-end tests: pgrampart verify PATH without --server starts, uses and removes a throwaway cluster
of its own (issue 18, second slice)."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401
import pwd
import signal

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
AGE_UP = "ALTER TABLE users ADD COLUMN age integer;\nALTER TABLE users ADD COLUMN nickname text;\n"
BASE = {"migrations/001_users.up.sql": USERS, "migrations/001_users.down.sql": "DROP TABLE users;\n",
        "migrations/002_age.up.sql": AGE_UP}


def got(findings, root):
    return sorted((f["rule"], os.path.relpath(f["path"], root), f["line"], f["column"], f["message"])
                  for f in findings)


def servers_under(tmp):
    """Processes whose command line names tmp (the cluster's directory is there)."""
    p = subprocess.run(["pgrep", "-f", tmp], capture_output=True, text=True)
    return p.stdout.split()


def verify_own(files, *extra, root="migrations"):
    """verify --format json on a temporary tree of files with no --server, TMPDIR a private directory;
    returns (exit code, findings relative to the tree, stderr).  Asserts nothing is left in TMPDIR and no
    process runs there."""
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # the server's user (root: postgres) must reach its directory
        write_tree(d, files)
        rc, out, err = run("verify", "--format", "json", *extra, os.path.join(d, root), env={"TMPDIR": tmp})
        assert os.listdir(tmp) == [], os.listdir(tmp)
        assert servers_under(tmp) == [], servers_under(tmp)
        findings = got(json.loads(out)["findings"], d) if rc in (0, 1) else None
        return rc, findings, err


def test_verify_own_cluster_incomplete_down():
    """No --server: a down that forgets a column is found on the throwaway cluster at the down's 1:1; the
    fixed down is quiet; the temporary directory and the server are gone afterwards."""
    rc, findings, err = verify_own(dict(BASE, **{"migrations/002_age.down.sql":
                                                 "ALTER TABLE users DROP COLUMN age;\n"}))
    assert rc == 1, err
    assert findings == [("verify/down-not-inverse", "migrations/002_age.down.sql", 1, 1,
                         "column public.users.nickname survives the down"),
                        ("verify/up-not-repeatable", "migrations/002_age.up.sql", 2, 1,
                         'the up fails when applied again after its down: '
                         'column "nickname" of relation "users" already exists')], findings
    rc, findings, err = verify_own(dict(BASE, **{"migrations/002_age.down.sql":
                                                 "ALTER TABLE users DROP COLUMN nickname;\n"
                                                 "ALTER TABLE users DROP COLUMN age;\n"}))
    assert (rc, findings) == (0, []), (rc, findings, err)


def os_user_of_server(*extra):
    """The operating-system user the throwaway server ran as: a migration has the server write `id -un`
    to a file (COPY TO PROGRAM: verify's role is the cluster's superuser).  Checks on the way that the
    server listens on no TCP address, its socket in its private directory under TMPDIR only."""
    with tempfile.TemporaryDirectory() as out:
        os.chmod(out, 0o777)
        who, where = os.path.join(out, "who"), os.path.join(out, "where")
        files = {"migrations/001_who.up.sql":
                 f"COPY (SELECT 1) TO PROGRAM 'id -un > {who}';\n"
                 f"COPY (SELECT current_setting('listen_addresses') || '|' || "
                 f"current_setting('unix_socket_directories')) TO '{where}';\n"}
        rc, findings, err = verify_own(files, *extra)
        assert (rc, findings) == (0, []), (rc, findings, err)
        with open(where) as f:
            listen, sockets = f.read().strip().split("|")
        assert listen == "" and re.fullmatch(r"/tmp/tmp\w+/pgrampart-verify-\w{6}", sockets), (listen, sockets)
        with open(who) as f:
            return f.read().strip()


def test_verify_own_cluster_as_root_runs_the_server_unprivileged():
    """As root (this machine and CI containers), the throwaway server runs as postgres, or as the user of
    --server-user; root itself, an unknown user, and --server-user with --server are refused (exit 2)."""
    if os.geteuid() != 0:
        assert os_user_of_server() == pwd.getpwuid(os.geteuid()).pw_name
        return
    assert os_user_of_server() == "postgres"
    assert os_user_of_server("--server-user", "nobody") == "nobody"
    for extra, says in ((("--server-user", "root"), "--server-user root is not an unprivileged user"),
                        (("--server-user", "no_such_user_pgr"), "--server-user no_such_user_pgr is not"),
                        (("--server-user", "postgres", "--server", "host=/nonexistent"),
                         "--server-user is the throwaway cluster's")):
        rc, findings, err = verify_own(BASE, *extra)
        assert rc == 2 and says in err, (extra, rc, err)


def test_verify_extension_unavailable_skips_the_rest():
    """An up creating an extension the server lacks: verify/extension-unavailable (a warning) at that
    CREATE EXTENSION, the migrations before it verified, the rest of the set skipped (the broken down of
    004 not reported), exit 0 when nothing else is wrong; an available extension (pgcrypto, contrib) runs
    and the rest of the set is verified."""
    def files(ext, down2="ALTER TABLE users DROP COLUMN agee;\n"):
        return dict(BASE, **{"migrations/002_age.down.sql": down2,
                             "migrations/003_ext.up.sql": f"CREATE TABLE geo (id int);\n\n"
                                                          f"  CREATE EXTENSION IF NOT EXISTS {ext};\n",
                             "migrations/003_ext.down.sql": f"DROP EXTENSION {ext};\nDROP TABLE geo;\n",
                             "migrations/004_more.up.sql": "CREATE TABLE more (id int);\n",
                             "migrations/004_more.down.sql": "SELECT 1;\n"})
    earlier = [("verify/down-fails", "migrations/002_age.down.sql", 1, 1,
                'the down fails after its up: column "agee" of relation "users" does not exist')]
    skipped = [("verify/extension-unavailable", "migrations/003_ext.up.sql", 3, 3,
                'extension "no_such_ext_pgr" is not available on the server (pg_available_extensions): '
                "this migration and the rest of its set are not verified")]
    rc, findings, err = verify_own(files("no_such_ext_pgr"))
    assert (rc, findings) == (1, sorted(earlier + skipped)), (rc, findings, err)
    fixed = "ALTER TABLE users DROP COLUMN nickname, DROP COLUMN age;\n"
    rc, findings, err = verify_own(files("no_such_ext_pgr", fixed))
    assert (rc, findings) == (0, skipped), (rc, findings, err)
    rc, findings, err = verify_own(files("no_such_ext_pgr", fixed), "--fail-on", "warning")
    assert (rc, findings) == (1, skipped), (rc, findings, err)
    # Available: no finding at 003, and 004's down that keeps its table is found.
    rc, findings, err = verify_own(files("pgcrypto"))
    assert (rc, findings) == (1, sorted(earlier + [
        ("verify/down-not-inverse", "migrations/004_more.down.sql", 1, 1, "table public.more survives the down"),
        ("verify/up-not-repeatable", "migrations/004_more.up.sql", 1, 1,
         'the up fails when applied again after its down: relation "more" already exists')])), (rc, findings, err)


def test_readme_demo_verifies_the_samples():
    """The README's first command runs `./build/pgrampart verify samples/` (no --server) and says what it
    does; on the samples it finds exactly the rollback of 011 that cannot run and what the tenant and role
    probes catch (tests/e2e/verify_probes.py: test_verify_samples_probes), and leaves nothing behind."""
    with open(os.path.join(ARGS.source, "README.md")) as f:
        readme = f.read()
    first = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()[0]
    assert first.startswith("./setup.sh && { ./build/pgrampart check samples/; ./build/pgrampart verify samples/; "), first
    assert "the rollback of 011 fails" in readme.split("## What it checks")[0]
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        rc, out, err = run("verify", "--format", "json", "samples/", cwd=ARGS.source, env={"TMPDIR": tmp})
        assert os.listdir(tmp) == [] and servers_under(tmp) == []
    assert rc == 1, err
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in json.loads(out)["findings"]] == [
        ("verify/role-can", "samples/.pgrampart.yml", 14, 14),
        ("verify/role-can", "samples/.pgrampart.yml", 14, 45),
        ("verify/role-can", "samples/migrations/006_roles_and_grants.sql", 16, 1),
        ("verify/tenant-leak", "samples/migrations/008_admin_features.sql", 23, 1),
        ("verify/no-context-sees-rows", "samples/migrations/008_admin_features.sql", 31, 1),
        ("verify/tenant-leak", "samples/migrations/008_admin_features.sql", 31, 1),
        ("verify/down-fails", "samples/migrations/rollback/011_sessions.sql", 4, 1)], out


def start_and_wait_for_backend(files, d, tmp, sleep_marker="pg_sleep"):
    """Start verify (no --server) on files below d with TMPDIR tmp; return the process once its session
    runs a migration's pg_sleep (the backend's title names the scratch database)."""
    write_tree(d, files)
    p = subprocess.Popen([ARGS.bin, "verify", os.path.join(d, "migrations")], env=dict(os.environ, TMPDIR=tmp),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        if subprocess.run(["pgrep", "-f", f"pgrampart_verify_{p.pid}_"], capture_output=True).returncode == 0:
            return p
        time.sleep(0.05)
    p.kill()
    raise AssertionError("no session of the scratch database appeared: " + p.communicate()[1])


def test_verify_own_cluster_interrupted_or_killed_leaves_no_server():
    """SIGINT while a migration runs on the throwaway cluster: exit 2 saying interrupted, the directory
    removed, no process left; SIGKILL (no clean-up possible): the server still stops with it (parent-death
    signal), only the directory remains."""
    files = {"migrations/001_users.up.sql": USERS + "SELECT pg_sleep(3);\n",
             "migrations/001_users.down.sql": "DROP TABLE users;\n", "migrations/002_age.up.sql": AGE_UP}
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        p = start_and_wait_for_backend(files, d, tmp)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 2 and "interrupted" in err, (p.returncode, out, err)
        assert os.listdir(tmp) == [] and servers_under(tmp) == [], (os.listdir(tmp), servers_under(tmp))
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        p = start_and_wait_for_backend(files, d, tmp)
        p.kill()
        p.communicate(timeout=60)
        for _ in range(200):
            if servers_under(tmp) == []:
                break
            time.sleep(0.05)
        assert servers_under(tmp) == [], servers_under(tmp)
        assert [n for n in os.listdir(tmp) if n.startswith("pgrampart-verify-")] != []


def test_verify_own_cluster_start_failure_says_why_and_leaves_nothing():
    """As root with a TMPDIR the server's user cannot enter, initdb fails: exit 2 with initdb's own last
    words and the user, no finding, and the directory verify made is removed."""
    if os.geteuid() != 0:
        return
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o700)
        write_tree(d, BASE)
        rc, out, err = run("verify", os.path.join(d, "migrations"), env={"TMPDIR": tmp})
        assert rc == 2 and out == "", (rc, out, err)
        assert re.fullmatch(r'pgrampart: verify: initdb failed \(/\S+/initdb as user postgres\): .*initdb: error: '
                            r'could not access directory "/tmp/tmp\w+/pgrampart-verify-\w{6}/data": Permission denied\n',
                            err, re.S), err
        assert os.listdir(tmp) == [] and servers_under(tmp) == []


def test_verify_signoff_report_has_verified_section():
    """verify --format markdown (html alike) is the sign-off report with a "Verified" section: the
    controls verify decides on a server (rollbacks tested, tenant isolation, role policies) and none of
    check's or audit's; on the samples all three fail (the rollback of 011; 008's leaking policies;
    app_web's TRUNCATE and DROP); a clean set passes the rollbacks, and the role control is not
    applicable without a grants: policy.  check's report does not list verify's controls."""
    def verified(args, cwd):
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            rc, out, err = run("verify", "--format", "markdown", *args, cwd=cwd, env={"TMPDIR": tmp})
        assert rc in (0, 1), err
        section = out.split("## Verified\n", 1)[1].split("\n## ", 1)[0]
        return [tuple(c.strip() for c in line.strip("|").split("|")) for line in section.splitlines()
                if line.startswith("| ") and not line.startswith("| control")]
    assert verified(["samples/"], ARGS.source) == [
        ("Migration rollback procedures tested", "fail", "1", ""),
        ("Tenant isolation tested (two tenants, and no tenant context)", "fail", "3", ""),
        ("Roles cannot do what their policy denies", "fail", "3", "")]
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, dict(BASE, **{"migrations/002_age.down.sql": "ALTER TABLE users DROP COLUMN nickname;\n"
                                                                  "ALTER TABLE users DROP COLUMN age;\n"}))
        assert verified(["migrations"], d) == [
            ("Migration rollback procedures tested", "pass", "0", ""),
            ("Tenant isolation tested (two tenants, and no tenant context)", "pass", "0", ""),
            ("Roles cannot do what their policy denies", "skipped", "0",
             "not applicable: no grants: policy in .pgrampart.yml")]
    rc, out, err = run("check", "--format", "markdown", "samples/", cwd=ARGS.source)
    checklist = out.split("## Checklist\n", 1)[1].split("\n## ", 1)[0]
    assert "Rollback procedures prepared" in checklist and "tested" not in checklist, checklist
