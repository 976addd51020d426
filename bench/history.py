#!/usr/bin/env python3
"""Benchmark (not a test): how `pgrampart check` grows with the length of a migration history.

Generates synthetic golang-migrate histories of N up/down pairs (issue 15) in a temporary
directory: tables with row-level security and policies, grants, added columns, renames,
functions, indexes and views, and dropped tables (each down undoes its up; one pair in 50
has a deliberately incomplete down).  Checks each and prints, per size, the CPU time of the
child (user + sys), its wall time, its peak RSS, the growth exponent from the previous size
(log of the CPU ratio over log of the size ratio: 1 is linear, 2 quadratic) and the findings
of the rollback rules.  Target (issue 15): exponent <= 1.1 and 5,000 pairs <= 3 s.
The same generator makes the history of tests/e2e/perf_history.py.

Usage: python3 bench/history.py [--sizes 500,1000,2000,5000] [--timeout S] [BINARY]
       (default build/pgrampart; a size whose run exceeds the timeout ends the series)
"""
import argparse
import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import childrun  # noqa: E402


def pair(i):
    """(up, down) SQL of pair i (0-based).  Eight kinds in turn; the tables of kind 0 are
    altered by kind 2, renamed by kind 3 and granted to by kind 7; those of kind 1 dropped by
    kind 5.  Pair i with i % 50 == 7 has an incomplete down (it forgets the REVOKE)."""
    k, base = i % 8, i - i % 8
    t0, t1 = f"acct_{base}", f"note_{base + 1}"
    if k == 0:
        return (f"CREATE TABLE {t0} (id bigint PRIMARY KEY, tenant_id int NOT NULL, body text);\n"
                f"ALTER TABLE {t0} ENABLE ROW LEVEL SECURITY;\n"
                f"CREATE POLICY {t0}_read ON {t0} FOR SELECT TO app_rw\n"
                f"  USING (tenant_id = current_setting('app.tenant')::int);\n"
                f"CREATE POLICY {t0}_write ON {t0} FOR INSERT TO app_rw\n"
                f"  WITH CHECK (tenant_id = current_setting('app.tenant')::int);\n"
                f"GRANT SELECT, INSERT ON {t0} TO app_rw;\n",
                f"DROP TABLE {t0};\n")
    if k == 1:
        return (f"CREATE TABLE {t1} (id bigint PRIMARY KEY, tenant_id int NOT NULL, note text);\n"
                f"ALTER TABLE {t1} ENABLE ROW LEVEL SECURITY;\n"
                f"CREATE POLICY {t1}_tenant ON {t1} USING (tenant_id = current_setting('app.tenant')::int);\n"
                f"CREATE POLICY {t1}_owner ON {t1} AS RESTRICTIVE FOR DELETE USING (id > 0);\n",
                f"DROP TABLE {t1};\n")
    if k == 2:
        return (f"ALTER TABLE {t0} ADD COLUMN archived_at timestamptz;\n"
                f"CREATE INDEX {t0}_archived ON {t0} (archived_at);\n",
                f"DROP INDEX {t0}_archived;\nALTER TABLE {t0} DROP COLUMN archived_at;\n")
    if k == 3:
        return (f"ALTER TABLE {t0} RENAME TO {t0}_v2;\n",
                f"ALTER TABLE {t0}_v2 RENAME TO {t0};\n")
    if k == 4:
        return (f"CREATE FUNCTION tenant_of_{i}(uid bigint) RETURNS int LANGUAGE sql STABLE\n"
                f"  SECURITY DEFINER SET search_path = pg_catalog, public\n"
                f"  AS $$ SELECT tenant_id FROM {t0}_v2 WHERE id = uid $$;\n"
                f"REVOKE EXECUTE ON FUNCTION tenant_of_{i}(bigint) FROM PUBLIC;\n"
                f"GRANT EXECUTE ON FUNCTION tenant_of_{i}(bigint) TO app_rw;\n",
                f"DROP FUNCTION tenant_of_{i}(bigint);\n")
    if k == 5:
        return (f"DROP TABLE {t1};\n",
                f"CREATE TABLE {t1} (id bigint PRIMARY KEY, tenant_id int NOT NULL, note text);\n"
                f"ALTER TABLE {t1} ENABLE ROW LEVEL SECURITY;\n"
                f"CREATE POLICY {t1}_tenant ON {t1} USING (tenant_id = current_setting('app.tenant')::int);\n"
                f"CREATE POLICY {t1}_owner ON {t1} AS RESTRICTIVE FOR DELETE USING (id > 0);\n")
    if k == 6:
        return (f"CREATE VIEW open_{i} WITH (security_invoker = true) AS\n"
                f"  SELECT id, body FROM {t0}_v2 WHERE archived_at IS NULL;\n"
                f"GRANT SELECT ON open_{i} TO app_rw;\n",
                f"REVOKE SELECT ON open_{i} FROM app_rw;\nDROP VIEW open_{i};\n")
    down = "" if i % 50 == 7 else f"REVOKE UPDATE ON {t0}_v2 FROM app_rw;\n"
    return (f"GRANT UPDATE ON {t0}_v2 TO app_rw;\n",
            down + f"SELECT 1; -- pair {i}\n")


def history(n):
    """{relative path: text} of a history of n pairs (plus the role the grants name)."""
    files = {"migrations/000000_roles.up.sql": "CREATE ROLE app_rw NOLOGIN;\n",
             "migrations/000000_roles.down.sql": "DROP ROLE app_rw;\n"}
    for i in range(n):
        up, down = pair(i)
        files[f"migrations/{i + 1:06d}_step_{i}.up.sql"] = up
        files[f"migrations/{i + 1:06d}_step_{i}.down.sql"] = down
    return files


def write(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def measure(binary, n, timeout):
    """(cpu s, wall s, peak RSS MiB, rollback findings {rule: count}) of a check of n pairs, the
    child run under bench/childrun.py's launcher (its own peak RSS); None when it ran longer than
    timeout seconds."""
    with tempfile.TemporaryDirectory() as d:
        write(d, history(n))
        env = {k: v for k, v in os.environ.items() if k != "MALLOC_PERTURB_"}
        with tempfile.TemporaryFile() as out:
            got = childrun.run([binary, "check", "--format", "json", "."], cwd=d, env=env, stdout=out,
                               timeout=timeout)
            if got is None:
                return None
            out.seek(0)
            doc = json.loads(out.read())
    counts = {}
    for f in doc["findings"]:
        if f["rule"].startswith("rollback/"):
            counts[f["rule"]] = counts.get(f["rule"], 0) + 1
    return got[0], got[1], got[2], counts


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=os.path.join(root, "build", "pgrampart"))
    ap.add_argument("--sizes", default="500,1000,2000,5000")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'pairs':>6} {'cpu s':>8} {'wall s':>8} {'RSS MiB':>8} {'exponent':>8}  rollback findings")
    prev = None
    for n in sizes:
        r = measure(os.path.abspath(args.binary), n, args.timeout)
        if r is None:
            print(f"{n:>6} {'> ' + str(int(args.timeout)):>8}  (stopped)", flush=True)
            break
        cpu, wall, rss, counts = r
        exp = (f"{math.log(max(cpu, 0.01) / max(prev[1], 0.01)) / math.log(n / prev[0]):8.2f}"
               if prev else f"{'':>8}")
        found = ", ".join(f"{k.split('/')[1]} {v}" for k, v in sorted(counts.items()))
        print(f"{n:>6} {cpu:8.2f} {wall:8.2f} {rss:8.1f} {exp}  {found}", flush=True)
        prev = (n, cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
