"""End-to-end tests: recall of the secrets rules (issue 13, slice "tokens").
More provider token formats in rules/secrets.yml (GitLab's token families, Slack app, configuration and
workflow/trigger webhook tokens, OpenPGP private key blocks, Stripe restricted and test-mode keys), each with
true and false examples at exact positions (the gitleaks way), and the rule pack's patterns run on the string
literals of SQL: constants of any statement, the literals of PL/pgSQL bodies and DO blocks, passwords in
CREATE SERVER options and in connection strings (ALTER SYSTEM SET primary_conninfo)."""
import random

from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _rand(n, alphabet=_ALNUM, seed=13):
    """n deterministic random characters (no runs: key material, not a placeholder)."""
    rng = random.Random(seed * 1000 + n)
    return "".join(rng.choice(alphabet) for _ in range(n))


_HEX = "0123456789abcdef"
# (pattern id, the secret): each is written as K<i>=<secret> on line i + 1 of an env file.
TOKEN_POSITIVES = [
    ("gitlab-token", "glpat-" + _rand(20, _ALNUM + "_-", 1)),
    ("gitlab-token", "glpat-" + _rand(40, _ALNUM + "_-", 2) + ".01" + _rand(7, "abcdefghij0123456789", 2)),
    ("gitlab-token", "glpat-" + _rand(60, _ALNUM + "_-", 19) + ".01.0w" + _rand(7, "abcdefghij0123456789", 19)),
    ("gitlab-token", "gloas-" + _rand(64, _ALNUM + "_-", 20)),
    ("gitlab-token", "glrt-" + _rand(20, seed=3)),
    ("gitlab-token", "glrt-t1_" + _rand(30, seed=4) + ".01" + _rand(7, "abcdefghij0123456789", 4)),
    ("gitlab-token", "GR1348941" + _rand(20, seed=5)),
    ("gitlab-token", "glptt-" + _rand(40, _HEX, 6)),
    ("gitlab-token", "gldt-" + _rand(20, seed=7)),
    ("gitlab-token", "glsoat-" + _rand(20, seed=8)),
    ("gitlab-token", "glft-" + _rand(20, seed=9)),
    ("gitlab-token", "glimt-" + _rand(25, seed=10)),
    ("gitlab-token", "glagent-" + _rand(50, seed=11)),
    ("slack-token", "xapp-1-A0" + _rand(9, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 12) + "-4012345678901-" +
     _rand(64, _HEX, 12)),
    ("slack-token", "xoxe.xoxp-1-" + _rand(164, seed=13)),
    ("slack-token", "xoxe-1-" + _rand(146, seed=14)),
    ("slack-webhook", "https://hooks.slack.com/workflows/T01ABCDE2/A02BCDEF3/456789012345678901/" + _rand(24, seed=15)),
    ("slack-webhook", "http://hooks.slack.com/triggers/T01ABCDE2/5678901234567/" + _rand(32, _HEX, 16)),
    ("slack-webhook", "http://hooks.slack.com/services/T01ABCDE2/B02BCDEF3/" + _rand(24, seed=17)),
    ("stripe-live-key", "rk_live_51" + _rand(30, seed=18)),
]
# Lines that no pattern may report: short, placeholder-shaped or public forms of each family.
TOKEN_NEGATIVES = [
    "A=glpat-short", "B=glpat-xxxxxxxxxxxxxxxxxxxx", "C=glrt-" + _rand(19, seed=21),
    "D=GR1348941short", "E=glptt-" + _rand(40, "ghijklmnopqrstuvwxyz", 22), "F=glimt-" + _rand(20, seed=23),
    "G=glagent-" + _rand(49, seed=24), "H=glpat-" + _rand(21, seed=25), "I=gldt-your-deploy-token-here",
    "J=xapp-1-abc", "K=xoxe-1-short", "L=xoxe.xoxp-1-" + _rand(40, seed=26),
    "M=https://hooks.slack.com/workflows/your-webhook", "N=https://hooks.slack.com/triggers/T01ABCDE2/123/short",
    "O=-----BEGIN PGP PUBLIC KEY BLOCK-----", "P=-----BEGIN PGP SIGNATURE-----", "Q=rk_live_short",
    "R=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx", "S=sk_test_short", "T=rk_test_", "U=xapp-my-app-token",
    "V=gloas-" + _rand(40, seed=28), "W=glpat-" + _rand(40, seed=29) + ".01.short",
]


