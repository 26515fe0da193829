"""scikit-learn and shap side of `npm run bench batch` (bench/batch.bench.js).

  prepare DIR [--quick]        make_classification tables: DIR/train.csv (62,500 rows: mlctl holds out
                               20 % and trains on 50,000), DIR/score.csv (100,000 rows), DIR/explain.csv
  predict MODEL_DIR CSV OUT    read CSV with pandas, predict_proba (n_jobs=-1) on a scikit-learn forest of
                               the very same trees as the mlctl model, write the input columns plus
                               prediction and proba_<class> to OUT; JSON {seconds, cpu_seconds, max_rss_mb}
  dump MODEL_DIR OUT           that forest, saved with joblib (what a scikit-learn user scores with)
  score JOBLIB CSV OUT         the whole job as a scoring script runs it, timed from outside by the bench:
                               imports, joblib.load, read_csv, predict_proba (n_jobs=-1), to_csv
  shap MODEL_DIR CSV ROWS      shap.TreeExplainer(feature_perturbation="tree_path_dependent") on that forest,
                               SHAP values of the first ROWS rows; JSON {seconds, rows, cpu_seconds}

The forest is loaded before the clock starts (as mlctl loads its model inside its own run, the scikit-learn
side gets the easier deal: its model load is not timed). Peak RSS is the whole process's.
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "python"))


def prepare(dir_, quick):
    from sklearn.datasets import make_classification

    os.makedirs(dir_, exist_ok=True)
    train = 2500 if quick else 62500
    score = 10000 if quick else 100000
    X, y = make_classification(n_samples=train + score, n_features=20, n_informative=5, n_redundant=2,
                               n_classes=3, random_state=1)
    header = ",".join([f"f{i}" for i in range(20)] + ["target"])
    fmt = ["%.17g"] * 20 + ["%d"]
    np.savetxt(os.path.join(dir_, "train.csv"), np.column_stack([X[:train], y[:train]]), delimiter=",",
               header=header, comments="", fmt=fmt)
    np.savetxt(os.path.join(dir_, "score.csv"), np.column_stack([X[train:], y[train:]]), delimiter=",",
               header=header, comments="", fmt=fmt)


def predict(model_dir, csv, out):
    import pandas as pd
    import mlctl_forest as mf

    model = mf.to_sklearn(mf.read_forest(model_dir))
    model.n_jobs = -1
    features = [f"f{i}" for i in range(model.n_features_in_)]
    started, cpu = time.perf_counter(), time.process_time()
    df = pd.read_csv(csv)
    p = model.predict_proba(df[features].to_numpy())
    df["prediction"] = model.classes_[p.argmax(axis=1)]
    for c in range(p.shape[1]):
        df[f"proba_{c}"] = p[:, c]
    df.to_csv(out, index=False)
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def dump(model_dir, out):
    import joblib
    import mlctl_forest as mf

    joblib.dump(mf.to_sklearn(mf.read_forest(model_dir)), out)


def score(path, csv, out):
    import joblib
    import pandas as pd

    model = joblib.load(path)
    model.n_jobs = -1
    df = pd.read_csv(csv)
    p = model.predict_proba(df[[f"f{i}" for i in range(model.n_features_in_)]].to_numpy())
    df["prediction"] = model.classes_[p.argmax(axis=1)]
    for c in range(p.shape[1]):
        df[f"proba_{c}"] = p[:, c]
    df.to_csv(out, index=False)


def explain(model_dir, csv, rows):
    import pandas as pd
    import shap
    import mlctl_forest as mf

    model = mf.to_sklearn(mf.read_forest(model_dir))
    X = pd.read_csv(csv, nrows=rows).iloc[:, : model.n_features_in_].to_numpy()
    explainer = shap.TreeExplainer(model, feature_perturbation="tree_path_dependent")
    started, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explainer.shap_values(X, check_additivity=False)
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(X),
                      "cpu_seconds": time.process_time() - cpu}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prepare":
        prepare(sys.argv[2], "--quick" in sys.argv)
    elif cmd == "predict":
        predict(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "dump":
        dump(sys.argv[2], sys.argv[3])
    elif cmd == "score":
        score(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "shap":
        explain(sys.argv[2], sys.argv[3], int(sys.argv[4]))
