#!/usr/bin/env python3
"""Benchmark (not a test): how check time grows with the size of one hostile file.

Each shape is generated at N/8 and N items and checked; prints CPU seconds (user + sys of
the child) and their ratio: about 9 for O(n log n), 64 for O(n^2).  The same shapes, with
a bound of 24 on the ratio, are the scaling tests of tests/e2e/sec_limits.py; results of a
run are in README.md (Benchmarks).
Usage: python3 bench/scaling.py [BINARY ...]   (default build/pgrampart)
"""
import os
import resource
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binaries = [os.path.abspath(b) for b in sys.argv[1:]] or [os.path.join(root, "build", "pgrampart")]

SHAPES = {
    "yaml keys (40,000)": (40000, lambda n: {"app.yml": "env:\n" + "".join(
        f"    KEY_{i}: value{i}\n" for i in range(n)) + "clients:\n" + "".join(
        f"  - host: db{i}.example.com\n    ssl: false\n" for i in range(n // 8))}),
    "policies on one table (20,000)": (20000, lambda n: {"a.sql": "CREATE TABLE t (x int);\n" + "".join(
        f"CREATE POLICY p{i} ON t USING (x = {i});\n" for i in range(n))}),
    "tables (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE t{i} (x int);\nALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;\n" for i in range(n))}),
    "grants (20,000)": (20000, lambda n: {"a.sql": "CREATE TABLE t (x int);\n" + "".join(
        f"GRANT SELECT ON t TO r{i};\n" for i in range(n))}),
    "roles (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE ROLE r{i};\nGRANT r{i % 100} TO r{i};\n" for i in range(n))}),
    "columns of one table (20,000)": (20000, lambda n: {"a.sql": "CREATE TABLE t (" + ", ".join(
        f"c{i} int" for i in range(n)) + ");\n"}),
    "groups of one role (20,000)": (20000, lambda n: {"a.sql": "CREATE ROLE r0;\n" + "".join(
        f"CREATE ROLE g{i};\nGRANT g{i} TO r0;\n" for i in range(n))}),
    "create then drop tables (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE t{i} (x int);\n" for i in range(n)) + "".join(f"DROP TABLE t{i};\n" for i in range(n))}),
    "drop tables with what hangs on them (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE t{i} (id int PRIMARY KEY, p int{f' REFERENCES t{i - 1} (id)' if i else ''}, x int);\n"
        f"CREATE INDEX t{i}_x ON t{i} (x);\nALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY p{i} ON t{i} USING (x = 1);\nGRANT SELECT ON t{i} TO r;\n" for i in range(n)) + "".join(
        f"DROP TABLE t{i} CASCADE;\n" for i in range(n))}),
    "rename tables with what hangs on them (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE t{i} (id int PRIMARY KEY, p int{f' REFERENCES t{i - 1} (id)' if i else ''}, x int);\n"
        f"CREATE INDEX t{i}_x ON t{i} (x);\nALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY p{i} ON t{i} USING (x = 1);\nGRANT SELECT ON t{i} TO r;\n" for i in range(n)) + "".join(
        f"ALTER TABLE t{i} RENAME TO u{i};\nALTER TABLE u{i} RENAME COLUMN x TO y;\n"
        f"ALTER POLICY p{i} ON u{i} RENAME TO q{i};\n" for i in range(n))}),
    "create two tables, drop one (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE t{i} (id int PRIMARY KEY, u text UNIQUE, x int CHECK (x > 0));\n"
        f"CREATE POLICY p{i} ON t{i} USING (x = 1);\nGRANT SELECT ON t{i} TO r;\n" +
        (f"DROP TABLE t{i - 1};\n" if i % 2 else "") for i in range(n))}),
    "drop tables read by views (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE t{i} (x int);\nCREATE VIEW v{i} AS SELECT x FROM t{i};\nGRANT SELECT ON v{i} TO r;\n"
        for i in range(n)) + "".join(f"DROP TABLE t{i} CASCADE;\n" for i in range(n))}),
    "schemas created and dropped (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE keep{i} (x int);\n" for i in range(n)) + "".join(
        f"CREATE SCHEMA s{i};\nCREATE TABLE s{i}.t (x int);\nGRANT USAGE ON SCHEMA s{i} TO r;\n"
        f"DROP SCHEMA s{i} CASCADE;\n" for i in range(n))}),
    "grant / revoke churn (20,000)": (20000, lambda n: {"a.sql": "".join(
        f"CREATE TABLE t{i} (x int);\nGRANT SELECT ON t{i} TO r;\n" for i in range(n)) + "".join(
        f"REVOKE SELECT ON t{i} FROM r;\nGRANT SELECT ON t{i} TO r2;\n" for i in range(n))}),
    "views over RLS tables (20,000)": (20000, lambda n: {"a.sql": "CREATE SCHEMA app;\n" + "".join(
        f"CREATE TABLE app.tenant_scoped_records_{i} (id int, tenant_id int);\n"
        f"ALTER TABLE app.tenant_scoped_records_{i} ENABLE ROW LEVEL SECURITY;\n"
        f"CREATE POLICY p ON app.tenant_scoped_records_{i} USING (tenant_id = 1);\n" +
        (f"CREATE VIEW app.v{i} AS SELECT a.id FROM app.tenant_scoped_records_{i} a "
         f"JOIN app.tenant_scoped_records_{i - 1} b USING (id);\nGRANT SELECT ON app.v{i} TO app_user;\n"
         if i % 2 else "") for i in range(n))}),
}


def cpu(binary, files):
    with tempfile.TemporaryDirectory() as d:
        for rel, text in files.items():
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([binary, "check", "--format", "json", "."], cwd=d, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


print(f"{'shape':34} {'binary':40} {'n/8 s':>7} {'n s':>7} {'ratio':>6}")
only = os.environ.get("SHAPES")   # e.g. SHAPES=views: the shapes whose name contains it
for name, (n, make) in SHAPES.items():
    if only and only not in name:
        continue
    for b in binaries:
        small, big = cpu(b, make(n // 8)), cpu(b, make(n))
        print(f"{name:34} {b[-40:]:40} {small:7.2f} {big:7.2f} {big / max(small, 0.01):6.1f}", flush=True)
