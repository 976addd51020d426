"""End-to-end tests (issue 14, checklist controls): server and pgbouncer settings checked against a team's
`settings:` policy and the shipped controls of rules/settings.yml, in postgresql.conf, pgbouncer.ini, ALTER
SYSTEM in SQL and a live server."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

POL = "settings/policy"
UNV = "settings/policy-unverified"

POLICY = """\
settings:
  log_statement: {in: [ddl, mod, all]}
  log_min_duration_statement: {min: 0, max: 1s}
  shared_preload_libraries: {contains: [pg_stat_statements, pgaudit]}
  pgbouncer.pool_mode: {equals: transaction}
  pgbouncer.default_pool_size: {max: 15}
  archive_mode: {equals: "on"}
"""

BAD_CONF = """\
log_statement = 'none'
log_min_duration_statement = 5s
shared_preload_libraries = 'pg_stat_statements'
"""

GOOD_CONF = """\
log_statement = ddl
log_min_duration_statement = 250   # milliseconds: within 1s
shared_preload_libraries = 'pg_stat_statements, pgaudit'
archive_mode = on
"""


def messages(doc, rule):
    return sorted((f["path"], f["line"], f["column"], f["message"]) for f in doc["findings"] if f["rule"] == rule)


def test_settings_policy_in_postgresql_conf():
    """Each policy test fails at the value that breaks it; a whole postgresql.conf that leaves a required
    setting unset is judged by PostgreSQL's default (archive_mode off) at line 1; a passing file has none."""
    found, doc = findings_in({"bad/postgresql.conf": BAD_CONF, "good/postgresql.conf": GOOD_CONF,
                              ".pgrampart.yml": POLICY})
    assert only(found, POL) == [
        (POL, "bad/postgresql.conf", 1, 1),     # archive_mode unset: default off
        (POL, "bad/postgresql.conf", 1, 18),    # log_statement none
        (POL, "bad/postgresql.conf", 2, 30),    # 5s above 1s
        (POL, "bad/postgresql.conf", 3, 29),    # lacks pgaudit
    ], found
    msgs = [m for *_, m in messages(doc, POL)]
    assert "archive_mode is not set, so its default off applies: not on (policy .pgrampart.yml:7)" in msgs, msgs
    assert "log_min_duration_statement is 5s: above the maximum 1s (policy .pgrampart.yml:3)" in msgs, msgs
    assert "shared_preload_libraries is pg_stat_statements: does not hold pgaudit (policy .pgrampart.yml:4)" \
        in msgs, msgs


def test_pgbouncer_pool_policy():
    """pgbouncer.ini's settings are pgbouncer.<name>: pool_mode and pool size against the policy, an unset
    default_pool_size judged by pgbouncer's default (20); a pooler in transaction mode with 10 passes."""
    found, _ = findings_in({"bad/pgbouncer.ini": "[pgbouncer]\npool_mode = session\nauth_type = scram-sha-256\n",
                            "good/pgbouncer.ini": "[pgbouncer]\npool_mode = transaction\ndefault_pool_size = 10\n"
                                                  "auth_type = scram-sha-256\n",
                            ".pgrampart.yml": POLICY})
    assert only(found, POL) == [(POL, "bad/pgbouncer.ini", 1, 1), (POL, "bad/pgbouncer.ini", 2, 13)], found


def test_alter_system_in_sql():
    """ALTER SYSTEM SET in a migration is a setting: judged by the policy and the shipped controls at its
    value; several values are one list; SET TO DEFAULT, RESET and a partial source's unset settings are not."""
    sql = ("ALTER SYSTEM SET log_statement = 'none';\n"
           "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'auto_explain';\n"
           "ALTER SYSTEM SET log_min_duration_statement = 100;\n"
           "ALTER SYSTEM SET ssl = off;\n"
           "ALTER SYSTEM SET log_statement TO DEFAULT;\n"
           "ALTER SYSTEM RESET ssl;\n"
           "ALTER SYSTEM SET shared_preload_libraries = pg_stat_statements, pgaudit;\n")
    found, _ = findings_in({"migrations/001_tune.sql": sql, ".pgrampart.yml": POLICY})
    assert only(found, POL) == [(POL, "migrations/001_tune.sql", 1, 34), (POL, "migrations/001_tune.sql", 2, 45)], \
        found
    assert only(found, "logging/ddl-not-logged") == [("logging/ddl-not-logged", "migrations/001_tune.sql", 1, 34)]
    assert only(found, "ssl/server-ssl-off") == [("ssl/server-ssl-off", "migrations/001_tune.sql", 4, 24)], found


def test_shipped_controls_read_values_as_postgresql_does():
    """Boolean words mean the same (false = off, true = on), enumerations ignore case, and a shipped control
    judges only what is written: a postgresql.conf without ssl is not ssl/server-ssl-off."""
    found, _ = findings_in({
        "a/postgresql.conf": "log_connections = false\nlog_disconnections = on\nssl = true\n"
                             "ssl_min_protocol_version = 'tlsv1.1'\npassword_encryption = scram-sha-256\n",
        "b/postgresql.conf": "max_connections = 200\n"})
    assert sorted(f for f in found if f[0] in ("logging/connections-not-logged", "ssl/server-ssl-off",
                                               "ssl/weak-min-protocol", "auth/password-encryption-md5")) == [
        ("logging/connections-not-logged", "a/postgresql.conf", 1, 19),
        ("ssl/weak-min-protocol", "a/postgresql.conf", 4, 29),
    ], found


