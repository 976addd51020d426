"""Issue 17: every rule has a stable documentation URL (explain, SARIF helpUri, OSC 8 links on a
terminal, a configurable docs_base_url), SARIF descriptions say what and why, JSON findings carry
their fingerprint, and explain suggests the rule meant.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus
"""
from e2e import *  # noqa: F401,F403
import e2e
import json
import os
import pty
import subprocess
import tempfile

DOCS = "https://github.com/pgrampart/pgrampart/blob/main/docs/rules.md"
BAD_SQL = "CREATE TABLE notes (id int, tenant_id int);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n" \
          "CREATE POLICY p ON notes FOR ALL USING (true);\n"


def test_explain_prints_the_rule_docs_url():
    rc, out, err = run("explain", "rls/policy-always-true")
    assert rc == 0, err
    assert out.endswith(f"Docs: {DOCS}#rlspolicy-always-true\n"), out[-200:]
    # The anchor is the one docs/rules.md's heading gets (and the README's table links to).
    with open(os.path.join(e2e.ARGS.source, "docs", "rules.md")) as f:
        assert "## `rls/policy-always-true`" in f.read()
    with open(os.path.join(e2e.ARGS.source, "README.md")) as f:
        assert "(docs/rules.md#rlspolicy-always-true)" in f.read()


def test_explain_suggests_the_closest_rule():
    for typo in ("rls/policy-alwys-true", "policy-always-true", "sql/policy-always-true"):
        rc, out, err = run("explain", typo)
        assert rc == 2 and out == "", (typo, rc, out)
        assert err == f"pgrampart: unknown rule {typo}; did you mean rls/policy-always-true? " \
                      "(see pgrampart rules)\n", err
    rc, _, err = run("explain", "nothing/close-to-any-rule-at-all")
    assert rc == 2 and err == "pgrampart: unknown rule nothing/close-to-any-rule-at-all " \
                              "(see pgrampart rules)\n", err
    # The argument is echoed escaped: no terminal control from the command line.
    rc, _, err = run("explain", "rls/\x1b[31mred")
    assert rc == 2 and "\x1b" not in err and "\\x1b" in err, err


def test_config_unknown_rule_suggests_the_closest():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {".pgrampart.yml": "rules:\n  rls/table-witout-rls: off\n", "a.sql": "SELECT 1;\n"})
        rc, _, err = run("check", "--config", ".pgrampart.yml", "a.sql", cwd=d)
    assert rc == 2
    assert err == "pgrampart: .pgrampart.yml:2:3: unknown rule 'rls/table-witout-rls' " \
                  "(did you mean rls/table-without-rls?)\n", err


def sarif_rules(*extra, cwd=None):
    rc, out, err = run("check", "--format", "sarif", *extra, cwd=cwd)
    assert rc in (0, 1), err
    return {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}


def test_sarif_rules_have_help_uri_and_why():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"a.sql": BAD_SQL})
        rules = sarif_rules("a.sql", cwd=d)
    rc, out, _ = run("explain", "--markdown")
    assert rc == 0
    for rid, r in rules.items():
        anchor = rid.replace("/", "")
        assert r["helpUri"] == f"{DOCS}#{anchor}", r
        # GitHub's anchor for the rule's heading in docs/rules.md.
        assert f"## `{rid}`" in out, rid
    r = rules["rls/policy-always-true"]
    assert r["shortDescription"]["text"].startswith("A policy for INSERT, UPDATE, DELETE or ALL")
    assert r["fullDescription"]["text"] != r["shortDescription"]["text"]
    assert r["fullDescription"]["text"] in out  # the why of explain --markdown
    assert_valid_sarif_if_validator(json.dumps({"version": "2.1.0", "runs": []}))


def test_docs_base_url_configurable_and_validated():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {".pgrampart.yml": "docs_base_url: https://docs.example.com/lint/rules.html\n",
                       "a.sql": BAD_SQL})
        rules = sarif_rules("--config", ".pgrampart.yml", "a.sql", cwd=d)
        assert rules["rls/policy-always-true"]["helpUri"] == \
            "https://docs.example.com/lint/rules.html#rlspolicy-always-true"
        rc, out, _ = run("explain", "--config", ".pgrampart.yml", "rls/policy-always-true", cwd=d)
        assert rc == 0 and out.endswith("Docs: https://docs.example.com/lint/rules.html#rlspolicy-always-true\n")
        for bad, why in (("javascript:alert(1)", "expected an http:// or https:// URL"),
                         ('"https://x.example/a b"', "printable ASCII"),
                         ('"https://x.example/a\\\\b"', "printable ASCII"),
                         ("https://x.example/r#frag", "printable ASCII"),
                         ("[https://x.example]", "expected an http:// or https:// URL")):
            write_tree(d, {".pgrampart.yml": f"docs_base_url: {bad}\n"})
            rc, out, err = run("check", "--config", ".pgrampart.yml", "a.sql", cwd=d)
            assert rc == 2 and err.startswith("pgrampart: .pgrampart.yml:1:16: ") and why in err, (bad, err)


