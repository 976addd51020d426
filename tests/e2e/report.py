"""End-to-end tests: The output formats: text, JSON, SARIF (validated), GitHub, GitLab, fingerprints, secrets never printed."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def test_text_format():
    rc, out, _ = run("check", "samples/migrations", cwd=ARGS.source)
    lines = out.splitlines()
    lines = lines[lines.index(next(l for l in lines if "rls/table-without-rls" in l)):]
    assert rc == 1
    assert lines[0] == ("samples/migrations/005_create_usage_metrics.sql:3:1: error: table "
                        "public.usage_metrics has no row-level security: no migration "
                        "enables it [rls/table-without-rls]"), lines[0]
    assert lines[1] == "  CREATE TABLE usage_metrics (", lines[1]
    assert lines[2] == "  ^", lines[2]
    assert lines[3].startswith("  hint: add ALTER TABLE public.usage_metrics ENABLE ROW LEVEL SECURITY")
    assert out.splitlines()[-1] == "25 files checked: 19 errors, 8 warnings, 1 info", out.splitlines()[-1]
    assert "\033[" not in out


def test_json_format():
    _, doc = check_json("samples/", cwd=ARGS.source)
    assert doc["version"] == 1
    keys = ["rule", "severity", "path", "line", "column", "end_line", "end_column", "message", "hint",
            "fingerprint"]
    for f in doc["findings"]:
        assert list(f.keys()) == keys, f.keys()
        assert f["line"] >= 1 and f["column"] >= 1 and f["end_line"] >= f["line"]
    s = doc["summary"]
    assert s["findings"] == len(doc["findings"]) == s["errors"] + s["warnings"] + s["info"]
    assert s["files"] == 47, s   # samples/README.md is read too (Markdown blocks)


def test_sarif():
    """Every SARIF the suite produces passes Microsoft's validator; content is right."""
    tool = sarif_validator()
    docs = []
    for args in (["samples/"], ["samples/clean"], ["tests/e2e"]):
        rc, out, err = run("check", "--format", "sarif", *args, cwd=ARGS.source)
        assert rc in (0, 1), err
        docs.append(out)
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"a b/x.sql": "CREATE TABLE (;\nGRANT ALL ON t TO PUBLIC;\n", "bin.sql": b"\x00\x01"})
        docs.append(run("check", "--format", "sarif", ".", cwd=d)[1])
    sys.path.insert(0, os.path.join(ARGS.source, "tests", "pg"))
    import cluster
    try:
        cluster.pg_bin()
        with cluster.Cluster() as c:
            load_samples(c)
            docs.append(run("audit", "--format", "sarif", c.conninfo())[1])
    except RuntimeError:
        pass
    for text in docs:
        problems = validate_sarif(tool, text)
        assert problems == [], problems
    sarif = json.loads(docs[0])
    run0 = sarif["runs"][0]
    rules = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    assert run0["tool"]["driver"]["name"] == "pgrampart" and "rls/table-without-rls" in rules
    res = {r["ruleId"]: r for r in run0["results"]}
    loc = res["rls/table-without-rls"]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "samples/migrations/005_create_usage_metrics.sql",
                                       "uriBaseId": "%SRCROOT%"}, loc
    assert loc["region"]["startLine"] == 3 and loc["region"]["startColumn"] == 1
    assert res["grants/grant-all-privileges"]["level"] == "warning"
    assert rules[res["rls/table-without-rls"]["ruleIndex"]] == "rls/table-without-rls"
    assert all(len(r["partialFingerprints"]["pgrampart/v1"]) == 16 for r in run0["results"])
    assert "Xk9mQ2vLp8RtZ4wN" not in docs[0]
    if len(docs) > 4:
        live = json.loads(docs[4])["runs"][0]["results"]
        assert any(r["locations"][0].get("logicalLocations") for r in live), live[:1]


