"""Install and run anywhere (issue 17): the Debian package, the container image, the GitHub Action,
the GitLab CI template and the pre-commit hooks, each run the way its README section says."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import e2e
from e2e import git, write_tree

# The package build compiles the whole tree once more (one test, run alone would take ~30 s).
SLOW = {"debian_package": (900, True)}

PLUGINS = ["drift", "env", "grants", "rls", "rollback", "secrets", "server", "settings", "ssl"]


def skip(why):
    print(why + "; skipping")
    sys.exit(77)


def project_version():
    """The version in meson.build's project() call, which every install path must carry."""
    with open(os.path.join(e2e.ARGS.source, "meson.build")) as f:
        m = re.search(r"^\s*version\s*:\s*'([^']+)'", f.read(), re.M)
    assert m, "no version in meson.build"
    return m.group(1)


def copy_source(dst):
    """Copy the source tree without build directories, .git and the npm tools (the tree-sitter
    grammars of .tools/grammars are kept: the build compiles them)."""
    src = e2e.ARGS.source

    def ignore(d, names):
        out = {n for n in names if os.path.isdir(os.path.join(d, n, "meson-private"))}
        if os.path.samefile(d, src):
            out |= {".git", "build"} & set(names)
        if os.path.basename(d) == ".tools" and os.path.samefile(os.path.dirname(d), src):
            out |= set(names) - {"grammars"}
        return out
    shutil.copytree(src, dst, ignore=ignore, symlinks=True)


def deb_paths(deb):
    p = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True)
    return {line.split()[-1].lstrip(".") for line in p.stdout.splitlines()}


def findings_of(binary, cwd, *args):
    p = subprocess.run([binary, "check", "--format", "json", *args], cwd=cwd, capture_output=True,
                       text=True, env=dict(os.environ, NO_COLOR="1"), timeout=300)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)["findings"]


def test_debian_package():
    """debian/ builds pgrampart_<v>_<arch>.deb and pgrampart-dev with dpkg-buildpackage; unpacked into
    a throwaway root, the binary finds its plugins and rule packs there and reports what the build
    tree's binary reports on samples/."""
    for tool in ("dpkg-buildpackage", "dh", "dpkg-deb"):
        if shutil.which(tool) is None:
            skip(f"{tool} not installed (./setup.sh installs debhelper and dpkg-dev)")
    version = project_version()
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    multiarch = subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"], capture_output=True,
                               text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        copy_source(src)
        # dpkg-buildpackage writes the packages to the parent directory.
        p = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, capture_output=True,
                           text=True, timeout=840)
        assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
        deb = os.path.join(d, f"pgrampart_{version}_{arch}.deb")
        dev = os.path.join(d, f"pgrampart-dev_{version}_{arch}.deb")
        assert os.path.isfile(deb) and os.path.isfile(dev), sorted(os.listdir(d))

        plugindir = f"/usr/lib/{multiarch}/pgrampart/plugins"
        paths = deb_paths(deb)
        want = ({"/usr/bin/pgrampart", "/usr/share/man/man1/pgrampart.1.gz",
                 "/usr/share/bash-completion/completions/pgrampart",
                 "/usr/share/pgrampart/rules/secrets.yml", "/usr/share/pgrampart/rules/checklist.yml",
                 "/usr/share/pgrampart/rules/report.html.tmpl"}
                | {f"{plugindir}/{n}.so" for n in PLUGINS})
        assert want <= paths, sorted(want - paths)
        assert not any(x.startswith("/usr/include") or x.endswith(".pc") for x in paths), sorted(paths)
        dev_paths = deb_paths(dev)
        assert {"/usr/include/pgrampart/plugin.h", "/usr/share/pkgconfig/pgrampart-plugin.pc"} <= dev_paths, \
            sorted(dev_paths)
        assert "/usr/bin/pgrampart" not in dev_paths, sorted(dev_paths)
        depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True, text=True,
                                 check=True).stdout
        # ${shlibs:Depends} was expanded from what the binary and plugins link.
        assert "libpq5" in depends and "libyaml-0-2" in depends and "${" not in depends, depends

        # The build copy goes before the unpacked binary runs: nothing of it can be found.
        shutil.rmtree(src)
        root = os.path.join(d, "root")
        for pkg in (deb, dev):
            subprocess.run(["dpkg", "-x", pkg, root], check=True)
        with open(os.path.join(root, "usr/share/pkgconfig/pgrampart-plugin.pc")) as f:
            pc = f.read()
        m = re.search(r"^plugindir=(.*)$", pc, re.M)
        resolved = m and m.group(1).replace("${prefix}", "/usr").replace("${libdir}", f"/usr/lib/{multiarch}")
        assert resolved == plugindir, pc
        installed = os.path.join(root, "usr/bin/pgrampart")
        samples = os.path.join(e2e.ARGS.source, "samples")
        got = findings_of(installed, samples, ".")
        expected = findings_of(e2e.ARGS.bin, samples, ".")
        assert len(got) > 40 and got == expected, (len(got), len(expected))
        # Without the unpacked plugins the samples' config names unknown plugins (exit 2): the
        # findings above came from the prefix, not from a build tree.
        shutil.rmtree(os.path.join(root, plugindir.lstrip("/")))
        p = subprocess.run([installed, "check", "."], cwd=samples, capture_output=True, text=True)
        assert p.returncode == 2 and "unknown key" in p.stderr, (p.returncode, p.stderr)


