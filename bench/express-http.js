'use strict';
// The framework DESIGN.md names, measured by bench/serve.bench.js as the serve issue asks: a minimal
// express 5 app reading the JSON body (`express.json()`) and answering one route with a constant JSON
// body — express's own cost, with no model, no log and no metrics.
//   node bench/express-http.js PORT
const express = require('express');

const body = { predictions: [0], probabilities: [[1, 0, 0]], classes: [0, 1, 2] };
const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.post('/predict', (_req, res) => {
  res.json(body);
});
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stderr.write(`express-http: listening on 127.0.0.1:${server.address().port}\n`);
});
