"""Read an mlctl model artifact from Python, following docs/ARTIFACT.md alone, and hand it to
scikit-learn and shap. Used by the tests and benches that compare mlctl with those packages:

  read_forest(dir)            the trees as numpy arrays (inline model.json or trees.bin, formats 1 and 2),
                              with inner nodes' counts, covers and values derived as the spec says
  predict(forest, X)          the forest's outputs by the spec's routing rule (probabilities or values)
  shap_model(forest, X)       shap.TreeExplainer's dictionary input ("trees", "base_offset", ...);
                              with X, categorical splits become threshold tests that send each row of X
                              the way the category bits do (see shap_values)
  shap_values(forest, X)      path-dependent TreeSHAP of X by shap itself, shape (rows, features, outputs)
  to_sklearn(forest)          a fitted RandomForestClassifier/Regressor with the very same trees
                              (numeric splits only), for sklearn's predict_proba and shap's sklearn path

Numbers in X: floats, categorical features as their category codes, NaN for missing values.
"""
import json
import os

import numpy as np

FLAG_MISSING_LEFT = 1
FLAG_CATEGORICAL = 2
DTYPES = {"uint8": "u1", "uint16": "<u2", "uint32": "<u4"}


class Tree:
    def __init__(self, feature, threshold, left, right, flags, bits, value, cover):
        self.feature, self.threshold, self.left, self.right = feature, threshold, left, right
        self.flags, self.bits, self.value, self.cover = flags, bits, value, cover


class Forest:
    def __init__(self, doc, trees):
        self.doc = doc
        self.task = doc.get("task", "classification")
        self.features = doc["features"]
        self.classes = doc.get("classes", [])
        self.K = len(self.classes) if self.task == "classification" else 1
        self.trees = trees
        info = doc.get("feature_info", {})
        self.categorical = [info.get(f, {}).get("type") == "categorical" for f in self.features]


def read_forest(path):
    with open(os.path.join(path, "model.json")) as fh:
        doc = json.load(fh)
    meta = doc["forest"]
    task = doc.get("task", "classification")
    K = meta.get("n_classes", 1) if task == "classification" else 1
    w = np.array(meta.get("class_weight", [1.0] * K), dtype=np.float64)
    if meta["storage"] == "inline":
        trees = []
        for t in meta["trees"]:
            n = len(t["feature"])
            trees.append(_complete(
                np.array(t["feature"], dtype=np.int32), np.array(t["threshold"], dtype=np.float64),
                np.array(t["left"], dtype=np.int32), np.array(t["right"], dtype=np.int32),
                np.array(t["flags"], dtype=np.uint8) if "flags" in t else None,
                np.array(t.get("category_bits", []), dtype=np.uint32),
                np.array(t["value"], dtype=np.float64).reshape(n, K),
                np.array(t["cover"], dtype=np.float64) if "cover" in t else None, task, w))
    else:
        with open(os.path.join(path, "trees.bin"), "rb") as fh:
            data = fh.read()
        trees = _read_bin(data, meta, doc["format_version"], task, K, w)
    return Forest(doc, trees)


def _read_bin(data, meta, version, task, K, w):
    counts = meta["node_counts"]
    N = sum(counts)
    if version == 1:
        at = lambda k: k  # noqa: E731
        thr = np.frombuffer(data, "<f8", N, 0)
        val = np.frombuffer(data, "<f8", N * K, 8 * N).reshape(N, K)
        feat = np.frombuffer(data, "<i4", N, 8 * N * (1 + K))
        left = np.frombuffer(data, "<i4", N, 8 * N * (1 + K) + 4 * N)
        right = np.frombuffer(data, "<i4", N, 8 * N * (1 + K) + 8 * N)
        out, start = [], 0
        for n in counts:
            s = slice(start, start + n)
            leaves = feat[s] < 0
            value = np.where(leaves[:, None], val[s], 0.0)
            out.append(_complete(feat[s].copy(), thr[s].copy(), left[s].copy(), right[s].copy(), None,
                                 np.zeros(0, np.uint32), value, None, task, w))
            start += n
        return out
    feat = np.frombuffer(data, "<i4", N, 0)
    left = np.frombuffer(data, "<i4", N, 4 * N)
    right = np.frombuffer(data, "<i4", N, 8 * N)
    thr = np.frombuffer(data, "<f8", N, 12 * N)
    flags = np.frombuffer(data, "u1", N, 20 * N)
    words = meta.get("category_words", [0] * len(counts))
    W = sum(words)
    bits = np.frombuffer(data, "<u4", W, 21 * N)
    L = int((feat < 0).sum())
    dtype = DTYPES[meta["leaf_count_dtype"]]
    base = 21 * N + 4 * W
    if task == "regression":
        leaf_values = np.frombuffer(data, "<f8", L, base)
        leaf_covers = np.frombuffer(data, dtype, L, base + 8 * L).astype(np.float64)
    else:
        leaf_counts = np.frombuffer(data, dtype, L * K, base).astype(np.float64).reshape(L, K)
    out, start, leaf, word = [], 0, 0, 0
    for n, nw in zip(counts, words):
        s = slice(start, start + n)
        leaves = np.flatnonzero(feat[s] < 0)
        if task == "regression":
            value = np.zeros((n, 1))
            cover = np.zeros(n)
            value[leaves, 0] = leaf_values[leaf:leaf + len(leaves)]
            cover[leaves] = leaf_covers[leaf:leaf + len(leaves)]
        else:
            value = np.zeros((n, K))
            value[leaves] = leaf_counts[leaf:leaf + len(leaves)]
            cover = None
        out.append(_complete(feat[s].copy(), thr[s].copy(), left[s].copy(), right[s].copy(), flags[s].copy(),
                             bits[word:word + nw].copy(), value, cover, task, w))
        start, leaf, word = start + n, leaf + len(leaves), word + nw
    return out


