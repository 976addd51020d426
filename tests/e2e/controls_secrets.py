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
    file or a variable is a development stack's; beside a remote one, or in a YAML mapping with no host,
    it is reported."""
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
    got = _of({"docker-compose.yml": compose, ".env": "PGHOST=127.0.0.1\nPGSSL=false\n"}, TLS_RULES)
    want = [("docker-compose.yml", 11, 22, "ssl/app-tls-disabled", "error"),
            ("docker-compose.yml", 18, 21, "ssl/app-tls-disabled", "error")]
    assert got == want, got


def test_app_tls_switch_capped_in_example_files():
    """An example file's switch is capped at info by its role, like every rule's."""
    got = _of({".env.example": "DB_HOST=db.example.com\nDB_SSL=false\n"}, TLS_RULES)
    assert got == [(".env.example", 2, 8, "ssl/app-tls-disabled", "info")], got
