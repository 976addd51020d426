"""End-to-end tests: The front-ends: SQL (and psql in scripts), env, YAML, shell, JS/TS, server configuration files, secret patterns, bad and hostile input."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def test_bad_input_is_reported():
    """Binary, unreadable and non-UTF-8 files are findings; others still checked."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {
            "a_binary.sql": b"\x00\x01\x02CREATE TABLE",
            "b_latin1.sql": b"-- caf\xe9\nCREATE TABLE latin (a int, tenant_id int);\n",
            "c_bad.sql": "CREATE TABLE ok1 (a int, tenant_id int);\nCREATE TABLE (;\nGRANT SELECT ON ok1 TO PUBLIC;\n",
            "d_unreadable.env": "X=1\n",
            ".env": "BROKEN LINE\nGOOD=1\nQ=\"unterminated\n",
        })
        os.chmod(os.path.join(d, "d_unreadable.env"), 0)
        _, doc = check_json(".", cwd=d)
        os.chmod(os.path.join(d, "d_unreadable.env"), 0o644)
    got = [(f["rule"], f["path"], f["line"], f["column"]) for f in doc["findings"]]
    want = [
        ("env/syntax-error", ".env", 1, 8),
        ("env/syntax-error", ".env", 3, 3),
        ("core/unreadable-file", "a_binary.sql", 1, 1),
        ("core/invalid-utf8", "b_latin1.sql", 1, 7),
        ("rls/table-without-rls", "b_latin1.sql", 2, 1),
        ("rls/table-without-rls", "c_bad.sql", 1, 1),
        ("sql/syntax-error", "c_bad.sql", 2, 14),
        ("grants/grant-to-public", "c_bad.sql", 3, 1),
    ]
    if os.geteuid() != 0:  # root reads anything: chmod 0 proves nothing then
        want.append(("core/unreadable-file", "d_unreadable.env", 1, 1))
    assert sorted(got) == sorted(want), got


def test_server_config_files():
    """postgresql.conf (with includes), pg_hba.conf and pgbouncer.ini through the live-audit rules."""
    found, doc = findings_in({
        "pg/postgresql.conf": "ssl = off\npassword_encryption = 'md5'  # legacy\ninclude 'conf.d/x.conf'\n"
                              "include_if_exists 'missing.conf'\nbroken line here\n",
        "pg/conf.d/x.conf": "log_statement = none\n",
        "pg/pg_hba.conf": "local all all peer\nhost all all 127.0.0.1/32 trust\n"
                          "host all all 0.0.0.0/0 scram-sha-256\nhostssl all all 10.0.0.0 255.0.0.0 password\n"
                          "hostnossl all all 0.0.0.0/0 reject\n",
        "pgbouncer.ini": "[databases]\na = host=x\n[pgbouncer]\nauth_type = trust\nclient_tls_sslmode = require\n"
                         "server_tls_sslmode = verify-full\n",
    })
    got = sorted((r, p, l, c) for r, p, l, c in found)
    assert got == sorted([
        ("ssl/server-ssl-off", "pg/postgresql.conf", 1, 7),
        ("auth/password-encryption-md5", "pg/postgresql.conf", 2, 24),
        ("conf/syntax-error", "pg/postgresql.conf", 5, 1),
        ("logging/ddl-not-logged", "pg/conf.d/x.conf", 1, 17),
        ("auth/hba-trust", "pg/pg_hba.conf", 2, 1),
        ("auth/hba-open-address", "pg/pg_hba.conf", 3, 1),
        ("ssl/hba-host-without-ssl", "pg/pg_hba.conf", 3, 1),
        ("auth/hba-password", "pg/pg_hba.conf", 4, 1),
        ("auth/pgbouncer-auth-type", "pgbouncer.ini", 4, 13),
    ]), got
    clean, _ = findings_in({"postgresql.conf": "ssl = on\nlog_connections = on\n",
                            "pg_hba.conf": "hostssl all all 10.0.0.0/8 scram-sha-256\nhost all all ::1/128 scram-sha-256\n",
                            "pgbouncer.ini": "[pgbouncer]\nauth_type = scram-sha-256\nclient_tls_sslmode = require\n"
                                             "server_tls_sslmode = verify-ca\n"})
    assert clean == [], clean
    # TLS floor, md5 in pg_hba and pgbouncer's client TLS (explicitly off, or unset: its default is disable).
    found, _ = findings_in({"pg/postgresql.conf": "ssl = on\nssl_min_protocol_version = 'TLSv1'\n",
                            "pg/pg_hba.conf": "hostssl all all 10.0.0.0/8 md5\n",
                            "a/pgbouncer.ini": "[pgbouncer]\nauth_type = scram-sha-256\nclient_tls_sslmode = disable\n"
                                               "server_tls_sslmode = verify-full\n",
                            "b/pgbouncer.ini": "[pgbouncer]\nauth_type = scram-sha-256\n"
                                               "server_tls_sslmode = verify-full\n"})
    assert sorted(found) == [("auth/hba-md5", "pg/pg_hba.conf", 1, 1),
                             ("ssl/pgbouncer-tls-disabled", "a/pgbouncer.ini", 3, 22),
                             ("ssl/pgbouncer-tls-disabled", "b/pgbouncer.ini", 1, 1),
                             ("ssl/weak-min-protocol", "pg/postgresql.conf", 2, 29)], found
    clean, _ = findings_in({"postgresql.conf": "ssl = on\nssl_min_protocol_version = 'TLSv1.2'\n",
                            "pg_hba.conf": "hostssl all all 10.0.0.0/8 scram-sha-256\n"})
    assert clean == [], clean


