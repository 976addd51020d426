"""The commands' table (core/src/cli/commands.c) drives the dispatch, --help and the completion:
a command added to the table needs no other list."""
from e2e import *  # noqa: F401,F403
import e2e
import os
import re
import subprocess


def complete(words):
    script = os.path.join(e2e.ARGS.source, "completions", "pgrampart.bash")
    line = " ".join(w if w else "''" for w in words)
    p = subprocess.run(["bash", "-c", f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                        "_pgrampart; printf '%s\\n' \"${COMPREPLY[@]}\""], capture_output=True, text=True,
                       env=dict(os.environ, PATH=os.path.dirname(e2e.ARGS.bin) + os.pathsep + os.environ["PATH"]))
    return p.stdout.split()


def test_commands_table_drives_cli():
    """Each command of --help's usage lines has its own --help, is completed, and runs; an unknown
    command is refused with the usage (exit 2), its name escaped."""
    rc, out, _ = run("--help")
    assert rc == 0
    names = re.findall(r"^(?:usage: |\s+)pgrampart ([a-z]+)", out, re.M)
    assert names == ["check", "audit", "verify", "model", "rules", "explain", "init"], names
    for name in names:
        rc, text, err = run(name, "--help")
        assert rc == 0 and text.startswith(f"usage: pgrampart {name}"), (name, text, err)
    assert complete(["pgrampart", ""]) == names + ["--help", "--version"]
    rc, out, _ = run("rules")
    assert rc == 0 and "rls/table-without-rls" in out
    rc, _, err = run("nope\x1b[2J")
    assert rc == 2 and "unknown command 'nope\\x1b[2J'" in err and "\x1b" not in err and "usage:" in err, err


def test_report_write_failure_exits_2():
    """A report that cannot be written (stdout is /dev/full) is exit 2 for check, model and audit, never a
    clean or findings exit: CI must not read a lost report as a pass."""
    with open("/dev/full", "w") as full:
        for args in (["check", "samples/"], ["model", "samples/migrations"]):
            p = subprocess.run([e2e.ARGS.bin, *args], cwd=e2e.ARGS.source, stdout=full,
                               stderr=subprocess.PIPE, text=True)
            assert p.returncode == 2, (args, p.returncode, p.stderr)
        with samples_cluster() as c:
            if c is None:
                return
            p = subprocess.run([e2e.ARGS.bin, "audit", c.conninfo()], stdout=full, stderr=subprocess.PIPE,
                               text=True)
            assert p.returncode == 2, (p.returncode, p.stderr)


def test_each_command_takes_its_own_options():
    """An option of another command is refused with exit 2 and names the command, never silently
    ignored (check --timeout, rules --staged, model --format sarif); each command's own pass."""
    for args in (["check", "--timeout", "5", "."], ["rules", "--staged"], ["model", "--format", "sarif", "."],
                 ["init", "--diff-base", "main"], ["audit", "--staged", "host=nowhere"]):
        rc, out, err = run(*args)
        assert rc == 2 and f"{args[0]} does not take --{args[1][2:]}" in err and not out, (args, rc, err)
    rc, out, _ = run("rules", "--config", "samples/.pgrampart.yml", cwd=e2e.ARGS.source)
    assert rc == 0 and "rls/table-without-rls" in out
    rc, out, _ = run("explain", "--markdown")
    assert rc == 0 and out.startswith("# pgrampart rules")
