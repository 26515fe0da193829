"""The seed's serving stack, for bench/serve.bench.js: FastAPI + uvicorn (1 worker) + scikit-learn.

  python seed_stack.py DATA_CSV PORT

A stand-in for the seed's src/app (not a copy): RandomForestClassifier(n_estimators=10, random_state=42)
fit on DATA_CSV at start, the correlation-id middleware (Starlette BaseHTTPMiddleware, as the seed's),
POST /predict/ with a pydantic body model, the seed's checks, predict on a float32 array, and the
prediction log as a background task writing one JSON line per request to stdout.

Left out, each of which only made the seed slower: the slowapi rate limit (100/minute would cap any
benchmark), the prediction cache (a repeated row never reaches the model), the Prometheus middleware,
the two extra INFO log lines per request, OpenTelemetry spans and uvicorn's access log. The ratio
measured against this stack is therefore a lower bound on the ratio against the seed as shipped.
"""
import json
import logging
import sys
import uuid
from datetime import datetime, timezone
from typing import List

import numpy as np
import uvicorn
from fastapi import BackgroundTasks, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field
from sklearn.ensemble import RandomForestClassifier
from starlette.middleware.base import BaseHTTPMiddleware

MAX_BATCH_SIZE = 1000

data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
model = RandomForestClassifier(n_estimators=10, random_state=42).fit(data[:, :-1], data[:, -1].astype(int))
n_features = model.n_features_in_

prediction_log = logging.getLogger("drift-monitoring")
prediction_log.setLevel(logging.INFO)
prediction_log.propagate = False
_handler = logging.StreamHandler(sys.stdout)
_handler.setFormatter(logging.Formatter("%(message)s"))
prediction_log.addHandler(_handler)


def emit_prediction_log(features, predictions, metadata):
    payload = {
        "event": "prediction",
        "event_id": str(uuid.uuid4()),
        "timestamp": datetime.now(timezone.utc).isoformat(),
        "features": features,
        "predictions": predictions,
        "metadata": metadata,
    }
    prediction_log.info(json.dumps(payload, default=str))


class CorrelationIDMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        correlation_id = request.headers.get("x-correlation-id") or str(uuid.uuid4())
        request.state.correlation_id = correlation_id
        response = await call_next(request)
        response.headers["X-Correlation-ID"] = correlation_id
        return response


class PredictRequest(BaseModel):
    features: List[List[float]] = Field(..., description="A batch of input features")


class PredictResponse(BaseModel):
    predictions: List[int]


app = FastAPI(title="seed-stack")
app.add_middleware(CorrelationIDMiddleware)


@app.post("/predict/", response_model=PredictResponse)
async def predict(request: Request, payload: PredictRequest, background_tasks: BackgroundTasks):
    if not payload.features:
        raise HTTPException(status_code=400, detail="Input features cannot be empty")
    if len(payload.features) > MAX_BATCH_SIZE:
        raise HTTPException(status_code=400, detail=f"Batch size exceeds maximum of {MAX_BATCH_SIZE}")
    for i, row in enumerate(payload.features):
        if len(row) != n_features:
            raise HTTPException(status_code=400, detail=f"Invalid feature dimension at index {i}")
        if not all(np.isfinite(row)):
            raise HTTPException(status_code=400, detail=f"Invalid value in features[{i}]")
    predictions = [int(p) for p in model.predict(np.asarray(payload.features, dtype=np.float32))]
    metadata = {
        "path": request.url.path,
        "client_host": request.client.host if request.client else None,
        "correlation_id": request.state.correlation_id,
    }
    background_tasks.add_task(emit_prediction_log, payload.features, predictions, metadata)
    return PredictResponse(predictions=predictions)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), workers=1, log_level="warning", access_log=False)
