#!/usr/bin/env python3
"""End-to-end tests of the pgrampart binary.

Usage: e2e.py TEST --bin PATH --source DIR [--corpus DIR]
Each TEST is one function below; meson runs them as separate tests.
A test fails by raising (assert) and prints what it compared.
"""
import argparse
import base64
import contextlib
import json
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ARGS = None

# Test modules beside this file (tests/e2e/<module>.py) do "from e2e import
# ..." and read e2e.ARGS: make that import find this very module, not a
# second copy whose ARGS is never set.
sys.modules.setdefault("e2e", sys.modules[__name__])


def run(*args, cwd=None, env=None):
    """Run pgrampart; return (exit code, stdout, stderr)."""
    e = dict(os.environ, NO_COLOR="1")
    if env:
        e.update(env)
    p = subprocess.run([ARGS.bin, *args], cwd=cwd, env=e, capture_output=True, text=True,
                       errors="replace", timeout=600)
    return p.returncode, p.stdout, p.stderr


def check_json(*args, cwd=None):
    """Run check --format json; return (exit code, parsed document)."""
    rc, out, err = run("check", "--format", "json", *args, cwd=cwd)
    assert rc in (0, 1), f"exit {rc}: {err}"
    return rc, json.loads(out)


def write_tree(root, files):
    for rel, text in files.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(p, mode) as f:
            f.write(text)


def findings_in(files, *extra):
    """Lint a temporary tree; return [(rule, path, line, column)] and the doc."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        _, doc = check_json(*extra, ".", cwd=d)
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in doc["findings"]], doc


def only(found, rule):
    return [f for f in found if f[0] == rule]


def rules_of(found):
    return sorted(r for r, *_ in found)


# --- whole-program behaviour -------------------------------------------------


def sarif_validator():
    tool = os.path.join(ARGS.source, ".tools", "node_modules", "@microsoft", "sarif-multitool-linux",
                        "Sarif.Multitool")
    if not os.access(tool, os.X_OK):
        print("SARIF validator not installed (./setup.sh installs it); skipping")
        sys.exit(77)
    return tool


def validate_sarif(tool, text):
    """Run Microsoft's validator; return its error and warning results."""
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "in.sarif"), os.path.join(d, "out.sarif")
        with open(src, "w") as f:
            f.write(text)
        p = subprocess.run([tool, "validate", src, "-o", out], capture_output=True, text=True,
                           env=dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1"))
        assert p.returncode == 0, p.stdout + p.stderr
        with open(out) as f:
            results = json.load(f)["runs"][0].get("results", [])
    return [(r["level"], r["ruleId"], r["message"].get("text", "")) for r in results
            if r.get("level") in ("error", "warning")]


def assert_valid_sarif_if_validator(text):
    """Validate text with Microsoft's SARIF validator when ./setup.sh installed it; else say it was skipped."""
    tool = os.path.join(ARGS.source, ".tools", "node_modules", "@microsoft", "sarif-multitool-linux",
                        "Sarif.Multitool")
    if os.access(tool, os.X_OK):
        problems = validate_sarif(tool, text)
        assert problems == [], problems
    else:
        print("SARIF validator not installed; schema validation skipped")


def git(d, *args):
    subprocess.run(["git", "-C", d, *args], check=True, capture_output=True, text=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                            GIT_COMMITTER_EMAIL="t@t"))


def git_repo(d, files):
    write_tree(d, files)
    git(d, "init", "-q", "-b", "main")
    git(d, "add", "-A")
    git(d, "commit", "-qm", "base")


BASE = {"db/migrations/001_a.sql": "CREATE TABLE a (id int);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"
                                   "CREATE POLICY p ON a USING (id = 1);\nCREATE TABLE legacy (id int);\n",
        "db/migrations/rollback/001_a.sql": "DROP TABLE legacy;\nDROP TABLE a;\n"}


