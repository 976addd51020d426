#!/usr/bin/env python3
"""Benchmark (not a test): how long `pgrampart verify` takes on the largest corpus migration set that
applies on PostgreSQL 15 with no set-up (ory/kratos), and what each migration costs (issue 18).

verify starts its own throwaway cluster (initdb, a server on a Unix socket), creates a scratch
database per set, runs each migration's up, its down, the catalog reads around them and the up again,
probes tenant isolation and roles, then applies the ups alone on a second database and compares the
replay with the catalog (verify/model-drift).  The fixed part (the cluster, the parse, the second
database) and the part per migration are told apart by running the whole set and its first half
interleaved (A B A B ...): per migration = (T(all) - T(half)) / (n(all) - n(half)).  CPU is the
child's user + sys with its waited-for children (initdb, the server), wall is the elapsed time, RSS
pgrampart's own peak.  Prints the medians and min-max of each and writes nothing else.

Usage: python3 bench/verify_time.py [--rounds 5] [--corpus ../shared/corpus] [BINARY]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import childrun  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SET = "ory__kratos/persistence/sql/migrations/sql"
OTHER_DIALECTS = (".mysql.", ".sqlite3.", ".cockroach.")


def migrations(names):
    """The PostgreSQL migrations of a pop set: the timestamps of its up files for PostgreSQL."""
    return sorted({n.split("_", 1)[0] for n in names
                   if n.endswith(".up.sql") and not any(d in n for d in OTHER_DIALECTS)})


def half_copy(src, dst):
    """Copy into dst the files of src whose migration is in the first half; return its count."""
    names = sorted(os.listdir(src))
    stamps = migrations(names)
    keep = set(stamps[:len(stamps) // 2])
    os.makedirs(dst)
    for n in names:
        if n.split("_", 1)[0] in keep:
            shutil.copy(os.path.join(src, n), os.path.join(dst, n))
    return len(keep)


def spread(xs):
    return f"{statistics.median(xs):7.2f} ({min(xs):.2f}-{max(xs):.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=os.path.join(root, "build", "pgrampart"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus"))
    a = ap.parse_args()
    src = os.path.join(a.corpus, SET)
    n_all = len(migrations(os.listdir(src)))
    with tempfile.TemporaryDirectory() as d:
        half = os.path.join(d, "sql")
        n_half = half_copy(src, half)
        runs = {"all": [], "half": []}
        for _ in range(a.rounds):
            for name, path in (("all", src), ("half", half)):
                r = childrun.run([os.path.abspath(a.binary), "verify", "--format", "json", path])
                assert r is not None and r[3] in (0, 1), (name, r)
                runs[name].append(r)
    print(f"pgrampart verify on {SET}: {n_all} migrations (half: {n_half}), {a.rounds} rounds, interleaved")
    print(f"{'set':6} {'migrations':>10} {'CPU s':>20} {'wall s':>20} {'RSS MiB':>20}")
    for name, n in (("all", n_all), ("half", n_half)):
        rs = runs[name]
        print(f"{name:6} {n:10} {spread([r[0] for r in rs]):>20} {spread([r[1] for r in rs]):>20} "
              f"{spread([r[2] for r in rs]):>20}")
    per_cpu = [(x[0] - y[0]) / (n_all - n_half) * 1000 for x, y in zip(runs["all"], runs["half"])]
    per_wall = [(x[1] - y[1]) / (n_all - n_half) * 1000 for x, y in zip(runs["all"], runs["half"])]
    fixed = [y[1] - w / 1000 * n_half for y, w in zip(runs["half"], per_wall)]
    print(f"per migration: CPU {spread(per_cpu)} ms, wall {spread(per_wall)} ms; "
          f"fixed (cluster, parse, second database): wall {spread(fixed)} s")


if __name__ == "__main__":
    main()
