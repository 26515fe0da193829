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
