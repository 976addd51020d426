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
