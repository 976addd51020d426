"""A fixture per rule, as ruff's fixtures and snapshots: tests/rules/<family>/<rule>/ holds

  bad.<ext> or bad/     input that must produce the rule's findings;
  good.<ext> or good/   input that must produce none of them;
  expected              one line per finding of THIS rule in bad, "path:line:column severity",
                        sorted, compared exactly (the snapshot);
  config.yml            (optional) a .pgrampart.yml for the fixture, passed with --config;
  tracked-by-git        (optional) the copy is made a git repository with every file added,
                        for rules that read git's index (secrets/committed-env-file).

Each fixture directory is copied to a temporary directory (so that neither this repository's
git index nor its .gitignore takes part), and `pgrampart check --format json [--config
config.yml] bad...` runs there with the copy as the working directory; paths in expected are
therefore relative to the fixture directory.  Other rules' findings are ignored.
core/outside-root's bad/escape.sql is a symbolic link (git stores it as one; a checkout with
core.symlinks=false would turn it into a text file and fail that fixture).

To record the findings after a deliberate change, run with PGRAMPART_UPDATE_FIXTURES=1, e.g.
    PGRAMPART_UPDATE_FIXTURES=1 meson test -C build e2e-rule_fixtures
which rewrites every expected file; review the diff (`git diff tests/rules`) before committing:
each line is a claim about what the rule reports.

A rule that only a live audit can produce (it reads catalogs or compares them with the
migrations) has no fixture: it is listed in AUDIT_ONLY with the reason, and must be named in
an audit test of tests/e2e/.
"""
from e2e import *  # noqa: F401,F403
import e2e
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile

# Rules no static input can produce: each is asserted by an audit test in tests/e2e/e2e.py.
AUDIT_ONLY = {
    "drift/rls-state": "compares a live database with its migrations (audit --migrations)",
    "drift/table-missing": "compares a live database with its migrations (audit --migrations)",
    "drift/policy-missing": "compares a live database with its migrations (audit --migrations)",
    "drift/policy-extra": "compares a live database with its migrations (audit --migrations)",
    "drift/policy-changed": "compares a live database with its migrations (audit --migrations)",
    "drift/grant": "compares a live database with its migrations (audit --migrations)",
    "drift/role": "compares a live database with its migrations (audit --migrations)",
    "drift/column-missing": "compares a live database with its migrations (audit --migrations)",
    "drift/column-type": "compares a live database with its migrations (audit --migrations)",
    "drift/column-extra": "compares a live database with its migrations (audit --migrations)",
    "drift/index-missing": "compares a live database with its migrations (audit --migrations)",
    "drift/constraint-missing": "compares a live database with its migrations (audit --migrations)",
    "drift/constraint-extra": "compares a live database with its migrations (audit --migrations)",
    "drift/migration-not-applied": "compares a live database with its migrations (audit --migrations)",
    "core/check-skipped": "reported by audit when a catalog it needs is not readable",
    "verify/up-fails": "executes migrations on a server (verify --server; tests/e2e/verify_rollbacks.py)",
    "verify/down-fails": "executes migrations on a server (verify --server; tests/e2e/verify_rollbacks.py)",
    "verify/model-drift": "executes migrations on a server (verify; tests/e2e/verify_model_drift.py)",
    "verify/platform-prelude": "executes migrations on a server (verify; tests/e2e/verify_model_drift.py)",
    "verify/down-not-inverse": "executes migrations on a server (verify --server; tests/e2e/verify_rollbacks.py)",
    "verify/up-not-repeatable": "executes migrations on a server (verify --server; tests/e2e/verify_rollbacks.py)",
    "verify/extension-unavailable": "executes migrations on a server (verify; tests/e2e/verify_cluster.py)",
    "verify/tenant-leak": "probes a scratch database after the ups (verify --server; tests/e2e/verify_probes.py)",
    "verify/no-context-sees-rows": "probes a scratch database after the ups (verify --server; tests/e2e/verify_probes.py)",
    "verify/role-can": "probes a scratch database after the ups (verify --server; tests/e2e/verify_probes.py)",
    "verify/probe-skipped": "probes a scratch database after the ups (verify --server; tests/e2e/verify_probes.py)",
    "grants/superuser-login-roles": "needs rolsuper and rolcanlogin of a live catalog (pgr_model.is_live)",
    "auth/md5-password-hashes": "reads stored password hashes (pg_authid), only the live reader fills them",
    "roles/unlimited-connections": "needs a live catalog's login roles (pgr_model.is_live)",
    "settings/policy-unverified": "a live server that hides or lacks a setting the policy names (pg_settings)",
    "ssl/connection-not-encrypted": "judges the audit's own connection to the server",
}