def _complete(feature, threshold, left, right, flags, bits, value, cover, task, w):
    """Inner nodes from their children, bottom-up (children have larger indexes); explicit flags."""
    n = len(feature)
    if task == "regression":
        cover = cover.copy()
        for i in range(n - 1, -1, -1):
            if feature[i] >= 0:
                l, r = left[i], right[i]
                cover[i] = cover[l] + cover[r]
                value[i, 0] = (cover[l] * value[l, 0] + cover[r] * value[r, 0]) / (cover[l] + cover[r])
    else:
        for i in range(n - 1, -1, -1):
            if feature[i] >= 0:
                value[i] = value[left[i]] + value[right[i]]
        cover = np.zeros(n)
        for c in range(value.shape[1]):  # summed in class order, as the spec says
            cover += value[:, c] * w[c]
        value = value * w / np.where(cover > 0, cover, 1)[:, None]
    if flags is None:
        flags = np.zeros(n, np.uint8)
        inner = feature >= 0
        flags[inner] = np.where(cover[left[inner]] > cover[right[inner]], FLAG_MISSING_LEFT, 0)
    return Tree(feature, threshold, left, right, flags, bits, value, cover)


def encode(forest, records):
    """Rows of raw values (numbers, category texts, None for missing; dicts keyed by feature) as mlctl
    encodes them: numbers, category codes (the index in feature_info's categories), NaN when missing."""
    info = forest.doc.get("feature_info", {})
    na = set(forest.doc.get("na_values", []))
    X = np.full((len(records), len(forest.features)), np.nan)
    for r, rec in enumerate(records):
        for f, name in enumerate(forest.features):
            v = rec[name]
            if v is None or (isinstance(v, str) and (v.strip() == "" or v.strip() in na)):
                continue
            cats = info.get(name, {}).get("categories")
            if cats is None:
                X[r, f] = float(v)
            elif v in cats:
                X[r, f] = cats.index(v)
    return X


