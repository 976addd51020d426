"""End-to-end tests: fleets (issue 16) — several databases audited in one run and signed off in one report:
a summary row per database (verdict, errors, warnings, skipped controls), a section per database, an
unreachable database a row with its error (password masked), exit 2 only when none could be audited."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

PW = "fleet-pw-93q"


def skip_without_pg(c):
    if c is None:
        print("PostgreSQL not installed; skipping")
        sys.exit(77)


def dead_conninfo():
    """A conninfo nothing listens on (a free port), with a password that must never be printed."""
    sys.path.insert(0, os.path.join(ARGS.source, "tests", "pg"))
    import cluster
    return f"host=127.0.0.1 port={cluster.free_port()} user=nobody dbname=gone password={PW} connect_timeout=2"


def strip_times(doc):
    """The document without what differs between runs of the same audit (times, the command line)."""
    for db in doc["databases"]:
        for k in ("start_time", "end_time", "duration_ms", "command_line"):
            (db.get("context") or {}).pop(k, None)
    return doc


def test_fleet_two_databases_and_one_unreachable_json():
    """Two databases of one server and one dead conninfo: three rows in the order given, two audited
    sections equal to each database's own audit, the dead one a row with its error; no password anywhere;
    the query count per database is the single audit's."""
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE DATABASE shop")
        c.psql("CREATE TABLE orders (id int); GRANT ALL ON orders TO PUBLIC;", dbname="shop")
        main, shop = c.conninfo() + f" password={PW}", c.conninfo(dbname="shop")
        single = {}
        for name, ci in (("postgres", main), ("shop", shop)):
            single[name], single[name + "_queries"] = audit(c, conninfo=ci)
        dead = dead_conninfo()
        rc, out, err = run("audit", "--format", "json", main, dead, shop,
                           env={"PGRAMPART_REPORT_QUERIES": "1"})
        assert rc == 1, (rc, err)
        assert PW not in out + err, (out[:2000], err)
        doc = json.loads(out)
        dbs = doc["databases"]
        assert [d["verdict"] for d in dbs] == ["fail", "error", "fail"], [d["verdict"] for d in dbs]
        assert [d["database"] for d in dbs] == ["postgres", None, "shop"], dbs
        assert doc["summary"] == {"databases": 3, "audited": 2, "failed": 2, "unreachable": 1}, doc["summary"]
        # The unreachable one: its error, masked conninfo, no findings section.
        assert dbs[1]["error"] and "****" in dbs[1]["conninfo"] and "findings" not in dbs[1], dbs[1]
        assert "connect" in dbs[1]["error"].lower(), dbs[1]["error"]
        # Each audited section is that database's own audit, findings and context alike.
        for d in (dbs[0], dbs[2]):
            own = single[d["database"]]
            assert d["findings"] == own["findings"], d["database"]
            assert d["summary"] == own["summary"], d["database"]
            assert d["context"]["database"] == d["database"] == own["context"]["database"]
            assert d["errors"] == own["summary"]["errors"] and d["warnings"] == own["summary"]["warnings"]
            statuses = [x["status"] for x in d["checklist"]]
            assert statuses and set(statuses) <= {"pass", "fail", "skipped"}, statuses
            assert d["skipped"] == statuses.count("skipped"), d["skipped"]
        # The shop's table open to PUBLIC is shop's finding, not postgres's.
        shop_objs = [f.get("object", "") for f in dbs[2]["findings"] if f["rule"] == "grants/grant-all-privileges"]
        assert any("orders" in o for o in shop_objs), dbs[2]["findings"]
        assert not any("orders" in f.get("object", "") for f in dbs[0]["findings"]), dbs[0]["findings"]
        # The query count per database stays the single audit's.
        counts = [int(n) for n in re.findall(r"pgrampart: (\d+) queries", err)]
        assert counts == [single["postgres_queries"], single["shop_queries"]], (counts, single, err)
        # Same fleet twice: the same document, times aside.
        rc2, out2, _ = run("audit", "--format", "json", main, dead, shop)
        assert rc2 == 1 and strip_times(json.loads(out2)) == strip_times(doc)


