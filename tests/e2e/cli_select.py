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
    rc, out, err = in_tree(TREE, "check", "--select", "rsl/*", ".")
    assert (rc, out, err) == (2, "", "pgrampart: --select: unknown rule 'rsl/*' (did you mean 'rls/*'?)\n")
    rc, out, err = in_tree(TREE, "check", "--ignore", "grants/grant-to-pubic", ".")
    assert (rc, err) == (2, "pgrampart: --ignore: unknown rule 'grants/grant-to-pubic' "
                            "(did you mean 'grants/grant-to-public'?)\n"), err
    rc, out, err = in_tree(TREE, "check", "--select", "zzzzzzzz", ".")
    assert (rc, err) == (2, "pgrampart: --select: unknown rule 'zzzzzzzz' (pgrampart rules lists them)\n"), err
    # The file's rules: keys take the same patterns, and suggest the same way.
    rc, out, err = in_tree(dict(TREE, **{".pgrampart.yml": "rules:\n  grants/grant-to-pubic: off\n"}), "check", ".")
    assert rc == 2 and err.endswith(".pgrampart.yml:2:3: unknown rule 'grants/grant-to-pubic' "
                                    "(did you mean 'grants/grant-to-public'?)\n"), err
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
    import pty

    def on_tty(env):
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, TREE)
            pid, fd = pty.fork()
            if pid == 0:
                os.chdir(d)
                os.execve(ARGS.bin, [ARGS.bin, "check", "m.sql"], dict(os.environ, **env))
            chunks = []
            while True:
                try:
                    b = os.read(fd, 65536)
                except OSError:
                    break
                if not b:
                    break
                chunks.append(b)
            os.waitpid(pid, 0)
            return b"".join(chunks).decode(errors="replace")
    assert esc in on_tty({"NO_COLOR": ""})
    assert esc not in on_tty({"NO_COLOR": "1"})


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
