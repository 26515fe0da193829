"""An mlctl model in Python: the loader of its MLflow ``python_function`` flavor.

``mlctl train`` copies this file into every model it writes (``code/mlctl_pyfunc.py``) and names it as
the flavor's ``loader_module``, so ``mlflow.pyfunc.load_model``, ``mlflow models serve`` and
``mlflow.pyfunc.spark_udf`` load the model with numpy and pandas alone. It reads ``model.json`` and
``trees.bin`` exactly as docs/ARTIFACT.md of mlctl's repository specifies them and predicts what
``mlctl predict`` does: the same labels, the same probabilities (the same sums in the same order).

Its one source is ``python/mlctl_pyfunc.py`` in mlctl's repository (docs/PYTHON.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re

import numpy as np
import pandas as pd

FORMAT = "mlctl-random-forest"
FORMAT_VERSION = 2  # the newest model.json format this file reads (it reads 1 and 2)
MISSING_LEFT = 1
CATEGORICAL = 2
COUNT_DTYPES = {"uint8": "u1", "uint16": "<u2", "uint32": "<u4"}
# A number as a CSV holds it (mlctl's rule): stricter than float(), which takes "inf", "1_0", " 2".
DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _load_pyfunc(path):
    """MLflow's entry point, given the model directory (the flavor names no ``data`` file)."""
    return MlctlModel.load(path)


class MlctlModel:
    """A trained mlctl forest: ``predict`` gives labels (or values), ``predict_proba`` probabilities."""

    def __init__(self, doc, trees):
        self.task = doc.get("task", "classification")
        self.features = list(doc["features"])
        self.classes = list(doc.get("classes", []))
        self.target = doc.get("target")
        self.info = doc.get("feature_info", {})
        self.na_values = frozenset(doc.get("na_values", []))
        self.trees = trees
        self.n_outputs = 1 if self.task == "regression" else len(self.classes)

    @classmethod
    def load(cls, path):
        """Reads an artifact directory; ValueError when it is not a sound mlctl model."""
        _verify_checksums(path)
        with open(os.path.join(path, "model.json"), encoding="utf-8") as handle:
            doc = json.load(handle)
        version = doc.get("format_version")
        if doc.get("format") != FORMAT or not isinstance(version, int) or version > FORMAT_VERSION:
            raise ValueError(
                f"{path}: model.json is format {doc.get('format')!r} version {version!r}; "
                f"this loader reads {FORMAT} up to version {FORMAT_VERSION}"
            )
        forest = doc["forest"]
        regression = doc.get("task") == "regression"
        K = 1 if regression else forest["n_classes"]
        weights = np.asarray(forest.get("class_weight", [1.0] * K), dtype=np.float64)
        if forest["storage"] == "inline":
            raw = [_inline_tree(t, K) for t in forest["trees"]]
        else:
            with open(os.path.join(path, "trees.bin"), "rb") as handle:
                data = handle.read()
            read = _trees_bin_v1 if version == 1 else _trees_bin
            raw = read(data, forest, K, regression)
        categories = [
            len(doc.get("feature_info", {}).get(f, {}).get("categories", [])) for f in doc["features"]
        ]
        return cls(doc, [_Tree(t, K, weights, regression, categories) for t in raw])

    def get_raw_model(self):
        """What MLflow's ``PyFuncModel.get_raw_model()`` returns: this model, for ``predict_proba``."""
        return self

    def predict(self, model_input, params=None):
        """Class labels (classification) or values (regression), one per row, as a numpy array."""
        outputs = self._outputs(self.encode(model_input))
        if self.task == "regression":
            return outputs[:, 0]
        labels = np.asarray(self.classes, dtype=object if isinstance(self.classes[0], str) else None)
        return labels[np.argmax(outputs, axis=1)]  # the first of the largest, as mlctl

    def predict_proba(self, model_input):
        """Class probabilities, one row per input row, one column per class (``classes`` order)."""
        if self.task == "regression":
            raise ValueError("a regression model predicts values, not class probabilities")
        return self._outputs(self.encode(model_input))

    def encode(self, model_input):
        """The rows as mlctl's predictor takes them: numbers, category codes, NaN for missing."""
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        if isinstance(frame.columns, pd.RangeIndex) and len(frame.columns) == len(self.features):
            frame = frame.set_axis(self.features, axis=1)  # an unnamed array is in feature order
        absent = [f for f in self.features if f not in frame.columns]
        if absent:
            raise ValueError(
                f"the input lacks the feature column(s) {absent}; the model takes {self.features}"
            )
        X = np.empty((len(frame), len(self.features)), dtype=np.float64)
        for j, name in enumerate(self.features):
            info = self.info.get(name, {})
            if info.get("type") == "categorical":
                X[:, j] = _category_codes(frame[name], info["categories"], self.na_values)
            else:
                X[:, j] = _numbers(frame[name], name, self.na_values)
        return X

    def _outputs(self, X):
        out = np.zeros((X.shape[0], self.n_outputs), dtype=np.float64)
        for tree in self.trees:
            out += tree.out[tree.leaves(X)]  # trees summed in order, then divided: mlctl's sums
        return out / len(self.trees)


