"""End-to-end tests: see the comment above this module's list in tests/meson.build.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus
"""
from e2e import *  # noqa: F401,F403 — run, check_json, findings_in, write_tree, ARGS via e2e.ARGS
import e2e
import json
import os
import re
import subprocess
import tempfile

# One distinct secret per front-end and bad-input shape: a leak names its
# source.  Each is long enough that its first two bytes (what masking keeps)
# say nothing.
PLANTED = {
    "hba-ldap": "HbaLdapPw1234567",
    "hba-radius": "HbaRadiusSecret99",
    "hba-bad-line": "HbaBogusPw777777",
    "conf-unterminated": "ConfUntermPw5555",
    "conf-bad-line": "ConfBadLinePw321",
    "bouncer-conninfo": "BouncerConnPw888",
    "bouncer-bad-line": "BouncerBadPw4242",
    "sql-role-bogus": "SqlBogusPw8888888",
    "sql-role-unterminated": "SqlUntermPw6666",
    "sql-role-next-line": "SqlNextLinePw2323",
    "sql-mapping": "SqlMappingPw1717",
    "env-unclosed-url": "EnvUnclosedPw4444",
    "env-space-key": "EnvSpaceValue33333",
    "env-bad-name": "EnvBadNamePw9999",
    "yaml-unterminated": "YamlUntermPw1212",
    "yaml-flow": "YamlFlowPw343434",
    "shell-broken": "ShellBrokenPw5656",
    "js-broken": "JsBrokenSecret7878",
    "ts-url": "TsUrlPw90909090",
    "long-line": "LongLinePw246810",
    "pack-pattern": "ghp_Zq8vN2kLm4Rt6Yw1Xc3Vb5Nm7Lk9Jh0Gf2Dd",
    "multi-line-quoted": "MultiLinePwAAA\nMultiLinePwBBB",
    "url-slash": "UrlSl/ashPw?1357",
    "json-key": "JsonKeyPw97531",
    "sql-escape": "SqlEsc\\'apedPw",
}


def planted_tree():
    s = PLANTED
    return {
        "conf/pg_hba.conf":
            "host all all 10.0.0.0/8 ldap ldapserver=ldap.example.com ldapbinddn=\"cn=admin\" "
            f"ldapbindpasswd={s['hba-ldap']}\n"
            f"host all all 10.0.0.0/8 radius radiusservers=r.example.com radiussecrets={s['hba-radius']}\n"
            f"bogus line ldapbindpasswd={s['hba-bad-line']}\n",
        "conf/postgresql.conf":
            f"password_encryption = md5\nbogus line password = '{s['conf-bad-line']}' x\n"
            f"bogus {'y' * 380} password={s['long-line']}\n"
            f"bad a password='{s['multi-line-quoted']}' more\n"
            f"bad b postgres://u:{s['url-slash']}@host/db\n"
            f"bad c {{\"password\": \"{s['json-key']}\", \"user\": \"x\"}}\n"
            f"bad d ALTER ROLE r PASSWORD E'{s['sql-escape']}' VALID UNTIL 'infinity'\n"
            f"primary_conninfo = 'host=h password={s['conf-unterminated']}\n",
        "conf/pgbouncer.ini":
            "[databases]\n"
            f"app = host=db.example.com dbname=app password={s['bouncer-conninfo']}\n"
            "[pgbouncer]\nauth_type = plain\n"
            f"admin_password = '{s['bouncer-bad-line']}\n",
        "migrations/001_role.sql": f"CREATE ROLE x PASSWORD '{s['sql-role-bogus']}' BOGUS;\n",
        "migrations/002_role.sql": f"CREATE ROLE z\n  PASSWORD\n  '{s['sql-role-next-line']}' BOGUS;\n",
        "migrations/003_mapping.sql":
            f"CREATE USER MAPPING FOR u SERVER s OPTIONS (user 'u', password '{s['sql-mapping']}');\n",
        "migrations/004_role.sql": f"ALTER ROLE y PASSWORD '{s['sql-role-unterminated']};\n",
        ".env":
            f"DATABASE_URL=\"postgres://u:{s['env-unclosed-url']}@h/x\n",
        "b.env": f"API_SECRET {s['env-space-key']}\n",
        "c.env": f"1DB_PASSWORD={s['env-bad-name']}\n",
        "broken.yaml": f"a: [1, 2\npassword: \"{s['yaml-unterminated']}\n",
        "flow.yml": f"services: {{db: {{environment: {{PGPASSWORD: {s['yaml-flow']}, PGSSLMODE: disable}}}}}}\n",
        "deploy.sh": f"export PGPASSWORD={s['shell-broken']} && psql -h db.example.com ((( }}\n",
        "app.js": f"const c = {{ password: '{s['js-broken']}' }} ) ) ;;; {{\n",
        "app.ts": f"const url = \"postgres://app:{s['ts-url']}@db.example.com/app\";\n",
        "ci.yml": f"env:\n  GH_TOKEN: {s['pack-pattern']}\n  PGSSLMODE: disable # {s['pack-pattern']}\n",
    }


