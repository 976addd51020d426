"""End-to-end tests: the command line like ruff and gitleaks (issue 17): --select/--ignore,
--exit-zero, --quiet, --output, --statistics, the summary's suppressed and baselined counts,
standard input, explicitly named files that cannot be read, per-path overrides and colour."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

# Three findings at known places, and one suppressed.
TREE = {"m.sql": "CREATE TABLE t (a int, tenant_id int);\nGRANT ALL ON t TO app;\nGRANT SELECT ON t TO PUBLIC;\n",
        "s.sql": "-- pgrampart-ignore grants/grant-to-public: reports read it\nGRANT SELECT ON u TO PUBLIC;\n"}
RLS = "m.sql:1:1: error: table public.t has no row-level security: nothing in this file enables it [rls/table-without-rls]"
ALL = ("m.sql:2:1: warning: app holds ALL privileges (SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, "
       "TRIGGER) on table public.t [grants/grant-all-privileges]")
PUB = "m.sql:3:1: error: SELECT on table public.t is granted to PUBLIC [grants/grant-to-public]"


def heads(out):
    """The first line of each finding of a text report (the others are indented)."""
    return [l for l in out.splitlines() if l and not l.startswith(" ") and " checked: " not in l]


def in_tree(files, *args, env=None):
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        return run(*args, cwd=d, env=env)


def on_tty(files, args, env):
    """Run pgrampart args in a tree of files with stdout on a pseudo-terminal; what it printed."""
    from rule_links import run_on_tty
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        return run_on_tty(args, d, env)


def test_select_and_ignore():
    rc, out, err = in_tree(TREE, "check", "--select", "grants/*", ".")
    assert rc == 1 and heads(out) == [ALL, PUB], out + err
    rc, out, err = in_tree(TREE, "check", "--select", "rls/table-without-rls,grants/grant-all-privileges", ".")
    assert rc == 1 and heads(out) == [RLS, ALL], out + err
    # --ignore after --select; repeatable.
    rc, out, err = in_tree(TREE, "check", "--select", "grants/*", "--ignore", "grants/grant-to-public", ".")
    assert rc == 0 and heads(out) == [ALL], out + err
    rc, out, err = in_tree(TREE, "check", "--ignore", "rls/*", "--ignore", "grants/grant-all-privileges", ".")
    assert rc == 1 and heads(out) == [PUB], out + err
    # Negative: without them, every rule runs.
    rc, out, err = in_tree(TREE, "check", ".")
    assert heads(out) == [RLS, ALL, PUB], out
    # The command line wins over the file, both ways.
    conf = {".pgrampart.yml": "rules:\n  grants/grant-all-privileges: off\n  rls/*: warning\n"}
    rc, out, err = in_tree(dict(TREE, **conf), "check", ".")
    assert heads(out) == [RLS.replace("error:", "warning:"), PUB], out + err
    rc, out, err = in_tree(dict(TREE, **conf), "check", "--select", "grants/grant-all-privileges", ".")
    assert rc == 0 and heads(out) == [ALL], out + err
    # audit takes them too (checked before connecting).
    rc, _, err = run("audit", "--select", "rls/nope", "host=/nonexistent")
    assert rc == 2 and "unknown rule 'rls/nope'" in err, err


def test_select_unknown_rule_suggests():
    rc, out, err = in_tree(TREE, "check", "--select", "grant/*", ".")
    assert (rc, out, err) == (2, "", "pgrampart: --select: unknown rule 'grant/*' (did you mean grants/*?)\n")
    rc, out, err = in_tree(TREE, "check", "--ignore", "grants/grant-to-pubic", ".")
    assert (rc, err) == (2, "pgrampart: --ignore: unknown rule 'grants/grant-to-pubic' "
                            "(did you mean grants/grant-to-public?)\n"), err
    rc, out, err = in_tree(TREE, "check", "--select", "zzzzzzzz", ".")
    assert (rc, err) == (2, "pgrampart: --select: unknown rule 'zzzzzzzz' (see pgrampart rules)\n"), err
    # The file's rules: keys take the same patterns, and suggest the same way.
    rc, out, err = in_tree(dict(TREE, **{".pgrampart.yml": "rules:\n  grants/grant-to-pubic: off\n"}), "check", ".")
    assert rc == 2 and err.endswith(".pgrampart.yml:2:3: unknown rule 'grants/grant-to-pubic' "
                                    "(did you mean grants/grant-to-public?)\n"), err
    rc, out, err = in_tree(dict(TREE, **{".pgrampart.yml": "rules:\n  grants/*: off\n"}), "check", ".")
    assert rc == 1 and heads(out) == [RLS], out + err


def test_exit_zero_and_quiet():
    rc, out, err = in_tree(TREE, "check", "--exit-zero", "--quiet", "--select", "grants/grant-to-public", ".")
    assert rc == 0 and err == "", err
    assert out == (PUB + "\n  GRANT SELECT ON t TO PUBLIC;\n  ^\n"
                   "  hint: Grant to a named application role instead, and REVOKE ... FROM PUBLIC.\n"), out
    # Negative: without --exit-zero findings fail; without --quiet the summary is printed.
    rc, out, err = in_tree(TREE, "check", "--select", "grants/grant-to-public", ".")
    assert rc == 1 and out.splitlines()[-1] == "2 files checked: 1 error, 0 warnings, 0 info (1 suppressed)", out
    # --exit-zero does not hide that the tool failed.
    rc, _, _ = in_tree(TREE, "check", "--exit-zero", "missing.sql")
    assert rc == 2
    rc, _, err = in_tree(TREE, "check", "--quiet", "--write-baseline", "b.json", ".")
    assert rc == 0 and err == "", err


def test_output_file_atomic():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, TREE)
        for fmt in ("text", "json", "sarif", "github", "gitlab"):
            rc, out, err = run("check", "--format", fmt, "--output", "r.out", ".", cwd=d)
            assert rc == 1 and out == "" and err == "", (fmt, out, err)
            with open(os.path.join(d, "r.out")) as f:
                text = f.read()
            assert "grant-to-public" in text, (fmt, text)
            assert sorted(os.listdir(d)) == ["m.sql", "r.out", "s.sql"], os.listdir(d)
        # Written beside and renamed over: a reader holding the old file (here a
        # hard link to it) sees the old report whole, never a truncated one.
        os.link(os.path.join(d, "r.out"), os.path.join(d, "old.out"))
        rc, out, err = run("check", "--format", "json", "--output", "r.out", ".", cwd=d)
        assert rc == 1 and out == "" and err == "", err
        with open(os.path.join(d, "old.out")) as f:
            assert f.read() == text
        with open(os.path.join(d, "r.out")) as f:
            text = f.read()
        assert json.loads(text)["version"] == 1
        os.unlink(os.path.join(d, "old.out"))
        # A report that cannot be written leaves the old one whole, and exits 2.
        os.chmod(d, 0o500)
        try:
            rc, out, err = run("check", "--format", "json", "--output", "r.out", ".", cwd=d)
        finally:
            os.chmod(d, 0o700)
        if os.geteuid() != 0:
            assert rc == 2 and out == "" and err.startswith("pgrampart: --output r.out: "), err
            with open(os.path.join(d, "r.out")) as f:
                assert f.read() == text
        # A write that fails half-way (a file size limit, as a full disk would):
        # exit 2, the old report whole, no temporary file left behind.
        with open(os.path.join(d, "r.out")) as f:
            text = f.read()
        import resource
        import signal

        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))
        p = subprocess.run([ARGS.bin, "check", "--format", "json", "--output", "r.out", "."], cwd=d,
                           capture_output=True, text=True, preexec_fn=small_files)
        assert p.returncode == 2 and p.stdout == "" and \
            p.stderr == "pgrampart: --output r.out: cannot write the report\n", p.stderr
        with open(os.path.join(d, "r.out")) as f:
            assert f.read() == text
        assert sorted(os.listdir(d)) == ["m.sql", "r.out", "s.sql"], os.listdir(d)
        # Not a regular file: written through, never replaced (/dev/stdout, a link).
        rc, out, err = run("check", "--format", "json", "--output", "/dev/stdout", ".", cwd=d)
        assert rc == 1 and json.loads(out)["version"] == 1 and os.path.islink("/dev/stdout"), err
        os.symlink("r.out", os.path.join(d, "link.out"))
        rc, out, err = run("check", "--output", "link.out", ".", cwd=d)
        assert rc == 1 and os.path.islink(os.path.join(d, "link.out")), err
        with open(os.path.join(d, "r.out")) as f:
            assert f.read().startswith("m.sql:1:1: error:")
        os.unlink(os.path.join(d, "link.out"))
        rc, out, err = run("check", "--output", "nowhere/r.out", ".", cwd=d)
        assert rc == 2 and out == "" and err == "pgrampart: --output nowhere/r.out: No such file or directory\n", err


def test_statistics():
    rc, out, err = in_tree(TREE, "check", "--statistics", ".")
    assert rc == 1, err
    assert out == ("count  severity  hint  rule\n"
                   "    1  error     yes   grants/grant-to-public\n"
                   "    1  error     yes   rls/table-without-rls\n"
                   "    1  warning   yes   grants/grant-all-privileges\n"
                   "2 files checked: 2 errors, 1 warning, 0 info (1 suppressed)\n"), out
    two = dict(TREE, **{"n.sql": "GRANT SELECT ON v TO PUBLIC;\n"})
    rc, out, err = in_tree(two, "check", "--statistics", "--format", "json", ".")
    doc = json.loads(out)
    assert "findings" not in doc and doc["statistics"] == [
        {"rule": "grants/grant-to-public", "severity": "error", "count": 2, "hint": True},
        {"rule": "rls/table-without-rls", "severity": "error", "count": 1, "hint": True},
        {"rule": "grants/grant-all-privileges", "severity": "warning", "count": 1, "hint": True}], doc
    # Negative: without it, findings; with a format that has no place for it, an error.
    rc, out, err = in_tree(two, "check", "--format", "json", ".")
    assert "statistics" not in json.loads(out) and len(json.loads(out)["findings"]) == 4
    rc, out, err = in_tree(TREE, "check", "--statistics", "--format", "sarif", ".")
    assert (rc, out, err) == (2, "", "pgrampart: --statistics prints with --format text or json\n")
    rc, out, err = run("audit", "--statistics", "host=/nonexistent dbname=a", "host=/nonexistent dbname=b")
    assert (rc, out, err) == (2, "", "pgrampart: --statistics counts the findings of one database\n"), err


def test_summary_counts_suppressed_and_baselined():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, TREE)
        assert run("check", "--write-baseline", "b.json", "m.sql", cwd=d)[0] == 0
        write_tree(d, {"m.sql": TREE["m.sql"] + "GRANT SELECT ON w TO PUBLIC;\n"})
        rc, out, err = run("check", "--baseline", "b.json", ".", cwd=d)
        assert rc == 1 and out.splitlines()[-1] == \
            "2 files checked: 1 error, 0 warnings, 0 info (1 suppressed, 3 baselined)", out
        rc, out, err = run("check", "--baseline", "b.json", "--format", "json", ".", cwd=d)
        s = json.loads(out)["summary"]
        assert (s["errors"], s["suppressed"], s["baselined"]) == (1, 1, 3), s
        rc, out, err = run("check", "--baseline", "b.json", "m.sql", cwd=d)
        assert out.splitlines()[-1] == "1 file checked: 1 error, 0 warnings, 0 info (3 baselined)", out
        # Negative: nothing hidden, nothing said.
        rc, out, err = run("check", "m.sql", cwd=d)
        assert out.splitlines()[-1] == "1 file checked: 3 errors, 1 warning, 0 info", out


def test_color():
    esc = "\033[1;31merror:"
    base = {"NO_COLOR": ""}
    # Not a terminal: no colour, unless forced.
    assert esc not in in_tree(TREE, "check", ".", env=base)[1]
    assert esc in in_tree(TREE, "check", ".", env=dict(base, FORCE_COLOR="1"))[1]
    assert esc in in_tree(TREE, "check", "--color=always", ".", env=base)[1]
    assert esc in in_tree(TREE, "check", "--color", "always", ".", env={"NO_COLOR": "1"})[1]
    assert esc not in in_tree(TREE, "check", "--color=never", ".", env=dict(base, FORCE_COLOR="1"))[1]
    assert esc not in in_tree(TREE, "check", "--color=auto", ".", env=dict(base, NO_COLOR="1", FORCE_COLOR="1"))[1]
    assert esc not in in_tree(TREE, "check", ".", env=dict(base, FORCE_COLOR=""))[1]
    rc, out, err = in_tree(TREE, "check", "--color=sometimes", ".")
    assert (rc, err) == (2, "pgrampart: --color takes always, never or auto\n"), err
    # On a terminal: colour unless NO_COLOR is set and not empty (no-color.org).
    assert esc in on_tty(TREE, ["check", "m.sql"], {"NO_COLOR": ""})
    assert esc not in on_tty(TREE, ["check", "m.sql"], {"NO_COLOR": "1"})


def test_help_documents_flags():
    flags = ["--select", "--ignore", "--exit-zero", "--quiet", "--statistics", "--color", "--stdin-filename"]
    rc, out, _ = run("check", "--help")
    assert rc == 0 and all(f in out for f in flags), out
    rc, out, _ = run("audit", "--help")
    assert rc == 0 and all(f in out for f in flags[:-1]) and "--stdin-filename" not in out, out
    # audit reads no standard input: the option is refused, not ignored.
    rc, _, err = run("audit", "--stdin-filename", "x.sql")
    assert rc == 2 and "audit does not take --stdin-filename" in err, err
    with open(os.path.join(ARGS.source, "docs", "pgrampart.1.scd")) as f:
        man = f.read()
    assert all(f"*{f}*" in man for f in flags) and "overrides:" in man, man


def run_stdin(data, *args, cwd=None):
    """Run pgrampart with data (str or bytes) on standard input; (exit code, stdout, stderr)."""
    p = subprocess.run([ARGS.bin, *args], cwd=cwd, env=dict(os.environ, NO_COLOR="1"), capture_output=True,
                       input=data.encode() if isinstance(data, str) else data, timeout=600)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


GRANT_B = "CREATE TABLE b (id int);\nGRANT SELECT ON b TO PUBLIC;\n"


def test_stdin_is_sql_named_stdin():
    with tempfile.TemporaryDirectory() as d:
        rc, out, err = run_stdin("SELECT 1;\n" + GRANT_B, "check", "-", cwd=d)
        assert rc == 1 and err == "", err
        assert out == ("<stdin>:3:1: error: SELECT on table public.b is granted to PUBLIC [grants/grant-to-public]\n"
                       "  GRANT SELECT ON b TO PUBLIC;\n  ^\n"
                       "  hint: Grant to a named application role instead, and REVOKE ... FROM PUBLIC.\n"
                       "1 file checked: 1 error, 0 warnings, 0 info\n"), out
        # Negative: clean input is a clean run of one file; SQL files beside it are not read.
        write_tree(d, {"other.sql": GRANT_B})
        rc, out, err = run_stdin("SELECT 1;\n", "check", "-", cwd=d)
        assert (rc, out) == (0, "1 file checked: 0 errors, 0 warnings, 0 info\n"), out + err
        rc, out, err = run_stdin("SELECT 1;\n", "check", "-", "other.sql", cwd=d)
        assert (rc, out, err) == (2, "", "pgrampart: - (standard input) is checked alone, without other "
                                         "paths or --staged\n"), err


def test_stdin_filename_takes_the_tree_at_path():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"app/.pgrampart.yml": "rules:\n  grants/grant-to-public: warning\n",
                       "app/db/migrations/001_a.up.sql": "CREATE TABLE a (id int);\n",
                       "app/db/migrations/001_a.down.sql": "DROP TABLE a;\n",
                       "app/db/migrations/002_b.down.sql": "DROP TABLE b;\n",
                       # On disk, and not read: standard input stands for it.
                       "app/db/migrations/002_b.up.sql": "GRANT ALL ON a TO app;\n"})
        # Its down is in the tree (no rollback/missing-down), the tree's configuration
        # applies (a warning), findings are at PATH.
        rc, out, err = run_stdin(GRANT_B, "check", "-", "--stdin-filename", "app/db/migrations/002_b.up.sql", cwd=d)
        assert (rc, err) == (0, ""), err
        assert heads(out) == ["app/db/migrations/002_b.up.sql:2:1: warning: SELECT on table public.b is granted "
                              "to PUBLIC [grants/grant-to-public]"], out
        assert out.splitlines()[-1] == "1 file checked: 0 errors, 1 warning, 0 info", out
        # Negative: a new migration without a down is one, in the same set.
        rc, out, err = run_stdin(GRANT_B, "check", "-", "--stdin-filename", "app/db/migrations/003_c.up.sql", cwd=d)
        assert rc == 1 and heads(out) == [
            "app/db/migrations/003_c.up.sql:1:1: error: up migration app/db/migrations/003_c.up.sql has no down "
            "migration (golang-migrate convention) [rollback/missing-down]",
            "app/db/migrations/003_c.up.sql:2:1: warning: SELECT on table public.b is granted to PUBLIC "
            "[grants/grant-to-public]"], out
        # Its kind from its name: an env file.
        rc, out, err = run_stdin("DATABASE_URL=postgres://app@db.example.com/x\n", "check", "-",
                                 "--stdin-filename", "app/.env.production", "--select", "ssl/*", cwd=d)
        assert heads(out) == ["app/.env.production:1:14: error: DATABASE_URL connects to db.example.com without "
                              "sslmode: libpq defaults to prefer, which falls back to plain text "
                              "[ssl/missing-sslmode]"], out + err
        # Inline suppressions in the input apply.
        rc, out, err = run_stdin(GRANT_B.replace("GRANT", "-- pgrampart-ignore grants/grant-to-public: catalogue\nGRANT"), "check", "-",
                                 "--stdin-filename", "app/db/migrations/002_b.up.sql", cwd=d)
        assert (rc, out.splitlines()[-1]) == (0, "1 file checked: 0 errors, 0 warnings, 0 info (1 suppressed)"), out
        # A path in no existing directory: a file of its own.
        rc, out, err = run_stdin(GRANT_B, "check", "-", "--stdin-filename", "new/dir/x.sql", cwd=d)
        assert heads(out) == ["new/dir/x.sql:2:1: error: SELECT on table public.b is granted to PUBLIC "
                              "[grants/grant-to-public]"], out + err


def test_stdin_filename_errors():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"db/a.sql": "SELECT 1;\n"})
        for args, msg in [
                (["-", "--stdin-filename", "db"], "--stdin-filename db: is a directory"),
                (["-", "--stdin-filename", "notes.txt"], "--stdin-filename notes.txt: not a kind of file pgrampart "
                 "reads (SQL, env, YAML, shell, JS/TS, Markdown or server configuration, by its name)"),
                (["--stdin-filename", "db/a.sql", "db/a.sql"],
                 "--stdin-filename names standard input: check - --stdin-filename PATH")]:
            rc, out, err = run_stdin(GRANT_B, "check", *args, cwd=d)
            assert (rc, out, err) == (2, "", f"pgrampart: {msg}\n"), (args, rc, out, err)


def test_stdin_size_limit():
    # As for files: more than 64 MiB is core/unreadable-file at PATH, not read whole.
    big = b"-- " + b"x" * (64 << 20) + b"\n"
    with tempfile.TemporaryDirectory() as d:
        rc, out, err = run_stdin(big, "check", "-", "--stdin-filename", "big.sql", cwd=d)
        assert heads(out) == ["big.sql:1:1: error: cannot read file: file too large [core/unreadable-file]"], out + err
        rc, out, err = run_stdin(big[:1 << 20], "check", "-", "--stdin-filename", "big.sql", cwd=d)
        assert (rc, heads(out)) == (0, []), out + err


def test_named_file_of_unknown_kind_is_an_error():
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"notes.txt": "GRANT SELECT ON t TO PUBLIC;\n", "m.sql": "SELECT 1;\n"})
        rc, out, err = run("check", "notes.txt", cwd=d)
        assert (rc, out, err) == (2, "", "pgrampart: notes.txt: not a kind of file pgrampart reads (SQL, env, YAML, "
                                         "shell, JS/TS, Markdown or server configuration, by its name)\n"), err
        rc, out, err = run("check", "m.sql", "notes.txt", cwd=d)
        assert rc == 2 and out == "", out
        rc, out, err = run("check", "missing.sql", cwd=d)
        assert (rc, out, err) == (2, "", "pgrampart: missing.sql: No such file or directory\n"), err
        # Negative: in a directory it is simply not read.
        rc, out, err = run("check", ".", cwd=d)
        assert (rc, out) == (0, "1 file checked: 0 errors, 0 warnings, 0 info\n"), out + err


OVERRIDES = {
    ".pgrampart.yml": "rules:\n  grants/grant-all-privileges: off\n"
                      "overrides:\n"
                      "  - paths: [\"db/legacy/**\"]\n"
                      "    rules: {grants/grant-to-public: off, rls/*: warning}\n"
                      "  - paths: [\"db/legacy/keep/*\"]\n"
                      "    rules: {grants/grant-to-public: error}\n"
                      "  - paths: [\"db/new/*\"]\n"
                      "    rules: {grants/grant-all-privileges: warning}\n"
                      "  - paths: [\"tests/**\"]\n"
                      "    roles: {test: off}\n",
    "db/legacy/m.sql": TREE["m.sql"], "db/legacy/keep/k.sql": "GRANT SELECT ON k TO PUBLIC;\n",
    "db/new/m.sql": TREE["m.sql"], "tests/x.sql": "GRANT SELECT ON k TO PUBLIC;\n",
    "qa/x.sql": "GRANT SELECT ON k TO PUBLIC;\n"}
LEGACY_RLS = "db/legacy/m.sql:1:1: warning: table public.t has no row-level security: nothing in this file enables it [rls/table-without-rls]"
KEEP_PUB = "db/legacy/keep/k.sql:1:1: error: SELECT on table public.k is granted to PUBLIC [grants/grant-to-public]"
QA_PUB = "qa/x.sql:1:1: error: SELECT on table public.k is granted to PUBLIC [grants/grant-to-public]"


def test_overrides_per_path():
    new = [l.replace("m.sql", "db/new/m.sql") for l in (RLS, ALL, PUB)]
    rc, out, err = in_tree(OVERRIDES, "check", ".")
    # db/legacy: grant-to-public off and rls/* warnings; db/legacy/keep: the last
    # matching override turns it back to error; db/new: a rule off in rules: is on;
    # tests/: the test role's findings are off; qa/ is untouched.
    assert heads(out) == [KEEP_PUB, LEGACY_RLS] + new + [QA_PUB], out + err
    # From elsewhere: the globs are relative to the configuration's directory.
    with tempfile.TemporaryDirectory() as d:
        write_tree(os.path.join(d, "proj"), OVERRIDES)
        rc, out2, err = run("check", "proj", cwd=d)
        assert heads(out2) == ["proj/" + l for l in heads(out)], out2 + err
        # The command line wins: a rule it turns off stays off where an override sets it.
        rc, out3, err = run("check", "--ignore", "grants/grant-all-privileges", "proj", cwd=d)
        assert "grant-all-privileges" not in out3 and "proj/" + new[0] in heads(out3), out3
    # Negative: without overrides, every file gets the top-level settings.
    files = dict(OVERRIDES, **{".pgrampart.yml": "rules:\n  grants/grant-all-privileges: off\n"})
    rc, out, err = in_tree(files, "check", ".")
    legacy = [l.replace("m.sql", "db/legacy/m.sql") for l in (RLS, PUB)]
    assert heads(out) == [KEEP_PUB] + legacy + [new[0], new[2], QA_PUB,
                          "tests/x.sql:1:1: info: SELECT on table public.k is granted to PUBLIC [grants/grant-to-public]"
                          ], out


def test_overrides_are_validated():
    for text, where, msg in [
            ("overrides: {paths: [a]}\n", ":1:12:", "expected a list such as"),
            ("overrides:\n  - rules: {rls/*: off}\n", ":2:5:", "expected {paths: [globs], rules: {...}, roles: {...}}"),
            ("overrides:\n  - paths: a\n", ":2:12:", "expected a list of strings"),
            ("overrides:\n  - paths: []\n", ":2:12:", "expected at least one path glob"),
            ("overrides:\n  - {paths: [a], rulez: {}}\n", ":2:18:", "unknown key in an override"),
            ("overrides:\n  - {paths: [a], rules: {rls/*: loud}}\n", ":2:33:", "expected error, warning, info or off"),
            ("overrides:\n  - {paths: [a], rules: {grants/grant-to-pubic: off}}\n", ":2:26:",
             "unknown rule 'grants/grant-to-pubic' (did you mean grants/grant-to-public?)"),
            ("overrides:\n  - {paths: [a], roles: {tests: off}}\n", ":2:26:", "unknown path role"),
            ("overrides:\n  - {paths: [a], roles: {test: none}}\n", ":2:32:", "expected off, info, warning or error")]:
        rc, out, err = in_tree(dict(TREE, **{".pgrampart.yml": text}), "check", ".")
        assert rc == 2 and ".pgrampart.yml" + where in err and msg in err, (text, rc, err)
    # Negative: a valid one is accepted and changes nothing where it does not match.
    rc, out, err = in_tree(dict(TREE, **{".pgrampart.yml": "overrides:\n  - {paths: [\"db/*\"], rules: {rls/*: off}}\n"}),
                           "check", ".")
    assert rc == 1 and heads(out) == [RLS, ALL, PUB], out + err