class _Tree:
    """One tree's nodes as numpy arrays, and each leaf's output (its class distribution, or value)."""

    def __init__(self, raw, K, weights, regression, categories):
        self.feature = raw["feature"]
        self.threshold = raw["threshold"]
        self.left = raw["left"]
        self.right = raw["right"]
        self.words = raw.get("category_bits", np.zeros(0, dtype=np.uint32)).astype(np.int64)
        inner = self.feature >= 0
        if regression:
            cover, self.out = raw["cover"], raw["value"].reshape(-1, 1)
        else:
            weighted = raw["value"].reshape(-1, K) * weights
            cover = np.zeros(len(weighted))
            for c in range(K):  # summed in class order (docs/ARTIFACT.md, "Predicting")
                cover = cover + weighted[:, c]
            with np.errstate(divide="ignore", invalid="ignore"):
                self.out = np.where(cover[:, None] > 0, weighted / cover[:, None], 1.0 / K)
        flags = raw.get("flags")
        if flags is None:  # no flags: missing values go to the child of larger cover, ties right
            flags = np.where(
                inner & (cover[np.maximum(self.left, 0)] > cover[np.maximum(self.right, 0)]), 1, 0
            )
        self.missing_left = (flags & MISSING_LEFT) != 0
        self.categorical = (flags & CATEGORICAL) != 0
        _check_tree(self, inner, np.asarray(categories))

    def leaves(self, X):
        """The leaf each row of X reaches (docs/ARTIFACT.md, "Routing a row"), all rows level by level."""
        leaf = np.zeros(X.shape[0], dtype=np.int64)
        rows, at = np.arange(X.shape[0]), leaf
        while rows.size:
            f = self.feature[at]
            inner = f >= 0
            rows, at, f = rows[inner], at[inner], f[inner]
            x = X[rows, f]
            go_left = x <= self.threshold[at]
            missing = np.isnan(x)
            categorical = self.categorical[at] & ~missing
            if categorical.any():
                k = x[categorical].astype(np.int64)
                word = self.words[self.threshold[at[categorical]].astype(np.int64) + (k >> 5)]
                go_left[categorical] = (word >> (k & 31)) & 1 == 1
            go_left[missing] = self.missing_left[at[missing]]
            at = np.where(go_left, self.left[at], self.right[at])
            leaf[rows] = at
        return leaf