# True and false positives per rule-pack pattern, the gitleaks way.
SECRET_CASES = [
    ("aws-access-key-id", "AWS_ACCESS_KEY_ID=AKIAQZ4XLMN7PQRS2TUV", "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX"),
    ("aws-secret-access-key", "AWS_SECRET_ACCESS_KEY=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",
     "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1"),
    ("github-token", "GH_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyzAB", "GH_TOKEN=ghp_short"),
    ("gitlab-token", "GL_TOKEN=glpat-abcdefghij1234567890", "GL_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx"),
    ("slack-token", "SLACK_BOT=xoxb-123456789012-abcdefghijkl", "SLACK_BOT=xoxb-"),
    ("slack-webhook", "HOOK=https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx",
     "HOOK=https://hooks.slack.com/services/your-webhook"),
    ("stripe-live-key", "STRIPE_KEY=sk_live_51Habcdefghijklmnopqrstuvwx", "STRIPE_KEY=sk_test_51Habcdefghijklmnopqrstuvwx"),
    ("google-api-key", "GOOGLE_KEY=AIzaSyA1234567890abcdefghijklmnopqrstuv", "GOOGLE_KEY=AIzaSyA123"),
    ("private-key", 'PEM="-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA"', 'PEM="-----BEGIN PUBLIC KEY-----"'),
    ("jwt", "TOKEN_SAMPLE=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "TOKEN_SAMPLE=eyJhbGciOiJIUzI1NiJ9"),
    ("database-url-password", "CACHE_URL=redis://default:Hunter2Hunter2@cache.example.com:6379",
     "CACHE_URL=redis://default:${REDIS_PASSWORD}@cache:6379"),
]


# More true and false positives per pattern, the gitleaks way: each line of the
# first list must be reported under exactly its pattern, no line of the second.
SECRET_MORE_POSITIVES = [
    ("aws-access-key-id", "AWS_KEY=ASIAY34FZKBOKMUTVV7A"),
    ("github-token", "TOKEN=gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("github-token", "PAT=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    ("gitlab-token", "CI_TOKEN=glpat-Zx9_Yw8-Vu7Ts6Rq5Po4"),
    ("slack-token", "SLACK=xoxp-2345678901-3456789012-abcdefABCDEF"),
    ("stripe-live-key", "RESTRICTED=rk_live_0123456789abcdefghijklmnop"),
    ("google-api-key", "MAPS=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
    ("private-key", 'SSH_KEY="-----BEGIN OPENSSH PRIVATE KEY-----"'),
    ("private-key", 'TLS_KEY="-----BEGIN PRIVATE KEY-----"'),
    ("database-url-password", "MYSQL_URL=mysql://root:S3cretPw1@mysql.example.com/db"),
    ("database-url-password", "MONGO_URL=mongodb+srv://app:Pa55word1@cluster0.mongo.net/db"),
    ("database-url-password", "AMQP_URL=amqps://user:R4bbitPw@mq.internal.net"),
]
SECRET_MORE_NEGATIVES = [
    "AWS_KEY=AKIA1234", "NOTE=AKIAQZ4XLMN7PQRS2TUVXY", "GH=ghp_0123456789", "GL=glpat-short",
    "SLACK=xoxb-abc", "STRIPE=sk_live_short", "GOOGLE=AIzaShort", "PEM=-----BEGIN CERTIFICATE-----",
    "JWT=eyJhbGciOiJIUzI1NiJ9.payload", "MYSQL_URL=mysql://root@mysql.internal.net/db",
    "MYSQL_URL=mysql://root:${MYSQL_PW}@db/x", "MYSQL_URL=mysql://user:pw-example@localhost/db",
    "REDIS_URL=redis://cache:6379/0",
]


MUTATION_TOKENS = [b"<<EOF\n", b"<<'SQL'\n", b"\nEOF\n", b'psql -c "', b"${", b"$(", b"`", b"&a ", b"*a",
                   b"<<: *a\n", b"- ", b": ", b"|\n", b"${{", b"}}", b"new Pool({", b"})", b"'", b'"', b"\\",
                   b"/*", b"*/", b"--", b";", b"(", b")", b"\xff", b"\xe2\x80\xa8", b"\n  ", b"\t", b"$$"]


def mutated_tree(d, per_file, seed):
    """Write per_file deterministic mutations of each of the samples' SQL, env, YAML, shell, TS and
    pg_hba files under d (one directory each, so names keep their kind); return how many."""
    rng = random.Random(seed)
    sources = [os.path.join(ARGS.source, "samples", rel) for rel in (
        "docker-compose.yml", "deploy/k8s/api.prod.yaml", "scripts/deploy.sh", "src/db.ts",
        "migrations/011_sessions.sql", ".env.production", "config/pg_hba.conf")]
    n = 0
    for src in sources:
        with open(src, "rb") as f:
            data = f.read()
        for _ in range(per_file):
            b = bytearray(data)
            for _ in range(rng.randint(1, 16)):
                pos = rng.randrange(len(b) + 1)
                if rng.random() < 0.3 and b:
                    del b[pos:pos + rng.randint(1, 6)]
                else:
                    b[pos:pos] = rng.choice(MUTATION_TOKENS)
            write_tree(d, {os.path.join(f"m{n}", os.path.basename(src)): bytes(b)})
            n += 1
    return n


def test_sanitizers():
    """An ASan/UBSan build (build/sanitize, -O0) runs the samples in every output format, every kind
    of bad input, mutated files, --staged and --diff-base in a git repository, a baseline written
    and read back, init, the model dump and the live audit without a report."""
    build = os.path.join(os.path.dirname(os.path.abspath(ARGS.bin)), "sanitize")
    if not os.path.exists(os.path.join(build, "build.ninja")):
        subprocess.run(["meson", "setup", build, ARGS.source, "-Db_sanitize=address,undefined",
                        "-Db_lundef=false", "--buildtype=debug"], check=True, capture_output=True)
    p = subprocess.run(["ninja", "-C", build], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-3000:]
    binary = os.path.join(build, "pgrampart")
    env = dict(os.environ, NO_COLOR="1", ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")

    def clean(args, cwd):
        p = subprocess.run([binary, *args], cwd=cwd, env=env, capture_output=True, text=True,
                           errors="replace", timeout=600)
        assert p.returncode in (0, 1) and "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, \
            (args, p.returncode, p.stderr[-3000:])

    formats = ("text", "json", "sarif", "github", "gitlab")
    for args in [["check", "--format", f, "samples"] for f in formats] + [
            ["model", "samples/migrations"], ["model", "samples"], ["explain", "--markdown"]]:
        clean(args, ARGS.source)
    # git: the index (--staged, with a working copy that differs) and a merge base
    # (--diff-base); then a baseline of that tree written and read back.
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, dict(BASE, **{".env": "DATABASE_URL=postgres://u:pw-0123456789@db.example.com/x\n"}))
        git(d, "checkout", "-q", "-b", "feature")
        write_tree(d, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO PUBLIC;\n",
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n",
                       ".env": "DATABASE_URL=postgres://u:pw-9876543210@db.example.com/y\nPGSSLMODE=disable\n"})
        git(d, "add", "-A")
        write_tree(d, {"db/migrations/002_b.sql": "GRANT ALL ON a TO PUBLIC;\n"})
        for f in formats:
            clean(["check", "--staged", "--format", f], d)
        git(d, "commit", "-qam", "change")
        for f in formats:
            clean(["check", "--diff-base", "main", "--format", f, "."], d)
        clean(["check", "--write-baseline", "baseline.json", "."], d)
        assert os.path.getsize(os.path.join(d, "baseline.json")) > 0
        write_tree(d, {"db/migrations/003_c.sql": "CREATE TABLE c (id int);\n"})
        for f in formats:
            clean(["check", "--baseline", "baseline.json", "--format", f, "."], d)
    # init writes a starter configuration that check then reads.
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, dict(BASE, **{".env.production": "PGSSLMODE=disable\n"}))
        clean(["init"], d)
        assert os.path.exists(os.path.join(d, ".pgrampart.yml"))
        clean(["check", "."], d)
    bomb = "a: &a [" + ",".join(["x"] * 9) + "]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"bomb.yml": bomb, "cycle.yml": "a: &a [*a]\n", "deep.yml": "[" * 3000 + "]" * 3000,
                       "broken.yaml": "a: [1\n", "deep.sql": "SELECT " + "1+" * 5000 + "1;\n",
                       "bad.sql": b"SELECT '\xff';\n", "bad.env": b"A=\xff\n", "bad.sh": b"echo \xff\n",
                       "bad.ts": b"const a = '\xff';\n", "broken.js": "const a = ;\nnew Pool({ ssl: false });\n",
                       "bin.sql": b"\x00\x01\x02", "empty.sh": "", "empty.yml": "",
                       "long.env": "X=" + "y" * (4 << 20) + "\n", "long.ts": "const s = '" + "y" * (4 << 20) + "';\n",
                       "deep.js": "const s = 'a'" + " + 'a'" * 6000 + ";\n", "deep.sh": "true" + " && true" * 6000})
        mutated_tree(os.path.join(d, "mutated"), 30, 9)
        clean(["check", "."], d)
    with samples_cluster() as c:
        if c is not None:
            clean(["audit", "--migrations", "samples/migrations", c.conninfo()], ARGS.source)
    # The hostile catalog too: a database whose owner planted lookalikes of what the audit calls.
    if c is not None:
        import sec_audit
        with sec_audit.hostile_database() as hc:
            for fmt in ("text", "github", "json"):
                clean(["audit", "--format", fmt, hc.conninfo(dbname="hostile")], ARGS.source)


