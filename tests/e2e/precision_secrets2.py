"""End-to-end tests: precision of the secrets rules on held-out repositories (issue 12, generalisation).
Classes found by held-out reviews A and B (nobody tuned pgrampart on those repositories); each test writes a
minimal reproduction and checks that the true-positive counterpart still fires."""
import json
import tempfile

from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def rule_lines(found, rule):
    return sorted((p, l) for r, p, l, _ in found if r == rule)


def severities(doc, rule):
    return sorted((f["path"], f["line"], f["severity"]) for f in doc["findings"] if f["rule"] == rule)


def test_weak_secret_skips_values_that_are_not_keys():
    """Booleans, cookie/header/parameter names, translation strings, word-shaped names under *_KEY and file
    paths are no signing keys (logto, dittofeed, authelia); a short key under JWT_SECRET still is weak."""
    names = {
        "src/hook.ts": "const guard = Hooks.createGuard.omit({ id: true, signingKey: true });\n"
                       "export const logtoCookieKey = '_logto';\n"
                       "export const SESSION_KEY = \"df-session-key\";\n"
                       "const CSRF_SECRET_COOKIE = 'csrfSecret';\n"
                       "const jwtHeaderName = 'x-jwt-token';\n"
                       "const jwtSecretParam = 'secret';\n",
        ".github/workflows/release.yml": "jobs:\n  r:\n    steps:\n      - with:\n"
                                         "          git_user_signingkey: true\n",
        "packages/phrases/src/locales/de/translation/tabs.ts":
            "const tabs = {\n  signing_keys: 'Signaturschl\u00fcssel',\n  cookie_key: 'OIDC Cookie-Schl\u00fcssel',\n"
            "  session_key: 'Sitzung',\n};\nexport default tabs;\n",
        "internal/deploy/compose.yml": "services:\n  authelia:\n    environment:\n"
                                       "      AUTHELIA_JWT_SECRET_FILE: '/tmp/authelia/StandaloneSuite/jwt'\n"
                                       "      JWT_SECRET: /run/secrets/jwt\n",
    }
    found, doc = findings_in(names)
    assert rule_lines(found, "secrets/weak-secret") == [], doc["findings"]
    assert rule_lines(found, "secrets/generic-secret") == [], doc["findings"]
    weak = {
        "src/config.ts": "export const jwtSecret = 'Xk9#2q';\n",
        "deploy/compose.yml": "services:\n  app:\n    environment:\n      JWT_SECRET: dev-secret\n"
                              "      SESSION_KEY: k3Y9x2\n",
    }
    found, doc = findings_in(weak)
    assert rule_lines(found, "secrets/weak-secret") == [("deploy/compose.yml", 4), ("deploy/compose.yml", 5),
                                                         ("src/config.ts", 1)], doc["findings"]


def test_generic_secret_skips_parameter_names_and_translations():
    """'g_csrf_token' names Google One Tap's parameter; a CJK sentence in a locale file is text. Key
    material under the same key is still a generic secret."""
    found, doc = findings_in({
        "src/types/social.ts": "export const googleOneTap = { csrfToken: 'g_csrf_token' };\n",
        "src/locales/zh-cn/signing-keys.ts": "export default { private_key: '\u79c1\u94a5\u5df2\u8f6e\u6362\u6210\u529f\u8bf7\u66f4\u65b0' };\n",
    })
    assert rule_lines(found, "secrets/generic-secret") == [], doc["findings"]
    found, doc = findings_in({"src/types/social.ts": "export const cfg = { csrfToken: 'q8Zr2mX7vK4pT9wN' };\n"})
    assert rule_lines(found, "secrets/generic-secret") == [("src/types/social.ts", 1)], doc["findings"]


