// Python run by the MLflow integration tests (test/integration/mlflow-pyfunc.test.ts, mlflow-spark.test.ts)
// with MLflow's own client; each prints one JSON line last.

/** Per model: labels (or values) and probabilities of MLflow's pyfunc against `mlctl predict`'s CSV. */
export const PYFUNC_AGAINST_MLCTL = `
import json, sys
import mlflow, numpy as np, pandas as pd
report = {}
for uri, rows, expected in json.loads(sys.argv[1]):
    model = mlflow.pyfunc.load_model(uri)
    frame = pd.read_csv(rows)
    # The signature's numeric features are doubles; MLflow does not convert int64 columns to them.
    frame = frame.astype({c: "float64" for c in frame.columns if frame[c].dtype.kind == "i"})
    predicted = model.predict(frame)
    want = pd.read_csv(expected, dtype=str, keep_default_na=False)
    forest = model.get_raw_model()
    if forest.task == "regression":
        diff = np.abs(predicted - want["prediction"].astype(float).to_numpy())
        report[uri] = {"rows": len(frame), "mismatches": 0, "max_diff": float(diff.max())}
        continue
    proba = forest.predict_proba(frame)
    table = want[[f"proba_{c}" for c in forest.classes]].astype(float).to_numpy()
    labels = np.array([str(v) for v in predicted])
    report[uri] = {"rows": len(frame), "mismatches": int((labels != want["prediction"].to_numpy()).sum()),
                   "max_diff": float(np.abs(proba - table).max()), "flavors": sorted(model.metadata.flavors)}
print(json.dumps(report))
`;

/** What MLflow reads of the input example, against the first rows of reference.csv. */
export const INPUT_EXAMPLE = `
import json, os, sys
import mlflow, pandas as pd
from mlflow import MlflowClient
from mlflow.models import Model
from mlflow.models.utils import _Example
name, workdir = sys.argv[1:3]
uri = f"models:/{name}@production"
local = mlflow.artifacts.download_artifacts(uri, dst_path=os.path.join(workdir, name))
meta = Model.load(uri)
example = meta.load_input_example(uri)
features = meta.signature.inputs.input_names()
reference = pd.read_csv(os.path.join(local, "reference.csv"))
first = reference[features][: len(example)]
served = json.loads(open(os.path.join(local, "serving_input_example.json")).read())
scored = mlflow.models.validate_serving_input(uri, json.dumps(served))
source = MlflowClient().get_model_version_by_alias(name, "production").source
logged = mlflow.models.get_model_info(source)
plain = lambda frame: frame.astype(object).where(frame.notna(), None).values.tolist()
mine = {f: open(os.path.join(local, f)).read() for f in ("input_example.json", "serving_input_example.json")}
theirs = _Example(first.astype({c: "float64" for c in first.columns if first[c].dtype.kind in "if"}))
print(json.dumps({
    "info": meta.saved_input_example_info,
    "logged_info": logged.saved_input_example_info,
    "logged_flavors": sorted(logged.flavors),
    "example_equals_reference": plain(example) == plain(first),
    "rows": len(example),
    "scored": [str(v) for v in scored],
    "reference_predictions": [str(v) for v in reference["prediction"][: len(example)]],
    "same_bytes_as_mlflow": [mine["input_example.json"] == theirs.json_input_example,
                             mine["serving_input_example.json"] == theirs.json_serving_input],
}))
`;

/** Rows of a CSV as the bodies of MLflow's scoring protocol (numbers, strings; NA and empty are null). */
export const BODIES = `
import json, sys
import pandas as pd
rows, out = sys.argv[1:3]
frame = pd.read_csv(rows, dtype=str, keep_default_na=False)
def cell(text):
    if text in ("", "NA"):
        return None
    try:
        return float(text) if any(ch in text for ch in ".eE") else int(text)
    except ValueError:
        return text
records = [{c: cell(v) for c, v in row.items()} for row in frame.to_dict(orient="records")]
columns = list(frame.columns)
bodies = {
    "dataframe_split": {"dataframe_split": {"columns": columns, "data": [[r[c] for c in columns] for r in records]}},
    "dataframe_records": {"dataframe_records": records},
    "instances": {"instances": records},
    "inputs": {"inputs": {c: [r[c] for r in records] for c in columns}},
}
json.dump({"bodies": bodies, "csv": open(rows).read()}, open(out, "w"))
print(json.dumps({"rows": len(records)}))
`;

/** A million penguins drawn at random, with jitter, gaps (NA) and categories never seen in training. */
export const MILLION = `
import json, sys
import numpy as np, pandas as pd
source, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(7)
frame = pd.read_csv(source).sample(n, replace=True, random_state=7).reset_index(drop=True)
for c in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm"):
    frame[c] = (frame[c] + rng.normal(0, 2, n)).round(1)
for c in ("island", "sex"):
    frame.loc[rng.random(n) < 0.01, c] = "Atlantis"
for c in frame.columns[1:]:
    frame.loc[rng.random(n) < 0.03, c] = np.nan
frame.insert(0, "id", np.arange(n))
frame.to_csv(out, index=False, na_rep="NA")
print(json.dumps({"rows": n}))
`;

/** Spark's predictions (part files) against mlctl predict's, row by row (by id). */
export const COMPARE_SPARK = `
import glob, json, sys
import pandas as pd
spark_dir, mlctl_csv = sys.argv[1:3]
parts = sorted(glob.glob(f"{spark_dir}/part-*.csv"))
spark = pd.concat(pd.read_csv(p, usecols=["id", "prediction"], dtype=str) for p in parts)
mine = pd.read_csv(mlctl_csv, usecols=["id", "prediction"], dtype=str, keep_default_na=False)
both = mine.merge(spark, on="id", suffixes=("_mlctl", "_spark"))
print(json.dumps({"spark_rows": len(spark), "mlctl_rows": len(mine), "joined": len(both),
                  "mismatches": int((both["prediction_mlctl"] != both["prediction_spark"]).sum()),
                  "parts": len(parts)}))
`;

/** scikit-learn's digits (1,797 rows × 64 pixels, 10 classes) as a CSV. */
export const WRITE_DIGITS = `
import json, sys
from sklearn.datasets import load_digits
load_digits(as_frame=True).frame.to_csv(sys.argv[1], index=False)
print(json.dumps({}))
`;
