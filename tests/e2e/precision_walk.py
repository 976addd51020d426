"""Issue 12, items 1, 2 and 9: what the walk reads, path roles, a file named alone.

Every tree here is a minimal reproduction written by the test (write_tree), never a copy of
third-party files.  A finding is provoked with a GRANT ... TO PUBLIC (grants/grant-to-public,
an error) or a .env connection string without sslmode and with a password.
"""
from e2e import *  # noqa: F401,F403
import e2e
import json
import os
import shutil
import time
import tempfile

GRANT = "GRANT SELECT ON t TO PUBLIC;\n"
ENV = "DATABASE_URL=postgres://app:Xk9s8d7fQ6g5h4j3k@db.example.com/app\n"


def check_doc(*args, cwd, env=None):
    """check --format json with an optional environment; return the parsed document."""
    rc, out, err = run("check", "--format", "json", *args, cwd=cwd, env=env)
    assert rc in (0, 1), f"exit {rc}: {err}"
    return json.loads(out)


def paths_of(doc):
    return sorted({f["path"] for f in doc["findings"]})


def isolated_home(d, excludes=None):
    """A HOME whose git configuration names excludes as core.excludesFile (or nothing)."""
    home = os.path.join(d, "home")
    os.makedirs(home)
    with open(os.path.join(home, ".gitconfig"), "w") as f:
        if excludes:
            f.write(f"[core]\n\texcludesFile = {excludes}\n")
    return {"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"), "GIT_CONFIG_NOSYSTEM": "1"}


def test_walk_skips_what_git_ignores():
    """.gitignore, .git/info/exclude and core.excludesFile hide untracked files; tracked ones and
    trees outside a repository are still read."""
    with tempfile.TemporaryDirectory() as d:
        repo = os.path.join(d, "repo")
        git_repo(repo, {"db/001.sql": GRANT, ".gitignore": "generated/\n*.local.sql\nforced.sql\n"})
        write_tree(repo, {"generated/dump.sql": GRANT, "db/x.local.sql": GRANT, "db/scratch.sql": GRANT,
                          "db/mine.sql": GRANT, "forced.sql": GRANT})
        with open(os.path.join(repo, ".git", "info", "exclude"), "a") as f:
            f.write("scratch.sql\n")
        with open(os.path.join(d, "global-ignore"), "w") as f:
            f.write("mine.sql\n")
        git(repo, "add", "-f", "forced.sql")     # tracked although ignored: git still has it
        env = isolated_home(d, os.path.join(d, "global-ignore"))
        doc = check_doc(".", cwd=repo, env=env)
        assert paths_of(doc) == ["db/001.sql", "forced.sql"], doc["findings"]
        # Named on the command line, an ignored file is checked.
        doc = check_doc("generated/dump.sql", cwd=repo, env=env)
        assert paths_of(doc) == ["generated/dump.sql"], doc["findings"]
        # A directory named on the command line is checked although git ignores it.
        doc = check_doc("generated", cwd=repo, env=env)
        assert paths_of(doc) == ["generated/dump.sql"], doc["findings"]
        # The same files outside a repository: nothing is ignored that way (like ripgrep).
        shutil.rmtree(os.path.join(repo, ".git"))
        doc = check_doc(".", cwd=repo, env=env)
        assert len(paths_of(doc)) == 6, doc["findings"]


def test_walk_skips_dependency_and_output_dirs():
    """node_modules, vendor, bower_components, .next, .nuxt, .svelte-kit, out and coverage are skipped,
    tracked or not; a file in one is checked when named, or when include: names the directory."""
    dirs = ["node_modules", "vendor", "bower_components", ".next", ".nuxt", ".svelte-kit", "out",
            "coverage"]
    files = {f"{x}/pkg/x.sql": GRANT for x in dirs}
    files["db/001.sql"] = GRANT
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, files)
        doc = check_doc(".", cwd=d)
        assert paths_of(doc) == ["db/001.sql"], doc["findings"]
        assert paths_of(check_doc("vendor/pkg/x.sql", cwd=d)) == ["vendor/pkg/x.sql"]
        write_tree(d, {".pgrampart.yml": "include: ['vendor/pkg/*.sql', 'db/*']\n"})
        doc = check_doc(".", cwd=d)
        assert paths_of(doc) == ["db/001.sql", "vendor/pkg/x.sql"], doc["findings"]


