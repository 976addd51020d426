"""End-to-end tests: the live audit at scale (issue 15): each distinct policy expression parsed once, the same
findings as parsing every clause afresh (PGRAMPART_NO_CLAUSE_CACHE), and client CPU that grows linearly with the
database at a constant query count. Skipped without PostgreSQL. Timings: bench/audit_scale.py."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

# The policy texts of the generated databases: one the text cannot tell apart from any other table's (cached
# for all), ones naming their table or schema, in any case or quoted (parsed with their own names), a
# constant-true one, and a WITH CHECK.
CLAUSES = [
    "FOR SELECT USING (tenant_id = current_setting('app.tenant')::int)",
    "FOR UPDATE USING ({t}.tenant_id = 1) WITH CHECK (tenant_id > 0)",
    "FOR DELETE USING (tenant_id IN (SELECT m.tenant_id FROM s.members m WHERE m.id = {t}.id))",
    "FOR INSERT WITH CHECK (\"{T}\".tenant_id = 2)",
    "FOR DELETE USING (true)",
]


# The distinct policy expression texts as the audit reads them.
DISTINCT_TEXTS = ("SELECT count(DISTINCT e) FROM pg_catalog.pg_policy p, LATERAL (VALUES "
                  "(pg_catalog.pg_get_expr(polqual, polrelid)), (pg_catalog.pg_get_expr(polwithcheck, polrelid))) v(e)")


def scale_schema(n):
    """The DDL of a database with n tables in schema s (a tenth of them with a quoted upper-case name),
    RLS on half (role app_r exists), one policy of CLAUSES each in turn (five on every tenth table) and a grant each."""
    out = ["CREATE SCHEMA s;",
           "CREATE TABLE s.members (id bigint PRIMARY KEY, tenant_id int NOT NULL);"]
    for i in range(n):
        t = f'"T{i}"' if i % 10 == 4 else f"t{i}"
        out.append(f"CREATE TABLE s.{t} (id bigint PRIMARY KEY, tenant_id int NOT NULL, body text);")
        out.append(f"GRANT SELECT ON s.{t} TO app_r;")
        if i % 2 == 0:
            out.append(f"ALTER TABLE s.{t} ENABLE ROW LEVEL SECURITY;")
        for k in range(len(CLAUSES)) if i % 10 == 4 else [i % len(CLAUSES)]:
            if k == 3 and i % 10 != 4:
                continue   # the quoted-name clause only on the quoted tables
            out.append(f"CREATE POLICY p{k} ON s.{t} " + CLAUSES[k].format(t=t, T=f"T{i}") + ";")
    return "\n".join(out) + "\n"


def audit_with(c, dbname, *extra, cache=True):
    """(findings, queries, expressions parsed, client CPU s) of one audit of dbname."""
    env = dict(os.environ, NO_COLOR="1", PGRAMPART_REPORT_QUERIES="1")
    # meson's MALLOC_PERTURB_ makes every free touch the block: a debugging cost, not ours to measure.
    env.pop("MALLOC_PERTURB_", None)
    if not cache:
        env["PGRAMPART_NO_CLAUSE_CACHE"] = "1"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([ARGS.bin, "audit", "--format", "json", *extra, c.conninfo(dbname=dbname)],
                             stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        out.seek(0)
        err.seek(0)
        text, errs = out.read().decode(), err.read().decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) in (0, 1), errs
    m = re.search(r"pgrampart: (\d+) queries, (\d+) policy expressions parsed", errs)
    assert m, errs
    return (json.loads(text)["findings"], int(m.group(1)), int(m.group(2)), ru.ru_utime + ru.ru_stime)


def make_db(c, d, dbname, n):
    """Create dbname holding scale_schema(n); returns the migrations directory that made it."""
    mig = os.path.join(d, dbname, "migrations")
    os.makedirs(mig)
    with open(os.path.join(mig, "001_scale.sql"), "w") as f:
        f.write(scale_schema(n))
    c.psql(f"CREATE DATABASE {dbname}")
    if c.psql("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = 'app_r'").strip() == "0":
        c.psql("CREATE ROLE app_r")   # roles are the cluster's: one for every database
    c.psql("SET synchronous_commit = off", dbname=dbname, files=[os.path.join(mig, "001_scale.sql")])
    return mig


def by_rule(findings):
    out = {}
    for f in findings:
        out[f["rule"]] = out.get(f["rule"], 0) + 1
    return out


def test_audit_parses_each_policy_text_once():
    """2,000 tables, 2,600 policies: the same findings (drift against the migrations that made the database
    included: it compares the canonical forms) whether clauses are parsed once per text or each afresh; the
    each distinct text parsed once."""
    cl = cluster_module()
    n = 2000
    with cl.Cluster(settings={"max_locks_per_transaction": "1024"}) as c, tempfile.TemporaryDirectory() as d:
        mig = make_db(c, d, "scale", n)
        cached, q1, parsed, _ = audit_with(c, "scale", "--migrations", mig)
        fresh, q2, _, _ = audit_with(c, "scale", "--migrations", mig, cache=False)
        distinct = int(c.psql(DISTINCT_TEXTS, dbname="scale").strip())
    key = lambda f: json.dumps(f, sort_keys=True)  # noqa: E731
    assert sorted(map(key, cached)) == sorted(map(key, fresh)), "findings differ with the cache"
    assert q1 == q2
    rules = by_rule(cached)
    assert not [r for r in rules if r.startswith("drift/")], rules
    # Every tenth table has the five clauses and a quoted name: 200 of each of those.
    assert rules.get("rls/policy-always-true") == n // 5, rules
    assert parsed == distinct and distinct < n, (parsed, distinct)


def test_audit_samples_same_findings_with_and_without_clause_cache():
    """The samples' database: the same findings either way, and fewer texts parsed than clauses."""
    cl = cluster_module()
    with cl.Cluster() as c:
        load_samples(c)
        mig = os.path.join(ARGS.source, "samples", "migrations")
        cached, _, parsed, _ = audit_with(c, "postgres", "--migrations", mig)
        fresh, _, _, _ = audit_with(c, "postgres", "--migrations", mig, cache=False)
        clauses = int(c.psql("SELECT count(polqual) + count(polwithcheck) FROM pg_policy").strip())
        texts = int(c.psql(DISTINCT_TEXTS).strip())
    key = lambda f: json.dumps(f, sort_keys=True)  # noqa: E731
    assert sorted(map(key, cached)) == sorted(map(key, fresh))
    assert len(cached) >= 20, len(cached)
    assert parsed == texts and texts < clauses, (parsed, texts, clauses)


