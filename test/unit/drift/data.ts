/** Deterministic test data in the formats mlctl drift reads (reference.csv, the prediction log). */

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** x1, x2 numeric (many values), color categorical, target, prediction (classes 0–2). */
export function referenceCsv(rows: number, seed = 1): string {
  const rnd = generator(seed);
  const lines = ['x1,x2,color,target,prediction'];
  for (let i = 0; i < rows; i++) {
    const cls = i % 3;
    lines.push(
      `${(rnd() * 10).toFixed(3)},${(rnd() * 5 + cls).toFixed(3)},${['red', 'green', 'blue'][i % 3]},${cls},${cls}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Prediction events (docs/PREDICTION-LOG.md) with x1 and x2 shifted by `shift`; one row per event. */
export function predictionLog(rows: number, options: { shift: number; seed?: number }): string {
  const rnd = generator(options.seed ?? 2);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cls = i % 3;
    lines.push(
      JSON.stringify({
        level: 'info',
        time: '2026-11-27T10:00:00.000Z',
        event: 'prediction',
        request_id: `r${i}`,
        model: { name: 'm', version: '1', uri: 'models:/m/1' },
        feature_names: ['x1', 'x2', 'color'],
        features: [
          [
            Number((rnd() * 10 + options.shift).toFixed(3)),
            Number((rnd() * 5 + cls + options.shift).toFixed(3)),
            ['red', 'green', 'blue'][i % 3],
          ],
        ],
        predictions: [cls],
        msg: 'prediction',
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
