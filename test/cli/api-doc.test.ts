import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { eventually, startServeProcess } from '../helpers/serve-process';
import type { ServeProcess } from '../helpers/serve-process';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The curl commands of docs/API.md (continuation lines joined). */
function curlExamples(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'API.md'), 'utf8');
  const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks
    .flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('curl '));
}

// The examples are shell commands (curl, $'…' quoting): they run where bash and curl do.
const describePosix = process.platform === 'win32' ? describe.skip : describe;

describePosix('docs/API.md examples', () => {
  let server: ServeProcess;
  // The penguins models of "Tables with text, gaps and a number", served as the page says (8001, 8002).
  let penguins: ServeProcess;
  let bodyMass: ServeProcess;
  beforeAll(async () => {
    const dir = tempDir('mlctl-api-doc-');
    const t = await spawnCli([
      'train',
      '--data',
      join(ROOT, 'data', 'processed', 'iris.csv'),
      '--output',
      join(dir, 'iris'),
      '--n-estimators',
      '10',
    ]);
    expect(t.code).toBe(0);
    const data = join(ROOT, 'data', 'penguins', 'penguins.csv');
    for (const [out, target] of [
      ['penguins', 'species'],
      ['body-mass', 'body_mass_g'],
    ]) {
      const p = await spawnCli(
        [
          'train',
          '--data',
          data,
          '--target',
          target as string,
          '--na-values',
          'NA',
          '--output',
          join(dir, out as string),
        ].concat(['--n-estimators', '10']),
      );
      expect(p.code).toBe(0);
    }
    const env = { PREDICTION_LOG_STDOUT: 'false', ADMIN_API_TOKEN: 'doc-token' };
    const started = await Promise.all(
      ['iris', 'penguins', 'body-mass'].map((m) => startServeProcess(['--model', join(dir, m)], { env })),
    );
    [server, penguins, bodyMass] = started as [ServeProcess, ServeProcess, ServeProcess];
    for (const s of [server, penguins, bodyMass])
      await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200);
  }, 60_000);
  afterAll(async () => {
    for (const s of [server, penguins, bodyMass]) await s?.stop();
  });

  it('has examples for every endpoint family', () => {
    const all = curlExamples().join('\n');
    for (const path of [
      '/predict',
      '/explain',
      '/feedback',
      '/health',
      '/metrics',
      '/admin/reload',
      '/invocations',
      '/v2/models/',
    ]) {
      expect([path, all.includes(path)]).toEqual([path, true]);
    }
  });

  it.each(curlExamples())('runs: %s', async (example) => {
    // The model here is served as "iris" (its directory name), as the docs' model is.
    const urls = example
      .replace(/localhost:8000/g, server.url)
      .replace(/localhost:8001/g, penguins.url)
      .replace(/localhost:8002/g, bodyMass.url);
    const command = `${urls} -w '\\n%{http_code}'`;
    const { stdout } = await run('bash', ['-c', command.replace(/^curl /, 'curl -sS ')], {
      env: { ...process.env, ADMIN_API_TOKEN: 'doc-token' },
    });
    const status = Number(stdout.trim().split('\n').pop());
    expect([example, status]).toEqual([example, 200]);
  });
});