def test_fingerprints_survive_moves():
    """Moving a finding's line keeps its fingerprint; changing the line changes it."""
    def fps(text):
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {"m.sql": text})
            out = run("check", "--format", "sarif", ".", cwd=d)[1]
        return {r["ruleId"]: r["partialFingerprints"]["pgrampart/v1"] for r in json.loads(out)["runs"][0]["results"]}
    a = fps("GRANT SELECT ON t TO PUBLIC;\n")
    b = fps("-- a comment\n\n  GRANT SELECT ON t TO PUBLIC;\n")
    c = fps("GRANT SELECT ON u TO PUBLIC;\n")
    assert a == b and a != c, (a, b, c)


def test_github_and_gitlab_formats():
    rc, out, _ = run("check", "--format", "github", "samples/", cwd=ARGS.source)
    lines = out.splitlines()
    assert rc == 1 and lines[0].startswith("::error file=samples/.env.production,line=1,col=1,"), lines[0]
    assert "title=secrets/committed-env-file::" in lines[0], lines[0]
    assert lines[1].startswith("::error file=samples/.env.production,line=4,col=14,"), lines[1]
    assert any(l.startswith("::warning file=") and "title=grants/grant-all-privileges::" in l for l in lines)
    assert "Xk9mQ2vLp8RtZ4wN" not in out
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"a,b.sql": "GRANT SELECT ON t TO PUBLIC;\n"})
        out = run("check", "--format", "github", ".", cwd=d)[1]
    assert out.startswith("::error file=a%2Cb.sql,line=1,col=1,"), out
    rc, out, _ = run("check", "--format", "gitlab", "samples/", cwd=ARGS.source)
    issues = json.loads(out)
    assert rc == 1 and len(issues) == len(json.loads(run("check", "--format", "json", "samples/",
                                                         cwd=ARGS.source)[1])["findings"])
    first = issues[0]
    assert set(first) == {"description", "check_name", "fingerprint", "severity", "location"}, first
    assert first["location"] == {"path": "samples/.env.production", "lines": {"begin": 1}}
    assert issues[1]["location"] == {"path": "samples/.env.production", "lines": {"begin": 4}}
    assert {i["severity"] for i in issues} <= {"critical", "major", "info"}


def test_secrets_never_printed():
    """No output format ever contains a secret whole."""
    secrets = ["Xk9mQ2vLp8RtZ4wN", "R3port1ng-Pr0d-2024!", "s3cr3t-Pa55w0rd-for-kv",
               "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", "sk_live_51Habcdefghijklmnopqrstuvwx",
               "Yaml-Pw-7fK2mQ9x", "Shell-Pw-4hT8nB2v", "Js-Secret-9pL3wX6z", "K8s-Pw-5rV1cN7q"]
    k8s_url = f"postgresql://app:{secrets[8]}@db.example.com/app"
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {
            ".env": f"DB=host=db.example.com dbname=app password={secrets[2]}\n"
                    f"GH_TOKEN={secrets[3]}\nSTRIPE_KEY={secrets[4]}\n",
            "compose.yml": f"services:\n  db:\n    environment:\n      DB_PASSWORD: {secrets[5]}\n",
            "k8s.yaml": f"kind: Secret\ndata:\n  URL: {base64.b64encode(k8s_url.encode()).decode()}\n",
            "deploy.sh": f"export PGPASSWORD='{secrets[6]}'\npsql -c \"ALTER ROLE a PASSWORD '{secrets[6]}'\"\n",
            "app.ts": f"const pool = new Pool({{ password: '{secrets[7]}' }});\n",
        })
        outputs = [run("check", "--format", fmt, where, cwd=ARGS.source)[1]
                   for fmt in ("text", "json", "sarif", "github", "gitlab", "markdown", "html")
                   for where in ("samples", d)]
    assert all("secrets/hardcoded-password" in o for o in outputs), [o[:200] for o in outputs]
    # Every fixture file was read and reported on (else the greps below prove nothing).
    reported = {os.path.basename(f["path"]) for f in json.loads(outputs[3])["findings"]}
    assert reported >= {".env", "compose.yml", "k8s.yaml", "deploy.sh", "app.ts"}, reported
    for o in outputs:
        for s in secrets:
            assert s not in o, f"secret {s[:2]}... printed"
            assert s[3:] not in o, f"tail of secret {s[:2]}... printed"