# --- CI templates run as their runners would -----------------------------------------------

EXPR = re.compile(r"\$\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")


def substitute(text, context):
    """Replace each ${{ name }} of text with context[name] (a KeyError names an unknown one)."""
    return EXPR.sub(lambda m: context[m.group(1)], text)


def load_yaml(rel):
    import yaml
    with open(os.path.join(e2e.ARGS.source, rel)) as f:
        return yaml.safe_load(f)


def run_script(script, cwd, env, shell=("bash", "--noprofile", "--norc", "-eo", "pipefail")):
    """Run a CI step's script the way the runner does, with the build tree's pgrampart first on PATH."""
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(script)
    try:
        e = dict(os.environ, NO_COLOR="1", **env)
        e["PATH"] = os.path.dirname(e2e.ARGS.bin) + os.pathsep + os.environ["PATH"]
        return subprocess.run([*shell, f.name], cwd=cwd, env=e, capture_output=True, text=True,
                              timeout=300)
    finally:
        os.unlink(f.name)


def pr_repository(d):
    """A pull request's checkout in d/work: an origin whose main has a table without RLS (legacy)
    and whose branch feature adds a grant to PUBLIC in db/ (and one in tools/, outside the checked
    path, and a warning only in ops/), and removes the ENABLE RLS of table a; cloned shallow at
    feature, as actions/checkout does."""
    origin = os.path.join(d, "origin")
    e2e.git_repo(origin, e2e.BASE)
    git(origin, "checkout", "-q", "-b", "feature")
    write_tree(origin, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO PUBLIC;\n",
                        "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n",
                        "tools/seed.sql": "CREATE TABLE t (id int);\nGRANT ALL ON t TO PUBLIC;\n",
                        "ops/warn.sql": "CREATE TABLE t (id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
                                        "CREATE POLICY p ON t FOR SELECT USING (id = 1);\n"
                                        "GRANT SELECT ON t TO app WITH GRANT OPTION;\n",
                        "db/migrations/001_a.sql": "-- reformatted\n" + e2e.BASE["db/migrations/001_a.sql"].replace(
                            "ALTER TABLE a ENABLE ROW LEVEL SECURITY;\n", "")})
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "change")
    work = os.path.join(d, "work")
    subprocess.run(["git", "clone", "-q", "--depth", "1", "-b", "feature", "file://" + origin, work],
                   check=True, capture_output=True)
    return work


# What the pull request adds in db/ (see pr_repository), and what a push reports there besides.
PR_NEW = [("grants/grant-to-public", "db/migrations/002_b.sql", 1),
          ("rls/policy-without-rls", "db/migrations/001_a.sql", 3)]
PUSH_ALSO = ("rls/table-without-rls", "db/migrations/001_a.sql", 4)


def sarif_findings(path):
    with open(path) as f:
        text = f.read()
    e2e.assert_valid_sarif_if_validator(text)
    out = []
    for r in json.loads(text)["runs"][0]["results"]:
        loc = r["locations"][0]["physicalLocation"]
        out.append((r["ruleId"], loc["artifactLocation"]["uri"], loc["region"]["startLine"]))
    return sorted(out)


def action_step(inputs, github):
    """action.yml's step as the runner runs it: (script, env) with the step's env evaluated from the
    given inputs over the inputs' defaults (which may read the github context)."""
    action = load_yaml("action.yml")
    assert action["runs"]["using"] == "composite", action["runs"]
    steps = action["runs"]["steps"]
    assert len(steps) == 1 and steps[0]["shell"] == "bash", steps
    context = {f"github.{k}": v for k, v in github.items()}
    assert set(inputs) <= set(action["inputs"]), set(inputs) - set(action["inputs"])
    for name, spec in action["inputs"].items():
        context[f"inputs.{name}"] = inputs.get(name, substitute(str(spec.get("default", "")), context))
    # The script reads the inputs from its environment only: no expression is pasted into it.
    assert "${{" not in steps[0]["run"], steps[0]["run"]
    env = {k: substitute(str(v), context) for k, v in steps[0]["env"].items()}
    return steps[0]["run"], env


