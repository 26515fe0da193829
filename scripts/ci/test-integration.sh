#!/usr/bin/env bash
# Runs the integration suite against real MLflow servers it starts (and always stops) on loopback:
#   bash scripts/ci/test-integration.sh
# A missing server is a failure here (MLCTL_REQUIRE_MLFLOW=1), never a skip.
set -euo pipefail
cd "$(dirname "$0")/../.."
state="$(mktemp -d "${TMPDIR:-/tmp}/mlctl-mlflow.XXXXXX")"
trap 'bash scripts/ci/mlflow.sh stop "$state"' EXIT
eval "$(bash scripts/ci/mlflow.sh start "$state")"
MLCTL_REQUIRE_MLFLOW=1 npm run test:integration
