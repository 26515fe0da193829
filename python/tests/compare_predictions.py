"""Compares the loader with `mlctl predict --proba` (test/unit/python-flavor.test.ts runs it).

usage: compare_predictions.py LOADER_DIR MODEL_DIR ROWS_CSV MLCTL_CSV -> one JSON line on stdout

LOADER_DIR holds the mlctl_pyfunc.py to test (an artifact's code/, or python/). The rows are read twice:
as text, every cell a string as `mlctl predict` reads it, and as pandas reads a CSV by default (numbers;
NaN for empty cells and "NA"). Both must give mlctl's labels, probabilities and values.
"""

import json
import sys

import numpy as np
import pandas as pd

loader_dir, model_dir, rows_csv, mlctl_csv = sys.argv[1:5]
sys.path.insert(0, loader_dir)
import mlctl_pyfunc  # noqa: E402

model = mlctl_pyfunc._load_pyfunc(model_dir)
expected = pd.read_csv(mlctl_csv, dtype=str, keep_default_na=False)
frames = {
    "text": pd.read_csv(rows_csv, dtype=str, keep_default_na=False),
    "parsed": pd.read_csv(rows_csv),
}
report = {"rows": len(expected), "task": model.task, "loader": mlctl_pyfunc.__file__}
for name, frame in frames.items():
    predicted = model.predict(frame)
    if model.task == "regression":
        want = expected["prediction"].astype(float).to_numpy()
        report[name] = {
            "mismatches": int((predicted != want).sum()),
            "max_diff": float(abs(predicted - want).max()),
        }
        continue
    labels = np.array([str(v) for v in predicted])
    proba = model.predict_proba(frame)
    want = expected[[f"proba_{c}" for c in model.classes]].astype(float).to_numpy()
    report[name] = {
        "mismatches": int((labels != expected["prediction"].to_numpy()).sum()),
        "max_diff": float(abs(proba - want).max()),
    }
print(json.dumps(report))