def test_committed_env_file_skips_flags_and_public_variables():
    """NEXT_PUBLIC_AUTH_PASSWORD=true is a feature switch and a client bundle's variable (makerkit); a
    private secret value in the same tracked file is still reported."""
    public = ("NEXT_PUBLIC_SITE_URL=http://localhost:3000\nNEXT_PUBLIC_AUTH_PASSWORD=true\n"
              "NEXT_PUBLIC_AUTH_MAGIC_LINK=false\nSESSION_TOKEN_TTL=3600\nSMTP_PASSWORD=\n"
              "VITE_API_TOKEN=pk_4f9a2c7e1b\nREACT_APP_SECRET_NAME=x9Qz2\n")
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, {"apps/web/.env": public})
        _, doc = check_json(".", cwd=d)
        assert severities(doc, "secrets/committed-env-file") == [], doc["findings"]
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, {"apps/web/.env": public + "SUPABASE_SERVICE_ROLE_KEY_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n"})
        _, doc = check_json(".", cwd=d)
        assert severities(doc, "secrets/committed-env-file") == [("apps/web/.env", 1, "error")], doc["findings"]


def test_container_started_with_the_password_is_local():
    """A development database the same file starts (docker run -e POSTGRES_PASSWORD= in a .gitpod.yml
    task, a Taskfile command or a shell script) makes its 127.0.0.1 URL local-dev-password (logto); a URL
    whose password no container of the file is given stays hardcoded."""
    pw = "devpass1"
    url = f"postgres://postgres:{pw}@127.0.0.1:5432/app"
    gitpod = {".gitpod.yml": "tasks:\n  - name: Postgres\n    command: docker run -p 5432:5432 -e POSTGRES_USER=postgres"
                             f" -e POSTGRES_PASSWORD={pw} postgres:14-alpine\n  - name: App\n    env:\n"
                             f"      DB_URL: {url}\n"}
    tasks = {"Taskfile.yml": "tasks:\n  db:\n    cmds:\n"
                             f"      - docker run -d --env=POSTGRES_PASSWORD={pw} -p 5432:5432 postgres:16\n"
                             f"  test:\n    env:\n      DATABASE_URL: {url}\n"}
    script = {"scripts/dev-db.sh": f"docker run -d -p 5432:5432 -e \"POSTGRES_PASSWORD={pw}\" postgres:16\n"
                                   f"export DATABASE_URL={url}\n"}
    for files in (gitpod, tasks, script):
        found, doc = findings_in(files)
        assert rule_lines(found, "secrets/hardcoded-password") == [], doc["findings"]
        assert len(rule_lines(found, "secrets/local-dev-password")) == 1, doc["findings"]
        assert pw not in json.dumps(doc)
    other = f"postgres://postgres:Zk9f2Lq8x@127.0.0.1:5432/app"
    found, doc = findings_in({"Taskfile.yml": tasks["Taskfile.yml"].replace(url, other),
                              "scripts/dev-db.sh": script["scripts/dev-db.sh"].replace(url, other)})
    assert rule_lines(found, "secrets/hardcoded-password") == [("Taskfile.yml", 7), ("scripts/dev-db.sh", 2)], \
        doc["findings"]


def test_go_mysql_dsn_to_a_local_server_is_local():
    """mysql://root:secret@tcp(mysqld:3306)/ reaches the compose service mysqld, @(localhost:3306) a CI
    runner's container (hydra): local-dev-password (info); the same DSN to a remote host stays an error."""
    found, doc = findings_in({
        "quickstart-mysql.yml": "services:\n  app:\n    environment:\n"
                                "      - DSN=mysql://root:secret@tcp(mysqld:3306)/mysql?parseTime=true\n"
                                "  mysqld:\n    image: mysql:8.0\n    environment:\n      - MYSQL_ROOT_PASSWORD=secret\n",
        ".github/workflows/ci.yaml": "jobs:\n  test:\n    env:\n"
                                     "      TEST_DATABASE_MYSQL: \"mysql://root:secret@(localhost:3306)/mysql\"\n",
    })
    assert rule_lines(found, "secrets/known-secret-format") == [], doc["findings"]
    assert rule_lines(found, "secrets/local-dev-password") == [(".github/workflows/ci.yaml", 4),
                                                               ("quickstart-mysql.yml", 4)], doc["findings"]
    # A remote host, and cut-off DSNs (hostile input: the host is read up to the value's end, no further).
    found, doc = findings_in({"deploy.yml": "services:\n  app:\n    environment:\n"
                                            "      - DSN=mysql://root:Zk9f2Lq8x@tcp(db.example.net:3306)/app\n"
                                            "      - DSN2=mysql://root:Zk9f2Lq8x@tcp(\n"
                                            "      - DSN3=mysql://:Zk9f2Lq8x@\n"})
    assert severities(doc, "secrets/known-secret-format") == [("deploy.yml", 4, "error"), ("deploy.yml", 5, "error"),
                                                              ("deploy.yml", 6, "error")], doc["findings"]


