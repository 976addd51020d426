"""End-to-end tests: The live audit on throwaway PostgreSQL clusters: parity with check, drift, read-only, least privilege, live-only rules, SSL, constant queries."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def test_audit_parity():
    """audit of a database loaded with the samples reports what check reports statically."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "pgrampart.yml")
        with open(os.path.join(ARGS.source, "samples", ".pgrampart.yml")) as f:
            text = f.read().replace("postgres_version: 14", "postgres_version: 15")
        with open(conf, "w") as f:
            f.write(text)
        _, static = check_json("--config", conf, "samples/migrations", cwd=ARGS.source)
        with cl.Cluster() as c:
            load_samples(c)
            live, _ = audit(c, "--config", conf)
    def counts(doc):
        out = {}
        for f in doc["findings"]:
            if f["rule"] in MODEL_RULES:
                out[f["rule"]] = out.get(f["rule"], 0) + 1
        return out
    assert counts(static) == counts(live), (counts(static), counts(live))
    assert len(counts(live)) >= 15, counts(live)
    # Live findings name objects, not files.
    assert all(f["path"] is None and f["object"] for f in live["findings"]), live["findings"][:2]


def test_audit_drift():
    cl = cluster_module()
    with cl.Cluster() as c:
        load_samples(c)
        doc, _ = audit(c, "--migrations", os.path.join(ARGS.source, "samples", "migrations"))
        assert [f for f in doc["findings"] if f["rule"].startswith("drift/")] == [], doc
        c.psql("ALTER TABLE messages DISABLE ROW LEVEL SECURITY; "
               "DROP POLICY users_tenant_isolation ON users; GRANT INSERT ON tenants TO app_reporter; "
               "ALTER POLICY conversations_tenant_isolation ON conversations USING (true);")
        doc, _ = audit(c, "--migrations", os.path.join(ARGS.source, "samples", "migrations"))
    got = sorted((f["rule"], f.get("object") or f["path"]) for f in doc["findings"] if f["rule"].startswith("drift/"))
    assert got == [("drift/grant", "db:public.tenants"),
                   ("drift/policy-changed", "db:public.conversations policy conversations_tenant_isolation"),
                   ("drift/policy-missing", os.path.join(ARGS.source, "samples/migrations/002_create_users.sql")),
                   ("drift/rls-state", "db:public.messages")], got


def test_audit_read_only():
    """Nothing is written: catalogs, write counters and commits are unchanged; one read-only transaction."""
    cl = cluster_module()
    snapshot = ("SELECT pg_stat_force_next_flush(); SELECT (SELECT count(*) FROM pg_class), "
                "(SELECT count(*) FROM pg_proc), tup_inserted + tup_updated + tup_deleted, xact_commit "
                "FROM pg_stat_database WHERE datname = current_database()")

    def snap(c):
        time.sleep(1.2)     # let every backend's statistics reach shared memory
        return [int(x) for x in c.psql(snapshot).strip().split("\n")[-1].split("|")]

    with cl.Cluster(settings={"log_statement": "'all'", "log_line_prefix": "'[%a] '"}) as c:
        load_samples(c)
        s1 = snap(c)
        # Baseline: a snapshot, plus a session that only connects (the backend's
        # start-up transaction counts as one commit in every session).
        c.psql("BEGIN READ ONLY; ROLLBACK")
        s2 = snap(c)
        audit(c)
        s3 = snap(c)
        with open(os.path.join(c.dir, "log"), errors="replace") as f:
            log = [l for l in f if l.startswith("[pgrampart] ") and "statement:" in l]
    assert s3[:3] == s2[:3], (s2, s3)                       # pg_class, pg_proc, tuples written
    assert s3[3] - s2[3] == s2[3] - s1[3], (s1, s2, s3)     # no commit beyond the baseline
    ours = [l.split("statement: ", 1)[1].strip() for l in log]
    assert ours[0] == "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", ours[:4]
    # search_path is pinned before any other statement (issue 10).
    assert ours[1] == "SELECT pg_catalog.set_config('search_path', '', true)", ours[:4]
    assert ours[2].startswith("SET LOCAL statement_timeout") and ours[3].startswith("SET LOCAL lock_timeout")
    assert ours[-1] == "ROLLBACK", ours[-1]
    assert not [q for q in ours if re.match(r"(CREATE|INSERT|UPDATE|DELETE|ALTER|DROP|GRANT)", q)], ours


def test_audit_least_privilege():
    cl = cluster_module()
    with cl.Cluster() as c:
        load_samples(c)
        c.psql("CREATE ROLE auditor LOGIN")
        doc, _ = audit(c, conninfo=c.conninfo(user="auditor"))
    skipped = [f["object"] for f in doc["findings"] if f["rule"] == "core/check-skipped"]
    assert any("pg_hba" in s for s in skipped) and any("password hashes" in s for s in skipped), skipped
    # The checks it could run still ran.
    assert any(f["rule"] == "rls/table-without-rls" for f in doc["findings"]), doc


