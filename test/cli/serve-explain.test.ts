import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../src/artifact/load';
import type { Predictor } from '../../src/forest/predictor';
import { RowExplainer, explanationDocument, saabasExplanation } from '../../src/forest/shap-rows';
import { createExplainThread } from '../../src/serve/explain-thread';
import type { Explainer } from '../../src/serve/explain-thread';
import { toServable } from '../../src/serve/sources';
import { spawnCli } from '../helpers/cli';
import { featureNames, tempDir, writeCsv } from '../helpers/data';
import { EXPLAIN_WORKER, loaded, postJson, startTestServer } from '../helpers/serve';
import { eventually, startServeProcess } from '../helpers/serve-process';

const D = 10;

/** Rows of noise with random labels of 3 classes: trees grow until every leaf is pure, so deep. */
function noiseRows(n: number, offset = 0): number[][] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return Array.from({ length: D }, (_, f) => Number((Math.sin(i * (f + 1.37) + f) * 10).toFixed(4)));
  });
}

const label = (i: number) => Math.floor((Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1) * 3);

/** The old, single-threaded /explain body for these rows: what the worker's answer must equal byte for byte. */
function inlineBody(
  predictor: Predictor,
  rows: number[][],
  o: { allClasses: boolean; method: 'tree_shap' | 'saabas'; version: string; requestId: string },
): string {
  const explainer = new RowExplainer(predictor, o.allClasses);
  const shape = {
    task: predictor.task,
    classes: predictor.classes,
    features: predictor.features,
    allClasses: o.allClasses,
  };
  const key = o.method === 'saabas' ? 'contributions' : 'shap_values';
  const explanations = rows.map((row) => {
    const e =
      o.method === 'saabas' ? saabasExplanation(predictor, row, o.allClasses) : explainer.explain(row);
    return { ...explanationDocument(e, shape, key), prediction: e.prediction };
  });
  return JSON.stringify({
    method: o.method,
    classes: predictor.classes,
    explanations,
    model_version: o.version,
    request_id: o.requestId,
  });
}

