"""NVIDIA's tritonclient (HTTP) against a running `mlctl serve`: health, metadata, and inference with
FP32, FP64 and INT64 inputs, as binary tensors (tritonclient's default) and as JSON, with and without
request compression. Each answer is compared with mlctl's own /predict for the same values.

    python tritonclient_check.py HOST:PORT MODEL ROWS.csv    -> one JSON document on stdout
"""

import json
import sys
import urllib.request

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

url, model, rows_csv = sys.argv[1:4]
rows = np.loadtxt(rows_csv, delimiter=",", dtype=np.float64, ndmin=2)
client = httpclient.InferenceServerClient(url=url)


def own_answer(values):
    body = json.dumps({"features": values.astype(np.float64).tolist()}).encode()
    req = urllib.request.Request(f"http://{url}/predict", data=body, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)


def compare(result, values):
    expected = own_answer(values)
    proba = result.as_numpy("predict_proba")
    return {
        "predict_equal": result.as_numpy("predict").tolist() == expected["predictions"],
        "proba_close": bool(np.allclose(proba, np.array(expected["probabilities"]), rtol=0, atol=1e-12)),
        "proba_shape": list(proba.shape),
    }


out = {
    "live": client.is_server_live(),
    "ready": client.is_server_ready(),
    "model_ready": client.is_model_ready(model),
    "server": client.get_server_metadata(),
    "metadata": client.get_model_metadata(model),
    "cases": [],
}
for datatype, dtype in (("FP32", np.float32), ("FP64", np.float64), ("INT64", np.int64)):
    values = rows.astype(dtype)
    for binary in (True, False):
        for compression in (None, "gzip", "deflate"):
            tensor = httpclient.InferInput("input-0", list(values.shape), datatype)
            tensor.set_data_from_numpy(values, binary_data=binary)
            outputs = [
                httpclient.InferRequestedOutput("predict", binary_data=binary),
                httpclient.InferRequestedOutput("predict_proba", binary_data=binary),
            ]
            result = client.infer(model, [tensor], outputs=outputs, request_compression_algorithm=compression)
            out["cases"].append({"datatype": datatype, "binary": binary, "compression": compression, **compare(result, values)})

# No outputs named: tritonclient asks for every output, as binary data.
tensor = httpclient.InferInput("input-0", list(rows.shape), "FP64")
tensor.set_data_from_numpy(rows)
out["default_outputs"] = compare(client.infer(model, [tensor], request_compression_algorithm="gzip"), rows)

try:
    client.infer("no-such-model", [tensor])
    out["unknown_model"] = None
except InferenceServerException as e:
    out["unknown_model"] = {"status": e.status(), "message": e.message()}

print(json.dumps(out))
