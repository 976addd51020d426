#!/usr/bin/env python3
"""Benchmark (not a test): pre-commit latency.

One small staged migration in a repository holding the samples' migration set;
`pgrampart check --staged` (all plugins loaded, the whole set read for pairing and
replay) against `squawk FILE` on the same migration. Prints medians over repeated
runs and their ratio. squawk comes from npm (squawk-cli), installed into .tools/.
Usage: python3 bench/precommit_latency.py [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
pgrampart = os.path.join(root, "build", "pgrampart")
squawk = os.path.join(root, ".tools", "node_modules", "@squawk-cli", "linux-x64", "bin", "squawk")

if not os.path.exists(squawk):
    subprocess.run(["npm", "install", "--prefix", os.path.join(root, ".tools"), "--no-audit", "--no-fund",
                    "--loglevel=error", "squawk-cli@2.66.0"], check=True)
    os.chmod(squawk, 0o755)


def median_ms(argv, cwd):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)


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
    subprocess.run([pgrampart, "check", "--staged"], cwd=d)   # warm the page cache
    p_med, p_min = median_ms([pgrampart, "check", "--staged"], d)
    s_med, s_min = median_ms([squawk, new], d)
    version = subprocess.run([squawk, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"runs: {runs} each; staged: 1 migration (+ its rollback) in a set of "
          f"{len(os.listdir(os.path.join(d, 'migrations'))) - 1} migrations")
    print(f"pgrampart check --staged: median {p_med:.1f} ms (min {p_min:.1f} ms), all plugins, set replayed")
    print(f"{version} FILE:        median {s_med:.1f} ms (min {s_min:.1f} ms), that file only")
    print(f"ratio pgrampart/squawk: {p_med / s_med:.2f}")
