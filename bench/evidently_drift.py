"""Evidently 0.7's default API (`Report([DataDriftPreset()])`) on the same files as `mlctl drift`: read the
reference CSV and the current data (a CSV with pandas, or a JSONL prediction log the way the seed read it:
json.loads per line, one dict per row, a DataFrame), run the report, save its HTML. Prints JSON: timings,
peak RSS, the tests and scores per column.

Run by bench/drift.bench.js with MLCTL_BENCH_EVIDENTLY_PYTHON (scripts/ci/evidently.sh makes the venv)."""
import json
import os
import resource
import sys
import time
import warnings

warnings.filterwarnings("ignore")
reference_path, current_path, html_path = sys.argv[1:4]
started = time.perf_counter()

import pandas as pd  # noqa: E402
import evidently  # noqa: E402
from evidently import Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

imported = time.perf_counter()
reference = pd.read_csv(reference_path)
# mlctl leaves the target out and compares the features and the prediction: so does Evidently here.
reference = reference.drop(columns=["target"], errors="ignore")
features = [c for c in reference.columns if c != "prediction"]
if current_path.endswith(".csv"):
    current = pd.read_csv(current_path)
else:
    rows, predictions = [], []
    with open(current_path) as f:
        for line in f:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict) or event.get("event") != "prediction":
                continue
            names = event.get("feature_names") or features
            p = event.get("predictions") or []
            for i, row in enumerate(event.get("features") or []):
                rows.append(dict(zip(names, row)))
                predictions.append(p[i] if i < len(p) else None)
    current = pd.DataFrame(rows, columns=features)
    current["prediction"] = predictions
current = current[[c for c in reference.columns]]
loaded = time.perf_counter()

snapshot = Report([DataDriftPreset()]).run(current, reference)
result = snapshot.dict()
computed = time.perf_counter()
snapshot.save_html(html_path)
saved = time.perf_counter()

scores = {}
share = None
for metric in result["metrics"]:
    config = metric["config"]
    if config.get("type") == "evidently:metric_v2:ValueDrift":
        scores[config["column"]] = [config["method"], metric["value"]]
    elif config.get("type") == "evidently:metric_v2:DriftedColumnsCount":
        share = metric["value"]["share"]
print(json.dumps({
    "evidently": evidently.__version__,
    "pandas": pd.__version__,
    "import_seconds": imported - started,
    "load_seconds": loaded - imported,
    "compute_seconds": computed - loaded,
    "html_seconds": saved - computed,
    "rows": len(current),
    "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "html_bytes": os.path.getsize(html_path),
    "share": share,
    "scores": scores,
}))
