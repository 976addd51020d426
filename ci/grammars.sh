#!/usr/bin/env bash
# Fetch the tree-sitter grammars into .tools/grammars/ (idempotent; needs npm).
# Run by setup.sh, and by the Dockerfile's build stage, which has no
# setup.sh packages beyond what building needs.
# Usage: ci/grammars.sh   (from anywhere; works in the source tree's root)
set -euo pipefail
cd "$(dirname "$0")/.."

# Tree-sitter grammars for the shell and JavaScript/TypeScript front-ends: the
# generated C sources of the npm packs (ABI 14, which Debian's libtree-sitter
# 0.20.7 runs), checked against pinned sha256 sums and unpacked into
# .tools/grammars/ (not in git); meson compiles them.
grammars=(
  "tree-sitter-bash 0.23.3 10f4d67f56e07bc6cc34c49afb34e232269c1e0a19933880dfdb5dd738a8fc7d"
  "tree-sitter-javascript 0.23.1 90e80b25a67517a4daf6ad751557bee21efbda7b7a5a554897933245d1734398"
  "tree-sitter-typescript 0.23.2 0fdf63c35930a75885145d75ee63cb879da2d49db9bfe454bd8e60b08ba778a1"
)
for g in "${grammars[@]}"; do
  read -r name version sum <<<"$g"
  dir=.tools/grammars/$name
  if [ "$(cat "$dir/.sha256" 2>/dev/null)" != "$sum" ]; then
    echo "setup: fetching $name@$version into $dir" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --ignore-scripts --silent --loglevel=error "$name@$version" >/dev/null)
    echo "$sum  $tmp/$name-$version.tgz" | sha256sum -c --quiet - >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -xzf "$tmp/$name-$version.tgz" -C "$dir" --strip-components=1
    echo "$sum" >"$dir/.sha256"
    rm -rf "$tmp"
  fi
done
