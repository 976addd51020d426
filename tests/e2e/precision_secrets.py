"""End-to-end tests: Precision of the secrets and ssl rules on real repositories (issue 12, items 5 and 6):
generic secrets are key material, not names or templates; known formats skip placeholders and public demo
keys; a compose service is the compose network, like localhost; TLS options name their client."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

SECRET_RULES = ("secrets/generic-secret", "secrets/known-secret-format", "secrets/hardcoded-password")


def secret_findings(doc):
    return [(f["rule"], f["line"], f["severity"]) for f in doc["findings"] if f["rule"] in SECRET_RULES]


def test_generic_secret_is_not_a_name_or_template():
    """Identifiers, error codes, enum values, key and variable names, references and templates under
    secret-named keys (all seen on the corpus) are not secrets; key material under the same keys is."""
    names = {
        "src/errors.ts": "export const ACCESS_TOKEN_NOT_FOUND = 'access_token/access_token_not_found';\n"
                         "export const INVALID_CREDENTIALS = 'INVALID_CREDENTIALS';\n"
                         "export const READ_CLIENT_API_TOKEN = 'READ_CLIENT_API_TOKEN';\n"
                         "fetch(url, { credentials: 'same-origin' });\n"
                         "const tokenSecret = 'default:development.unleash-insecure-api-token';\n"
                         "const secret = `default:${env}.real-secret`;\n"
                         "const token = '0140e328-b187-4823-ae4b-ed4bec832ac2';\n",
        "values.yaml": "adminPasswordKey: postgres-password\n"
                       "api_token_env: CROWDIN_PERSONAL_TOKEN\n"
                       "token_endpoint_auth_method: client_secret_post\n"
                       "credentials_schema: \"#/components/schemas/Credentials\"\n"
                       "secret_template: \"{username}.{cluster}.credentials\"\n"
                       "db_password: \"{{ .Values.postgresql.password }}\"\n"
                       "REDIS_SECRET_ARN: !Ref RedisPasswordSecret\n"
                       "api_token: $(cat /run/secrets/token)\n",
    }
    _, doc = findings_in(names)
    assert secret_findings(doc) == [], doc["findings"]
    material = {
        "src/errors.ts": "export const ACCESS_TOKEN = 'N/ujM32DRtA6IytNvaazOX/5zac9nhsj1jnPqcxl1iA=';\n",
        "values.yaml": "adminPassword: DtUYwi&l5I1KX4@Le\nclientSecret: 7f3a9b2c1d8e4f60a1b2\n"
                       "SECRET_KEY: Qx8vN2mL7pR4tZ9wK3bH6jY1\n",
    }
    _, doc = findings_in(material)
    assert sorted(secret_findings(doc)) == [("secrets/generic-secret", 1, "warning"),
                                            ("secrets/generic-secret", 1, "warning"),
                                            ("secrets/generic-secret", 2, "warning"),
                                            ("secrets/generic-secret", 3, "warning")], doc["findings"]
    assert "N/ujM32DRtA6IytNvaazOX" not in json.dumps(doc)


def test_known_formats_skip_placeholders_and_demo_keys():
    """xoxb-my-bot-token, runs of one character, a PEM block with a stub body and the Supabase
    local-development JWTs are not leaks; the same formats with real-looking bodies are."""
    demo = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIs"
            "ImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU")
    _, doc = findings_in({"src/keys.ts": "const slack = 'xoxb-my-bot-token';\n"
                                         "const google = 'AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';\n"
                                         "const gl = 'glpat-####################';\n"
                                         "const pem = '-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----';\n"
                                         f"const serviceRole = '{demo}';\n"})
    assert secret_findings(doc) == [], doc["findings"]
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4"
    real_jwt = ("eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhY21lLXByb2QiLCJyb2xlIjoic2VydmljZSJ9."
                "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
    _, doc = findings_in({"src/keys.ts": "const slack = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp';\n"
                                         "const google = 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY';\n"
                                         "const gl = 'glpat-Zx9_Yw8-Vu7Ts6Rq5Po4';\n"
                                         f"const pem = '-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----';\n"
                                         f"const jwt = '{real_jwt}';\n"})
    assert [l for r, l, _ in secret_findings(doc) if r == "secrets/known-secret-format"] == [1, 2, 3, 4, 5], \
        doc["findings"]


def test_live_credential_in_test_file_keeps_error():
    """A provider-format credential in a test directory is still an error (report_flags
    KEEP_SEVERITY): path roles must not cap it.  Guards the capping helper "walk" wires."""
    _, doc = findings_in({"tests/fixtures/aws.ts": "const id = 'AKIAQZ4XLMN7PQRS2TUV';\n"})
    assert [(r, s) for r, _, s in secret_findings(doc)] == [("secrets/known-secret-format", "error")], doc


COMPOSE = """services:
  api:
    build: .
    environment:
      - DATABASE_URL=postgresql://postgres:testpass@{host}:5432/app
  app-db:
    image: postgres:16
