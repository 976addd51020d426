"""One measured child process for the benchmarks: CPU (user + sys), wall and peak RSS.

The child runs under bench/childrun.c, a small launcher built here on first use (into
.tools/bench/): a child that this Python process forks starts with Python's own RSS high-water
mark, which survives exec (/bin/true measured from Python directly shows 14 MiB, and 214 MiB once
Python has touched 200 MiB), and GNU time, which avoids that, reports CPU only in 10 ms steps.
The launcher's own fork and exec are not counted: it reports its child's wait4 usage.
"""
import os
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(HERE, "..", ".tools", "bench", "childrun")


def launcher():
    src = os.path.join(HERE, "childrun.c")
    if not os.path.exists(LAUNCHER) or os.path.getmtime(LAUNCHER) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(LAUNCHER), exist_ok=True)
        subprocess.run(["cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", LAUNCHER, src], check=True)
    return LAUNCHER


def run(argv, cwd=None, env=None, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=None):
    """Run argv; return (CPU s, wall s, peak RSS MiB, exit status), or None when it ran longer than
    timeout seconds (then killed, launcher and child: they run in a session of their own).  stdout
    and stderr are passed to Popen (a file to keep what the child wrote)."""
    with tempfile.NamedTemporaryFile("r") as usage:
        t0 = time.perf_counter()
        p = subprocess.Popen([launcher(), usage.name, *argv], cwd=cwd, env=env, stdout=stdout,
                             stderr=stderr, start_new_session=True)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            return None
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"childrun: the launcher failed on {argv[0]} (exit {p.returncode})")
        user, sys_, rss, status = (int(x) for x in usage.read().split())
    return (user + sys_) / 1e6, wall, rss / 1024.0, status
