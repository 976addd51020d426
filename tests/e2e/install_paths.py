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

# The package build compiles the whole tree once more (~30 s alone); the image build also
# downloads Debian's packages (minutes), where a container engine works.
SLOW = {"debian_package": (900, True), "container_image": (1800, True)}

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
    build, install = readme_commands("Debian package")
    assert build == "dpkg-buildpackage -us -uc -b", build
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        copy_source(src)
        # dpkg-buildpackage writes the packages to the parent directory.
        p = subprocess.run(build.split(), cwd=src, capture_output=True, text=True, timeout=840)
        assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
        deb = os.path.join(d, f"pgrampart_{version}_{arch}.deb")
        dev = os.path.join(d, f"pgrampart-dev_{version}_{arch}.deb")
        assert os.path.isfile(deb) and os.path.isfile(dev), sorted(os.listdir(d))
        # The README's apt line names the binary package only (not -dev, not -dbgsym).
        assert install.startswith("sudo apt install ../"), install
        assert glob.glob(os.path.join(src, install.split()[-1])) == [os.path.join(src, "..", os.path.basename(deb))], \
            install

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

        # The README's workflow: its inputs, and the upload of the file the action wrote, also when
        # the step failed on findings.
        import yaml
        blocks, _ = readme_blocks("GitHub")
        workflow = yaml.safe_load(next(b for lang, b in blocks if lang == "yaml"))
        (job,) = workflow["jobs"].values()
        steps = {s["uses"].split("@")[0]: s for s in job["steps"]}
        upload = steps["github/codeql-action/upload-sarif"]
        assert workflow["permissions"]["security-events"] == "write", workflow
        assert "!cancelled()" in upload["if"] or "always()" in upload["if"], upload
        script, env = action_step(steps["pgrampart/pgrampart"].get("with", {}), {"base_ref": "main"})
        p = run_script(script, work, dict(runner_env, **env))
        assert p.returncode == 1, p.stdout + p.stderr
        assert sarif_findings(os.path.join(work, upload["with"]["sarif_file"])) == sorted(PR_NEW + [
            ("grants/grant-all-privileges", "tools/seed.sql", 2), ("grants/grant-to-public", "tools/seed.sql", 2),
            ("grants/grant-with-grant-option", "ops/warn.sql", 4)])


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

        # The README's include and variables.
        import yaml
        blocks, _ = readme_blocks("GitLab")
        readme = yaml.safe_load(next(b for lang, b in blocks if lang == "yaml"))
        assert readme["include"][0]["remote"].endswith("/ci/gitlab.yml"), readme
        assert set(readme["variables"]) <= set(variables), readme["variables"]
        readme_vars = {k: v for k, v in readme["variables"].items() if k != "PGRAMPART_IMAGE"}
        p = run_script(script, work, dict(variables, CI_MERGE_REQUEST_DIFF_BASE_SHA=base, **readme_vars),
                       shell=("sh", "-e"))
        assert p.returncode == 1 and codequality_findings(os.path.join(work, report), work) == sorted(PR_NEW), \
            p.stdout + p.stderr

        # PGRAMPART_FAIL_ON reaches pgrampart: a warning is reported, and fails the job only at warning.
        for fail_on, rc in (("error", 0), ("warning", 1)):
            p = run_script(script, work, dict(variables, PGRAMPART_ARGS="ops", PGRAMPART_FAIL_ON=fail_on,
                                              CI_MERGE_REQUEST_DIFF_BASE_SHA=base), shell=("sh", "-e"))
            assert p.returncode == rc, (fail_on, p.stdout + p.stderr)
            assert codequality_findings(os.path.join(work, report), work) == [
                ("grants/grant-with-grant-option", "ops/warn.sql", 4)]


def container_engine():
    """docker or podman when its daemon answers, else None."""
    for engine in ("docker", "podman"):
        if shutil.which(engine) is None:
            continue
        p = subprocess.run([engine, "info"], capture_output=True, text=True, timeout=60)
        if p.returncode == 0:
            return engine
    return None


