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
    assert_valid_sarif_if_validator(out)


def controls_of_pack():
    """The control ids of rules/checklist.yml, in order, but verify's (applies_to: [verify]: only
    verify's report lists them), read as text: the test needs no YAML module."""
    with open(os.path.join(ARGS.source, "rules", "checklist.yml")) as f:
        controls = re.split(r"^    - id: ", f.read(), flags=re.M)[1:]
    return [c.split("\n", 1)[0] for c in controls if "applies_to: [verify]" not in c]


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
                        "    - id: our-rls\n      title: Our RLS rule\n      rules: [rls/table-without-rls]\n"
                        "    - id: rollback\n      title: Our rollback review\n      rules: [rollback/missing-down]\n",
            ".pgrampart.yml": "rule_packs: [pack.yml]\n",
            "migrations/001.sql": "CREATE TABLE t (id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
                                  "CREATE POLICY p ON t USING (id = 1);\nCREATE SCHEMA s;\nCREATE TABLE s.u (id int);\n"
                                  "ALTER TABLE s.u ENABLE ROW LEVEL SECURITY;\n"})
        rc, md, err = run("check", "--config", os.path.join(d, ".pgrampart.yml"), "--format", "markdown",
                          "migrations", cwd=d)
        assert rc in (0, 1), err
        rows = {r[0]: r for r in checklist_rows(md)}
        assert len(rows) == 13, rows      # the shipped 11, two added, one replaced by id
        assert "Our rollback review" in rows and "Rollback procedures prepared" not in rows, rows
        assert rows["Extensions outside public"][1:3] == ("pass", "0"), rows
        assert rows["Our RLS rule"][1] in ("pass", "fail"), rows
        # Without the team's settings: policy, its control says so.
        assert "no settings: policy" in rows["Server settings match the team's policy"][3], rows
        # A control that examined nothing is skipped, not passed: no server configuration here.
        logging = rows["log_statement = ddl, log\\_connections on".replace("log_statement", "log\\_statement")]
        assert logging[1:] == ("skipped", "0", "skipped: no server configuration (postgresql.conf, or one in a "
                               "chart or compose file) was checked"), logging
        assert "| Inputs read | sql |" in md, md[:800]
    for conf, want in (("log_statement = 'ddl'\nlog_connections = on\nlog_disconnections = on\n", ("pass", "0")),
                       ("log_statement = 'none'\n", ("fail", "1"))):
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {"postgresql.conf": conf})
            rc, md, err = run("check", "--format", "markdown", ".", cwd=d)
            rows = {r[0]: r for r in checklist_rows(md)}
            assert rows["log\\_statement = ddl, log\\_connections on"][1:3] == want, rows
            assert rows["RLS enabled on every table"][1:] == (
                "skipped", "0", "skipped: no SQL (migrations, schema files) was checked"), rows
            rc, doc = check_json(".", cwd=d)
            assert doc["context"]["inputs"] == "pgconf", doc["context"]
            # The verdict is the exit status's: a warning passes at --fail-on error, fails at warning.
            for fail_on, verdict, status in (("error", "PASS", 0), ("warning", "FAIL", 1)):
                rc, md, err = run("check", "--format", "markdown", "--fail-on", fail_on, ".", cwd=d)
                assert rc == (0 if want[0] == "pass" else status), (rc, err)
                assert f"## Verdict: {verdict if want[0] == 'fail' else 'PASS'}\n" in md, md
                assert f"verdict at `--fail-on {fail_on}`" in md, md


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


def png_pixels(path):
    """(width, height, rows of RGB(A) tuples) of a non-interlaced 8-bit RGB or RGBA PNG, with zlib only."""
    import struct
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, ihdr
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), width * bpp, bytearray(width * bpp), [], 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def demo_report(c, path):
    """The README demo's report: the samples with RLS disabled by hand on messages, drift against the migrations."""
    c.psql("ALTER TABLE messages DISABLE ROW LEVEL SECURITY")
    rc, out, err = run("audit", "--config", os.path.join(ARGS.source, "samples", ".pgrampart.yml"),
                       "--migrations", os.path.join(ARGS.source, "samples", "migrations"),
                       "--format", "html", "--output", path, c.conninfo())
    assert rc == 1 and out == "", (rc, err)


