import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, posix, relative } from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import { copyParts, readDockerfile, stageEnv } from '../helpers/dockerfile';
import type { Stage } from '../helpers/dockerfile';
import { useTmpDir } from '../helpers/tmp';

// No Docker engine here, so this follows the Dockerfile's runtime stage by hand in a temporary "image
// root": the same COPY sources, the same `npm ci` command, the same ENV, ENTRYPOINT and HEALTHCHECK.
// Then it runs the image's commands from there (train + register into the image's registry dir, serve
// from it) and checks that nothing was written outside the image's volumes. The build stage is this
// checkout's own `npm ci` + build (dist/), which `npm run test:infra` has just done.
jest.setTimeout(300_000);

const dockerfile = readDockerfile(join(REPO_ROOT, 'Dockerfile'));
const build = dockerfile.stages[0] as Stage;
const runtime = dockerfile.stages[dockerfile.stages.length - 1] as Stage;
const imageEnv = stageEnv(runtime);
const tmp = useTmpDir('mlctl-image-');

/** Maps an absolute path of the image to the temporary image root. */
const inImage = (path: string) => tmp.path('root', path);

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    const s = statSync(full);
    files.set(relative(dir, full), `${s.size}:${s.mtimeMs}:${entry.isDirectory() ? 'd' : 'f'}`);
  }
  return files;
}

function runImageCommand(argv: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(argv[0] as string, argv.slice(1), {
    cwd: workdir,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

let workdir = '';
let env: NodeJS.ProcessEnv = {};
let before = new Map<string, string>();

beforeAll(() => {
  workdir = REPO_ROOT;
  const buildDir = build.instructions.filter((i) => i.keyword === 'WORKDIR').pop()?.args as string;
  for (const ins of runtime.instructions) {
    if (ins.keyword === 'WORKDIR') {
      workdir = inImage(ins.args);
      mkdirSync(workdir, { recursive: true });
    } else if (ins.keyword === 'COPY') {
      const { flags, sources, dest } = copyParts(ins);
      for (const source of sources) {
        // --from=build: the build stage ran this checkout's `npm ci` (which builds dist/).
        const from = flags.from ? join(REPO_ROOT, posix.relative(buildDir, source)) : join(REPO_ROOT, source);
        const target = isAbsolute(dest) ? inImage(dest) : join(workdir, dest);
        const into = sources.length > 1 || dest.endsWith('/') ? join(target, posix.basename(source)) : target;
        mkdirSync(dirname(into), { recursive: true });
        cpSync(from, into, { recursive: true, filter: (f) => !f.endsWith('.test.ts') });
      }
    } else if (ins.keyword === 'RUN') {
      for (const step of ins.args.split('&&').map((s) => s.trim())) {
        if (/^npm ci\b/.test(step)) {
          // The image's command, served from the local npm cache when it can be.
          const npm = spawnSync('sh', ['-c', `${step} --prefer-offline`], { cwd: workdir, encoding: 'utf8' });
          if (npm.status !== 0) throw new Error(`${step} failed: ${npm.stderr}`);
        } else if (/^mkdir -p /.test(step)) {
          for (const dir of step.split(/\s+/).slice(2)) mkdirSync(inImage(dir), { recursive: true });
        }
        // `npm cache clean` and `chown` would act on this machine, not on the image: not replayed.
      }
    }
  }
  const volumes = runtime.instructions.filter((i) => i.keyword === 'VOLUME').flatMap((v) => v.json ?? []);
  for (const volume of volumes) mkdirSync(inImage(volume), { recursive: true });
  env = {
    ...Object.fromEntries(
      Object.entries(imageEnv).map(([k, v]) => [k, v.startsWith('/') && k !== 'PATH' ? inImage(v) : v]),
    ),
    // The image's node is the one running this test (`#!/usr/bin/env node` finds it first).
    PATH: [join(workdir, 'bin'), dirname(process.execPath), process.env.PATH].join(delimiter),
    TMPDIR: inImage('/tmp'),
    HOME: inImage('/tmp'),
  };
  before = snapshot(workdir);
});

test('the image has its production dependencies only, and mlctl on PATH', () => {
  expect(existsSync(join(workdir, 'node_modules', 'commander'))).toBe(true);
  expect(existsSync(join(workdir, 'node_modules', 'typescript'))).toBe(false);
  expect(existsSync(join(workdir, 'node_modules', 'jest'))).toBe(false);
  expect(existsSync(join(workdir, 'src'))).toBe(false);
  const version = runImageCommand(['mlctl', '--version'], env);
  expect(version.status).toBe(0);
  expect(version.stdout.trim()).toBe(
    `mlctl ${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version} (node ${process.version})`,
  );
});

test('train + register into the image registry dir, then ENTRYPOINT+CMD serves it; HEALTHCHECK passes; only volumes are written', async () => {
  const trained = runImageCommand(
    [
      'mlctl',
      'train',
      '--data',
      'data/processed/iris.csv',
      '--output',
      inImage('/tmp/model'),
      '--n-estimators',
      '10',
      '--register',
      'iris',
      '--alias',
      'production',
    ],
    env,
  );
  expect(trained.stderr).not.toMatch(/"level":(50|60)/);
  expect(trained.status).toBe(0);
  expect(existsSync(join(env.MLCTL_REGISTRY_DIR as string))).toBe(true);

  const entrypoint = runtime.instructions.filter((i) => i.keyword === 'ENTRYPOINT').pop()?.json as string[];
  const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').pop()?.json as string[];
  const argv = [...entrypoint, ...cmd];
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: workdir,
    env: { ...env, MODEL_URI: 'models:/iris@production', PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
      const poll = setInterval(() => {
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(stderr);
        if (m) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      }, 50);
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && (await fetch(`${base}/readyz`)).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const predicted = await fetch(`${base}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: [[5.1, 3.5, 1.4, 0.2]] }),
    });
    expect(((await predicted.json()) as { predictions: number[] }).predictions).toEqual([0]);

    // The HEALTHCHECK command, run as Docker would inside the container.
    const check = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK').pop()?.args as string;
    const healthArgv = JSON.parse(
      (/CMD\s+(\[.*\])$/s.exec(check) as RegExpExecArray)[1] as string,
    ) as string[];
    const health = runImageCommand(healthArgv, { ...env, PORT: port });
    expect(health.status).toBe(0);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);

  // Read-only root: the application directory is exactly as the image built it; the model cache
  // volume got the downloaded model.
  expect(snapshot(workdir)).toEqual(before);
  expect(readdirSync(env.MODEL_CACHE_DIR as string).length).toBeGreaterThan(0);
  const written = readdirSync(tmp.path('root'), { recursive: true })
    .map(String)
    .filter(
      (p) => statSync(tmp.path('root', p)).isFile() && !p.startsWith(relative(tmp.path('root'), workdir)),
    );
  const volumes = ['tmp', 'var/cache/mlctl', 'var/lib/mlctl'];
  expect(written.filter((p) => !volumes.some((v) => p.startsWith(v + '/')))).toEqual([]);
});
