"""Schemathesis hooks for the OpenAPI test of `mlctl serve` (test/integration/serve.test.ts).

JSON Schema cannot say that two arrays have one length, which three requests need: /feedback's labels
(one per row of its features), an OIP tensor's data (as many values as its shape says; a model with
categorical features also takes one tensor per feature, all of one number of rows) and the columnar form
of MLflow's `inputs` (columns of one length). The document says so in words; these hooks make each
generated *positive* case keep that rule, so that a positive case the server refuses is a real
failure. Negative cases are left as generated.

/feedback with the id of a request the server answered (schemathesis reuses ids it saw in responses,
and the document's link sends one) needs as many labels as that request had rows: the hooks note each
answered request's rows, and give a positive /feedback case for a noted id that many labels.
"""

import schemathesis

# The server's MAX_BATCH_SIZE (its default): no column may be longer.
MAX_BATCH_SIZE = 1000

# Request id -> rows of the request the server answered with it (/predict, /explain, /feedback by rows).
_ROWS = {}


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
        if not isinstance(labels, list):
            pass
        elif isinstance(rid, str) and rid in _ROWS:
            body["labels"] = _cycled(labels, _ROWS[rid])
        elif not (isinstance(rid, str) and rid) and isinstance(features, list):
            body["labels"] = _cycled(labels, len(features))
    elif path.endswith("/infer"):
        inputs = body.get("inputs")
        tensors = [t for t in inputs if isinstance(t, dict)] if isinstance(inputs, list) else []
        # One [rows, features] tensor, or one tensor per feature ([rows] or [rows, 1]) all of the first
        # one's rows: each tensor's data as many values as its shape says.
        rows = None
        for tensor in tensors:
            shape = tensor.get("shape")
            if not (isinstance(tensor.get("data"), list) and isinstance(shape, list) and shape):
                continue
            if not all(_whole(n) for n in shape):
                continue
            shape = [int(n) for n in shape]
            if len(tensors) > 1:
                rows = shape[0] if rows is None else rows
                shape[0] = rows
                tensor["shape"] = shape
            count = 1
            for n in shape:
                count *= n
            tensor["data"] = _cycled(_flat(tensor["data"]), count)
    elif path == "/invocations":
        columns = body.get("inputs")
        if isinstance(columns, dict):
            # The model's columns are lists of at least one value; others (ignored) may be anything.
            lists = [len(v) for v in columns.values() if isinstance(v, list)]
            length = min(max(lists, default=0), MAX_BATCH_SIZE)
            body["inputs"] = {
                name: _cycled(values, length) if isinstance(values, list) else values
                for name, values in columns.items()
            }
    return case


def _rows_scored(body):
    """The rows a 200 answer scored: /predict, /invocations, /explain, /feedback by rows, OIP infer."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("predictions"), list):
        return len(body["predictions"])
    if isinstance(body.get("explanations"), list):
        return len(body["explanations"])
    if "features" not in body and isinstance(body.get("accepted"), int):
        return body["accepted"]
    outputs = body.get("outputs")
    if isinstance(outputs, list) and outputs and isinstance(outputs[0].get("shape"), list):
        return outputs[0]["shape"][0]
    return None


@schemathesis.check
def note_scored_rows(ctx, response, case):
    """Not a check (it never fails): notes the rows of each scoring request under its request id, the
    correlation header of its answer, for the /feedback rule of map_case. A check because checks see every
    response, in the stateful phase too (call hooks do not)."""
    request_id = response.headers.get("x-correlation-id")
    if response.status_code == 200 and request_id:
        try:
            rows = _rows_scored(response.json())
        except ValueError:
            rows = None
        if rows is not None:
            _ROWS[request_id[0] if isinstance(request_id, list) else request_id] = rows
    return None
