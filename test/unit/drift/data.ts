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

/**
 * Five awkward columns as CSV (reference, current): a shifted number with gaps, a 0/1/2 integer, text
 * categories with gaps, a heavy-tailed amount with a "?" typo, an identifier; plus a numeric prediction.
 */
export function mixedTables(rows: number, seed = 3): { reference: string; current: string } {
  const make = (shift: number, rnd: () => number): string => {
    const lines = ['amount,visits,plan,income,user_id,prediction'];
    for (let i = 0; i < rows; i++) {
      const amount = i % 17 === 0 ? '' : (rnd() * 10 + shift).toFixed(2);
      const visits = String(Math.floor(rnd() * (shift ? 2 : 3)));
      const plan =
        i % 23 === 0 ? '' : ['basic', 'pro', 'team', 'enterprise'][Math.floor(rnd() ** (1 + shift) * 4)];
      const income = i === 5 ? '?' : (100 / (1 - rnd()) ** 1.5).toFixed(0);
      lines.push(
        `${amount},${visits},${plan},${income},u${seed}-${shift}-${i},${(rnd() * 3 + shift / 2).toFixed(4)}`,
      );
    }
    return `${lines.join('\n')}\n`;
  };
  return { reference: make(0, generator(seed)), current: make(1, generator(seed + 1)) };
}

/** `columns` numeric columns named f01…, every other one shifted in the current data; CSV pairs. */
export function wideTables(columns: number, rows: number): { reference: string; current: string } {
  const names = Array.from({ length: columns }, (_, c) => `f${String(c + 1).padStart(2, '0')}`);
  const make = (current: boolean, rnd: () => number): string => {
    const lines = [names.join(',')];
    for (let i = 0; i < rows; i++) {
      lines.push(
        names
          .map((_, c) => {
            const shift = current && c % 2 === 0 ? 0.2 + c / columns : 0;
            return c % 5 === 4 ? String(Math.floor(rnd() * 4 + shift * 3)) : (rnd() * 4 + shift).toFixed(3);
          })
          .join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  };
  return { reference: make(false, generator(11)), current: make(true, generator(12)) };
}