def test_report_html_in_chromium():
    """The HTML report rendered by headless Chromium without JavaScript: the DOM has the checklist table and
    every finding's anchor; the screenshot is not blank.  PGRAMPART_UPDATE_SCREENSHOT=1 records it as
    docs/signoff.png (the README shows it)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not installed (./setup.sh installs Debian's chromium); skipping")
        sys.exit(77)
    with samples_cluster() as c, tempfile.TemporaryDirectory() as d:
        if c is None:
            print("PostgreSQL not installed; skipping")
            sys.exit(77)
        page = os.path.join(d, "audit-report.html")
        demo_report(c, page)
        rc, out, err = run("audit", "--config", os.path.join(ARGS.source, "samples", ".pgrampart.yml"),
                           "--migrations", os.path.join(ARGS.source, "samples", "migrations"),
                           "--format", "sarif", c.conninfo())
        fps = [r["partialFingerprints"]["pgrampart/v1"] for r in json.loads(out)["runs"][0]["results"]
               if r["ruleId"] != "core/check-skipped"]
        flags = ["--headless", "--no-sandbox", "--disable-gpu",
                 f"--user-data-dir={os.path.join(d, 'profile')}"]
        p = subprocess.run([chromium, *flags, "--dump-dom", "file://" + page], capture_output=True, text=True,
                           timeout=120)
        dom = p.stdout
        assert "<table class=\"checklist\">" in dom, (p.returncode, p.stderr[-2000:])
        statuses = re.findall(r'<tr id="control-[^"]+"><td>[^<]*</td><td><span class="status (\w+)">', dom)
        assert len(statuses) == 11 and set(statuses) <= {"pass", "fail", "skipped"}, statuses
        assert fps and all(f'id="f-{fp}"' in dom for fp in fps), fps
        assert "drift/rls-state" in dom and "db:public.messages" in dom
        shot = os.path.join(d, "signoff.png")
        p = subprocess.run([chromium, *flags, "--hide-scrollbars", "--window-size=1000,1400",
                            f"--screenshot={shot}", "file://" + page], capture_output=True, text=True, timeout=120)
        assert os.path.exists(shot), p.stderr[-2000:]
        width, height, rows = png_pixels(shot)
        assert (width, height) == (1000, 1400), (width, height)
        colours = {px for row in rows[::7] for px in row[::5]}
        ink = sum(1 for row in rows[::7] for px in row[::5] if px != (255, 255, 255))
        assert len(colours) >= 8 and ink > 0.02 * len(rows[::7]) * len(rows[0][::5]), (len(colours), ink)
        # The verdict badge and a failed control's badge are drawn in their red.
        assert any(abs(r - 0xb4) < 8 and abs(g - 0x23) < 8 and abs(b - 0x18) < 8 for r, g, b in colours), "no red"
        if os.environ.get("PGRAMPART_UPDATE_SCREENSHOT") == "1":
            shutil.copy(shot, os.path.join(ARGS.source, "docs", "signoff.png"))


def test_readme_demo_writes_signoff_report():
    """The README's first command: the demo (tests/pg/audit_demo.py) writes audit-report.html in the working
    directory and says where; the README says so and shows the screenshot."""
    cluster_module()
    with open(os.path.join(ARGS.source, "README.md")) as f:
        readme = f.read()
    first = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert "python3 tests/pg/audit_demo.py" in first.splitlines()[0], first
    assert "`audit-report.html`" in readme.split("## What it checks")[0], "README does not say where the report is"
    assert "![The sign-off report of the demo cluster](docs/signoff.png)" in readme
    assert os.path.getsize(os.path.join(ARGS.source, "docs", "signoff.png")) > 10000
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run([sys.executable, os.path.join(ARGS.source, "tests", "pg", "audit_demo.py")], cwd=d,
                           capture_output=True, text=True, timeout=300)
        report = os.path.join(os.path.realpath(d), "audit-report.html")
        assert p.returncode == 1 and f"sign-off report written to {report}" in p.stdout, (p.stdout[-500:], p.stderr)
        with open(report) as f:
            page = f.read()
    assert page.startswith("<!DOCTYPE html>") and "drift/rls-state" in page and "demo-only" not in page


def test_installed_report_templates():
    """meson install ships the report templates and the checklist with the rule packs: the installed
    binary writes both documents."""
    build = os.path.dirname(os.path.abspath(ARGS.bin))
    with tempfile.TemporaryDirectory() as dest:
        p = subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild", "--quiet"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        installed = glob.glob(os.path.join(dest, "**", "bin", "pgrampart"), recursive=True)
        assert len(installed) == 1, installed
        for name in ("report.html.tmpl", "report.md.tmpl", "checklist.yml"):
            assert glob.glob(os.path.join(dest, "**", "share", "pgrampart", "rules", name), recursive=True), name
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {"m/001.sql": "CREATE TABLE t (id int);\n"})
            for fmt, start in (("html", "<!DOCTYPE html>"), ("markdown", "# pgrampart sign-off report")):
                p = subprocess.run([installed[0], "check", "--format", fmt, "m"], cwd=d, capture_output=True,
                                   text=True)
                assert p.returncode in (0, 1) and p.stdout.startswith(start), (fmt, p.stdout[:300], p.stderr)
                assert "RLS enabled on every table" in p.stdout, fmt


def test_report_check_hostile_names_escaped():
    """check --format html/markdown: a file and a table named with markup, '|' and control characters are
    text in their cell, never markup, a new line or a terminal escape (no PostgreSQL needed)."""
    table = '"<img src=x onerror=alert(1)>|t\x1b[2J"'
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"m/<b>x|y\x1b.sql": f"CREATE SCHEMA app;\nCREATE TABLE app.{table} (tenant_id int);\n"
                                          f"CREATE TABLE app.ok (tenant_id int);\n"
                                          f"ALTER TABLE app.ok ENABLE ROW LEVEL SECURITY;\n"})
        rc, page, err = run("check", "--format", "html", "m", cwd=d)
        rc2, md, err2 = run("check", "--format", "markdown", "m", cwd=d)
    assert rc == rc2 == 1, (rc, err, rc2, err2)
    assert "<img" not in page and "<b>" not in page and "\x1b" not in page, page
    assert "app.&lt;img src=x onerror=alert(1)&gt;|t&#x241B;[2J" in page, page
    assert "m/&lt;b&gt;x|y&#x241B;.sql:2:1" in page, page
    assert "<img" not in md and "<b>" not in md and "\x1b" not in md, md
    assert "**m/&lt;b&gt;x\\|y&#x241B;.sql:2:1**" in md, md
    assert "| Paths checked | m |" in md


def test_report_context_audit_ssl():
    """Over TLS the context says so (ssl true, its protocol), and the HTML header too."""
    cl = cluster_module()
    with cl.Cluster(ssl=True) as c:
        rc, out, err = run("audit", "--format", "json", c.conninfo(tcp=True, sslmode="require"))
        assert rc in (0, 1), err
        ctx = json.loads(out)["context"]
        assert ctx["ssl"] is True and ctx["ssl_protocol"].startswith("TLSv") and ctx["host"] == "127.0.0.1", ctx
        assert "sslmode=require" in ctx["conninfo"], ctx
        rc, page, err = run("audit", "--format", "html", c.conninfo(tcp=True, sslmode="require"))
        assert f"<th scope=\"row\">SSL in use</th><td>yes ({ctx['ssl_protocol']})</td>" in page, page[:3000]