def _goes_left(tree, i, x):
    if np.isnan(x):
        return bool(tree.flags[i] & FLAG_MISSING_LEFT)
    if tree.flags[i] & FLAG_CATEGORICAL:
        k = int(x)
        return bool((int(tree.bits[int(tree.threshold[i]) + k // 32]) >> (k % 32)) & 1)
    return x <= tree.threshold[i]


def predict(forest, X):
    out = np.zeros((len(X), forest.K))
    for tree in forest.trees:
        for r, row in enumerate(X):
            i = 0
            while tree.feature[i] >= 0:
                i = tree.left[i] if _goes_left(tree, i, row[tree.feature[i]]) else tree.right[i]
            out[r] += tree.value[i]
    return out / len(forest.trees)


def shap_model(forest, row=None):
    """shap's dict form. Categorical splits need `row`: each becomes `x <= code + 0.5` or `x <= code - 0.5`
    on that row's code, so the row goes the way the bits send it and shap's covers do the rest."""
    T = len(forest.trees)
    trees = []
    for tree in forest.trees:
        leaf = tree.feature < 0
        thresholds = tree.threshold.copy()
        cat = (tree.flags & FLAG_CATEGORICAL) != 0
        for i in np.flatnonzero(cat & ~leaf):
            x = row[tree.feature[i]]
            if not np.isnan(x):
                thresholds[i] = x + 0.5 if _goes_left(tree, i, x) else x - 0.5
        default = np.where(tree.flags & FLAG_MISSING_LEFT, tree.left, tree.right)
        trees.append({
            "children_left": np.where(leaf, -1, tree.left).astype(np.int32),
            "children_right": np.where(leaf, -1, tree.right).astype(np.int32),
            "children_default": np.where(leaf, -1, default).astype(np.int32),
            "features": np.where(leaf, -2, tree.feature).astype(np.int32),
            "thresholds": np.where(leaf, -2.0, thresholds).astype(np.float64),
            "values": tree.value / T,
            "node_sample_weight": tree.cover.astype(np.float64),
        })
    return {"trees": trees, "base_offset": 0.0, "tree_output": "raw_value", "objective": "squared_error",
            "input_dtype": np.float64, "internal_dtype": np.float64}


def shap_values(forest, X):
    """(rows, features, outputs) and the expected values, from shap.TreeExplainer itself. Rows with the
    same categorical codes share one explainer (the thresholds of categorical splits depend on them)."""
    import shap

    X = np.asarray(X, dtype=np.float64)
    out = np.zeros((len(X), X.shape[1], forest.K))
    cat = np.array(forest.categorical)
    keys = [tuple(np.where(np.isnan(r[cat]), -1, r[cat]).tolist()) for r in X] if cat.any() else [()] * len(X)
    expected = None
    for key in dict.fromkeys(keys):
        rows = [i for i, k in enumerate(keys) if k == key]
        explainer = shap.TreeExplainer(shap_model(forest, X[rows[0]]), feature_perturbation="tree_path_dependent")
        phi = np.asarray(explainer.shap_values(X[rows], check_additivity=False))
        out[rows] = phi.reshape(len(rows), X.shape[1], forest.K)
        expected = np.atleast_1d(explainer.expected_value)
    return out, expected


def to_sklearn(forest):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    from sklearn.tree._tree import Tree as SkTree

    regression = forest.task == "regression"
    d = len(forest.features)
    Est, Model = (DecisionTreeRegressor, RandomForestRegressor) if regression else (DecisionTreeClassifier, RandomForestClassifier)
    probe = Est().fit(np.arange(4.0).reshape(-1, 1), [0.0, 1.0, 0.0, 1.0] if regression else [0, 1, 2, 1])
    dtype = probe.tree_.__getstate__()["nodes"].dtype
    estimators = []
    for tree in forest.trees:
        if (tree.flags & FLAG_CATEGORICAL).any():
            raise ValueError("scikit-learn trees have no categorical splits")
        n = len(tree.feature)
        leaf = tree.feature < 0
        nodes = np.zeros(n, dtype=dtype)
        nodes["left_child"] = np.where(leaf, -1, tree.left)
        nodes["right_child"] = np.where(leaf, -1, tree.right)
        nodes["feature"] = np.where(leaf, -2, tree.feature)
        nodes["threshold"] = np.where(leaf, -2.0, tree.threshold)
        nodes["n_node_samples"] = np.maximum(np.round(tree.cover), 1).astype(np.int64)
        nodes["weighted_n_node_samples"] = tree.cover
        if "missing_go_to_left" in dtype.names:
            nodes["missing_go_to_left"] = (tree.flags & FLAG_MISSING_LEFT) != 0
        depth = np.zeros(n, np.int64)
        for i in range(n):
            if not leaf[i]:
                depth[tree.left[i]] = depth[tree.right[i]] = depth[i] + 1
        sk = SkTree(d, np.array([forest.K], dtype=np.intp), 1)
        sk.__setstate__({"max_depth": int(depth.max()), "node_count": n, "nodes": nodes,
                         "values": np.ascontiguousarray(tree.value.reshape(n, 1, forest.K))})
        est = Est()
        est.tree_ = sk
        est.n_outputs_ = 1
        est.n_features_in_ = d
        if not regression:
            est.n_classes_ = forest.K
            est.classes_ = np.arange(forest.K)
        estimators.append(est)
    model = Model(n_estimators=len(estimators))
    model.estimators_ = estimators
    model.n_outputs_ = 1
    model.n_features_in_ = d
    if not regression:
        model.n_classes_ = forest.K
        model.classes_ = np.arange(forest.K)
    return model
