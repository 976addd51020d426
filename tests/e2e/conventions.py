"""The migration conventions (the table of core/src/scan/migrations.c) against their fixtures.

A new migration convention is one file in core/src/scan/conventions/ defining its
`const mig_convention`, one line in the table, and one fixture directory
tests/migrations/<name>/: a small migration tree and its `expected` lines,
  set ROOT  (CONVENTION, N migrations)      the sets `pgrampart init` finds, as it writes them
  finding RULE PATH LINE COLUMN             every finding of `check --format json .`
(the fixtures hold only `SELECT n;` statements, so the findings are the ups that lack a down
that undoes something: rollback/missing-down).  These tests check that every convention of
the table has a fixture that matches, that the configuration accepts its name, and that
pinning a fixture's sets to their own convention changes nothing while pinning them to
"none" makes them plain SQL.
"""
from e2e import *  # noqa: F401,F403
import e2e
import json
import os
import re
import shutil
import tempfile

SCAN = os.path.join("core", "src", "scan")


def source(*parts):
    return os.path.join(e2e.ARGS.source, *parts)


def table():
    """The convention names of migrations.c's table, in detection order."""
    with open(source(SCAN, "migrations.c")) as f:
        text = f.read()
    body = re.search(r"const mig_convention \*const conventions\[\] = \{\n(.*?)\};", text, re.S).group(1)
    names = []
    for var in re.findall(r"^\s*&(\w+),", body, re.M):
        names.append(convention_name(var))
    assert names, "the table of migrations.c lists no convention"
    return names


def convention_name(var):
    """The .name of `const mig_convention var = {...}`, found in scan/conventions/*.c."""
    folder = source(SCAN, "conventions")
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".c"):
            continue
        with open(os.path.join(folder, file)) as f:
            text = f.read()
        m = re.search(r"^const mig_convention %s = \{\n(.*?)^\};" % re.escape(var), text, re.M | re.S)
        if m:
            return re.search(r'\.name = "([^"]*)"', m.group(1)).group(1)
    raise AssertionError(f"no `const mig_convention {var} = {{` in {folder}/*.c")


def observe(root):
    """The `expected` lines of the tree at root: init's sets, then check's findings."""
    with tempfile.TemporaryDirectory() as d:
        tree = os.path.join(d, "t")
        shutil.copytree(root, tree)
        rc, out, err = run("init", cwd=tree)
        assert rc == 0, (root, out, err)
        with open(os.path.join(tree, ".pgrampart.yml")) as f:
            sets = ["set " + l[4:] for l in f.read().splitlines() if l.startswith("# - ")]
        os.remove(os.path.join(tree, ".pgrampart.yml"))
        return sets + findings(tree)


def findings(tree):
    """`finding RULE PATH LINE COLUMN` for each finding of `check --format json .` in tree."""
    rc, out, err = run("check", "--format", "json", ".", cwd=tree)
    assert rc in (0, 1), (tree, rc, err)
    return ["finding %s %s %d %d" % (f["rule"], f["path"], f["line"], f["column"])
            for f in json.loads(out)["findings"]]


def expected(name):
    with open(source("tests", "migrations", name, "expected")) as f:
        return [l for l in f.read().splitlines() if l.strip() and not l.startswith("#")]


def sets_of(lines):
    """{root: convention} of the `set` lines."""
    out = {}
    for l in lines:
        m = re.match(r"set (.*)  \(([^,]+), \d+ migrations\)$", l)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_conventions_fixtures():
    names = table()
    assert len(set(names)) == len(names), names
    for name in names:
        fixture = source("tests", "migrations", name)
        assert os.path.isfile(os.path.join(fixture, "expected")), (
            f"convention {name} has no fixture: add tests/migrations/{name}/ with an `expected` file")
        want = expected(name)
        assert name in sets_of(want).values(), f"tests/migrations/{name}/expected finds no {name} set"
        assert any(l.startswith("finding rollback/missing-down ") for l in want), (
            f"tests/migrations/{name}/ has no up without a down: the pairing is not tested")
        got = observe(fixture)
        assert got == want, (name, got, want)


def test_conventions_pinned():
    """Pinning a fixture's sets to their convention changes nothing; to none, they are plain SQL."""
    for name in table():
        fixture = source("tests", "migrations", name)
        want = expected(name)
        sets = sets_of(want)
        with tempfile.TemporaryDirectory() as d:
            tree = os.path.join(d, "t")
            shutil.copytree(fixture, tree)
            for pin in (None, "none"):
                pins = "".join(f"  - {{path: {root}, convention: {pin or sets[root]}}}\n" for root in sets)
                write_tree(tree, {".pgrampart.yml": "migrations:\n" + pins})
                found = findings(tree)
                if pin is None:
                    assert found == [l for l in want if l.startswith("finding ")], (name, found)
                else:
                    assert not any(" rollback/" in l for l in found), (name, found)


def test_conventions_unknown_name_lists_table():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"x.sql": "SELECT 1;\n",
                       ".pgrampart.yml": "migrations:\n  - {path: ., convention: rails}\n"})
        rc, _, err = run("check", ".", cwd=d)
    assert rc == 2 and "unknown convention (" in err, err
    listed = err.split("unknown convention (")[1].split(")")[0]
    assert listed == ", ".join(table()) + " or none", listed


def models(path, cwd):
    rc, out, err = run("model", path, cwd=cwd)
    assert rc == 0, (path, err)
    return [json.dumps(m, sort_keys=True) for m in json.loads(out)["models"]]


def test_conventions_file_alone():
    """A migration file checked on its own is judged within its set (the rest of the set comes in
    as context, also from the directory above for a sqitch deploy/, a rollback/ or a diesel
    migration's directory): its findings are those the whole fixture has in it, and the models
    replayed for it are among the fixture's (diesel's second migration sees the first's role)."""
    for name in table():
        fixture = source("tests", "migrations", name)
        want = [l for l in expected(name) if l.startswith("finding ")]
        whole = models(".", fixture)
        for d, _, files in os.walk(fixture):
            for file in files:
                path = os.path.relpath(os.path.join(d, file), fixture)
                if not path.endswith(".sql"):
                    continue
                rc, out, err = run("check", "--format", "json", path, cwd=fixture)
                assert rc in (0, 1), (name, path, err)
                got = ["finding %s %s %d %d" % (f["rule"], f["path"], f["line"], f["column"])
                       for f in json.loads(out)["findings"]]
                assert got == [l for l in want if l.split()[2] == path], (name, path, got)
                alone = models(path, fixture)
                assert alone and all(m in whole for m in alone), (name, path, alone, whole)
