#!/usr/bin/env python3
"""Benchmark (not a test): pgrampart audit on large databases.

For each size N builds a throwaway cluster with N tables (half with RLS, two
policies each), 500 roles and one grant per table, then audits it with each
binary given, interleaved (A B A B) over --rounds rounds. Prints per binary and
size the client CPU (user + sys of the pgrampart child, from os.wait4), wall
time, peak RSS (of the child, through bench/childrun.py) and the number of queries sent
(PGRAMPART_REPORT_QUERIES=1), which must be the same at every size.

Usage: python3 bench/audit_scale.py [--sizes 1000,10000] [--huge] [--rounds 3]
                                    [name=]BINARY ...
--huge adds 100,000 tables (building that database takes many minutes); --distinct gives every
table its own policy expression (the worst case for the per-text parse cache).
"""
import argparse
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import childrun  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "tests", "pg"))
from cluster import Cluster  # noqa: E402

ROLES = 500
GENERIC = "current_setting('app.tenant')::int"


def write_schema(f, tables, distinct=False):
    """The DDL of a database of `tables` tables (see the module doc); with distinct, every policy
    expression differs (tenant_id = <table number>), so none is parsed once for many."""
    for r in range(ROLES):
        f.write(f"CREATE ROLE app_{r};\n")
    for i in range(tables):
        f.write(f"CREATE TABLE t{i} (id bigint PRIMARY KEY, tenant_id int NOT NULL, body text);\n")
        f.write(f"GRANT SELECT ON t{i} TO app_{i % ROLES};\n")
        if i % 2 == 0:
            f.write(f"ALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;\n")
        for p in range(2):
            f.write(f"CREATE POLICY p{p} ON t{i} FOR {'SELECT' if p == 0 else 'UPDATE'} "
                    f"USING (tenant_id = {i if distinct else GENERIC});\n")


def audit(binary, conninfo):
    """One audit run: (client CPU s, wall s, peak RSS KiB, queries, exit, output bytes); the child
    runs under bench/childrun.py's launcher (its RSS, not this Python process's)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cpu, wall, rss, status = childrun.run(binary + ["audit", "--format", "json", conninfo], stdout=out,
                                              stderr=err, env=dict(os.environ, PGRAMPART_REPORT_QUERIES="1"))
        err.seek(0)
        lines = err.read().decode(errors="replace").splitlines()
        size = out.seek(0, 2)
    queries = [l.split(": ", 1)[1] for l in lines if "queries" in l]
    return (cpu, wall, rss * 1024, queries[0] if queries else "?", status, size)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--huge", action="store_true", help="add 100,000 tables")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--distinct", action="store_true", help="a different policy expression per table")
    ap.add_argument("binaries", nargs="*")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")] + ([100000] if a.huge else [])
    bins = []
    for b in a.binaries or [os.path.join(root, "build", "pgrampart")]:
        name, _, path = b.rpartition("=")
        bins.append((name or path, path.split(",")))
    print("| tables | binary | client CPU s (min-max) | wall s | peak RSS MiB | queries | exit |")
    print("|---:|---|---:|---:|---:|---|---:|")
    for n in sizes:
        with Cluster(settings={"max_locks_per_transaction": "4096"}) as c, \
                tempfile.NamedTemporaryFile("w", suffix=".sql") as f:
            write_schema(f, n, a.distinct)
            f.flush()
            c.psql("SET synchronous_commit = off", files=[f.name])
            runs = {name: [] for name, _ in bins}
            for _ in range(a.rounds):
                for name, argv in bins:
                    runs[name].append(audit(argv, c.conninfo()))
            for name, _ in bins:
                r = runs[name]
                cpu = [x[0] for x in r]
                print(f"| {n:,} | {name} | {statistics.median(cpu):.2f} ({min(cpu):.2f}-{max(cpu):.2f}) | "
                      f"{statistics.median(x[1] for x in r):.2f} | {max(x[2] for x in r) / 1024:.1f} | "
                      f"{r[0][3]} | {r[0][4]} |", flush=True)


if __name__ == "__main__":
    main()
