"""End-to-end tests: checklist controls on secrets and TLS switches (issue 14, slice "secret strength").
Signing, session and service-role secrets named in rules/secrets.yml (signing_names) under 32 bytes of key
material or made of words are secrets/weak-secret; database passwords below the configured strength are
secrets/weak-password; application switches that turn TLS off for the database connection (rules/ssl.yml) are
ssl/app-tls-disabled.  Each with true and false examples at exact positions."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def _of(files, rules, *extra):
    """(path, line, column, rule, severity) of the findings of rules, sorted."""
    _, doc = findings_in(files, *extra)
    return sorted((f["path"], f["line"], f["column"], f["rule"], f["severity"]) for f in doc["findings"]
                  if f["rule"] in rules)


TLS_RULES = ("ssl/app-tls-disabled", "ssl/tls-verification-disabled")


def test_app_tls_switches_at_exact_positions():
    """Database TLS switches turned off in a production env file are reported at their value; the same
    names turned on, other services' switches and libpq's PGSSLMODE are not this rule's."""
    env = ("DB_HOST=db.internal.example.com\n"          # 1
           "DB_SSL=false\n"                              # 2  reported
           "DATABASE_SSL=0\n"                            # 3  reported
           "PGSSL=disable\n"                             # 4  reported
           "POSTGRES_DISABLE_TLS=true\n"                 # 5  reported
           "MYAPP_DB_TLS_ENABLED=no\n"                   # 6  reported
           "DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED=false\n"  # 7  verification
           "REDIS_SSL=false\n"                           # 8  not a database
           "HP_FRP_DISABLE_TLS=true\n"                   # 9  another service
           "POSTGRES_SSL=true\n"                         # 10 on
           "DB_DISABLE_TLS=false\n"                      # 11 on
           "DB_SSL_CA=false\n")                          # 12 not a switch
    got = _of({".env.production": env}, TLS_RULES)
    want = [(".env.production", 2, 8, "ssl/app-tls-disabled", "error"),
            (".env.production", 3, 14, "ssl/app-tls-disabled", "error"),
            (".env.production", 4, 7, "ssl/app-tls-disabled", "error"),
            (".env.production", 5, 22, "ssl/app-tls-disabled", "error"),
            (".env.production", 6, 22, "ssl/app-tls-disabled", "error"),
            (".env.production", 7, 39, "ssl/tls-verification-disabled", "error")]
    assert got == want, got


def test_app_tls_switch_toward_a_local_database_is_not_reported():
    """A switch beside a connection string or a host setting that is local, a service of the same compose
    file or a variable is a development stack's, and so is one in a CI pipeline or a development
    environment; beside a remote one, or in a YAML mapping with no host, it is reported."""
    compose = ("services:\n"
               "  db:\n"
               "    image: postgres:16\n"
               "  web:\n"
               "    environment:\n"
               "      DATABASE_URL: \"postgres://app:${DB_PASSWORD}@db/app\"\n"
               "      DATABASE_SSL: \"false\"\n"                       # 7: compose service: no
               "  worker:\n"
               "    environment:\n"
               "      DATABASE_URL: \"postgres://app:${DB_PASSWORD}@db.example.com/app?sslmode=require\"\n"
               "      DATABASE_SSL: \"false\"\n"                       # 11: remote: yes
               "  cron:\n"
               "    environment:\n"
               "      DB_HOST: ${DB_HOST}\n"
               "      DB_SSL: \"false\"\n"                             # 15: variable: no
               "  mailer:\n"
               "    environment:\n"
               "      POSTGRES_SSL: false\n")                          # 18: nothing says: yes
    ci = ("jobs:\n"
          "  test:\n"
          "    runs-on: ubuntu-latest\n"
          "    env:\n"
          "      DATABASE_SSL: false\n")                       # a CI runner's throwaway database: no
    got = _of({"docker-compose.yml": compose, ".env": "PGHOST=127.0.0.1\nPGSSL=false\n",
               ".github/workflows/test.yml": ci, ".devcontainer/.env": "DB_SSL=false\n"}, TLS_RULES)
    want = [("docker-compose.yml", 11, 22, "ssl/app-tls-disabled", "error"),
            ("docker-compose.yml", 18, 21, "ssl/app-tls-disabled", "error")]
    assert got == want, got