def _check_tree(tree, inner, categories):
    """Children lie after their node and inside the tree; splits name real features and words."""
    size = len(tree.feature)
    i = np.flatnonzero(inner)
    f = tree.feature[i]
    ok = (f < len(categories)) & (tree.left[i] > i) & (tree.right[i] > i)
    ok &= (tree.left[i] < size) & (tree.right[i] < size)
    cat = tree.categorical[i]
    n_words = np.where(cat, (categories[np.minimum(f, len(categories) - 1)] + 31) // 32, 0)
    word = tree.threshold[i]
    whole = (word >= 0) & (np.floor(word) == word)
    ok &= np.where(cat, (n_words > 0) & whole & (word + n_words <= len(tree.words)), True)
    if size == 0 or not ok.all():
        raise ValueError(
            "model.json/trees.bin: a tree is malformed (a child, feature or category word is out of place)"
        )


def _inline_tree(tree, K):
    arrays = {
        "feature": np.asarray(tree["feature"], dtype=np.int64),
        "threshold": np.asarray(tree["threshold"], dtype=np.float64),
        "left": np.asarray(tree["left"], dtype=np.int64),
        "right": np.asarray(tree["right"], dtype=np.int64),
        "value": np.asarray(tree["value"], dtype=np.float64),
    }
    for name, dtype in (("flags", np.uint8), ("category_bits", np.uint32), ("cover", np.float64)):
        if name in tree:
            arrays[name] = np.asarray(tree[name], dtype=dtype)
    if len(arrays["value"]) != len(arrays["feature"]) * K:
        raise ValueError("model.json: a tree's values do not match its nodes")
    return arrays


def _trees_bin(data, forest, K, regression):
    """Format 2's trees.bin: sections of little-endian arrays, leaves' values only (docs/ARTIFACT.md)."""
    counts = forest["node_counts"]
    words = forest.get("category_words", [0] * len(counts))
    N, W = sum(counts), sum(words)
    count_dtype = np.dtype(COUNT_DTYPES[forest["leaf_count_dtype"]])
    feature = np.frombuffer(data, "<i4", N, 0).astype(np.int64)
    L = int(np.count_nonzero(feature < 0))
    leaf_bytes = (8 + count_dtype.itemsize) * L if regression else count_dtype.itemsize * L * K
    if len(data) != 21 * N + 4 * W + leaf_bytes:
        raise ValueError(
            f"trees.bin: {len(data)} bytes, expected {21 * N + 4 * W + leaf_bytes} for {N} nodes"
        )
    sections = {
        "left": np.frombuffer(data, "<i4", N, 4 * N).astype(np.int64),
        "right": np.frombuffer(data, "<i4", N, 8 * N).astype(np.int64),
        "threshold": np.frombuffer(data, "<f8", N, 12 * N),
        "flags": np.frombuffer(data, "u1", N, 20 * N),
        "category_bits": np.frombuffer(data, "<u4", W, 21 * N),
    }
    at = 21 * N + 4 * W
    if regression:
        leaf_values = np.frombuffer(data, "<f8", L, at)
        leaf_covers = np.frombuffer(data, count_dtype, L, at + 8 * L).astype(np.float64)
    else:
        leaf_values = np.frombuffer(data, count_dtype, L * K, at).astype(np.float64).reshape(L, K)
    trees, node, leaf, word = [], 0, 0, 0
    for size, n_words in zip(counts, words):
        tree = {
            name: array[node : node + size] for name, array in sections.items() if name != "category_bits"
        }
        tree["feature"] = feature[node : node + size]
        tree["category_bits"] = sections["category_bits"][word : word + n_words]
        leaves = np.flatnonzero(tree["feature"] < 0)
        # Inner nodes' values are not needed to predict (flags say where missing values go): zeros.
        tree["value"] = np.zeros(size * K)
        tree["value"].reshape(size, K)[leaves] = leaf_values[leaf : leaf + len(leaves)].reshape(-1, K)
        if regression:
            tree["cover"] = np.zeros(size)
            tree["cover"][leaves] = leaf_covers[leaf : leaf + len(leaves)]
        trees.append(tree)
        node, leaf, word = node + size, leaf + len(leaves), word + n_words
    return trees


def _trees_bin_v1(data, forest, K, regression):
    """Format 1's trees.bin: threshold, every node's class counts (float64), feature, left, right."""
    N = sum(forest["node_counts"])
    if len(data) != N * (20 + 8 * K):
        raise ValueError(
            f"trees.bin: {len(data)} bytes, expected {N * (20 + 8 * K)} for {N} nodes (format 1)"
        )
    columns = {
        "threshold": np.frombuffer(data, "<f8", N, 0),
        "value": np.frombuffer(data, "<f8", N * K, 8 * N),
        "feature": np.frombuffer(data, "<i4", N, 8 * N * (1 + K)).astype(np.int64),
        "left": np.frombuffer(data, "<i4", N, 8 * N * (1 + K) + 4 * N).astype(np.int64),
        "right": np.frombuffer(data, "<i4", N, 8 * N * (1 + K) + 8 * N).astype(np.int64),
    }
    trees, node = [], 0
    for size in forest["node_counts"]:
        trees.append(
            {
                name: a[node * K : (node + size) * K] if name == "value" else a[node : node + size]
                for name, a in columns.items()
            }
        )
        node += size
    return trees


def _numbers(values, name, na_values):
    """A numeric feature: numbers as they are; None, NaN, "" and the model's na_values are missing."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        x = np.fromiter((_number(v, name, na_values) for v in values), dtype=np.float64, count=len(values))
    if np.isinf(x).any():
        raise ValueError(f"feature {name!r}: {x[np.isinf(x)][0]} is not a finite number")
    return x


def _number(value, name, na_values):
    if _is_missing(value):
        return np.nan
    if isinstance(value, str):
        text = value.strip()
        if text == "" or text in na_values:
            return np.nan
        if not DECIMAL.fullmatch(text):
            raise ValueError(f"feature {name!r}: {value!r} is not a number (numeric feature)")
        return float(text)
    return float(value)


def _category_codes(values, categories, na_values):
    """A categorical feature: each category's code (its index); missing, na_values or unseen: NaN."""
    numeric = all(isinstance(c, (int, float)) for c in categories)
    lookup = {float(c) if numeric else c: k for k, c in enumerate(categories)}
    key = _numeric_key if numeric else _text_key
    return np.fromiter(
        (lookup.get(key(v, na_values), np.nan) for v in values), dtype=np.float64, count=len(values)
    )


def _numeric_key(value, na_values):
    """Integer categories compare by value: "3", 3 and 3.0 are category 3."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        return float(text) if text not in na_values and DECIMAL.fullmatch(text) else None
    return float(value)


def _text_key(value, na_values):
    if _is_missing(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        return None if text in na_values else text
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # as JavaScript writes the number 3.0: "3"
    return str(value)


def _is_missing(value):
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _verify_checksums(path):
    """Every file SHA256SUMS lists must match (MLflow may add files of its own beside them)."""
    with open(os.path.join(path, "SHA256SUMS"), encoding="utf-8") as handle:
        lines = [line.split("  ", 1) for line in handle.read().splitlines() if line.strip()]
    for digest, name in lines:
        with open(os.path.join(path, name), "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != digest:
                raise ValueError(
                    f"{path}: {name} does not match SHA256SUMS (the model was changed or damaged)"
                )
