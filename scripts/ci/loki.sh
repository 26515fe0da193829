#!/usr/bin/env bash
# Builds a real Loki from the Go module proxy for test/integration/drift-loki.test.ts (idempotent: the
# binary is cached in ~/.cache/mlctl/loki). `go install github.com/grafana/loki/v3/cmd/loki@<v>` is refused
# ("The go.mod file ... contains one or more replace directives"), so this downloads the module, adds the
# nested module its go.mod replaces with ./pkg/push, and builds it as the main module. Takes 15–25 minutes
# on 2 cores the first time. Prints the binary's path on stdout; export it as MLCTL_LOKI_BIN.
set -euo pipefail
LOKI_VERSION="${MLCTL_LOKI_VERSION:-v3.5.0}"
PUSH_VERSION="${MLCTL_LOKI_PUSH_VERSION:-v0.0.0-20240924133635-758364c7775f}"
CACHE="${MLCTL_LOKI_CACHE:-$HOME/.cache/mlctl/loki}"
BIN="$CACHE/loki-$LOKI_VERSION"

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "ci: go is needed to build Loki" >&2; exit 1; }
mkdir -p "$CACHE"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
module_dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }
echo "ci: building Loki $LOKI_VERSION from the Go module proxy (slow the first time)" >&2
cp -r "$(module_dir "github.com/grafana/loki/v3@$LOKI_VERSION")" "$work/loki"
chmod -R u+w "$work/loki"
mkdir -p "$work/loki/pkg/push"
cp -r "$(module_dir "github.com/grafana/loki/pkg/push@$PUSH_VERSION")/." "$work/loki/pkg/push/"
chmod -R u+w "$work/loki/pkg/push"
(cd "$work/loki" && GOFLAGS=-mod=mod go build -o "$BIN.tmp" ./cmd/loki)
mv "$BIN.tmp" "$BIN"
echo "$BIN"
