#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (tests/fuzz/fuzz_target.c) into OUT/<target>/.

Usage: seeds.py OUT [--source DIR] [--corpus DIR] [--per-target N]

Seeds come from, at run time (nothing third-party is committed):
  - the hand-written seeds of tests/fuzz/seeds/<target>/;
  - the sample repository, samples/ (each file to the target of its kind);
  - the end-to-end tests' inputs: every {"name.ext": "text"} literal of tests/e2e/*.py,
    read with the ast module (hostile inputs the tests already hold);
  - when given, the shared corpus of real repositories (at most N files per target, chosen
    evenly by sorted path, so the set is the same on every run).
Seeds longer than MAX_LEN bytes (libFuzzer's -max_len) are left out.
"""
import argparse
import ast
import hashlib
import os
import re
import sys

MAX_LEN = 65536
TARGETS = ("sql", "dotenv", "yaml", "shell", "js", "conf", "suppress", "conninfo", "config", "markdown")


def targets_of(name):
    """The fuzz targets a file name feeds, as check_kind_of() sorts files."""
    base = os.path.basename(name)
    if base in (".pgrampart.yml", ".pgrampart.yaml"):
        return ["config"]
    if base.endswith((".sql", ".psql", ".pgsql")):
        return ["sql"]
    if base == ".env" or base.startswith(".env.") or base.endswith(".env"):
        return ["dotenv"]
    if base == "pgbouncer.ini" or (base.endswith(".conf") and ("hba" in base or base.startswith("postgresql"))):
        return ["conf"]
    if base.endswith((".yml", ".yaml")):
        return ["yaml"]
    if base.endswith((".sh", ".bash")):
        return ["shell"]
    if base.endswith((".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")) and \
            not base.endswith((".min.js", ".d.ts")):
        return ["js"]
    if base.endswith((".md", ".mdx", ".markdown")):
        return ["markdown"]
    return []


CONNINFO = re.compile(rb"(postgres(?:ql)?://[^\s'\"`]+|(?:host|dbname|user|sslmode)=[^\n'\"`]*(?: \w+=[^\s'\"`]*)*)")


def extra_targets(data):
    """Suppression comments and connection strings inside any seed feed those targets too."""
    out = []
    if b"pgrampart-ignore" in data:
        out.append(("suppress", data))
    for m in CONNINFO.finditer(data):
        out.append(("conninfo", m.group(1)))
    return out


class Seeds:
    def __init__(self, out):
        self.out = out
        self.count = {t: 0 for t in TARGETS}
        for t in TARGETS:
            os.makedirs(os.path.join(out, t), exist_ok=True)

    def add(self, target, data, follow=True):
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        if len(data) > MAX_LEN:
            return
        # Named by content, as libFuzzer names its corpus files: duplicates collapse.
        path = os.path.join(self.out, target, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count[target] += 1
        if follow:
            for t, d in extra_targets(data):
                self.add(t, d, follow=False)

    def add_file(self, path, name=None):
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_LEN + 1)
        except OSError:
            return
        for t in targets_of(name or path):
            self.add(t, data)


def test_literals(source):
    """(name, text) of every dict item of tests/e2e/*.py whose key is a file name of ours
    and whose value is a str or bytes constant."""
    d = os.path.join(source, "tests", "e2e")
    for mod in sorted(os.listdir(d)):
        if not mod.endswith(".py"):
            continue
        with open(os.path.join(d, mod), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and \
                        isinstance(v, ast.Constant) and isinstance(v.value, (str, bytes)):
                    yield k.value, v.value


def corpus_files(corpus):
    by_target = {t: [] for t in TARGETS}
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(x for x in dirnames if x not in (".git", "node_modules"))
        for name in sorted(filenames):
            for t in targets_of(name):
                by_target[t].append(os.path.join(dirpath, name))
    return by_target


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--source", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--corpus", default="")
    ap.add_argument("--per-target", type=int, default=120)
    args = ap.parse_args()
    seeds = Seeds(args.out)

    hand = os.path.join(args.source, "tests", "fuzz", "seeds")
    for t in TARGETS:
        d = os.path.join(hand, t)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            with open(os.path.join(d, name), "rb") as f:
                seeds.add(t, f.read())
    for dirpath, _, filenames in os.walk(os.path.join(args.source, "samples")):
        for name in sorted(filenames):
            seeds.add_file(os.path.join(dirpath, name))
    for name, text in test_literals(args.source):
        for t in targets_of(name):
            seeds.add(t, text)
    if args.corpus and os.path.isdir(args.corpus):
        for t, files in corpus_files(args.corpus).items():
            step = max(1, len(files) // args.per_target) if files else 1
            for path in files[::step][:args.per_target]:
                seeds.add_file(path)
    print(" ".join(f"{t}={n}" for t, n in seeds.count.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
