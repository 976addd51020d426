#!/usr/bin/env python3
"""Benchmark (not a test): the PostgreSQL-only SQL set of ../shared/corpus vs squawk and libpg_query.

The set: every .sql file of LemmyNet__lemmy, the ory__kratos files not tagged for another
database (.mysql. / .sqlite3. / .cockroach.), and flyisland__gitlab-ee/db/structure.sql —
1,407 files, 3.96 MB (the set of issue 15), copied into a temporary directory.
Each round runs, in this order: every pgrampart binary given (`check --format json DIR`,
its default --jobs), squawk 2.66 (npm squawk-cli, native binary, all files as arguments,
--reporter json: its default tty reporter takes minutes on structure.sql's 7 MB of findings)
and the floor: libpg_query alone, one pg_query_parse_protobuf per file (bench/pgq_floor.c,
built here with cc -lpg_query).  Rounds are interleaved (A B A B ...), so that the load of
the machine falls on every tool alike.  Per child: CPU = user + sys (os.wait4), wall, peak
RSS (ru_maxrss).  Prints medians and min-max, and the median of the per-round ratios.
Usage: python3 bench/sql_set.py [--rounds N] [--jobs J] [[LABEL=]BINARY[,ARG...] ...]
       (default build/pgrampart; e.g. before=/tmp/base/build/pgrampart after-j1=build/pgrampart,--jobs,1)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import childrun  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.join(os.path.dirname(root), "shared", "corpus")
squawk = os.path.join(root, ".tools", "node_modules", "@squawk-cli", "linux-x64", "bin", "squawk")
OTHER_DIALECTS = (".mysql.", ".sqlite3.", ".cockroach.")


def sql_set():
    """Relative paths of the set, sorted."""
    out = []
    for name in ("LemmyNet__lemmy", "ory__kratos"):
        for d, _, files in os.walk(os.path.join(corpus, name)):
            for f in files:
                if f.endswith(".sql") and not (name == "ory__kratos" and any(t in f for t in OTHER_DIALECTS)):
                    out.append(os.path.relpath(os.path.join(d, f), corpus))
    out.append(os.path.join("flyisland__gitlab-ee", "db", "structure.sql"))
    return sorted(out)


def run(argv, cwd):
    """(cpu s, wall s, peak RSS MiB) of one child (bench/childrun.py: its own peak RSS)."""
    return childrun.run(argv, cwd)[:3]


def spread(xs, fmt):
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=0, help="pass --jobs J to pgrampart (0: its default)")
    ap.add_argument("binaries", nargs="*")
    a = ap.parse_args()
    bins = []
    for spec in a.binaries or [os.path.join(root, "build", "pgrampart")]:
        label, _, rest = spec.rpartition("=") if "=" in spec.split(",")[0] else ("", "", spec)
        path, *extra = rest.split(",")
        bins.append((label or "pgrampart", os.path.abspath(path), extra))
    if not os.path.exists(squawk):
        subprocess.run(["npm", "install", "--prefix", os.path.join(root, ".tools"), "--no-audit", "--no-fund",
                        "--loglevel=error", "squawk-cli@2.66.0"], check=True)
    os.chmod(squawk, 0o755)
    with tempfile.TemporaryDirectory() as d:
        files = sql_set()
        total = 0
        for rel in files:
            os.makedirs(os.path.join(d, "set", os.path.dirname(rel)), exist_ok=True)
            shutil.copyfile(os.path.join(corpus, rel), os.path.join(d, "set", rel))
            total += os.path.getsize(os.path.join(corpus, rel))
        floor = os.path.join(d, "pgq_floor")
        subprocess.run(["cc", "-O2", "-o", floor, os.path.join(root, "bench", "pgq_floor.c"), "-lpg_query"],
                       check=True)
        jobs = ["--jobs", str(a.jobs)] if a.jobs else []
        tools = [(label, [b, "check", "--format", "json", *jobs, *extra, "set"]) for label, b, extra in bins]
        tools.append(("squawk", [squawk, "--reporter", "json", *files]))
        tools.append(("libpg_query floor", [floor, *files]))
        cwd_of = {"squawk": os.path.join(d, "set"), "libpg_query floor": os.path.join(d, "set")}
        for name, argv in tools:   # warm the page cache
            run(argv, cwd_of.get(name, d))
        res = {name: [] for name, _ in tools}
        for _ in range(a.rounds):
            for name, argv in tools:
                res[name].append(run(argv, cwd_of.get(name, d)))
        version = subprocess.run([squawk, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"set: {len(files)} files, {total / 1e6:.2f} MB; {a.rounds} interleaved rounds; "
              f"{os.cpu_count()} CPUs; {version}")
        print(f"{'tool':40} {'CPU s':>22} {'wall s':>22} {'peak RSS MiB':>22}")
        for name, _ in tools:
            r = res[name]
            print(f"{name[-40:]:40} {spread([x[0] for x in r], '{:.2f}'):>22} "
                  f"{spread([x[1] for x in r], '{:.2f}'):>22} {spread([x[2] for x in r], '{:.1f}'):>22}")
        for name, _ in tools[:-2]:
            for peer in ("squawk", "libpg_query floor"):
                rs = [[p[k] / q[k] for p, q in zip(res[name], res[peer])] for k in range(3)]
                print(f"{name[-40:]} / {peer}: CPU {spread(rs[0], '{:.2f}x')}, wall {spread(rs[1], '{:.2f}x')}, "
                      f"RSS {spread(rs[2], '{:.2f}x')}")


if __name__ == "__main__":
    sys.exit(main())