def test_documentation_jwts_are_not_secrets():
    """jwt.io's demonstration token (any copy that keeps its signature), a JWT under an OpenAPI examples
    key, and one in an email template's PreviewProps (authelia) document a format; a JWT in a setting does
    not."""
    demo = ("eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiMTIzNDU2Nzg5MCIsICJuYW1lIjogIkpvaG4gRG9lIiwgImlh"
            "dCI6IDE1MTYyMzkwMjJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
    other = ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2huIiwiZXhwIjoxNjAwMDAwMDAwfQ."
             "c2lnbmF0dXJlX29mX2FfdGVzdF90b2tlbg")
    found, doc = findings_in({
        "api/openapi.yml": "openapi: 3.1.0\ncomponents:\n  schemas:\n    Token:\n      type: string\n"
                           f"      examples:\n        - '{other}'\n    Other:\n      example: '{other}'\n",
        "docs/jwt.ts": f"const SAMPLE = '{demo}';\n",
        "emails/reset.tsx": "export const ResetEmail = ({ link }) => null;\nResetEmail.PreviewProps = {\n"
                            f"  link: 'https://auth.example.com/reset?token={other}',\n}};\n",
    })
    assert rule_lines(found, "secrets/known-secret-format") == [], doc["findings"]
    found, doc = findings_in({"deploy/app.yml": f"env:\n  SERVICE_TOKEN: '{other}'\n"})
    assert rule_lines(found, "secrets/known-secret-format") == [("deploy/app.yml", 2)], doc["findings"]


def test_interpolation_default_is_a_literal():
    """${SECRET_KEY:-<key>} runs with <key> wherever SECRET_KEY is unset (dittofeed's self-hosting compose):
    the default is checked like a literal, at its own column; a bare ${SECRET_KEY} is a reference."""
    key = "DObouvbjzRofCW4f4BGsj2Vj1i3c/Yx8G+Ijf68ezk4="
    found, doc = findings_in({
        "docker-compose.lite.yaml": "x-env: &env\n  NODE_ENV: production\n"
                                    f"  SECRET_KEY: ${{SECRET_KEY:-{key}}}\n"
                                    "  JWT_SECRET: ${JWT_SECRET:-dev-secret}\n"
                                    "  DATABASE_URL: ${DATABASE_URL:-postgres://app:Zk9f2Lq8x@db.example.net/app}\n"
                                    "  API_TOKEN: ${API_TOKEN}\n"
                                    "services:\n  app:\n    image: app\n    environment:\n      <<: *env\n",
    })
    assert ("secrets/generic-secret", "docker-compose.lite.yaml", 3, 29) in found, doc["findings"]
    assert ("secrets/weak-secret", "docker-compose.lite.yaml", 4, 29) in found, doc["findings"]
    assert ("secrets/hardcoded-password", "docker-compose.lite.yaml", 5, 48) in found, doc["findings"]
    assert not [f for f in found if f[2] == 6], doc["findings"]
    assert key not in json.dumps(doc)


def test_generic_secret_skips_algorithm_names():
    """An OIDC client's id_token_encrypted_response_enc: A128CBC-HS256 names the algorithm that protects the
    token (authelia's docs and configs), not the token; key material under id_token is still reported."""
    cfg = ("identity_providers:\n  oidc:\n    clients:\n      - client_id: app\n"
           "        id_token_encrypted_response_enc: A128CBC-HS256\n        token_signing_alg: RS256-PS512x\n")
    found, doc = findings_in({"config/configuration.yml": cfg})
    assert rule_lines(found, "secrets/generic-secret") == [], doc["findings"]
    found, doc = findings_in({"config/configuration.yml": cfg + "        id_token: q8Zr2mX7vK4pT9wNa1\n"})
    assert rule_lines(found, "secrets/generic-secret") == [("config/configuration.yml", 7)], doc["findings"]
