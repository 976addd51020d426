#!/usr/bin/env python3
"""Benchmark (not a test): pgrampart audit on a large database.

Builds a throwaway cluster with 10,000 tables (half with RLS), 20,000 policies
and 500 roles, then audits it and prints wall time, peak memory and the number
of queries sent. Usage: python3 bench/audit_scale.py [TABLES]
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "tests", "pg"))
from cluster import Cluster  # noqa: E402

tables = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
roles = 500
binary = os.path.join(root, "build", "pgrampart")

with Cluster(settings={"max_locks_per_transaction": "4096"}) as c, \
        tempfile.NamedTemporaryFile("w", suffix=".sql") as f:
    for r in range(roles):
        f.write(f"CREATE ROLE app_{r};\n")
    for i in range(tables):
        f.write(f"CREATE TABLE t{i} (id bigint PRIMARY KEY, tenant_id int NOT NULL, body text);\n")
        f.write(f"GRANT SELECT ON t{i} TO app_{i % roles};\n")
        if i % 2 == 0:
            f.write(f"ALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;\n")
        for p in range(2 if i < tables else 0):
            f.write(f"CREATE POLICY p{p} ON t{i} FOR {'SELECT' if p == 0 else 'UPDATE'} "
                    f"USING (tenant_id = current_setting('app.tenant')::int);\n")
    f.flush()
    t0 = time.perf_counter()
    c.psql("SET synchronous_commit = off", files=[f.name])
    built = time.perf_counter() - t0
    counts = c.psql("SELECT (SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = "
                    "'public'::regnamespace), (SELECT count(*) FROM pg_policy), "
                    "(SELECT count(*) FROM pg_roles WHERE rolname LIKE 'app\\_%')").strip()
    # /usr/bin/time reports the audit's own peak RSS (KiB), not psql's.
    timer = ["/usr/bin/time", "-f", "PEAK_KB=%M"] if os.path.exists("/usr/bin/time") else []
    t0 = time.perf_counter()
    p = subprocess.run(timer + [binary, "audit", "--format", "json", c.conninfo()], capture_output=True,
                       text=True, env=dict(os.environ, PGRAMPART_REPORT_QUERIES="1"))
    wall = time.perf_counter() - t0
    peak = [l.split("=")[1] for l in p.stderr.splitlines() if l.startswith("PEAK_KB=")]
    if not peak:
        peak = [str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)]
    queries = [l for l in p.stderr.splitlines() if "queries" in l]
    print(f"database: tables, policies, roles = {counts.replace('|', ', ')} (built in {built:.1f} s)")
    print(f"audit: exit {p.returncode}, wall {wall:.2f} s, peak RSS {int(peak[0]) / 1024:.1f} MiB, "
          f"{queries[0].split(': ')[1] if queries else '?'}, output {len(p.stdout) / 1e6:.1f} MB")