def test_audit_client_cpu_grows_linearly():
    """Client CPU (user + sys of the pgrampart child) at 2,400 tables against 600, least of three interleaved
    runs each: linear gives 4 times, O(n^2) 16; bound 9. The query count is the same at both sizes."""
    cl = cluster_module()
    with cl.Cluster(settings={"max_locks_per_transaction": "1024"}) as c, tempfile.TemporaryDirectory() as d:
        make_db(c, d, "small", 600)
        make_db(c, d, "big", 2400)
        smalls, bigs = [], []
        for _ in range(3):
            s = audit_with(c, "small")
            b = audit_with(c, "big")
            smalls.append(s[3])
            bigs.append(b[3])
    assert s[1] == b[1], (s[1], b[1])
    assert by_rule(b[0]).get("rls/policy-always-true") == 2400 // 5, by_rule(b[0])
    ratio = min(bigs) / max(min(smalls), 0.01)
    print(f"2,400 tables: {min(bigs):.2f} s CPU, 600: {min(smalls):.2f} s, ratio {ratio:.1f}")
    assert ratio < 9, f"2,400 tables took {min(bigs):.2f} s, 600 {min(smalls):.2f} s: {ratio:.1f} times"


def drift_schema(n):
    """n tables in schema d, each with RLS, two policies and a grant to each of eight roles (g0..g7), and a
    view per tenth table granted after it: the objects audit --migrations compares one by one."""
    out = ["CREATE SCHEMA d;"]
    for i in range(n):
        out.append(f"CREATE TABLE d.t{i} (id bigint PRIMARY KEY, tenant_id int NOT NULL);")
        out.append(f"ALTER TABLE d.t{i} ENABLE ROW LEVEL SECURITY;")
        out.append(f"CREATE POLICY p ON d.t{i} USING (tenant_id = current_setting('app.tenant')::int);")
        out.append(f"CREATE POLICY q ON d.t{i} FOR INSERT WITH CHECK (tenant_id > 0);")
        out.append(f"GRANT SELECT, INSERT ON d.t{i} TO " + ", ".join(f"g{k}" for k in range(8)) + ";")
        if i % 10 == 0:
            out.append(f"CREATE VIEW d.v{i} AS SELECT id FROM d.t{i};")
            out.append(f"GRANT SELECT ON d.v{i} TO g0;")
    return "\n".join(out) + "\n"


def test_audit_drift_against_migrations_grows_linearly():
    """audit --migrations (the drift plugin) at 3,200 tables (25,600 grants, 6,400 policies) against 400, least
    of two interleaved runs: each grant, policy, view and role is looked up in sorted indexes, so client CPU
    grows about 8 times; the scans before (each live grant against every grant of the migrations, three
    times; each policy against every policy) are O(n^2) (2,400 against 600 tables: 5.3 s and 0.56 s). Bound
    16. No drift is found: the migrations made the database."""
    cl = cluster_module()
    with cl.Cluster(settings={"max_locks_per_transaction": "1024"}) as c, tempfile.TemporaryDirectory() as d:
        c.psql("; ".join(f"CREATE ROLE g{k}" for k in range(8)))
        migs = {}
        for name, n in (("dsmall", 400), ("dbig", 3200)):
            mig = os.path.join(d, name, "migrations")
            os.makedirs(mig)
            with open(os.path.join(mig, "001_drift.sql"), "w") as f:
                f.write(drift_schema(n))
            c.psql(f"CREATE DATABASE {name}")
            c.psql("SET synchronous_commit = off", dbname=name, files=[os.path.join(mig, "001_drift.sql")])
            migs[name] = mig
        smalls, bigs = [], []
        for _ in range(2):
            s = audit_with(c, "dsmall", "--migrations", migs["dsmall"])
            b = audit_with(c, "dbig", "--migrations", migs["dbig"])
            smalls.append(s[3])
            bigs.append(b[3])
    assert not [r for r in by_rule(b[0]) if r.startswith("drift/")], by_rule(b[0])
    ratio = min(bigs) / max(min(smalls), 0.01)
    print(f"drift, 3,200 tables: {min(bigs):.2f} s CPU, 400: {min(smalls):.2f} s, ratio {ratio:.1f}")
    assert ratio < 16, f"3,200 tables took {min(bigs):.2f} s, 400 {min(smalls):.2f} s: {ratio:.1f} times"
