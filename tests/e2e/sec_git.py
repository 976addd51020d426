"""End-to-end tests: see the comment above this module's list in tests/meson.build.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus
"""
from e2e import *  # noqa: F401,F403 — run, check_json, findings_in, write_tree, ARGS via e2e.ARGS
import e2e

import json
import os
import subprocess
import sys
import tempfile
import time

GRANT = "GRANT SELECT ON a TO PUBLIC;\n"
STAGED = [("grants/grant-to-public", "db/migrations/003_c.sql")]
SECRET_ENV = "API_HOST=api.example.com\nSTRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n"


def git_out(d, *args, stdin=None):
    """git in d (the test's own tooling, not pgrampart); its stdout, stripped."""
    p = subprocess.run(["git", "-C", d, *args], input=stdin, check=True, capture_output=True,
                       env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
                                GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t"))
    return p.stdout.strip()


def feature_repo(d):
    """main: BASE and a committed .env.production; feature: a new grant, committed; then a staged
    grant and an unstaged edit.  Returns the findings each mode must give."""
    e2e.git_repo(d, dict(e2e.BASE, **{".env.production": SECRET_ENV}))
    e2e.git(d, "checkout", "-q", "-b", "feature")
    write_tree(d, {"db/migrations/002_b.sql": GRANT,
                   "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n"})
    e2e.git(d, "add", "-A")
    e2e.git(d, "commit", "-qm", "feature")
    write_tree(d, {"db/migrations/003_c.sql": "GRANT INSERT ON a TO PUBLIC;\n",
                   "db/migrations/rollback/003_c.sql": "REVOKE INSERT ON a FROM PUBLIC;\n"})
    e2e.git(d, "add", "-A")
    # Unstaged: the working copy differs from the index (git would refresh, filter, ask fsmonitor).
    write_tree(d, {"db/migrations/003_c.sql": "SELECT 1;\n", "db/migrations/001_a.sql":
                   e2e.BASE["db/migrations/001_a.sql"] + "-- edited\n"})


def plant_hostile_config(d, markers):
    """Every way a repository's own config makes the git program run a command, each writing a
    marker file into markers/ when run."""
    os.makedirs(markers, exist_ok=True)

    def script(name):
        path = os.path.join(d, ".hostile", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(f"#!/bin/sh\ntouch '{markers}/{name}'\ncat\n")
        os.chmod(path, 0o755)
        return path

    hooks = os.path.join(d, ".hostile", "hooks")
    os.makedirs(hooks, exist_ok=True)
    for hook in ("pre-commit", "post-checkout", "post-index-change", "reference-transaction",
                 "pre-auto-gc", "fsmonitor-watchman", "post-merge", "pre-push"):
        with open(os.path.join(hooks, hook), "w") as f:
            f.write(f"#!/bin/sh\ntouch '{markers}/hook-{hook}'\n")
        os.chmod(os.path.join(hooks, hook), 0o755)
    with open(os.path.join(d, ".gitattributes"), "w") as f:
        f.write("* filter=x diff=x\n")
    with open(os.path.join(d, ".git", "config"), "a") as f:
        f.write(f"[core]\n\tfsmonitor = {script('fsmonitor')}\n\thooksPath = {hooks}\n"
                f"\tpager = {script('pager')}\n\tuntrackedCache = true\n"
                f"[diff]\n\texternal = {script('diff-external')}\n"
                f"[diff \"x\"]\n\ttextconv = {script('textconv')}\n\tcommand = {script('diff-command')}\n"
                f"[filter \"x\"]\n\tclean = {script('clean')}\n\tsmudge = {script('smudge')}\n"
                f"\tprocess = {script('process')}\n"
                f"[pager]\n\tdiff = {script('pager-diff')}\n")


def findings(doc):
    return sorted((f["rule"], f["path"]) for f in doc["findings"])


def test_hostile_git_config_runs_nothing():
    """A repository's own .git/config (fsmonitor, hooks, external diff, filters, pager) runs nothing
    under --staged, --diff-base or the tracked-file lookup, and the findings stay right."""
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as markers:
        feature_repo(d)
        plant_hostile_config(d, markers)
        rc, doc = check_json("--staged", cwd=d)
        assert findings(doc) == STAGED, doc
        assert os.listdir(markers) == [], ("--staged ran", os.listdir(markers))
        rc, doc = check_json("--diff-base", "main", "db", cwd=d)
        got = findings(doc)
        assert ("grants/grant-to-public", "db/migrations/002_b.sql") in got, got
        assert all(p != "db/migrations/001_a.sql" for _, p in got), got
        assert os.listdir(markers) == [], ("--diff-base ran", os.listdir(markers))
        rc, doc = check_json(".", cwd=d)
        hits = [f["path"] for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"]
        assert hits == [".env.production"], doc["findings"]
        assert os.listdir(markers) == [], ("the tracked lookup ran", os.listdir(markers))


def test_git_not_on_path():
    """--staged, --diff-base and the tracked lookup work with no git program at all."""
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as empty:
        feature_repo(d)
        env = {"PATH": empty}
        rc, out, err = run("check", "--format", "json", "--staged", cwd=d, env=env)
        assert rc == 1, err
        assert findings(json.loads(out)) == STAGED, out
        rc, out, err = run("check", "--format", "json", "--diff-base", "main", "db", cwd=d, env=env)
        assert rc == 1, err
        got = findings(json.loads(out))
        assert ("grants/grant-to-public", "db/migrations/002_b.sql") in got, got
        assert ("rls/table-without-rls", "db/migrations/001_a.sql") not in got, got
        rc, out, err = run("check", "--format", "json", ".", cwd=d, env=env)
        hits = [f["path"] for f in json.loads(out)["findings"] if f["rule"] == "secrets/committed-env-file"]
        assert hits == [".env.production"], out
        # From a subdirectory: paths relative to it, the index still wins.
        rc, out, err = run("check", "--format", "json", "--staged", cwd=os.path.join(d, "db"), env=env)
        assert findings(json.loads(out)) == [("grants/grant-to-public", "migrations/003_c.sql")], out


def mktree(d, entries):
    """Write a tree object with exactly these (mode, name, sha) entries, unvalidated, as a
    crafted or corrupt repository would hold."""
    raw = b"".join(mode.encode() + b" " + name.encode() + b"\0" + bytes.fromhex(sha)
                   for mode, name, sha in entries)
    return git_out(d, "hash-object", "-t", "tree", "--literally", "-w", "--stdin", stdin=raw).decode()


def blob(d, data):
    return git_out(d, "hash-object", "-w", "--stdin", stdin=data.encode()).decode()


def test_diff_base_tree_stays_inside():
    """A base tree's links, '..', '.git' and doubled names neither read nor write outside the
    temporary copy, and a link is not the file it points to."""
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as outside, \
            tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as markers:
        with open(os.path.join(outside, "evil.sql"), "w") as f:
            f.write(GRANT)
        # A plain link, committed with git: the base's copy must not read through it.
        e2e.git_repo(d, {"README": "x\n"})
        os.makedirs(os.path.join(d, "db"))
        os.symlink(os.path.join(outside, "evil.sql"), os.path.join(d, "db", "001.sql"))
        e2e.git(d, "add", "-A")
        e2e.git(d, "commit", "-qm", "link")
        e2e.git(d, "checkout", "-q", "-b", "feature")
        os.unlink(os.path.join(d, "db", "001.sql"))
        write_tree(d, {"db/001.sql": GRANT})
        e2e.git(d, "add", "-A")
        e2e.git(d, "commit", "-qm", "file")
        rc, doc = check_json("--diff-base", "main", "db", cwd=d)
        # At the base 001.sql is a link (to a file holding the same grant), not this file: new.
        assert findings(doc) == [("grants/grant-to-public", "db/001.sql")], doc["findings"]
        os.makedirs(os.path.join(outside, "dir"))
        planted = blob(d, "GRANT ALL ON a TO PUBLIC;\n")
        link_file = blob(d, os.path.join(outside, "evil.sql"))
        link_dir = blob(d, os.path.join(outside, "dir"))
        hostile_cfg = blob(d, f"[core]\n\tfsmonitor = touch {markers}/fsmonitor\n")
        dotgit = mktree(d, [("100644", "config", hostile_cfg), ("100644", "HEAD", blob(d, "ref: refs/heads/x\n"))])
        escape = "escape-%d.sql" % os.getpid()
        up = mktree(d, [("100644", escape, planted)])
        sub = mktree(d, [("100644", "escape.sql", planted)])
        # Links first, then a tree of the same name: an extractor that follows the link writes outside.
        db = mktree(d, [("120000", "001.sql", link_file), ("120000", "sub", link_dir), ("040000", "sub", sub)])
        root = mktree(d, [("040000", "..", up), ("040000", ".git", dotgit), ("040000", ".GIT", dotgit),
                          ("100644", "README", blob(d, "x\n")), ("040000", "db", db)])
        base = git_out(d, "commit-tree", root, "-m", "crafted").decode()
        e2e.git(d, "branch", "-f", "crafted", base)
        e2e.git(d, "checkout", "-q", "-b", "feature2")
        write_tree(d, {"db/sub/escape.sql": "GRANT ALL ON a TO PUBLIC;\n"})
        e2e.git(d, "add", "-A")
        e2e.git(d, "commit", "-qm", "feature")
        # Now a crafted base (git itself refuses to build it): make it feature2's merge base.
        e2e.git(d, "reset", "-q", "--soft", base)
        e2e.git(d, "commit", "-qm", "feature on crafted")
        before = sorted(os.listdir(outside))
        rc, out, err = run("check", "--format", "json", "--diff-base", "crafted", "db", cwd=d,
                           env={"TMPDIR": tmp})
        assert rc == 1, err
        got = findings(json.loads(out))
        assert ("grants/grant-to-public", "db/001.sql") in got, got
        assert sorted(os.listdir(outside)) == before and os.listdir(os.path.join(outside, "dir")) == [], \
            "wrote outside"
        assert os.listdir(markers) == [], os.listdir(markers)
        assert os.listdir(tmp) == [], ("temporary copy left behind", os.listdir(tmp))
        for parent in (os.path.dirname(tmp), "/tmp", d):
            assert not os.path.exists(os.path.join(parent, escape)), parent
        # The base's tree 'sub' was copied (not the link of the same name): its grant is old.
        assert ("grants/grant-to-public", "db/sub/escape.sql") not in got, got


def test_diff_base_paths_outside_the_tree():
    """A path named absolutely, or through '..', has no base copy: its findings are new, never all
    hidden because the live file was read as the base."""
    with tempfile.TemporaryDirectory() as d:
        e2e.git_repo(d, e2e.BASE)
        e2e.git(d, "checkout", "-q", "-b", "feature")
        write_tree(d, {"db/migrations/002_b.sql": GRANT,
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n"})
        e2e.git(d, "add", "-A")
        e2e.git(d, "commit", "-qm", "feature")
        for path, cwd in ((os.path.join(d, "db"), d), ("../db", os.path.join(d, "db", "migrations", "..", "..",
                                                                             "db"))):
            rc, doc = check_json("--diff-base", "main", path, cwd=cwd)
            rules = [f["rule"] for f in doc["findings"]]
            assert "grants/grant-to-public" in rules, (path, doc["findings"])


def test_diff_base_committed_env_file_already_at_base():
    """A tracked env file that was already committed at the merge base is not new."""
    with tempfile.TemporaryDirectory() as d:
        e2e.git_repo(d, dict(e2e.BASE, **{".env.production": SECRET_ENV}))
        e2e.git(d, "checkout", "-q", "-b", "feature")
        write_tree(d, {"config/.env.staging": SECRET_ENV})
        e2e.git(d, "add", "-A")
        e2e.git(d, "commit", "-qm", "feature")
        rc, doc = check_json("--diff-base", "main", ".", cwd=d)
        hits = [f["path"] for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"]
        assert hits == ["config/.env.staging"], doc["findings"]
        # The same with the temporary copy reached through a link ($TMPDIR -> elsewhere).
        with tempfile.TemporaryDirectory() as tmp:
            os.symlink(tmp, os.path.join(tmp + "-link"))
            try:
                rc, out, err = run("check", "--format", "json", "--diff-base", "main", ".", cwd=d,
                                   env={"TMPDIR": tmp + "-link"})
            finally:
                os.unlink(tmp + "-link")
            hits = [f["path"] for f in json.loads(out)["findings"] if f["rule"] == "secrets/committed-env-file"]
            assert hits == ["config/.env.staging"], out
            assert os.listdir(tmp) == [], os.listdir(tmp)


def test_staged_under_commit_all_hook():
    """A git pre-commit hook under `git commit -a` checks the temporary index git names in
    GIT_INDEX_FILE (what is being committed), as the git program did."""
    with tempfile.TemporaryDirectory() as d:
        e2e.git_repo(d, dict(e2e.BASE, **{"db/migrations/002_b.sql": "SELECT 1;\n",
                                          "db/migrations/rollback/002_b.sql": "SELECT 1;\n"}))
        hook = os.path.join(d, ".git", "hooks", "pre-commit")
        with open(hook, "w") as f:
            f.write(f"#!/bin/sh\nexec '{os.path.abspath(e2e.ARGS.bin)}' check --staged\n")
        os.chmod(hook, 0o755)
        write_tree(d, {"db/migrations/002_b.sql": GRANT,
                       "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n"})
        p = subprocess.run(["git", "-C", d, "commit", "-a", "-qm", "grant"], capture_output=True, text=True,
                           env=dict(os.environ, NO_COLOR="1", GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
                                    GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t"))
        assert p.returncode != 0 and "grants/grant-to-public" in p.stdout + p.stderr, p.stdout + p.stderr


def test_repository_owned_by_another_user():
    """A checkout owned by another uid (a CI container over the runner's workspace) is read: git's
    safe.directory check guards against config that runs commands, and pgrampart runs none."""
    if os.geteuid() != 0:
        print("needs root to hand the repository to another user; skipping")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d:
        feature_repo(d)
        for root, dirs, files in os.walk(d):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), 65534, 65534)
        os.lchown(d, 65534, 65534)
        rc, doc = check_json("--staged", cwd=d)
        assert findings(doc) == STAGED, doc
        rc, doc = check_json("--diff-base", "main", "db", cwd=d)
        assert ("grants/grant-to-public", "db/migrations/002_b.sql") in findings(doc), doc


def test_tracked_lookup_scales():
    """Which of 3,000 env files in 3,000 directories git tracks is one index read, not a lookup per
    directory (it was a git process each: about 11 s)."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {f"d{i}/.env": "API_HOST=h\nSTRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n" for i in range(3000)})
        e2e.git(d, "init", "-q")
        e2e.git(d, "add", "d1", "d2999")
        t0 = time.monotonic()
        rc, doc = check_json(".", cwd=d)
        took = time.monotonic() - t0
        hits = sorted(f["path"] for f in doc["findings"] if f["rule"] == "secrets/committed-env-file")
        assert hits == ["d1/.env", "d2999/.env"], hits
        assert took < 5, f"{took:.1f} s"
