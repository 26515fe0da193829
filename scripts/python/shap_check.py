"""Checks `mlctl explain --all-classes --format jsonl` against the shap package itself.

  python shap_check.py CHECKS_JSON      # [{"model": DIR, "explained": JSONL, "sklearn": bool}, ...]

Reads the model by docs/ARTIFACT.md alone (mlctl_forest.py), encodes the rows the JSONL echoes, runs
shap.TreeExplainer(feature_perturbation="tree_path_dependent") on shap's own dictionary form of the
forest (categorical splits as described in mlctl_forest.shap_model), and with "sklearn" also on a
scikit-learn forest of the very same trees (shap's sklearn path, and sklearn's own predict_proba).
Prints one JSON list: per check, the rows and the largest differences from mlctl.
"""
import json
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mlctl_forest as mf  # noqa: E402


def main():
    checks = json.load(open(sys.argv[1]))
    print(json.dumps([check(c["model"], c["explained"], c.get("sklearn", False)) for c in checks]))


def check(model_dir, jsonl, sklearn):
    forest = mf.read_forest(model_dir)
    docs = [json.loads(line) for line in open(jsonl) if line.strip()]
    X = mf.encode(forest, [d["features"] for d in docs])
    labels = [str(c) for c in forest.classes] if forest.task == "classification" else None

    def mlctl_values(doc):
        if labels is None:
            return np.array([[doc["shap_values"][f]] for f in forest.features])
        return np.array([[doc["shap_values"][c][f] for c in labels] for f in forest.features])

    ours = np.stack([mlctl_values(d) for d in docs])
    if labels is None:
        ours_expected = np.array([docs[0]["expected_value"]])
        outputs = np.array([[d["prediction"]] for d in docs])
    else:
        ours_expected = np.array([docs[0]["expected_value"][c] for c in labels])
        outputs = np.array([[d["probabilities"][c] for c in labels] for d in docs])
    theirs, expected = mf.shap_values(forest, X)
    report = {
        "rows": len(docs),
        "features": len(forest.features),
        "outputs": forest.K,
        "nodes": int(sum(len(t.feature) for t in forest.trees)),
        "storage": forest.doc["forest"]["storage"],
        "categorical_splits": int(sum(((t.flags & mf.FLAG_CATEGORICAL) != 0).sum() for t in forest.trees)),
        "missing_rows": int(np.isnan(X).any(axis=1).sum()),
        "max_diff": float(np.abs(ours - theirs).max()),
        "max_expected_diff": float(np.abs(ours_expected - expected).max()),
        "max_spec_predict_diff": float(np.abs(mf.predict(forest, X) - outputs).max()),
    }
    if sklearn:
        import shap

        model = mf.to_sklearn(forest)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sk = np.asarray(shap.TreeExplainer(model).shap_values(X, check_additivity=False))
            predicted = model.predict_proba(X) if labels is not None else model.predict(X)[:, None]
        report["max_sklearn_shap_diff"] = float(np.abs(sk.reshape(ours.shape) - ours).max())
        report["max_sklearn_predict_diff"] = float(np.abs(predicted - outputs).max())
    return report


if __name__ == "__main__":
    main()
