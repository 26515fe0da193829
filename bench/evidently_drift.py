"""Evidently's DataDriftPreset (the legacy API the seed used) on the same files as `mlctl drift`:
read the reference CSV and the JSONL prediction log, run the report, save its HTML. Prints JSON timings.

Run by bench/drift.bench.js with MLCTL_BENCH_EVIDENTLY_PYTHON (a venv with `evidently`)."""
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
from evidently.legacy.metric_preset import DataDriftPreset  # noqa: E402
from evidently.legacy.pipeline.column_mapping import ColumnMapping  # noqa: E402
from evidently.legacy.report import Report  # noqa: E402

imported = time.perf_counter()
reference = pd.read_csv(reference_path)
features = [c for c in reference.columns if c not in ("target", "prediction")]
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
        for i, row in enumerate(event.get("features") or []):
            rows.append(dict(zip(names, row)))
            p = event.get("predictions") or []
            predictions.append(p[i] if i < len(p) else None)
current = pd.DataFrame(rows, columns=features)
current["prediction"] = predictions
reference = reference[features + ["prediction"]]
loaded = time.perf_counter()

report = Report(metrics=[DataDriftPreset()])
report.run(
    reference_data=reference,
    current_data=current,
    column_mapping=ColumnMapping(numerical_features=features, prediction="prediction"),
)
result = report.as_dict()
computed = time.perf_counter()
report.save_html(html_path)
saved = time.perf_counter()

drift = next(m["result"] for m in result["metrics"] if "drift_by_columns" in m["result"])
print(json.dumps({
    "evidently": evidently.__version__,
    "import_seconds": imported - started,
    "load_seconds": loaded - imported,
    "compute_seconds": computed - loaded,
    "html_seconds": saved - computed,
    "seconds": saved - imported,
    "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "html_bytes": os.path.getsize(html_path),
    "share": drift["share_of_drifted_columns"],
    "dataset_drift": drift["dataset_drift"],
    "scores": {k: [v["stattest_name"], v["drift_score"]] for k, v in drift["drift_by_columns"].items()},
}))