def test_json_findings_carry_their_fingerprint():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"a.sql": BAD_SQL})
        _, doc = check_json("a.sql", cwd=d)
        rc, out, _ = run("check", "--format", "sarif", "a.sql", cwd=d)
        # Moving the finding down a line keeps its fingerprint (as in SARIF and baselines).
        write_tree(d, {"a.sql": "\n" + BAD_SQL})
        _, moved = check_json("a.sql", cwd=d)
    sarif = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
             r["partialFingerprints"]["pgrampart/v1"] for r in json.loads(out)["runs"][0]["results"]}
    assert doc["findings"], doc
    for f in doc["findings"]:
        assert len(f["fingerprint"]) == 16 and int(f["fingerprint"], 16) >= 0
        assert sarif[(f["rule"], f["line"])] == f["fingerprint"]
    assert [f["fingerprint"] for f in moved["findings"]] == [f["fingerprint"] for f in doc["findings"]]
    assert [f["line"] for f in moved["findings"]] == [f["line"] + 1 for f in doc["findings"]]


def run_on_tty(args, cwd, env):
    """Run pgrampart with stdout on a pseudo-terminal; return its output."""
    master, slave = pty.openpty()
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env)
    p = subprocess.Popen([e2e.ARGS.bin, *args], cwd=cwd, env=e, stdout=slave,
                         stderr=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_text_on_a_terminal_links_rule_ids():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"a.sql": BAD_SQL})
        out = run_on_tty(["check", "a.sql"], d, {})
        link = f"\x1b]8;;{DOCS}#rlspolicy-always-true\x1b\\rls/policy-always-true\x1b]8;;\x1b\\"
        assert link in out, out
        # NO_COLOR (set, non-empty) turns colour and links off; a pipe never gets them.
        plain = run_on_tty(["check", "a.sql"], d, {"NO_COLOR": "1"})
        assert "\x1b" not in plain and "[rls/policy-always-true]" in plain, plain
        _, piped, _ = run("check", "a.sql", cwd=d)
        assert "\x1b" not in piped and "[rls/policy-always-true]" in piped


def cpu_seconds_of_report(files, fmt):
    import resource
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        env = {k: v for k, v in os.environ.items() if k != "MALLOC_PERTURB_"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([e2e.ARGS.bin, "check", "--format", fmt, "."], cwd=d, capture_output=True,
                           text=True, errors="replace", timeout=600, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert p.returncode == 1, (p.returncode, p.stderr[-2000:])
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), p.stdout


def test_fingerprints_of_many_findings_in_one_file_scale():
    """24,000 findings in one file, SARIF and GitLab (a fingerprint per finding reads its line):
    each fingerprint used to search its line from the top of the file, O(n^2) (20,000 findings:
    18.2 s of CPU against 3.2 s for JSON without fingerprints).  n against n/8, the least of two
    interleaved runs each, as sec_limits.py times: O(n log n) grows about 9 times, O(n^2) 64
    (the old code: 46)."""
    def make(n):
        return {"a.sql": "CREATE TABLE t (x int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n" +
                "".join(f"CREATE POLICY p{i} ON t FOR ALL USING (true);\n" for i in range(n))}
    n = 24000
    for fmt in ("sarif", "gitlab"):
        smalls, bigs = [], []
        for _ in range(2):
            smalls.append(cpu_seconds_of_report(make(n // 8), fmt)[0])
            t, out = cpu_seconds_of_report(make(n), fmt)
            bigs.append(t)
        doc = json.loads(out)
        results = doc["runs"][0]["results"] if fmt == "sarif" else doc
        fps = {r["partialFingerprints"]["pgrampart/v1"] if fmt == "sarif" else r["fingerprint"]
               for r in results}
        assert len(results) >= n and len(fps) >= n, (fmt, len(results), len(fps))
        ratio = min(bigs) / max(min(smalls), 0.01)
        print(f"{fmt}: n={n}: {min(bigs):.2f} s CPU, n/8: {min(smalls):.2f} s, ratio {ratio:.1f}")
        assert ratio < 24, f"{fmt}: {ratio:.1f} times (O(n^2) gives ~64)"
