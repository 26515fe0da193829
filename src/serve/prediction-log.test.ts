import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPredictionLog } from './prediction-log';

const model = { name: 'iris', version: '1', uri: 'models:/iris/1' };
const lines = (file: string): Array<Record<string, unknown>> =>
  (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('createPredictionLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlctl-prediction-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a quiet server’s events to the file within the flush interval, not only at shutdown', async () => {
    const file = join(dir, 'predictions.jsonl');
    const log = createPredictionLog({ path: file, stdout: false, flushIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 50)); // the file opens asynchronously
    try {
      log.prediction({
        requestId: 'r1',
        model,
        featureNames: ['a', 'b'],
        features: [[1, 2]],
        predictions: [0],
      });
      log.feedback({ requestId: 'r1', model, labels: [0], correct: 1 });
      const until = Date.now() + 2000;
      while (Date.now() < until && lines(file).length < 2) await new Promise((r) => setTimeout(r, 20));
      expect(lines(file).map((l) => [l.event, l.request_id])).toEqual([
        ['prediction', 'r1'],
        ['feedback', 'r1'],
      ]);
    } finally {
      log.flush();
    }
  });
});
