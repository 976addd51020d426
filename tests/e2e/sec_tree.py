"""End-to-end tests: see the comment above this module's list in tests/meson.build.

Run one with: python3 tests/e2e/e2e.py NAME --bin build/pgrampart --source . --corpus ../shared/corpus

An untrusted repository (README "Trust model"): its configuration is data, never code; nothing
found in the checked tree reads outside it, blocks the run or multiplies its work.
"""
import json
import os
import subprocess
import tempfile
import time

from e2e import *  # noqa: F401,F403 — run, check_json, findings_in, write_tree, ARGS via e2e.ARGS
import e2e

FORMATS = ("text", "json", "sarif", "github", "gitlab")


def run_env(args, cwd, home, timeout=60, **env):
    """Run pgrampart with the user's configuration under home (never the real one), within timeout
    seconds (a hang fails the test); return (exit code, stdout, stderr)."""
    e = dict(os.environ, NO_COLOR="1", XDG_CONFIG_HOME=home, HOME=home)
    e.pop("PGRAMPART_TRUST_REPO_CONFIG", None)
    e.update(env)
    p = subprocess.run([e2e.ARGS.bin, *args], cwd=cwd, env=e, capture_output=True, text=True,
                       errors="replace", timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def plugin_repo(d):
    """A repository committing a plugin (whose constructor leaves a marker) and a config loading it."""
    repo = os.path.join(d, "repo")
    os.makedirs(os.path.join(repo, "plug"))
    so = e2e.build_plugin(os.path.join(repo, "plug"), "-DCTOR_MARKER")
    write_tree(repo, {".pgrampart.yml": "postgres_version: 15\nplugin_dirs: [plug]\n",
                      "db/m.sql": "DROP TABLE a;\n"})
    return repo, so


def test_repo_plugins_need_opt_in():
    """plugin_dirs in a found .pgrampart.yml is refused (exit 2, naming file:line and the opt-ins)
    and the plugin is never loaded; --config, PGRAMPART_TRUST_REPO_CONFIG=1, the user's
    trusted_repositories or plugin_dirs, and --plugin-dir load it."""
    with tempfile.TemporaryDirectory() as d:
        repo, so = plugin_repo(d)
        home = os.path.join(d, "home")
        marker = os.path.join(d, "constructor-ran")
        for args, cwd in ((["check", "."], repo), (["check", "db"], repo), (["rules"], repo),
                          (["check", "--format", "json", "repo"], d)):
            rc, out, err = run_env(args, cwd, home, PGRAMPART_TEST_MARKER=marker)
            assert rc == 2 and ".pgrampart.yml:2:14: plugin_dirs" in err, (args, rc, out, err)
            for opt_in in ("PGRAMPART_TRUST_REPO_CONFIG=1", "--config FILE", "trusted_repositories",
                           "--plugin-dir DIR"):
                assert opt_in in err, (opt_in, err)
            assert not os.path.exists(marker), f"{args}: the repository's plugin was loaded"
            assert "DROP TABLE" not in out, out
        # Anything but exactly 1 is no opt-in.
        rc, _, err = run_env(["check", "."], repo, home, PGRAMPART_TRUST_REPO_CONFIG="yes",
                             PGRAMPART_TEST_MARKER=marker)
        assert rc == 2 and not os.path.exists(marker), err

        def loaded(args, cwd=repo, **env):
            rc, out, err = run_env(["check", "--format", "json", *args], cwd, home,
                                   PGRAMPART_TEST_MARKER=marker, **env)
            assert rc == 0, (args, env, rc, err)
            rules = [f["rule"] for f in json.loads(out)["findings"]]
            assert rules == ["example/drop-table"] and os.path.exists(marker), (args, env, rules, err)
            os.unlink(marker)

        loaded(["."], PGRAMPART_TRUST_REPO_CONFIG="1")
        loaded(["--config", ".pgrampart.yml", "."])
        os.makedirs(os.path.join(home, "pgrampart"))
        user = os.path.join(home, "pgrampart", "config.yml")
        with open(user, "w") as f:
            f.write(f"trusted_repositories: [{repo}]\n")
        loaded(["db"])
        # The user's own plugin_dirs, and --plugin-dir, with a config that asks for none.
        with open(os.path.join(repo, ".pgrampart.yml"), "w") as f:
            f.write("postgres_version: 15\n")
        with open(user, "w") as f:
            f.write(f"plugin_dirs: [{os.path.dirname(so)}]\n")
        loaded(["."])
        os.unlink(user)
        loaded(["--plugin-dir", "plug", "."])
        # The user's configuration holds only these three keys.
        with open(user, "w") as f:
            f.write("rules: {grants/grant-to-public: off}\n")
        rc, _, err = run_env(["check", "."], repo, home)
        assert rc == 2 and "config.yml:1:1: unknown key" in err, err


def test_repo_paths_stay_inside():
    """An untrusted config's rule_packs and migrations stay inside its directory: absolute paths,
    '..' and links leading out are refused (exit 2, file:line); inside the root they are data."""
    pack = "secrets:\n  placeholders:\n    - team-default\n"
    with tempfile.TemporaryDirectory() as d:
        home = os.path.join(d, "home")
        outside = os.path.join(d, "outside")
        write_tree(outside, {"pack.yml": pack, "db/001_a.sql": "CREATE TABLE a (id int);\n"})
        repo = os.path.join(d, "repo")
        write_tree(repo, {".env.production": "DB_PASSWORD=team-default\n", "inside/pack.yml": pack,
                          "db/001_a.sql": "CREATE TABLE b (id int);\n"})
        os.makedirs(os.path.join(repo, "packs"))
        os.symlink(os.path.join(outside, "pack.yml"), os.path.join(repo, "packs", "team.yml"))
        os.symlink(os.path.join(outside, "pack.yml"), os.path.join(repo, "link.yml"))
        os.symlink(os.path.join(outside, "db"), os.path.join(repo, "linkdb"))
        bad = {
            "rule_packs: [../outside/pack.yml]\n": "../outside/pack.yml leads outside",
            f"rule_packs: [{outside}/pack.yml]\n": "pack.yml leads outside",
            "rule_packs: [link.yml]\n": "link.yml leads outside",
            "rule_packs: [packs]\n": "packs/team.yml is a link leading outside",
            "migrations:\n  - {path: ../outside/db, convention: numbered}\n": "leads outside",
            "migrations:\n  - {path: linkdb, convention: numbered}\n": "linkdb leads outside",
        }
        for cfg, needle in bad.items():
            write_tree(repo, {".pgrampart.yml": cfg})
            rc, out, err = run_env(["check", "."], repo, home)
            assert rc == 2 and needle in err and ".pgrampart.yml:" in err, (cfg, rc, out, err)
            assert "PGRAMPART_TRUST_REPO_CONFIG=1" in err, err
            # Trusted, the same file is read as before.
            rc, out, err = run_env(["check", "."], repo, home, PGRAMPART_TRUST_REPO_CONFIG="1")
            assert rc in (0, 1), (cfg, rc, err)
        write_tree(repo, {".pgrampart.yml": "rule_packs: [inside/pack.yml]\n"})
        rc, out, err = run_env(["check", "--format", "json", "."], repo, home)
        assert rc == 1 and "secrets/placeholder-secret" in out, (rc, out, err)
        # The configuration itself may not be a link out of the repository.
        os.unlink(os.path.join(repo, ".pgrampart.yml"))
        write_tree(outside, {"cfg.yml": "rule_packs: [inside/pack.yml]\n"})
        os.symlink(os.path.join(outside, "cfg.yml"), os.path.join(repo, ".pgrampart.yml"))
        rc, out, err = run_env(["check", "."], repo, home)
        assert rc == 2 and "a link leading outside the repository" in err, (rc, out, err)


def test_symlink_outside_root_not_followed():
    """A link in the tree to a file outside it is reported once (core/outside-root, info) and never
    read: its line appears in no output format.  Links inside the root and paths named on the
    command line are followed."""
    secret = "SELEKT outside_secret_line;"
    with tempfile.TemporaryDirectory() as d:
        home = os.path.join(d, "home")
        write_tree(d, {"outside/x.sql": secret + "\n", "outside/.env": f"A='{secret}\n",
                       "repo/sub/real.sql": "SELEKT inside_line;\n"})
        repo = os.path.join(d, "repo")
        os.symlink(os.path.join(d, "outside", "x.sql"), os.path.join(repo, "x.sql"))
        os.symlink("../../outside/x.sql", os.path.join(repo, "sub", "rel.sql"))
        os.symlink(os.path.join(d, "outside", ".env"), os.path.join(repo, "sub", ".env"))
        os.symlink("real.sql", os.path.join(repo, "sub", "in.sql"))
        for fmt in FORMATS:
            for cwd, path in ((repo, "."), (d, "repo"), (repo, "sub")):
                rc, out, err = run_env(["check", "--format", fmt, path], cwd, home)
                assert rc == 1, (fmt, rc, err)
                assert "outside_secret_line" not in out + err, (fmt, path, out + err)
                assert "inside_line" in out or fmt not in ("text",), (fmt, out)
        rc, doc = 0, json.loads(run_env(["check", "--format", "json", "."], repo, home)[1])
        got = sorted((f["rule"], f["path"], f["severity"]) for f in doc["findings"])
        assert got == [("core/outside-root", "sub/.env", "info"),
                       ("core/outside-root", "sub/rel.sql", "info"),
                       ("core/outside-root", "x.sql", "info"),
                       ("sql/syntax-error", "sub/in.sql", "error"),
                       ("sql/syntax-error", "sub/real.sql", "error")], got
        # Listed by git (--staged, the pre-commit hook), a link was named by nobody: --staged
        # reads the index, where a link is its target's name, and checks regular files only.
        genv = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
        subprocess.run(["git", "init", "-q", repo], check=True, env=dict(os.environ, **genv))
        subprocess.run(["git", "-C", repo, "add", "-A"], check=True, env=dict(os.environ, **genv))
        rc, out, err = run_env(["check", "--staged"], repo, home, **genv)
        assert rc == 1 and "outside_secret_line" not in out + err and "inside_line" in out, \
            (rc, out, err)
        # Named on the command line, the link is the user's choice.
        rc, out, err = run_env(["check", "x.sql"], repo, home)
        assert rc == 1 and "outside_secret_line" in out, (rc, out, err)


def test_fifo_in_tree_does_not_hang():
    """FIFOs in the tree (as files to check, sqitch.plan, include or rule-pack targets, the
    configuration) are never opened: the run ends, reports them, and checks the rest."""
    with tempfile.TemporaryDirectory() as d:
        home = os.path.join(d, "home")
        repo = os.path.join(d, "repo")
        write_tree(repo, {"db/ok.sql": "GRANT ALL ON t TO PUBLIC;\n",
                          "pg/postgresql.conf": "include 'fifo.conf'\nssl = off\n",
                          "sq/deploy/a.sql": "CREATE TABLE a (id int);\n",
                          "sq/revert/a.sql": "DROP TABLE a;\n"})
        os.makedirs(os.path.join(repo, "packs"))
        for rel in ("db/p.sql", "db/.env", "pg/fifo.conf", "sq/sqitch.plan", "packs/p.yml"):
            os.mkfifo(os.path.join(repo, rel))
        t0 = time.time()
        rc, out, err = run_env(["check", "--format", "json", "."], repo, home, timeout=30)
        assert rc == 1, (rc, err)
        got = sorted((f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"])
        for want in (("core/unreadable-file", "db/.env", 1), ("core/unreadable-file", "db/p.sql", 1),
                     ("conf/syntax-error", "pg/postgresql.conf", 1),
                     ("grants/grant-to-public", "db/ok.sql", 1),
                     ("ssl/server-ssl-off", "pg/postgresql.conf", 2)):
            assert want in got, (want, got)
        assert "not a regular file" in out, out
        write_tree(repo, {".pgrampart.yml": "rule_packs: [packs/p.yml]\n"})
        rc, _, err = run_env(["check", "."], repo, home, timeout=30)
        assert rc == 2 and "p.yml" in err and "not a regular file" in err, (rc, err)
        os.unlink(os.path.join(repo, ".pgrampart.yml"))
        os.mkfifo(os.path.join(repo, ".pgrampart.yml"))
        rc, _, err = run_env(["check", "."], repo, home, timeout=30)
        assert rc == 2 and ".pgrampart.yml" in err and "not a regular file" in err, (rc, err)
        assert time.time() - t0 < 60


def test_pgconf_include_bombs():
    """postgresql.conf includes: a file including itself is a cycle reported at its line; a
    fan-out (each file including the next eight times) stops at the file cap; include and
    include_dir never leave the checked directory; all in well under 5 seconds."""
    with tempfile.TemporaryDirectory() as d:
        home = os.path.join(d, "home")
        files = {"self/postgresql.conf": "include 'postgresql.conf'\n" * 4 + "ssl = off\n"}
        for i in range(30):
            name = "postgresql.conf" if i == 0 else f"part{i}.conf"
            files[f"fan/{name}"] = f"include 'part{i + 1}.conf'\n" * 8 + f"work_mem = '{i}MB'\n"
        files["fan/part30.conf"] = "ssl = on\n"
        files["out/postgresql.conf"] = "include '../../outside.conf'\ninclude_dir '../..'\nssl = on\n"
        files["dir/postgresql.conf"] = "include_dir 'conf.d'\n"
        files["dir/conf.d/a.conf"] = "ssl = off\n"
        files["dir/conf.d/.hidden.conf"] = "password_encryption = md5\n"
        write_tree(os.path.join(d, "repo"), files)
        write_tree(d, {"outside.conf": "password_encryption = md5\n"})
        os.symlink(os.path.join(d, "outside.conf"), os.path.join(d, "repo", "dir", "conf.d", "b.conf"))
        t0 = time.time()
        rc, out, err = run_env(["check", "--format", "json", "self"], os.path.join(d, "repo"), home,
                               timeout=30)
        assert time.time() - t0 < 5, time.time() - t0
        got = sorted((f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"])
        assert got == [("conf/syntax-error", "self/postgresql.conf", n) for n in (1, 2, 3, 4)] + \
            [("ssl/server-ssl-off", "self/postgresql.conf", 5)], got
        assert "include cycle" in out, out
        t0 = time.time()
        rc, out, err = run_env(["check", "--format", "json", "fan"], os.path.join(d, "repo"), home,
                               timeout=60)
        assert time.time() - t0 < 5, time.time() - t0
        msgs = [(f["rule"], f["message"]) for f in json.loads(out)["findings"]]
        assert sum("more than 1000 files" in m for _, m in msgs) == 1, msgs
        assert sum("nesting too deep" in m for _, m in msgs) == 1, msgs
        assert len(msgs) == 2, msgs
        rc, out, err = run_env(["check", "--format", "json", "out", "dir"], os.path.join(d, "repo"),
                               home, timeout=30)
        got = sorted((f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"])
        assert got == [("core/outside-root", "dir/postgresql.conf", 1),
                       ("core/outside-root", "out/postgresql.conf", 1),
                       ("core/outside-root", "out/postgresql.conf", 2),
                       ("ssl/server-ssl-off", "dir/conf.d/a.conf", 1)], got


def test_plugin_bad_descriptor():
    """A descriptor with a NULL name, rules NULL for n_rules > 0, or a rule without an id is refused
    with the plugin's file named (exit 2), never dereferenced."""
    for define, needle in (("-DNULL_NAME", "has no name"),
                           ("-DNULL_RULES", "counts 1 rules but its rules are NULL"),
                           ("-DNULL_RULE_ID", "rule 0 has no family/name id")):
        with tempfile.TemporaryDirectory() as d:
            so = e2e.build_plugin(d, define)
            for args in (["rules"], ["check", os.path.join(e2e.ARGS.source, "samples", "clean")]):
                rc, out, err = run_env([*args[:1], "--plugin-dir", d, *args[1:]], d, d)
                assert rc == 2 and so in err and needle in err, (define, args, rc, err)
