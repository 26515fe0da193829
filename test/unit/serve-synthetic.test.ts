import { smokeTest } from '../../src/canary/smoke';
import { PredictionRows } from '../../src/drift/sources/prediction-log';
import { ColumnAccumulator } from '../../src/drift/values/column-side';
import { SETOSA, VERSICOLOR, postJson, startTestServer } from '../helpers/serve';

const SMOKE = { 'X-MLCTL-Synthetic': 'canary-smoke' };

describe('mlctl serve: synthetic requests (the canary smoke test) stay out of drift and accuracy', () => {
  it('answers them, logs them as synthetic events, and counts no prediction, feedback or accuracy', async () => {
    const s = await startTestServer();
    try {
      const smoke = await postJson(
        `${s.url}/predict`,
        { features: [[0, 0, 0, 0]] },
        { ...SMOKE, 'x-correlation-id': 'smoke-1' },
      );
      expect([smoke.status, smoke.json.predictions]).toEqual([200, [0]]);
      const real = await postJson(
        `${s.url}/predict`,
        { features: [VERSICOLOR] },
        { 'x-correlation-id': 'real-1' },
      );
      expect(real.json.predictions).toEqual([1]);
      // Not remembered for feedback…
      const late = await postJson(`${s.url}/feedback`, { request_id: 'smoke-1', labels: [0] });
      expect([late.status, late.json.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
      // …and synthetic feedback is scored in the answer but counts nowhere.
      const fb = await postJson(`${s.url}/feedback`, { features: [SETOSA], labels: [2] }, SMOKE);
      expect(fb.json).toMatchObject({ accepted: 1, correct: 0, live_accuracy: null });
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).toMatch(/^ml_predictions_total\{model_version="1",class="1"\} 1$/m);
      expect(metrics).not.toMatch(/^ml_predictions_total\{model_version="1",class="0"\}/m);
      expect(metrics).not.toContain('ml_feedback_labels_total{');
      expect(metrics).not.toContain('ml_model_accuracy{source="feedback"}');
      // The request metrics count it: it is HTTP traffic.
      expect(metrics).toMatch(/ml_request_count_total\{method="POST",path="\/predict",status="200"\} 2/);
      const events = s.events();
      expect(events.map((e) => [e.event, e.request_id])).toEqual([
        ['synthetic_prediction', 'smoke-1'],
        ['prediction', 'real-1'],
        ['synthetic_prediction', expect.any(String)],
        ['synthetic_feedback', undefined],
      ]);
      expect(events[0]).toMatchObject({
        features: [[0, 0, 0, 0]],
        predictions: [0],
        msg: 'synthetic_prediction',
      });
      // `mlctl drift` reads the real prediction only, by either of its parsers.
      const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
      for (const read of ['line', 'bytes'] as const) {
        const reader = new PredictionRows(
          names.map((n) => new ColumnAccumulator(n, { capacity: 16 })),
          names,
          new ColumnAccumulator('prediction', { capacity: 16 }),
        );
        for (const e of events) {
          const text = JSON.stringify(e);
          if (read === 'line') reader.line(text);
          else reader.bytes(Buffer.from(text), 0, Buffer.byteLength(text));
        }
        expect([read, reader.stats.events, reader.stats.otherEvents]).toEqual([read, 1, 3]);
      }
    } finally {
      await s.close();
    }
  });

  it("marks the canary's smoke request synthetic: it passes, and the canary's drift rows stay empty", async () => {
    const s = await startTestServer();
    try {
      const result = await smokeTest(s.url, '1', 5000);
      expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
        ['ready', true],
        ['predict', true],
      ]);
      expect(s.events().map((e) => e.event)).toEqual(['synthetic_prediction']);
      expect(await (await fetch(`${s.url}/metrics`)).text()).not.toContain('ml_predictions_total{');
    } finally {
      await s.close();
    }
  });
});