"""


def test_compose_service_host_is_the_compose_network():
    """A single-label host that is a service of the same compose file is like localhost:
    local-dev-password (info), no missing-sslmode; the same URL to a server, or to a name the file
    does not declare, stays an error."""
    found, doc = findings_in({"docker-compose.yml": COMPOSE.format(host="app-db")})
    assert rules_of(found) == ["secrets/local-dev-password"], found
    msg = [f["message"] for f in doc["findings"]][0]
    assert "development password for a local server (the compose service app-db)" in msg, msg
    for host in ("db.example.com", "other-db"):
        found, _ = findings_in({"docker-compose.yml": COMPOSE.format(host=host)})
        assert rules_of(found) == ["secrets/hardcoded-password", "ssl/missing-sslmode"], (host, found)


def test_variable_host_is_not_remote():
    """$database_host and ${DB_HOST} are known only where the script runs: no missing-sslmode."""
    found, _ = findings_in({"scripts/db.sh": "export TEST_DATABASE_URL=postgres://postgres:$POSTGRES_PASSWORD"
                                             "@$database_host:5432/postgres\n"
                                             "export URL2=postgres://app@${DB_HOST}/app\n"})
    assert only(found, "ssl/missing-sslmode") == [], found
    found, _ = findings_in({"scripts/db.sh": "export URL2=postgres://app@db.example.com/app\n"})
    assert rules_of(found) == ["ssl/missing-sslmode"], found


def test_ci_and_same_file_passwords_are_local():
    """localhost in a CI workflow is the runner's service container; a password the same file
    gives the server (POSTGRES_PASSWORD) is that throwaway server's."""
    wf = ("jobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n"
          "      DATABASE_URL: postgresql://postgres:testpass@localhost:5432/app\n")
    found, _ = findings_in({".github/workflows/tests.yml": wf})
    assert rules_of(found) == ["secrets/local-dev-password"], found
    found, _ = findings_in({"deploy/app.yml": "env:\n  DATABASE_URL: postgresql://postgres:testpass@localhost/app\n"})
    assert rules_of(found) == ["secrets/hardcoded-password"], found


def test_tls_verification_names_the_client():
    """rejectUnauthorized: false is an ssl/ error for a PostgreSQL client only (and says so); a Redis
    or SMTP client's option is not this rule's."""
    found, doc = findings_in({"src/db.ts": "const pool = new Pool({ ssl: { rejectUnauthorized: false } });\n",
                              "src/prisma/prisma.service.ts": "function ssl() { return { rejectUnauthorized: false }; }\n",
                              "src/cache.ts": "const r = new Redis({ tls: { rejectUnauthorized: false } });\n",
                              "src/mailer/helper.ts": "const t = { tls: { rejectUnauthorized: false } };\n"})
    hits = [(f["path"], f["message"]) for f in doc["findings"] if f["rule"] == "ssl/tls-verification-disabled"]
    assert sorted(p for p, _ in hits) == ["src/db.ts", "src/prisma/prisma.service.ts"], hits
    assert all("PostgreSQL" in m for _, m in hits), hits


def test_pgpassword_substitution_is_not_hardcoded():
    """PGPASSWORD="$(< file)" / "${PGPASSWORD:-...}" are computed when the step runs."""
    found, _ = findings_in({"values.yaml": "command:\n  - /bin/bash\n  - -c\n"
                                           "  - PGPASSWORD=\"${PGPASSWORD:-$(< \"$PGPASSWORD_FILE\")}\" pg_dumpall\n",
                            "backup.sh": "export PGPASSWORD=\"$(cat /run/secrets/pg)\"\n"})
    assert only(found, "secrets/hardcoded-password") == [], found
    found, _ = findings_in({"backup.sh": "export PGPASSWORD=Zk9f2Lq8\n"})
    assert only(found, "secrets/hardcoded-password") != [], found


def test_weak_secret_skips_substitutions_and_fillers():
    """museum_jwt_secret=`gen_jwt_secret` is generated; "1234567890..." is a filler, not a key."""
    found, _ = findings_in({"quickstart.sh": "museum_jwt_secret=`gen_jwt_secret`\n",
                            "ci.yml": "env:\n  DATA_ENCRYPTION_KEY: \"12345678901234567890123456789012\"\n"})
    assert only(found, "secrets/weak-secret") == [], found
    found, _ = findings_in({"ci.yml": "env:\n  JWT_SECRET: \"dev-secret\"\n"})
    assert only(found, "secrets/weak-secret") != [], found


def test_openapi_example_is_not_a_secret():
    """A schema's example: value documents a format (Unleash's public-signup-tokens schema)."""
    schema = ("export const schema = { properties: { tokens: { example: [\n"
              "  { secret: 'a3c84b25409ea8ca1782ef17f94a42fc', name: 'Invite' } ] } } };\n")
    _, doc = findings_in({"src/openapi/spec/tokens-schema.ts": schema})
    assert secret_findings(doc) == [], doc["findings"]
    _, doc = findings_in({"src/config.ts": "export const c = { secret: 'a3c84b25409ea8ca1782ef17f94a42fc' };\n"})
    assert [r for r, _, _ in secret_findings(doc)] == ["secrets/generic-secret"], doc["findings"]