# --- shared by the rule tests of model.py ------------------------------------


TENANT = "CREATE TABLE a (id int, tenant_id uuid);\nALTER TABLE a ENABLE ROW LEVEL SECURITY;\n"


# --- plugins -------------------------------------------------------------------

def build_plugin(out_dir, *defines):
    src = os.path.join(ARGS.source, "tests/plugins/example.c")
    inc = os.path.join(ARGS.source, "core/include")
    so = os.path.join(out_dir, "example.so")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden", "-Wl,-z,defs",
                    "-I", inc, *defines, src, "-o", so], check=True)
    return so


def host_abi():
    with open(os.path.join(ARGS.source, "core/include/pgrampart/plugin.h")) as f:
        for line in f:
            if line.startswith("#define PGR_ABI_VERSION "):
                return int(line.split()[2])
    raise AssertionError("no PGR_ABI_VERSION")


# --- live audit (throwaway PostgreSQL clusters) ------------------------------------

def cluster_module():
    sys.path.insert(0, os.path.join(ARGS.source, "tests", "pg"))
    import cluster
    try:
        cluster.pg_bin()
    except RuntimeError as e:
        print(e)
        sys.exit(77)
    return cluster


@contextlib.contextmanager
def samples_cluster():
    """A throwaway cluster loaded with the samples' migrations; None without PostgreSQL."""
    sys.path.insert(0, os.path.join(ARGS.source, "tests", "pg"))
    import cluster
    try:
        cluster.pg_bin()
    except RuntimeError:
        yield None
        return
    with cluster.Cluster() as c:
        load_samples(c)
        yield c


