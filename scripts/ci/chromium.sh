#!/usr/bin/env bash
# Installs Debian's chromium for the drift HTML report's headless-browser test (idempotent: quick when
# already installed). Prints the binary's path on stdout; test/cli/drift-browser.test.ts finds it on PATH
# (or in MLCTL_CHROMIUM) and, with MLCTL_REQUIRE_CHROMIUM=1, fails instead of skipping when it is missing.
set -euo pipefail

find_chromium() {
  command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null || true
}

bin="$(find_chromium)"
if [ -z "$bin" ]; then
  echo "ci: installing chromium (Debian package) for the HTML report test" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  bin="$(find_chromium)"
fi
if [ -z "$bin" ]; then
  echo "ci: chromium could not be installed" >&2
  exit 1
fi
echo "ci: $("$bin" --version 2>/dev/null || echo chromium) at $bin" >&2
echo "$bin"
