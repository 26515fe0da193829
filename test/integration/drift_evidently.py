"""Evidently 0.7's own verdicts for test/integration/drift-evidently.test.ts.

    python drift_evidently.py make <dir>        writes the cases (CSV / JSONL pairs) and <dir>/cases.json
    python drift_evidently.py evidently <dir>   runs Evidently's default DataDriftPreset on every case and
                                                prints, per column, its type, test, score and verdict

The data is built to be awkward: low-cardinality integers, identifier-like text, constant and all-missing
columns, numeric columns with non-numeric typos, text categories with gaps, heavy tails, a numeric
(regression) prediction, and the tables scikit-learn ships, split at random and by a feature.
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def mixed(rng, n, shift):
    df = pd.DataFrame(
        {
            "num": rng.normal(shift, 1, n).round(4),
            "small_int": rng.integers(0, 4, n),
            "binary": rng.integers(0, 2, n),
            "int_15": rng.integers(0, 15, n),
            "cat": rng.choice(["red", "green", "blue"], n, p=[0.5, 0.3, 0.2]),
            "cat_gaps": rng.choice(["a", "b", "c", "d", None], n, p=[0.3, 0.3, 0.2, 0.1, 0.1]),
            "ident": [f"u{v}" for v in rng.integers(0, 10**9, n)],
            "const": 7,
            "empty": np.nan,
            "typo": rng.normal(10 + shift, 2, n).round(2).astype(object),
            "heavy": np.exp(rng.normal(shift, 2, n)).round(3),
            "three_floats": rng.choice([0.5, 1.5, 2.5], n, p=[0.5 - shift / 2, 0.3, 0.2 + shift / 2]),
            "flag": rng.choice([0.0, 1.0, np.nan], n, p=[0.65 - shift / 2, 0.3 + shift / 2, 0.05]),
            "target": rng.integers(0, 2, n),
            "prediction": rng.normal(shift / 2, 1, n).round(5),
        }
    )
    df.loc[rng.choice(n, 6, replace=False), "typo"] = "?"
    df.loc[rng.choice(n, n // 10, replace=False), "num"] = np.nan
    return df


def sklearn_tables():
    from sklearn import datasets

    out = {}
    for name in ("digits", "wine", "breast_cancer", "diabetes", "iris"):
        bunch = getattr(datasets, f"load_{name}")(as_frame=True)
        frame = bunch.frame.rename(columns={"target": "prediction"})
        frame.columns = [str(c).replace(" ", "_").replace("(", "").replace(")", "").replace("/", "_") for c in frame.columns]
        out[name] = frame
    return out


def make(directory):
    rng = np.random.default_rng(22)
    cases = []

    def add(name, ref, cur, typos=(), log=False):
        ref_path = os.path.join(directory, f"{name}-ref.csv")
        ref.to_csv(ref_path, index=False)
        if log:
            cur_path = os.path.join(directory, f"{name}-cur.jsonl")
            features = [c for c in cur.columns if c not in ("target", "prediction")]
            with open(cur_path, "w") as f:
                for row in cur.to_dict(orient="records"):
                    values = [None if isinstance(row[c], float) and np.isnan(row[c]) else row[c] for c in features]
                    values = [v.item() if hasattr(v, "item") else v for v in values]
                    prediction = row.get("prediction")
                    event = {"event": "prediction", "feature_names": features, "features": [values]}
                    if prediction is not None:
                        event["predictions"] = [prediction.item() if hasattr(prediction, "item") else prediction]
                    f.write(json.dumps(event) + "\n")
        else:
            cur_path = os.path.join(directory, f"{name}-cur.csv")
            cur.to_csv(cur_path, index=False)
        cases.append({"name": name, "reference": ref_path, "current": cur_path, "typos": list(typos), "log": log})

    add("mixed-small", mixed(rng, 800, 0.0), mixed(rng, 600, 0.4), typos=["typo"])
    add("mixed-large", mixed(rng, 3000, 0.0), mixed(rng, 2000, 0.25), typos=["typo"])
    add("mixed-unshifted", mixed(rng, 2500, 0.0), mixed(rng, 2500, 0.0), typos=["typo"])
    log_ref = mixed(rng, 1500, 0.0).drop(columns=["typo", "empty"])
    log_cur = mixed(rng, 1200, 0.3).drop(columns=["typo", "empty"])
    add("mixed-log", log_ref, log_cur, log=True)
    for name, frame in sklearn_tables().items():
        shuffled = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
        half = len(shuffled) // 2
        add(f"{name}-random", shuffled.iloc[:half], shuffled.iloc[half:])
        # A split by a feature: the current data is a biased slice, so many columns drift.
        key = shuffled.columns[2]
        ordered = shuffled.sort_values(key, kind="mergesort").reset_index(drop=True)
        cut = int(len(ordered) * 0.6)
        add(f"{name}-by-{key}", ordered.iloc[:cut], ordered.iloc[cut:])
    digits = sklearn_tables()["digits"].sample(frac=1.0, random_state=3).reset_index(drop=True)
    add("digits-large", digits.iloc[:1200], digits.iloc[1200:])
    with open(os.path.join(directory, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)


def frame_of(case, which):
    path = case[which]
    if path.endswith(".jsonl"):
        # What the bench and the seed do with a prediction log: one dict per row, then a DataFrame.
        rows = []
        for line in open(path):
            event = json.loads(line)
            for i, values in enumerate(event["features"]):
                row = dict(zip(event["feature_names"], values))
                if "predictions" in event:
                    row["prediction"] = event["predictions"][i]
                rows.append(row)
        return pd.DataFrame(rows)
    return pd.read_csv(path)


def run_evidently(directory):
    import evidently
    from evidently import Report
    from evidently.presets import DataDriftPreset

    out = {"evidently": evidently.__version__, "pandas": pd.__version__, "cases": {}}
    for case in json.load(open(os.path.join(directory, "cases.json"))):
        ref = frame_of(case, "reference").drop(columns=["target"], errors="ignore")
        cur = frame_of(case, "current").drop(columns=["target"], errors="ignore")
        # Evidently 0.7 crashes on a "?" typo in a numeric column (object dtype: 'float' object has no
        # attribute 'lower', or a text/categorical test of numbers). mlctl reads such a column as numbers
        # and counts the typos apart; Evidently gets the column as mlctl compares it: typos as missing.
        for column in case["typos"]:
            ref[column] = pd.to_numeric(ref[column], errors="coerce")
            cur[column] = pd.to_numeric(cur[column], errors="coerce")
        columns = {}
        evaluable = []
        for column in cur.columns:
            if ref[column].replace([np.inf, -np.inf], np.nan).dropna().empty or cur[column].replace([np.inf, -np.inf], np.nan).dropna().empty:
                # Evidently raises "An empty column ... was provided" and the whole report fails.
                columns[column] = {"skipped": "empty"}
            else:
                evaluable.append(column)
        snapshot = Report([DataDriftPreset(columns=evaluable)], include_tests=True).run(cur, ref)
        definition = snapshot.context.data_definition
        types = {}
        for kind, names in (
            ("numerical", definition.numerical_columns),
            ("categorical", definition.categorical_columns),
            ("text", definition.text_columns),
        ):
            for name in names or []:
                types[name] = kind
        verdicts = {}
        for test in snapshot.dict()["tests"]:
            name = test["name"]
            if name.startswith("Value Drift for column "):
                verdicts[name[len("Value Drift for column "):]] = test["status"] == "FAIL"
        for metric in snapshot.dict()["metrics"]:
            config = metric["config"]
            if config.get("type") != "evidently:metric_v2:ValueDrift":
                continue
            name = config["column"]
            value = metric["value"]
            columns[name] = {
                "type": types.get(name),
                "method": config["method"],
                "threshold": config["threshold"],
                "score": None if value is None or (isinstance(value, float) and not np.isfinite(value)) else float(value),
                "drift": verdicts.get(name),
            }
        out["cases"][case["name"]] = columns
    print(json.dumps(out))


if __name__ == "__main__":
    command, directory = sys.argv[1:3]
    if command == "make":
        make(directory)
    else:
        run_evidently(directory)
