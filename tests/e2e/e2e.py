#!/usr/bin/env python3
"""End-to-end tests of the pgrampart binary.

Usage: e2e.py TEST --bin PATH --source DIR [--corpus DIR]
Each TEST is one function below; meson runs them as separate tests.
A test fails by raising (assert) and prints what it compared.
"""
import argparse
import base64
import contextlib
import json
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ARGS = None

# Test modules beside this file (tests/e2e/<module>.py) do "from e2e import
# ..." and read e2e.ARGS: make that import find this very module, not a
# second copy whose ARGS is never set.
sys.modules.setdefault("e2e", sys.modules[__name__])


def run(*args, cwd=None, env=None):
    """Run pgrampart; return (exit code, stdout, stderr)."""
    e = dict(os.environ, NO_COLOR="1")
    if env:
        e.update(env)
    p = subprocess.run([ARGS.bin, *args], cwd=cwd, env=e, capture_output=True, text=True,
                       errors="replace", timeout=600)
    return p.returncode, p.stdout, p.stderr


def check_json(*args, cwd=None):
    """Run check --format json; return (exit code, parsed document)."""
    rc, out, err = run("check", "--format", "json", *args, cwd=cwd)
    assert rc in (0, 1), f"exit {rc}: {err}"
    return rc, json.loads(out)


def write_tree(root, files):
    for rel, text in files.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(p, mode) as f:
            f.write(text)


def findings_in(files, *extra):
    """Lint a temporary tree; return [(rule, path, line, column)] and the doc."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        _, doc = check_json(*extra, ".", cwd=d)
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in doc["findings"]], doc


def only(found, rule):
    return [f for f in found if f[0] == rule]


def rules_of(found):
    return sorted(r for r, *_ in found)


# --- whole-program behaviour -------------------------------------------------

def test_samples():
    rc, doc = check_json("samples/", cwd=ARGS.source)  # uses samples/.pgrampart.yml
    got = [f'{f["rule"]} {f["path"]} {f["line"]} {f["column"]}' for f in doc["findings"]]
    with open(os.path.join(ARGS.source, "tests/e2e/samples.expected")) as f:
        want = [l.strip() for l in f if l.strip()]
    assert got == want, "findings differ:\n got: %s\nwant: %s" % ("\n      ".join(got), "\n      ".join(want))
    assert rc == 1
    families = {r.split("/")[0] for r, *_ in (g.split(" ") for g in got)}
    assert {"rls", "grants", "ssl", "secrets", "rollback"} <= families, families


def test_clean_sample():
    rc, out, err = run("check", "samples/clean", cwd=ARGS.source)
    assert rc == 0, out + err
    assert "0 errors, 0 warnings" in out, out


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
    assert out.splitlines()[-1] == "25 files checked: 19 errors, 9 warnings, 0 info", out.splitlines()[-1]
    assert "\033[" not in out


def test_json_format():
    _, doc = check_json("samples/", cwd=ARGS.source)
    assert doc["version"] == 1
    keys = ["rule", "severity", "path", "line", "column", "end_line", "end_column", "message", "hint"]
    for f in doc["findings"]:
        assert list(f.keys()) == keys, f.keys()
        assert f["line"] >= 1 and f["column"] >= 1 and f["end_line"] >= f["line"]
    s = doc["summary"]
    assert s["findings"] == len(doc["findings"]) == s["errors"] + s["warnings"] + s["info"]
    assert s["files"] == 46, s


def test_readme_lists_every_rule():
    rc, out, _ = run("rules")
    loaded = sorted(line.split()[0] for line in out.splitlines() if line.strip())
    with open(os.path.join(ARGS.source, "README.md")) as f:
        documented = sorted(re.findall(r"^\| `([a-z]+/[a-z0-9-]+)` \|", f.read(), re.M))
    assert rc == 0 and loaded == documented, (set(loaded) ^ set(documented))


def test_explain_and_rule_docs():
    rc, out, _ = run("explain", "rls/table-without-rls")
    assert rc == 0, out
    for part in ("rls/table-without-rls  (rls plugin, default error)", "Why it matters:", "Bad:",
                 "Good:", "ENABLE ROW LEVEL SECURITY", "Fix: ", "Source: PostgreSQL docs 5.8"):
        assert part in out, (part, out)
    assert run("explain", "rls/no-such-rule")[0] == 2
    assert run("explain")[0] == 2
    rc, out, err = run("explain", "--markdown")
    assert rc == 0, err
    with open(os.path.join(ARGS.source, "docs", "rules.md")) as f:
        committed = f.read()
    assert out == committed, "docs/rules.md is out of date: ./build/pgrampart explain --markdown > docs/rules.md"
    loaded = [l.split()[0] for l in run("rules")[1].splitlines() if l.strip()]
    assert all(f"## `{r}`" in out for r in loaded)


def test_init():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"db/migrations/001_a.up.sql": "CREATE TABLE a (id int);\n",
                       "db/migrations/001_a.down.sql": "DROP TABLE a;\n", ".env.production": "X=1\n"})
        rc, out, err = run("init", cwd=d)
        assert rc == 0 and "1 migration set, 1 env file found" in out, out + err
        with open(os.path.join(d, ".pgrampart.yml")) as f:
            text = f.read()
        assert "# - db/migrations  (golang-migrate, 1 migrations)" in text, text
        assert "#  - {path: db/migrations, convention: golang-migrate}" in text and ".env.production" in text
        # What it writes is a valid configuration, also with every comment removed from the options.
        assert run("check", ".", cwd=d)[0] in (0, 1)
        # Option lines are "#key:" or "#  nested:"; prose comments are "# text".
        uncommented = "\n".join(l[1:] if re.match(r"#(\S|  )", l) else l for l in text.splitlines())
        write_tree(d, {".pgrampart.yml": uncommented})
        rc, _, err = run("check", ".", cwd=d)
        assert rc in (0, 1), (err, uncommented)
        rc, _, err = run("init", cwd=d)
        assert rc == 2 and "not overwriting" in err, err


def test_help_man_completion():
    for cmd in ("check", "audit", "model", "rules", "explain", "init"):
        rc, out, _ = run(cmd, "--help")
        assert rc == 0 and out.startswith(f"usage: pgrampart {cmd}"), (cmd, out)
    man = os.path.join(os.path.dirname(ARGS.bin), "pgrampart.1")
    if shutil.which("scdoc"):
        with open(man) as f:
            text = f.read()
        assert ".SH NAME" in text and "pgrampart - policy linter" in text and "--diff-base" in text
    script = os.path.join(ARGS.source, "completions", "pgrampart.bash")
    def complete(words):
        line = " ".join(words)
        p = subprocess.run(["bash", "-c", f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                            "_pgrampart; printf '%s\\n' \"${COMPREPLY[@]}\""], capture_output=True, text=True,
                           env=dict(os.environ, PATH=os.path.dirname(ARGS.bin) + os.pathsep + os.environ["PATH"]))
        return p.stdout.split()
    assert complete(["pgrampart", "ch"]) == ["check"]
    assert complete(["pgrampart", "check", "--format", "s"]) == ["sarif"]
    assert "rls/table-without-rls" in complete(["pgrampart", "explain", "rls/t"])


def test_exit_codes():
    src = ARGS.source
    # Only a warning: exit 0 at the default threshold, 1 with --fail-on warning.
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"grant.sql": "CREATE TABLE t (a int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
                                    "GRANT ALL ON t TO app;\n"})
        assert run("check", d)[0] == 0
        assert run("check", "--fail-on", "warning", d)[0] == 1
        assert run("check", "--fail-on", "info", d)[0] == 1
    assert run("check", "--format", "xml", "samples")[0] == 2
    assert run("check", "--fail-on", "fatal", "samples")[0] == 2
    rc, _, err = run("check", os.path.join(src, "does-not-exist"))
    assert rc == 2 and "does-not-exist" in err, err
    assert run("frobnicate")[0] == 2
    assert run("--version")[0] == 0


def test_bad_input_is_reported():
    """Binary, unreadable and non-UTF-8 files are findings; others still checked."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {
            "a_binary.sql": b"\x00\x01\x02CREATE TABLE",
            "b_latin1.sql": b"-- caf\xe9\nCREATE TABLE latin (a int);\n",
            "c_bad.sql": "CREATE TABLE ok1 (a int);\nCREATE TABLE (;\nGRANT SELECT ON ok1 TO PUBLIC;\n",
            "d_unreadable.env": "X=1\n",
            ".env": "BROKEN LINE\nGOOD=1\nQ=\"unterminated\n",
        })
        os.chmod(os.path.join(d, "d_unreadable.env"), 0)
        _, doc = check_json(".", cwd=d)
        os.chmod(os.path.join(d, "d_unreadable.env"), 0o644)
    got = [(f["rule"], f["path"], f["line"], f["column"]) for f in doc["findings"]]
    want = [
        ("env/syntax-error", ".env", 1, 8),
        ("env/syntax-error", ".env", 3, 3),
        ("core/unreadable-file", "a_binary.sql", 1, 1),
        ("core/invalid-utf8", "b_latin1.sql", 1, 7),
        ("rls/table-without-rls", "b_latin1.sql", 2, 1),
        ("rls/table-without-rls", "c_bad.sql", 1, 1),
        ("sql/syntax-error", "c_bad.sql", 2, 14),
        ("grants/grant-to-public", "c_bad.sql", 3, 1),
    ]
    if os.geteuid() != 0:  # root reads anything: chmod 0 proves nothing then
        want.append(("core/unreadable-file", "d_unreadable.env", 1, 1))
    assert sorted(got) == sorted(want), got


def test_config():
    with tempfile.TemporaryDirectory() as d:
        files = {"m.sql": "CREATE TABLE audit.log (a int);\nCREATE TABLE t (a int);\nGRANT ALL ON t TO x;\n"}
        write_tree(d, files)
        found, _ = findings_in(files)
        assert rules_of(found) == ["grants/grant-all-privileges", "rls/table-without-rls",
                                   "rls/table-without-rls"], found
        write_tree(d, {".pgrampart.yml": "rules:\n  grants/grant-all-privileges: off\n"
                                         "rls:\n  exclude_schemas: [audit]\n"})
        _, doc = check_json(".", cwd=d)
        assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("rls/table-without-rls", 2)], doc
        # Mistakes are errors with a position, never ignored.
        for text, where in [("rulez: {}\n", ":1:1:"), ("rls:\n  exclude_schema: [a]\n", ":2:3:"),
                            ("rules:\n  rls/nope: error\n", ":2:3:"),
                            ("rules:\n  rls/table-without-rls: loud\n", ":2:26:"),
                            ("rls:\n  exclude_schemas: audit\n", ":2:20:"),
                            ("a: &x [1]\nb: *x\n", ":2:4:"), ("a: [\n", ":2:1:"),
                            ("grants:\n  roles:\n    app: {allow: [SELECT], permit: [INSERT]}\n", ":3:28:"),
                            ("grants:\n  roles:\n    app: {deny: [SELEKT]}\n", ":3:18:"),
                            ("grants:\n  roles: [app]\n", ":2:10:")]:
            write_tree(d, {".pgrampart.yml": text})
            rc, _, err = run("check", ".", cwd=d)
            assert rc == 2 and ".pgrampart.yml" + where in err, (text, rc, err)
        write_tree(d, {".pgrampart.yml": "postgres_version: fifteen\n"})
        rc, _, err = run("check", ".", cwd=d)
        assert rc == 2 and ".pgrampart.yml:1:19:" in err, err
        # --config names the file explicitly.
        write_tree(d, {"other.yml": "rules:\n  rls/table-without-rls: info\n", ".pgrampart.yml": ""})
        _, doc = check_json("--config", "other.yml", ".", cwd=d)
        assert {f["severity"] for f in doc["findings"]} == {"info", "warning"}, doc


def test_config_migrations():
    files = {"db/changes/001_a.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n",
             "db/changes/002_b.sql": "CREATE POLICY p ON a USING (id = 1);\n",
             "migrations/001_seed.sql": "SELECT 1;\n"}
    # Without configuration: db/changes is plain SQL (002's policy has no table), and
    # migrations/ looks like a migration directory.
    found, _ = findings_in(files)
    assert sorted(r for r, *_ in found) == ["rls/rls-without-policy", "rollback/missing-down"], found
    files[".pgrampart.yml"] = ("migrations:\n  - {path: db/changes, convention: numbered}\n"
                               "  - {path: migrations, convention: none}\n")
    found, _ = findings_in(files)
    assert sorted((r, p) for r, p, *_ in found) == [("rollback/missing-down", "db/changes/001_a.sql"),
                                                    ("rollback/missing-down", "db/changes/002_b.sql")], found
    only_db, _ = findings_in(dict(files, **{".pgrampart.yml": files[".pgrampart.yml"] + "include: [\"db/*\"]\n",
                                            "other.sql": "CREATE TABLE z (id int);\n"}))
    assert {p for _, p, *_ in only_db} == {"db/changes/001_a.sql", "db/changes/002_b.sql"}, only_db
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"x.sql": "SELECT 1;"})
        for text, where in [("migrations:\n  - {path: nowhere, convention: numbered}\n", ":2:12:"),
                            ("migrations:\n  - {path: ., convention: rails}\n", ":2:27:"),
                            ("migrations:\n  - {path: .}\n", ":2:5:")]:
            write_tree(d, {".pgrampart.yml": text})
            rc, _, err = run("check", ".", cwd=d)
            assert rc == 2 and ".pgrampart.yml" + where in err, (text, err)


def sarif_validator():
    tool = os.path.join(ARGS.source, ".tools", "node_modules", "@microsoft", "sarif-multitool-linux",
                        "Sarif.Multitool")
    if not os.access(tool, os.X_OK):
        print("SARIF validator not installed (./setup.sh installs it); skipping")
        sys.exit(77)
    return tool


def validate_sarif(tool, text):
    """Run Microsoft's validator; return its error and warning results."""
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "in.sarif"), os.path.join(d, "out.sarif")
        with open(src, "w") as f:
            f.write(text)
        p = subprocess.run([tool, "validate", src, "-o", out], capture_output=True, text=True,
                           env=dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1"))
        assert p.returncode == 0, p.stdout + p.stderr
        with open(out) as f:
            results = json.load(f)["runs"][0].get("results", [])
    return [(r["level"], r["ruleId"], r["message"].get("text", "")) for r in results
            if r.get("level") in ("error", "warning")]


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


def test_suppressions():
    found, doc = findings_in({
        "m.sql": "-- pgrampart-ignore grants/grant-to-public: the reporting role reads everything\n"
                 "GRANT SELECT ON t\n  TO PUBLIC;\n"
                 "-- pgrampart-ignore rls/*\nCREATE TABLE a (id int);\n"
                 "-- pgrampart-ignore grants/grant-all-privileges: not here\nSELECT 1;\n"
                 "GRANT SELECT ON u TO PUBLIC;\n",
        "f.sql": "-- pgrampart-ignore-file rls/*, grants/grant-to-public: a public catalogue\n"
                 "CREATE TABLE b (id int);\nGRANT SELECT ON b TO PUBLIC;\n",
        ".env": "# pgrampart-ignore ssl/missing-sslmode: reached through the VPN tunnel\n"
                "A=postgres://u@db.example.com/app\nB=postgres://u@db.example.com/app\n",
    })
    assert sorted((r, p, l) for r, p, l, _ in found) == sorted([
        ("ssl/missing-sslmode", ".env", 3),
        ("core/suppression-without-reason", "m.sql", 4),
        ("core/unused-suppression", "m.sql", 6),
        ("grants/grant-to-public", "m.sql", 8),
        ("rls/table-without-rls", "m.sql", 5),
    ]), found


def test_suppressions_reason_optional():
    found, _ = findings_in({".pgrampart.yml": "suppressions:\n  require_reason: false\n",
                            "m.sql": "-- pgrampart-ignore rls/*\nCREATE TABLE a (id int);\n"})
    assert found == [], found
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {".pgrampart.yml": "suppressions:\n  require_reason: maybe\n"})
        rc, _, err = run("check", ".", cwd=d)
        assert rc == 2 and ".pgrampart.yml:2:19:" in err, err


