#!/usr/bin/env bash
# Install what pgrampart needs on Debian (idempotent) and build it into build/.
# Usage: ./setup.sh            (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  build-essential meson ninja-build pkg-config python3
  libpg-query-dev libprotobuf-c-dev libyaml-dev libpq-dev libpcre2-dev libjansson-dev
  libtree-sitter-dev                           # the shell and JS/TS front-ends
  libmd4c-dev                                  # the Markdown front-end's code blocks
  libgit2-dev                                  # --staged/--diff-base, read in-process
  libcmocka-dev valgrind binutils strace         # strace: the start-up test (perf_startup.py)
  postgresql-15 postgresql-client-15 openssl   # live-audit tests and the demo
  git pre-commit                               # --staged/--diff-base tests, the hook test
  scdoc                                        # the man page
  debhelper dpkg-dev                           # the Debian package (debian/, tests/e2e/install_paths.py)
  time                                         # the benchmarks (peak RSS)
  clang libclang-rt-14-dev                     # the libFuzzer harnesses (tests/fuzz/)
  chromium                                     # renders the HTML sign-off report in a test (headless)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

# Microsoft's SARIF validator, for the tests (npm registry; kept out of git in .tools/).
if ! command -v npm >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends nodejs npm >&2
fi
sarif_tool=.tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$sarif_tool" ]; then
  echo "setup: installing @microsoft/sarif-multitool into .tools/" >&2
  npm install --prefix .tools --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool@5.7.0 >&2
  # npm does not run install scripts here: make the binary executable ourselves.
  chmod u+x "$sarif_tool"
fi

# Tree-sitter grammars for the shell and JavaScript/TypeScript front-ends
# (ci/grammars.sh: pinned npm packs unpacked into .tools/grammars/).
ci/grammars.sh

if [ ! -f build/build.ninja ]; then
  meson setup build >&2
fi
ninja -C build >&2
