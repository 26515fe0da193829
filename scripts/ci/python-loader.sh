#!/usr/bin/env bash
# What the Python side of mlctl's models needs in the shared venv (docs/PYTHON.md), idempotent and quick
# when already there; run after `scripts/ci/mlflow.sh install`:
#   - numpy and pandas as python/requirements.txt pins them (the versions every artifact asks for, so
#     the tests run what a model's environment would install), and its MLflow pin checked against
#     mlflow.sh's;
#   - pytest and ruff, for python/'s tests and lint;
#   - pyspark, for the spark_udf test (its JVM needs Java 17+: Debian's openjdk-17-jre-headless when
#     `java` is missing or older).
# Installs hold $CACHE/venv.lock (flock), as every script that installs into the shared venv does.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
PY="$VENV/bin/python"
REQUIREMENTS="$(dirname "$0")/../../python/requirements.txt"
PYTEST_VERSION=9.2.0
RUFF_VERSION=0.17.5
PYSPARK_VERSION=4.3.0

[ -x "$PY" ] || die "$PY not found: run scripts/ci/mlflow.sh install first"
mlflow_pin="$(sed -n 's/^mlflow==//p' "$REQUIREMENTS")"
mlflow_ci="$(sed -n 's/^MLFLOW_VERSION=//p' "$(dirname "$0")/mlflow.sh")"
[ "$mlflow_pin" = "$mlflow_ci" ] ||
  die "python/requirements.txt pins mlflow==$mlflow_pin but scripts/ci/mlflow.sh installs $mlflow_ci: make them agree"

pins=()
while IFS= read -r line; do
  case "$line" in numpy==* | pandas==*) pins+=("$line") ;; esac
done <"$REQUIREMENTS"
pins+=("pytest==$PYTEST_VERSION" "ruff==$RUFF_VERSION" "pyspark==$PYSPARK_VERSION")

if "$PY" - "${pins[@]}" <<'EOF' 2>/dev/null; then
import sys, importlib.metadata as m
for pin in sys.argv[1:]:
    name, version = pin.split("==")
    assert m.version(name) == version, pin
EOF
  log "already installed: ${pins[*]}"
else
  log "installing ${pins[*]} into $VENV (pyspark is a 400 MB download the first time)"
  flock "$CACHE/venv.lock" "$PY" -m pip install --quiet --disable-pip-version-check "${pins[@]}" ||
    die "pip install ${pins[*]} failed"
fi

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
  log "installing Debian's openjdk-17-jre-headless (Spark 4 needs Java 17 or later)"
  apt_install openjdk-17-jre-headless
fi
log "java $(java_major), $("$PY" -c 'import pyspark; print("pyspark", pyspark.__version__)')"