def test_walk_build_dirs_only_when_untracked_or_ignored():
    """A tracked build/ is the project's (checked); an untracked dist/ or an ignored target/ is
    output (skipped); outside a repository build directories stay skipped."""
    with tempfile.TemporaryDirectory() as d:
        repo = os.path.join(d, "repo")
        git_repo(repo, {"build/deploy.sql": GRANT, ".gitignore": "target/\n"})
        write_tree(repo, {"dist/bundle.sql": GRANT, "target/out.sql": GRANT})
        git(repo, "add", "-f", "target/out.sql")
        write_tree(repo, {"target/other.sql": GRANT})
        doc = check_doc(".", cwd=repo)
        assert paths_of(doc) == ["build/deploy.sql", "target/out.sql"], doc["findings"]
        shutil.rmtree(os.path.join(repo, ".git"))
        assert paths_of(check_doc(".", cwd=repo)) == [], "outside a repository build dirs are skipped"


def test_walk_skips_minified_javascript():
    """*.min.js, *-min.js and a .js whose first 4 KiB hold a line over 1000 bytes (a bundle) are not
    read by the walk; a hand-written file with the same content is; a named one is too."""
    key = 'const k = "AKIAQZ4XLMN7PQRS2TUV";'
    bundle = "var a=1;" * 200 + key + "\n"
    files = {"app.min.js": key + "\n", "lib-min.js": key + "\n", "dist2/bundle.js": bundle,
             "vendor.min.mjs": key + "\n", "src/app.js": "// hand written\n" + key + "\n"}
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        assert paths_of(check_doc(".", cwd=d)) == ["src/app.js"]
        assert paths_of(check_doc("lib-min.js", "dist2/bundle.js", cwd=d)) == ["dist2/bundle.js", "lib-min.js"]


ROLE_TREE = {"db/001.sql": GRANT, "tests/fixtures/grants.sql": GRANT, "src/db.test.sql": GRANT,
             ".env.example": ENV, "docs/setup.sql": GRANT, "deploy/examples/prod.sql": GRANT}


def severities(doc):
    return {(f["path"].removeprefix(""), f["rule"]): (f["severity"], f.get("role")) for f in doc["findings"]}


def test_path_roles_cap_findings_at_info():
    """Findings in test, example and docs files are info and carry their role (JSON, SARIF);
    production ones keep their severity."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, ROLE_TREE)
        s = severities(check_doc(".", cwd=d))
        assert s[("db/001.sql", "grants/grant-to-public")] == ("error", None), s
        assert s[("tests/fixtures/grants.sql", "grants/grant-to-public")] == ("info", "test"), s
        assert s[("src/db.test.sql", "grants/grant-to-public")] == ("info", "test"), s
        assert s[("docs/setup.sql", "grants/grant-to-public")] == ("info", "docs"), s
        assert s[("deploy/examples/prod.sql", "grants/grant-to-public")] == ("info", "example"), s
        assert s[(".env.example", "ssl/missing-sslmode")] == ("info", "example"), s
        rc, out, _ = run("check", "--format", "sarif", ".", cwd=d)
        results = json.loads(out)["runs"][0]["results"]
        roles = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
                 (r["level"], r.get("properties", {}).get("role")) for r in results}
        assert any(k.endswith("tests/fixtures/grants.sql") and v == ("note", "test") for k, v in roles.items()), roles
        assert any(k.endswith("db/001.sql") and v == ("error", None) for k, v in roles.items()), roles


def test_path_roles_config():
    """roles: changes the caps (off hides, error is no cap); role_patterns: adds patterns, a
    production pattern overriding the defaults."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, dict(ROLE_TREE, **{
            ".pgrampart.yml": "roles: {test: warning, docs: off, example: error}\n"
                              "role_patterns:\n  production: ['deploy/examples/*']\n"
                              "  test: ['qa/*']\n",
            "qa/load.sql": GRANT}))
        s = severities(check_doc(".", cwd=d))
        assert s[("tests/fixtures/grants.sql", "grants/grant-to-public")] == ("warning", "test"), s
        assert s[("qa/load.sql", "grants/grant-to-public")] == ("warning", "test"), s
        assert not any(p == "docs/setup.sql" for p, _ in s), s
        assert s[("deploy/examples/prod.sql", "grants/grant-to-public")] == ("error", None), s
        assert s[(".env.example", "ssl/missing-sslmode")] == ("error", "example"), s
        write_tree(d, {".pgrampart.yml": "roles: {tests: warning}\n"})
        rc, _, err = run("check", ".", cwd=d)
        assert rc == 2 and "unknown path role" in err, (rc, err)