def load_samples(c):
    files = sorted(glob.glob(os.path.join(ARGS.source, "samples", "migrations", "0*.sql")))
    c.psql(None, files=files, variables={"app_web_password": "pw-one", "migrator_password": "pw-two"})


def audit(c, *extra, conninfo=None, env=None):
    rc, out, err = run("audit", "--format", "json", *extra, conninfo or c.conninfo(),
                       env=dict(env or {}, PGRAMPART_REPORT_QUERIES="1"))
    assert rc in (0, 1), f"exit {rc}: {err}"
    queries = int(re.search(r"pgrampart: (\d+) queries", err).group(1))
    return json.loads(out), queries


# Rules that judge the schema model: they must agree between check and audit.
MODEL_RULES = ["rls/table-without-rls", "rls/rls-without-policy", "rls/policy-without-rls",
               "rls/policy-always-true", "rls/policy-missing-with-check", "rls/multiple-permissive-policies",
               "rls/rls-not-forced", "rls/tenant-policy-not-scoped", "rls/policy-command-coverage",
               "rls/view-bypasses-rls", "grants/grant-to-public", "grants/grant-all-privileges",
               "grants/grant-with-grant-option", "grants/default-privileges-to-public",
               "grants/public-schema-create", "grants/role-superuser", "grants/role-bypassrls",
               "grants/role-createrole", "grants/role-policy", "grants/security-definer-search-path",
               "grants/function-execute-public", "extensions/extension-in-public"]


# --- real corpora ----------------------------------------------------------------

def corpus(name):
    path = os.path.join(ARGS.corpus, name)
    if not os.path.isdir(path):
        print(f"corpus {path} not found; skipping")
        sys.exit(77)
    return path