def test_fleet_text_summary_and_sections():
    """Text: the summary table's rows (verdict, errors, warnings, skipped, database) and one section per
    database, the unreachable one saying why; --output writes the same report to a file."""
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE DATABASE empty_db")
        dead = dead_conninfo()
        main, empty = c.conninfo(), c.conninfo(dbname="empty_db")
        rc, out, err = run("audit", "--format", "json", "--fail-on", "error", main, empty)
        doc = json.loads(out)
        want = {d["database"]: d for d in doc["databases"]}
        rc, out, err = run("audit", "--fail-on", "error", main, dead, empty)
        assert rc in (0, 1) and PW not in out + err, (rc, err)
        lines = out.split("\n")
        assert lines[0] == "Fleet audit: 3 databases", lines[:3]
        rows = [re.match(r"(\d+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+) \((.*)\)$", ln) for ln in lines[3:5] + lines[6:7]]
        assert all(rows), lines[:8]
        assert [r.group(2) for r in rows] == [want["postgres"]["verdict"], "error", want["empty_db"]["verdict"]]
        assert [r.group(6) for r in rows] == ["postgres", "-", "empty_db"], rows
        for r, name in ((rows[0], "postgres"), (rows[2], "empty_db")):
            assert (int(r.group(3)), int(r.group(4)), int(r.group(5))) == \
                (want[name]["errors"], want[name]["warnings"], want[name]["skipped"]), (r.group(0), want[name])
        assert "password=****" in rows[1].group(7), rows[1].group(0)
        assert lines[5].startswith("     error: cannot connect"), lines[5]
        sections = [ln for ln in lines if ln.startswith("== ")]
        assert sections == ["== 1. postgres ==", "== 2. " + rows[1].group(7) + " ==", "== 3. empty_db =="], sections
        assert "database postgres audited:" in out and "database empty_db audited:" in out, out[-2000:]
        assert out.count("not audited: ") == 1, out
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "fleet.txt")
            rc2, out2, _ = run("audit", "--fail-on", "error", "--output", path, main, dead, empty)
            with open(path) as f:
                assert rc2 == rc and out2 == "" and f.read() == out


def test_fleet_exit_status():
    """Exit 2 only when no database could be audited; 0 when every audited one passes at --fail-on, one
    unreachable database notwithstanding; formats without a fleet form are refused, not half-printed."""
    rc, out, err = run("audit", "--format", "json", dead_conninfo(), dead_conninfo())
    assert rc == 2 and PW not in out + err, (rc, err)
    doc = json.loads(out)
    assert [d["verdict"] for d in doc["databases"]] == ["error", "error"], doc
    rc, out, err = run("audit", "--format", "github", dead_conninfo(), dead_conninfo())
    assert rc == 2 and out == "" and "--format text, json, markdown, html or sarif" in err, (rc, out, err)
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE DATABASE calm")
        calm = c.conninfo(dbname="calm")
        rc, out, err = run("audit", "--format", "json", calm, dead_conninfo())
        doc = json.loads(out)
        assert doc["databases"][0]["verdict"] in ("pass", "fail"), doc
        # Pass at the bar of the calm database's own findings: exit 0 despite the dead one.
        rc, out, err = run("audit", "--format", "json", "--fail-on", "error", calm, dead_conninfo())
        want = 1 if json.loads(out)["databases"][0]["errors"] else 0
        assert rc == want and json.loads(out)["databases"][0]["verdict"] == ("fail" if want else "pass")


