import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { keepAliveLoad } from '../helpers/keep-alive-load';
import { eventually, startServeProcess } from '../helpers/serve-process';

const IRIS = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');

describe('mlctl serve drains under steady load (built CLI)', () => {
  it('on SIGTERM: every connection ends with its next answer, none is reset, the drain takes well under a second', async () => {
    const dir = tempDir('mlctl-serve-drain-');
    const t = await spawnCli(['train', '--data', IRIS, '--output', join(dir, 'm'), '--n-estimators', '10']);
    expect(t.code).toBe(0);
    const s = await startServeProcess(['--model', join(dir, 'm')], {
      env: { PREDICTION_LOG_STDOUT: 'false', SHUTDOWN_TIMEOUT_SECONDS: '30' },
    });
    await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200);
    const load = keepAliveLoad(s.url, 32, '{"features": [[5.1, 3.5, 1.4, 0.2]]}');
    await new Promise((r) => setTimeout(r, 1500));
    const code = await s.stop('SIGTERM');
    const outcome = await load.ended();
    expect(code).toBe(0);
    expect(outcome.broken).toEqual([]);
    expect(outcome.answered).toBeGreaterThan(100);
    // Once the drain began every reply said Connection: close; only replies already on their way did not.
    expect(outcome.closes).toBeGreaterThan(0);
    expect(outcome.keptAliveAfterFirstClose).toBeLessThanOrEqual(32);
    expect(outcome.refused).toBe(32);
    // The drain as the server logged it: from the signal to the last connection closed.
    const lines = s
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; time: string; cut_off?: number });
    const at = (msg: string) => Date.parse(lines.find((l) => l.msg === msg)?.time ?? '');
    const drainMs = at('stopped') - at('shutting down: draining requests in flight');
    expect(lines.find((l) => l.msg === 'stopped')?.cut_off).toBe(0);
    expect(drainMs).toBeLessThan(1000);
  }, 60_000);
});
