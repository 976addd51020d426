#!/usr/bin/env python3
"""Benchmark (not a test): pre-commit latency.

One small staged migration in a repository holding the samples' migration set;
`pgrampart check --staged` (all plugins loaded, the whole set read for pairing and
replay) against `squawk FILE` on the same migration, run in interleaved pairs (A B A B,
so the load of the machine falls on both alike).  Per child, through bench/childrun.py's
launcher (exact CPU, and a peak RSS that is the child's, not this Python process's): CPU = user
+ sys, wall, peak RSS.  Prints medians, min-max and the median of the per-pair ratios.  squawk comes from npm (squawk-cli 2.66.0), installed into .tools/.
With --single, both check the migration alone, copied into a directory that is in no repository
(`pgrampart check FILE`: the start-up with no git and no migration set).
Usage: python3 bench/precommit_latency.py [--single] [PAIRS] [NAME=BINARY ...]
PAIRS defaults to 50 (at least 5); each NAME=BINARY is a pgrampart build run in the same rounds
(e.g. before=/path/to/old/build/pgrampart after=build/pgrampart), default build/pgrampart alone;
each is compared with squawk and with the first.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import childrun  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = sys.argv[1:]
single = "--single" in args
args = [a for a in args if a != "--single"]
runs = int(args.pop(0)) if args and args[0].isdigit() else 50   # pairs
builds = [tuple(a.split("=", 1)) for a in args] or [("pgrampart", os.path.join(root, "build", "pgrampart"))]
builds = [(name, os.path.abspath(path)) for name, path in builds]
squawk = os.path.join(root, ".tools", "node_modules", "@squawk-cli", "linux-x64", "bin", "squawk")

if not os.path.exists(squawk):
    subprocess.run(["npm", "install", "--prefix", os.path.join(root, ".tools"), "--no-audit", "--no-fund",
                    "--loglevel=error", "squawk-cli@2.66.0"], check=True)
    os.chmod(squawk, 0o755)


def run(argv, cwd):
    """(CPU s, wall s, peak RSS MiB) of one child (bench/childrun.py)."""
    return childrun.run(argv, cwd)[:3]


def spread(xs, unit, scale=1.0):
    xs = [x * scale for x in xs]
    return f"{statistics.median(xs):.1f} {unit} ({min(xs):.1f}-{max(xs):.1f})"


with tempfile.TemporaryDirectory() as d:
    shutil.copytree(os.path.join(root, "samples", "migrations"), os.path.join(d, "migrations"))
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b",
               GIT_COMMITTER_EMAIL="b@b")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=d, check=True, env=env)
    new = os.path.join("migrations", "014_add_tags.sql")
    with open(os.path.join(d, new), "w") as f:
        f.write("CREATE TABLE tags (id bigint PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL);\n"
                "ALTER TABLE tags ENABLE ROW LEVEL SECURITY;\n"
                "CREATE POLICY tags_tenant ON tags USING (tenant_id = current_setting('app.tenant_id')::uuid);\n")
    with open(os.path.join(d, "migrations", "rollback", "014_add_tags.sql"), "w") as f:
        f.write("DROP TABLE tags;\n")
    subprocess.run(["git", "add", "-A"], cwd=d, check=True)
    what = ["check", "--staged"]
    if single:   # the migration alone, in no repository
        alone = tempfile.mkdtemp()
        shutil.copyfile(os.path.join(d, new), os.path.join(alone, os.path.basename(new)))
        d, new, what = alone, os.path.basename(new), ["check", os.path.basename(new)]
    for _, binary in builds:   # warm the caches
        subprocess.run([binary, *what], cwd=d, stdout=subprocess.DEVNULL)
    subprocess.run([squawk, new], cwd=d, stdout=subprocess.DEVNULL)
    ours, theirs = [[] for _ in builds], []
    for _ in range(max(runs, 5)):
        for i, (_, binary) in enumerate(builds):
            ours[i].append(run([binary, *what], d))
        theirs.append(run([squawk, new], d))
    version = subprocess.run([squawk, "--version"], capture_output=True, text=True).stdout.strip()
    if single:
        shutil.rmtree(d)
        print(f"pairs: {max(runs, 5)}, interleaved; one migration alone, in no repository")
    else:
        print(f"pairs: {max(runs, 5)}, interleaved; staged: 1 migration (+ its rollback) in a set of "
              f"{len(os.listdir(os.path.join(d, 'migrations'))) - 1} migrations")
    rows = [(f"{name} {' '.join(what[:2])}", rs) for (name, _), rs in zip(builds, ours)]
    for name, rs in rows + [(f"{version} FILE", theirs)]:
        print(f"{name:28s} CPU {spread([r[0] for r in rs], 'ms', 1000)}  wall {spread([r[1] for r in rs], 'ms', 1000)}"
              f"  peak RSS {spread([r[2] for r in rs], 'MiB')}")
    peers = [(f"{name}/squawk", rs, theirs) for (name, _), rs in zip(builds, ours)]
    peers += [(f"{name}/{builds[0][0]}", rs, ours[0]) for (name, _), rs in zip(builds[1:], ours[1:])]
    for label, xs, ys in peers:
        for i, what in ((0, "CPU"), (1, "wall"), (2, "peak RSS")):
            ratios = [a[i] / max(b[i], 1e-9) for a, b in zip(xs, ys)]
            print(f"ratio {label}, {what}: median {statistics.median(ratios):.2f} "
                  f"({min(ratios):.2f}-{max(ratios):.2f})")
