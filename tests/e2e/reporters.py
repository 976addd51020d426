"""The reporters' table (core/src/report/reporters.c) drives --format, the help texts and the
shell completion: a format added to the table needs no other list."""
from e2e import *  # noqa: F401,F403
import e2e
import os
import subprocess


def formats():
    rc, out, err = run("check", "--format", "list")
    assert rc == 0 and out, (rc, err)
    return [line.split()[0] for line in out.splitlines()]


def test_reporters_table_drives_cli():
    """Every format of --format list writes a report of samples/, is named by --help and check --help,
    and is offered by the bash completion; an unknown format is refused with the list (exit 2)."""
    names = formats()
    assert names[0] == "text" and {"json", "sarif", "github", "gitlab"} <= set(names), names
    for name in names:
        rc, out, err = run("check", "--format", name, "samples/", cwd=e2e.ARGS.source)
        assert rc == 1 and out.strip(), (name, rc, err)
    for args in (["--help"], ["check", "--help"]):
        _, out, _ = run(*args)
        line = next(l for l in out.splitlines() if "--format FORMAT" in l)
        assert all(n in line for n in names), (args, line)
    rc, _, err = run("check", "--format", "xml", ".")
    assert rc == 2 and all(n in err for n in names), err
    script = os.path.join(e2e.ARGS.source, "completions", "pgrampart.bash")
    p = subprocess.run(["bash", "-c", f"source {script}; COMP_WORDS=(pgrampart check --format ''); COMP_CWORD=3; "
                        "_pgrampart; printf '%s\\n' \"${COMPREPLY[@]}\""], capture_output=True, text=True,
                       env=dict(os.environ, PATH=os.path.dirname(e2e.ARGS.bin) + os.pathsep + os.environ["PATH"]))
    assert p.stdout.split() == names, p.stdout
