import { createApp } from '../../src/serve/app';
import { Agent, request } from 'node:http';
import { IDLE_GRACE_MS, listen } from '../../src/serve/server';
import { keepAliveLoad } from '../helpers/keep-alive-load';
import { startTestServer } from '../helpers/serve';

describe('mlctl serve drain (real HTTP on port 0)', () => {
  it('lets answered requests go, and cuts off and counts a request still running at the deadline', async () => {
    const s = await startTestServer({
      settings: { adminToken: 'secret' },
      reload: () => new Promise(() => {}),
    });
    const running = await listen(createApp(s.deps), '127.0.0.1', 0);
    try {
      expect((await fetch(`${running.url}/livez`)).status).toBe(200);
      const stuck = fetch(`${running.url}/admin/reload`, {
        method: 'POST',
        headers: { 'x-admin-token': 'secret' },
      }).then(
        (r) => `answered ${r.status}`,
        () => 'cut off',
      );
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      const outcome = await running.close(300);
      expect(outcome.cutOff).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(await stuck).toBe('cut off');
    } finally {
      await s.close();
    }
  });

  it('closes at once with nothing cut off when no request is running', async () => {
    const s = await startTestServer();
    const running = await listen(createApp(s.deps), '127.0.0.1', 0);
    try {
      expect(
        (
          await fetch(`${running.url}/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"features": [[1, 2, 3, 4]]}',
          })
        ).status,
      ).toBe(200);
      const started = Date.now();
      expect(await running.close(5000)).toEqual({ cutOff: 0 });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await s.close();
    }
  });

  it('ends keep-alive at once under steady load: drains in well under a second, resetting no client', async () => {
    const s = await startTestServer();
    const running = await listen(createApp(s.deps), '127.0.0.1', 0);
    try {
      const load = keepAliveLoad(running.url, 16, '{"features": [[1, 2, 3, 4]]}');
      await new Promise((r) => setTimeout(r, 500));
      const started = performance.now();
      const { cutOff } = await running.close(10_000);
      const drainMs = performance.now() - started;
      const outcome = await load.ended();
      expect(outcome.broken).toEqual([]);
      expect(cutOff).toBe(0);
      expect(outcome.answered).toBeGreaterThan(16);
      // Once the drain began every reply said Connection: close (only replies already on their way did
      // not); each client then reconnected and was refused.
      expect(outcome.closes).toBeGreaterThan(0);
      expect(outcome.keptAliveAfterFirstClose).toBeLessThanOrEqual(16);
      expect(outcome.refused).toBe(16);
      expect(drainMs).toBeLessThan(1000);
    } finally {
      await s.close();
    }
  });

  it('closes a connection that stays idle through the grace, and answers one that sends in time', async () => {
    const s = await startTestServer();
    const running = await listen(createApp(s.deps), '127.0.0.1', 0);
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const get = () =>
        new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
          request(`${running.url}/livez`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
          })
            .on('error', reject)
            .end();
        });
      expect(await get()).toEqual({ status: 200, connection: 'keep-alive' });
      const closing = running.close(10_000);
      // Within the grace the open connection is still served, and told to close.
      expect(await get()).toEqual({ status: 200, connection: 'close' });
      const started = performance.now();
      expect(await closing).toEqual({ cutOff: 0 });
      expect(performance.now() - started).toBeLessThan(IDLE_GRACE_MS + 500);
      agent.destroy();
    } finally {
      await s.close();
    }
  });
});
