import { connect } from 'node:net';
import { loaded, postJson, startTestServer } from '../helpers/serve';
import type { TestServer } from '../helpers/serve';

const SETOSA = [5.1, 3.5, 1.4, 0.2];
const VERSICOLOR = [6.2, 2.9, 4.3, 1.3];

describe('mlctl serve app (real HTTP on port 0)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  describe('POST /predict', () => {
    it('predicts classes and probabilities for rows as arrays or objects', async () => {
      const r = await postJson(`${s.url}/predict`, {
        features: [SETOSA, { sepal_length: 6.2, sepal_width: 2.9, petal_length: 4.3, petal_width: 1.3 }],
      });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        predictions: [0, 1],
        probabilities: [
          [1, 0, 0],
          [0, 1, 0],
        ],
        classes: [0, 1, 2],
        model_version: '1',
      });
      expect(r.json.request_id).toBe(r.headers.get('x-correlation-id'));
    });

    it('echoes a given correlation id and logs the prediction event under it', async () => {
      const r = await postJson(
        `${s.url}/predict/`,
        { features: [VERSICOLOR] },
        { 'X-Correlation-ID': 'abc-123' },
      );
      expect(r.status).toBe(200);
      expect(r.headers.get('x-correlation-id')).toBe('abc-123');
      expect(s.events()).toContainEqual(
        expect.objectContaining({
          event: 'prediction',
          request_id: 'abc-123',
          model: { name: 'iris', version: '1', uri: 'models:/iris/1' },
          feature_names: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
          features: [VERSICOLOR],
          predictions: [1],
        }),
      );
    });

    it.each([
      ['every character a correlation id may have', 'Ab_9.:@/+=-', 'Ab_9.:@/+=-'],
      ['a quote, which is not adopted', 'a"b', undefined],
      ['a backslash, which is not adopted', 'a\\b', undefined],
    ])('answers valid JSON for a correlation id with %s', async (_what, given, echoed) => {
      const r = await postJson(`${s.url}/predict`, { features: [VERSICOLOR] }, { 'X-Correlation-ID': given });
      expect(r.status).toBe(200);
      const id = r.headers.get('x-correlation-id');
      if (echoed !== undefined) expect(id).toBe(echoed);
      else expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.json.request_id).toBe(id);
    });

    it.each([
      ['invalid JSON', '{"features": [[1,2', 400, /invalid JSON/],
      ['an empty body', '', 400, /empty request body/],
      ['a body that is not an object', '[1,2]', 400, /must be a JSON object/],
      ['no features', {}, 400, /features must be an array/],
      ['an empty batch', { features: [] }, 400, /features is empty/],
      [
        'a wrong dimension',
        { features: [[1, 2, 3]] },
        400,
        /features\[0\] has 3 values; the model expects 4/,
      ],
      [
        'a string value',
        { features: [[1, 2, 'x', 4]] },
        400,
        /features\[0\]\.petal_length is the string "x"/,
      ],
      [
        'a boolean value',
        { features: [[1, true, 3, 4]] },
        400,
        /features\[0\]\.sepal_width is boolean; expected a finite number or null/,
      ],
      ['a nested array', { features: [[1, [2], 3, 4]] }, 400, /is a nested array/],
      ['a huge number', '{"features": [[1, 2, 1e999, 4]]}', 400, /is Infinity/],
      [
        'a missing named feature',
        { features: [{ sepal_length: 1 }] },
        400,
        /missing sepal_width, petal_length, petal_width/,
      ],
      [
        'an extra named feature',
        { features: [{ sepal_length: 1, sepal_width: 1, petal_length: 1, petal_width: 1, colour: 2 }] },
        400,
        /unknown colour/,
      ],
      [
        'a row that is neither',
        { features: [7] },
        400,
        /must be an array of values in feature order or an object/,
      ],
    ])('rejects %s with a 4xx naming the problem', async (_name, body, status, message) => {
      const r = await postJson(`${s.url}/predict`, body);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(message);
      expect(r.json.request_id).toEqual(expect.any(String));
    });

    it('names the row of a bad value in a batch', async () => {
      const r = await postJson(`${s.url}/predict`, { features: [SETOSA, SETOSA, [1, 2, 'NaN', 4]] });
      expect(r.json).toMatchObject({ row: 2, column: 'petal_length' });
    });

    it('rejects a wrong content type with 415', async () => {
      const r = await fetch(`${s.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(r.status).toBe(415);
    });

    it('rejects a body over the limit with 413', async () => {
      const small = await startTestServer({ settings: { maxBodyBytes: 100 } });
      try {
        const r = await postJson(`${small.url}/predict`, { features: Array(50).fill(SETOSA) });
        expect(r.status).toBe(413);
      } finally {
        await small.close();
      }
    });

    it('rejects a batch over MAX_BATCH_SIZE with 413', async () => {
      const small = await startTestServer({ settings: { maxBatch: 2 } });
      try {
        const r = await postJson(`${small.url}/predict`, { features: [SETOSA, SETOSA, SETOSA] });
        expect(r.status).toBe(413);
        expect(r.json.error).toMatch(/batch of 3 rows exceeds the maximum of 2/);
      } finally {
        await small.close();
      }
    });
  });

  describe('POST /explain', () => {
    const NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
    type Explained = {
      method: string;
      classes: number[];
      explanations: Array<Record<string, unknown>>;
      model_version: string;
    };

    it('returns SHAP values that sum with the expected value to the predicted probability', async () => {
      const r = await postJson(`${s.url}/explain`, { features: [VERSICOLOR] });
      expect(r.status).toBe(200);
      const body = r.json as Explained;
      expect(body).toMatchObject({ method: 'tree_shap', classes: [0, 1, 2], model_version: '1' });
      expect(body.explanations).toHaveLength(1);
      const e = body.explanations[0] as {
        prediction: number;
        probability: number;
        expected_value: number;
        shap_values: Record<string, number>;
      };
      expect(e.prediction).toBe(1);
      expect(Object.keys(e.shap_values)).toEqual(NAMES);
      const total = Object.values(e.shap_values).reduce((a, b) => a + b, e.expected_value);
      expect(total).toBeCloseTo(e.probability, 12);
    });

    it('explains every row of a batch, every class with all_classes, and Saabas on request', async () => {
      const all = await postJson(`${s.url}/explain`, { features: [SETOSA, VERSICOLOR], all_classes: true });
      expect(all.status).toBe(200);
      const rows = (all.json as Explained).explanations as Array<{
        probabilities: Record<string, number>;
        expected_value: Record<string, number>;
        shap_values: Record<string, Record<string, number>>;
      }>;
      expect(rows).toHaveLength(2);
      for (const e of rows) {
        expect(Object.keys(e.shap_values)).toEqual(['0', '1', '2']);
        for (const c of ['0', '1', '2']) {
          const sum = Object.values(e.shap_values[c] as Record<string, number>).reduce(
            (a, b) => a + b,
            e.expected_value[c] as number,
          );
          expect(sum).toBeCloseTo(e.probabilities[c] as number, 12);
        }
      }
      const saabas = await postJson(`${s.url}/explain`, { features: VERSICOLOR, method: 'saabas' });
      expect(saabas.status).toBe(200);
      expect((saabas.json as Explained).method).toBe('saabas');
      expect(Object.keys((saabas.json as Explained).explanations[0] as object)).toEqual([
        'prediction',
        'probability',
        'expected_value',
        'contributions',
      ]);
    });

    it('answers 400 for an unknown method, a non-boolean all_classes (null too) and a bad row', async () => {
      const method = await postJson(`${s.url}/explain`, { features: [SETOSA], method: 'lime' });
      expect(method.status).toBe(400);
      expect(method.json.error).toMatch(/method is "lime"; expected "tree_shap"/);
      const flag = await postJson(`${s.url}/explain`, { features: [SETOSA], all_classes: 'yes' });
      expect(flag.status).toBe(400);
      // null is not "absent": the document says a string and a boolean (schemathesis sends null).
      const nulls = await postJson(`${s.url}/explain`, { features: [SETOSA], method: null });
      expect(nulls.status).toBe(400);
      expect((await postJson(`${s.url}/explain`, { features: [SETOSA], all_classes: null })).status).toBe(
        400,
      );
      const row = await postJson(`${s.url}/explain`, { features: [[1, 2, 3]] });
      expect(row.status).toBe(400);
    });
  });

  describe('POST /feedback', () => {
    it('scores labels against an earlier request and exposes live accuracy', async () => {
      const fresh = await startTestServer();
      try {
        const p = await postJson(`${fresh.url}/predict`, { features: [SETOSA, VERSICOLOR] });
        const f = await postJson(`${fresh.url}/feedback`, { request_id: p.json.request_id, labels: [0, 2] });
        expect(f.status).toBe(200);
        expect(f.json).toMatchObject({ accepted: 2, correct: 1, live_accuracy: 0.5, model_version: '1' });
        const metrics = await (await fetch(`${fresh.url}/metrics`)).text();
        expect(metrics).toContain('ml_model_accuracy{source="feedback"} 0.5');
        expect(metrics).toContain('ml_model_accuracy{source="training"} 0.9');
        expect(fresh.events()).toContainEqual(
          expect.objectContaining({ event: 'feedback', labels: [0, 2], correct: 1 }),
        );
      } finally {
        await fresh.close();
      }
    });

    it('scores rows sent again with their labels', async () => {
      const r = await postJson(`${s.url}/feedback`, { features: [SETOSA], labels: [0] });
      expect(r.json).toMatchObject({ accepted: 1, correct: 1 });
    });

    it.each([
      [{ request_id: 'never-seen', labels: [0] }, 404, /unknown request_id/],
      [{ labels: [0] }, 400, /either request_id .* or features/],
      [{ features: [SETOSA], labels: [9] }, 400, /labels\[0\] is 9; expected one of 0, 1, 2/],
      [{ features: [SETOSA], labels: [0, 1] }, 400, /labels has 2 entries; the request had 1 row$/],
      [{ features: [SETOSA] }, 400, /labels must be a non-empty array/],
    ])('rejects %j', async (body, status, message) => {
      const r = await postJson(`${s.url}/feedback`, body);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(message);
    });
  });

  describe('health, readiness and metrics', () => {
    it('GET /livez, /readyz and /health answer, with and without a trailing slash, never redirecting', async () => {
      for (const path of ['/livez', '/livez/', '/readyz', '/readyz/', '/health', '/health/']) {
        const r = await fetch(`${s.url}${path}`, { redirect: 'manual' });
        expect([path, r.status]).toEqual([path, 200]);
      }
      const health = (await (await fetch(`${s.url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        status: 'ok',
        ready: true,
        model: { name: 'iris', version: '1', feature_names: expect.any(Array), classes: [0, 1, 2] },
        metrics: { accuracy: 0.9 },
        registry: { reachable: null, last_error: null },
      });
    });

    it('is not ready and says why while no model is loaded', async () => {
      const empty = await startTestServer({ model: null });
      try {
        expect((await fetch(`${empty.url}/livez`)).status).toBe(200);
        expect((await fetch(`${empty.url}/readyz`)).status).toBe(503);
        const health = await fetch(`${empty.url}/health`);
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ status: 'unavailable', ready: false, model: null });
        const p = await postJson(`${empty.url}/predict`, { features: [SETOSA] });
        expect(p.status).toBe(503);
        expect(await (await fetch(`${empty.url}/metrics`)).text()).toContain('ml_model_ready 0');
        // Probes answered 503 on purpose are not errors in the log; /predict failing for want of a model is.
        const errors = empty.logs().filter((l) => l.level === 50);
        expect(errors.map((l) => l.route)).toEqual(['/predict']);
      } finally {
        await empty.close();
      }
    });

    it('serves Prometheus text at /metrics with route templates as labels', async () => {
      await fetch(`${s.url}/v2/models/iris/ready`);
      const r = await fetch(`${s.url}/metrics`, { redirect: 'manual' });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await r.text();
      expect(text).toMatch(/ml_request_count_total\{method="POST",path="\/predict",status="200"\} \d+/);
      expect(text).toMatch(/ml_request_count_total\{method="POST",path="\/predict",status="400"\} \d+/);
      expect(text).toContain('path="/v2/models/:name/ready"');
      expect(text).toMatch(/ml_predictions_total\{model_version="1",class="0"\} \d+/);
      expect(text).toContain('ml_model_info{name="iris",version="1",uri="models:/iris/1"} 1');
      expect(text).toContain('ml_model_ready 1');
      expect(text).toContain('ml_request_latency_seconds_bucket');
    });

    it('answers unknown routes 404 without creating new label values', async () => {
      for (const path of ['/nope', '/wp-admin/x.php', '/predict/extra', '/v2/models']) {
        expect((await fetch(`${s.url}${path}`)).status).toBe(404);
      }
      const text = await (await fetch(`${s.url}/metrics`)).text();
      expect(text).not.toContain('wp-admin');
      expect(text).toContain('path="(unmatched)",status="404"');
    });

    it('answers a known path with the wrong method 405 and Allow', async () => {
      const r = await fetch(`${s.url}/predict`);
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('POST');
    });
  });

  describe('admin', () => {
    it('is disabled (403) when no token is configured, never open', async () => {
      const r = await postJson(`${s.url}/admin/reload`, {});
      expect(r.status).toBe(403);
      expect(r.json.error).toMatch(/no ADMIN_API_TOKEN is configured/);
    });

    it('needs the right token in the configured header', async () => {
      let reloads = 0;
      const admin = await startTestServer({
        settings: { adminToken: 's3cret', adminTokenHeader: 'X-Ops-Token' },
        reload: async () => {
          reloads++;
          return { result: 'loaded', version: '2', previous: '1' };
        },
      });
      try {
        expect((await postJson(`${admin.url}/admin/reload`, {}, { 'X-Ops-Token': 'wrong' })).status).toBe(
          403,
        );
        expect((await postJson(`${admin.url}/admin/reload`, {}, { 'X-Admin-Token': 's3cret' })).status).toBe(
          403,
        );
        const ok = await postJson(`${admin.url}/admin/reload`, {}, { 'X-Ops-Token': 's3cret' });
        expect(ok.status).toBe(200);
        expect(ok.json).toMatchObject({ result: 'loaded', version: '2' });
        expect(reloads).toBe(1);
        // Request logs carry no headers, so the token never reaches a log line.
        expect(JSON.stringify(admin.logs())).not.toContain('s3cret');
      } finally {
        await admin.close();
      }
    });
  });

  describe('MLflow scoring protocol', () => {
    it('GET /ping is 200 when a model is loaded', async () => {
      expect((await fetch(`${s.url}/ping`)).status).toBe(200);
    });

    it.each([
      [
        'dataframe_split',
        {
          dataframe_split: {
            columns: ['petal_width', 'petal_length', 'sepal_width', 'sepal_length', 'extra'],
            data: [[0.2, 1.4, 3.5, 5.1, 9]],
          },
        },
      ],
      [
        'dataframe_records',
        { dataframe_records: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] },
      ],
      ['instances', { instances: [SETOSA] }],
      [
        'inputs as columns',
        { inputs: { sepal_length: [5.1], sepal_width: [3.5], petal_length: [1.4], petal_width: [0.2] } },
      ],
    ])('POST /invocations with %s', async (_name, body) => {
      const r = await postJson(`${s.url}/invocations`, body);
      expect([r.status, r.json]).toEqual([200, { predictions: [0] }]);
    });

    it('POST /invocations with text/csv', async () => {
      const r = await fetch(`${s.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        body: 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n',
      });
      expect([r.status, await r.json()]).toEqual([200, { predictions: [0, 1] }]);
    });

    it('answers MLflow-style errors: 400 for a bad body, 415 for other content types', async () => {
      const bad = await postJson(`${s.url}/invocations`, { instances: [SETOSA], inputs: [SETOSA] });
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({
        error_code: 'BAD_REQUEST',
        message: expect.stringMatching(/exactly one of the input fields/),
      });
      const type = await fetch(`${s.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(type.status).toBe(415);
      const charset = await fetch(`${s.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=latin-1' },
        body: '{}',
      });
      expect(charset.status).toBe(415);
    });
  });

  describe('Open Inference Protocol v2', () => {
    it('answers health and metadata', async () => {
      expect(await (await fetch(`${s.url}/v2/health/live`)).json()).toEqual({ live: true });
      expect(await (await fetch(`${s.url}/v2/health/ready`)).json()).toEqual({ ready: true });
      expect(await (await fetch(`${s.url}/v2/models/iris/ready`)).json()).toEqual({
        name: 'iris',
        ready: true,
      });
      const meta = (await (await fetch(`${s.url}/v2/models/iris`)).json()) as Record<string, unknown>;
      expect(meta).toMatchObject({
        name: 'iris',
        versions: ['1'],
        inputs: [{ datatype: 'FP64', shape: [-1, 4] }],
      });
      expect((await fetch(`${s.url}/v2/models/other`)).status).toBe(404);
    });

    it('infers with nested or flat data', async () => {
      for (const data of [
        [SETOSA, VERSICOLOR],
        [...SETOSA, ...VERSICOLOR],
      ]) {
        const r = await postJson(`${s.url}/v2/models/iris/infer`, {
          id: 'req-1',
          inputs: [{ name: 'input-0', shape: [2, 4], datatype: 'FP64', data }],
        });
        expect(r.status).toBe(200);
        expect(r.json).toMatchObject({
          model_name: 'iris',
          model_version: '1',
          id: 'req-1',
          outputs: [
            { name: 'predict', shape: [2], datatype: 'INT64', data: [0, 1] },
            { name: 'predict_proba', shape: [2, 3] },
          ],
        });
      }
    });

    it('rejects a wrong shape with {"error", "error_code"}', async () => {
      const r = await postJson(`${s.url}/v2/models/iris/infer`, {
        inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP64', data: [1, 2, 3] }],
      });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        error: expect.stringMatching(/shape must be \[rows, 4\]/),
        error_code: 'BAD_REQUEST',
      });
    });

    it('answers 404 for another model name and version', async () => {
      const body = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP64', data: SETOSA }] };
      expect((await postJson(`${s.url}/v2/models/other/infer`, body)).status).toBe(404);
      expect((await postJson(`${s.url}/v2/models/iris/versions/9/infer`, body)).status).toBe(404);
      expect((await postJson(`${s.url}/v2/models/iris/versions/1/infer`, body)).status).toBe(200);
    });
  });

  describe('GET /openapi.json', () => {
    it('documents every endpoint with the model features', async () => {
      const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
        components: { schemas: { Row: unknown } };
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/predict',
          '/explain',
          '/feedback',
          '/health',
          '/metrics',
          '/invocations',
          '/v2/models/{name}/infer',
        ]),
      );
      expect(JSON.stringify(doc.components.schemas.Row)).toContain('petal_width');
    });
  });

  it('answers requests pipelined on one connection in order, each with its own id', async () => {
    const { port } = new URL(s.url);
    const body = JSON.stringify({ features: [SETOSA] });
    const requests = ['pipe-1', 'pipe-2', 'pipe-3']
      .map(
        (id) =>
          `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Correlation-ID: ${id}\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      )
      .join('');
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.end(`${requests}GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw.match(/HTTP\/1\.1 \d+|"request_id":"[^"]+"/g)).toEqual([
      'HTTP/1.1 200',
      '"request_id":"pipe-1"',
      'HTTP/1.1 200',
      '"request_id":"pipe-2"',
      'HTTP/1.1 200',
      '"request_id":"pipe-3"',
      'HTTP/1.1 200',
    ]);
  });

  it('keeps serving after a model swap; a request in flight finishes on the model it started with', async () => {
    const swap = await startTestServer();
    try {
      const before = await postJson(`${swap.url}/predict`, { features: [SETOSA] });
      swap.deps.holder.set(loaded('2'));
      const after = await postJson(`${swap.url}/predict`, { features: [SETOSA] });
      expect([before.json.model_version, after.json.model_version]).toEqual(['1', '2']);
      const metrics = await (await fetch(`${swap.url}/metrics`)).text();
      expect(metrics).toContain('ml_model_info{name="iris",version="2",uri="models:/iris/2"} 1');
      expect(metrics).not.toContain('version="1",uri=');
    } finally {
      await swap.close();
    }
  });
});