def test_fleet_all_databases():
    """--all-databases lists the server's databases with one query (not templates, not those refusing
    connections), audits each in name order with the given conninfo's other keywords, and masks the
    password everywhere; the query count per database is a single audit's."""
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE ROLE fleet_owner LOGIN SUPERUSER PASSWORD 'x'")
        for db in ("zeta", "alpha", "closed"):
            c.psql(f"CREATE DATABASE {db}")
        c.psql("ALTER DATABASE closed ALLOW_CONNECTIONS false")
        main = c.conninfo(user="fleet_owner") + f" password={PW}"
        _, single_queries = audit(c, conninfo=c.conninfo(dbname="alpha"))
        rc, out, err = run("audit", "--format", "json", "--all-databases", main,
                           env={"PGRAMPART_REPORT_QUERIES": "1"})
        assert rc in (0, 1) and PW not in out + err, (rc, err)
        dbs = json.loads(out)["databases"]
        assert [d["database"] for d in dbs] == ["alpha", "postgres", "zeta"], [d["database"] for d in dbs]
        assert all(d["verdict"] != "error" and d["context"]["role"] == "fleet_owner" for d in dbs), dbs
        assert all("password=****" in d["conninfo"] for d in dbs), [d["conninfo"] for d in dbs]
        assert all(PW not in d["context"]["command_line"] for d in dbs)
        counts = [int(n) for n in re.findall(r"pgrampart: (\d+) queries", err)]
        assert counts == [single_queries] * 3, (counts, single_queries)
        # A URI works as well: its other parts are kept, its database replaced.
        uri = f"postgresql://fleet_owner:{PW}@127.0.0.1:{c.port}/postgres"
        rc, out, err = run("audit", "--format", "json", "--all-databases", uri)
        assert [d["database"] for d in json.loads(out)["databases"]] == ["alpha", "postgres", "zeta"], err
        assert PW not in out + err
        # A server that cannot be reached: nothing to list, the tool fails and says why.
        rc, out, err = run("audit", "--all-databases", dead_conninfo())
        assert rc == 2 and "cannot connect" in err and PW not in out + err, (rc, err)
        rc, out, err = run("audit", "--all-databases", main, main)
        assert rc == 2 and "--all-databases takes one connection string" in err, (rc, err)


def test_fleet_services_file():
    """--services FILE: every [service] of a pg_service.conf, in file order, connected by libpq from the
    file (PGSERVICEFILE); the password in the file is never printed; a service that fails is its row."""
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE DATABASE billing")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "pg_service.conf")
            with open(path, "w") as f:
                f.write(f"# fleet\n[billing]\nhost={c.dir}\nport={c.port}\nuser=postgres\ndbname=billing\n"
                        f"password={PW}\n\n  [main]\nhost={c.dir}\nport={c.port}\nuser=postgres\n"
                        f"dbname=postgres\n[gone]\nhost=127.0.0.1\nport={c.port + 1}\nconnect_timeout=2\n")
            rc, out, err = run("audit", "--format", "json", "--services", path)
            assert rc in (0, 1) and PW not in out + err, (rc, err)
            dbs = json.loads(out)["databases"]
            assert [(d["conninfo"], d["database"], d["verdict"] == "error") for d in dbs] == \
                [("service=billing", "billing", False), ("service=main", "postgres", False),
                 ("service=gone", None, True)], dbs
            # A long value is one line, not a [section] where a buffer happened to end.
            with open(path, "a") as f:
                f.write("options=" + "x" * 1015 + "[fake]\n")  # 1023 bytes: where a 1 KiB fgets buffer ends
            rc, out, err = run("audit", "--format", "json", "--services", path)
            assert [d["conninfo"] for d in json.loads(out)["databases"]] == \
                ["service=billing", "service=main", "service=gone"], out[:500]
            rc, out, err = run("audit", "--all-databases", "--services", path, c.conninfo())
            assert rc == 2 and "not --services" in err, (rc, err)
            rc, out, err = run("audit", "--services", os.path.join(d, "missing.conf"))
            assert rc == 2 and "--services" in err, (rc, err)
            with open(path, "w") as f:
                f.write("# no service\n")
            rc, out, err = run("audit", "--services", path)
            assert rc == 2 and "no database to audit" in err, (rc, err)


