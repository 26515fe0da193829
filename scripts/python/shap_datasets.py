"""Writes the tables the shap check trains mlctl on (scikit-learn's bundled datasets; no network):

  python shap_datasets.py DIR

  digits.csv        1,797 handwritten digits, 64 pixel counts, 10 classes
  cancer.csv        breast cancer (569 rows, 30 features, binary), values rounded to float32 so that a
                    scikit-learn forest (which reads float32) routes them as mlctl does
  cancer-mixed.csv  the same with a text category (radius band) and 12 % of five columns empty or "NA"
  diabetes.csv      diabetes progression (442 rows, 10 features, regression), raw units, as float32
  diabetes-mixed.csv the same with sex and an age band as text, and 12 % of four columns empty
"""
import os
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)

    X, y = load_digits(return_X_y=True)
    df = pd.DataFrame(X, columns=[f"px{i}" for i in range(X.shape[1])]).astype(int)
    df["target"] = y
    df.to_csv(os.path.join(out, "digits.csv"), index=False)

    cancer = load_breast_cancer()
    X = cancer.data.astype(np.float32).astype(np.float64)
    cols = [c.replace(" ", "_") for c in cancer.feature_names]
    df = pd.DataFrame(X, columns=cols)
    df["target"] = cancer.target
    df.to_csv(os.path.join(out, "cancer.csv"), index=False, float_format="%.17g")
    mixed = df.copy()
    mixed.insert(0, "radius_band", pd.cut(mixed["mean_radius"], [0, 12, 15, 19, 99], labels=["small", "medium", "large", "huge"]).astype(str))
    mixed = mixed.drop(columns=["mean_radius"])
    for c in ["mean_texture", "worst_area", "mean_smoothness", "radius_band", "worst_concavity"]:
        holes = rng.random(len(mixed)) < 0.12
        mixed[c] = mixed[c].astype(object)
        mixed.loc[holes, c] = np.where(rng.random(holes.sum()) < 0.5, "", "NA")
    mixed.to_csv(os.path.join(out, "cancer-mixed.csv"), index=False, float_format="%.17g")

    diabetes = load_diabetes(scaled=False)
    df = pd.DataFrame(diabetes.data.astype(np.float32).astype(np.float64), columns=diabetes.feature_names)
    df["target"] = diabetes.target
    df.to_csv(os.path.join(out, "diabetes.csv"), index=False, float_format="%.17g")
    mixed = df.copy()
    mixed["sex"] = np.where(mixed["sex"] < 1.5, "female", "male")
    mixed["age"] = pd.cut(mixed["age"], [0, 30, 40, 50, 60, 99], labels=["<30", "30s", "40s", "50s", "60+"]).astype(str)
    for c in ["bmi", "bp", "s5", "age"]:
        holes = rng.random(len(mixed)) < 0.12
        mixed[c] = mixed[c].astype(object)
        mixed.loc[holes, c] = ""
    mixed.to_csv(os.path.join(out, "diabetes-mixed.csv"), index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
