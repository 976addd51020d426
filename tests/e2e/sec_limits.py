"""End-to-end tests: see the comment above this module's list in tests/meson.build.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus
"""
import json
import os
import subprocess
import tempfile

from e2e import *  # noqa: F401,F403 — run, check_json, findings_in, write_tree, ARGS via e2e.ARGS
import e2e

# Expressions that nest one parse-tree level (or more) per repetition, each the way
# libpg_query builds it: left-recursive chains (casts, IS, COLLATE, +) that bison's
# own stack does not bound, and right-recursive ones (NOT, unary minus, ARRAY, calls,
# subqueries, CASE) that it does at 10,000 states.
DEEP_SHAPES = {
    "not": lambda n: "NOT " * n + "x",
    "cast": lambda n: "x" + "::int" * n,
    "is_true": lambda n: "x" + " IS TRUE" * n,
    "collate": lambda n: "x" + ' COLLATE "C"' * n,
    "minus": lambda n: "- " * n + "x",
    "array": lambda n: "ARRAY[" * n + "x" + "]" * n,
    "call": lambda n: "f(" * n + "x" + ")" * n,
    "subquery": lambda n: "(SELECT " * n + "x" + ")" * n,
    "case": lambda n: "CASE WHEN x THEN " * n + "x" + " END" * n,
    "plus": lambda n: "x" + " + x" * n,
}


def deep_files(contexts):
    """{path: text} for every shape at 5,000 and 50,000 repetitions in each context, and
    {path: [(rule, line)]} of the findings each must give."""
    files, want = {}, {}
    for shape, make in DEEP_SHAPES.items():
        for n in (5000, 50000):
            e, t = make(n), f"t_{shape}_{n}"
            if "migration" in contexts:
                p = f"migration/{shape}_{n}.sql"
                files[p] = f"CREATE TABLE {t} (x bool, tenant_id int);\nSELECT {e} FROM {t};\nGRANT SELECT ON {t} TO PUBLIC;\n"
                want[p] = [("grants/grant-to-public", 3), ("rls/table-without-rls", 1), ("sql/too-deep", 2)]
            if "policy" in contexts:
                p = f"policy/{shape}_{n}.sql"
                files[p] = (f"CREATE TABLE {t} (x bool);\nALTER TABLE {t} ENABLE ROW LEVEL SECURITY;\n"
                            f"CREATE POLICY p ON {t} USING ({e});\nGRANT SELECT ON {t} TO PUBLIC;\n")
                want[p] = [("grants/grant-to-public", 4), ("rls/rls-without-policy", 2), ("sql/too-deep", 3)]
            if "do" in contexts:
                p = f"do/{shape}_{n}.sql"
                files[p] = (f"CREATE TABLE {t} (x bool, tenant_id int);\nDO $$\nBEGIN\n  UPDATE {t} SET x = {e};\n"
                            f"END\n$$;\nGRANT SELECT ON {t} TO PUBLIC;\n")
                want[p] = [("grants/grant-to-public", 7), ("rls/table-without-rls", 1), ("sql/too-deep", 4)]
            if "psql" in contexts:
                p = f"scripts/{shape}_{n}.sh"
                files[p] = (f"#!/bin/sh\nset -e\npsql -c 'SELECT {e}'\n"
                            "psql -h db.example.com -c 'SELECT 1'\n")
                want[p] = [("sql/too-deep", 3), ("ssl/missing-sslmode", 4)]
    # A sibling file of the same run is still checked.
    files["sibling.sql"] = "CREATE TABLE s (x int);\nALTER TABLE s ENABLE ROW LEVEL SECURITY;\n" \
                           "GRANT SELECT ON s TO PUBLIC;\n"
    want["sibling.sql"] = [("grants/grant-to-public", 3), ("rls/rls-without-policy", 2)]
    return files, want