def test_fleet_jobs_same_report():
    """--jobs 1, 2 and 4 (and the default) give the same report, times aside, in the order given whatever
    order the reads finish in; the query count per database stays a single audit's; a bad --jobs is refused."""
    with samples_cluster() as c:
        skip_without_pg(c)
        names = ["db_c", "db_a", "db_d", "db_b"]
        for i, db in enumerate(names):
            c.psql(f"CREATE DATABASE {db}")
            c.psql("".join(f"CREATE TABLE t{k} (id int, tenant_id int);" for k in range(i * 3)), dbname=db) if i else None
        cis = [c.conninfo(dbname=db) + f" password={PW}" for db in names]
        cis.insert(2, dead_conninfo())
        _, single_queries = audit(c, conninfo=c.conninfo(dbname="db_a"))
        docs = {}
        for jobs in ("1", "2", "4", None):
            extra = ["--jobs", jobs] if jobs else []
            rc, out, err = run("audit", "--format", "json", *extra, *cis, env={"PGRAMPART_REPORT_QUERIES": "1"})
            assert rc in (0, 1) and PW not in out + err, (jobs, rc, err)
            docs[jobs] = strip_times(json.loads(out))
            assert [d["database"] for d in docs[jobs]["databases"]] == names[:2] + [None] + names[2:], jobs
            counts = [int(n) for n in re.findall(r"pgrampart: (\d+) queries", err)]
            assert counts == [single_queries] * 4, (jobs, counts, single_queries)
        assert docs["1"] == docs["2"] == docs["4"] == docs[None]
        # The tables differ per database, so each section is its own database's.
        per_db = [sum(1 for f in d.get("findings", []) if f["rule"] == "rls/table-without-rls")
                  for d in docs["2"]["databases"]]
        assert per_db[0] == 0 and per_db[1] == 3 and per_db[2] == 0 and per_db[3:] == [6, 9], per_db
        rc, out, err = run("audit", "--jobs", "0", *cis)
        assert rc == 2 and "--jobs" in err, (rc, err)


def test_fleet_markdown_and_html():
    """Markdown and HTML from the one sign-off template per format: the summary table's rows, a section
    per database with its own checklist, the unreachable one with its error, HTML ids unique across
    databases (each part's prefixed), every name escaped, no password."""
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE DATABASE second")
        c.psql('CREATE TABLE "<script>x</script>" (id int, tenant_id int);', dbname="second")
        cis = [c.conninfo() + f" password={PW}", dead_conninfo(), c.conninfo(dbname="second")]
        rc, out, err = run("audit", "--format", "json", *cis)
        want = json.loads(out)["databases"]
        rc, md, err = run("audit", "--format", "markdown", *cis)
        assert rc == 1 and PW not in md + err, (rc, err)
        assert md.startswith("# pgrampart sign-off report: 3 databases\n\n## Summary\n"), md[:300]
        rows = re.findall(r"^\| (\d) \| (.*?) \| (pass|fail|error) \| (\d+) \| (\d+) \| (\d+) \| (.*) \|$", md, re.M)
        assert [(r[0], r[1], r[2]) for r in rows] == [("1", "postgres", want[0]["verdict"]), ("2", "-", "error"),
                                                      ("3", "second", want[2]["verdict"])], rows
        assert [tuple(int(x) for x in r[3:6]) for r in rows] == \
            [(d["errors"], d["warnings"], d["skipped"]) for d in want], rows
        heads = re.findall(r"^## (.*)$", md, re.M)
        assert heads[:3] == ["Summary", "1. postgres", "Verdict: " + want[0]["verdict"].upper()], heads
        assert heads.count("Checklist") == 2 and "3. second" in heads, heads
        assert re.search(r"^## 2\. .*password=(\\\*){4}.*\n\nNot audited: cannot connect", md, re.M), md[:3000]
        assert "<script>" not in md and "&lt;script&gt;" in md
        rc, html, err = run("audit", "--format", "html", *cis)
        assert rc == 1 and PW not in html + err, (rc, err)
        ids = re.findall(r' id="([^"]*)"', html)
        assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
        assert {"summary", "db1-", "db1-checklist", "db2-", "db3-checklist", "db3-verdict"} <= set(ids), ids[:40]
        assert "db2-checklist" not in ids and "Not audited: cannot connect" in html
        assert html.count('<span class="status error">error</span>') == 1, html[:3000]
        assert "<script>x" not in html and "&lt;script&gt;x" in html
        assert html.count("<table class=\"checklist\">") == 2


