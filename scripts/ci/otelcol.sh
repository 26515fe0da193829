#!/usr/bin/env bash
# A real OpenTelemetry Collector for test/integration/tracing.test.ts, built from the Go module proxy
# with the OpenTelemetry Collector Builder (ocb) and only what the test needs: the OTLP receiver, the
# file exporter (writes the spans it receives as OTLP JSON lines, which the test reads) and the debug
# exporter. Idempotent: the binary is cached in $MLCTL_CACHE/bin keyed by version and manifest; a warm
# run takes well under a second. The first build takes ~10 minutes on 2 cores (docs/TRACING.md).
# Prints the binary's path on stdout; export it as MLCTL_OTELCOL_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."

OTELCOL_VERSION=0.165.0
PDATA_VERSION=1.71.0
# shellcheck source=lib.sh
source scripts/ci/lib.sh
export PATH="$PATH:/usr/local/go/bin"

manifest() {
  cat <<YAML
dist:
  name: otelcol-mlctl
  description: OpenTelemetry Collector for mlctl's tracing tests
  version: $OTELCOL_VERSION
  output_path: $1
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v$OTELCOL_VERSION
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v$OTELCOL_VERSION
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter v$OTELCOL_VERSION
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v$PDATA_VERSION
  - gomod: go.opentelemetry.io/collector/confmap/provider/fileprovider v$PDATA_VERSION
YAML
}

key="$(manifest OUT | sha256sum | cut -c1-12)"
bin="$BIN/otelcol-v$OTELCOL_VERSION-$key/otelcol-mlctl"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || die "Go is needed to build the OpenTelemetry Collector (apt-get install golang-go, or /usr/local/go)"
  log "building the OpenTelemetry Collector v$OTELCOL_VERSION (otlp receiver, file and debug exporters) from the Go module proxy; ~10 minutes the first time"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  GOBIN="$work/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$OTELCOL_VERSION" >&2
  manifest "$work/dist" >"$work/manifest.yaml"
  # ocb writes the sources; its own `go mod tidy` is skipped because tidy also fetches the test-only
  # dependencies of the components, one of which the module proxy refuses (otlpencodingextension's zip).
  # Building needs only the modules the binary imports, at the versions the components' go.mod files pin.
  "$work/bin/builder" --config "$work/manifest.yaml" --skip-get-modules --skip-compilation >&2
  (
    cd "$work/dist"
    go mod init otelcol-mlctl >&2
    sed -n 's/^  - gomod: \([^ ]*\) \(v[^ ]*\)$/\1@\2/p' "$work/manifest.yaml" |
      xargs go get "go.opentelemetry.io/collector/otelcol@v$OTELCOL_VERSION" >&2
    go build -mod=mod -trimpath -ldflags '-s -w' -o otelcol-mlctl . >&2
  )
  mkdir -p "$(dirname "$bin")"
  mv "$work/dist/otelcol-mlctl" "$bin.tmp"
  mv "$bin.tmp" "$bin"
fi
"$bin" --version >/dev/null || die "$bin does not run"
echo "$bin"