def test_container_image():
    """The Dockerfile builds (docker or podman; skipped without a working engine or without the base
    image, saying so) an image that runs as a non-root user in /src with entrypoint pgrampart; the
    README's commands build it and write SARIF of samples/ with the build tree's findings. Linted
    with hadolint first where it is installed."""
    dockerfile = os.path.join(e2e.ARGS.source, "Dockerfile")
    assert os.path.isfile(dockerfile), dockerfile
    if shutil.which("hadolint"):
        p = subprocess.run(["hadolint", dockerfile], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
    build, run = readme_commands("Container")
    tag = f"pgrampart:{project_version()}"
    assert build == f"docker build -t {tag} .", build
    assert run.startswith("docker run ") and f" {tag} check " in run, run
    engine = container_engine()
    if engine is None:
        skip("no working docker or podman (`docker info` fails): the container image was not built")
    with open(dockerfile) as f:
        bases = set(re.findall(r"^FROM\s+(\S+)", f.read(), re.M)) - {"build"}
    for base in bases:
        have = subprocess.run([engine, "image", "inspect", base], capture_output=True).returncode == 0
        if not have and subprocess.run([engine, "pull", base], capture_output=True, timeout=600).returncode != 0:
            skip(f"{engine} cannot pull the base image {base} (no registry access): the image was not built")
    # The tag may name an image of the user's: remove it afterwards only if this test made it.
    existed = subprocess.run([engine, "image", "inspect", tag], capture_output=True).returncode == 0
    p = subprocess.run([engine, *build.split()[1:]], cwd=e2e.ARGS.source, capture_output=True, text=True,
                       timeout=1700)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    try:
        p = subprocess.run([engine, "image", "inspect", tag], capture_output=True, text=True, check=True)
        config = json.loads(p.stdout)[0]["Config"]
        assert config["Entrypoint"] == ["pgrampart"] and config["WorkingDir"] == "/src", config
        assert config["User"] not in ("", "root", "0"), config
        p = subprocess.run([engine, "run", "--rm", tag, "--version"], capture_output=True, text=True)
        assert p.returncode == 0 and project_version() in p.stdout, p.stdout + p.stderr
        with tempfile.TemporaryDirectory() as d:
            work = os.path.join(d, "samples")
            shutil.copytree(os.path.join(e2e.ARGS.source, "samples"), work)
            os.chmod(d, 0o755)
            p = run_script(engine + run[len("docker"):] + "\n", work, {}, shell=("bash", "-e"))
            assert p.returncode == 1, p.stdout + p.stderr
            got = sarif_findings(os.path.join(work, "pgrampart.sarif"))
            expected = sorted((f["rule"], f["path"], f["line"]) for f in findings_of(e2e.ARGS.bin, work, "."))
            assert len(got) > 40 and got == expected, (len(got), len(expected))
    finally:
        if not existed:
            subprocess.run([engine, "rmi", "-f", tag], capture_output=True)


# --- the README's "Use it in CI" and the pre-commit hooks ---------------------------------

def readme_blocks(subsection):
    """The fenced code blocks of README.md's "Use it in CI" subsection ### subsection: [(lang, text)]."""
    with open(os.path.join(e2e.ARGS.source, "README.md")) as f:
        readme = f.read()
    m = re.search(r"^## Use it in CI\n(.*?)(?=^## )", readme, re.M | re.S)
    assert m, "README has no 'Use it in CI' section"
    part = re.search(rf"^### {re.escape(subsection)}\n(.*?)(?=^### |\Z)", m.group(1), re.M | re.S)
    assert part, f"no subsection {subsection}"
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", part.group(1), re.M | re.S)
    assert blocks, f"no code block under {subsection}"
    return blocks, part.group(1)


def readme_commands(subsection):
    """The shell commands of a subsection's sh block, one per line."""
    return [line for lang, text in readme_blocks(subsection)[0] if lang == "sh" for line in text.splitlines()]


HOOK_FILES_MATCH = ["db/migrations/001_a.sql", "x.psql", "a.pgsql", ".env", ".env.production",
                    "config/.env.local", "docker-compose.yml", "k8s/api.yaml", "scripts/deploy.sh",
                    "src/db.ts", "src/App.tsx", "lib/pool.mjs", "postgresql.conf", "etc/pg_hba.conf",
                    "pgbouncer.ini"]
HOOK_FILES_SKIP = ["README.md", "main.c", "Dockerfile", "notes.txt", "sql/README", "env.txt",
                   "a.sql.bak", "ymlfile", "pg_hba.conf.orig"]


def test_pre_commit_hooks():
    """.pre-commit-hooks.yaml: the hooks (installed binary, built container, named image) pass
    pre-commit's own manifest check, run check --staged on the files pgrampart reads, and the README's
    snippet pins a commit of this repository that has its hook, which then works as written."""
    hooks = {h["id"]: h for h in load_yaml(".pre-commit-hooks.yaml")}
    assert set(hooks) == {"pgrampart", "pgrampart-docker", "pgrampart-image"}, list(hooks)
    assert hooks["pgrampart"]["language"] == "system" and hooks["pgrampart-docker"]["language"] == "docker"
    assert hooks["pgrampart-image"]["language"] == "docker_image", hooks["pgrampart-image"]
    assert hooks["pgrampart-image"]["entry"] == f"pgrampart:{project_version()} check --staged"
    for h in hooks.values():
        assert h["pass_filenames"] is False and h["entry"].endswith(" check --staged"), h
        files = re.compile(h["files"])   # pre-commit matches with Python's re.search
        assert [p for p in HOOK_FILES_MATCH if not files.search(p)] == [], h["files"]
        assert [p for p in HOOK_FILES_SKIP if files.search(p)] == [], h["files"]
    have_tool = shutil.which("pre-commit") is not None
    if have_tool:
        p = subprocess.run(["pre-commit", "validate-manifest", os.path.join(e2e.ARGS.source, ".pre-commit-hooks.yaml")],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr

    import yaml
    blocks, text = readme_blocks("pre-commit")
    assert "pre-commit autoupdate" in text, text
    config = yaml.safe_load(next(b for lang, b in blocks if lang == "yaml"))
    (repo,) = config["repos"]
    rev = repo["rev"]
    assert re.fullmatch(r"[0-9a-f]{40}", rev), f"rev {rev} is not a commit"
    p = subprocess.run(["git", "-C", e2e.ARGS.source, "show", f"{rev}:.pre-commit-hooks.yaml"],
                       capture_output=True, text=True)
    if p.returncode != 0 and "not a git repository" in p.stderr:
        skip("the source tree is not a git checkout: the README's rev was not checked")
    assert p.returncode == 0, f"rev {rev}: {p.stderr}"
    at_rev = {h["id"] for h in yaml.safe_load(p.stdout)}
    assert {h["id"] for h in repo["hooks"]} <= at_rev, (repo["hooks"], at_rev)
    if not have_tool:
        skip("pre-commit not installed: the README's snippet was checked but not run")
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as home:
        work = os.path.join(d, "work")
        repo["repo"] = e2e.ARGS.source    # the snippet as written, from this checkout
        e2e.git_repo(work, dict(e2e.BASE, **{".pre-commit-config.yaml": yaml.safe_dump(config)}))
        write_tree(work, {"db/migrations/002_b.sql": "GRANT SELECT ON a TO PUBLIC;\n",
                          "db/migrations/rollback/002_b.sql": "REVOKE SELECT ON a FROM PUBLIC;\n",
                          "notes/x.txt": "GRANT SELECT ON a TO PUBLIC;\n"})
        git(work, "add", "-A")
        env = {"XDG_CACHE_HOME": home, "PRE_COMMIT_HOME": os.path.join(home, "pre-commit")}
        p = run_script("pre-commit run\n", work, env)
        assert p.returncode == 1, p.stdout + p.stderr
        assert "db/migrations/002_b.sql:1:1: error:" in p.stdout and "[grants/grant-to-public]" in p.stdout, p.stdout
        assert "notes/x.txt" not in p.stdout, p.stdout