def test_secret_pattern_lists():
    lines = [line for _, line in SECRET_MORE_POSITIVES]
    found, doc = findings_in({"app.env": "\n".join(lines) + "\n"})
    got = sorted((f["line"], f["message"].rsplit("[", 1)[-1].rstrip("]")) for f in doc["findings"]
                 if f["rule"] == "secrets/known-secret-format")
    assert got == [(i + 1, p) for i, (p, _) in enumerate(SECRET_MORE_POSITIVES)], got
    found, doc = findings_in({"app.env": "\n".join(SECRET_MORE_NEGATIVES) + "\n"})
    assert not [f for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"], doc["findings"]


def test_secret_patterns():
    for pattern, positive, negative in SECRET_CASES:
        found, doc = findings_in({"app.env": positive + "\n"})
        hits = [f for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"]
        assert len(hits) == 1 and hits[0]["message"].endswith(f"[{pattern}]"), (pattern, doc["findings"])
        found, doc = findings_in({"app.env": negative + "\n"})
        assert not [f for f in doc["findings"] if f["rule"] == "secrets/known-secret-format"], (pattern, doc)


def test_placeholder_and_weak_secrets():
    found, _ = findings_in({".env.production": "JWT_SECRET=your-jwt-secret-here\nDB_PASSWORD=changeme\n"
                                               "SESSION_SECRET=short-secret\nAPI_TOKEN=${TOKEN}\n"
                                               "CSRF_KEY=c2VjcmV0LWtleS1tYXRlcmlhbC1vZi1sZW5ndGgtNDQtYnl0ZXM=\n",
                            ".env.example": "JWT_SECRET=your-jwt-secret-here\nSESSION_SECRET=dev\n"})
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("secrets/placeholder-secret", ".env.production", 1), ("secrets/placeholder-secret", ".env.production", 2),
        ("secrets/weak-secret", ".env.production", 3)], found


def test_committed_env_file():
    """A tracked env file with a real secret is reported; untracked files and examples are not."""
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, {".env.production": "API_HOST=api.example.com\nSTRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n",
                     ".env.example": "STRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n",
                     "tracked-no-secret.env": "API_HOST=api.example.com\nSTRIPE_SECRET=${STRIPE_SECRET}\n"})
        write_tree(d, {".env.local": "STRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n"})
        rc, doc = check_json(".", cwd=d)
        hits = [(f["path"], f["line"]) for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"]
        assert hits == [(".env.production", 1)], doc["findings"]
        assert "Qw7pL2xZ9vR4tY8uK3mN6bH1" not in json.dumps(doc)
        # Named by absolute path from outside the repository: git is asked in the file's directory.
        rc, doc = check_json(d, cwd="/")
        hits = [f["path"] for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"]
        assert hits == [os.path.join(d, ".env.production")], doc["findings"]
        git(d, "rm", "-q", "--cached", ".env.production")
        rc, doc = check_json(".", cwd=d)
        assert not [f for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"], doc["findings"]


def test_yaml_settings():
    """Compose maps and lists, Kubernetes env lists and Secrets (base64 decoded), merge keys."""
    pw = "Xk9mQ2vLp8RtZ4wN"
    url = f"postgresql://app:{pw}@db.prod.example.com/app"
    files = {
        "docker-compose.yml": "x-db: &db-env\n  PGSSLMODE: prefer\nservices:\n  a:\n    environment:\n"
                              "      <<: *db-env\n  b:\n    environment:\n      <<: *db-env\n"
                              "  c:\n    environment:\n      - \"DATABASE_URL=postgres://u@db.example.com/app\"\n"
                              "      - DATABASE_URL=${DATABASE_URL}\n",
        "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n"
                           f"  DATABASE_URL: {base64.b64encode(url.encode()).decode()}\n"
                           "  NOT_BASE64: '%%%'\n"
                           "stringData:\n  PGSSLMODE: disable\n---\n"
                           "kind: Deployment\nspec:\n  containers:\n    - name: api\n      env:\n"
                           "        - name: DATABASE_URL\n          value: \"postgres://api@db.example.com/app?sslmode=require\"\n"
                           "        - name: OTHER_URL\n          value: \"postgres://api@db.example.com/app\"\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    env:\n      PGSSLMODE: verify-full\n"
                                   "      DATABASE_URL: postgres://ci@db.example.com/test\n",
    }
    found, doc = findings_in(files)
    assert sorted(found) == [
        ("secrets/hardcoded-password", "k8s/secret.yaml", 6, 17),
        ("ssl/missing-sslmode", "docker-compose.yml", 2, 14),      # once, at the anchor
        ("ssl/missing-sslmode", "docker-compose.yml", 12, 23),     # inside a quoted KEY=value item
        ("ssl/missing-sslmode", "k8s/secret.yaml", 6, 17),         # the decoded Secret value
        ("ssl/missing-sslmode", "k8s/secret.yaml", 9, 14),         # PGSSLMODE=disable
        ("ssl/missing-sslmode", "k8s/secret.yaml", 19, 19),        # OTHER_URL; DATABASE_URL has sslmode
    ], found
    out = json.dumps(doc)
    assert pw not in out and base64.b64encode(url.encode()).decode()[4:] not in out
    # A KEY=value list reached through two aliases is reported once, where it is written.
    found, _ = findings_in({"compose.yml": "x-env: &env\n  - PGSSLMODE=disable\nservices:\n"
                                           "  a: {environment: *env}\n  b: {environment: *env}\n"})
    assert found == [("ssl/missing-sslmode", "compose.yml", 2, 15)], found
    # The same settings in an env file give the same rules: one shape for every front-end.
    found_env, _ = findings_in({".env": f"DATABASE_URL={url}\n"})
    assert sorted(r for r, *_ in found_env) == ["secrets/hardcoded-password", "ssl/missing-sslmode"]


def test_yaml_bad_input():
    """An alias bomb, a syntax error and deep nesting are findings; the other files are still checked."""
    bomb = "a: &a [" + ",".join(["lol"] * 9) + "]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    files = {"bomb.yml": bomb + "PGSSLMODE: disable\n",
             "broken.yaml": "PGSSLMODE: disable\nlist: [1, 2\nb: c: d\n",
             "deep.yml": "[" * 5000 + "]" * 5000 + "\n",
             "undefined.yml": "a: *nowhere\n",
             "cycle.yml": "a: &a [*a, PGSSLMODE=disable]\nb: &b {c: *b}\n",
             ".env": "PGSSLMODE=disable\n"}
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        rc, out, err = run("check", "--format", "json", ".", cwd=d)
    assert rc == 1, err
    found = sorted((f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"])
    assert found == [
        ("ssl/missing-sslmode", ".env", 1),
        ("ssl/missing-sslmode", "broken.yaml", 1),      # read before the error
        ("ssl/missing-sslmode", "cycle.yml", 1),        # beside the cycle, still read
        ("yaml/alias-bomb", "bomb.yml", 1),
        ("yaml/alias-bomb", "cycle.yml", 1), ("yaml/alias-bomb", "cycle.yml", 2),
        ("yaml/syntax-error", "broken.yaml", 3),
        ("yaml/syntax-error", "deep.yml", 1),
        ("yaml/syntax-error", "undefined.yml", 1),
    ], found


def test_shell_front_end():
    """Assignments, client arguments and SQL handed to psql, at the script's own lines and columns."""
    script = (
        "#!/bin/sh\n"                                                               # 1
        "export PGPASSWORD='Qz7-deploy-Kp2vW9'\n"                                    # 2 libpq's password
        "DB_URL=${DATABASE_URL:-postgres://admin:Hu7nter2x@db.example.com/app}\n"   # 3 fallback URL
        "pg_dump -h db.example.com -U backup app > dump.sql\n"                       # 4 -h without sslmode
        "psql -h localhost -c \"ALTER ROLE app PASSWORD 'Zk8-rot4te-Me'\"\n"          # 5 SQL in -c
        "psql \"$DB_URL\" <<'SQL'\n"                                                 # 6
        "  -- a comment\n"                                                            # 7
        "  ALTER ROLE web PASSWORD 'Wq3-heredoc-Pw';\n"                               # 8 SQL in a heredoc
        "SQL\n"                                                                       # 9
        "psql --dbname=\"postgresql://u@db2.example.com/app\" <<EOF\n"                # 10 --dbname=
        "ALTER ROLE api PASSWORD '$API_PW';\n"                                        # 11 expansion: not a secret
        "SELEC broken;\n"                                                             # 12 syntax error
        "EOF\n"                                                                       # 13
        "echo \"PGPASSWORD=nothing here\"\n"                                          # 14 a string, not a setting
        "curl -d postgres://x@db3.example.com/app https://example.com\n"             # 15 any command's URL
        "psql -h db.example.com ; # pgrampart-ignore ssl/missing-sslmode: no\n"      # 16
    )
    found, doc = findings_in({"deploy.sh": script})
    assert sorted(found) == [
        ("secrets/hardcoded-password", "deploy.sh", 2, 20),
        ("secrets/hardcoded-password", "deploy.sh", 3, 41),
        ("secrets/hardcoded-password", "deploy.sh", 5, 48),
        ("secrets/hardcoded-password", "deploy.sh", 8, 28),
        ("sql/syntax-error", "deploy.sh", 12, 1),
        ("ssl/missing-sslmode", "deploy.sh", 3, 24),
        ("ssl/missing-sslmode", "deploy.sh", 4, 12),
        ("ssl/missing-sslmode", "deploy.sh", 10, 16),
        ("ssl/missing-sslmode", "deploy.sh", 15, 9),
        ("ssl/missing-sslmode", "deploy.sh", 16, 9),   # a trailing comment covers the next line only
    ], found
    out = json.dumps(doc)
    for secret in ("Qz7-deploy-Kp2vW9", "Hu7nter2x", "Zk8-rot4te-Me", "Wq3-heredoc-Pw"):
        assert secret not in out, secret
    # Clients run through sudo, docker, kubectl and env are still read.
    found, doc = findings_in({"ops.sh": (
        "sudo -u postgres psql -c \"ALTER ROLE a PASSWORD 'Wr4pp3d-Pw1'\"\n"
        "docker compose exec -T db psql -U postgres <<'SQL'\n"
        "ALTER ROLE b PASSWORD 'D0cker-Pw22';\n"
        "SQL\n"
        "kubectl exec -it db-0 -- psql -h db.example.com -U app\n"
        "env PGPASSWORD=Env-Pw-9x1 pg_dump -h db2.example.com app\n"
        "docker run --rm alpine echo -h db3.example.com\n")})
    assert sorted(found) == [
        ("secrets/hardcoded-password", "ops.sh", 1, 50),
        ("secrets/hardcoded-password", "ops.sh", 3, 24),
        ("secrets/hardcoded-password", "ops.sh", 6, 16),
        ("ssl/missing-sslmode", "ops.sh", 5, 34),
        ("ssl/missing-sslmode", "ops.sh", 6, 38),
    ], found
    # A part tree-sitter-bash cannot parse is one warning; what follows it is still read.
    found, _ = findings_in({"broken.sh": "export PGSSLMODE=disable\ncase x in\n  a) echo (( ;;\nesac\n"
                                         "psql -c \"ALTER ROLE z PASSWORD 'Br0ken-Sh-Pw'\"\n",
                            "fine.sh": "case x in\n  a) echo ok ;;\nesac\n"})
    assert sorted(found) == [("secrets/hardcoded-password", "broken.sh", 5, 33),
                             ("shell/syntax-error", "broken.sh", 3, 11),
                             ("ssl/missing-sslmode", "broken.sh", 1, 18)], found
    # A suppression in shell comment syntax on the line before.
    found, _ = findings_in({"d.sh": "# pgrampart-ignore ssl/missing-sslmode: CI database\n"
                                    "psql -h db.example.com\n"})
    assert found == [], found
    # With PGSSLMODE exported anywhere in the script, -h hosts are fine.
    found, _ = findings_in({"d.sh": "export PGSSLMODE=verify-full\npsql -h db.example.com\n"})
    assert found == [], found


def test_ci_workflow_shell():
    """The shell of GitHub Actions run: and GitLab CI script: steps, at the YAML file's positions."""
    gh = ("on: push\njobs:\n  migrate:\n    env:\n      PGSSLMODE: require\n    steps:\n"
          "      - run: |\n"                                                                # 7
          "          psql \"$DATABASE_URL\" -f schema.sql\n"                                  # 8
          "          psql \"$DATABASE_URL\" -c \"ALTER ROLE app PASSWORD 'Gh4-actions-Pw9'\"\n"  # 9
          "          pg_dump postgres://ci@db.example.com/app > dump.sql\n"                 # 10 PGSSLMODE applies
          "      - run: npm run test:${{ matrix.browser }} -- --x=${{ env.X }}\n")     # 11 expressions: no error
    gl = ("migrate:\n  script:\n"
          "    - export PGPASSWORD='Gl4b-ci-Pw7xQ'\n"                                         # 3
          "    - psql -h db.example.com -c 'SELECT 1'\n"                                      # 4
          "    - \"psql -h db2.example.com\"\n")                                              # 5 double-quoted: not read
    found, doc = findings_in({".github/workflows/deploy.yml": gh, ".gitlab-ci.yml": gl})
    assert sorted(found) == [
        ("secrets/hardcoded-password", ".github/workflows/deploy.yml", 9, 61),
        ("secrets/hardcoded-password", ".gitlab-ci.yml", 3, 26),
        ("ssl/missing-sslmode", ".gitlab-ci.yml", 4, 15),
    ], found
    assert "Gh4-actions-Pw9" not in json.dumps(doc) and "Gl4b-ci-Pw7xQ" not in json.dumps(doc)


def test_js_front_end():
    """Client options, fallbacks and literals in JS and TS; comments ignored; error nodes skipped."""
    ts = (
        "import { Pool } from 'pg';\n"                                                   # 1
        "// postgres://u:Commented9x@db.example.com/app is only a comment\n"             # 2
        "export const pool = new Pool({\n"                                               # 3
        "  connectionString: process.env.DATABASE_URL,\n"                               # 4
        "  ssl: { rejectUnauthorized: false },\n"                                       # 5
        "});\n"                                                                          # 6
        "const c = new Client({ host: 'db.example.com', password: 'Hu7nter2-Xy9', ssl: false });\n"  # 7
        "const ui = { ssl: false, theme: 'dark' };\n"                                    # 8 not a client
        "export const jwtSecret = process.env.JWT_SECRET || 'changeme';\n"               # 9
        "const sql = postgres(`postgres://app@${host}/app?sslmode=verify-full`);\n"      # 10 fine
        "const prisma = new PrismaClient({ datasources: { db: { url: 'postgresql://a@db.example.com/d' } } });\n"  # 11
        "const knexConfig = { client: 'pg', connection: 'postgres://k@db.example.com/app?sslmode=no-verify' };\n"  # 12
        "const seq = new Sequelize('app', 'web', 'Sq7-lz3-Pw9x', { host: 'db.example.com', dialect: 'postgres' });\n"  # 13
        "createToken('MAINVERSION', '(\\\\d+)\\\\.(\\\\d+)\\\\.(\\\\d+)-Xk9mQ2');\n"            # 14 a function named *token* (semver)
    )
    found, doc = findings_in({"src/db.ts": ts,
                              "web/App.tsx": "export const App = () => <div token={'x'}>{`postgres://t@db.example.com/x`}</div>;\n",
                              "broken.js": "const a = ;\nconst b = new Pool({ ssl: { rejectUnauthorized: false } });\n",
                              "vendor/lib.min.js": "var p='postgres://m@db.example.com/x';\n"})
    assert sorted(found) == [
        ("js/syntax-error", "broken.js", 1, 9),
        ("secrets/generic-secret", "src/db.ts", 7, 59),
        ("secrets/generic-secret", "src/db.ts", 13, 42),
        ("secrets/placeholder-secret", "src/db.ts", 9, 53),
        ("ssl/missing-sslmode", "src/db.ts", 7, 79),
        ("ssl/missing-sslmode", "src/db.ts", 11, 62),
        ("ssl/missing-sslmode", "web/App.tsx", 1, 45),
        ("ssl/tls-verification-disabled", "broken.js", 2, 49),    # after the error node
        ("ssl/tls-verification-disabled", "src/db.ts", 5, 30),
        ("ssl/tls-verification-disabled", "src/db.ts", 12, 49),
    ], found
    assert "Hu7nter2-Xy9" not in json.dumps(doc)
    # A suppression in JS comment syntax.
    found, _ = findings_in({"a.js": "// pgrampart-ignore ssl/tls-verification-disabled: test double\n"
                                    "new Pool({ ssl: { rejectUnauthorized: false } });\n"})
    assert found == [], found


def test_generic_secret():
    """The rule pack's generic-secret pattern (its own rule, secrets/generic-secret): true and false
    positives, the gitleaks way."""
    positives = ["api_token: Xk9mQ2vLp8RtZ4wN", "password: hunter2-Xy9Q", "DB_PASSWORD: \"p4ssW0rd!xyz\"",
                 "clientSecret: 7f3a9b2c1d8e4f60", "STRIPE_API_KEY: rk_test_Xk9mQ2vLp8Rt"]
    negatives = ["password: postgres", "POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
                 "secretName: my-app-secret-tls", "token_url: https://auth.example.com/oauth/token",
                 "password: ${DB_PASSWORD}", "password: changeme", "api_key: xxxxxxxxxxxxxxxx",
                 "password: example-Pa55w0rd", "password_min_length: 12345678", "name: Xk9mQ2vLp8RtZ4wN"]
    for line in positives:
        found, doc = findings_in({"app.yml": line + "\n"})
        hits = [f for f in doc["findings"] if f["rule"] == "secrets/generic-secret"]
        assert len(hits) == 1 and hits[0]["severity"] == "warning", (line, doc["findings"])
    for line in negatives:
        found, doc = findings_in({"app.yml": line + "\n"})
        assert not [f for f in doc["findings"] if f["rule"].startswith("secrets/")
                    and f["rule"] != "secrets/weak-secret"], (line, doc)
    # Env files hold secrets by design: committed-env-file covers them, not this pattern.
    found, _ = findings_in({".env": "API_TOKEN=Xk9mQ2vLp8RtZ4wN\n"})
    assert found == [], found


def test_local_dev_password():
    """postgres:postgres@localhost is a lower-severity finding; the same password on a server is not."""
    found, doc = findings_in({".env": "A_URL=postgres://postgres:postgres@localhost:5432/app\n"
                                      "B_URL=postgresql://app:app@127.0.0.1/app\n"
                                      "C_URL=postgres://postgres:postgres@db.example.com/app?sslmode=verify-full\n"
                                      "D_URL=postgres://app:Xk9mQ2vLp8RtZ4wN@localhost/app\n",
                              "docker-compose.yml": "services:\n  api:\n    environment:\n"
                                                    "      DATABASE_URL: postgres://postgres:postgres@localhost/app\n"})
    got = sorted((f["rule"], f["path"], f["line"], f["severity"]) for f in doc["findings"])
    assert got == [
        ("secrets/hardcoded-password", ".env", 3, "error"),
        ("secrets/hardcoded-password", ".env", 4, "error"),
        ("secrets/local-dev-password", ".env", 1, "info"),
        ("secrets/local-dev-password", ".env", 2, "info"),
        ("secrets/local-dev-password", "docker-compose.yml", 4, "info"),
    ], got


def test_tls_verification_disabled():
    """No certificate check: NODE_TLS_REJECT_UNAUTHORIZED=0, sslmode=no-verify, below required_sslmode."""
    files = {".env": "NODE_TLS_REJECT_UNAUTHORIZED=0\n"
                     "A_URL=postgres://a@db.example.com/app?sslmode=no-verify\n"
                     "B_URL=postgres://b@db.example.com/app?sslmode=require\n"
                     "C_URL=postgres://c@db.example.com/app?sslmode=verify-full\n"
                     "NODE_TLS_REJECT_UNAUTHORIZED_X=0\n"}
    found, _ = findings_in(files)
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("ssl/tls-verification-disabled", 1), ("ssl/tls-verification-disabled", 2)], found
    # With the policy at verify-full, require no longer passes.
    files[".pgrampart.yml"] = "ssl:\n  required_sslmode: verify-full\n"
    found, _ = findings_in(files)
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("ssl/tls-verification-disabled", 1), ("ssl/tls-verification-disabled", 2),
        ("ssl/tls-verification-disabled", 3)], found


def test_mutated_inputs_never_crash():
    """600 deterministic mutations of the samples' files: every run ends with exit 0 or 1 and a
    readable report (bad input never crashes)."""
    with tempfile.TemporaryDirectory() as d:
        n = mutated_tree(d, 86, 5)
        rc, out, err = run("check", "--format", "json", ".", cwd=d)
    assert rc in (0, 1), (rc, err[-500:])
    assert json.loads(out)["summary"]["files"] == n, err[-500:]


def test_deep_scripts_and_code():
    """6,000-term chains in JS and shell: the part past 4,000 levels is one warning, the rest is read."""
    found, _ = findings_in({
        "deep.js": "const s = 'postgres://u@db.example.com/x'" + " + 'a'" * 6000 + ";\n"
                   "const t = 'postgres://v@db2.example.com/x' + 'b';\n",
        "deep.sh": "true" + " && true" * 6000 + " && psql -h db.example.com\n"},
        # A walked .js whose first line runs past 1000 bytes is a bundle (skipped): named, it is read.
        "deep.js")
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("js/syntax-error", "deep.js", 1), ("shell/syntax-error", "deep.sh", 1),
        ("ssl/missing-sslmode", "deep.js", 2), ("ssl/missing-sslmode", "deep.sh", 1)], found


def test_sql_too_deep():
    """A statement nested thousands of levels deep is refused, not a crash; its neighbours are checked."""
    sql = ("CREATE TABLE t (id int, tenant_id int);\nSELECT " + "1+" * 5000 + "1;\nSELECT " + "(" * 50000 + "1" +
           ")" * 50000 + ";\nSELECT " + "1+" * 900 + "1;\nGRANT SELECT ON t TO PUBLIC;\n")
    found, _ = findings_in({"a.sql": sql})
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("grants/grant-to-public", 5), ("rls/table-without-rls", 1),
        ("sql/too-deep", 2), ("sql/too-deep", 3)], found


