"""MLflow's own scoring client (mlflow.pyfunc.scoring_server.client.ScoringServerClient) against a
running `mlctl serve`: ping, version, and predictions for a DataFrame (dataframe_split), its records
(dataframe_records, numbers as strings included), a dict of columns
(inputs) and a numpy array, each compared with mlctl's own /predict.

    python scoring_client_check.py HOST PORT ROWS.csv    -> one JSON document on stdout
"""

import json
import sys
import urllib.request

import pandas as pd
from mlflow.pyfunc.scoring_server.client import ScoringServerClient

host, port, rows_csv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
frame = pd.read_csv(rows_csv)
client = ScoringServerClient(host, port)
client.wait_server_ready(timeout=30)

body = json.dumps({"features": frame.to_dict(orient="records")}).encode()
req = urllib.request.Request(f"http://{host}:{port}/predict", data=body, headers={"content-type": "application/json"})
with urllib.request.urlopen(req) as res:
    expected = json.load(res)["predictions"]


def predictions(data):
    return list(client.invoke(data).get_predictions(predictions_format="ndarray"))


as_text = frame.astype(str)
client.ping()  # raises unless 200
out = {
    "version": client.get_version(),
    "expected_rows": len(expected),
    "dataframe_split": predictions(frame) == expected,
    # An extra column, as MLflow's schema enforcement ignores it.
    "extra_column": predictions(frame.assign(row_id=range(len(frame)))) == expected,
    # A dict goes out wrong from MLflow 3.17's dump_input_data (it iterates the keys); a JSON string as is.
    "dataframe_records_text": predictions(json.dumps({"dataframe_records": as_text.to_dict(orient="records")}))
    == expected,
    "numpy_array": predictions(frame.to_numpy()) == expected,
    "inputs_columns": predictions(json.dumps({"inputs": {c: frame[c].tolist() for c in frame.columns}})) == expected,
}
try:
    client.invoke(frame.iloc[:, :3])
    out["missing_columns"] = None
except Exception as e:  # the client raises on any non-200
    out["missing_columns"] = str(e)
print(json.dumps(out))
