"""Schemathesis hooks for the OpenAPI test of `mlctl serve` (test/integration/serve.test.ts).

JSON Schema cannot say that two arrays have one length, which three requests need: /feedback's labels
(one per row of its features), an OIP tensor's data (shape[0] x features values) and the columnar form of
MLflow's `inputs` (columns of one length). The document says so in words; these hooks make each
generated *positive* case keep that rule, so that a positive case the server refuses is a real
failure. Negative cases are left as generated.
"""

import schemathesis


def _cycled(values, length):
    """`values` repeated or cut to `length` items (an empty list stays empty)."""
    if not values:
        return values
    return [values[i % len(values)] for i in range(length)]


def _whole(n):
    """A whole number, as JSON may write it (152 or 152.0); not a boolean."""
    return isinstance(n, (int, float)) and not isinstance(n, bool) and float(n).is_integer()


def _flat(data):
    out = []
    for item in data:
        if isinstance(item, list):
            out.extend(_flat(item))
        else:
            out.append(item)
    return out


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return case
    body = case.body
    path = case.operation.path
    if path == "/feedback":
        rid = body.get("request_id")
        features, labels = body.get("features"), body.get("labels")
        if not (isinstance(rid, str) and rid) and isinstance(features, list) and isinstance(labels, list):
            body["labels"] = _cycled(labels, len(features))
    elif path.endswith("/infer"):
        inputs = body.get("inputs")
        tensor = inputs[0] if isinstance(inputs, list) and inputs else None
        if isinstance(tensor, dict) and isinstance(tensor.get("data"), list):
            shape = tensor.get("shape")
            if isinstance(shape, list) and len(shape) == 2 and all(_whole(n) for n in shape):
                shape = [int(n) for n in shape]
                tensor["data"] = _cycled(_flat(tensor["data"]), shape[0] * shape[1])
    elif path == "/invocations":
        columns = body.get("inputs")
        if isinstance(columns, dict) and columns and all(isinstance(v, list) for v in columns.values()):
            length = len(next(iter(columns.values())))
            body["inputs"] = {name: _cycled(values, length) for name, values in columns.items()}
    return case
