"""scikit-learn side of `npm run bench` (bench/train.bench.js).

  prepare DIR [--quick]     write the benchmark datasets (CSV + .npy) and DIR/manifest.json
  score DIR                 fit RandomForestClassifier(100) on every accuracy task; JSON on stdout
  fit TRAIN_NPY TEST_NPY    fit once with n_jobs=-1 and time it; JSON on stdout

Datasets come from scikit-learn itself (bundled: no network): iris, wine, breast cancer, digits, and
make_classification. Splits are stratified, test_size=0.2, random_state 0, 1, 2.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

SPLITS = 3


def write(dir_, name, X, y):
    header = ",".join([f"f{i}" for i in range(X.shape[1])] + ["target"])
    fmt = ["%.17g"] * X.shape[1] + ["%d"]
    path = os.path.join(dir_, name)
    np.savetxt(path + ".csv", np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt=fmt)
    np.save(path + "_X.npy", X)
    np.save(path + "_y.npy", y)
    return path


def classification(n, seed=0):
    return make_classification(
        n_samples=n, n_features=20, n_informative=5, n_redundant=2, n_classes=3, random_state=seed
    )


def prepare(dir_, quick):
    os.makedirs(dir_, exist_ok=True)
    sets = {
        "iris": load_iris(return_X_y=True),
        "wine": load_wine(return_X_y=True),
        "breast_cancer": load_breast_cancer(return_X_y=True),
        "digits": load_digits(return_X_y=True),
        f"make_classification_{5000 if quick else 20000}": classification(5000 if quick else 20000),
    }
    accuracy = []
    for name, (X, y) in sets.items():
        for s in range(SPLITS):
            Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, stratify=y, random_state=s)
            accuracy.append({
                "dataset": name,
                "split": s,
                "train": write(dir_, f"{name}_s{s}_train", Xtr, ytr),
                "test": write(dir_, f"{name}_s{s}_test", Xte, yte),
            })
    timing = []
    for n in ([2000, 8000] if quick else [50000, 200000]):
        X, y = classification(n + n // 4, seed=1)
        timing.append({
            "rows": n,
            "train": write(dir_, f"timing_{n}_train", X[:n], y[:n]),
            "test": write(dir_, f"timing_{n}_test", X[n:], y[n:]),
        })
    with open(os.path.join(dir_, "manifest.json"), "w") as f:
        json.dump({"accuracy": accuracy, "timing": timing}, f, indent=2)


def load(path):
    return np.load(path + "_X.npy"), np.load(path + "_y.npy")


def score(dir_):
    with open(os.path.join(dir_, "manifest.json")) as f:
        tasks = json.load(f)["accuracy"]
    out = []
    for t in tasks:
        Xtr, ytr = load(t["train"])
        Xte, yte = load(t["test"])
        model = RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=t["split"]).fit(Xtr, ytr)
        out.append({"dataset": t["dataset"], "split": t["split"], "accuracy": model.score(Xte, yte)})
    json.dump(out, sys.stdout)


def fit(train, test):
    Xtr, ytr = load(train)
    Xte, yte = load(test)
    started = time.perf_counter()
    model = RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=0).fit(Xtr, ytr)
    seconds = time.perf_counter() - started
    json.dump({"fit_seconds": seconds, "accuracy": model.score(Xte, yte), "n_jobs": -1, "cpus": os.cpu_count()}, sys.stdout)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "prepare":
        prepare(args[0], "--quick" in args)
    elif command == "score":
        score(args[0])
    elif command == "fit":
        fit(args[0], args[1])
    else:
        sys.exit(f"unknown command {command}")