def test_audit_live_only_rules():
    """Rules only the catalogs can answer: each fires on its case and stays quiet on its look-alike."""
    cl = cluster_module()
    mig = ("CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
           "CREATE POLICY p ON a USING (id = 1);\nCREATE TABLE b (id int);\n"
           "CREATE ROLE r_same NOLOGIN;\nCREATE ROLE r_changed NOLOGIN;\nCREATE ROLE r_gone NOLOGIN;\n")
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        write_tree(d, {"migrations/001_a.sql": mig, "migrations/001_a.down.sql":
                       "DROP ROLE r_gone;\nDROP ROLE r_changed;\nDROP ROLE r_same;\nDROP TABLE b;\nDROP TABLE a;\n"})
        migrations = os.path.join(d, "migrations")
        c.psql(mig)
        doc, _ = audit(c, "--migrations", migrations)
        assert [f for f in doc["findings"] if f["rule"].startswith("drift/")] == [], doc["findings"]
        c.psql("DROP TABLE b; CREATE POLICY q ON a USING (id = 2); ALTER ROLE r_changed BYPASSRLS; "
               "DROP ROLE r_gone; "
               "CREATE ROLE boss SUPERUSER LOGIN CONNECTION LIMIT 2; CREATE ROLE boss_nologin SUPERUSER; "
               "CREATE ROLE app LOGIN; CREATE ROLE app_limited LOGIN CONNECTION LIMIT 20; "
               "SET password_encryption = 'md5'; CREATE ROLE old_hash LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-md5'; "
               "SET password_encryption = 'scram-sha-256'; "
               "CREATE ROLE new_hash LOGIN CONNECTION LIMIT 5 PASSWORD 'pw-scram';")
        doc, _ = audit(c, "--migrations", migrations)
    got = sorted((f["rule"], f.get("object") or os.path.basename(f["path"])) for f in doc["findings"]
                 if f["rule"].split("/")[0] in ("drift", "auth", "roles") or f["rule"] == "grants/superuser-login-roles")
    assert [g for g in got if g[0].startswith("drift/")] == [
        ("drift/policy-extra", "db:public.a policy q"), ("drift/role", "001_a.sql"),
        ("drift/role", "role:r_changed"), ("drift/table-missing", "001_a.sql")], got
    assert ("auth/md5-password-hashes", "role:old_hash") in got, got
    assert not [g for g in got if g[0] == "auth/md5-password-hashes" and g[1] != "role:old_hash"], got
    assert ("grants/superuser-login-roles", "role:boss") in got, got
    assert not [g for g in got if g[0] == "grants/superuser-login-roles" and g[1] != "role:boss"], got
    unlimited = sorted(o for r, o in got if r == "roles/unlimited-connections")
    assert unlimited == ["role:app"], got


def test_audit_ssl():
    cl = cluster_module()
    hba = ("local all all trust\nhostssl all all 127.0.0.1/32 trust\n"
           "hostnossl all all 127.0.0.1/32 reject\nhost all all 0.0.0.0/0 scram-sha-256\n")
    with cl.Cluster(ssl=True, hba=hba, settings={"log_connections": "on", "log_disconnections": "on",
                                                 "log_statement": "'ddl'"}) as c:
        doc, _ = audit(c, conninfo=c.conninfo(tcp=True, sslmode="require"))
    rules = sorted({f["rule"] for f in doc["findings"]})
    assert "ssl/connection-not-encrypted" not in rules and "ssl/server-ssl-off" not in rules, rules
    assert "ssl/hba-host-without-ssl" in rules and "auth/hba-open-address" in rules, rules
    assert not [r for r in rules if r.startswith("logging/")], rules
    with cl.Cluster(ssl=False) as c:
        doc, _ = audit(c, conninfo=c.conninfo(tcp=True, sslmode="disable"))
    rules = sorted({f["rule"] for f in doc["findings"]})
    for r in ["ssl/server-ssl-off", "ssl/connection-not-encrypted", "auth/hba-trust",
              "logging/connections-not-logged", "logging/ddl-not-logged"]:
        assert r in rules, (r, rules)


def test_audit_connection_failure():
    rc, out, err = run("audit", "postgresql://someone:Sup3r-S3cret-Pw@127.0.0.1:1/db?connect_timeout=2")
    assert rc == 2 and "cannot connect" in err, (rc, err)
    assert "Sup3r-S3cret-Pw" not in err + out


def test_audit_constant_queries():
    """The number of catalog queries does not grow with the database."""
    cl = cluster_module()
    counts = []
    with cl.Cluster() as c:
        for n in (5, 300):
            c.psql("DROP SCHEMA IF EXISTS s CASCADE; CREATE SCHEMA s; " + " ".join(
                f"CREATE TABLE s.t{i} (id int, tenant_id int); "
                f"CREATE POLICY p ON s.t{i} USING (tenant_id = 1); CREATE ROLE r{n}_{i};" for i in range(n)))
            doc, q = audit(c)
            counts.append(q)
            assert sum(1 for f in doc["findings"] if (f.get("object") or "").startswith("db:s.")) >= n
    assert counts[0] == counts[1], counts
