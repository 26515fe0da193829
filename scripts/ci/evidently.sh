#!/usr/bin/env bash
# Creates the Python venv with Evidently that the drift comparison test (test/integration/drift-evidently)
# and the drift bench run against (idempotent: quick when it exists). Prints the venv's python on stdout;
# .ci/run exports it as MLCTL_EVIDENTLY_PYTHON, the bench reads MLCTL_BENCH_EVIDENTLY_PYTHON. Evidently 0.7
# needs pandas < 3 (with pandas 3 it does not import), hence its own venv; the pins are the versions the
# comparison was made with (docs/DRIFT.md).
set -euo pipefail
VENV="${MLCTL_EVIDENTLY_VENV:-$HOME/.cache/mlctl/evidently-venv}"
PY="$VENV/bin/python"
PINS=('evidently==0.7.23' 'pandas==2.3.3' 'numpy==2.4.6' 'scipy==1.17.1' 'scikit-learn==1.9.1')
check='import evidently, pandas, scipy, sklearn, numpy
assert evidently.__version__ == "0.7.23" and pandas.__version__ == "2.3.3", "other versions"
assert sklearn.__version__ == "1.9.1" and scipy.__version__ == "1.17.1" and numpy.__version__ == "2.4.6", "other versions"'
if ! "$PY" -c "$check" >/dev/null 2>&1; then
  echo "ci: creating $VENV with ${PINS[*]} (from PyPI)" >&2
  [ -x "$PY" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PINS[@]}" >&2
  "$PY" -c "$check" >&2
fi
"$PY" -c 'import evidently, scipy, pandas; print("ci: evidently", evidently.__version__, "pandas", pandas.__version__, "scipy", scipy.__version__)' >&2
echo "$PY"