def _secret_findings(files, *extra):
    _, doc = findings_in(files, *extra)
    return sorted((f["path"], f["line"], f["column"], f["end_column"], f["rule"], f["severity"],
                   f["message"].rsplit("[", 1)[-1].rstrip("]")) for f in doc["findings"]
                  if f["rule"] in ("secrets/known-secret-format", "secrets/test-mode-key"))


def test_token_formats_at_exact_positions():
    """Each new provider format is reported under its pattern, at the secret's first and last byte."""
    lines = [f"K{i}={secret}" for i, (_, secret) in enumerate(TOKEN_POSITIVES)]
    got = _secret_findings({"app.env": "\n".join(lines) + "\n"})
    want = sorted(("app.env", i + 1, len(f"K{i}=") + 1, len(f"K{i}=") + len(secret), "secrets/known-secret-format",
                   "error", pattern) for i, (pattern, secret) in enumerate(TOKEN_POSITIVES))
    assert got == want, (got, want)


def test_token_formats_false_examples():
    """Short, placeholder-shaped and public forms of each family are not reported by any pattern; the true
    counterpart on the last line is."""
    real = "glrt-" + _rand(20, seed=27)
    got = _secret_findings({"app.env": "\n".join(TOKEN_NEGATIVES + ["Z=" + real]) + "\n"})
    n = len(TOKEN_NEGATIVES) + 1
    assert got == [("app.env", n, 3, 2 + len(real), "secrets/known-secret-format", "error", "gitlab-token")], got


def test_pgp_private_key_block():
    """An armored OpenPGP private key (its Version: header before the body) is a private key; a stub is not."""
    body = "\\n".join(_rand(64, _ALNUM + "+/", 30 + i) for i in range(3))
    key = f'PGP="-----BEGIN PGP PRIVATE KEY BLOCK-----\\nVersion: GnuPG v2\\n\\n{body}\\n' \
          '-----END PGP PRIVATE KEY BLOCK-----"\n'
    stub = 'PGP="-----BEGIN PGP PRIVATE KEY BLOCK-----\\n...\\n-----END PGP PRIVATE KEY BLOCK-----"\n'
    got = _secret_findings({"key.env": key, "stub.env": stub})
    assert got == [("key.env", 1, 6, 42, "secrets/known-secret-format", "error", "private-key")], got


def test_stripe_test_mode_key_is_a_warning():
    """sk_test_/rk_test_ are secrets/test-mode-key at warning (info in a test file: not live); a live key
    and a GitLab token keep error in the test file."""
    test_key, restricted, live = "sk_test_51" + _rand(30, seed=40), "rk_test_51" + _rand(30, seed=41), \
        "sk_live_51" + _rand(30, seed=42)
    gitlab = "glpat-" + _rand(20, seed=43)
    text = f"STRIPE_SECRET_KEY={test_key}\nSTRIPE_RESTRICTED={restricted}\nSTRIPE_LIVE={live}\nGL={gitlab}\n"
    got = _secret_findings({"src/app.env": text, "tests/fixture.env": text})
    rows = []
    for path, low in (("src/app.env", "warning"), ("tests/fixture.env", "info")):
        rows += [(path, 1, 19, 58, "secrets/test-mode-key", low, "stripe-test-key"),
                 (path, 2, 19, 58, "secrets/test-mode-key", low, "stripe-test-key"),
                 (path, 3, 13, 52, "secrets/known-secret-format", "error", "stripe-live-key"),
                 (path, 4, 4, 29, "secrets/known-secret-format", "error", "gitlab-token")]
    assert got == sorted(rows), got


def _sql_findings(sql):
    _, doc = findings_in({"db/migrations/001_a.sql": sql})
    return sorted((f["line"], f["column"], f["end_column"], f["rule"], f["severity"],
                   f["message"].rsplit("[", 1)[-1].rstrip("]") if "[" in f["message"] else "")
                  for f in doc["findings"] if f["rule"].startswith("secrets/"))


JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwiaWF0IjoxNzAwMDAwMDAwfQ." + _rand(43, seed=50)
STRIPE = "sk_live_51" + _rand(30, seed=51)
GITLAB = "glpat-" + _rand(20, seed=53)
HOOK = "https://hooks.slack.com/services/T01ABCDE2/B02BCDEF3/" + _rand(24, seed=52)


def test_secrets_in_sql_literals():
    """Rule-pack formats in SQL string literals (an INSERT, a PL/pgSQL DECLARE, a DO block, E'' strings, a
    quoted function body with doubled quotes) and passwords in CREATE SERVER options and ALTER SYSTEM
    conninfo, each at its bytes inside the literal."""
    sql = ("CREATE TABLE settings (name text, value text);\n"
           f"INSERT INTO settings VALUES ('stripe', '{STRIPE}');\n"
           "CREATE FUNCTION call_api() RETURNS void LANGUAGE plpgsql AS $$\n"
           "DECLARE\n"
           "  -- don't: the apostrophe of a comment opens no literal\n"
           f"  service_key text := '{JWT}';\n"
           "BEGIN\n  PERFORM 1;\nEND $$;\n"
           f"DO $$ BEGIN PERFORM set_config('app.hook', '{HOOK}', false); END $$;\n"
           "CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.internal.net', "
           "password 'Rm7-pQ2x-Lk9w');\n"
           "ALTER SYSTEM SET primary_conninfo = 'host=primary.internal.net user=replicator password=Zk5-wR3y-Mn6t';\n"
           f"SELECT E'key: {STRIPE}';\n"
           "CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS "
           f"'BEGIN RETURN length(''{GITLAB}''); END';\n")
    got = _sql_findings(sql)
    c_server = len("CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.internal.net', "
                   "password '") + 1
    c_conn = len("ALTER SYSTEM SET primary_conninfo = 'host=primary.internal.net user=replicator password=") + 1
    c_body = len("CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN length(''") + 1
    want = [(2, 41, 40 + len(STRIPE), "secrets/known-secret-format", "error", "stripe-live-key"),
            (6, 24, 23 + len(JWT), "secrets/known-secret-format", "error", "jwt"),
            (10, 45, 44 + len(HOOK), "secrets/known-secret-format", "error", "slack-webhook"),
            (11, c_server, c_server + 12, "secrets/hardcoded-password", "error", ""),
            (12, c_conn, c_conn + 12, "secrets/hardcoded-password", "error", ""),
            (13, 15, 14 + len(STRIPE), "secrets/known-secret-format", "error", "stripe-live-key"),
            (14, c_body, c_body + len(GITLAB) - 1, "secrets/known-secret-format", "error", "gitlab-token")]
    assert got == want, (got, want)


def test_sql_literals_without_secrets():
    """Placeholders, short or example tokens, Supabase's demo JWT, a local server's conninfo, a conninfo
    without a password and word-valued settings in SQL are not reported; the true counterpart (a GitLab
    token in a DO block, last line) is."""
    demo = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6"
            "MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU")
    sql = ("CREATE TABLE settings (name text, value text);\n"
           "INSERT INTO settings VALUES ('stripe', 'sk_live_short'), ('gitlab', 'glpat-xxxxxxxxxxxxxxxxxxxx'),\n"
           "  ('password', 'Hunter2-but-not-a-format'), ('token', 'api_token');\n"
           "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$\n"
           f"DECLARE k text := '{demo}';\n"
           "BEGIN RETURN 'sk_test_xxxxxxxxxxxxxxxxxxxxxxxx'; END $$;\n"
           "CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db', password 'changeme');\n"
           "ALTER SYSTEM SET primary_conninfo = 'host=localhost user=replicator password=Zk5-wR3y-Mn6t';\n"
           "ALTER SYSTEM SET primary_conninfo = 'host=primary.internal.net user=replicator';\n"
           "COMMENT ON TABLE settings IS 'holds xoxb-my-bot-token style names';\n"
           f"DO $$ BEGIN PERFORM set_config('app.gitlab', '{GITLAB}', false); END $$;\n")
    got = _sql_findings(sql)
    assert got == [(11, 47, 46 + len(GITLAB), "secrets/known-secret-format", "error", "gitlab-token")], got
