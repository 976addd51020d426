#!/usr/bin/env python3
"""Benchmark (not a test): scanning real repositories' files for secrets, against secretlint.

Three trees, each copied into a temporary directory (so neither tool skips it as node_modules
or reads outside it):
  apps      ../shared/corpus/apps: real application repositories (migrations, env, compose,
            Helm, CI, scripts, backend code);
  packages  a real npm tree: the packages secretlint itself installs (.tools/node_modules,
            JavaScript, TypeScript, JSON, Markdown, YAML), without the SARIF and squawk binaries;
  planted   FILES generated .env, compose YAML, shell and TypeScript files, one in 25 with a
            planted password (the earlier form of this benchmark).
Per tree, ROUNDS pairs run interleaved (pgrampart, secretlint, pgrampart, ...), so the load of a
shared machine falls on both alike: pgrampart `check --format json` (every plugin: secrets,
sslmode, TLS verification, the SQL the files hold) and secretlint 13.0.6 with
@secretlint/secretlint-rule-preset-recommend 13.0.7 (npm, installed into .tools/; the versions
installed are printed).  Per child (bench/childrun.py): CPU = user + sys, wall, peak RSS.
Prints medians with min-max and the median of the per-round ratios, and what each found.
Usage: python3 bench/secrets_scan.py [--rounds N] [--files FILES] [--trees apps,packages,planted]
                                      [BINARY]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import childrun  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tools = os.path.join(root, ".tools")
secretlint = os.path.join(tools, "node_modules", ".bin", "secretlint")
SECRETLINT = ["secretlint@13.0.6", "@secretlint/secretlint-rule-preset-recommend@13.0.7"]


def install_secretlint():
    if not os.path.exists(secretlint):
        subprocess.run(["npm", "install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error",
                        *SECRETLINT], check=True)


def installed_version(name):
    with open(os.path.join(tools, "node_modules", *name.split("/"), "package.json")) as f:
        return json.load(f)["version"]


def planted(i):
    """A password in one file of 25 (25 is odd: every format gets some), else a clean URL."""
    if i % 25 == 0:
        return f"postgres://app:Xk9mQ2vLp8RtZ{i:04d}@db{i}.example.com/app"
    return f"postgres://app@db{i}.example.com/app?sslmode=verify-full"


def make_planted(d, n_files):
    for i in range(n_files):
        kind = i % 4
        sub = os.path.join(d, f"svc{i // 100}")
        os.makedirs(sub, exist_ok=True)
        url = planted(i)
        if kind == 0:
            text = f"APP_NAME=svc{i}\nPORT={3000 + i}\nDATABASE_URL={url}\nLOG_LEVEL=info\n" * 5
            name = f"svc{i}.env"
        elif kind == 1:
            text = (f"services:\n  api{i}:\n    image: registry.example.com/api:{i}\n    environment:\n"
                    f"      DATABASE_URL: {url}\n      LOG_LEVEL: info\n    ports:\n      - \"{3000 + i}:3000\"\n")
            name = f"compose{i}.yml"
        elif kind == 2:
            text = (f"#!/bin/sh\nset -eu\nexport PGSSLMODE=verify-full\n"
                    f"psql \"{url}\" -v ON_ERROR_STOP=1 -f migrations/{i}.sql\necho done {i}\n")
            name = f"deploy{i}.sh"
        else:
            text = (f"import {{ Pool }} from 'pg';\nexport const pool{i} = new Pool({{\n"
                    f"  connectionString: '{url}',\n  max: {i % 20 + 1},\n}});\n"
                    f"export function name{i}(): string {{ return 'svc{i}'; }}\n")
            name = f"db{i}.ts"
        with open(os.path.join(sub, name), "w") as f:
            f.write(text)


def make_tree(kind, d, n_files):
    """Fill d/tree with the tree named kind; returns its path."""
    out = os.path.join(d, "tree")
    if kind == "apps":
        shutil.copytree(os.path.join(root, "..", "shared", "corpus", "apps"), out, symlinks=True)
    elif kind == "packages":
        shutil.copytree(os.path.join(tools, "node_modules"), out, symlinks=True,
                        ignore=shutil.ignore_patterns("@microsoft", "@squawk-cli", "squawk-cli", ".bin"))
    else:
        os.makedirs(out)
        make_planted(out, n_files)
    with open(os.path.join(d, ".secretlintrc.json"), "w") as f:
        json.dump({"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}, f)
    return out


def run(argv, cwd):
    """(CPU s, wall s, peak RSS MiB, stdout) of one child (bench/childrun.py)."""
    with tempfile.TemporaryFile() as out:
        cpu, wall, rss, _ = childrun.run(argv, cwd, stdout=out)
        out.seek(0)
        return cpu, wall, rss, out.read().decode(errors="replace")


def spread(xs, fmt):
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"


def found_by_pgrampart(text):
    by_rule = {}
    for f in json.loads(text)["findings"]:
        by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
    secrets = sum(n for r, n in by_rule.items() if r.startswith("secrets/"))
    return f"{sum(by_rule.values())} findings, {secrets} of them secrets/*"


def found_by_secretlint(text):
    try:
        return f"{sum(len(r.get('messages', [])) for r in json.loads(text))} messages"
    except ValueError:
        return "unreadable output"


def bench_tree(kind, binary, rounds, n_files):
    with tempfile.TemporaryDirectory() as d:
        tree = make_tree(kind, d, n_files)
        files = sum(len(fs) for _, _, fs in os.walk(tree))
        mib = sum(os.path.getsize(os.path.join(p, f)) for p, _, fs in os.walk(tree) for f in fs
                  if not os.path.islink(os.path.join(p, f))) / 2**20
        p_argv = [binary, "check", "--format", "json", "tree"]
        s_argv = [secretlint, "--format", "json", "--secretlintrc", ".secretlintrc.json", "tree/**/*"]
        run(p_argv, d)
        run(s_argv, d)      # the page cache, for both
        ps, ss = [], []
        for i in range(rounds):
            ps.append(run(p_argv, d))
            ss.append(run(s_argv, d))
            if i + 1 < rounds:      # keep only the last outputs: this process stays small
                ps[-1], ss[-1] = ps[-1][:3] + ("",), ss[-1][:3] + ("",)
    print(f"\n{kind}: {files} files, {mib:.1f} MiB")
    print(f"  {'tool':24} {'CPU s':>20} {'wall s':>20} {'peak RSS MiB':>20}")
    for name, xs in (("pgrampart", ps), ("secretlint", ss)):
        print(f"  {name:24} {spread([x[0] for x in xs], '{:.2f}'):>20} {spread([x[1] for x in xs], '{:.2f}'):>20} "
              f"{spread([x[2] for x in xs], '{:.1f}'):>20}")
    ratio = [statistics.median(p[i] / s[i] for p, s in zip(ps, ss)) for i in range(3)]
    print(f"  ratio pgrampart/secretlint (median of rounds): CPU {ratio[0]:.2f}, wall {ratio[1]:.2f}, "
          f"RSS {ratio[2]:.2f}")
    print(f"  found: pgrampart {found_by_pgrampart(ps[-1][3])}; secretlint {found_by_secretlint(ss[-1][3])}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--files", type=int, default=2000, help="files of the planted tree")
    ap.add_argument("--trees", default="apps,packages,planted")
    ap.add_argument("binary", nargs="?", default=os.path.join(root, "build", "pgrampart"))
    a = ap.parse_args()
    install_secretlint()
    print(f"secretlint {installed_version('secretlint')}, preset-recommend "
          f"{installed_version('@secretlint/secretlint-rule-preset-recommend')}; "
          f"{a.rounds} interleaved rounds per tree")
    for kind in a.trees.split(","):
        bench_tree(kind, os.path.abspath(a.binary), a.rounds, a.files)


if __name__ == "__main__":
    sys.exit(main())