def test_app_tls_switches_in_javascript_config():
    """A JS/TS configuration object's switches are read like an env file's: string and boolean false; a
    switch turned on, or beside a localhost host, is not reported."""
    js = ("module.exports = {\n"
          "  production: { DB_HOST: 'db.example.com', DB_SSL: 'false', DATABASE_SSL: false },\n"
          "  secure: { DB_HOST: 'db.example.com', DB_SSL: 'true' },\n"
          "  local: { DB_HOST: 'localhost', DB_SSL: false },\n"
          "};\n")
    got = _of({"config/database.js": js}, TLS_RULES)
    assert got == [("config/database.js", 2, 53, "ssl/app-tls-disabled", "error"),
                   ("config/database.js", 2, 75, "ssl/app-tls-disabled", "error")], got


def test_app_tls_switch_capped_in_example_files():
    """An example file's switch is capped at info by its role, like every rule's."""
    got = _of({".env.example": "DB_HOST=db.example.com\nDB_SSL=false\n"}, TLS_RULES)
    assert got == [(".env.example", 2, 8, "ssl/app-tls-disabled", "info")], got


SECRET_RULES = ("secrets/weak-secret", "secrets/placeholder-secret")
_B64_32 = "c2VjcmV0LWtleS1tYXRlcmlhbC1vZi1sZW5ndGgtNDQtYnl0ZXM="   # 44 base64 characters: 32 bytes
_HEX_32 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # 64 hex: 32 bytes
_JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwiaWF0IjoxNzAwMDAwMDAwfQ."
        "Qm9Mx0T3vV8rR2nK5pL7sW1yZ4aB6cD9eF0gH2iJ3kL")


def test_signing_names_weak_secret_at_exact_positions():
    """Auth, token, service-role and Rails/Django secrets named in rules/secrets.yml: under 32 bytes of key
    material or made of words they are weak-secret, a template's words placeholder-secret; 32 decoded bytes,
    a JWT or Supabase secret key (issued, not chosen), and an OAuth client's secret (no signing key) are not
    reported."""
    env = ("AUTH_SECRET=myaccesssecret\n"                     # 1 weak: 14 bytes
           "ACCESS_TOKEN_SECRET=short\n"                      # 2 weak
           "REFRESH_TOKEN_SECRET=" + _HEX_32[:32] + "\n"      # 3 weak: 16 bytes of hex
           "SUPABASE_SERVICE_ROLE_KEY=your-service-role-key\n"  # 4 placeholder
           "SECRET_KEY_BASE=super-secret-key-base-for-the-production-app\n"  # 5 weak: words
           "betterAuthSecret=changeme-later\n"                # 6 placeholder
           "NEXTAUTH_SECRET=" + _B64_32 + "\n"                # 7 strong
           "REFRESH_TOKEN_SECRET=" + _HEX_32 + "\n"           # 8 strong
           "SUPABASE_SERVICE_ROLE_KEY=" + _JWT + "\n"         # 9 a JWT
           "OAUTH_SECRET=short\n"                             # 10 not a signing key
           "DJANGO_SECRET_KEY=Zp4$kq9!Lw2@Rt7#Nx5%Vb8^Mc3&Hs6*\n"  # 11 strong
           "SUPABASE_SERVICE_ROLE_KEY=sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz\n")  # 12 issued: not weighed
    got = _of({".env.production": env}, SECRET_RULES)
    want = [(".env.production", 1, 13, "secrets/weak-secret", "warning"),
            (".env.production", 2, 21, "secrets/weak-secret", "warning"),
            (".env.production", 3, 22, "secrets/weak-secret", "warning"),
            (".env.production", 4, 27, "secrets/placeholder-secret", "error"),
            (".env.production", 5, 17, "secrets/weak-secret", "warning"),
            (".env.production", 6, 18, "secrets/placeholder-secret", "error")]
    assert got == want, got


def test_signing_names_not_weak_in_example_files():
    """A template holds placeholders and short examples by design: no weak-secret there."""
    got = _of({".env.example": "AUTH_SECRET=short\nACCESS_TOKEN_SECRET=myaccesssecret\n",
               ".env.production": "AUTH_SECRET=short\n"}, SECRET_RULES)
    assert got == [(".env.production", 1, 13, "secrets/weak-secret", "warning")], got