def test_secrets_masked_everywhere():
    """Every planted secret stays masked in every format, baseline and model dump, stdout and stderr."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, planted_tree())
        outputs = []
        for fmt in ("text", "json", "sarif", "github", "gitlab"):
            rc, out, err = run("check", "--format", fmt, "--fail-on", "info", ".", cwd=d)
            assert rc == 1, (fmt, rc, err)
            outputs += [(fmt, out), (fmt + " stderr", err)]
        base = os.path.join(d, "..", os.path.basename(d) + "-baseline.json")
        rc, out, err = run("check", "--write-baseline", base, ".", cwd=d)
        with open(base) as f:
            outputs += [("baseline", f.read()), ("baseline run", out + err)]
        os.unlink(base)
        rc, out, err = run("model", ".", cwd=d)
        outputs += [("model", out + err)]
        _, doc = check_json(".", cwd=d)
    # Each bad shape was reported (else the greps below prove nothing).
    found = {(f["rule"], f["path"]) for f in doc["findings"]}
    for want in [("conf/syntax-error", "conf/pg_hba.conf"), ("ssl/hba-host-without-ssl", "conf/pg_hba.conf"),
                 ("conf/syntax-error", "conf/postgresql.conf"), ("sql/syntax-error", "migrations/001_role.sql"),
                 ("sql/syntax-error", "migrations/002_role.sql"), ("sql/syntax-error", "migrations/004_role.sql"),
                 ("env/syntax-error", ".env"), ("env/syntax-error", "b.env"), ("env/syntax-error", "c.env"),
                 ("yaml/syntax-error", "broken.yaml"), ("shell/syntax-error", "deploy.sh"),
                 ("js/syntax-error", "app.js"), ("conf/syntax-error", "conf/pgbouncer.ini")]:
        assert want in found, (want, sorted(found))
    text = outputs[0][1]
    assert "HbaLdapPw1234567"[:2] in text and "ldapbindpasswd=Hb**" in text, text
    for name, out in outputs:
        for what, secret in PLANTED.items():
            secret = max(secret.split("\n"), key=len)
            assert secret not in out, f"{what} secret printed whole in {name}:\n" + \
                "\n".join(l for l in out.splitlines() if secret in l)
            assert secret[4:] not in out, f"tail of {what} secret printed in {name}"


def run_bytes(*args, cwd=None):
    """Run pgrampart; return (exit code, stdout bytes, stderr bytes)."""
    p = subprocess.run([e2e.ARGS.bin, *args], cwd=cwd, env=dict(os.environ, NO_COLOR="1"),
                       capture_output=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


# Names a hostile branch can choose: a newline then a workflow command or a
# fake diagnostic, terminal escapes (ESC and C1 CSI), DEL, a raw CR, a bidi
# override and bytes that are not UTF-8.
HOSTILE_NAMES = ["x\n::error file=README.md::owned", "y\nREADME.md:1:1: error: fake [x/y]",
                 "\x1b[2J\x1b]0;title\x07", "c1\u009b31m", "del\x7f\rcr", "bidi\u202egnp.sql"]


def hostile_tree(d):
    files = {}
    for i, name in enumerate(HOSTILE_NAMES):
        files[f"m{i}/{name}.sql"] = "GRANT SELECT ON t TO PUBLIC;\n"
    tables = "".join(f'CREATE TABLE "{n}" (id int, tenant_id int);\n' for n in HOSTILE_NAMES)
    files["migrations/001_hostile.sql"] = tables + "SELECT 1; -- \x1b[2J\x9b\n"
    files["migrations/001_hostile.down.sql"] = "".join(f'DROP TABLE "{n}";\n' for n in HOSTILE_NAMES)
    write_tree(d, files)
    with open(os.path.join(d, b"raw\xff\xfe.sql".decode("utf-8", "surrogateescape")), "wb") as f:
        f.write(b"GRANT SELECT ON u TO PUBLIC; -- \xff\x1b[31m\n")


def assert_no_raw_controls(what, out):
    for bad in (b"\x1b", b"\x07", b"\x7f", b"\r", b"\xc2\x9b", b"\xe2\x80\xae", b"\xff"):
        assert bad not in out, f"{what}: raw {bad!r} printed"


def test_output_escapes_control_characters():
    """Hostile file and table names inject no line, annotation or terminal escape in text and github output."""
    with tempfile.TemporaryDirectory() as d:
        hostile_tree(d)
        rc, doc = check_json(".", cwd=d)
        n = len(doc["findings"])
        named = [f for f in doc["findings"] if any(h.split("\n")[0] in (f["path"] or "") + f["message"]
                                                   for h in HOSTILE_NAMES)]
        assert len(named) >= 2 * len(HOSTILE_NAMES), doc["findings"]
        rc, text, err = run_bytes("check", "--format", "text", ".", cwd=d)
        assert rc == 1, err
        rc, gh, err = run_bytes("check", "--format", "github", ".", cwd=d)
        assert rc == 1, err
    assert_no_raw_controls("text", text)
    assert_no_raw_controls("github", gh)
    lines = text.split(b"\n")
    # One header per finding and nothing that looks like one besides.
    headers = [l for l in lines if re.match(rb"^\S.*:\d+:\d+: (error|warning|info): ", l)]
    assert len(headers) == n, b"\n".join(headers).decode("utf-8", "replace")
    assert not [l for l in lines if l.startswith(b"README.md") or l.startswith(b"::")], text
    assert b"x\\n::error file=README.md::owned" in text, text
    assert b"\\x1b[2J" in text and b"\\u009B31m" in text and b"\\xff\\xfe.sql" in text, text
    # GitHub: exactly one workflow command per finding, none of them the planted one.
    gl = [l for l in gh.split(b"\n") if l]
    assert len(gl) == n, gh
    assert all(re.match(rb"^::(error|warning|notice) (file=[^,:]*,line=\d+,col=\d+,endLine=\d+,"
                        rb"endColumn=\d+,)?title=[^:,]*::", l) for l in gl), gh
    assert not [l for l in gl if l.startswith(b"::error file=README.md")], gh
    assert b"file=m0/x\\n%3A%3Aerror file=README.md%3A%3Aowned.sql," in gh, gh
    # Error messages on stderr name paths too.
    rc, out, err = run_bytes("check", "no\nREADME.md:1:1: error: x\x1b[2J")
    assert rc == 2 and err.count(b"\n") == 1 and b"\x1b" not in err, err


def test_init_names_stay_in_comments():
    """pgrampart init writes found paths into comments: a newline in a name must not add a configuration key."""
    import yaml
    evil = "m\nplugin_dirs: [/tmp/evil]\nx"
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {f"{evil}/migrations/001_a.up.sql": "CREATE TABLE a (id int);\n",
                       f"{evil}/migrations/001_a.down.sql": "DROP TABLE a;\n",
                       "e\nrules: {x: off}\n.env": "X=1\n"})
        rc, out, err = run("init", cwd=d)
        assert rc == 0 and "1 migration set, 1 env file found" in out, out + err
        with open(os.path.join(d, ".pgrampart.yml"), "rb") as f:
            text = f.read()
    assert b"\x1b" not in text and b"plugin_dirs: [/tmp/evil]\\nx/migrations" in text, text
    # Every line is a comment (no policy names a tenant column: the rls section is commented).
    assert yaml.safe_load(text) is None, text


# (line, as a snippet shows it): what the masker hides, and what it leaves
# alone because it is not a secret (references, settings naming a file or
# a method, rule ids, code).
MASKER_SHAPES = [
    ("export PGPASSWORD=Shape1Secret99", "export PGPASSWORD=Sh************"),
    ("API_KEY hunter2hunter2", "API_KEY hu************"),
    ("url: https://admin:Shape2Secret88@api.example.com/v1", "url: https://admin:Sh************@api.example.com/v1"),
    ("x = \"host=db password='Shape3 Secret77' sslmode=require\"",
     "x = \"host=db password='Sh*************' sslmode=require\""),
    ("ALTER USER u WITH PASSWORD 'Shape4Secret66';", "ALTER USER u WITH PASSWORD 'Sh************';"),
    ("password: short", "password: *****"),
    ("const pw = { \"password\": \"Shape5Secret55\" };", "const pw = { \"password\": \"Sh************\" };"),
    ("ldapbindpasswd=\"Shape6 Secret44\" ldapport=636", "ldapbindpasswd=\"Sh*************\" ldapport=636"),
    ("password_encryption = md5", None),
    ("CREATE ROLE migrator LOGIN PASSWORD :'migrator_password';", None),
    ("DB_PASSWORD=${DB_PASSWORD}", None),
    ("secretName: app-db-credentials", None),
    ("POSTGRES_PASSWORD_FILE=/run/secrets/db", None),
    ("-- pgrampart-ignore secrets/hardcoded-password: fixture", None),
    ("UPDATE sessions SET logout_token = token;", None),
    ("const jwtSecret = process.env.JWT_SECRET || 'dev';", None),
    ("PWD=/home/app", None),
]


def test_masker_shapes():
    """Each line of a pg_hba.conf is a syntax error shown whole: the masker hides secrets, nothing else."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"pg_hba.conf": "".join(line + "\n" for line, _ in MASKER_SHAPES)})
        rc, out, err = run("check", ".", cwd=d)
    shown = [l[2:] for l in out.splitlines() if l.startswith("  ") and not l.startswith("  hint:")
             and l.strip() != "^"]
    assert shown == [want or line for line, want in MASKER_SHAPES], "\n".join(shown)


def test_plugin_log_masked_and_escaped():
    """What a plugin logs passes through the same masker and escaper as every other printed line:
    a plugin that logs each statement it reads prints neither a role's password nor a raw ESC."""
    secret = "plugin-log-s3cret-Xq81"
    with tempfile.TemporaryDirectory() as d:
        e2e.build_plugin(d, "-DLOG_SOURCE")
        write_tree(d, {"x/m.sql": f"CREATE ROLE app LOGIN PASSWORD '{secret}';\n"
                                  "CREATE TABLE \"t\x1b[2J\nfake.sql:1:1: error: y\" (id int);\n"})
        rc, out, err = run("check", "--plugin-dir", d, os.path.join(d, "x"))
        assert rc == 1, (rc, err)
        assert "CREATE ROLE app" in err, err
        assert secret not in out + err and "\x1b" not in out + err, err
        assert not any(line.startswith("fake.sql:1:1") for line in err.splitlines()), err
