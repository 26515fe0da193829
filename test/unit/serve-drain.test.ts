import { createApp } from '../../src/serve/app';
import { listen } from '../../src/serve/server';
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
});
