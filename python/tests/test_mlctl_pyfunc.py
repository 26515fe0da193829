"""The loader against docs/ARTIFACT.md, on small forests written here by hand (inline and trees.bin).

Its agreement with `mlctl predict` on models mlctl trains is test/unit/python-flavor.test.ts's job.
"""

import hashlib
import json
import os
import sys

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import mlctl_pyfunc  # noqa: E402

LEAF = {"feature": -1, "threshold": 0, "left": 0, "right": 0}


def tree(nodes, K=1, flags=None, words=None, cover=None):
    """A tree from (feature, threshold, left, right, value) tuples, value a list of K numbers."""
    t = {key: [n[i] for n in nodes] for i, key in enumerate(["feature", "threshold", "left", "right"])}
    t["value"] = [v for n in nodes for v in n[4]]
    for key, extra in (("flags", flags), ("category_bits", words), ("cover", cover)):
        if extra is not None:
            t[key] = extra
    return t


def doc(trees, features=("x",), classes=(0, 1), **extra):
    forest = {"n_features": len(features), "node_counts": [len(t["feature"]) for t in trees]}
    forest.update(storage="inline", trees=trees)
    if extra.get("task") != "regression":
        forest["n_classes"] = len(classes)
    forest.update(extra.pop("forest", {}))
    body = {"format": "mlctl-random-forest", "format_version": 2, "features": list(features)}
    if extra.get("task") != "regression":
        body["classes"] = list(classes)
    return {**body, "target": "y", "params": {}, "forest": forest, **extra}


def artifact(path, model, trees_bin=None):
    """An artifact directory: model.json (and trees.bin), with SHA256SUMS over them."""
    os.makedirs(path, exist_ok=True)
    files = {"model.json": json.dumps(model).encode()}
    if trees_bin is not None:
        files["trees.bin"] = trees_bin
    for name, data in files.items():
        with open(os.path.join(path, name), "wb") as handle:
            handle.write(data)
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(files.items()))
    with open(os.path.join(path, "SHA256SUMS"), "w") as handle:
        handle.write(sums)
    return mlctl_pyfunc._load_pyfunc(str(path))


def stump(threshold=1.0, left=(3, 1), right=(1, 3), flags=None):
    return tree(
        [(0, threshold, 1, 2, [4, 4]), (-1, 0, 0, 0, list(left)), (-1, 0, 0, 0, list(right))], 2, flags
    )


def test_numeric_split_goes_left_at_the_threshold_and_missing_to_the_larger_child(tmp_path):
    model = artifact(tmp_path, doc([stump(left=(1, 1), right=(3, 0))]))
    proba = model.predict_proba(pd.DataFrame({"x": [1.0, 1.0000001, np.nan, None]}))
    np.testing.assert_array_equal(proba, [[0.5, 0.5], [1, 0], [1, 0], [1, 0]])


def test_without_flags_a_tie_of_covers_sends_missing_values_right(tmp_path):
    model = artifact(tmp_path, doc([stump(left=(3, 1), right=(1, 3))]))
    np.testing.assert_array_equal(model.predict_proba({"x": [np.nan]}), [[0.25, 0.75]])


def test_the_missing_left_flag_wins_over_covers(tmp_path):
    model = artifact(tmp_path, doc([stump(left=(1, 1), right=(3, 0), flags=[1, 0, 0])]))
    np.testing.assert_array_equal(model.predict_proba({"x": [None]}), [[0.5, 0.5]])


