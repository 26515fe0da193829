"""scikit-learn side of the tables in `npm run bench -- train` (bench/train.bench.js): data with text
categories, empty cells and numeric targets, against scikit-learn's standard pipeline —
SimpleImputer (most frequent for categories, median for numbers) + OneHotEncoder + RandomForest, 100 trees.

  prepare DIR REPO [--quick]   write the tables (CSV, empty cells for missing) and DIR/manifest.json
  score DIR                    fit the pipeline on every accuracy task; JSON on stdout
  fit TRAIN TEST TASK          fit once with n_jobs=-1, time it, score it; peak RSS; JSON on stdout

--quick (CI's smoke test) makes smaller tables and one split each. Categories are made by cutting numeric columns of scikit-learn's generators into 3 to 12 quantile bins,
labelled in a shuffled order (so the labels' order says nothing); 10 % of the feature cells are emptied.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_diabetes, make_classification, make_friedman1, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

SPLITS = 3


def mixed(X, y, n_categorical, missing, seed):
    """A table of X with its first n_categorical columns turned into text categories and cells emptied."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    for j in range(n_categorical):
        k = int(rng.integers(3, 13))
        edges = np.quantile(X[:, j], np.linspace(0, 1, k + 1)[1:-1])
        labels = np.array([f"c{v:02d}" for v in rng.permutation(k)], dtype=object)
        df[f"f{j}"] = labels[np.searchsorted(edges, X[:, j])]
    mask = rng.random(df.shape) < missing
    df = df.mask(mask)
    df["target"] = y
    return df


def penguins(repo, target):
    df = pd.read_csv(os.path.join(repo, "data", "penguins", "penguins.csv"))
    df = df.dropna(subset=[target]).rename(columns={target: "target"})
    return df


def tables(repo, quick):
    n = 2000 if quick else 5000
    Xc, yc = make_classification(n_samples=n, n_features=12, n_informative=6, n_classes=3, random_state=0)
    Xr, yr = make_regression(n_samples=n, n_features=10, n_informative=6, noise=10.0, random_state=0)
    Xf, yf = make_friedman1(n_samples=n, n_features=10, noise=1.0, random_state=0)
    Xd, yd = load_diabetes(return_X_y=True)
    return {
        "penguins_species": ("classification", penguins(repo, "species")),
        f"make_classification_{n}_mixed": ("classification", mixed(Xc, yc, 4, 0.1, 1)),
        "penguins_body_mass": ("regression", penguins(repo, "body_mass_g")),
        "diabetes": ("regression", mixed(Xd, yd, 0, 0.0, 0)),
        f"make_regression_{n}_mixed": ("regression", mixed(Xr, yr, 3, 0.1, 2)),
        f"friedman1_{n}_mixed": ("regression", mixed(Xf, yf, 3, 0.1, 3)),
    }


def write(dir_, name, df):
    path = os.path.join(dir_, name)
    df.to_csv(path + ".csv", index=False, na_rep="", float_format="%.17g")
    return path


def prepare(dir_, repo, quick):
    os.makedirs(dir_, exist_ok=True)
    accuracy = []
    for name, (task, df) in tables(repo, quick).items():
        for s in range(1 if quick else SPLITS):
            stratify = df["target"] if task == "classification" else None
            tr, te = train_test_split(df, test_size=0.2, stratify=stratify, random_state=s)
            accuracy.append({
                "dataset": name, "task": task, "split": s,
                "train": write(dir_, f"{name}_s{s}_train", tr), "test": write(dir_, f"{name}_s{s}_test", te),
            })
    timing = []
    for n in ([2000, 8000] if quick else [50000, 200000]):
        m = n + n // 4
        Xc, yc = make_classification(n_samples=m, n_features=20, n_informative=5, n_redundant=2, n_classes=3, random_state=1)
        Xr, yr = make_regression(n_samples=m, n_features=20, n_informative=10, noise=10.0, random_state=1)
        for task, df in [("classification", mixed(Xc, yc, 5, 0.1, 4)), ("regression", mixed(Xr, yr, 5, 0.1, 5))]:
            timing.append({
                "task": task, "rows": n,
                "train": write(dir_, f"timing_{task}_{n}_train", df.iloc[:n]),
                "test": write(dir_, f"timing_{task}_{n}_test", df.iloc[n:]),
            })
    with open(os.path.join(dir_, "manifest.json"), "w") as f:
        json.dump({"accuracy": accuracy, "timing": timing}, f, indent=2)


def pipeline(df, task, seed):
    categorical = [c for c in df.columns if c != "target" and not pd.api.types.is_numeric_dtype(df[c])]
    numeric = [c for c in df.columns if c != "target" and c not in categorical]
    pre = ColumnTransformer([
        ("categorical", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), categorical),
        ("numeric", SimpleImputer(strategy="median"), numeric),
    ])
    forest = (RandomForestClassifier if task == "classification" else RandomForestRegressor)(
        n_estimators=100, n_jobs=-1, random_state=seed
    )
    return make_pipeline(pre, forest)


def score_of(model, df, task):
    X, y = df.drop(columns="target"), df["target"]
    return model.score(X, y) if task == "classification" else r2_score(y, model.predict(X))


def score(dir_):
    with open(os.path.join(dir_, "manifest.json")) as f:
        tasks = json.load(f)["accuracy"]
    out = []
    for t in tasks:
        tr, te = pd.read_csv(t["train"] + ".csv"), pd.read_csv(t["test"] + ".csv")
        model = pipeline(tr, t["task"], t["split"]).fit(tr.drop(columns="target"), tr["target"])
        out.append({"dataset": t["dataset"], "split": t["split"], "score": score_of(model, te, t["task"])})
    json.dump(out, sys.stdout)


def fit(train, test, task):
    tr, te = pd.read_csv(train + ".csv"), pd.read_csv(test + ".csv")
    model = pipeline(tr, task, 0)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    model.fit(tr.drop(columns="target"), tr["target"])
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = {"fit_seconds": seconds, "fit_cpu_seconds": cpu, "score": score_of(model, te, task), "n_jobs": -1, "cpus": os.cpu_count()}
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "prepare":
        prepare(args[0], args[1], "--quick" in args)
    elif command == "score":
        score(args[0])
    elif command == "fit":
        fit(args[0], args[1], args[2])
    else:
        sys.exit(f"unknown command {command}")