def check_deep(contexts):
    files, want = deep_files(contexts)
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        p = subprocess.run([e2e.ARGS.bin, "check", "--format", "json", "."], cwd=d, capture_output=True,
                           text=True, errors="replace", timeout=600)
    # A crash is a negative return code (the signal); only 1 (findings) is right.
    assert p.returncode == 1, (p.returncode, p.stderr[-2000:])
    got = {}
    for f in json.loads(p.stdout)["findings"]:
        got.setdefault(f["path"], []).append((f["rule"], f["line"]))
    for path, found in got.items():
        # In a DO block, sql/too-deep is at the inner statement when our parser refuses it, at the
        # DO statement (line 2) when PL/pgSQL's gives up on the body first (it gives no position).
        if path.startswith("do/"):
            got[path] = [(r, 4 if (r, l) == ("sql/too-deep", 2) else l) for r, l in found]
    bad = {path: sorted(got.get(path, [])) for path in want if sorted(got.get(path, [])) != want[path]}
    assert not bad, bad


def test_sql_deep_chains_in_migrations_and_policies():
    """10 shapes of nesting, 5,000 and 50,000 deep, in a statement and a policy: sql/too-deep, no crash."""
    check_deep({"migration", "policy"})


def test_sql_deep_chains_in_do_blocks_and_psql():
    """The same shapes inside a PL/pgSQL DO block and a psql -c of a shell script."""
    check_deep({"do", "psql"})


def test_sql_deep_but_legitimate():
    """Long flat SQL parses: 200 nested parentheses, a 3,000-term OR of comparisons, a 900-term sum,
    a 500-branch CASE, a 20,000-row VALUES list; none is sql/too-deep and their findings are given."""
    sql = ("CREATE TABLE t (x int, y int);\n"
           "SELECT " + "(" * 200 + "x" + ")" * 200 + " FROM t;\n"
           "SELECT * FROM t WHERE " + " OR ".join(f"x = {i}" for i in range(3000)) + ";\n"
           "SELECT * FROM t WHERE " + " AND ".join(f"(x <> {i} OR y > {i})" for i in range(3000)) + ";\n"
           "SELECT " + " + ".join(["x"] * 900) + " FROM t;\n"
           "SELECT CASE " + " ".join(f"WHEN x = {i} THEN {i}" for i in range(500)) + " END FROM t;\n"
           "INSERT INTO t VALUES " + ", ".join(f"({i}, {i} + 1)" for i in range(20000)) + ";\n"
           "ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
           "CREATE POLICY p ON t USING (" + " OR ".join(f"x = {i}" for i in range(3000)) + ");\n"
           "GRANT SELECT ON t TO PUBLIC;\n")
    found, _ = findings_in({"a.sql": sql})
    assert sorted((r, l) for r, _, l, _ in found) == [("grants/grant-to-public", 10)], found


# --- super-linear time -------------------------------------------------------------------------
# Each input of n items is timed in CPU seconds of the child (less noisy than the wall clock on a
# shared machine) against the same input with n/8 items.  O(n log n) grows about 9 times, O(n^2)
# 64 times (36 to 66 measured on the code before the indexes); the bound of 24 leaves room for
# noise both ways.  Real timings: bench/scaling.py, README.md (Benchmarks).

