#!/usr/bin/env bash
# The tools test/infra/{helm,terraform,container-steps}.test.ts check the deployment kit with, installed
# from the package registries this project reaches (idempotent; seconds when already installed):
#   helm                 helm.sh/helm/v3 built from the Go module proxy
#   tofu                 OpenTofu built from its Go module (its go.mod has replace directives, so
#                        `go install pkg@version` refuses it: the module is downloaded and built as main module)
#   kubernetes-validate  from PyPI into the venv $MLCTL_CACHE/venv (Kubernetes JSON schemas included)
#   CRD validator        scripts/ci/crd-validator (npm ci): ServiceMonitor, PrometheusRule, ExternalSecret schemas
#   compose-check        scripts/ci/compose-check (Go): loads docker-compose.yml with compose-go, as `docker compose` does
# Prints `export MLCTL_…=path` lines for the tests:  eval "$(bash scripts/ci/infra-tools-k8s.sh)"
# Env: MLCTL_CACHE (default ~/.cache/mlctl). Needs Go (>= 1.24; /usr/local/go/bin is searched), python3, npm.
set -euo pipefail
cd "$(dirname "$0")/../.."

HELM_VERSION=v3.22.0
TOFU_VERSION=v1.10.10
KUBERNETES_VALIDATE_VERSION=1.35.0
# shellcheck source=lib.sh
source scripts/ci/lib.sh

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "Go is needed to build helm and tofu (apt-get install golang-go, or /usr/local/go)"
mkdir -p "$BIN"

helm_bin="$BIN/helm-$HELM_VERSION/helm"
if [ ! -x "$helm_bin" ]; then
  log "building helm $HELM_VERSION from the Go module proxy (a few minutes the first time)"
  GOBIN="$(dirname "$helm_bin")" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
fi
"$helm_bin" version --short >/dev/null || die "$helm_bin does not run"

tofu_bin="$BIN/tofu-$TOFU_VERSION/tofu"
if [ ! -x "$tofu_bin" ]; then
  log "building OpenTofu $TOFU_VERSION from its Go module (several minutes the first time)"
  src="$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || die "go mod download github.com/opentofu/opentofu@$TOFU_VERSION failed"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp -r "$src/." "$work/" && chmod -R u+w "$work"
  (cd "$work" && go build -trimpath -o "$tofu_bin" ./cmd/tofu) >&2
fi
"$tofu_bin" version >/dev/null 2>&1 || die "$tofu_bin does not run"

if [ ! -x "$VENV/bin/python" ]; then
  command -v python3 >/dev/null || die "python3 is needed for kubernetes-validate"
  python3 -m venv "$VENV" || die "python3 -m venv $VENV failed (apt-get install python3-venv)"
fi
if ! "$VENV/bin/python" - "$KUBERNETES_VALIDATE_VERSION" <<'PY' >/dev/null 2>&1; then
import sys, importlib.metadata as m
assert m.version("kubernetes-validate") == sys.argv[1]
PY
  log "installing kubernetes-validate==$KUBERNETES_VALIDATE_VERSION into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
fi

compose_src=scripts/ci/compose-check
compose_key="$(cat "$compose_src/main.go" "$compose_src/go.mod" "$compose_src/go.sum" | sha256sum | cut -c1-12)"
compose_bin="$BIN/compose-check-$compose_key/compose-check"
if [ ! -x "$compose_bin" ]; then
  log "building compose-check (compose-go from the Go module proxy)"
  (cd "$compose_src" && go build -trimpath -o "$compose_bin" .) >&2
fi

crd=scripts/ci/crd-validator
if ! cmp -s "$crd/package-lock.json" "$crd/node_modules/.mlctl-installed-lock.json"; then
  log "installing the CRD validator's packages ($crd)"
  (cd "$crd" && npm ci --no-audit --no-fund >&2 && cp package-lock.json node_modules/.mlctl-installed-lock.json)
fi

echo "export MLCTL_HELM='$helm_bin'"
echo "export MLCTL_TOFU='$tofu_bin'"
echo "export MLCTL_KUBERNETES_VALIDATE='$VENV/bin/kubernetes-validate'"
echo "export MLCTL_COMPOSE_CHECK='$compose_bin'"
