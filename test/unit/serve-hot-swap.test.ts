import { Agent, request } from 'node:http';
import { loaded, startTestServer } from '../helpers/serve';

/** POSTs over a keep-alive agent; resolves with status and parsed body. */
function post(url: string, body: string, agent: Agent): Promise<{ status: number; version: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model_version: string };
          resolve({ status: res.statusCode ?? 0, version: json.model_version });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('hot swap under load', () => {
  it('answers every request while the model is swapped continuously', async () => {
    const s = await startTestServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    let swapping = true;
    let swaps = 0;
    const swapper = (async () => {
      while (swapping) {
        s.deps.holder.set(loaded(String(2 + (swaps++ % 2))));
        await new Promise((r) => setImmediate(r));
      }
    })();
    const body = JSON.stringify({ features: [[5.1, 3.5, 1.4, 0.2]] });
    const results = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const seen: Array<{ status: number; version: string }> = [];
        for (let i = 0; i < 150; i++) seen.push(await post(`${s.url}/predict`, body, agent));
        return seen;
      }),
    );
    swapping = false;
    await swapper;
    agent.destroy();
    await s.close();
    const all = results.flat();
    expect(all).toHaveLength(2400);
    expect(all.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(all.map((r) => r.version))).toEqual(new Set(['2', '3']));
    expect(swaps).toBeGreaterThan(10);
  });
});
