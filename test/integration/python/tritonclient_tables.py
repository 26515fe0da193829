"""NVIDIA's tritonclient (HTTP) against `mlctl serve` of a model with categorical features and missing
values: one input per feature as the model's metadata lists them (BYTES for text categories, FP64 with
NaN for a missing number), as binary tensors (tritonclient's default) and as JSON. Each answer is
compared with mlctl's own /predict of the same rows as objects (null for a missing value).

    python tritonclient_tables.py HOST:PORT MODEL ROWS.csv    -> one JSON document on stdout
"""

import json
import math
import sys
import urllib.request

import numpy as np
import pandas as pd
import tritonclient.http as httpclient

url, model, rows_csv = sys.argv[1:4]
client = httpclient.InferenceServerClient(url=url)
metadata = client.get_model_metadata(model)
frame = pd.read_csv(rows_csv, keep_default_na=False, dtype=str)


def value(text, datatype):
    if text in ("", "NA"):
        return None
    return text if datatype == "BYTES" else float(text)


columns = {i["name"]: [value(t, i["datatype"]) for t in frame[i["name"]]] for i in metadata["inputs"]}
n = len(frame)
records = [{name: columns[name][r] for name in columns} for r in range(n)]
body = json.dumps({"features": records}).encode()
req = urllib.request.Request(f"http://{url}/predict", data=body, headers={"content-type": "application/json"})
with urllib.request.urlopen(req) as res:
    expected = json.load(res)

out = {"metadata_inputs": [[i["name"], i["datatype"], i["shape"]] for i in metadata["inputs"]], "cases": []}
for binary in (True, False):
    inputs = []
    for spec in metadata["inputs"]:
        values = columns[spec["name"]]
        if spec["datatype"] == "BYTES":
            # A missing text category as an empty string (tritonclient's BYTES take no None).
            array = np.array([[("" if v is None else v).encode()] for v in values], dtype=np.object_)
        else:
            array = np.array([[math.nan if v is None else v] for v in values], dtype=np.float64)
        if not binary and spec["datatype"] != "BYTES":
            # JSON has no NaN: a missing number is sent as its binary form even here.
            tensor = httpclient.InferInput(spec["name"], [n, 1], "FP64")
            tensor.set_data_from_numpy(array, binary_data=True)
        else:
            tensor = httpclient.InferInput(spec["name"], [n, 1], spec["datatype"])
            tensor.set_data_from_numpy(array, binary_data=binary)
        inputs.append(tensor)
    outputs = [
        httpclient.InferRequestedOutput("predict", binary_data=binary),
        httpclient.InferRequestedOutput("predict_proba", binary_data=binary),
    ]
    result = client.infer(model, inputs, outputs=outputs)
    predict = [p.decode() if isinstance(p, bytes) else p for p in result.as_numpy("predict").tolist()]
    proba = result.as_numpy("predict_proba")
    out["cases"].append(
        {
            "binary": binary,
            "rows": n,
            "predict_equal": predict == expected["predictions"],
            "proba_close": bool(np.allclose(proba, np.array(expected["probabilities"]), rtol=0, atol=1e-12)),
        }
    )
print(json.dumps(out))