def test_policy_units_and_numbers():
    """min/max compare amounts in PostgreSQL's units: a bare number takes the setting's unit (ms for
    log_min_duration_statement, 8kB blocks for shared_buffers); -1 (disabled) is below a minimum of 0."""
    policy = "settings:\n  log_min_duration_statement: {min: 0, max: 1000}\n  shared_buffers: {min: 1GB}\n"
    found, _ = findings_in({
        "a/postgresql.conf": "log_min_duration_statement = 1s\nshared_buffers = 131072\n",   # 1000 ms; 1 GB
        "b/postgresql.conf": "log_min_duration_statement = -1\nshared_buffers = 128MB\n",
        "c/postgresql.conf": "log_min_duration_statement = 1001ms\nshared_buffers = 2GB\n",
        ".pgrampart.yml": policy})
    assert only(found, POL) == [(POL, "b/postgresql.conf", 1, 30), (POL, "b/postgresql.conf", 2, 18),
                                (POL, "c/postgresql.conf", 1, 30)], found


def test_policy_config_mistakes_exit_2_with_position():
    """An unknown test or a nested value in the policy is a configuration error at its line and column
    (exit 2), not a silently ignored requirement."""
    for text, where in [("settings:\n  log_statement: {equal: ddl}\n", ":2:19:"),
                        ("settings:\n  log_statement: {in: {a: b}}\n", ":2:23:"),
                        ("settings:\n  log_statement: ddl\n", ":2:18:")]:
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {".pgrampart.yml": text, "postgresql.conf": "log_statement = ddl\n"})
            rc, out, err = run("check", ".", cwd=d)
        assert rc == 2 and where in err, (text, rc, err)


def test_sensitive_setting_values_never_printed():
    """A policy on primary_conninfo or archive_command reports without printing the value (it may hold a
    password or a cloud key)."""
    secret = "host=primary user=rep password=Sup3rS3cretReplica"
    found, doc = findings_in({"migrations/001.sql": f"ALTER SYSTEM SET primary_conninfo = '{secret}';\n",
                              ".pgrampart.yml": "settings:\n  primary_conninfo: {matches: ['*sslmode=verify-full*']}\n"})
    assert only(found, POL) == [(POL, "migrations/001.sql", 1, 37)], found
    assert "Sup3rS3cret" not in json.dumps(doc), doc


def test_live_settings_policy():
    """The audit reads every pg_settings row in one query: a failing setting is reported at setting:<name>, a
    number compares with its unit, a setting the server does not define is settings/policy-unverified (info),
    and the query count does not grow with the policy."""
    cl = cluster_module()
    policy = ("settings:\n  log_statement: {in: [ddl, all]}\n  shared_buffers: {min: 1MB}\n"
              "  log_min_duration_statement: {min: 0}\n  pgaudit.log: {contains: [ddl]}\n"
              "  log_connections: {equals: 'on'}\n")
    with cl.Cluster(settings={"log_connections": "on"}) as c, tempfile.TemporaryDirectory() as d:
        write_tree(d, {"policy.yml": policy, "empty.yml": "{}\n"})
        doc, queries = audit(c, "--config", os.path.join(d, "policy.yml"))
        _, base_queries = audit(c, "--config", os.path.join(d, "empty.yml"))
    got = sorted((f["rule"], f["object"]) for f in doc["findings"] if f["rule"] in (POL, UNV))
    assert got == [(POL, "setting:log_min_duration_statement"), (POL, "setting:log_statement"),
                   (UNV, "db:postgres")], got
    assert any(f["message"].startswith("log_min_duration_statement is -1: below the minimum 0")
               for f in doc["findings"]), doc["findings"]
    assert queries == base_queries, (queries, base_queries)


def test_settings_from_image_environment():
    """A pooler image configured by environment (PGBOUNCER_POOL_MODE, edoburu's bare POOL_MODE) is judged as
    pgbouncer.<name>: the team's policy everywhere, the shipped controls (auth_type any) in a deployed manifest but
    not in a local compose file; JavaScript reading the variable with a fallback is not a setting."""
    manifest = ("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
                "        - name: pgbouncer\n          image: bitnami/pgbouncer\n          env:\n"
                "            - name: PGBOUNCER_AUTH_TYPE\n              value: any\n"
                "            - name: PGBOUNCER_POOL_MODE\n              value: session\n")
    compose = ("services:\n  pooler:\n    image: edoburu/pgbouncer\n    environment:\n"
               "      POOL_MODE: session\n      PGBOUNCER_AUTH_TYPE: trust\n")
    found, _ = findings_in({"deploy/pgbouncer.yaml": manifest, "docker-compose.yml": compose,
                            "src/db.js": "const mode = process.env.PGBOUNCER_POOL_MODE || 'session';\n",
                            ".pgrampart.yml": "settings:\n  pgbouncer.pool_mode: {equals: transaction}\n"})
    assert sorted(f for f in found if f[0] in (POL, "auth/pgbouncer-auth-type")) == [
        ("auth/pgbouncer-auth-type", "deploy/pgbouncer.yaml", 11, 22),
        (POL, "deploy/pgbouncer.yaml", 13, 22),
        (POL, "docker-compose.yml", 5, 18),
    ], found


def test_settings_policy_on_yaml_parameters():
    """Settings an operator resource writes in YAML (CloudNativePG spec.postgresql.parameters) are judged by the
    policy at the YAML value; a partial source's unset settings are not (archive_mode is not reported there)."""
    cluster = ("apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: app\nspec:\n  postgresql:\n"
               "    parameters:\n      log_statement: \"none\"\n      log_min_duration_statement: \"250ms\"\n")
    found, _ = findings_in({"deploy/cluster.yaml": cluster, ".pgrampart.yml": POLICY})
    assert only(found, POL) == [(POL, "deploy/cluster.yaml", 8, 23)], found
