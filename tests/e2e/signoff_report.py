"""End-to-end tests: the sign-off report (issue 16) — the run's context in JSON and SARIF, --output, the
checklist, the Markdown and HTML reports of audit and check."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

CONN_PW = "conn-pw-77x"
SECRETS = ["pw-one", "pw-two", CONN_PW]


def server_facts(c, user="postgres"):
    out = c.psql("SHOW server_version; SELECT current_user;", user=user).split("\n")
    return out[0].strip(), out[1].strip()


def no_secret(text):
    for s in SECRETS:
        assert s not in text, (s, text[:3000])


def test_report_context_check_json_and_output():
    """check: JSON context names the repository, HEAD and branch; --output writes the file, - is stdout."""
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, {"migrations/001.sql": "CREATE TABLE t (id int);\n"})
        head = subprocess.run(["git", "-C", d, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        out_file = os.path.join(d, "r.json")
        rc, out, err = run("check", "--format", "json", "--output", out_file, "migrations", cwd=d)
        assert rc in (0, 1) and out == "", (rc, out, err)
        with open(out_file) as f:
            doc = json.load(f)
        ctx = doc["context"]
        assert ctx["command"] == "check" and ctx["repository"] == os.path.realpath(d), ctx
        assert ctx["commit"] == head and ctx["branch"] == "main" and ctx["paths"] == "migrations", ctx
        assert ctx["plugin_abi"] == 5 and ctx["libpg_query_version"] and ctx["pgrampart_version"], ctx
        assert ctx["start_time"].endswith("Z") and ctx["duration_ms"] >= 0, ctx
        rc, out, err = run("check", "--format", "json", "--output", "-", "migrations", cwd=d)
        assert json.loads(out)["context"]["command_line"] == \
            "pgrampart check --format json --output - migrations", out
        # A file that cannot be written is the tool failing, said plainly.
        rc, out, err = run("check", "--output", os.path.join(d, "no", "such", "dir"), "migrations", cwd=d)
        assert rc == 2 and "--output" in err, (rc, err)
    # Outside a repository the context has no commit.
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"a.sql": "SELECT 1;\n"})
        rc, doc = check_json("a.sql", cwd=d)
        assert "commit" not in doc["context"] and doc["context"]["paths"] == "a.sql", doc["context"]


def test_report_context_audit():
    """audit as superuser and as a least-privileged role: the context equals the server's facts, the
    conninfo and command line mask the password, the query count does not change."""
    with samples_cluster() as c:
        if c is None:
            print("PostgreSQL not installed; skipping")
            sys.exit(77)
        c.psql("CREATE ROLE auditor LOGIN")
        for user in ("postgres", "auditor"):
            _, base_queries = audit(c, conninfo=c.conninfo(user=user))
            version, current = server_facts(c, user)
            ci = c.conninfo(user=user) + f" password={CONN_PW}"
            rc, out, err = run("audit", "--format", "json", ci, env={"PGRAMPART_REPORT_QUERIES": "1"})
            assert rc in (0, 1), err
            no_secret(out + err)
            assert int(re.search(r"pgrampart: (\d+) queries", err).group(1)) == base_queries, err
            ctx = json.loads(out)["context"]
            assert ctx["server_version"] == version and ctx["role"] == current == user, (ctx, version)
            assert ctx["database"] == "postgres" and ctx["port"] == str(c.port) and ctx["host"] == c.dir, ctx
            assert ctx["ssl"] is False and "password=****" in ctx["conninfo"], ctx
            assert ("superuser" in ctx["role_attributes"]) == (user == "postgres"), ctx
            assert "login" in ctx["role_attributes"], ctx
            assert "password=****" in ctx["command_line"] and ctx["command_line"].startswith("pgrampart audit"), ctx
        # SARIF: invocations and run.properties, valid for Microsoft's validator when it is installed.
        rc, out, err = run("audit", "--format", "sarif", c.conninfo() + f" password={CONN_PW}")
        no_secret(out)
        run_ = json.loads(out)["runs"][0]
        inv = run_["invocations"][0]
        assert inv["executionSuccessful"] is True and inv["startTimeUtc"] <= inv["endTimeUtc"], inv
        assert "password=****" in inv["commandLine"], inv
        assert run_["properties"]["server_version"] == server_facts(c)[0], run_["properties"]
    tool = os.path.join(ARGS.source, ".tools", "node_modules", "@microsoft", "sarif-multitool-linux",
                        "Sarif.Multitool")
    if os.access(tool, os.X_OK):
        assert validate_sarif(tool, out) == [], validate_sarif(tool, out)
    else:
        print("SARIF validator not installed; schema validation skipped")
