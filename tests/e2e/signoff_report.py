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


def controls_of_pack():
    """The control ids of rules/checklist.yml, in order (read as text: the test needs no YAML module)."""
    with open(os.path.join(ARGS.source, "rules", "checklist.yml")) as f:
        return re.findall(r"^    - id: (\S+)$", f.read(), re.M)


def checklist_rows(md):
    """The checklist table of a Markdown report: [(title, status, count, reason)]."""
    part = md.split("## Checklist", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in part.splitlines():
        if line.startswith("| ") and not line.startswith("| control"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) == 4, line      # a value never adds a cell
            rows.append(tuple(c.strip() for c in cells))
    return rows


def test_report_checklist_check_markdown():
    """check --format markdown on the samples: header, verdict, every control with its status and count,
    the drift control skipped with its reason, findings grouped with their rule's docs link; a team's own
    control from its rule pack, a passing one."""
    rc, md, err = run("check", "--format", "markdown", "samples", cwd=ARGS.source)
    assert rc == 1, err
    assert md.startswith("# pgrampart sign-off report: ") and "## Verdict: FAIL" in md, md[:500]
    rows = checklist_rows(md)
    assert len(rows) == len(controls_of_pack()) == 11, rows
    by_title = {r[0]: r for r in rows}
    assert by_title["RLS enabled on every table"][1:3] == ("fail", "4"), rows
    assert by_title["No hardcoded secrets"][1:3] == ("fail", "11"), rows
    assert by_title["Rollback procedures prepared"][1:3] == ("fail", "3"), rows
    drift = by_title["Schema matches the migrations"]
    assert drift[1] == "skipped" and "not applicable to check" in drift[3], drift
    assert "### rls: error" in md and "(https://github.com/pgrampart/pgrampart/blob/main/docs/rules.md#rlstable-without-rls)" in md
    assert "| Paths checked | samples |" in md and "Reproduce with" in md, md[-400:]
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {
            "pack.yml": "report:\n  checklist:\n"
                        "    - id: our-extensions\n      title: Extensions outside public\n"
                        "      rules: [\"extensions/*\"]\n"
                        "    - id: our-rls\n      title: Our RLS rule\n      rules: [rls/table-without-rls]\n",
            ".pgrampart.yml": "rule_packs: [pack.yml]\n",
            "migrations/001.sql": "CREATE TABLE t (id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
                                  "CREATE POLICY p ON t USING (id = 1);\nCREATE SCHEMA s;\nCREATE TABLE s.u (id int);\n"
                                  "ALTER TABLE s.u ENABLE ROW LEVEL SECURITY;\n"})
        rc, md, err = run("check", "--config", os.path.join(d, ".pgrampart.yml"), "--format", "markdown",
                          "migrations", cwd=d)
        assert rc in (0, 1), err
        rows = {r[0]: r for r in checklist_rows(md)}
        assert rows["Extensions outside public"][1:3] == ("pass", "0"), rows
        assert rows["Our RLS rule"][1] in ("pass", "fail"), rows
        # Without the team's settings: policy, its control says so.
        assert "no settings: policy" in rows["Server settings match the team's policy"][3], rows


def audit_report(c, user, fmt, *extra):
    ci = c.conninfo(user=user) + f" password={CONN_PW}"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "report." + fmt)
        rc, out, err = run("audit", "--format", fmt, "--output", path, *extra, ci)
        assert rc in (0, 1) and out == "", (rc, err)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    no_secret(text + err)
    return text


HOSTILE = ["<script>alert(1)</script>", "a\x1b[2Jb|c\nd"]


def hostile_tables(c):
    c.psql("".join(f'CREATE TABLE "{t}" (id int);' for t in HOSTILE))


def test_report_audit_markdown():
    """audit --format markdown as superuser and as a least-privileged role: header facts are the server's,
    every control has a status, skipped checks carry their reason, no secret, hostile names stay in their cell."""
    with samples_cluster() as c:
        if c is None:
            print("PostgreSQL not installed; skipping")
            sys.exit(77)
        c.psql("CREATE ROLE auditor LOGIN")
        hostile_tables(c)
        migrations = os.path.join(ARGS.source, "samples", "migrations")
        for user in ("postgres", "auditor"):
            version, current = server_facts(c, user)
            md = audit_report(c, user, "markdown", "--migrations", migrations)
            assert f"| Server version | {version} |" in md and f"| Audited as | {current} (" in md, md[:800]
            assert f"| Port | {c.port} |" in md and "| SSL in use | no |" in md and "| Database | postgres |" in md
            assert "password=\\*\\*\\*\\*" in md, md[:800]
            rows = {r[0]: r for r in checklist_rows(md)}
            assert len(rows) == 11 and all(r[1] in ("pass", "fail", "skipped") for r in rows.values()), rows
            assert all(r[3] for r in rows.values() if r[1] == "skipped"), rows
            assert all(r[3] == "" for r in rows.values() if r[1] != "skipped"), rows
            assert rows["Schema matches the migrations"][1] == "pass", rows
            assert "not applicable to audit" in rows["No hardcoded secrets"][3], rows
            trust = rows["No trust/md5 authentication"]
            if user == "auditor":
                assert trust[1] == "skipped" and "needs superuser" in trust[3], trust
                assert "## Skipped checks\n\n- pg\\_hba.conf rules" in md, md
            else:
                assert trust[1] != "skipped", trust
                assert "None: every check ran." in md
            # Attacker-chosen names: no raw markup, no raw control character, no extra table cell.
            assert "<script>" not in md and "\x1b" not in md, md
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "a&#x241B;\\[2Jb\\|c&#x240A;d" in md
            assert "## Drift against the migrations\n\nNone: the database matches the migrations." in md
        md = audit_report(c, "postgres", "markdown")
        rows = {r[0]: r for r in checklist_rows(md)}
        assert "needs --migrations" in rows["Schema matches the migrations"][3], rows
        assert "Not checked: run with `--migrations PATH`." in md


def test_report_audit_html():
    """audit --format html: one self-contained page (no script, no external asset, print CSS for A4), the
    checklist table, an anchor per finding (its fingerprint, the same as SARIF's), every name escaped."""
    with samples_cluster() as c:
        if c is None:
            print("PostgreSQL not installed; skipping")
            sys.exit(77)
        hostile_tables(c)
        page = audit_report(c, "postgres", "html")
        rc, out, err = run("audit", "--format", "sarif", c.conninfo())
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>"), page[:200]
    assert "<script" not in page.lower() and "\x1b" not in page, "script or control character in the page"
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//(?!github\.com/pgrampart)""", page), "external asset"
    assert "@page { size: A4" in page and "@media print" in page and "<link" not in page
    assert page.count('<tr id="control-') == 11, page
    fps = [r["partialFingerprints"]["pgrampart/v1"] for r in json.loads(out)["runs"][0]["results"]
           if r["ruleId"] != "core/check-skipped"]
    for fp in fps:
        assert f'id="f-{fp}"' in page, fp
    assert "db:public.&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a&#x241B;[2Jb|c&#x240A;d" in page
