'use strict';
// Baseline of bench/serve.bench.js: node:http reading the request body and answering a constant JSON
// body — the HTTP work of POST /predict with no application work at all.
//   node bench/bare-http.js PORT
const { createServer } = require('node:http');

const body = JSON.stringify({ predictions: [0], probabilities: [[1, 0, 0]], classes: [0, 1, 2] });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stderr.write(`bare-http: listening on 127.0.0.1:${server.address().port}\n`);
});