WEAK = ("secrets/weak-password",)


def test_weak_password_at_exact_positions():
    """Database passwords in a production file: short, few character classes, a common word or a word with
    digits are weak-password at the password; strong ones, placeholders and references are not."""
    env = ("POSTGRES_PASSWORD=gdpr2024\n"                           # 1 word + digits
           "PGPASSWORD=postgres123\n"                               # 2 word + digits
           "DB_PASSWORD=Summer2024!!\n"                             # 3 word + digits + symbols
           "DATABASE_PASSWORD=Tr0ub4dor&3\n"                        # 4 11 characters
           "POSTGRES_NON_ROOT_PASSWORD=kqzvbnmxtyrplw\n"            # 5 one class, under 24
           "DATABASE_URL=postgres://app:admin2024@db.example.com:5432/app?sslmode=require\n"  # 6 word + digits
           "DB_PASS=q7#Lm2vX9tRw4Kz\n"                              # 7 strong
           "POSTGRES_PASSWORD=${POSTGRES_PASSWORD}\n"               # 8 reference
           "DB_PASSWORD=changeme\n"                                 # 9 placeholder
           "PG_PASSWORD=correcthorsebatterystaplelamp\n"            # 10 long passphrase
           "DB_PASSWORD_FILE=/run/secrets/db\n"                     # 11 a file
           "REDIS_PASSWORD=abc\n")                                  # 12 not a database's
    got = _of({".env.production": env}, WEAK)
    want = [(".env.production", 1, 19, "secrets/weak-password", "warning"),
            (".env.production", 2, 12, "secrets/weak-password", "warning"),
            (".env.production", 3, 13, "secrets/weak-password", "warning"),
            (".env.production", 4, 19, "secrets/weak-password", "warning"),
            (".env.production", 5, 28, "secrets/weak-password", "warning"),
            (".env.production", 6, 29, "secrets/weak-password", "warning")]
    assert got == want, got


def test_weak_password_only_in_production_files():
    """A development, CI or example file's database password is a throwaway stack's (local-dev-password):
    weak-password reads only files named for production, YAML ones included."""
    compose = ("services:\n"
               "  db:\n"
               "    image: postgres:16\n"
               "    environment:\n"
               "      POSTGRES_PASSWORD: postgres\n")
    files = {"docker-compose.yml": compose, "docker-compose.prod.yml": compose, ".env": "DB_PASSWORD=gdpr2024\n",
             ".env.example": "DB_PASSWORD=gdpr2024\n", "deploy/production/.env": "DB_PASSWORD=gdpr2024\n"}
    got = _of(files, WEAK)
    assert got == [("deploy/production/.env", 1, 13, "secrets/weak-password", "warning"),
                   ("docker-compose.prod.yml", 5, 26, "secrets/weak-password", "warning")], got


def test_weak_password_policy_from_config():
    """secrets.password_min_length and password_min_classes set the strength: a 14-character two-class
    password passes the defaults only when the policy asks for fewer classes, and fails a longer minimum."""
    env = {".env.production": "DB_PASSWORD=k4v9q2m7x8z3w5\n"}
    assert _of(env, WEAK) == [(".env.production", 1, 13, "secrets/weak-password", "warning")]
    env[".pgrampart.yml"] = "secrets:\n  password_min_classes: '2'\n"
    assert _of(env, WEAK) == []
    env[".pgrampart.yml"] = "secrets:\n  password_min_classes: '2'\n  password_min_length: '16'\n"
    assert _of(env, WEAK) == [(".env.production", 1, 13, "secrets/weak-password", "warning")]


def test_weak_password_is_never_printed_whole():
    """The message names the setting and the reason, and shows the password redacted."""
    _, doc = findings_in({".env.production": "POSTGRES_PASSWORD=Winter2023\n"})
    msgs = [f["message"] for f in doc["findings"] if f["rule"] == "secrets/weak-password"]
    assert len(msgs) == 1 and "Winter2023" not in msgs[0] and "POSTGRES_PASSWORD" in msgs[0], msgs


