import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import {
  copyCheckout,
  machineEnv,
  machineNode,
  nodeVersion,
  runToEnd,
  spawnGroup,
} from '../helpers/fresh-clone';
import { freePort } from '../helpers/prometheus';
import { eventually } from '../helpers/serve-process';
import { useTmpDir } from '../helpers/tmp';

// The README's two commands on a fresh clone with nothing but the machine's Node and npm on PATH (on the
// CI machine: Node 20, too old for mlctl itself). `npm ci` must bring the Node that mlctl, tsc and jest run
// on (the pinned `node` devDependency); the npm cache makes it quick, the registry fills what is missing.
jest.setTimeout(600_000);

const tmp = useTmpDir('mlctl-fresh-clone-');
const pinned = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies.node;
const node = machineNode();
const env = machineEnv(node);
const repo = () => tmp.path('repo');
const npm = (args: string[], timeoutMs?: number) =>
  runToEnd('npm', args, { cwd: repo(), env, ...(timeoutMs ? { timeoutMs } : {}) });

describe(`a fresh clone, with only the machine's Node (${nodeVersion(node)}) and npm on PATH`, () => {
  beforeAll(() => copyCheckout(repo()));

  test('npm ci installs the pinned Node.js into node_modules/.bin and builds mlctl with it', async () => {
    const ci = await npm(['ci']);
    expect({ code: ci.code, stderr: ci.stderr.slice(-3000) }).toMatchObject({ code: 0 });
    expect(ci.stderr).not.toMatch(/EBADDEVENGINES|too old/);
    expect(nodeVersion(join(repo(), 'node_modules', '.bin', 'node'))).toBe(`v${pinned}`);
    expect(existsSync(join(repo(), 'dist', 'cli', 'main.js'))).toBe(true);
    // npm runs on the machine's node; what it runs (scripts, npx) gets the project's.
    const exec = await npm(['exec', '--', 'node', '-p', 'process.version']);
    expect(exec.stdout.trim()).toBe(`v${pinned}`);
    const version = await npm(['exec', '--', 'mlctl', '--version']);
    expect({ code: version.code, stderr: version.stderr }).toMatchObject({ code: 0 });
  });

  test('npm start validates, trains, registers and serves /predict', async () => {
    const port = await freePort();
    const start = spawnGroup('npm', ['start'], { cwd: repo(), env: { ...env, PORT: String(port) } });
    try {
      await Promise.race([
        eventually(async () => start.out().includes('Ctrl-C stops the server.'), 120_000),
        start.exited.then(() => {
          throw new Error(`npm start exited early:\n${start.out()}\n${start.err()}`);
        }),
      ]);
      const res = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: [[5.1, 3.5, 1.4, 0.2]] }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ predictions: [0] });
    } finally {
      start.stop();
      await start.exited;
    }
  });

  test('npm test runs on the project’s Node: build, type check, lint, format check and jest', async () => {
    // One unit suite stands for the rest: the full suite runs in CI's own `npm test`.
    const run = await npm(['test', '--', '--testPathPatterns', 'windows-wrappers'], 400_000);
    expect({ code: run.code, out: (run.stdout + run.stderr).slice(-3000) }).toMatchObject({ code: 0 });
    expect(run.stderr).toMatch(/PASS unit test\/unit\/windows-wrappers\.test\.ts/);
  });
});
