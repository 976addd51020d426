"""End-to-end tests: Plugins: the ABI, out-of-tree builds, bad plugins, the installed tree."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def test_plugin_out_of_tree():
    with tempfile.TemporaryDirectory() as d:
        build_plugin(d)
        rc, out, err = run("--plugin-dir", d, "rules") if False else run("rules", "--plugin-dir", d)
        assert rc == 0 and "example/drop-table" in out and "example " in out, out + err
        write_tree(d, {"x/m.sql": "DROP TABLE a;\n"})
        _, doc = check_json("--plugin-dir", d, os.path.join(d, "x"))
        assert [(f["rule"], f["line"], f["severity"]) for f in doc["findings"]] == \
            [("example/drop-table", 1, "warning")], doc


def test_plugin_wrong_abi():
    with tempfile.TemporaryDirectory() as d:
        so = build_plugin(d, "-DWRONG_ABI")
        rc, _, err = run("check", "--plugin-dir", d, ARGS.source + "/samples/clean")
        assert rc == 2 and so in err and "ABI version %d" % (host_abi() + 1) in err, err


def test_plugin_missing_init():
    with tempfile.TemporaryDirectory() as d:
        so = build_plugin(d, "-DNO_INIT")
        rc, _, err = run("check", "--plugin-dir", d, ARGS.source + "/samples/clean")
        assert rc == 2 and so in err and "no pgrampart_plugin_init symbol" in err, err


def test_plugin_not_elf():
    with tempfile.TemporaryDirectory() as d:
        so = os.path.join(d, "bogus.so")
        with open(so, "w") as f:
            f.write("this is not a shared object\n")
        rc, _, err = run("check", "--plugin-dir", d, ARGS.source + "/samples/clean")
        assert rc == 2 and so in err and "cannot load plugin" in err, err


def test_plugins_link_no_host_symbols():
    """No shipped plugin needs a symbol of the host, and each exports only its init."""
    def syms(path, *flags):
        out = subprocess.run(["nm", "-D", *flags, path], capture_output=True, text=True, check=True).stdout
        return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}

    host = syms(ARGS.bin, "--defined-only") | syms(ARGS.bin)
    core_prefixes = ("pgr_", "sql_", "model_", "util_", "diag_", "check_", "config_", "mig_",
                     "dotenv_", "host_", "cfg_")
    pdir = os.path.join(os.path.dirname(ARGS.bin), "plugins")
    for name in ["rls", "grants", "ssl", "secrets", "rollback", "server", "drift"]:
        so = os.path.join(pdir, name + ".so")
        needed = syms(so, "--undefined-only")
        ours = {x for x in needed if x.startswith(core_prefixes)}
        assert not ours, (name, ours)
        # Whatever the host binary defines itself (not libc's) must not be needed.
        assert not (needed & {x for x in host if x.startswith(core_prefixes)}), name
        assert syms(so, "--defined-only") == {"pgrampart_plugin_init"}, name


def test_install():
    """meson install into a temporary prefix: the installed binary finds its plugins and rule packs,
    and an out-of-tree plugin builds against the installed header via pkg-config."""
    build = os.path.dirname(ARGS.bin)
    with tempfile.TemporaryDirectory() as dest:
        p = subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild", "--quiet"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        binaries = glob.glob(os.path.join(dest, "**", "bin", "pgrampart"), recursive=True)
        assert len(binaries) == 1, binaries
        installed = binaries[0]
        prefix = os.path.dirname(os.path.dirname(installed))
        # The build tree's plugins must not be what it finds: copy it away from them.
        out = subprocess.run([installed, "rules"], capture_output=True, text=True)
        assert out.returncode == 0 and "rls/table-without-rls" in out.stdout and "drift/grant" in out.stdout, out
        assert glob.glob(os.path.join(prefix, "**", "bash-completion", "completions", "pgrampart"), recursive=True)
        if shutil.which("scdoc"):
            assert glob.glob(os.path.join(prefix, "**", "man1", "pgrampart.1"), recursive=True)
        rc = subprocess.run([installed, "check", "--format", "json", "samples/"], cwd=ARGS.source,
                            capture_output=True, text=True)
        doc = json.loads(rc.stdout)
        expected = json.loads(run("check", "--format", "json", "samples/", cwd=ARGS.source)[1])
        assert doc["findings"] == expected["findings"], "installed binary reports differently"
        pcdir = glob.glob(os.path.join(prefix, "**", "pkgconfig"), recursive=True)
        assert pcdir, "no pkgconfig directory installed"
        env = dict(os.environ, PKG_CONFIG_PATH=pcdir[0])
        cflags = subprocess.run(["pkg-config", "--define-prefix", "--cflags", "pgrampart-plugin"],
                                capture_output=True, text=True, env=env, check=True).stdout.split()
        assert any(os.path.isdir(f[2:]) and f[2:].startswith(dest) for f in cflags if f.startswith("-I")), cflags
        with tempfile.TemporaryDirectory() as pd:
            so = os.path.join(pd, "example.so")
            subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden",
                            "-Wl,-z,defs", *cflags, os.path.join(ARGS.source, "tests/plugins/example.c"), "-o", so],
                           check=True)
            write_tree(pd, {"x/m.sql": "DROP TABLE a;\n"})
            out = subprocess.run([installed, "check", "--format", "json", "--plugin-dir", pd,
                                  os.path.join(pd, "x")], capture_output=True, text=True)
            assert [f["rule"] for f in json.loads(out.stdout)["findings"]] == ["example/drop-table"], out