def test_github_action():
    """action.yml's step, run as the runner would on a shallow pull-request checkout: SARIF of the new
    findings only in pgrampart.sarif, exit 1; on push (no base ref) every finding."""
    with tempfile.TemporaryDirectory() as d:
        work = pr_repository(d)
        out = os.path.join(d, "github_output")
        runner_env = {"GITHUB_ACTION_PATH": e2e.ARGS.source, "GITHUB_OUTPUT": out, "GITHUB_WORKSPACE": work}
        script, env = action_step({"args": "db"}, {"base_ref": "main"})
        assert env["INPUT_FORMAT"] == "sarif" and env["INPUT_DIFF_BASE"] == "main", env
        p = run_script(script, work, dict(runner_env, **env))
        assert p.returncode == 1, p.stdout + p.stderr
        with open(out) as f:
            assert f.read() == "report=pgrampart.sarif\n"
        assert sarif_findings(os.path.join(work, "pgrampart.sarif")) == sorted(PR_NEW)

        # A push: no base ref, every finding under the paths of args; tools/ is not among them.
        os.unlink(os.path.join(work, "pgrampart.sarif"))
        script, env = action_step({"args": "db", "output": "out/report.sarif"}, {"base_ref": ""})
        os.mkdir(os.path.join(work, "out"))
        p = run_script(script, work, dict(runner_env, **env))
        assert p.returncode == 1, p.stdout + p.stderr
        assert sarif_findings(os.path.join(work, "out", "report.sarif")) == sorted(PR_NEW + [PUSH_ALSO])

        # format and fail-on reach pgrampart: annotations in the log; a warning fails only at warning.
        for fail_on, rc in (("error", 0), ("warning", 1)):
            script, env = action_step({"args": "ops", "format": "github", "fail-on": fail_on}, {"base_ref": "main"})
            p = run_script(script, work, dict(runner_env, **env))
            assert p.returncode == rc and p.stdout.startswith("::warning file=ops/warn.sql,line=4,col=1,"), \
                (fail_on, p.stdout + p.stderr)
        script, env = action_step({"args": "tools", "format": "github"}, {"base_ref": "main"})
        p = run_script(script, work, dict(runner_env, **env))
        assert p.returncode == 1 and "::error file=tools/seed.sql,line=2," in p.stdout, p.stdout + p.stderr


GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def codequality_findings(path, work):
    """The report's findings, after checking each has what GitLab's Code Quality widget requires."""
    with open(path) as f:
        doc = json.load(f)
    assert isinstance(doc, list), doc
    out = []
    for item in doc:
        for key in ("description", "check_name", "fingerprint", "severity"):
            assert isinstance(item.get(key), str) and item[key], item
        assert item["severity"] in GITLAB_SEVERITIES, item
        path_, begin = item["location"]["path"], item["location"]["lines"]["begin"]
        # Paths relative to the project's root (the report is read there), lines 1-based.
        assert not os.path.isabs(path_) and os.path.isfile(os.path.join(work, path_)), item
        assert isinstance(begin, int) and begin >= 1, item
        out.append((item["check_name"], path_, begin))
    assert len({i["fingerprint"] for i in doc}) == len(doc), doc
    return sorted(out)


def gitlab_job():
    """ci/gitlab.yml's job: (script, variables, report path)."""
    jobs = {k: v for k, v in load_yaml("ci/gitlab.yml").items() if isinstance(v, dict) and "script" in v}
    assert list(jobs) == ["pgrampart"], list(jobs)
    job = jobs["pgrampart"]
    assert job["image"]["entrypoint"] == [""] and job["artifacts"]["when"] == "always", job
    return "\n".join(job["script"]) + "\n", dict(job["variables"]), job["artifacts"]["reports"]["codequality"]


def test_gitlab_template():
    """ci/gitlab.yml's script lines, run by sh -e as a GitLab runner would: in a merge request
    pipeline a Code Quality report of the new findings; elsewhere of every finding."""
    script, variables, report = gitlab_job()
    assert variables["PGRAMPART_IMAGE"] == f"pgrampart:{project_version()}", variables
    with tempfile.TemporaryDirectory() as d:
        work = pr_repository(d)
        git(work, "fetch", "-q", "--unshallow", "origin", "+refs/heads/main:refs/remotes/origin/main")
        base = subprocess.run(["git", "-C", work, "merge-base", "HEAD", "origin/main"], capture_output=True,
                              text=True, check=True).stdout.strip()
        env = dict(variables, PGRAMPART_ARGS="db", CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
        p = run_script(script, work, env, shell=("sh", "-e"))
        assert p.returncode == 1, p.stdout + p.stderr
        assert codequality_findings(os.path.join(work, report), work) == sorted(PR_NEW)

        # A branch pipeline: no diff base. The default PGRAMPART_ARGS (.) takes in tools/ too.
        p = run_script(script, work, dict(variables), shell=("sh", "-e"))
        assert p.returncode == 1, p.stdout + p.stderr
        got = codequality_findings(os.path.join(work, report), work)
        assert [f for f in got if f[1].startswith("db/")] == sorted(PR_NEW + [PUSH_ALSO]), got
        assert ("grants/grant-to-public", "tools/seed.sql", 2) in got, got

        # PGRAMPART_FAIL_ON reaches pgrampart: a warning is reported, and fails the job only at warning.
        for fail_on, rc in (("error", 0), ("warning", 1)):
            p = run_script(script, work, dict(variables, PGRAMPART_ARGS="ops", PGRAMPART_FAIL_ON=fail_on,
                                              CI_MERGE_REQUEST_DIFF_BASE_SHA=base), shell=("sh", "-e"))
            assert p.returncode == rc, (fail_on, p.stdout + p.stderr)
            assert codequality_findings(os.path.join(work, report), work) == [
                ("grants/grant-with-grant-option", "ops/warn.sql", 4)]