def test_fifty_megabyte_lines():
    """A 50 MB single-line env and YAML file are read; the settings after the line are still checked."""
    line = "x" * (50 << 20)
    found, _ = findings_in({".env": f"BLOB={line}\nPGSSLMODE=disable\n",
                            "big.yml": f"blob: {line}\nPGSSLMODE: disable\n",
                            "big.sh": f"BLOB={line}\nexport PGSSLMODE=disable\n",
                            "big.js": f"const blob = '{line}';\nnew Pool({{ ssl: {{ rejectUnauthorized: false }} }});\n"},
                           "big.js")    # named: the walk would skip it as a bundle
    assert sorted((r, p, l) for r, p, l, _ in found) == [
        ("ssl/missing-sslmode", ".env", 2), ("ssl/missing-sslmode", "big.sh", 2),
        ("ssl/missing-sslmode", "big.yml", 2), ("ssl/tls-verification-disabled", "big.js", 2)], found


def test_invalid_utf8_front_ends():
    """Invalid UTF-8 in YAML, shell and JS files is reported where it is; the rest is still read."""
    found, _ = findings_in({"a.yml": b"a: \xff\xfe bad\nPGSSLMODE: disable\n",
                            "a.js": b"const a = \"\xff\xfe\";\nnew Pool({ ssl: { rejectUnauthorized: false } });\n",
                            "a.sh": b"echo \xff\nexport PGSSLMODE=disable\n"})
    assert sorted(found) == [
        ("core/invalid-utf8", "a.js", 1, 12), ("core/invalid-utf8", "a.sh", 1, 6),
        ("core/invalid-utf8", "a.yml", 1, 4),
        ("ssl/missing-sslmode", "a.sh", 2, 18),
        ("ssl/missing-sslmode", "a.yml", 2, 12),    # libyaml reads it with '?' for the bad bytes
        ("ssl/tls-verification-disabled", "a.js", 2, 39),
    ], found


def test_sql_front_end_psql():
    """Meta-commands, psql variables and COPY data are not syntax errors."""
    text = ("\\set ON_ERROR_STOP on\n\\ir other.sql\n\\if :is_ok\nCREATE TABLE t (a int[], tenant_id int);\n\\endif\n"
            "COPY t (a) FROM stdin;\n{1}\n{2}\n\\.\n"
            "SELECT a[1:2] FROM t \\gset\nALTER DATABASE :DBNAME SET x = :'v';\n"
            "SELECT 'it''s; \\x' AS a, E'\\\\' AS b, $f$ \\not meta $f$ AS c;\n"
            "CREATE TABLE broken (;\nGRANT ALL ON t TO PUBLIC;\n")
    found, _ = findings_in({"s.sql": text})
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("grants/grant-all-privileges", 14), ("grants/grant-to-public", 14),
        ("rls/table-without-rls", 4), ("sql/syntax-error", 13)], found