def test_path_role_is_below_the_checked_root():
    """A root inside tests/ does not make everything a test; a file named alone is classified by
    its path in its repository, or outside one by its name."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"tests/app/db/001.sql": GRANT, "tests/app/.env.example": ENV})
        s = severities(check_doc("tests/app", cwd=d))
        assert s[("tests/app/db/001.sql", "grants/grant-to-public")] == ("error", None), s
        assert s[("tests/app/.env.example", "ssl/missing-sslmode")] == ("info", "example"), s
        # Outside a repository a lone file is judged by its name only.
        s = severities(check_doc("tests/app/db/001.sql", cwd=d))
        assert s[("tests/app/db/001.sql", "grants/grant-to-public")] == ("error", None), s
        git_repo(d, {})
        s = severities(check_doc("tests/app/db/001.sql", cwd=d))
        assert s[("tests/app/db/001.sql", "grants/grant-to-public")] == ("info", "test"), s


def test_samples_stay_production():
    """README's main job checks samples/ and expects its errors: no file there gets a role."""
    doc = check_doc("samples", cwd=e2e.ARGS.source)
    assert doc["summary"]["errors"] > 0
    assert not [f for f in doc["findings"] if "role" in f], [f for f in doc["findings"] if "role" in f]


def test_lone_file_context_stays_in_its_set():
    """A SQL file named alone reads its set's directory and the subdirectories right below it
    (rollback/), never a whole tree under it; 20 000 statements deeper down used to be parsed."""
    files = {"x.sql": "CREATE TABLE t (id int);\n",
             "db/001_a.sql": "CREATE TABLE a (id int);\n",
             "db/rollback/001_a.sql": "DROP TABLE a;\n"}
    for a in range(10):
        for c in range(10):
            files[f"pkg{a}/mod/migrations/{c:03}_m.sql"] = "CREATE TABLE u (id int);\n" * 200
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        t0 = time.monotonic()
        doc = check_doc("x.sql", cwd=d)
        elapsed = time.monotonic() - t0
        assert doc["summary"]["statements"] == 1, doc["summary"]
        assert elapsed < 1.0, elapsed
        # A set's rollback/ subdirectory is still its context: the down is found.
        doc = check_doc("db/001_a.sql", cwd=d)
        assert "rollback/missing-down" not in {f["rule"] for f in doc["findings"]}, doc["findings"]
        assert doc["summary"]["statements"] == 2, doc["summary"]


def test_diff_base_reads_tracked_build_dirs_on_both_sides():
    """--diff-base checks the merge base's copy (no repository) like the work tree: a tracked build/
    is read on both sides, so its old finding stays hidden and a new one is reported."""
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, {"build/deploy.sql": GRANT})
        git(d, "checkout", "-q", "-b", "feature")
        write_tree(d, {"build/deploy.sql": GRANT + "GRANT INSERT ON t TO PUBLIC;\n"})
        git(d, "commit", "-qam", "change")
        _, doc = check_json("--diff-base", "main", ".", cwd=d)
        got = sorted((f["rule"], f["path"], f["line"]) for f in doc["findings"])
        assert got == [("grants/grant-to-public", "build/deploy.sql", 2)], got


def test_plugins_see_the_configured_example_role():
    """The secrets plugin's notion of an example file is the host's path role, config included:
    a tracked env file a team declares an example (role_patterns) is not a committed secret; the
    same file undeclared is."""
    files = {"deploy/defaults.env": "STRIPE_SECRET=Qw7pL2xZ9vR4tY8uK3mN6bH1\n"}
    with tempfile.TemporaryDirectory() as d:
        git_repo(d, files)
        rc, doc = check_json(".", cwd=d)
        assert [f["path"] for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"] == \
            ["deploy/defaults.env"], doc["findings"]
        write_tree(d, {".pgrampart.yml": "role_patterns:\n  example: ['deploy/defaults.env']\n"})
        rc, doc = check_json(".", cwd=d)
        assert not [f for f in doc["findings"] if f["rule"] == "secrets/committed-env-file"], doc["findings"]
