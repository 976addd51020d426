#!/usr/bin/env python3
"""Benchmark (not a test): scanning a repository's settings files for secrets.

A generated tree of FILES files in the four formats the settings front-ends read
(.env, compose-style YAML, deploy shell scripts, TypeScript modules), a few secrets
planted among ordinary values. pgrampart `check` (all plugins: secrets, sslmode,
TLS verification, the SQL handed to psql) against secretlint with its recommended
preset (npm, installed into .tools/) on the same tree. Prints wall time and peak RSS
of each, their ratios, and what each found.
Usage: python3 bench/secrets_scan.py [FILES]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
n_files = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
pgrampart = os.path.join(root, "build", "pgrampart")
tools = os.path.join(root, ".tools")
secretlint = os.path.join(tools, "node_modules", ".bin", "secretlint")

if not os.path.exists(secretlint):
    subprocess.run(["npm", "install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error",
                    "secretlint@13.0.6", "@secretlint/secretlint-rule-preset-recommend@13.0.7"], check=True)


def planted(i):
    """A password in one file of 25 (25 is odd: every format gets some), else a clean URL."""
    if i % 25 == 0:
        return f"postgres://app:Xk9mQ2vLp8RtZ{i:04d}@db{i}.example.com/app"
    return f"postgres://app@db{i}.example.com/app?sslmode=verify-full"


def make_tree(d):
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


def measure(argv, cwd):
    """Wall time, peak RSS in MiB (GNU time's %M) and the completed process."""
    with tempfile.NamedTemporaryFile("r") as t:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%M", *argv], cwd=cwd,
                           capture_output=True, text=True)
        wall = time.perf_counter() - t0
        return wall, int(t.read().split()[-1]) / 1024.0, p


with tempfile.TemporaryDirectory() as d:
    make_tree(d)
    subprocess.run([pgrampart, "check", "--format", "json", "."], cwd=d, capture_output=True)  # page cache
    p_wall, p_rss, p = measure([pgrampart, "check", "--format", "json", "."], d)
    with open(os.path.join(d, ".secretlintrc.json"), "w") as f:
        json.dump({"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}, f)
    s_wall, s_rss, s = measure([secretlint, "--format", "json", "--secretlintrc", ".secretlintrc.json",
                                "**/*"], d)
    doc = json.loads(p.stdout)
    by_rule = {}
    for f in doc["findings"]:
        by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
    try:
        s_found = sum(len(r.get("messages", [])) for r in json.loads(s.stdout))
    except ValueError:
        s_found = f"unreadable output (exit {s.returncode})"
    print(f"tree: {n_files} files (.env, YAML, shell, TypeScript), {(n_files + 24) // 25} files with a planted password")
    print(f"pgrampart check: {p_wall:.2f} s, peak RSS {p_rss:.0f} MiB; findings {by_rule}")
    print(f"secretlint 13.0.6 (preset-recommend): {s_wall:.2f} s, peak RSS {s_rss:.0f} MiB; "
          f"messages {s_found}")
    print(f"ratio pgrampart/secretlint: time {p_wall / s_wall:.2f}, memory {p_rss / s_rss:.2f}")