def test_fleet_sarif_one_run_per_database():
    """SARIF: one run per database in the order given, each with that database's results and context; the
    unreachable one a run without results whose invocation failed with its error; valid for Microsoft's
    validator when installed; no password."""
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE DATABASE other")
        cis = [c.conninfo(dbname="other") + f" password={PW}", dead_conninfo(), c.conninfo()]
        rc, out, err = run("audit", "--format", "json", *cis)
        want = json.loads(out)["databases"]
        rc, out, err = run("audit", "--format", "sarif", *cis)
        assert rc == 1 and PW not in out + err, (rc, err)
        runs = json.loads(out)["runs"]
        assert [r["properties"].get("database") for r in runs] == ["other", None, "postgres"], runs
        for r, d in zip(runs, want):
            assert [x["ruleId"] for x in r["results"]] == [f["rule"] for f in d.get("findings", [])], d["conninfo"]
            assert r["properties"]["conninfo"] == d["conninfo"]
        inv = [r["invocations"][0] for r in runs]
        assert [i["executionSuccessful"] for i in inv] == [True, False, True], inv
        note = inv[1]["toolExecutionNotifications"][0]
        assert note["level"] == "error" and note["message"]["text"].startswith("cannot connect"), note
        assert all("password=****" in i["commandLine"] for i in inv), inv
    assert_valid_sarif_if_validator(out)


def test_fleet_auth_failure_and_timeout_rows():
    """An authentication failure and a server that never answers (a listening socket that accepts nothing,
    bounded by --timeout) are rows with their error, the password masked, between audited databases."""
    import socket
    sys.path.insert(0, os.path.join(ARGS.source, "tests", "pg"))
    import cluster
    try:
        cluster.pg_bin()
    except RuntimeError:
        print("PostgreSQL not installed; skipping")
        sys.exit(77)
    hba = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
    with cluster.Cluster(hba=hba) as c, socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        c.psql("CREATE ROLE alice LOGIN PASSWORD 'right-password'")
        good = c.conninfo(user="alice", tcp=True) + " password=right-password"
        wrong = c.conninfo(user="alice", tcp=True) + f" password={PW}"
        hang = f"host=127.0.0.1 port={silent.getsockname()[1]} user=x password={PW}"
        rc, out, err = run("audit", "--format", "json", "--timeout", "2000", "--jobs", "3", good, wrong, hang, good)
        assert rc in (0, 1) and PW not in out + err and "right-password" not in out + err, (rc, err)
        dbs = json.loads(out)["databases"]
        assert [d["verdict"] for d in dbs][1:3] == ["error", "error"], dbs
        assert dbs[0]["verdict"] != "error" and dbs[3]["verdict"] != "error", dbs
        assert "password authentication failed" in dbs[1]["error"], dbs[1]["error"]
        assert "timeout" in dbs[2]["error"].lower(), dbs[2]["error"]
        assert dbs[1]["conninfo"].count("****") == 1 and dbs[2]["conninfo"].count("****") == 1


def test_fleet_migrations_and_inventory_per_database():
    """--migrations and --inventory in a fleet: each database's drift and inventory are those of its own
    single audit (the migrations' model is shared, read once, and not changed by one database's audit)."""
    with samples_cluster() as c:
        skip_without_pg(c)
        c.psql("CREATE DATABASE bare")
        mig = os.path.join(ARGS.source, "samples", "migrations")
        cis = [c.conninfo(dbname="bare"), c.conninfo(), c.conninfo(dbname="bare")]
        single = {}
        for name in ("bare", "postgres"):
            single[name], _ = audit(c, "--migrations", mig, "--inventory", conninfo=c.conninfo(dbname=name))
        rc, out, err = run("audit", "--format", "json", "--migrations", mig, "--inventory", *cis)
        assert rc == 1, (rc, err)
        dbs = json.loads(out)["databases"]
        for d in dbs:
            own = single[d["database"]]
            assert d["findings"] == own["findings"] and d["inventory"] == own["inventory"], d["database"]
        drift = [sum(f["rule"].startswith("drift/") for f in d["findings"]) for d in dbs]
        assert drift[0] > 0 and drift[0] == drift[2] and drift[1] < drift[0], drift
