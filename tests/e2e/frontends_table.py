"""The front-end table (core/src/frontends/frontends.c) against the binary and the fixtures.

A new input format is one file in core/src/frontends/ defining its `const frontend`, one line
in the table, and one fixture directory tests/frontends/<name>/.  These tests read the table
and each descriptor from the source, and check that every front-end in it
  - has its syntax rule registered by the host (`pgrampart rules`, with the descriptor's
    severity, under the core plugin), and
  - has a fixture: files it reads, whose findings are those in the fixture's `expected`
    (rule path line column), among them its syntax rule, and with at least one finding
    hidden by a pgrampart-ignore comment in the front-end's own comment syntax; with those
    comments blanked out the hidden findings come back at the line after each comment.
"""
from e2e import *  # noqa: F401,F403
import e2e
import json
import os
import re
import shutil
import subprocess
import tempfile

FRONTENDS = os.path.join("core", "src", "frontends")
SEVERITIES = {"PGR_SEVERITY_ERROR": "error", "PGR_SEVERITY_WARNING": "warning",
              "PGR_SEVERITY_INFO": "info"}


def source(*parts):
    return os.path.join(e2e.ARGS.source, *parts)


def c_string(text):
    """The value of adjacent C string literals in text."""
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))


def descriptor(var):
    """The fields of `const frontend var = {...}`, found in the front-end files."""
    for name in sorted(os.listdir(source(FRONTENDS))):
        if not name.endswith(".c"):
            continue
        with open(source(FRONTENDS, name)) as f:
            text = f.read()
        m = re.search(r"^const frontend %s = \{\n(.*?)^\};" % re.escape(var), text, re.M | re.S)
        if m is None:
            continue
        body = m.group(1)
        rule = re.search(r"\.syntax_rule = \{(.*?)\n    \}", body, re.S).group(1)
        return {
            "file": name,
            "name": c_string(re.search(r"\.name = ([^\n]*)", body).group(1)),
            "comment": c_string(re.search(r"\.comment = ([^\n]*)", body).group(1)),
            "rule": c_string(re.search(r"\.id = ([^\n]*)", rule).group(1)),
            "severity": SEVERITIES[re.search(r"\.default_severity = (\w+)", rule).group(1)],
        }
    raise AssertionError(f"no `const frontend {var} = {{` in {FRONTENDS}/*.c")


def table():
    """The front-ends of frontends.c's table, in order."""
    with open(source(FRONTENDS, "frontends.c")) as f:
        text = f.read()
    body = re.search(r"const frontend \*const frontends\[\] = \{\n(.*?)\};", text, re.S).group(1)
    entries = re.findall(r"^\s*&(\w+),", body, re.M)
    assert entries, "the table of frontends.c lists no front-end"
    return [descriptor(v) for v in entries]


def findings(root):
    p = subprocess.run([e2e.ARGS.bin, "check", "--format", "json", "."], cwd=root,
                       env=dict(os.environ, NO_COLOR="1"), capture_output=True, text=True, timeout=300)
    assert p.returncode in (0, 1), (root, p.returncode, p.stderr)
    return [f'{f["rule"]} {f["path"]} {f["line"]} {f["column"]}' for f in json.loads(p.stdout)["findings"]]


def ignore_lines(root, comment):
    """{(path, line)} of the pgrampart-ignore comments (in this comment syntax) under root."""
    found = set()
    for d, _, names in os.walk(root):
        for name in names:
            path = os.path.join(d, name)
            with open(path, errors="replace") as f:
                for n, line in enumerate(f, 1):
                    if line.lstrip(" \t").startswith(comment + " pgrampart-ignore"):
                        found.add((os.path.relpath(path, root), n))
    return found


def blank_lines(root, where):
    """Empty the lines where = {(path, line)}, keeping the other lines where they are."""
    for path in {p for p, _ in where}:
        full = os.path.join(root, path)
        with open(full) as f:
            lines = f.read().split("\n")
        for p, n in where:
            if p == path:
                lines[n - 1] = ""
        with open(full, "w") as f:
            f.write("\n".join(lines))


def test_frontends_syntax_rules_registered():
    fes = table()
    names = [fe["name"] for fe in fes]
    assert len(set(names)) == len(names), names
    _, out, _ = run("rules")
    listed = {}
    for line in out.splitlines():
        if line.strip():
            rule, plugin, severity = line.split()[:3]
            listed[rule] = (plugin, severity)
    for fe in fes:
        assert fe["rule"] == fe["rule"].split("/")[0] + "/syntax-error", fe
        assert listed.get(fe["rule"]) == ("core", fe["severity"]), (fe, listed.get(fe["rule"]))


def test_frontends_fixture_and_comment_syntax():
    for fe in table():
        fixture = source("tests", "frontends", fe["name"])
        assert os.path.isdir(fixture), (
            f"front-end {fe['name']} ({fe['file']}) has no fixture: add tests/frontends/{fe['name']}/ "
            "with files it reads, one of them with a syntax error and one with a finding under a "
            "pgrampart-ignore comment, and the expected findings in `expected`")
        with open(os.path.join(fixture, "expected")) as f:
            want = [l.strip() for l in f if l.strip()]
        with tempfile.TemporaryDirectory() as d:
            root = os.path.join(d, fe["name"])
            shutil.copytree(fixture, root, ignore=shutil.ignore_patterns("expected"))
            got = findings(root)
            assert got == want, f"{fe['name']}: findings differ:\n got: {got}\nwant: {want}"
            assert any(g.split()[0] == fe["rule"] for g in got), (fe["name"], fe["rule"], got)
            assert not any(g.startswith(("core/unused-suppression", "core/suppression-without"))
                           for g in got), (fe["name"], got)
            ignores = ignore_lines(root, fe["comment"])
            assert ignores, f"{fe['name']}: no '{fe['comment']} pgrampart-ignore' comment in its fixture"
            blank_lines(root, ignores)
            after = findings(root)
            unhidden = [g for g in after if g not in got]
            # Each comment hid what starts on its next line; nothing else changes.
            assert all(g in after for g in got), (fe["name"], got, after)
            for p, n in ignores:
                assert any(u.split()[1] == p and int(u.split()[2]) == n + 1 for u in unhidden), (
                    f"{fe['name']}: the comment at {p}:{n} hid nothing", unhidden)


def test_frontends_first_match_wins():
    # ".env.pg_hba.conf" is a name both the env and the server configuration front-ends
    # take: the table's order gives it to the env front-end, as before the table existed.
    found, _ = findings_in({".env.pg_hba.conf": "host all all 0.0.0.0/0 md5\n",
                            "pg_hba.conf": "host all all 0.0.0.0/0 md5\n"})
    rules = {(r, p) for r, p, *_ in found}
    assert ("env/syntax-error", ".env.pg_hba.conf") in rules, found
    assert not any(p == ".env.pg_hba.conf" and not r.startswith("env/") for r, p in rules), found
    assert any(p == "pg_hba.conf" for r, p in rules), found