def categorical_model(tmp_path, categories, left_codes, na_values=()):
    words = [0, 0]
    for k in left_codes:
        words[k // 32] |= 1 << (k % 32)
    t = tree([(0, 0, 1, 2, [2, 2]), (-1, 0, 0, 0, [2, 0]), (-1, 0, 0, 0, [0, 2])], 2, [2, 0, 0], words)
    info = {"x": {"type": "categorical", "nullable": True, "categories": categories}}
    return artifact(tmp_path, doc([t], feature_info=info, na_values=list(na_values)))


def test_a_categorical_split_reads_the_bit_of_the_category_code_in_its_words(tmp_path):
    categories = [f"c{k:02d}" for k in range(40)]
    model = categorical_model(tmp_path, categories, [3, 35], na_values=["NA"])
    rows = ["c35", "c03", " c03 ", "c04", "nope", "NA", "", None, np.nan]
    # Unknown, na_values, empty and null are missing: right (no missing-left flag).
    np.testing.assert_array_equal(model.predict(pd.DataFrame({"x": rows})), [0, 0, 0, 1, 1, 1, 1, 1, 1])


def test_integer_categories_compare_by_value(tmp_path):
    model = categorical_model(tmp_path, [1, 3, 10], [1])
    values = pd.Series([3, 3.0, "3", "3.0", 10, "x", None], dtype=object)
    np.testing.assert_array_equal(model.predict(pd.DataFrame({"x": values})), [0, 0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(model.predict(pd.DataFrame({"x": [3, 1]})), [0, 1])


def test_class_weights_scale_leaf_counts_and_an_empty_leaf_is_uniform(tmp_path):
    t = tree([(0, 0.5, 1, 2, [3, 1]), (-1, 0, 0, 0, [3, 1]), (-1, 0, 0, 0, [0, 0])], 2)
    model = artifact(tmp_path, doc([t], forest={"class_weight": [1.0, 3.0]}))
    np.testing.assert_array_equal(model.predict_proba({"x": [0.0, 1.0]}), [[0.5, 0.5], [0.5, 0.5]])


def test_trees_are_averaged_and_a_tie_predicts_the_first_class(tmp_path):
    model = artifact(tmp_path, doc([stump(left=(1, 0)), stump(left=(0, 1))], classes=["b", "a"]))
    labels = model.predict({"x": [0.0, 2.0]})
    np.testing.assert_array_equal(model.predict_proba({"x": [0.0]}), [[0.5, 0.5]])
    assert labels.tolist() == ["b", "a"] and labels.dtype == object


def regression_tree(left, right):
    nodes = [(0, 1.0, 1, 2, [0.0]), (-1, 0, 0, 0, [left]), (-1, 0, 0, 0, [right])]
    return tree(nodes, 1, cover=[3, 1, 2])


def test_regression_averages_leaf_values_and_sends_missing_values_to_the_larger_cover(tmp_path):
    trees = [regression_tree(1.0, 2.0), regression_tree(10.0, 30.0)]
    model = artifact(tmp_path, doc(trees, task="regression"))
    np.testing.assert_array_equal(model.predict({"x": [0.0, 5.0, None]}), [5.5, 16.0, 16.0])
    with pytest.raises(ValueError, match="regression"):
        model.predict_proba({"x": [0.0]})


def trees_bin(trees, K, regression, dtype):
    """Format 2's trees.bin of inline trees, written from docs/ARTIFACT.md ("Storage")."""
    cat = lambda key, dt: np.concatenate([np.asarray(t.get(key, []), dt) for t in trees])  # noqa: E731
    flags = np.concatenate([np.asarray(t.get("flags", [0] * len(t["feature"])), "u1") for t in trees])
    parts = [cat("feature", "<i4"), cat("left", "<i4"), cat("right", "<i4"), cat("threshold", "<f8")]
    parts += [flags, cat("category_bits", "<u4")]
    leaf = cat("feature", "<i4") < 0
    if regression:
        parts += [cat("value", "<f8")[leaf], cat("cover", "<f8")[leaf].astype(dtype)]
    else:
        parts.append(cat("value", "<f8").reshape(-1, K)[leaf].astype(dtype))
    return b"".join(p.tobytes() for p in parts)


def as_trees_bin(model, dtype):
    body = json.loads(json.dumps(model))
    trees = body["forest"].pop("trees")
    body["forest"].update(storage="trees.bin", leaf_count_dtype=dtype)
    words = [len(t.get("category_bits", [])) for t in trees]
    if any(words):
        body["forest"]["category_words"] = words
    regression = model.get("task") == "regression"
    return body, trees_bin(trees, model["forest"].get("n_classes", 1), regression, dtype)


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32"])
def test_trees_bin_predicts_as_the_same_trees_inline(tmp_path, dtype):
    words = [1 << 2, 0]
    cat = tree([(1, 0, 1, 2, [5, 1]), (-1, 0, 0, 0, [4, 0]), (-1, 0, 0, 0, [1, 1])], 2, [3, 0, 0], words)
    info = {"c": {"type": "categorical", "nullable": True, "categories": ["a", "b", "c"]}}
    model = doc([stump(flags=[0, 0, 0]), cat], features=("x", "c"), feature_info=info)
    rows = pd.DataFrame({"x": [0.0, 2.0, None, 1.0], "c": ["c", "a", None, "z"]})
    expected = artifact(tmp_path / "inline", model).predict_proba(rows)
    body, data = as_trees_bin(model, dtype)
    np.testing.assert_array_equal(artifact(tmp_path / "bin", body, data).predict_proba(rows), expected)
    with pytest.raises(ValueError, match="bytes, expected"):
        artifact(tmp_path / "short", body, data[:-1])


def test_regression_trees_bin_reads_leaf_values_and_covers(tmp_path):
    model = doc([regression_tree(1.5, 2.5), regression_tree(-1.0, 7.0)], task="regression")
    body, data = as_trees_bin(model, "uint8")
    body["forest"]["trees"] = None
    rows = {"x": [0.0, 3.0, None]}
    np.testing.assert_array_equal(artifact(tmp_path, body, data).predict(rows), [0.25, 4.75, 4.75])


def test_format_1_trees_bin_stores_every_nodes_counts(tmp_path):
    t = stump(left=(1, 1), right=(3, 0))
    model = doc([t])
    model["format_version"] = 1
    expected = artifact(tmp_path / "inline", model).predict_proba({"x": [0.0, 5.0, None]})
    body = json.loads(json.dumps(model))
    body["forest"].pop("trees")
    body["forest"]["storage"] = "trees.bin"
    columns = [np.asarray(t["threshold"], "<f8"), np.asarray(t["value"], "<f8")]
    columns += [np.asarray(t[k], "<i4") for k in ("feature", "left", "right")]
    data = b"".join(c.tobytes() for c in columns)
    loaded = artifact(tmp_path / "bin", body, data)
    np.testing.assert_array_equal(loaded.predict_proba({"x": [0.0, 5.0, None]}), expected)


def test_a_changed_file_fails_the_checksums_and_extra_files_are_allowed(tmp_path):
    artifact(tmp_path, doc([stump()]))
    with open(tmp_path / "registered_model_meta", "w") as handle:
        handle.write("model_name: x\n")  # what MLflow's download adds
    mlctl_pyfunc._load_pyfunc(str(tmp_path))
    with open(tmp_path / "model.json", "a") as handle:
        handle.write(" ")
    with pytest.raises(ValueError, match="model.json does not match SHA256SUMS"):
        mlctl_pyfunc._load_pyfunc(str(tmp_path))


def test_a_newer_format_or_a_malformed_tree_is_refused(tmp_path):
    newer = doc([stump()])
    newer["format_version"] = 3
    with pytest.raises(ValueError, match="version 3; this loader reads mlctl-random-forest up to version 2"):
        artifact(tmp_path / "v3", newer)
    loop = stump()
    loop["left"][0] = 0  # a child that is its own parent would never end
    with pytest.raises(ValueError, match="malformed"):
        artifact(tmp_path / "loop", doc([loop]))
    info = {"x": {"type": "categorical", "nullable": False, "categories": ["a", "b"]}}
    before = tree([(0, -1, 1, 2, [1, 1]), (-1, 0, 0, 0, [1, 0]), (-1, 0, 0, 0, [0, 1])], 2, [2, 0, 0], [1])
    with pytest.raises(ValueError, match="malformed"):  # a category word before the tree's words
        artifact(tmp_path / "words", doc([before], feature_info=info))


def test_bad_input_is_a_clear_error(tmp_path):
    model = artifact(tmp_path, doc([stump()], features=("x", "y"), na_values=["NA"]))
    with pytest.raises(ValueError, match=r"lacks the feature column\(s\) \['y'\]"):
        model.predict({"x": [1.0]})
    with pytest.raises(ValueError, match="'y': 'abc' is not a number"):
        model.predict(pd.DataFrame({"x": [1.0], "y": ["abc"]}))
    with pytest.raises(ValueError, match="'x': inf is not a finite number"):
        model.predict({"x": [np.inf], "y": [1.0]})
    text = pd.DataFrame({"x": [" 2 ", "NA", ""], "y": ["1e0", None, "3"]}, dtype=object)
    np.testing.assert_array_equal(model.encode(text), [[2, 1], [np.nan, np.nan], [np.nan, 3]])


def test_an_array_without_column_names_is_in_feature_order_and_get_raw_model_is_the_model(tmp_path):
    model = artifact(tmp_path, doc([stump()], features=("x", "y")))
    np.testing.assert_array_equal(model.predict(np.array([[0.0, 9.0], [2.0, 9.0]])), [0, 1])
    assert model.get_raw_model() is model and model.predict(np.array([[0.0, 9.0]])).dtype == np.int64
