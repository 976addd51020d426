"""End-to-end tests (issue 14, checklist controls): the environment a team requires (`env:` in .pgrampart.yml, per
file pattern or path role) and the built-in check that a shadow or test database URL is not the main one."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

POL = "env/policy"
SHADOW = "env/shadow-database-is-main"

POLICY = """\
env:
  .env.production:
    NODE_ENV: {equals: production}
    DATABASE_URL: {host_matches: '*pooler*'}
    SPLIT_DB_MODE: {equals: "true"}
  production:
    LOG_LEVEL: {not_in: [debug]}
"""


def test_env_policy_per_file_pattern_and_role():
    """A file the pattern names is judged variable by variable: a missing one at line 1, a wrong value at the
    value, a URL whose host is not the pooler's; a path-role key judges every production file; not_in passes an
    unset variable; example files are not production."""
    found, doc = findings_in({
        ".pgrampart.yml": POLICY,
        "deploy/.env.production": "NODE_ENV=development\n"
                                  "DATABASE_URL=postgres://app:S3cretPw@db.example.com/app?sslmode=require\n"
                                  "LOG_LEVEL=debug\n",
        "ok/.env.production": "NODE_ENV=production\nSPLIT_DB_MODE=TRUE\n"
                              "DATABASE_URL=postgres://app@pooler.example.com:6543/app?sslmode=require\n",
        ".env.example": "NODE_ENV=development\nLOG_LEVEL=debug\n"})
    assert only(found, POL) == [
        (POL, "deploy/.env.production", 1, 1),     # SPLIT_DB_MODE missing
        (POL, "deploy/.env.production", 1, 10),    # NODE_ENV development
        (POL, "deploy/.env.production", 2, 14),    # host db.example.com, not the pooler
        (POL, "deploy/.env.production", 3, 11),    # LOG_LEVEL debug in a production file
    ], found
    msgs = sorted(f["message"] for f in doc["findings"] if f["rule"] == POL)
    assert "SPLIT_DB_MODE is not set (policy .pgrampart.yml:5)" in msgs, msgs
    assert any("its host db.example.com does not match *pooler*" in m for m in msgs), msgs
    assert "S3cretPw" not in json.dumps(doc)


def test_env_policy_reads_yaml_environments():
    """The same policy judges a Kubernetes manifest's container env (a pattern on the path)."""
    manifest = ("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
                "        - name: api\n          env:\n            - name: NODE_ENV\n              value: development\n")
    found, _ = findings_in({".pgrampart.yml": "env:\n  'deploy/*.yaml':\n    NODE_ENV: {equals: production}\n",
                            "deploy/api.yaml": manifest,
                            "deploy/ok.yaml": manifest.replace("development", "production")})
    assert only(found, POL) == [(POL, "deploy/api.yaml", 10, 22)], found


def test_shadow_database_is_main():
    """SHADOW_DATABASE_URL / TEST_DATABASE_URL naming the main DATABASE_URL's host, port and database is an error at
    the shadow value (host case and the default port do not hide it); another database, a local or compose-service
    host (a throwaway database) and DIRECT_URL (the main database without the pooler, by design) are not."""
    found, doc = findings_in({
        "a/.env": "DATABASE_URL=postgres://app:pw@db.example.com/app?sslmode=require\n"
                  "SHADOW_DATABASE_URL=postgres://app:pw@DB.example.com:5432/app?sslmode=require\n"
                  "DIRECT_URL=postgres://app:pw@db.example.com/app?sslmode=require\n",
        "b/.env": "DATABASE_URL=postgres://app@db.example.com/app?sslmode=require\n"
                  "SHADOW_DATABASE_URL=postgres://app@db.example.com/app_shadow?sslmode=require\n"
                  "TEST_DATABASE_URL=postgres://app@db.example.com:6543/app?sslmode=require\n",
        "c/.env": "DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres\n"
                  "TEST_DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres\n",
        "d/docker-compose.yml": "services:\n  db:\n    image: postgres:16\n  api:\n    environment:\n"
                               "      DATABASE_URL: postgres://app@db/app\n      TEST_DATABASE_URL: postgres://app@db/app\n"})
    assert only(found, SHADOW) == [(SHADOW, "a/.env", 2, 21)], found
    msg = [f["message"] for f in doc["findings"] if f["rule"] == SHADOW][0]
    assert msg == ("SHADOW_DATABASE_URL names the same database as DATABASE_URL (app): resetting it wipes the "
                   "main database"), msg


def test_env_policy_config_mistakes_exit_2():
    """A policy that is not pattern → variable → tests is a configuration error with its position."""
    for text, where in [("env:\n  .env.production:\n    NODE_ENV: production\n", ":3:15:"),
                        ("env:\n  .env.production:\n    NODE_ENV: {equal: production}\n", ":3:16:")]:
        with tempfile.TemporaryDirectory() as d:
            write_tree(d, {".pgrampart.yml": text, ".env.production": "NODE_ENV=production\n"})
            rc, out, err = run("check", ".", cwd=d)
        assert rc == 2 and where in err, (text, rc, err)
