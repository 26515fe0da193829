import { PassThrough } from 'node:stream';
import pino from 'pino';
import { createIsoClock, createPredictionLog } from './prediction-log';

/** The pino logger the prediction log used to be: its lines are the format readers were built on. */
function pinoLines(log: (logger: pino.Logger) => void): string[] {
  const lines: string[] = [];
  const logger = pino(
    {
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => lines.push(line) },
  );
  log(logger);
  return lines;
}

async function ourLines(log: (l: ReturnType<typeof createPredictionLog>) => void): Promise<string[]> {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const l = createPredictionLog({ stdout: stream });
  log(l);
  l.flush();
  await new Promise((resolve) => setImmediate(resolve));
  return chunks
    .join('')
    .split(/(?<=\n)/)
    .filter((line) => line !== '');
}

/** A log on a stream that records each write it is given, as a string. */
function logWithWrites() {
  const stream = new PassThrough();
  const writes: string[] = [];
  const original = stream.write.bind(stream);
  stream.write = ((chunk: Buffer) => {
    writes.push(chunk.toString('utf8'));
    return original(chunk);
  }) as typeof stream.write;
  return { l: createPredictionLog({ stdout: stream }), writes };
}

const sameTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"');

describe('the ISO clock of the log lines', () => {
  it('gives what Date#toISOString gives, second boundaries, odd years and all', () => {
    const clock = createIsoClock();
    const samples = [
      0,
      999,
      1000,
      1001,
      -1,
      -999,
      -1000,
      -1001,
      Date.parse('2026-11-27T23:59:59.999Z'),
      Date.parse('2026-11-28T00:00:00.000Z'),
      Date.parse('2024-02-29T12:00:00.500Z'),
      Date.parse('+010000-01-01T00:00:00.007Z'),
      Date.parse('-000001-12-31T23:59:59.123Z'),
      8.64e15,
      -8.64e15,
    ];
    let ms = Date.parse('2026-11-27T10:00:00.000Z');
    for (let i = 0; i < 5000; i++) samples.push((ms += 1 + ((i * 7919) % 1500)));
    for (const t of samples) expect([t, clock(t)]).toEqual([t, new Date(t).toISOString()]);
  });
});