def corpus_doc(name):
    rc, out, err = run("check", "--format", "json", corpus(name))
    assert rc in (0, 1), f"exit {rc}: {err[-2000:]}"
    return json.loads(out)


def no_down(doc):
    return [f for f in doc["findings"] if f["rule"] == "rollback/missing-down" and "has no down" in f["message"]]


def test_valgrind():
    """No invalid access or leak on real input (memcheck)."""
    if shutil.which("valgrind") is None:
        print("valgrind not installed; skipping")
        sys.exit(77)
    names = ["LemmyNet__lemmy", "ory__kratos", "Tamarou__Registry", "PostgREST__postgrest",
             "flyisland__gitlab-ee"]
    targets = [os.path.join(ARGS.source, "samples")] + [corpus(n) for n in names]
    vg = ["env", "PGRAMPART_NO_JIT=1",    # valgrind cannot follow PCRE2's JIT code
          "valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "-q"]
    p = subprocess.run(vg + [ARGS.bin, "check", "--format", "json", *targets], capture_output=True, text=True,
                       timeout=1800)
    assert p.returncode in (0, 1), p.stderr[-4000:]
    # Reporters and the baseline filter (fingerprints mask secrets across findings).
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "base.json")
        for args in (["--format", "sarif"], ["--format", "gitlab"], ["--format", "markdown"], ["--format", "html"],
                     ["--write-baseline", base], ["--baseline", base]):
            p = subprocess.run(vg + [ARGS.bin, "check", *args, "samples"], cwd=ARGS.source, capture_output=True,
                               text=True, timeout=600)
            assert p.returncode in (0, 1), (args, p.stderr[-4000:])
    # The live audit too, as a superuser (every check) and as a plain role (skips).
    with samples_cluster() as c:
        if c is None:
            return
        c.psql("CREATE ROLE auditor LOGIN")
        for ci, fmt in ((c.conninfo(), "text"), (c.conninfo(user="auditor"), "text"), (c.conninfo(), "html")):
            p = subprocess.run(vg + [ARGS.bin, "audit", "--format", fmt, "--migrations",
                                     os.path.join(ARGS.source, "samples", "migrations"), ci],
                               capture_output=True, text=True, timeout=600)
            assert p.returncode in (0, 1), p.stderr[-4000:]


def find_test(name):
    """The test function name, here or in a module of tests/e2e/ (each area of tests keeps its own file)."""
    for mod in modules():
        if callable(getattr(mod, name, None)):
            return getattr(mod, name)
    raise SystemExit(f"no test named {name}")


# Tests that need more than the default 300 s, or the machine to themselves.
SLOW = {"valgrind": (1800, False), "sanitizers": (1800, True)}


def modules():
    """This file and every test module beside it, in name order."""
    here = os.path.dirname(os.path.abspath(__file__))
    mods = [sys.modules[__name__]]
    for path in sorted(glob.glob(os.path.join(here, "*.py"))):
        module = os.path.splitext(os.path.basename(path))[0]
        if module != "e2e":
            mods.append(__import__(module))
    return mods


def list_tests():
    """For meson (tests/meson.build collects the tests with this, no list by hand): a line per test,
    "NAME MESON_NAME TIMEOUT PARALLEL", in the order they are defined."""
    for mod in modules():
        for name, fn in vars(mod).items():
            if name.startswith("test_") and callable(fn) and fn.__module__ == mod.__name__:
                short = name[len("test_"):]
                timeout, parallel = getattr(mod, "SLOW", {}).get(short, (300, True))
                meson_name = short if short in getattr(mod, "SLOW", {}) else "e2e-" + short
                print(short, meson_name, timeout, "true" if parallel else "false")


def main():
    global ARGS
    if sys.argv[1:] == ["--list"]:
        list_tests()
        return
    if sys.argv[1:] == ["--files"]:
        print("\n".join(m.__file__ for m in modules()))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("test")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--corpus", default="")
    ARGS = ap.parse_args()
    ARGS.bin = os.path.abspath(ARGS.bin)
    find_test("test_" + ARGS.test)()
    print("ok", ARGS.test)


if __name__ == "__main__":
    main()