describe('POST /explain runs on an explanation thread (deep forests)', () => {
  let dir: string;
  let deep: string;
  let other: string;

  beforeAll(async () => {
    dir = tempDir('mlctl-serve-explain-');
    const rows = noiseRows(6000).map((r, i) => [...r, label(i)]);
    const data = writeCsv(dir, 'noise.csv', [...featureNames(D), 'target'], rows);
    // Deep (20 fully grown trees: ~10 ms of TreeSHAP a row here), and a small other model.
    for (const [out, trees, seed] of [
      ['deep', '20', '1'],
      ['other', '4', '2'],
    ] as const) {
      const t = await spawnCli([
        'train',
        '--data',
        data,
        '--output',
        join(dir, out),
        '--n-estimators',
        trees,
        '--seed',
        seed,
        '--threads',
        '1',
      ]);
      expect(t.code).toBe(0);
    }
    deep = join(dir, 'deep');
    other = join(dir, 'other');
  }, 120_000);

  it('mlctl serve answers /health and /predict while a large /explain is being computed', async () => {
    const s = await startServeProcess(['--model', deep], { env: { EXPLAIN_MAX_ROWS: '600' } });
    try {
      await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200);
      const explainStarted = Date.now();
      let explainAnswered = 0;
      const explaining = postJson(`${s.url}/explain`, {
        features: noiseRows(600, 7),
        all_classes: true,
      }).then((r) => ((explainAnswered = Date.now()), r));
      // Well after the explain's body has arrived: were it computed on the event loop, nothing else
      // would be answered until it ends.
      await new Promise((r) => setTimeout(r, 300));
      const health = await fetch(`${s.url}/health`);
      const healthAnswered = Date.now();
      const predict = await postJson(`${s.url}/predict`, { features: noiseRows(2) });
      const predictAnswered = Date.now();
      expect(health.status).toBe(200);
      expect(predict.status).toBe(200);
      const explained = await explaining;
      expect(explained.status).toBe(200);
      expect((explained.json.explanations as unknown[]).length).toBe(600);
      expect(explainAnswered).toBeGreaterThan(healthAnswered);
      expect(explainAnswered).toBeGreaterThan(predictAnswered);
      expect(healthAnswered - explainStarted).toBeGreaterThanOrEqual(300);
      // The row cap comes from EXPLAIN_MAX_ROWS.
      const over = await postJson(`${s.url}/explain`, { features: noiseRows(601) });
      expect(over.status).toBe(413);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 120_000);

  it('answers byte for byte as explaining on the event loop did, and with the model the request started with across a hot swap', async () => {
    const a = await loadModel(deep);
    const b = await loadModel(other);
    const thread = createExplainThread({ workerScript: EXPLAIN_WORKER });
    let begun!: () => void;
    const explainBegun = new Promise<void>((resolve) => (begun = resolve));
    const explainer: Explainer = {
      explain: (model, rows, options) => {
        begun();
        return thread.explain(model, rows, options);
      },
      close: () => thread.close(),
    };
    const s = await startTestServer({ model: loaded('1', toServable(a), 'noise'), explainer });
    try {
      const rows = noiseRows(100, 3);
      let settled = false;
      const explaining = postJson(
        `${s.url}/explain`,
        { features: rows, all_classes: true },
        { 'x-correlation-id': 'swap-1' },
      ).then((r) => ((settled = true), r));
      await explainBegun;
      s.deps.holder.set(loaded('2', toServable(b), 'noise'));
      const predict = await postJson(`${s.url}/predict`, { features: rows.slice(0, 1) });
      expect(predict.json.model_version).toBe('2');
      expect(settled).toBe(false);
      const explained = await explaining;
      expect(explained.status).toBe(200);
      expect(explained.text).toBe(
        inlineBody(a.predictor, rows, {
          allClasses: true,
          method: 'tree_shap',
          version: '1',
          requestId: 'swap-1',
        }),
      );
      // The next request is the new model's, on the same thread (which now holds both forests).
      for (const method of ['tree_shap', 'saabas'] as const) {
        const after = await postJson(
          `${s.url}/explain`,
          { features: rows.slice(0, 5), method },
          { 'x-correlation-id': `after-${method}` },
        );
        expect(after.text).toBe(
          inlineBody(b.predictor, rows.slice(0, 5), {
            allClasses: false,
            method,
            version: '2',
            requestId: `after-${method}`,
          }),
        );
      }
    } finally {
      await s.close();
    }
  }, 60_000);

  it('refuses more rows than EXPLAIN_MAX_ROWS with 413, naming the setting', async () => {
    const m = await loadModel(other);
    const s = await startTestServer({ model: loaded('1', toServable(m)), settings: { explainMaxRows: 3 } });
    try {
      const r = await postJson(`${s.url}/explain`, { features: noiseRows(4) });
      expect(r.status).toBe(413);
      expect(r.json).toMatchObject({ error_code: 'REQUEST_TOO_LARGE', status: 413, field: 'features' });
      expect(r.json.error).toMatch(/at most 3 rows.*EXPLAIN_MAX_ROWS.*has 4/);
      expect(r.json.hint).toMatch(/EXPLAIN_MAX_ROWS/);
      expect((await postJson(`${s.url}/explain`, { features: noiseRows(3) })).status).toBe(200);
      // One row, sent bare, is one row.
      expect((await postJson(`${s.url}/explain`, { features: noiseRows(1)[0] })).status).toBe(200);
      // The OpenAPI document states the cap, and the 500 of a failed explanation thread.
      const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as {
        paths: Record<string, { post: { responses: Record<string, unknown> } }>;
        components: {
          schemas: { ExplainRequest: { properties: { features: { oneOf: Array<{ maxItems?: number }> } } } };
        };
      };
      expect(doc.components.schemas.ExplainRequest.properties.features.oneOf[1]?.maxItems).toBe(3);
      expect(Object.keys(doc.paths['/explain']?.post.responses ?? {})).toEqual(
        expect.arrayContaining(['413', '500']),
      );
      // /predict keeps its own limit.
      expect((await postJson(`${s.url}/predict`, { features: noiseRows(50) })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('answers 500 WORKER_FAILED when the explanation thread dies, stays up, and starts a new thread', async () => {
    // A thread script that dies at its first job once (the flag file), then is the real one.
    const flag = join(dir, 'crash-once');
    const script = join(dir, 'crashing-worker.js');
    writeFileSync(
      script,
      `const { existsSync, unlinkSync } = require('node:fs');
const { parentPort } = require('node:worker_threads');
if (existsSync(${JSON.stringify(flag)})) {
  unlinkSync(${JSON.stringify(flag)});
  parentPort.on('message', () => { throw new Error('the explanation thread fell over'); });
} else require(${JSON.stringify(EXPLAIN_WORKER)});
`,
    );
    writeFileSync(flag, '');
    const m = await loadModel(other);
    const s = await startTestServer({
      model: loaded('1', toServable(m)),
      explainer: createExplainThread({ workerScript: script }),
    });
    try {
      const failed = await postJson(`${s.url}/explain`, { features: noiseRows(2) });
      expect(failed.status).toBe(500);
      expect(failed.json).toMatchObject({ error_code: 'WORKER_FAILED', status: 500 });
      expect(failed.json.error).toMatch(/explanation thread stopped: the explanation thread fell over/);
      expect(existsSync(flag)).toBe(false);
      expect((await fetch(`${s.url}/health`)).status).toBe(200);
      expect((await postJson(`${s.url}/predict`, { features: noiseRows(1) })).status).toBe(200);
      const again = await postJson(`${s.url}/explain`, { features: noiseRows(2) });
      expect(again.status).toBe(200);
      // The failed request predicted nothing; the second did.
      const logged = s.events().map((e) => e.request_id);
      expect(logged).not.toContain(failed.json.request_id);
      expect(logged).toContain(again.json.request_id);
      const failure = s.logs().find((l) => l.error_code === 'WORKER_FAILED');
      expect(failure).toMatchObject({ level: 50, route: '/explain', status: 500 });
    } finally {
      await s.close();
    }
  });
});