describe('prediction log', () => {
  const model = { name: 'iris', version: '3', uri: 'models:/iris@production', loadedAt: 'x' };
  const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const events = [
    {
      requestId: '5b0c2a3e-8f1d-4c55-9a43-0d8f1c3a9b7e',
      features: [
        [5.1, 3.5, 1.4, 0.2],
        [1e21, -0, 1.0000000000000002, 123456789.125],
      ],
      predictions: [0, 2],
    },
    { requestId: 'odd "id" \u00e9 \\ /', features: [[0.1, 2, 3, 4]], predictions: ['setosa'] },
    // Text that is not ASCII (a surrogate pair too) in the id and the labels, and a long line (40 rows).
    {
      requestId: 'r-\u{1F338}',
      features: Array.from({ length: 40 }, (_, i) => [i / 7, -i, i * 1e-7, 2 ** i]),
      predictions: Array.from({ length: 40 }, (_, i) => (i % 2 ? 'flor \u{1F338}' : 'setosa')),
    },
  ];

  it('writes the same lines as pino did, byte for byte apart from the clock', async () => {
    const expected = pinoLines((logger) => {
      for (const e of events) {
        logger.info(
          {
            event: 'prediction',
            request_id: e.requestId,
            model: { name: model.name, version: model.version, uri: model.uri },
            feature_names: names,
            features: e.features,
            predictions: e.predictions,
          },
          'prediction',
        );
      }
      const m = { name: model.name, version: model.version, uri: model.uri };
      logger.info(
        { event: 'feedback', request_id: 'r1', model: m, labels: [0, 'x'], correct: 1 },
        'feedback',
      );
      logger.info(
        { event: 'feedback', request_id: undefined, model: m, labels: [2], correct: 0 },
        'feedback',
      );
      logger.info(
        {
          event: 'synthetic_prediction',
          request_id: 'smoke-1',
          model: m,
          feature_names: names,
          features: [[0, 0, 0, 0]],
          predictions: [0],
        },
        'synthetic_prediction',
      );
      logger.info(
        { event: 'synthetic_feedback', request_id: 'smoke-1', model: m, labels: [1], correct: 0 },
        'synthetic_feedback',
      );
    });
    const actual = await ourLines((l) => {
      for (const e of events) l.prediction({ ...e, model, featureNames: names });
      l.feedback({ requestId: 'r1', model, labels: [0, 'x'], correct: 1 });
      l.feedback({ model, labels: [2], correct: 0 });
      l.prediction({
        requestId: 'smoke-1',
        model,
        featureNames: names,
        features: [[0, 0, 0, 0]],
        predictions: [0],
        synthetic: true,
      });
      l.feedback({ requestId: 'smoke-1', model, labels: [1], correct: 0, synthetic: true });
    });
    expect(actual.map(sameTime)).toEqual(expected.map(sameTime));
    for (const line of actual) {
      expect(JSON.parse(line).time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('follows a model change (a hot swap) from the next line on', async () => {
    const lines = await ourLines((l) => {
      l.prediction({ ...events[0]!, model, featureNames: names });
      l.prediction({ ...events[0]!, model: { ...model, version: '4' }, featureNames: ['a', 'b', 'c', 'd'] });
    });
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((p) => [(p.model as { version: string }).version, p.feature_names])).toEqual([
      ['3', names],
      ['4', ['a', 'b', 'c', 'd']],
    ]);
  });

  it('writes a line within 100 ms on a quiet server, without waiting for more', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const l = createPredictionLog({ stdout: stream });
    l.prediction({ ...events[0]!, model, featureNames: names });
    l.prediction({ ...events[1]!, model, featureNames: names });
    expect(chunks).toEqual([]);
    const started = Date.now();
    while (chunks.length === 0 && Date.now() - started < 1000) await new Promise((r) => setTimeout(r, 10));
    expect(Date.now() - started).toBeLessThan(500);
    expect(chunks.join('').split('\n')).toHaveLength(3);
  });

  it('writes the events of a busy server in batches of 64 lines, in order, with their own times', () => {
    const { l, writes } = logWithWrites();
    const before = new Date().toISOString();
    for (let i = 0; i < 200; i++)
      l.prediction({ ...events[0]!, requestId: `r${i}`, model, featureNames: names });
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([64, 64, 64]);
    l.flush();
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([64, 64, 64, 8]);
    const lines = writes
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(lines.map((line) => line.request_id)).toEqual(Array.from({ length: 200 }, (_, i) => `r${i}`));
    expect(lines.every((line) => line.time! >= before && line.time! <= new Date().toISOString())).toBe(true);
  });

  it('keeps the order of predictions and feedback, each line with the time of its own event', async () => {
    // Predictions wait for their batch; a feedback event must still come after the predictions before it.
    let clock = Date.parse('2026-11-27T10:00:00.000Z');
    const now = jest.spyOn(Date, 'now').mockImplementation(() => (clock += 1500));
    try {
      const lines = await ourLines((l) => {
        l.prediction({ ...events[0]!, requestId: 'p1', model, featureNames: names });
        l.prediction({ ...events[0]!, requestId: 'p2', model, featureNames: names });
        l.feedback({ requestId: 'p1', model, labels: [0, 2], correct: 2 });
        l.prediction({ ...events[0]!, requestId: 'p3', model, featureNames: names });
        l.feedback({ model, labels: ['setosa'], correct: 0 });
      });
      expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
        { event: 'prediction', request_id: 'p1', time: '2026-11-27T10:00:01.500Z' },
        { event: 'prediction', request_id: 'p2', time: '2026-11-27T10:00:03.000Z' },
        { event: 'feedback', request_id: 'p1', time: '2026-11-27T10:00:04.500Z', correct: 2 },
        { event: 'prediction', request_id: 'p3', time: '2026-11-27T10:00:06.000Z' },
        { event: 'feedback', labels: ['setosa'], time: '2026-11-27T10:00:07.500Z', correct: 0 },
      ]);
    } finally {
      now.mockRestore();
    }
  });

  it('writes nothing of an event twice, and nothing after flush until new events come', () => {
    const { l, writes } = logWithWrites();
    for (let i = 0; i < 63; i++)
      l.prediction({ ...events[0]!, requestId: `a${i}`, model, featureNames: names });
    l.feedback({ requestId: 'a0', model, labels: [0, 2], correct: 1 });
    // 63 predictions and a feedback line make a full batch of 64.
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([64]);
    l.flush();
    l.flush();
    expect(writes).toHaveLength(1);
    l.prediction({ ...events[0]!, requestId: 'b0', model, featureNames: names });
    l.flush();
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([64, 1]);
    expect(writes.join('').match(/"request_id":"a0"/g)).toHaveLength(2);
  });
});
