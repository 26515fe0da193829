/**
 * Steady traffic for canary tests: a /predict and a /feedback request in turn, until stopped. With
 * `label: 'right'` the feedback labels are the predicted classes; with `'wrong'` they never are.
 */
export const IRIS_ROW = [5.1, 3.5, 1.4, 0.2];

export function sendTraffic(
  url: string,
  options: { label?: 'right' | 'wrong' | 'none'; pauseMs?: number } = {},
): { stop: () => Promise<{ sent: number; failed: number }> } {
  let running = true;
  let sent = 0;
  let failed = 0;
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    sent++;
    if (r.status >= 500) failed++;
    return (await r.json()) as { predictions?: number[] };
  };
  const loop = (async () => {
    while (running) {
      try {
        const p = await post('/predict', { features: [IRIS_ROW] });
        const predicted = p.predictions?.[0] ?? 0;
        if (options.label !== 'none') {
          const label = options.label === 'wrong' ? (predicted + 1) % 3 : predicted;
          await post('/feedback', { features: [IRIS_ROW], labels: [label] });
        }
      } catch {
        failed++;
      }
      await new Promise((r) => setTimeout(r, options.pauseMs ?? 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { sent, failed };
    },
  };
}

/** A row of a regression table: its features by column name (missing ones `null`) and its true value. */
export interface LabelledRow {
  features: Record<string, string | number | null>;
  label: number;
}

/**
 * Steady traffic for a regression canary: each row in turn (round and round) predicted, then its true value
 * sent to /feedback, until stopped. `labelled()` is the feedback window the server reported last, with the
 * version it belongs to: once the window holds every row, the live error is the error on the whole table,
 * whatever row the traffic started at.
 */
export function sendRegressionTraffic(
  url: string,
  rows: LabelledRow[],
): {
  labelled: () => { version?: string; window: number };
  stop: () => Promise<{ sent: number; failed: number }>;
} {
  let running = true;
  let sent = 0;
  let failed = 0;
  let last: { version?: string; window: number } = { window: 0 };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    sent++;
    if (r.status !== 200) failed++;
    return (await r.json()) as { model_version?: string; window?: number };
  };
  const loop = (async () => {
    for (let i = 0; running; i = (i + 1) % rows.length) {
      const row = rows[i]!;
      try {
        await post('/predict', { features: [row.features] });
        const f = await post('/feedback', { features: [row.features], labels: [row.label] });
        last = { version: f.model_version, window: f.window ?? 0 };
      } catch {
        failed++;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    labelled: () => last,
    stop: async () => {
      running = false;
      await loop;
      return { sent, failed };
    },
  };
}