def test_baseline():
    with tempfile.TemporaryDirectory() as d:
        secret = "Bq7-Legacy-Pass-2019!"
        write_tree(d, {"m.sql": f"GRANT SELECT ON t TO PUBLIC;\nCREATE ROLE r PASSWORD '{secret}';\n"})
        rc, _, err = run("check", "--write-baseline", "base.json", ".", cwd=d)
        assert rc == 0 and "2 findings recorded" in err, err
        with open(os.path.join(d, "base.json")) as f:
            text = f.read()
        assert secret not in text and secret[3:] not in text and "PASSWORD" not in text, text
        rc, doc = check_json("--baseline", "base.json", ".", cwd=d)
        assert rc == 0 and doc["findings"] == [], doc
        # Lines moved and re-indented: still known. A new finding: reported.
        write_tree(d, {"m.sql": f"-- header\n\n   GRANT SELECT ON t TO PUBLIC;\nCREATE ROLE r PASSWORD '{secret}';\n"
                                "GRANT SELECT ON v TO PUBLIC;\n"})
        rc, doc = check_json("--baseline", "base.json", ".", cwd=d)
        assert rc == 1 and [(f["rule"], f["line"]) for f in doc["findings"]] == [("grants/grant-to-public", 5)], doc
        write_tree(d, {"bad.json": "{\"findings\": []}"})
        rc, _, err = run("check", "--baseline", "bad.json", ".", cwd=d)
        assert rc == 2 and "not a pgrampart baseline" in err, err
        rc, _, err = run("check", "--baseline", "missing.json", ".", cwd=d)
        assert rc == 2, err


def git(d, *args):
    subprocess.run(["git", "-C", d, *args], check=True, capture_output=True, text=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                            GIT_COMMITTER_EMAIL="t@t"))


def git_repo(d, files):
    write_tree(d, files)
    git(d, "init", "-q", "-b", "main")
    git(d, "add", "-A")
    git(d, "commit", "-qm", "base")


BASE = {"db/migrations/001_a.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                   "CREATE POLICY p ON a USING (id = 1);\nCREATE TABLE legacy (id int);\n",
        "db/migrations/rollback/001_a.sql": "DROP TABLE legacy;\nDROP TABLE a;\n"}


def test_staged():
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, BASE)
        write_tree(d, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO PUBLIC;\n",
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n",
                       "notes.sql": "CREATE TABLE unstaged (id int);\n"})
        git(d, "add", "db/migrations/002_b.sql", "db/migrations/rollback/002_b.sql")
        # The working copy differs from what is staged: the index wins.
        write_tree(d, {"db/migrations/002_b.sql": "SELECT 1;\n"})
        rc, doc = check_json("--staged", cwd=d)
        got = sorted((f["rule"], f["path"]) for f in doc["findings"])
        # Only staged files are reported, the set's other files are read (the rollback pairs).
        assert got == [("grants/grant-to-public", "db/migrations/002_b.sql")], got
        assert rc == 1
        git(d, "reset", "-q")
        rc, doc = check_json("--staged", cwd=d)
        assert rc == 0 and doc["findings"] == [] and doc["summary"]["files"] == 0, doc
    with tempfile.TemporaryDirectory() as d:
        rc, _, err = run("check", "--staged", cwd=d)
        assert rc == 2 and "git" in err, err


def test_diff_base():
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, BASE)
        git(d, "checkout", "-q", "-b", "feature")
        write_tree(d, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO PUBLIC;\n",
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n",
                       "db/migrations/001_a.sql": "-- reformatted\n" + BASE["db/migrations/001_a.sql"].replace(
                           "ALTER TABLE a ENABLE ROW LEVEL SECURITY;\n", "")})
        git(d, "add", "-A")
        git(d, "commit", "-qm", "change")
        rc, doc = check_json("--diff-base", "main", "db", cwd=d)
        got = sorted((f["rule"], f["path"], f["line"]) for f in doc["findings"])
        # legacy's table-without-rls was there before (moved a line down): hidden.
        # New: the grant, and what removing ENABLE RLS did to table a.
        assert got == [("grants/grant-to-public", "db/migrations/002_b.sql", 1),
                       ("rls/policy-without-rls", "db/migrations/001_a.sql", 3)], got
        rc, doc = check_json("db", cwd=d)
        assert any(f["rule"] == "rls/table-without-rls" for f in doc["findings"]), doc
        rc, _, err = run("check", "--diff-base", "no-such-ref", "db", cwd=d)
        assert rc == 2 and "merge base" in err, err


