"""End-to-end tests: see the comment above this module's list in tests/meson.build.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus
"""
from e2e import *  # noqa: F401,F403 — run, write_tree, ARGS via e2e.ARGS
import e2e
import glob
import os
import subprocess
import tempfile

# What tests/plugins/example.c declares for its rule (pgr_rule's docs).
EXAMPLE_EXPLAIN = """example/drop-table  (example plugin, default warning)

  A DROP TABLE statement.

Why it matters:
  A dropped table takes its rows with it; no down migration brings them back.

Bad:
    DROP TABLE invoices;
    DROP TABLE payments;

Good:
    ALTER TABLE invoices RENAME TO invoices_retired;

Fix: Be sure.
Source: test plugin
Docs: https://github.com/pgrampart/pgrampart/blob/main/docs/rules.md#exampledrop-table
"""

EXAMPLE_MARKDOWN = """## `example/drop-table`

*example plugin, default severity warning*

A DROP TABLE statement.

**Why it matters.** A dropped table takes its rows with it; no down migration brings them back.

**Bad**

```
DROP TABLE invoices;
DROP TABLE payments;
```

**Good**

```
ALTER TABLE invoices RENAME TO invoices_retired;
```

**Fix.** Be sure.

**Source.** test plugin

"""

EXAMPLE_ROW = ("| [`example/drop-table`](docs/rules.md#exampledrop-table) | example | warning | "
               "A DROP TABLE statement. | test plugin |\n")


def assert_example_documented(binary, plugin_dir):
    """binary explains the example plugin's rule from its own pgr_rule: alone, in the
    generated docs/rules.md (after the built-in rules, which stay as committed) and in
    the README table."""
    def pg(*args):
        p = subprocess.run([binary, *args], capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    rc, out, err = pg("explain", "--plugin-dir", plugin_dir, "example/drop-table")
    assert rc == 0 and out == EXAMPLE_EXPLAIN, (rc, out, err)
    rc, out, err = pg("explain", "--markdown", "--plugin-dir", plugin_dir)
    with open(os.path.join(e2e.ARGS.source, "docs", "rules.md")) as f:
        committed = f.read()
    assert rc == 0 and EXAMPLE_MARKDOWN in out, (rc, err, out[-2000:])
    assert out.replace(EXAMPLE_MARKDOWN, "") == committed, "built-in rules' docs changed with a plugin loaded"
    rc, out, err = pg("explain", "--readme-table", "--plugin-dir", plugin_dir)
    assert rc == 0 and EXAMPLE_ROW in out, (rc, out, err)


def test_plugin_rule_docs():
    """An out-of-tree plugin's rule gets explain, docs/rules.md and the README table from the docs
    in its own rule table; one that declares none is refused by explain, naming its file."""
    with tempfile.TemporaryDirectory() as d:
        e2e.build_plugin(d)
        assert_example_documented(e2e.ARGS.bin, d)
    with tempfile.TemporaryDirectory() as d:
        so = e2e.build_plugin(d, "-DNO_DOCS")
        for args in (["explain", "example/drop-table"], ["explain", "--markdown"]):
            rc, out, err = run(*args, "--plugin-dir", d)
            assert rc == 2 and out == "" and so in err and "example/drop-table" in err \
                and "no why, bad or good" in err, (args, rc, out, err)
        # Only explain needs the docs: the rule still loads and runs.
        rc, out, err = run("rules", "--plugin-dir", d)
        assert rc == 0 and "example/drop-table" in out, err
        assert run("explain", "--plugin-dir", d, "rls/table-without-rls")[0] == 0


def test_value_file_format_names():
    """The host names each settings file's format for plugins (pgr_value_file.format_name)."""
    with tempfile.TemporaryDirectory() as d:
        e2e.build_plugin(d, "-DLOG_FORMAT")
        write_tree(d, {"t/.env": "A=1\n", "t/c.yaml": "a: 1\n", "t/s.sh": "X=1\n", "t/a.js": "const a = 1;\n",
                       "t/b.ts": "const b: number = 1;\n"})
        rc, _, err = run("check", "--plugin-dir", d, ".", cwd=os.path.join(d, "t"))
        got = sorted(l.split("format ", 1)[1] for l in err.splitlines() if "example: warning: format " in l)
        assert rc == 0 and got == [".env dotenv", "a.js javascript", "b.ts javascript", "c.yaml yaml",
                                   "s.sh shell"], (rc, err)


def header_abi():
    with open(os.path.join(e2e.ARGS.source, "core/include/pgrampart/plugin.h")) as f:
        for line in f:
            if line.startswith("#define PGR_ABI_VERSION "):
                return line.split()[2]
    raise AssertionError("no PGR_ABI_VERSION")


def test_installed_plugin_docs_via_pkg_config():
    """Installed: pgrampart-plugin.pc states the header's ABI version, and a plugin built with its
    cflags gets explain and docs/rules.md for its rule from the installed binary."""
    build = os.path.dirname(e2e.ARGS.bin)
    with tempfile.TemporaryDirectory() as dest:
        p = subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild", "--quiet"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        installed = glob.glob(os.path.join(dest, "**", "bin", "pgrampart"), recursive=True)
        pcdir = glob.glob(os.path.join(dest, "**", "pkgconfig"), recursive=True)
        assert len(installed) == 1 and pcdir, (installed, pcdir)
        assert not glob.glob(os.path.join(dest, "**", "explain.yml"), recursive=True), "explain.yml installed"
        env = dict(os.environ, PKG_CONFIG_PATH=pcdir[0])

        def pkg_config(*args):
            return subprocess.run(["pkg-config", "--define-prefix", *args, "pgrampart-plugin"],
                                  capture_output=True, text=True, env=env, check=True).stdout.split()
        assert pkg_config("--variable=abiversion") == [header_abi()]
        with tempfile.TemporaryDirectory() as pd:
            subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden",
                            "-Wl,-z,defs", "-Wall", "-Wextra", "-Werror", *pkg_config("--cflags"),
                            os.path.join(e2e.ARGS.source, "tests/plugins/example.c"),
                            "-o", os.path.join(pd, "example.so")], check=True)
            assert_example_documented(installed[0], pd)