def test_hostile_setting_names_stay_fast():
    """Setting names of 60,000 bytes are no setting the name lists know: the nested repetitions of the rule
    packs' patterns never run on them, and the real switch and password after them are still reported."""
    import time
    env = ("db_" * 20000 + "password=x\n" + "A_" * 30000 + "DB_SSL=false\n"
           "DB_HOST=db.example.com\nDB_SSL=false\nDB_PASSWORD=gdpr2024\n")
    start = time.monotonic()
    got = _of({".env.production": env}, TLS_RULES + WEAK)
    assert time.monotonic() - start < 10
    assert got == [(".env.production", 4, 8, "ssl/app-tls-disabled", "error"),
                   (".env.production", 5, 13, "secrets/weak-password", "warning")], got


def test_weak_password_in_manifests_and_charts():
    """A Kubernetes env list and Secret under production/, and a production values file's
    postgresql.auth.password (a key path of rules/secrets.yml database_password_paths), are read too; a
    Redis chart's auth.password is not a database's."""
    deploy = ("apiVersion: apps/v1\n"
              "kind: Deployment\n"
              "spec:\n"
              "  template:\n"
              "    spec:\n"
              "      containers:\n"
              "        - name: web\n"
              "          env:\n"
              "            - name: DB_PASSWORD\n"
              "              value: gdpr2024\n"                 # 10
              "---\n"
              "apiVersion: v1\n"
              "kind: Secret\n"
              "stringData:\n"
              "  POSTGRES_PASSWORD: postgres123\n")            # 15
    values = ("postgresql:\n"
              "  auth:\n"
              "    password: gdpr2024\n"                      # 3
              "    postgresPassword: 'Xk9#vTq2LmZ8w'\n"
              "redis:\n"
              "  auth:\n"
              "    password: abc\n")
    got = _of({"production/deploy.yaml": deploy, "values.prod.yaml": values}, WEAK)
    assert got == [("production/deploy.yaml", 10, 22, "secrets/weak-password", "warning"),
                   ("production/deploy.yaml", 15, 22, "secrets/weak-password", "warning"),
                   ("values.prod.yaml", 3, 15, "secrets/weak-password", "warning")], got
    _, doc = findings_in({"values.prod.yaml": values})
    assert any("postgresql.auth.password" in f["message"] for f in doc["findings"]
               if f["rule"] == "secrets/weak-password"), doc["findings"]


def test_top_level_production_directory_is_a_production_file():
    """A path that starts with production/ or prod/ is named for production like a deeper one: a
    placeholder there is placeholder-secret; staging/ is not production."""
    files = {"production/app.env": "JWT_SECRET=changeme\n", "prod/app.env": "AUTH_SECRET=your-auth-secret\n",
             "staging/app.env": "JWT_SECRET=changeme\n", "deploy/production/app.env": "JWT_SECRET=changeme\n"}
    got = _of(files, SECRET_RULES)
    assert got == [("deploy/production/app.env", 1, 12, "secrets/placeholder-secret", "error"),
                   ("prod/app.env", 1, 13, "secrets/placeholder-secret", "error"),
                   ("production/app.env", 1, 12, "secrets/placeholder-secret", "error")], got


def test_key_material_decoded_only_when_clearly_encoded():
    """64 hex digits and 44 padded base64 characters are 32 bytes; 32 hex digits 16 and padded base64 of
    40 characters 28 (weak); a 32-character alphanumeric secret is used as it is, 32 bytes (not weak), and
    so is url-safe base64 of 43 characters."""
    env = ("JWT_SECRET=" + _HEX_32 + "\n"                                   # 1 32 bytes
           "SESSION_SECRET=" + _HEX_32[:32] + "\n"                          # 2 16 bytes: weak
           "COOKIE_SECRET=" + _B64_32 + "\n"                                # 3 32 bytes
           "CSRF_SECRET=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Zw==\n"         # 4 28 bytes: weak
           "JWT_SIGNING_KEY=IVq3mKx7Tz0pLw9RbN4cYe2HsJ8uFa6D\n"             # 5 32 bytes as it is
           "SESSION_KEY=q2-Lm8_ZxT4vRk1bN7wYc0Ps5JhGd3Fa9Ue6Xo-Ri2M\n")  # 6 base64url: 32 bytes
    got = _of({".env.production": env}, SECRET_RULES)
    assert got == [(".env.production", 2, 16, "secrets/weak-secret", "warning"),
                   (".env.production", 4, 13, "secrets/weak-secret", "warning")], got