def test_pre_commit_hook():
    """The repository's .pre-commit-hooks.yaml through Debian's pre-commit."""
    if shutil.which("pre-commit") is None:
        print("pre-commit not installed; skipping")
        sys.exit(77)
    src = ARGS.source
    head = subprocess.run(["git", "-C", src, "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        print("the source tree is not a git checkout; skipping")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as home:
        git_repo(d, dict(BASE, **{".pre-commit-config.yaml":
                                  f"repos:\n  - repo: {src}\n    rev: {head.stdout.strip()}\n"
                                  "    hooks:\n      - id: pgrampart\n"}))
        env = dict(os.environ, PATH=os.path.dirname(ARGS.bin) + os.pathsep + os.environ["PATH"],
                   XDG_CACHE_HOME=home, PRE_COMMIT_HOME=os.path.join(home, "pre-commit"),
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
        write_tree(d, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO PUBLIC;\n",
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n"})
        subprocess.run(["git", "-C", d, "add", "-A"], check=True, env=env)
        p = subprocess.run(["pre-commit", "run"], cwd=d, capture_output=True, text=True, env=env)
        assert p.returncode == 1 and "grants/grant-to-public" in p.stdout, p.stdout + p.stderr
        write_tree(d, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO app_reader;\n",
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM app_reader;\n"})
        subprocess.run(["git", "-C", d, "add", "-A"], check=True, env=env)
        p = subprocess.run(["pre-commit", "run"], cwd=d, capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stdout + p.stderr


def test_server_config_files():
    """postgresql.conf (with includes), pg_hba.conf and pgbouncer.ini through the live-audit rules."""
    found, doc = findings_in({
        "pg/postgresql.conf": "ssl = off\npassword_encryption = 'md5'  # legacy\ninclude 'conf.d/x.conf'\n"
                              "include_if_exists 'missing.conf'\nbroken line here\n",
        "pg/conf.d/x.conf": "log_statement = none\n",
        "pg/pg_hba.conf": "local all all peer\nhost all all 127.0.0.1/32 trust\n"
                          "host all all 0.0.0.0/0 scram-sha-256\nhostssl all all 10.0.0.0 255.0.0.0 password\n"
                          "hostnossl all all 0.0.0.0/0 reject\n",
        "pgbouncer.ini": "[databases]\na = host=x\n[pgbouncer]\nauth_type = trust\nclient_tls_sslmode = require\n"
                         "server_tls_sslmode = verify-full\n",
    })
    got = sorted((r, p, l, c) for r, p, l, c in found)
    assert got == sorted([
        ("ssl/server-ssl-off", "pg/postgresql.conf", 1, 7),
        ("auth/password-encryption-md5", "pg/postgresql.conf", 2, 24),
        ("conf/syntax-error", "pg/postgresql.conf", 5, 1),
        ("logging/ddl-not-logged", "pg/conf.d/x.conf", 1, 17),
        ("auth/hba-trust", "pg/pg_hba.conf", 2, 1),
        ("auth/hba-open-address", "pg/pg_hba.conf", 3, 1),
        ("ssl/hba-host-without-ssl", "pg/pg_hba.conf", 3, 1),
        ("auth/hba-password", "pg/pg_hba.conf", 4, 1),
        ("auth/pgbouncer-auth-type", "pgbouncer.ini", 4, 13),
    ]), got
    clean, _ = findings_in({"postgresql.conf": "ssl = on\nlog_connections = on\n",
                            "pg_hba.conf": "hostssl all all 10.0.0.0/8 scram-sha-256\nhost all all ::1/128 scram-sha-256\n",
                            "pgbouncer.ini": "[pgbouncer]\nauth_type = scram-sha-256\nclient_tls_sslmode = require\n"
                                             "server_tls_sslmode = verify-ca\n"})
    assert clean == [], clean
    # TLS floor, md5 in pg_hba and pgbouncer's client TLS (explicitly off, or unset: its default is disable).
    found, _ = findings_in({"pg/postgresql.conf": "ssl = on\nssl_min_protocol_version = 'TLSv1'\n",
                            "pg/pg_hba.conf": "hostssl all all 10.0.0.0/8 md5\n",
                            "a/pgbouncer.ini": "[pgbouncer]\nauth_type = scram-sha-256\nclient_tls_sslmode = disable\n"
                                               "server_tls_sslmode = verify-full\n",
                            "b/pgbouncer.ini": "[pgbouncer]\nauth_type = scram-sha-256\n"
                                               "server_tls_sslmode = verify-full\n"})
    assert sorted(found) == [("auth/hba-md5", "pg/pg_hba.conf", 1, 1),
                             ("ssl/pgbouncer-tls-disabled", "a/pgbouncer.ini", 3, 22),
                             ("ssl/pgbouncer-tls-disabled", "b/pgbouncer.ini", 1, 1),
                             ("ssl/weak-min-protocol", "pg/postgresql.conf", 2, 29)], found
    clean, _ = findings_in({"postgresql.conf": "ssl = on\nssl_min_protocol_version = 'TLSv1.2'\n",
                            "pg_hba.conf": "hostssl all all 10.0.0.0/8 scram-sha-256\n"})
    assert clean == [], clean


# True and false positives per rule-pack pattern, the gitleaks way.
SECRET_CASES = [
    ("aws-access-key-id", "AWS_ACCESS_KEY_ID=AKIAQZ4XLMN7PQRS2TUV", "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX"),
    ("aws-secret-access-key", "AWS_SECRET_ACCESS_KEY=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",
     "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1"),
    ("github-token", "GH_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", "GH_TOKEN=ghp_short"),
    ("gitlab-token", "GL_TOKEN=glpat-abcdefghij1234567890", "GL_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx"),
    ("slack-token", "SLACK_BOT=xoxb-123456789012-abcdefghijkl", "SLACK_BOT=xoxb-"),
    ("slack-webhook", "HOOK=https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx",
     "HOOK=https://hooks.slack.com/services/your-webhook"),
    ("stripe-live-key", "STRIPE_KEY=sk_live_51Habcdefghijklmnopqrstuvwx", "STRIPE_KEY=sk_test_51Habcdefghijklmnopqrstuvwx"),
    ("google-api-key", "GOOGLE_KEY=AIzaSyA1234567890abcdefghijklmnopqrstuv", "GOOGLE_KEY=AIzaSyA123"),
    ("private-key", 'PEM="-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA"', 'PEM="-----BEGIN PUBLIC KEY-----"'),
    ("jwt", "TOKEN_SAMPLE=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "TOKEN_SAMPLE=eyJhbGciOiJIUzI1NiJ9"),
    ("database-url-password", "CACHE_URL=redis://default:Hunter2Hunter2@cache.example.com:6379",
     "CACHE_URL=redis://default:${REDIS_PASSWORD}@cache:6379"),
]


# More true and false positives per pattern, the gitleaks way: each line of the
# first list must be reported under exactly its pattern, no line of the second.
SECRET_MORE_POSITIVES = [
    ("aws-access-key-id", "AWS_KEY=ASIAY34FZKBOKMUTVV7A"),
    ("github-token", "TOKEN=gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github-token", "PAT=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    ("gitlab-token", "CI_TOKEN=glpat-Zx9_Yw8-Vu7Ts6Rq5Po4"),
    ("slack-token", "SLACK=xoxp-2345678901-3456789012-abcdefABCDEF"),
    ("stripe-live-key", "RESTRICTED=rk_live_0123456789abcdefghijklmnop"),
    ("google-api-key", "MAPS=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
    ("private-key", 'SSH_KEY="-----BEGIN OPENSSH PRIVATE KEY-----"'),
    ("private-key", 'TLS_KEY="-----BEGIN PRIVATE KEY-----"'),
    ("database-url-password", "MYSQL_URL=mysql://root:S3cretPw1@mysql.example.com/db"),
    ("database-url-password", "MONGO_URL=mongodb+srv://app:Pa55word1@cluster0.mongo.net/db"),
    ("database-url-password", "AMQP_URL=amqps://user:R4bbitPw@mq.internal.net"),
]
SECRET_MORE_NEGATIVES = [
    "AWS_KEY=AKIA1234", "NOTE=AKIAQZ4XLMN7PQRS2TUVXY", "GH=ghp_0123456789", "GL=glpat-short",
    "SLACK=xoxb-abc", "STRIPE=sk_live_short", "GOOGLE=AIzaShort", "PEM=-----BEGIN CERTIFICATE-----",
    "JWT=eyJhbGciOiJIUzI1NiJ9.payload", "MYSQL_URL=mysql://root@mysql.internal.net/db",
    "MYSQL_URL=mysql://root:${MYSQL_PW}@db/x", "MYSQL_URL=mysql://user:pw-example@localhost/db",
    "REDIS_URL=redis://cache:6379/0",
]


def test_secret_pattern_lists():
    lines = [line for _, line in SECRET_MORE_POSITIVES]
    found, doc = findings_in({"app.env": "\n".join(lines) + "\n"})
    got = sorted((f["line"], f["message"].rsplit("[", 1)[-1].rstrip("]")) for f in doc["findings"]
                 if f["rule"] == "secrets/known-secret-format")
    assert got == [(i + 1, p) for i, (p, _) in enumerate(SECRET_MORE_POSITIVES)], got
    found, doc = findings_in({"app.env": "\n".join(SECRET_MORE_NEGATIVES) + "\n"})
    assert not [f for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"], doc["findings"]


def test_secret_patterns():
    for pattern, positive, negative in SECRET_CASES:
        found, doc = findings_in({"app.env": positive + "\n"})
        hits = [f for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"]
        assert len(hits) == 1 and hits[0]["message"].endswith(f"[{pattern}]"), (pattern, doc["findings"])
        found, doc = findings_in({"app.env": negative + "\n"})
        assert not [f for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"], (pattern, doc)


def test_placeholder_and_weak_secrets():
    found, _ = findings_in({".env.production": "JWT_SECRET=your-jwt-secret-here\nDB_PASSWORD=changeme\n"
                                               "SESSION_SECRET=short-secret\nAPI_TOKEN=${TOKEN}\n"
                                               "CSRF_KEY=c2VjcmV0LWtleS1tYXRlcmlhbC1vZi1sZW5ndGgtNDQtYnl0ZXM=\n",
                            ".env.example": "JWT_SECRET=your-jwt-secret-here\nSESSION_SECRET=dev\n"})
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("secrets/placeholder-secret", ".env.production", 1), ("secrets/placeholder-secret", ".env.production", 2),
        ("secrets/weak-secret", ".env.production", 3)], found


def test_committed_env_file():
    """A tracked env file with a real secret is reported; untracked files and examples are not."""
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, {".env.production": "API_HOST=api.example.com\nSTRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n",
                     ".env.example": "STRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n",
                     "tracked-no-secret.env": "API_HOST=api.example.com\nSTRIPE_SECRET=${STRIPE_SECRET}\n"})
        write_tree(d, {".env.local": "STRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n"})
        rc, doc = check_json(".", cwd=d)
        hits = [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"]
        assert hits == [(".env.production", 1)], doc["findings"]
        assert "Qw7pL2xZ9vR4tY8uK3mN6bH1" not in json.dumps(doc)
        # Named by absolute path from outside the repository: git is asked in the file's directory.
        rc, doc = check_json(d, cwd="/")
        hits = [f["path"] for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"]
        assert hits == [os.path.join(d, ".env.production")], doc["findings"]
        git(d, "rm", "-q", "--cached", ".env.production")
        rc, doc = check_json(".", cwd=d)
        assert not [f for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"], doc["findings"]


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
                   for fmt in ("text", "json", "sarif", "github", "gitlab") for where in ("samples", d)]
    assert all("secrets/hardcoded-password" in o for o in outputs), [o[:200] for o in outputs]
    # Every fixture file was read and reported on (else the greps below prove nothing).
    reported = {os.path.basename(f["path"]) for f in json.loads(outputs[3])["findings"]}
    assert reported >= {".env", "compose.yml", "k8s.yaml", "deploy.sh", "app.ts"}, reported
    for o in outputs:
        for s in secrets:
            assert s not in o, f"secret {s[:2]}... printed"
            assert s[3:] not in o, f"tail of secret {s[:2]}... printed"

def test_yaml_settings():
    """Compose maps and lists, Kubernetes env lists and Secrets (base64 decoded), merge keys."""
    pw = "Xk9mQ2vLp8RtZ4wN"
    url = f"postgresql://app:{pw}@db.prod.example.com/app"
    files = {
        "docker-compose.yml": "x-db: &db-env\n  PGSSLMODE: prefer\nservices:\n  a:\n    environment:\n"
                              "      <<: *db-env\n  b:\n    environment:\n      <<: *db-env\n"
                              "  c:\n    environment:\n      - \"DATABASE_URL=postgres://u@db.example.com/app\"\n"
                              "      - DATABASE_URL=${DATABASE_URL}\n",
        "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n"
                           f"  DATABASE_URL: {base64.b64encode(url.encode()).decode()}\n"
                           "  NOT_BASE64: '%%%'\n"
                           "stringData:\n  PGSSLMODE: disable\n---\n"
                           "kind: Deployment\nspec:\n  containers:\n    - name: api\n      env:\n"
                           "        - name: DATABASE_URL\n          value: \"postgres://api@db.example.com/app?sslmode=require\"\n"
                           "        - name: OTHER_URL\n          value: \"postgres://api@db.example.com/app\"\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    env:\n      PGSSLMODE: verify-full\n"
                                   "      DATABASE_URL: postgres://ci@db.example.com/test\n",
    }
    found, doc = findings_in(files)
    assert sorted(found) == [
        ("secrets/hardcoded-password", "k8s/secret.yaml", 6, 17),
        ("ssl/missing-sslmode", "docker-compose.yml", 2, 14),      # once, at the anchor
        ("ssl/missing-sslmode", "docker-compose.yml", 12, 23),     # inside a quoted KEY=value item
        ("ssl/missing-sslmode", "k8s/secret.yaml", 6, 17),         # the decoded Secret value
        ("ssl/missing-sslmode", "k8s/secret.yaml", 9, 14),         # PGSSLMODE=disable
        ("ssl/missing-sslmode", "k8s/secret.yaml", 19, 19),        # OTHER_URL; DATABASE_URL has sslmode
    ], found
    out = json.dumps(doc)
    assert pw not in out and base64.b64encode(url.encode()).decode()[4:] not in out
    # A KEY=value list reached through two aliases is reported once, where it is written.
    found, _ = findings_in({"compose.yml": "x-env: &env\n  - PGSSLMODE=disable\nservices:\n"
                                           "  a: {environment: *env}\n  b: {environment: *env}\n"})
    assert found == [("ssl/missing-sslmode", "compose.yml", 2, 15)], found
    # The same settings in an env file give the same rules: one shape for every front-end.
    found_env, _ = findings_in({".env": f"DATABASE_URL={url}\n"})
    assert sorted(r for r, *_ in found_env) == ["secrets/hardcoded-password", "ssl/missing-sslmode"]


def test_yaml_bad_input():
    """An alias bomb, a syntax error and deep nesting are findings; the other files are still checked."""
    bomb = "a: &a [" + ",".join(["lol"] * 9) + "]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    files = {"bomb.yml": bomb + "PGSSLMODE: disable\n",
             "broken.yaml": "PGSSLMODE: disable\nlist: [1, 2\nb: c: d\n",
             "deep.yml": "[" * 5000 + "]" * 5000 + "\n",
             "undefined.yml": "a: *nowhere\n",
             "cycle.yml": "a: &a [*a, PGSSLMODE=disable]\nb: &b {c: *b}\n",
             ".env": "PGSSLMODE=disable\n"}
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        rc, out, err = run("check", "--format", "json", ".", cwd=d)
    assert rc == 1, err
    found = sorted((f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"])
    assert found == [
        ("ssl/missing-sslmode", ".env", 1),
        ("ssl/missing-sslmode", "broken.yaml", 1),      # read before the error
        ("ssl/missing-sslmode", "cycle.yml", 1),        # beside the cycle, still read
        ("yaml/alias-bomb", "bomb.yml", 1),
        ("yaml/alias-bomb", "cycle.yml", 1), ("yaml/alias-bomb", "cycle.yml", 2),
        ("yaml/syntax-error", "broken.yaml", 3),
        ("yaml/syntax-error", "deep.yml", 1),
        ("yaml/syntax-error", "undefined.yml", 1),
    ], found

def test_shell_front_end():
    """Assignments, client arguments and SQL handed to psql, at the script's own lines and columns."""
    script = (
        "#!/bin/sh\n"                                                               # 1
        "export PGPASSWORD='Qz7-deploy-Kp2vW9'\n"                                    # 2 libpq's password
        "DB_URL=${DATABASE_URL:-postgres://admin:Hu7nter2x@db.example.com/app}\n"   # 3 fallback URL
        "pg_dump -h db.example.com -U backup app > dump.sql\n"                       # 4 -h without sslmode
        "psql -h localhost -c \"ALTER ROLE app PASSWORD 'Zk8-rot4te-Me'\"\n"          # 5 SQL in -c
        "psql \"$DB_URL\" <<'SQL'\n"                                                 # 6
        "  -- a comment\n"                                                            # 7
        "  ALTER ROLE web PASSWORD 'Wq3-heredoc-Pw';\n"                               # 8 SQL in a heredoc
        "SQL\n"                                                                       # 9
        "psql --dbname=\"postgresql://u@db2.example.com/app\" <<EOF\n"                # 10 --dbname=
        "ALTER ROLE api PASSWORD '$API_PW';\n"                                        # 11 expansion: not a secret
        "SELEC broken;\n"                                                             # 12 syntax error
        "EOF\n"                                                                       # 13
        "echo \"PGPASSWORD=nothing here\"\n"                                          # 14 a string, not a setting
        "curl -d postgres://x@db3.example.com/app https://example.com\n"             # 15 any command's URL
        "psql -h db.example.com ; # pgrampart-ignore ssl/missing-sslmode: no\n"      # 16
    )
    found, doc = findings_in({"deploy.sh": script})
    assert sorted(found) == [
        ("secrets/hardcoded-password", "deploy.sh", 2, 20),
        ("secrets/hardcoded-password", "deploy.sh", 3, 41),
        ("secrets/hardcoded-password", "deploy.sh", 5, 48),
        ("secrets/hardcoded-password", "deploy.sh", 8, 28),
        ("sql/syntax-error", "deploy.sh", 12, 1),
        ("ssl/missing-sslmode", "deploy.sh", 3, 24),
        ("ssl/missing-sslmode", "deploy.sh", 4, 12),
        ("ssl/missing-sslmode", "deploy.sh", 10, 16),
        ("ssl/missing-sslmode", "deploy.sh", 15, 9),
        ("ssl/missing-sslmode", "deploy.sh", 16, 9),   # a trailing comment covers the next line only
    ], found
    out = json.dumps(doc)
    for secret in ("Qz7-deploy-Kp2vW9", "Hu7nter2x", "Zk8-rot4te-Me", "Wq3-heredoc-Pw"):
        assert secret not in out, secret
    # Clients run through sudo, docker, kubectl and env are still read.
    found, doc = findings_in({"ops.sh": (
        "sudo -u postgres psql -c \"ALTER ROLE a PASSWORD 'Wr4pp3d-Pw1'\"\n"
        "docker compose exec -T db psql -U postgres <<'SQL'\n"
        "ALTER ROLE b PASSWORD 'D0cker-Pw22';\n"
        "SQL\n"
        "kubectl exec -it db-0 -- psql -h db.example.com -U app\n"
        "env PGPASSWORD=Env-Pw-9x1 pg_dump -h db2.example.com app\n"
        "docker run --rm alpine echo -h db3.example.com\n")})
    assert sorted(found) == [
        ("secrets/hardcoded-password", "ops.sh", 1, 50),
        ("secrets/hardcoded-password", "ops.sh", 3, 24),
        ("secrets/hardcoded-password", "ops.sh", 6, 16),
        ("ssl/missing-sslmode", "ops.sh", 5, 34),
        ("ssl/missing-sslmode", "ops.sh", 6, 38),
    ], found
    # A part tree-sitter-bash cannot parse is one warning; what follows it is still read.
    found, _ = findings_in({"broken.sh": "export PGSSLMODE=disable\ncase x in\n  a) echo (( ;;\nesac\n"
                                         "psql -c \"ALTER ROLE z PASSWORD 'Br0ken-Sh-Pw'\"\n",
                            "fine.sh": "case x in\n  a) echo ok ;;\nesac\n"})
    assert sorted(found) == [("secrets/hardcoded-password", "broken.sh", 5, 33),
                             ("shell/syntax-error", "broken.sh", 3, 11),
                             ("ssl/missing-sslmode", "broken.sh", 1, 18)], found
    # A suppression in shell comment syntax on the line before.
    found, _ = findings_in({"d.sh": "# pgrampart-ignore ssl/missing-sslmode: CI database\n"
                                    "psql -h db.example.com\n"})
    assert found == [], found
    # With PGSSLMODE exported anywhere in the script, -h hosts are fine.
    found, _ = findings_in({"d.sh": "export PGSSLMODE=verify-full\npsql -h db.example.com\n"})
    assert found == [], found

def test_ci_workflow_shell():
    """The shell of GitHub Actions run: and GitLab CI script: steps, at the YAML file's positions."""
    gh = ("on: push\njobs:\n  migrate:\n    env:\n      PGSSLMODE: require\n    steps:\n"
          "      - run: |\n"                                                                # 7
          "          psql \"$DATABASE_URL\" -f schema.sql\n"                                  # 8
          "          psql \"$DATABASE_URL\" -c \"ALTER ROLE app PASSWORD 'Gh4-actions-Pw9'\"\n"  # 9
          "          pg_dump postgres://ci@db.example.com/app > dump.sql\n"                 # 10 PGSSLMODE applies
          "      - run: npm run test:${{ matrix.browser }} -- --x=${{ env.X }}\n")     # 11 expressions: no error
    gl = ("migrate:\n  script:\n"
          "    - export PGPASSWORD='Gl4b-ci-Pw7xQ'\n"                                         # 3
          "    - psql -h db.example.com -c 'SELECT 1'\n"                                      # 4
          "    - \"psql -h db2.example.com\"\n")                                              # 5 double-quoted: not read
    found, doc = findings_in({".github/workflows/deploy.yml": gh, ".gitlab-ci.yml": gl})
    assert sorted(found) == [
        ("secrets/hardcoded-password", ".github/workflows/deploy.yml", 9, 61),
        ("secrets/hardcoded-password", ".gitlab-ci.yml", 3, 26),
        ("ssl/missing-sslmode", ".gitlab-ci.yml", 4, 15),
    ], found
    assert "Gh4-actions-Pw9" not in json.dumps(doc) and "Gl4b-ci-Pw7xQ" not in json.dumps(doc)


def test_js_front_end():
    """Client options, fallbacks and literals in JS and TS; comments ignored; error nodes skipped."""
    ts = (
        "import { Pool } from 'pg';\n"                                                   # 1
        "// postgres://u:Commented9x@db.example.com/app is only a comment\n"             # 2
        "export const pool = new Pool({\n"                                               # 3
        "  connectionString: process.env.DATABASE_URL,\n"                               # 4
        "  ssl: { rejectUnauthorized: false },\n"                                       # 5
        "});\n"                                                                          # 6
        "const c = new Client({ host: 'db.example.com', password: 'Hu7nter2-Xy9', ssl: false });\n"  # 7
        "const ui = { ssl: false, theme: 'dark' };\n"                                    # 8 not a client
        "export const jwtSecret = process.env.JWT_SECRET || 'changeme';\n"               # 9
        "const sql = postgres(`postgres://app@${host}/app?sslmode=verify-full`);\n"      # 10 fine
        "const prisma = new PrismaClient({ datasources: { db: { url: 'postgresql://a@db.example.com/d' } } });\n"  # 11
        "const knexConfig = { client: 'pg', connection: 'postgres://k@db.example.com/app?sslmode=no-verify' };\n"  # 12
        "const seq = new Sequelize('app', 'web', 'Sq7-lz3-Pw9x', { host: 'db.example.com', dialect: 'postgres' });\n"  # 13
        "createToken('MAINVERSION', '(\\\\d+)\\\\.(\\\\d+)\\\\.(\\\\d+)-Xk9mQ2');\n"            # 14 a function named *token* (semver)
    )
    found, doc = findings_in({"src/db.ts": ts,
                              "web/App.tsx": "export const App = () => <div token={'x'}>{`postgres://t@db.example.com/x`}</div>;\n",
                              "broken.js": "const a = ;\nconst b = new Pool({ ssl: { rejectUnauthorized: false } });\n",
                              "vendor/lib.min.js": "var p='postgres://m@db.example.com/x';\n"})
    assert sorted(found) == [
        ("js/syntax-error", "broken.js", 1, 9),
        ("secrets/known-secret-format", "src/db.ts", 7, 59),
        ("secrets/known-secret-format", "src/db.ts", 13, 42),
        ("secrets/placeholder-secret", "src/db.ts", 9, 53),
        ("ssl/missing-sslmode", "src/db.ts", 7, 79),
        ("ssl/missing-sslmode", "src/db.ts", 11, 62),
        ("ssl/missing-sslmode", "web/App.tsx", 1, 45),
        ("ssl/tls-verification-disabled", "broken.js", 2, 49),    # after the error node
        ("ssl/tls-verification-disabled", "src/db.ts", 5, 30),
        ("ssl/tls-verification-disabled", "src/db.ts", 12, 49),
    ], found
    assert "Hu7nter2-Xy9" not in json.dumps(doc)
    # A suppression in JS comment syntax.
    found, _ = findings_in({"a.js": "// pgrampart-ignore ssl/tls-verification-disabled: test double\n"
                                    "new Pool({ ssl: { rejectUnauthorized: false } });\n"})
    assert found == [], found


def test_generic_secret():
    """The rule pack's generic-secret pattern: true and false positives, the gitleaks way."""
    positives = ["api_token: Xk9mQ2vLp8RtZ4wN", "password: hunter2-Xy9Q", "DB_PASSWORD: \"p4ssW0rd!xyz\"",
                 "clientSecret: 7f3a9b2c1d8e4f60", "STRIPE_API_KEY: rk_test_Xk9mQ2vLp8Rt"]
    negatives = ["password: postgres", "POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
                 "secretName: my-app-secret-tls", "token_url: https://auth.example.com/oauth/token",
                 "password: ${DB_PASSWORD}", "password: changeme", "api_key: xxxxxxxxxxxxxxxx",
                 "password: example-Pa55w0rd", "password_min_length: 12345678", "name: Xk9mQ2vLp8RtZ4wN"]
    for line in positives:
        found, doc = findings_in({"app.yml": line + "\n"})
        hits = [f["message"] for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"]
        assert len(hits) == 1 and hits[0].endswith("[generic-secret]"), (line, doc["findings"])
    for line in negatives:
        found, doc = findings_in({"app.yml": line + "\n"})
        assert not [f for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"], (line, doc)
    # Env files hold secrets by design: committed-env-file covers them, not this pattern.
    found, _ = findings_in({".env": "API_TOKEN=Xk9mQ2vLp8RtZ4wN\n"})
    assert found == [], found

def test_local_dev_password():
    """postgres:postgres@localhost is a lower-severity finding; the same password on a server is not."""
    found, doc = findings_in({".env": "A_URL=postgres://postgres:postgres@localhost:5432/app\n"
                                      "B_URL=postgresql://app:app@127.0.0.1/app\n"
                                      "C_URL=postgres://postgres:postgres@db.example.com/app?sslmode=verify-full\n"
                                      "D_URL=postgres://app:Xk9mQ2vLp8RtZ4wN@localhost/app\n",
                              "docker-compose.yml": "services:\n  api:\n    environment:\n"
                                                    "      DATABASE_URL: postgres://postgres:postgres@localhost/app\n"})
    got = sorted((f["rule"], f["path"], f["line"], f["severity"]) for f in doc["findings"])
    assert got == [
        ("secrets/hardcoded-password", ".env", 3, "error"),
        ("secrets/hardcoded-password", ".env", 4, "error"),
        ("secrets/local-dev-password", ".env", 1, "info"),
        ("secrets/local-dev-password", ".env", 2, "info"),
        ("secrets/local-dev-password", "docker-compose.yml", 4, "info"),
    ], got

def test_user_rule_pack():
    """rule_packs: in the config adds a team's patterns and placeholder words to the shipped pack."""
    pack = ("secrets:\n  placeholders:\n    - team-default\n  patterns:\n"
            "    - id: acme-token\n      description: ACME deploy token\n"
            "      regex: '\\b(acme_[a-z0-9]{20})\\b'\n      group: '1'\n      keywords: 'acme_'\n")
    files = {".pgrampart.yml": "rule_packs: [policy/team-secrets.yml]\n",
             "policy/team-secrets.yml": pack,
             ".env.production": "ACME_KEY=acme_abcdefghij0123456789\n"
                                "GH_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyzAB\n"
                                "DB_PASSWORD=team-default\n"}
    found, doc = findings_in(files)
    got = sorted((f["rule"], f["path"], f["line"]) for f in doc["findings"])
    assert got == [("secrets/known-secret-format", ".env.production", 1),
                   ("secrets/known-secret-format", ".env.production", 2),
                   ("secrets/placeholder-secret", ".env.production", 3)], got
    messages = sorted(f["message"] for f in doc["findings"] if f["rule"] == "secrets/known-secret-format")
    assert messages[0].endswith("[acme-token]") and messages[1].endswith("[github-token]"), messages
    # Without the pack the ACME token is unknown and the word is not a placeholder.
    del files[".pgrampart.yml"]
    found, _ = findings_in(files)
    assert [(r, l) for r, _, l, _ in found] == [("secrets/known-secret-format", 2)], found
    # A pack that does not exist, or does not parse, stops the run (exit 2) naming it.
    for cfg, pack_text, needle in (("rule_packs: [nowhere.yml]\n", None, "nowhere.yml"),
                                   ("rule_packs: [p.yml]\n", "secrets: [\n", "p.yml:")):
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {".pgrampart.yml": cfg, "a.env": "X=1\n"})
            if pack_text:
                write_tree(d, {"p.yml": pack_text})
            rc, out, err = run("check", ".", cwd=d)
            assert rc == 2 and needle in err, (rc, err)


def test_tls_verification_disabled():
    """No certificate check: NODE_TLS_REJECT_UNAUTHORIZED=0, sslmode=no-verify, below required_sslmode."""
    files = {".env": "NODE_TLS_REJECT_UNAUTHORIZED=0\n"
                     "A_URL=postgres://a@db.example.com/app?sslmode=no-verify\n"
                     "B_URL=postgres://b@db.example.com/app?sslmode=require\n"
                     "C_URL=postgres://c@db.example.com/app?sslmode=verify-full\n"
                     "NODE_TLS_REJECT_UNAUTHORIZED_X=0\n"}
    found, _ = findings_in(files)
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("ssl/tls-verification-disabled", 1), ("ssl/tls-verification-disabled", 2)], found
    # With the policy at verify-full, require no longer passes.
    files[".pgrampart.yml"] = "ssl:\n  required_sslmode: verify-full\n"
    found, _ = findings_in(files)
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("ssl/tls-verification-disabled", 1), ("ssl/tls-verification-disabled", 2),
        ("ssl/tls-verification-disabled", 3)], found

MUTATION_TOKENS = [b"<<EOF\n", b"<<'SQL'\n", b"\nEOF\n", b'psql -c "', b"${", b"$(", b"`", b"&a ", b"*a",
                   b"<<: *a\n", b"- ", b": ", b"|\n", b"${{", b"}}", b"new Pool({", b"})", b"'", b'"', b"\\",
                   b"/*", b"*/", b"--", b";", b"(", b")", b"\xff", b"\xe2\x80\xa8", b"\n  ", b"\t", b"$$"]


def mutated_tree(d, per_file, seed):
    """Write per_file deterministic mutations of each of the samples' SQL, env, YAML, shell, TS and
    pg_hba files under d (one directory each, so names keep their kind); return how many."""
    rng = random.Random(seed)
    sources = [os.path.join(ARGS.source, "samples", rel) for rel in (
        "docker-compose.yml", "deploy/k8s/api.prod.yaml", "scripts/deploy.sh", "src/db.ts",
        "migrations/011_sessions.sql", ".env.production", "config/pg_hba.conf")]
    n = 0
    for src in sources:
        with open(src, "rb") as f:
            data = f.read()
        for _ in range(per_file):
            b = bytearray(data)
            for _ in range(rng.randint(1, 16)):
                pos = rng.randrange(len(b) + 1)
                if rng.random() < 0.3 and b:
                    del b[pos:pos + rng.randint(1, 6)]
                else:
                    b[pos:pos] = rng.choice(MUTATION_TOKENS)
            write_tree(d, {os.path.join(f"m{n}", os.path.basename(src)): bytes(b)})
            n += 1
    return n


def test_mutated_inputs_never_crash():
    """600 deterministic mutations of the samples' files: every run ends with exit 0 or 1 and a
    readable report (bad input never crashes)."""
    with tempfile.TemporaryDirectory() as d:
        n = mutated_tree(d, 86, 5)
        rc, out, err = run("check", "--format", "json", ".", cwd=d)
    assert rc in (0, 1), (rc, err[-500:])
    assert json.loads(out)["summary"]["files"] == n, err[-500:]


def test_sanitizers():
    """An ASan/UBSan build (build/sanitize, -O0) runs the samples in every output format, every kind
    of bad input, mutated files, --staged and --diff-base in a git repository, a baseline written
    and read back, init, the model dump and the live audit without a report."""
    build = os.path.join(os.path.dirname(os.path.abspath(ARGS.bin)), "sanitize")
    if not os.path.exists(os.path.join(build, "build.ninja")):
        subprocess.run(["meson", "setup", build, ARGS.source, "-Db_sanitize=address,undefined",
                        "-Db_lundef=false", "--buildtype=debug"], check=True, capture_output=True)
    p = subprocess.run(["ninja", "-C", build], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-3000:]
    binary = os.path.join(build, "pgrampart")
    env = dict(os.environ, NO_COLOR="1", ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")

    def clean(args, cwd):
        p = subprocess.run([binary, *args], cwd=cwd, env=env, capture_output=True, text=True,
                           errors="replace", timeout=600)
        assert p.returncode in (0, 1) and "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, \
            (args, p.returncode, p.stderr[-3000:])

    formats = ("text", "json", "sarif", "github", "gitlab")
    for args in [["check", "--format", f, "samples"] for f in formats] + [
            ["model", "samples/migrations"], ["model", "samples"], ["explain", "--markdown"]]:
        clean(args, ARGS.source)
    # git: the index (--staged, with a working copy that differs) and a merge base
    # (--diff-base); then a baseline of that tree written and read back.
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, dict(BASE, **{".env": "DATABASE_URL=postgres://u:pw-0123456789@db.example.com/x\n"}))
        git(d, "checkout", "-q", "-b", "feature")
        write_tree(d, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO PUBLIC;\n",
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n",
                       ".env": "DATABASE_URL=postgres://u:pw-9876543210@db.example.com/y\nPGSSLMODE=disable\n"})
        git(d, "add", "-A")
        write_tree(d, {"db/migrations/002_b.sql": "GRANT ALL ON a TO PUBLIC;\n"})
        for f in formats:
            clean(["check", "--staged", "--format", f], d)
        git(d, "commit", "-qam", "change")
        for f in formats:
            clean(["check", "--diff-base", "main", "--format", f, "."], d)
        clean(["check", "--write-baseline", "baseline.json", "."], d)
        assert os.path.getsize(os.path.join(d, "baseline.json")) > 0
        write_tree(d, {"db/migrations/003_c.sql": "CREATE TABLE c (id int);\n"})
        for f in formats:
            clean(["check", "--baseline", "baseline.json", "--format", f, "."], d)
    # init writes a starter configuration that check then reads.
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, dict(BASE, **{".env.production": "PGSSLMODE=disable\n"}))
        clean(["init"], d)
        assert os.path.exists(os.path.join(d, ".pgrampart.yml"))
        clean(["check", "."], d)
    bomb = "a: &a [" + ",".join(["x"] * 9) + "]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"bomb.yml": bomb, "cycle.yml": "a: &a [*a]\n", "deep.yml": "[" * 3000 + "]" * 3000,
                       "broken.yaml": "a: [1\n", "deep.sql": "SELECT " + "1+" * 5000 + "1;\n",
                       "bad.sql": b"SELECT '\xff';\n", "bad.env": b"A=\xff\n", "bad.sh": b"echo \xff\n",
                       "bad.ts": b"const a = '\xff';\n", "broken.js": "const a = ;\nnew Pool({ ssl: false });\n",
                       "bin.sql": b"\x00\x01\x02", "empty.sh": "", "empty.yml": "",
                       "long.env": "X=" + "y" * (4 << 20) + "\n", "long.ts": "const s = '" + "y" * (4 << 20) + "';\n",
                       "deep.js": "const s = 'a'" + " + 'a'" * 6000 + ";\n", "deep.sh": "true" + " && true" * 6000})
        mutated_tree(os.path.join(d, "mutated"), 30, 9)
        clean(["check", "."], d)
    with samples_cluster() as c:
        if c is not None:
            clean(["audit", "--migrations", "samples/migrations", c.conninfo()], ARGS.source)

def test_deep_scripts_and_code():
    """6,000-term chains in JS and shell: the part past 4,000 levels is one warning, the rest is read."""
    found, _ = findings_in({
        "deep.js": "const s = 'postgres://u@db.example.com/x'" + " + 'a'" * 6000 + ";\n"
                   "const t = 'postgres://v@db2.example.com/x' + 'b';\n",
        "deep.sh": "true" + " && true" * 6000 + " && psql -h db.example.com\n"})
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("js/syntax-error", "deep.js", 1), ("shell/syntax-error", "deep.sh", 1),
        ("ssl/missing-sslmode", "deep.js", 2), ("ssl/missing-sslmode", "deep.sh", 1)], found


def test_sql_too_deep():
    """A statement nested thousands of levels deep is refused, not a crash; its neighbours are checked."""
    sql = ("CREATE TABLE t (id int);\nSELECT " + "1+" * 5000 + "1;\nSELECT " + "(" * 5000 + "1" +
           ")" * 5000 + ";\nSELECT " + "1+" * 900 + "1;\nGRANT SELECT ON t TO PUBLIC;\n")
    found, _ = findings_in({"a.sql": sql})
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("grants/grant-to-public", 5), ("rls/table-without-rls", 1),
        ("sql/too-deep", 2), ("sql/too-deep", 3)], found


def test_fifty_megabyte_lines():
    """A 50 MB single-line env and YAML file are read; the settings after the line are still checked."""
    line = "x" * (50 << 20)
    found, _ = findings_in({".env": f"BLOB={line}\nPGSSLMODE=disable\n",
                            "big.yml": f"blob: {line}\nPGSSLMODE: disable\n",
                            "big.sh": f"BLOB={line}\nexport PGSSLMODE=disable\n",
                            "big.js": f"const blob = '{line}';\nnew Pool({{ ssl: {{ rejectUnauthorized: false }} }});\n"})
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("ssl/missing-sslmode", ".env", 2), ("ssl/missing-sslmode", "big.sh", 2),
        ("ssl/missing-sslmode", "big.yml", 2), ("ssl/tls-verification-disabled", "big.js", 2)], found


def test_invalid_utf8_front_ends():
    """Invalid UTF-8 in YAML, shell and JS files is reported where it is; the rest is still read."""
    found, _ = findings_in({"a.yml": b"a: \xff\xfe bad\nPGSSLMODE: disable\n",
                            "a.js": b"const a = \"\xff\xfe\";\nnew Pool({ ssl: { rejectUnauthorized: false } });\n",
                            "a.sh": b"echo \xff\nexport PGSSLMODE=disable\n"})
    assert sorted(found) == [
        ("core/invalid-utf8", "a.js", 1, 12), ("core/invalid-utf8", "a.sh", 1, 6),
        ("core/invalid-utf8", "a.yml", 1, 4),
        ("ssl/missing-sslmode", "a.sh", 2, 18),
        ("ssl/missing-sslmode", "a.yml", 2, 12),    # libyaml reads it with '?' for the bad bytes
        ("ssl/tls-verification-disabled", "a.js", 2, 39),
    ], found


def test_single_file_context():
    """A migration named alone is judged within its set (pre-commit passes single files)."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {
            "db/migrations/001_a.sql": "CREATE TABLE a (id int);\n",
            "db/migrations/002_b.sql": "ALTER TABLE a ENABLE ROW LEVEL SECURITY;\nCREATE TABLE b (id int);\n"
                                       "CREATE POLICY p ON a USING (id = 1);\n",
            "db/migrations/rollback/001_a.sql": "DROP TABLE a;\n",
            "db/migrations/rollback/002_b.sql": "DROP TABLE b;\nDROP POLICY p ON a;\n"
                                                "ALTER TABLE a DISABLE ROW LEVEL SECURITY;\n",
            "db/migrations/003_c.sql": "SELECT 1;\n",
        })
        # 001 has its rollback and a later migration enables RLS on a: clean.
        rc, doc = check_json("db/migrations/001_a.sql", cwd=d)
        assert rc == 0 and doc["findings"] == [] and doc["summary"]["files"] == 1, doc
        # The rollback dir's parent is the set: naming a rollback works too.
        rc, doc = check_json("db/migrations/rollback/002_b.sql", cwd=d)
        assert rc == 0 and doc["findings"] == [], doc
        # Findings of the named file only (b lacks RLS, 003 lacks a rollback: not named).
        _, doc = check_json("db/migrations/002_b.sql", cwd=d)
        assert [(f["rule"], f["path"], f["line"]) for f in doc["findings"]] == \
            [("rls/table-without-rls", "db/migrations/002_b.sql", 2)], doc


def test_model_dump():
    rc, out, err = run("model", "samples/migrations", cwd=ARGS.source)
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["version"] == 1 and len(doc["models"]) == 1
    m = doc["models"][0]
    assert m["source"] == "samples/migrations" and m["from_migrations"] is True
    tables = {t["name"]: t for t in m["tables"]}
    # message_feedback was renamed to feedback after RLS was enabled; the scratch table is gone.
    assert sorted(tables) == ["api_keys", "audit_log", "conversations", "feedback", "invitations",
                              "messages", "sessions", "tenants", "usage_metrics", "users"], sorted(tables)
    assert "search" in tables["messages"]["columns"] and "tenant_id" in tables["users"]["columns"]
    assert tables["feedback"]["relrowsecurity"] and not tables["usage_metrics"]["relrowsecurity"]
    assert tables["usage_metrics"]["defined_at"] == "samples/migrations/005_create_usage_metrics.sql:3:1"
    pols = {p["name"]: p for p in m["policies"]}
    assert pols["feedback_tenant_isolation"]["table"] == "feedback"
    assert pols["feedback_insert_any"]["polcmd"] == "a" and pols["feedback_insert_any"]["with_check"] == "true"
    assert pols["users_admin_update"]["roles"] == ["app_web"]
    acl = {(a["object"], a["grantee"]): a for a in m["acl"]}
    assert acl[("public.feedback", "app_web")]["privileges"] == "arwdDxt"
    assert acl[("public.users", "app_reporter")]["grant_options"] == "r"
    assert acl[("public.usage_metrics", "PUBLIC")]["privileges"] == "r"
    fns = {f["name"]: f for f in m["functions"]}
    assert fns["current_tenant_id"]["search_path_set"] and not fns["current_tenant_id"]["public_execute"]
    assert fns["purge_tenant"]["prosecdef"] and fns["purge_tenant"]["language"] == "plpgsql"
    roles = {r["name"]: r for r in m["roles"]}
    assert roles["migrator"]["rolsuper"] and roles["support_admin"]["rolbypassrls"]
    assert run("model", "does-not-exist", cwd=ARGS.source)[0] == 2


# --- rules: a positive and a negative case each -----------------------------

def test_rule_table_without_rls():
    pos, _ = findings_in({"migrations/001_a.sql": "CREATE TABLE a (id int);\n",
                          "migrations/rollback/001_a.sql": "DROP TABLE a;\n"})
    pos = only(pos, "rls/table-without-rls")
    assert pos == [("rls/table-without-rls", "migrations/001_a.sql", 1, 1)], pos
    # Enabled in a later migration, under a new name: clean.  Dropped: clean.
    neg, _ = findings_in({
        "migrations/001_a.sql": "CREATE TABLE a (id int);\nCREATE TABLE tmp (x int);\n",
        "migrations/002_b.sql": "ALTER TABLE a RENAME TO b;\nDROP TABLE tmp;\n",
        "migrations/010_c.sql": "ALTER TABLE public.b ENABLE ROW LEVEL SECURITY;\nCREATE TEMP TABLE s (a int);\n"
                                "CREATE POLICY p ON b USING (id = 1);\n",
        "migrations/rollback/001_a.sql": "DROP TABLE a;", "migrations/rollback/002_b.sql": "ALTER TABLE b RENAME TO a;",
        "migrations/rollback/010_c.sql": "ALTER TABLE b DISABLE ROW LEVEL SECURITY;"})
    neg = only(neg, "rls/table-without-rls")
    assert neg == [], neg
    # Order is by version (2 before 10), not by name: disabling in 10 wins.
    late, _ = findings_in({"migrations/2_a.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                                 "CREATE POLICY p ON a USING (id = 1);\n",
                           "migrations/10_b.sql": "ALTER TABLE a DISABLE ROW LEVEL SECURITY;\n",
                           "migrations/2_a.down.sql": "DROP TABLE a;", "migrations/10_b.down.sql": "SELECT 1;"})
    late = only(late, "rls/policy-without-rls")
    # (With its policy left behind, the precise finding is policy-without-rls.)
    assert late == [("rls/policy-without-rls", "migrations/2_a.sql", 3, 1)], late


def test_rule_rls_without_policy():
    pos, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"})
    assert pos == [("rls/rls-without-policy", "m.sql", 2, 1)], pos
    neg, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                   "CREATE POLICY p ON a USING (id = 1);\n"})
    assert neg == [], neg


def test_rule_policy_without_rls():
    pos, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nCREATE POLICY p ON a USING (id = 1);\n"
                                   "CREATE POLICY q ON a USING (id = 2);\n"})
    pos = only(pos, "rls/policy-without-rls")
    assert pos == [("rls/policy-without-rls", "m.sql", 2, 1)], pos
    # RLS disabled later: the policies stop applying.
    late, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                    "CREATE POLICY p ON a USING (id = 1);\nALTER TABLE a DISABLE ROW LEVEL SECURITY;\n"})
    late = only(late, "rls/policy-without-rls")
    assert late == [("rls/policy-without-rls", "m.sql", 3, 1)], late
    neg, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nCREATE POLICY p ON a USING (id = 1);\n"
                                   "ALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"})
    neg = only(neg, "rls/policy-without-rls")
    assert neg == [], neg


def test_rule_policy_always_true():
    pos, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                   "CREATE POLICY p ON a USING (true);\n"
                                   "CREATE POLICY q ON a FOR DELETE USING (1 = 1);\n"
                                   "CREATE POLICY r ON a FOR INSERT WITH CHECK (id > 0 OR 'a' = 'a');\n"})
    pos = only(pos, "rls/policy-always-true")
    assert pos == [("rls/policy-always-true", "m.sql", 3, 29), ("rls/policy-always-true", "m.sql", 4, 40),
                   ("rls/policy-always-true", "m.sql", 5, 45)], pos
    # A public read policy is a legitimate pattern; restrictive policies only narrow.
    neg, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                   "CREATE POLICY p ON a FOR SELECT USING (true);\n"
                                   "CREATE POLICY q ON a AS RESTRICTIVE USING (true);\n"
                                   "CREATE POLICY r ON a USING (id = 1 AND true);\n"})
    neg = only(neg, "rls/policy-always-true")
    assert neg == [], neg


def test_rule_policy_missing_with_check():
    pos, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                   "CREATE POLICY p ON a FOR INSERT;\nCREATE POLICY q ON a FOR UPDATE TO app;\n"
                                   "CREATE POLICY r ON a;\n"})
    pos = only(pos, "rls/policy-missing-with-check")
    assert rules_of(pos) == ["rls/policy-missing-with-check"] * 3, pos
    neg, _ = findings_in({"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                   "CREATE POLICY p ON a FOR INSERT WITH CHECK (id = 1);\n"
                                   "CREATE POLICY q ON a FOR UPDATE USING (id = 1);\n"
                                   "CREATE POLICY r ON a FOR DELETE;\n"})
    neg = only(neg, "rls/policy-missing-with-check")
    assert neg == [], neg


def test_rule_multiple_permissive_policies():
    base = "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
    pos, _ = findings_in({"m.sql": base + "CREATE POLICY p ON a TO app USING (id = 1);\n"
                                          "CREATE POLICY q ON a FOR SELECT TO app, other USING (id = 2);\n"})
    assert pos == [("rls/multiple-permissive-policies", "m.sql", 4, 1)], pos
    neg, _ = findings_in({"m.sql": base + "CREATE POLICY p ON a FOR SELECT TO app USING (id = 1);\n"
                                          "CREATE POLICY q ON a FOR UPDATE TO app USING (id = 1);\n"
                                          "CREATE POLICY r ON a FOR SELECT TO other USING (id = 2);\n"
                                          "CREATE POLICY s ON a AS RESTRICTIVE FOR SELECT TO app USING (id > 0);\n"})
    assert neg == [], neg


def test_rule_rls_not_forced():
    files = {"m.sql": "CREATE TABLE a (id int);\nALTER TABLE a OWNER TO app_web;\n"
                      "ALTER TABLE a ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON a USING (id = 1);\n"
                      "CREATE TABLE b (id int);\nALTER TABLE b OWNER TO migrator;\n"
                      "ALTER TABLE b ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON b USING (id = 1);\n",
             ".pgrampart.yml": "rls:\n  application_roles: [app_web]\n"}
    pos, _ = findings_in(files)
    assert pos == [("rls/rls-not-forced", "m.sql", 3, 1)], pos
    files["m.sql"] += "ALTER TABLE a FORCE ROW LEVEL SECURITY;\n"
    neg, _ = findings_in(files)
    assert neg == [], neg
    # Without configured application roles nothing is known to bypass.
    del files[".pgrampart.yml"]
    files["m.sql"] += "ALTER TABLE a NO FORCE ROW LEVEL SECURITY;\n"
    assert findings_in(files)[0] == []


TENANT = "CREATE TABLE a (id int, tenant_id uuid);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"


def test_rule_tenant_policy_not_scoped():
    pos, _ = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a USING (id > 0);\n"
                                            "CREATE POLICY q ON a FOR INSERT WITH CHECK (true);\n"})
    assert only(pos, "rls/tenant-policy-not-scoped") == [
        ("rls/tenant-policy-not-scoped", "m.sql", 3, 1), ("rls/tenant-policy-not-scoped", "m.sql", 4, 1)], pos
    # Scoped directly, through a subquery, or only narrowed by a restrictive policy: fine.
    neg, _ = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a USING (a.tenant_id = current_setting('t')::uuid);\n"
                                            "CREATE POLICY q ON a FOR INSERT WITH CHECK (id IN (SELECT id FROM b "
                                            "WHERE tenant_id = current_setting('t')::uuid));\n"
                                            "CREATE POLICY r ON a AS RESTRICTIVE USING (id > 0);\n"
                                            "CREATE TABLE c (id int);\nALTER TABLE c ENABLE ROW LEVEL SECURITY;\n"
                                            "CREATE POLICY s ON c USING (id > 0);\n"})
    assert only(neg, "rls/tenant-policy-not-scoped") == [], neg
    # The column is configurable.
    conf, _ = findings_in({"m.sql": "CREATE TABLE a (id int, org_id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                    "CREATE POLICY p ON a USING (id > 0);\n",
                           ".pgrampart.yml": "rls:\n  tenant_column: org_id\n"})
    assert only(conf, "rls/tenant-policy-not-scoped") == [("rls/tenant-policy-not-scoped", "m.sql", 3, 1)], conf


def test_rule_policy_command_coverage():
    scoped = " (tenant_id = current_setting('t')::uuid)"
    pos, doc = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a FOR SELECT USING" + scoped + ";\n"
                                              "CREATE POLICY q ON a FOR INSERT WITH CHECK" + scoped + ";\n"})
    assert only(pos, "rls/policy-command-coverage") == [("rls/policy-command-coverage", "m.sql", 3, 1)], pos
    assert "UPDATE, DELETE" in doc["findings"][0]["message"], doc
    neg, _ = findings_in({"m.sql": TENANT + "CREATE POLICY p ON a USING" + scoped + ";\n"
                                            "CREATE TABLE c (id int);\nALTER TABLE c ENABLE ROW LEVEL SECURITY;\n"
                                            "CREATE POLICY s ON c FOR SELECT USING (id > 0);\n"})
    assert only(neg, "rls/policy-command-coverage") == [], neg


def test_rule_view_bypasses_rls():
    base = "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON a USING (id = 1);\n"
    pos, doc = findings_in({"m.sql": base + "CREATE VIEW v AS SELECT * FROM (SELECT id FROM public.a) s;\n"
                                            "CREATE MATERIALIZED VIEW mv AS SELECT id FROM a;\n"
                                            "CREATE VIEW w WITH (security_invoker = true) AS SELECT * FROM a;\n"
                                            "ALTER VIEW w SET (security_invoker = false);\n"})
    assert only(pos, "rls/view-bypasses-rls") == [("rls/view-bypasses-rls", "m.sql", 4, 1),
                                                  ("rls/view-bypasses-rls", "m.sql", 5, 1),
                                                  ("rls/view-bypasses-rls", "m.sql", 6, 1)], pos
    assert "security_invoker = true" in doc["findings"][0]["hint"], doc
    neg, _ = findings_in({"m.sql": base + "CREATE VIEW w WITH (security_invoker) AS SELECT * FROM a;\n"
                                          "CREATE TABLE b (id int);\nCREATE VIEW x AS SELECT * FROM b;\n"
                                          "CREATE VIEW y AS SELECT * FROM a;\nDROP VIEW y;\n"
                                          "CREATE VIEW z AS SELECT * FROM b;\nALTER TABLE a RENAME TO c;\n"})
    assert only(neg, "rls/view-bypasses-rls") == [], neg


def test_rule_public_schema_create():
    pg14 = {".pgrampart.yml": "postgres_version: 14\n"}
    pos, _ = findings_in(dict(pg14, **{"m/001_a.up.sql": "CREATE TABLE a (id int);\n",
                                       "m/001_a.down.sql": "DROP TABLE a;\n"}))
    assert only(pos, "grants/public-schema-create") == [("grants/public-schema-create", "m/001_a.up.sql", 1, 1)], pos
    # On 15 and later only an explicit GRANT opens it.
    pos15, _ = findings_in({"g.sql": "GRANT CREATE ON SCHEMA public TO PUBLIC;\n"})
    assert only(pos15, "grants/public-schema-create") == [("grants/public-schema-create", "g.sql", 1, 1)], pos15
    neg, _ = findings_in(dict(pg14, **{"m/001_a.up.sql": "REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n",
                                       "m/001_a.down.sql": "GRANT CREATE ON SCHEMA public TO PUBLIC;\n"}))
    assert neg == [], neg
    assert only(findings_in({"m/001_a.up.sql": "SELECT 1;", "m/001_a.down.sql": "SELECT 1;"})[0],
                "grants/public-schema-create") == []


def test_rule_default_privileges_to_public():
    pos, _ = findings_in({"d.sql": "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;\n"
                                   "ALTER DEFAULT PRIVILEGES FOR ROLE o IN SCHEMA s, t GRANT USAGE ON SEQUENCES TO public;\n"})
    assert only(pos, "grants/default-privileges-to-public") == [
        ("grants/default-privileges-to-public", "d.sql", 1, 1), ("grants/default-privileges-to-public", "d.sql", 2, 1),
        ("grants/default-privileges-to-public", "d.sql", 2, 1)], pos
    neg, _ = findings_in({"d.sql": "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reader;\n"
                                   "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;\n"
                                   "ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM PUBLIC;\n"
                                   "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n"})
    assert only(neg, "grants/default-privileges-to-public") == [], neg


def test_rule_grant_to_public():
    pos, _ = findings_in({"g.sql": "GRANT SELECT ON TABLE t TO PUBLIC;\nGRANT USAGE ON SCHEMA s TO public;\n"
                                   "GRANT EXECUTE ON FUNCTION f(int) TO PUBLIC;\n"
                                   "GRANT USAGE ON SEQUENCE q TO PUBLIC;\nGRANT CONNECT ON DATABASE d TO PUBLIC;\n"})
    assert rules_of(pos) == ["grants/grant-to-public"] * 5, pos
    neg, _ = findings_in({"g.sql": "GRANT SELECT ON t TO app;\nGRANT SELECT ON t2 TO PUBLIC;\n"
                                   "REVOKE SELECT ON t2 FROM PUBLIC;\n"})
    assert neg == [], neg


def test_rule_grant_all_privileges():
    pos, _ = findings_in({"g.sql": "GRANT ALL PRIVILEGES ON TABLE t TO app;\n"
                                   "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON u TO app;\n"})
    assert pos == [("grants/grant-all-privileges", "g.sql", 1, 1),
                   ("grants/grant-all-privileges", "g.sql", 2, 1)], pos
    neg, _ = findings_in({"g.sql": "GRANT SELECT, INSERT ON t TO app;\nGRANT ALL ON FUNCTION f() TO app;\n"
                                   "GRANT ALL ON t2 TO app;\nREVOKE TRUNCATE ON t2 FROM app;\n"})
    assert neg == [], neg


def test_rule_grant_with_grant_option():
    pos, _ = findings_in({"g.sql": "GRANT SELECT, UPDATE ON t TO app WITH GRANT OPTION;\n"})
    assert pos == [("grants/grant-with-grant-option", "g.sql", 1, 1)], pos
    neg, _ = findings_in({"g.sql": "GRANT SELECT ON t TO app WITH GRANT OPTION;\n"
                                   "REVOKE GRANT OPTION FOR SELECT ON t FROM app;\nGRANT SELECT ON u TO app;\n"})
    assert neg == [], neg


def test_rule_role_attributes():
    pos, _ = findings_in({"r.sql": "CREATE ROLE a SUPERUSER;\nCREATE USER b BYPASSRLS;\n"
                                   "CREATE ROLE c;\nALTER ROLE c CREATEROLE;\nALTER ROLE postgres_ext SUPERUSER;\n"})
    assert sorted((r, l) for r, _, l, _ in pos) == [
        ("grants/role-bypassrls", 2), ("grants/role-createrole", 3), ("grants/role-superuser", 1),
        ("grants/role-superuser", 5)], pos
    neg, _ = findings_in({"r.sql": "CREATE ROLE a SUPERUSER;\nALTER ROLE a NOSUPERUSER;\n"
                                   "CREATE ROLE b LOGIN NOBYPASSRLS NOCREATEROLE CREATEDB;\n"
                                   "CREATE ROLE gone CREATEROLE;\nDROP ROLE gone;\n"})
    assert neg == [], neg


def test_rule_security_definer_search_path():
    pos, _ = findings_in({"f.sql": "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'select 1';\n"
                                   "REVOKE ALL ON FUNCTION f() FROM PUBLIC;\n"
                                   "CREATE FUNCTION s.g() RETURNS int LANGUAGE sql AS 'select 1'\n;"
                                   "ALTER FUNCTION s.g() SECURITY DEFINER;\nREVOKE EXECUTE ON FUNCTION s.g FROM PUBLIC;\n"})
    assert sorted((r, l) for r, _, l, _ in pos) == [("grants/security-definer-search-path", 1),
                                                     ("grants/security-definer-search-path", 3)], pos
    neg, _ = findings_in({"f.sql": "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER\n"
                                   "  SET search_path = pg_catalog AS 'select 1';\nREVOKE ALL ON FUNCTION f() FROM PUBLIC;\n"
                                   "CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'select 1';\n"
                                   "CREATE FUNCTION h() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'select 1';\n"
                                   "ALTER FUNCTION h() SECURITY INVOKER;\n"})
    assert neg == [], neg


def test_rule_function_execute_public():
    pos, _ = findings_in({"f.sql": "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER\n"
                                   "  SET search_path = pg_catalog AS 'select 1';\n"
                                   "CREATE FUNCTION g() RETURNS int LANGUAGE sql SECURITY DEFINER\n"
                                   "  SET search_path = pg_catalog AS 'select 1';\nREVOKE EXECUTE ON FUNCTION g() FROM PUBLIC;\n"
                                   "GRANT EXECUTE ON FUNCTION g() TO PUBLIC;\n"})
    assert sorted((r, l) for r, _, l, _ in pos if r != "grants/grant-to-public") == [
        ("grants/function-execute-public", 1), ("grants/function-execute-public", 3)], pos
    neg, _ = findings_in({"f.sql": "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n"
                                   "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER\n"
                                   "  SET search_path = pg_catalog AS 'select 1';\n"
                                   "CREATE FUNCTION g() RETURNS int LANGUAGE sql SECURITY DEFINER\n"
                                   "  SET search_path = pg_catalog AS 'select 1';\nDROP FUNCTION g();\n"})
    assert neg == [], neg


def test_rule_incomplete_down():
    up = ("CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
          "CREATE POLICY p ON a USING (id = 1);\nGRANT SELECT ON a TO app;\n"
          "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';\nCREATE ROLE r;\n")
    pos, _ = findings_in({"m/001_a.up.sql": up,
                          "m/001_a.down.sql": "DROP POLICY p ON a;\nREVOKE SELECT ON a FROM app;\n",
                          "m/002_b.up.sql": "ALTER TABLE a DISABLE ROW LEVEL SECURITY;\nALTER TABLE a RENAME TO c;\n",
                          "m/002_b.down.sql": "DROP ROLE r;\n"})
    got = sorted((p, l, c) for r, p, l, c in pos if r == "rollback/incomplete-down")
    assert got == [
        ("m/001_a.up.sql", 1, 1),            # table a survives
        ("m/001_a.up.sql", 5, 1),            # function f survives
        ("m/001_a.up.sql", 6, 1),            # role r survives
        ("m/002_b.down.sql", 1, 1),          # 002's down drops role r, which 002 did not create
    ] + [("m/002_b.up.sql", 1, 1)] * 6, got  # table, policy and grant: under c survive, under a gone
    neg, _ = findings_in({"m/001_a.up.sql": up,
                          "m/001_a.down.sql": "DROP ROLE r;\nDROP FUNCTION f();\nREVOKE SELECT ON a FROM app;\n"
                                              "DROP POLICY p ON a;\nDROP TABLE a;\n",
                          "m/002_b.up.sql": "ALTER TABLE a DISABLE ROW LEVEL SECURITY;\nALTER TABLE a RENAME TO c;\n",
                          "m/002_b.down.sql": "ALTER TABLE c RENAME TO a;\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"})
    assert only(neg, "rollback/incomplete-down") == [], neg


def test_rule_irreversible_up():
    pos, _ = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int);\n", "m/001_a.down.sql": "DROP TABLE a;",
                          "m/002_b.up.sql": "DROP TABLE a;\n", "m/002_b.down.sql": "CREATE TABLE a (id int);"})
    assert only(pos, "rollback/irreversible-up") == [("rollback/irreversible-up", "m/002_b.up.sql", 1, 1)], pos
    cols, doc = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int, secret text, note text);\n",
                             "m/001_a.down.sql": "DROP TABLE a;",
                             "m/002_b.up.sql": "ALTER TABLE a DROP COLUMN secret;\nALTER TABLE a RENAME COLUMN note TO memo;\n",
                             "m/002_b.down.sql": "ALTER TABLE a ADD COLUMN secret text;\nALTER TABLE a RENAME COLUMN memo TO note;\n"})
    assert only(cols, "rollback/irreversible-up") == [("rollback/irreversible-up", "m/002_b.up.sql", 1, 1)], cols
    assert any("column public.a.secret" in f["message"] for f in doc["findings"]), doc
    assert only(cols, "rollback/incomplete-down") == [], cols
    # A rename keeps the rows; rows copied first (INSERT ... SELECT, CREATE TABLE AS,
    # UPDATE ... FROM) are kept; an up that does not parse cannot be judged.
    for up in ["ALTER TABLE a RENAME TO b;\n",
               "CREATE TABLE b (id int);\nINSERT INTO b SELECT id FROM (SELECT id FROM a) s;\nDROP TABLE a;\n",
               "CREATE TABLE b AS SELECT * FROM public.a;\nDROP TABLE a;\n",
               "CREATE TABLE b (id int);\nUPDATE b SET id = a.id FROM a;\nDROP TABLE a;\n",
               "DROP TABLE a;\nCREATE TABLE a AS SELECT 1 AS id;\n",
               "SELECT (;\nDROP TABLE a;\n"]:
        neg, _ = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int);\n", "m/001_a.down.sql": "DROP TABLE a;",
                              "m/002_b.up.sql": up, "m/002_b.down.sql": "SELECT 1;"})
        assert only(neg, "rollback/irreversible-up") == [], (up, neg)


def test_rule_role_policy():
    conf = ("grants:\n  roles:\n    reader:\n      allow: [select, usage]\n"
            "    web:\n      deny: [TRUNCATE, DROP]\n")
    pos, _ = findings_in({".pgrampart.yml": conf,
                          "m.sql": "CREATE TABLE a (id int);\nGRANT SELECT, INSERT ON a TO reader;\n"
                                   "GRANT ALL ON a TO web;\nALTER TABLE a OWNER TO web;\n"
                                   "GRANT TRUNCATE ON a TO PUBLIC;\n"})
    got = sorted((l, c) for r, _, l, c in pos if r == "grants/role-policy")
    # reader: INSERT (line 2) and TRUNCATE through PUBLIC (5); web: ALL includes TRUNCATE (3),
    # TRUNCATE through PUBLIC (5), and it owns a, so it can DROP it (1).
    assert got == [(1, 1), (2, 1), (3, 1), (5, 1), (5, 1)], pos
    neg, _ = findings_in({".pgrampart.yml": conf,
                          "m.sql": "CREATE TABLE a (id int);\nGRANT SELECT ON a TO reader;\nGRANT USAGE ON SCHEMA s TO reader;\n"
                                   "GRANT SELECT, INSERT, UPDATE, DELETE ON a TO web;\nALTER TABLE a OWNER TO owner_role;\n"})
    assert only(neg, "grants/role-policy") == [], neg


def test_rule_incomplete_down_columns():
    found, doc = findings_in({"m/001_a.up.sql": "CREATE TABLE a (id int);\n", "m/001_a.down.sql": "DROP TABLE a;",
                              "m/002_b.up.sql": "ALTER TABLE a ADD COLUMN b int;\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                                "CREATE POLICY p ON a USING (b = 1);\n",
                              "m/002_b.down.sql": "DROP POLICY p ON a;\n"})
    got = [f["message"] for f in doc["findings"] if f["rule"] == "rollback/incomplete-down"]
    assert len(got) == 1 and "the added column b; the enabling of row-level security" in got[0], got


def test_rule_incomplete_down_objects():
    up = ("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA ext;\nCREATE TYPE mood AS ENUM ('a', 'b');\n"
          "CREATE TABLE t (id int, m mood);\nCREATE INDEX t_m ON t (m);\nCREATE ROLE r CONNECTION LIMIT 5;\n"
          "CREATE ROLE s IN ROLE r;\nCREATE MATERIALIZED VIEW mv AS SELECT id FROM t;\nCREATE INDEX mv_id ON mv (id);\n")
    found, doc = findings_in({"m/001_a.up.sql": up,
                              "m/001_a.down.sql": "DROP MATERIALIZED VIEW mv;\nDROP ROLE s;\nDROP ROLE r;\n"
                                                  "ALTER TABLE t DROP COLUMN m;\nDROP TABLE t;\n"})
    msgs = sorted(f["message"].split(" created")[0] for f in doc["findings"] if f["rule"] == "rollback/incomplete-down")
    # The column drop took t_m with it, the view drop took mv_id: type and extension remain.
    assert msgs == ["extension ext.pgcrypto", "type public.mood"], msgs
    neg, _ = findings_in({"m/001_a.up.sql": up,
                          "m/001_a.down.sql": "DROP MATERIALIZED VIEW mv;\nREVOKE r FROM s;\nDROP ROLE s;\nDROP ROLE r;\n"
                                              "DROP TABLE t;\nDROP TYPE mood;\nDROP EXTENSION pgcrypto;\n"})
    assert only(neg, "rollback/incomplete-down") == [], neg
    # Enum replacement: rename, recreate, drop the old one; undone in reverse.
    enum, _ = findings_in({"m/001_a.up.sql": "CREATE TYPE k AS ENUM ('a');\n", "m/001_a.down.sql": "DROP TYPE k;\n",
                           "m/002_b.up.sql": "ALTER TYPE k RENAME TO k_old;\nCREATE TYPE k AS ENUM ('a', 'b');\nDROP TYPE k_old;\n",
                           "m/002_b.down.sql": "ALTER TYPE k RENAME TO k_new;\nCREATE TYPE k AS ENUM ('a');\nDROP TYPE k_new;\n"})
    assert only(enum, "rollback/incomplete-down") == [], enum


def test_rule_missing_sslmode():
    pos, _ = findings_in({".env.production": "A=postgres://u@db.example.com/app\n"
                                             "B=postgresql://u@10.0.0.5/app?sslmode=prefer\n"
                                             "C=host=db.example.com dbname=app sslmode=disable\n"},)
    assert [(r, l, c) for r, _, l, c in pos] == [("ssl/missing-sslmode", 1, 3), ("ssl/missing-sslmode", 2, 3),
                                                 ("ssl/missing-sslmode", 3, 3)], pos
    pos2, _ = findings_in({"prod.env": "PGHOST=db.example.com\n", "x.env": "PGSSLMODE=allow\n"})
    assert sorted((p, l, c) for _, p, l, c in pos2) == [("prod.env", 1, 8), ("x.env", 1, 11)], pos2
    neg, _ = findings_in({".env": "A=postgres://u@localhost/app\nB=postgres://u@127.0.0.1:5432/app\n"
                                  "C=postgresql://u@db.example.com/app?sslmode=verify-full\n"
                                  "D=host=/var/run/postgresql dbname=app\nE=not a url\nF=a=b\n"
                                  "G=postgres://u@[::1]/app\n",
                          "other.env": "PGSSLMODE=require\nDATABASE_URL=postgres://u@db.example.com/app\n"})
    assert neg == [], neg


def test_rule_hardcoded_password():
    pos, doc = findings_in({
        ".env": "DATABASE_URL=postgres://app:hunter2hunter2@db.example.com/app?sslmode=require\n",
        "r.sql": "CREATE ROLE a LOGIN PASSWORD 'Very-Secret-1';\nALTER ROLE b WITH PASSWORD 'Other-Secret-2';\n"
                 "CREATE USER c PASSWORD 'Third-Secret-3';\n"})
    # Each points at the first byte of the secret itself.
    assert pos == [("secrets/hardcoded-password", ".env", 1, 29),
                   ("secrets/hardcoded-password", "r.sql", 1, 31),
                   ("secrets/hardcoded-password", "r.sql", 2, 29),
                   ("secrets/hardcoded-password", "r.sql", 3, 25)], pos
    msgs = [f["message"] for f in doc["findings"]]
    assert msgs[0].endswith("hu… (14 bytes)"), msgs
    neg, _ = findings_in({
        ".env": "A=postgres://app:${DB_PASSWORD}@db.example.com/app?sslmode=require\n"
                "B=postgres://app:<secure-password>@db.example.com/app?sslmode=require\n"
                "C=postgres://app@db.example.com/app?sslmode=require\nD=postgres://app:@h/app?sslmode=require\n"
                "E=postgres://app:changeme@h/app?sslmode=require\n",
        "r.sql": "CREATE ROLE a LOGIN PASSWORD :'a_password';\nCREATE ROLE b PASSWORD NULL;\n"
                 "ALTER ROLE c PASSWORD '<from-key-vault>';\nCREATE ROLE d PASSWORD '';\n"})
    assert neg == [], neg


def test_rule_missing_down():
    files = {
        "gm/001_a.up.sql": "SELECT 1;", "gm/001_a.down.sql": "SELECT 1;", "gm/002_b.up.sql": "SELECT 1;",
        "dm/20240101_a.sql": "-- migrate:up\nSELECT 1;\n-- migrate:down\n",
        "dm/20240102_b.sql": "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n",
        "fw/V1__a.sql": "SELECT 1;", "fw/U1__a.sql": "SELECT 1;", "fw/V2__b.sql": "SELECT 1;",
        "fw/R__views.sql": "SELECT 1;",
        "di/2020-01-01-000000_a/up.sql": "SELECT 1;", "di/2020-01-01-000000_a/down.sql": "-- nothing\n",
        "sq/deploy/a.sql": "SELECT 1;", "sq/revert/a.sql": "SELECT 1;", "sq/verify/a.sql": "SELECT 1;",
        "sq/deploy/b.sql": "SELECT 1;",
        "nu/migrations/001_a.sql": "SELECT 1;", "nu/migrations/rollback_001_a.sql": "SELECT 1;",
        "nu/migrations/002_b.sql": "SELECT 1;", "nu/migrations/002_b.rollback.sql": "SELECT 1;",
        "nu/migrations/003_c.sql": "SELECT 1;",
        "scripts/001_not_a_migration.sql": "SELECT 1;",
    }
    found, _ = findings_in(files)
    got = sorted((p, l) for r, p, l, _ in found if r == "rollback/missing-down")
    assert got == [("di/2020-01-01-000000_a/up.sql", 1), ("dm/20240101_a.sql", 1),
                   ("fw/V2__b.sql", 1), ("gm/002_b.up.sql", 1), ("nu/migrations/003_c.sql", 1),
                   ("sq/deploy/b.sql", 1)], got


def test_search_path_and_sqitch_requires():
    """SET search_path places unqualified names; sqitch without a plan follows -- requires:."""
    found, doc = findings_in({
        "sq/deploy/a_tables.sql": "-- Deploy p:a_tables to pg\n-- requires: z_schema\n\n"
                                  "SET search_path TO app, public;\nCREATE TABLE t (id int);\n"
                                  "ALTER TABLE app.t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING (id = 1);\n",
        "sq/deploy/z_schema.sql": "CREATE SCHEMA app;\nGRANT SELECT ON ALL TABLES IN SCHEMA app TO PUBLIC;\n",
        "sq/revert/a_tables.sql": "DROP TABLE app.t;\n", "sq/revert/z_schema.sql": "DROP SCHEMA app;\n",
        "sq/deploy/b_other.sql": "CREATE TABLE u (id int);\n", "sq/revert/b_other.sql": "DROP TABLE u;\n",
        "m/001_x.up.sql": "SET search_path = other;\nCREATE TABLE v (id int);\n",
        "m/001_x.down.sql": "DROP TABLE other.v;\n",
        "m/002_y.up.sql": "CREATE TABLE w (id int);\n", "m/002_y.down.sql": "DROP TABLE public.w;\n",
    })
    # z_schema runs first (a_tables requires it): its GRANT reaches no table yet (it is
    # still a grant to PUBLIC); t is in app, its policy and revert match.
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("grants/grant-to-public", "sq/deploy/z_schema.sql", 2),
        ("rls/table-without-rls", "m/001_x.up.sql", 2), ("rls/table-without-rls", "m/002_y.up.sql", 1),
        ("rls/table-without-rls", "sq/deploy/b_other.sql", 1)], found
    messages = " ".join(f["message"] for f in doc["findings"])
    assert "other.v" in messages and "public.w" in messages, messages


def test_do_blocks():
    """Plain DDL inside DO blocks reaches the model at its own line; dynamic EXECUTE is reported."""
    text = ("CREATE TABLE t (id int);\nDO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'b') THEN\n"
            "    CREATE ROLE b SUPERUSER;\n  END IF;\n  ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
            "  CREATE POLICY p ON t USING (id = 1);\n  EXECUTE format('GRANT ALL ON %I TO PUBLIC', 't');\nEND\n$$;\n"
            "DO LANGUAGE plpgsql 'BEGIN CREATE TABLE u (id int); END';\n")
    found, _ = findings_in({"d.sql": text})
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("grants/role-superuser", 5), ("rls/table-without-rls", 12), ("sql/dynamic-sql", 2)], found


def test_sql_front_end_psql():
    """Meta-commands, psql variables and COPY data are not syntax errors."""
    text = ("\\set ON_ERROR_STOP on\n\\ir other.sql\n\\if :is_ok\nCREATE TABLE t (a int[]);\n\\endif\n"
            "COPY t (a) FROM stdin;\n{1}\n{2}\n\\.\n"
            "SELECT a[1:2] FROM t \\gset\nALTER DATABASE :DBNAME SET x = :'v';\n"
            "SELECT 'it''s; \\x' AS a, E'\\\\' AS b, $f$ \\not meta $f$ AS c;\n"
            "CREATE TABLE broken (;\nGRANT ALL ON t TO PUBLIC;\n")
    found, _ = findings_in({"s.sql": text})
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("grants/grant-all-privileges", 14), ("grants/grant-to-public", 14),
        ("rls/table-without-rls", 4), ("sql/syntax-error", 13)], found


# --- plugins -------------------------------------------------------------------

def build_plugin(out_dir, *defines):
    src = os.path.join(ARGS.source, "tests/plugins/example.c")
    inc = os.path.join(ARGS.source, "core/include")
    so = os.path.join(out_dir, "example.so")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden", "-Wl,-z,defs",
                    "-I", inc, *defines, src, "-o", so], check=True)
    return so


def test_plugin_out_of_tree():
    with tempfile.TemporaryDirectory() as d:
        build_plugin(d)
        rc, out, err = run("--plugin-dir", d, "rules") if False else run("rules", "--plugin-dir", d)
        assert rc == 0 and "example/drop-table" in out and "example " in out, out + err
        write_tree(d, {"x/m.sql": "DROP TABLE a;\n"})
        _, doc = check_json("--plugin-dir", d, os.path.join(d, "x"))
        assert [(f["rule"], f["line"], f["severity"]) for f in doc["findings"]] == \
            [("example/drop-table", 1, "warning")], doc


def host_abi():
    with open(os.path.join(ARGS.source, "core/include/pgrampart/plugin.h")) as f:
        for line in f:
            if line.startswith("#define PGR_ABI_VERSION "):
                return int(line.split()[2])
    raise AssertionError("no PGR_ABI_VERSION")


def test_plugin_wrong_abi():
    with tempfile.TemporaryDirectory() as d:
        so = build_plugin(d, "-DWRONG_ABI")
        rc, _, err = run("check", "--plugin-dir", d, ARGS.source + "/samples/clean")
        assert rc == 2 and so in err and "ABI version %d" % (host_abi() + 1) in err, err


def test_plugin_missing_init():
    with tempfile.TemporaryDirectory() as d:
        so = build_plugin(d, "-DNO_INIT")
        rc, _, err = run("check", "--plugin-dir", d, ARGS.source + "/samples/clean")
        assert rc == 2 and so in err and "no pgrampart_plugin_init symbol" in err, err


def test_plugin_not_elf():
    with tempfile.TemporaryDirectory() as d:
        so = os.path.join(d, "bogus.so")
        with open(so, "w") as f:
            f.write("this is not a shared object\n")
        rc, _, err = run("check", "--plugin-dir", d, ARGS.source + "/samples/clean")
        assert rc == 2 and so in err and "cannot load plugin" in err, err


def test_plugins_link_no_host_symbols():
    """No shipped plugin needs a symbol of the host, and each exports only its init."""
    def syms(path, *flags):
        out = subprocess.run(["nm", "-D", *flags, path], capture_output=True, text=True, check=True).stdout
        return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}

    host = syms(ARGS.bin, "--defined-only") | syms(ARGS.bin)
    core_prefixes = ("pgr_", "sql_", "model_", "util_", "diag_", "check_", "config_", "mig_",
                     "dotenv_", "host_", "cfg_")
    pdir = os.path.join(os.path.dirname(ARGS.bin), "plugins")
    for name in ["rls", "grants", "ssl", "secrets", "rollback", "server", "drift"]:
        so = os.path.join(pdir, name + ".so")
        needed = syms(so, "--undefined-only")
        ours = {x for x in needed if x.startswith(core_prefixes)}
        assert not ours, (name, ours)
        # Whatever the host binary defines itself (not libc's) must not be needed.
        assert not (needed & {x for x in host if x.startswith(core_prefixes)}), name
        assert syms(so, "--defined-only") == {"pgrampart_plugin_init"}, name


def test_install():
    """meson install into a temporary prefix: the installed binary finds its plugins and rule packs,
    and an out-of-tree plugin builds against the installed header via pkg-config."""
    build = os.path.dirname(ARGS.bin)
    with tempfile.TemporaryDirectory() as dest:
        p = subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild", "--quiet"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        binaries = glob.glob(os.path.join(dest, "**", "bin", "pgrampart"), recursive=True)
        assert len(binaries) == 1, binaries
        installed = binaries[0]
        prefix = os.path.dirname(os.path.dirname(installed))
        # The build tree's plugins must not be what it finds: copy it away from them.
        out = subprocess.run([installed, "rules"], capture_output=True, text=True)
        assert out.returncode == 0 and "rls/table-without-rls" in out.stdout and "drift/grant" in out.stdout, out
        assert glob.glob(os.path.join(prefix, "**", "bash-completion", "completions", "pgrampart"), recursive=True)
        if shutil.which("scdoc"):
            assert glob.glob(os.path.join(prefix, "**", "man1", "pgrampart.1"), recursive=True)
        rc = subprocess.run([installed, "check", "--format", "json", "samples/"], cwd=ARGS.source,
                            capture_output=True, text=True)
        doc = json.loads(rc.stdout)
        expected = json.loads(run("check", "--format", "json", "samples/", cwd=ARGS.source)[1])
        assert doc["findings"] == expected["findings"], "installed binary reports differently"
        pcdir = glob.glob(os.path.join(prefix, "**", "pkgconfig"), recursive=True)
        assert pcdir, "no pkgconfig directory installed"
        env = dict(os.environ, PKG_CONFIG_PATH=pcdir[0])
        cflags = subprocess.run(["pkg-config", "--define-prefix", "--cflags", "pgrampart-plugin"],
                                capture_output=True, text=True, env=env, check=True).stdout.split()
        assert any(os.path.isdir(f[2:]) and f[2:].startswith(dest) for f in cflags if f.startswith("-I")), cflags
        with tempfile.TemporaryDirectory() as pd:
            so = os.path.join(pd, "example.so")
            subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden",
                            "-Wl,-z,defs", *cflags, os.path.join(ARGS.source, "tests/plugins/example.c"), "-o", so],
                           check=True)
            write_tree(pd, {"x/m.sql": "DROP TABLE a;\n"})
            out = subprocess.run([installed, "check", "--format", "json", "--plugin-dir", pd,
                                  os.path.join(pd, "x")], capture_output=True, text=True)
            assert [f["rule"] for f in json.loads(out.stdout)["findings"]] == ["example/drop-table"], out


# --- live audit (throwaway PostgreSQL clusters) ------------------------------------

def cluster_module():
    sys.path.insert(0, os.path.join(ARGS.source, "tests", "pg"))
    import cluster
    try:
        cluster.pg_bin()
    except RuntimeError as e:
        print(e)
        sys.exit(77)
    return cluster


@contextlib.contextmanager
def samples_cluster():
    """A throwaway cluster loaded with the samples' migrations; None without PostgreSQL."""
    sys.path.insert(0, os.path.join(ARGS.source, "tests", "pg"))
    import cluster
    try:
        cluster.pg_bin()
    except RuntimeError:
        yield None
        return
    with cluster.Cluster() as c:
        load_samples(c)
        yield c


def load_samples(c):
    files = sorted(glob.glob(os.path.join(ARGS.source, "samples", "migrations", "0*.sql")))
    c.psql(None, files=files, variables={"app_web_password": "pw-one", "migrator_password": "pw-two"})


def audit(c, *extra, conninfo=None, env=None):
    rc, out, err = run("audit", "--format", "json", *extra, conninfo or c.conninfo(),
                       env=dict(env or {}, PGRAMPART_REPORT_QUERIES="1"))
    assert rc in (0, 1), f"exit {rc}: {err}"
    queries = int(re.search(r"pgrampart: (\d+) queries", err).group(1))
    return json.loads(out), queries


# Rules that judge the schema model: they must agree between check and audit.
MODEL_RULES = ["rls/table-without-rls", "rls/rls-without-policy", "rls/policy-without-rls",
               "rls/policy-always-true", "rls/policy-missing-with-check", "rls/multiple-permissive-policies",
               "rls/rls-not-forced", "rls/tenant-policy-not-scoped", "rls/policy-command-coverage",
               "rls/view-bypasses-rls", "grants/grant-to-public", "grants/grant-all-privileges",
               "grants/grant-with-grant-option", "grants/default-privileges-to-public",
               "grants/public-schema-create", "grants/role-superuser", "grants/role-bypassrls",
               "grants/role-createrole", "grants/role-policy", "grants/security-definer-search-path",
               "grants/function-execute-public", "extensions/extension-in-public"]


def test_audit_parity():
    """audit of a database loaded with the samples reports what check reports statically."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "pgrampart.yml")
        with open(os.path.join(ARGS.source, "samples", ".pgrampart.yml")) as f:
            text = f.read().replace("postgres_version: 14", "postgres_version: 15")
        with open(conf, "w") as f:
            f.write(text)
        _, static = check_json("--config", conf, "samples/migrations", cwd=ARGS.source)
        with cl.Cluster() as c:
            load_samples(c)
            live, _ = audit(c, "--config", conf)
    def counts(doc):
        out = {}
        for f in doc["findings"]:
            if f["rule"] in MODEL_RULES:
                out[f["rule"]] = out.get(f["rule"], 0) + 1
        return out
    assert counts(static) == counts(live), (counts(static), counts(live))
    assert len(counts(live)) >= 15, counts(live)
    # Live findings name objects, not files.
    assert all(f["path"] is None and f["object"] for f in live["findings"]), live["findings"][:2]


def test_audit_drift():
    cl = cluster_module()
    with cl.Cluster() as c:
        load_samples(c)
        doc, _ = audit(c, "--migrations", os.path.join(ARGS.source, "samples", "migrations"))
        assert [f for f in doc["findings"] if f["rule"].startswith("drift/")] == [], doc
        c.psql("ALTER TABLE messages DISABLE ROW LEVEL SECURITY; "
               "DROP POLICY users_tenant_isolation ON users; GRANT INSERT ON tenants TO app_reporter; "
               "ALTER POLICY conversations_tenant_isolation ON conversations USING (true);")
        doc, _ = audit(c, "--migrations", os.path.join(ARGS.source, "samples", "migrations"))
    got = sorted((f["rule"], f.get("object") or f["path"]) for f in doc["findings"] if f["rule"].startswith("drift/"))
    assert got == [("drift/grant", "db:public.tenants"),
                   ("drift/policy-changed", "db:public.conversations policy conversations_tenant_isolation"),
                   ("drift/policy-missing", os.path.join(ARGS.source, "samples/migrations/002_create_users.sql")),
                   ("drift/rls-state", "db:public.messages")], got


def test_audit_read_only():
    """Nothing is written: catalogs, write counters and commits are unchanged; one read-only transaction."""
    cl = cluster_module()
    snapshot = ("SELECT pg_stat_force_next_flush(); SELECT (SELECT count(*) FROM pg_class), "
                "(SELECT count(*) FROM pg_proc), tup_inserted + tup_updated + tup_deleted, xact_commit "
                "FROM pg_stat_database WHERE datname = current_database()")

    def snap(c):
        time.sleep(1.2)     # let every backend's statistics reach shared memory
        return [int(x) for x in c.psql(snapshot).strip().split("\n")[-1].split("|")]

    with cl.Cluster(settings={"log_statement": "'all'", "log_line_prefix": "'[%a] '"}) as c:
        load_samples(c)
        s1 = snap(c)
        # Baseline: a snapshot, plus a session that only connects (the backend's
        # start-up transaction counts as one commit in every session).
        c.psql("BEGIN READ ONLY; ROLLBACK")
        s2 = snap(c)
        audit(c)
        s3 = snap(c)
        with open(os.path.join(c.dir, "log"), errors="replace") as f:
            log = [l for l in f if l.startswith("[pgrampart] ") and "statement:" in l]
    assert s3[:3] == s2[:3], (s2, s3)                       # pg_class, pg_proc, tuples written
    assert s3[3] - s2[3] == s2[3] - s1[3], (s1, s2, s3)     # no commit beyond the baseline
    ours = [l.split("statement: ", 1)[1].strip() for l in log]
    assert ours[0] == "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", ours[:3]
    assert ours[1].startswith("SET LOCAL statement_timeout") and ours[2].startswith("SET LOCAL lock_timeout")
    assert ours[-1] == "ROLLBACK", ours[-1]
    assert not [q for q in ours if re.match(r"(CREATE|INSERT|UPDATE|DELETE|ALTER|DROP|GRANT)", q)], ours


def test_audit_least_privilege():
    cl = cluster_module()
    with cl.Cluster() as c:
        load_samples(c)
        c.psql("CREATE ROLE auditor LOGIN")
        doc, _ = audit(c, conninfo=c.conninfo(user="auditor"))
    skipped = [f["object"] for f in doc["findings"] if f["rule"] == "core/check-skipped"]
    assert any("pg_hba" in s for s in skipped) and any("password hashes" in s for s in skipped), skipped
    # The checks it could run still ran.
    assert any(f["rule"] == "rls/table-without-rls" for f in doc["findings"]), doc


def test_audit_live_only_rules():
    """Rules only the catalogs can answer: each fires on its case and stays quiet on its look-alike."""
    cl = cluster_module()
    mig = ("CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
           "CREATE POLICY p ON a USING (id = 1);\nCREATE TABLE b (id int);\n"
           "CREATE ROLE r_same NOLOGIN;\nCREATE ROLE r_changed NOLOGIN;\nCREATE ROLE r_gone NOLOGIN;\n")
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        write_tree(d, {"migrations/001_a.sql": mig, "migrations/001_a.down.sql":
                       "DROP ROLE r_gone;\nDROP ROLE r_changed;\nDROP ROLE r_same;\nDROP TABLE b;\nDROP TABLE a;\n"})
        migrations = os.path.join(d, "migrations")
        c.psql(mig)
        doc, _ = audit(c, "--migrations", migrations)
        assert [f for f in doc["findings"] if f["rule"].startswith("drift/")] == [], doc["findings"]
        c.psql("DROP TABLE b; CREATE POLICY q ON a USING (id = 2); ALTER ROLE r_changed BYPASSRLS; "
               "DROP ROLE r_gone; "
               "CREATE ROLE boss SUPERUSER LOGIN CONNECTION LIMIT 2; CREATE ROLE boss_nologin SUPERUSER; "
               "CREATE ROLE app LOGIN; CREATE ROLE app_limited LOGIN CONNECTION LIMIT 20; "
               "SET password_encryption = 'md5'; CREATE ROLE old_hash LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-md5'; "
               "SET password_encryption = 'scram-sha-256'; "
               "CREATE ROLE new_hash LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-scram';")
        doc, _ = audit(c, "--migrations", migrations)
    got = sorted((f["rule"], f.get("object") or os.path.basename(f["path"])) for f in doc["findings"]
                 if f["rule"].split("/")[0] in ("drift", "auth", "roles") or f["rule"] == "grants/superuser-login-roles")
    assert [g for g in got if g[0].startswith("drift/")] == [
        ("drift/policy-extra", "db:public.a policy q"), ("drift/role", "001_a.sql"),
        ("drift/role", "role:r_changed"), ("drift/table-missing", "001_a.sql")], got
    assert ("auth/md5-password-hashes", "role:old_hash") in got, got
    assert not [g for g in got if g[0] == "auth/md5-password-hashes" and g[1] != "role:old_hash"], got
    assert ("grants/superuser-login-roles", "role:boss") in got, got
    assert not [g for g in got if g[0] == "grants/superuser-login-roles" and g[1] != "role:boss"], got
    unlimited = sorted(o for r, o in got if r == "roles/unlimited-connections")
    assert unlimited == ["role:app"], got


def test_audit_ssl():
    cl = cluster_module()
    hba = ("local all all trust\nhostssl all all 127.0.0.1/32 trust\n"
           "hostnossl all all 127.0.0.1/32 reject\nhost all all 0.0.0.0/0 scram-sha-256\n")
    with cl.Cluster(ssl=True, hba=hba, settings={"log_connections": "on", "log_disconnections": "on",
                                                 "log_statement": "'ddl'"}) as c:
        doc, _ = audit(c, conninfo=c.conninfo(tcp=True, sslmode="require"))
    rules = sorted({f["rule"] for f in doc["findings"]})
    assert "ssl/connection-not-encrypted" not in rules and "ssl/server-ssl-off" not in rules, rules
    assert "ssl/hba-host-without-ssl" in rules and "auth/hba-open-address" in rules, rules
    assert not [r for r in rules if r.startswith("logging/")], rules
    with cl.Cluster(ssl=False) as c:
        doc, _ = audit(c, conninfo=c.conninfo(tcp=True, sslmode="disable"))
    rules = sorted({f["rule"] for f in doc["findings"]})
    for r in ["ssl/server-ssl-off", "ssl/connection-not-encrypted", "auth/hba-trust",
              "logging/connections-not-logged", "logging/ddl-not-logged"]:
        assert r in rules, (r, rules)


def test_audit_connection_failure():
    rc, out, err = run("audit", "postgresql://someone:Sup3r-S3cret-Pw@127.0.0.1:1/db?connect_timeout=2")
    assert rc == 2 and "cannot connect" in err, (rc, err)
    assert "Sup3r-S3cret-Pw" not in err + out


def test_audit_constant_queries():
    """The number of catalog queries does not grow with the database."""
    cl = cluster_module()
    counts = []
    with cl.Cluster() as c:
        for n in (5, 300):
            c.psql("DROP SCHEMA IF EXISTS s CASCADE; CREATE SCHEMA s; " + " ".join(
                f"CREATE TABLE s.t{i} (id int, tenant_id int); "
                f"CREATE POLICY p ON s.t{i} USING (tenant_id = 1); CREATE ROLE r{n}_{i};" for i in range(n)))
            doc, q = audit(c)
            counts.append(q)
            assert sum(1 for f in doc["findings"] if (f.get("object") or "").startswith("db:s.")) >= n
    assert counts[0] == counts[1], counts


# --- real corpora ----------------------------------------------------------------

def corpus(name):
    path = os.path.join(ARGS.corpus, name)
    if not os.path.isdir(path):
        print(f"corpus {path} not found; skipping")
        sys.exit(77)
    return path


def corpus_doc(name):
    rc, out, err = run("check", "--format", "json", corpus(name))
    assert rc in (0, 1), f"exit {rc}: {err[-2000:]}"
    return json.loads(out)


def no_down(doc):
    return [f for f in doc["findings"] if f["rule"] == "rollback/missing-down" and "has no down" in f["message"]]


def test_corpus_lemmy():
    doc = corpus_doc("LemmyNet__lemmy")
    assert doc["summary"]["files"] == 686, doc["summary"]
    assert no_down(doc) == []  # MANIFEST: 342 pairs, 0 missing
    bad = {f["path"] for f in doc["findings"] if f["rule"] == "sql/syntax-error"}
    assert len(bad) <= 12, sorted(bad)  # MANIFEST: 12 files use syntax newer than PostgreSQL 15


def test_corpus_tamarou():
    doc = corpus_doc("Tamarou__Registry")
    assert no_down(doc) == []  # MANIFEST: 67 changes, 0 missing a revert
    assert not [f for f in doc["findings"] if f["rule"] == "sql/syntax-error"]


def test_corpus_kratos():
    doc = corpus_doc("ory__kratos")
    assert not [f for f in doc["findings"] if f["rule"] == "sql/syntax-error"], "dialect files leaked"


def test_corpus_postgrest():
    doc = corpus_doc("PostgREST__postgrest")
    assert not [f for f in doc["findings"] if f["rule"] == "sql/syntax-error"]
    assert any(f["rule"] == "grants/grant-all-privileges" for f in doc["findings"])


def test_corpus_gitlab():
    doc = corpus_doc("flyisland__gitlab-ee")
    # Only the ClickHouse file (not PostgreSQL) fails to parse, statement by statement;
    # the two pg_dump schemas (2.7 MB and 2.0 MB) parse whole.
    errs = {f["path"] for f in doc["findings"] if f["rule"] == "sql/syntax-error"}
    assert errs == {os.path.join(corpus("flyisland__gitlab-ee"), "db/click_house/main.sql")}, errs


def test_valgrind():
    """No invalid access or leak on real input (memcheck)."""
    if shutil.which("valgrind") is None:
        print("valgrind not installed; skipping")
        sys.exit(77)
    names = ["LemmyNet__lemmy", "ory__kratos", "Tamarou__Registry", "PostgREST__postgrest",
             "flyisland__gitlab-ee"]
    targets = [os.path.join(ARGS.source, "samples")] + [corpus(n) for n in names]
    vg = ["env", "PGRAMPART_NO_JIT=1",    # valgrind cannot follow PCRE2's JIT code
          "valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "-q"]
    p = subprocess.run(vg + [ARGS.bin, "check", "--format", "json", *targets], capture_output=True, text=True,
                       timeout=1800)
    assert p.returncode in (0, 1), p.stderr[-4000:]
    # Reporters and the baseline filter (fingerprints mask secrets across findings).
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "base.json")
        for args in (["--format", "sarif"], ["--format", "gitlab"], ["--write-baseline", base], ["--baseline", base]):
            p = subprocess.run(vg + [ARGS.bin, "check", *args, "samples"], cwd=ARGS.source, capture_output=True,
                               text=True, timeout=600)
            assert p.returncode in (0, 1), (args, p.stderr[-4000:])
    # The live audit too, as a superuser (every check) and as a plain role (skips).
    with samples_cluster() as c:
        if c is None:
            return
        c.psql("CREATE ROLE auditor LOGIN")
        for ci in (c.conninfo(), c.conninfo(user="auditor")):
            p = subprocess.run(vg + [ARGS.bin, "audit", "--migrations",
                                     os.path.join(ARGS.source, "samples", "migrations"), ci],
                               capture_output=True, text=True, timeout=600)
            assert p.returncode in (0, 1), p.stderr[-4000:]


def find_test(name):
    """The test function name, here or in a module of tests/e2e/ (each area of tests keeps its own file)."""
    if name in globals():
        return globals()[name]
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "*.py"))):
        module = os.path.splitext(os.path.basename(path))[0]
        if module == "e2e":
            continue
        mod = __import__(module)
        if hasattr(mod, name):
            return getattr(mod, name)
    raise SystemExit(f"no test named {name}")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("test")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--corpus", default="")
    ARGS = ap.parse_args()
    ARGS.bin = os.path.abspath(ARGS.bin)
    find_test("test_" + ARGS.test)()
    print("ok", ARGS.test)


if __name__ == "__main__":
    main()
