'use strict';
// A reference of bench/serve.bench.js: node:http doing only the HTTP part of mlctl's POST /predict —
// read the body, JSON.parse it, answer a body of the same size with the same three headers (a fresh
// request id each time), writing the replies of a round of I/O together at its end as mlctl does
// (src/serve/http/reply-queue.ts) — and nothing of the application: no model, no log, no metrics, no
// router. What mlctl serve spends above this floor is its own; below it is what any node:http server pays.
//   node bench/http-floor.js PORT
const { createServer } = require('node:http');
const { randomUUID } = require('node:crypto');

const head =
  '{"predictions":[0],"probabilities":[[1,0,0]],"classes":[0,1,2],"model_version":"local-51f163b2267e","request_id":';

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (!Array.isArray(body.features)) {
      res.writeHead(400).end();
      return;
    }
    const id = randomUUID();
    const payload = `${head}"${id}"}`;
    if (waiting.length === 0) setImmediate(writeWaiting);
    waiting.push(res, id, payload);
  });
});

// Without mlctl's bound (a round's replies are written early once the first has waited 1 ms): on this
// load the bound made no measurable difference to mlctl (docs/BENCHMARKS.md).
let waiting = [];
function writeWaiting() {
  const replies = waiting;
  waiting = [];
  for (let i = 0; i < replies.length; i += 3) {
    const res = replies[i];
    const id = replies[i + 1];
    const payload = replies[i + 2];
    res.writeHead(200, [
      'content-type',
      'application/json; charset=utf-8',
      'content-length',
      String(Buffer.byteLength(payload)),
      'X-Correlation-ID',
      id,
    ]);
    res.end(payload);
  }
}
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stderr.write(`http-floor: listening on 127.0.0.1:${server.address().port}\n`);
});