UPDATE = os.environ.get("PGRAMPART_UPDATE_FIXTURES") == "1"


def rules_dir():
    return os.path.join(e2e.ARGS.source, "tests", "rules")


def listed_rules():
    """Every rule id `pgrampart rules` lists."""
    rc, out, err = run("rules")
    assert rc == 0, err
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def fixture_dirs():
    """{rule id: fixture directory} for every tests/rules/<family>/<rule>/."""
    out = {}
    for d in sorted(glob.glob(os.path.join(rules_dir(), "*", "*"))):
        if os.path.isdir(d):
            out[os.path.relpath(d, rules_dir())] = d
    return out


def inputs(d, kind):
    """The names of the bad or good input of a fixture: 'bad/' or 'bad.<ext>' (one of them)."""
    names = sorted(n for n in os.listdir(d) if n == kind or n.startswith(kind + "."))
    assert len(names) == 1, f"{d}: want one {kind}.<ext> or {kind}/, found {names}"
    return names


def findings_of(d, rule, kind):
    """Run check on a copy of fixture d's bad or good input; the rule's findings as expected lines."""
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "fixture")
        shutil.copytree(d, work, symlinks=True)
        if os.path.exists(os.path.join(work, "tracked-by-git")):
            genv = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
            subprocess.run(["git", "init", "-q", "."], cwd=work, check=True, env=genv)
            subprocess.run(["git", "add", "-A"], cwd=work, check=True, env=genv)
        args = ["check", "--format", "json"]
        if os.path.exists(os.path.join(work, "config.yml")):
            args += ["--config", "config.yml"]
        rc, out, err = run(*args, *inputs(work, kind), cwd=work)
    assert rc in (0, 1), f"{d} {kind}: exit {rc}: {err}"
    doc = json.loads(out)
    return sorted(f"{f['path']}:{f['line']}:{f['column']} {f['severity']}"
                  for f in doc["findings"] if f["rule"] == rule)


def test_rule_fixtures():
    """Each rule's bad input gives exactly its expected findings; its good input gives none."""
    failures = []
    for rule, d in fixture_dirs().items():
        got = findings_of(d, rule, "bad")
        path = os.path.join(d, "expected")
        if UPDATE:
            with open(path, "w") as f:
                f.write("".join(line + "\n" for line in got))
        want = open(path).read().splitlines() if os.path.exists(path) else []
        if got != want:
            failures.append("".join(difflib.unified_diff([w + "\n" for w in want], [g + "\n" for g in got],
                                                         f"{rule}/expected", f"{rule}/bad (found)")))
        if not want:
            failures.append(f"{rule}: expected is empty: the bad input must produce the rule\n")
        good = findings_of(d, rule, "good")
        if good:
            failures.append(f"{rule}: good input has findings:\n" + "".join(g + "\n" for g in good))
    assert not failures, "\n" + "\n".join(failures)


def test_every_rule_has_a_fixture():
    """Every listed rule has tests/rules/<rule>/ with bad, good and expected, or is audit-only and
    named in an audit test; no fixture belongs to a rule that does not exist."""
    rules = listed_rules()
    assert len(rules) > 50, rules
    fixtures = fixture_dirs()
    missing = [r for r in rules if r not in fixtures and r not in AUDIT_ONLY]
    assert not missing, f"rules without a fixture in tests/rules/: {missing}"
    for rule, d in fixtures.items():
        assert rule in rules, f"{d}: no rule {rule}"
        assert rule not in AUDIT_ONLY, f"{rule} has a fixture: drop it from AUDIT_ONLY"
        inputs(d, "bad")
        inputs(d, "good")
        assert os.path.isfile(os.path.join(d, "expected")), f"{d}: no expected"
    assert set(AUDIT_ONLY) <= set(rules), set(AUDIT_ONLY) - set(rules)
    here = os.path.dirname(os.path.abspath(__file__))
    text = ""
    for path in sorted(glob.glob(os.path.join(here, "*.py"))):
        if os.path.basename(path) != "rule_fixtures.py":
            text += open(path).read()
    unnamed = [r for r in AUDIT_ONLY if not re.search(r'"' + re.escape(r) + r'"', text)]
    assert not unnamed, f"audit-only rules no audit test names: {unnamed}"