def cpu_seconds_of_check(files):
    import resource
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        # meson sets MALLOC_PERTURB_, which makes glibc fill every freed block: a debugging aid
        # whose cost is not ours to measure (it makes the JSON reporter's frees super-linear).
        env = {k: v for k, v in os.environ.items() if k != "MALLOC_PERTURB_"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([e2e.ARGS.bin, "check", "--format", "json", "."], cwd=d, capture_output=True,
                           text=True, errors="replace", timeout=600, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert p.returncode in (0, 1), (p.returncode, p.stderr[-2000:])
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), json.loads(p.stdout)


def least_cpu_seconds(small_files, big_files):
    """(small, big, doc): the least CPU seconds of three checks of each tree, interleaved, and the
    report of the last big one.  A busy machine (even CPU time grows with it, in a VM) only ever adds
    time, and both sizes then see the same load."""
    smalls, bigs, doc = [], [], None
    for _ in range(3):
        smalls.append(cpu_seconds_of_check(small_files)[0])
        t, doc = cpu_seconds_of_check(big_files)
        bigs.append(t)
    return min(smalls), min(bigs), doc


def assert_scales(make, n, expect):
    """make(n) -> {path: text}; expect(doc, n) checks the findings of the big run."""
    small, big, doc = least_cpu_seconds(make(n // 8), make(n))
    expect(doc, n)
    ratio = big / max(small, 0.01)
    print(f"n={n}: {big:.2f} s CPU, n/8: {small:.2f} s, ratio {ratio:.1f}")
    assert ratio < 24, f"n={n} took {big:.2f} s, n/8 {small:.2f} s: {ratio:.1f} times (O(n^2) gives ~64)"


def rules_count(doc):
    out = {}
    for f in doc["findings"]:
        out[f["rule"]] = out.get(f["rule"], 0) + 1
    return out


def test_scaling_yaml_keys():
    """40,000 keys in one YAML mapping (find_key of the SSL plugin) and 5,000 client objects with
    ssl: false (client_config_sibling): PGSSLMODE is still found in its mapping."""
    def make(n):
        env = "".join(f"    KEY_{i}: value{i}\n" for i in range(n))
        clients = "".join(f"  - host: db{i}.example.com\n    ssl: false\n" for i in range(n // 8))
        return {"app.yml": "env:\n    DATABASE_URL: postgres://u@db.example.com/x\n" + env +
                "    PGSSLMODE: require\nother:\n    DATABASE_URL: postgres://u@db2.example.com/x\n"
                "clients:\n" + clients}

    def expect(doc, n):
        urls = sorted(f["line"] for f in doc["findings"] if f["rule"] == "ssl/missing-sslmode"
                      and "db2.example.com" in f["message"] + json.dumps(f))
        assert rules_count(doc).get("ssl/missing-sslmode", 0) == 1 + n // 8, rules_count(doc)
        assert len(urls) == 1, urls   # the first URL has PGSSLMODE=require beside it
    assert_scales(make, 40000, expect)


def test_scaling_policies_on_one_table():
    """20,000 policies on one table (find_policy)."""
    def make(n):
        return {"a.sql": "CREATE TABLE t (x int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n" +
                "".join(f"CREATE POLICY p{i} ON t USING (x = {i});\n" for i in range(n)) +
                "".join(f"ALTER POLICY p{i} ON t USING (true);\n" for i in range(0, n, 2))}

    def expect(doc, n):
        assert rules_count(doc).get("rls/policy-always-true", 0) >= 1, rules_count(doc)
    assert_scales(make, 20000, expect)


def test_scaling_tables():
    """20,000 tables, each altered and granted (table and grant lookups)."""
    def make(n):
        return {"a.sql": "".join(f"CREATE TABLE t{i} (x int);\nALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;\n"
                                 for i in range(n)) + "CREATE TABLE last (x int);\n"}

    def expect(doc, n):
        assert rules_count(doc).get("rls/rls-without-policy", 0) == n, rules_count(doc)
        assert rules_count(doc).get("rls/table-without-rls", 0) == 1, rules_count(doc)
    assert_scales(make, 20000, expect)


def test_scaling_grants_and_roles():
    """20,000 roles, each granted on one table and made a member of another role (ACL and role
    lookups), then a REVOKE from the first and a GRANT to PUBLIC that must still be seen."""
    def make(n):
        return {"a.sql": "CREATE TABLE t (x int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n" +
                "".join(f"CREATE ROLE r{i};\nGRANT r{i % 100} TO r{i};\nGRANT SELECT ON t TO r{i};\n"
                        for i in range(n)) +
                "REVOKE SELECT ON t FROM r0;\nGRANT SELECT ON t TO PUBLIC;\n"}

    def expect(doc, n):
        assert rules_count(doc).get("grants/grant-to-public", 0) == 1, rules_count(doc)
    assert_scales(make, 20000, expect)


def test_scaling_columns_and_memberships():
    """A table of 20,000 columns and a role in 20,000 groups (the unique-name arrays of the model),
    with a duplicate column and group that must not count twice."""
    def make(n):
        return {"a.sql": "CREATE TABLE t (" + ", ".join(f"c{i} int" for i in range(n)) + ", tenant_id int);\n"
                "ALTER TABLE t ADD COLUMN c0 int;\nCREATE ROLE r0;\n" +
                "".join(f"CREATE ROLE g{i};\nGRANT g{i} TO r0;\n" for i in range(n)) +
                "GRANT g0 TO r0;\n"}

    def expect(doc, n):
        assert rules_count(doc) == {"rls/table-without-rls": 1}, rules_count(doc)
    assert_scales(make, 20000, expect)
