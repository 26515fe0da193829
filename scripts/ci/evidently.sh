#!/usr/bin/env bash
# Creates the Python venv the drift bench compares against (Evidently) and the live scipy cross-check uses
# (idempotent: quick when it exists). Prints the venv's python on stdout; export it as
# MLCTL_BENCH_EVIDENTLY_PYTHON and/or MLCTL_TEST_PYTHON. Evidently 0.7.23 needs pandas < 3.
set -euo pipefail
VENV="${MLCTL_EVIDENTLY_VENV:-$HOME/.cache/mlctl/evidently-venv}"
PY="$VENV/bin/python"
if ! "$PY" -c 'import evidently, scipy, pandas; assert evidently.__version__ == "0.7.23"' >/dev/null 2>&1; then
  echo "ci: creating $VENV with evidently 0.7.23 (from PyPI)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'evidently==0.7.23' 'pandas==2.3.3' >&2
fi
"$PY" -c 'import evidently, scipy; print("ci: evidently", evidently.__version__, "scipy", scipy.__version__)' >&2
echo "$PY"
