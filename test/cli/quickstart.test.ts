import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { MLCTL_BIN, REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { eventually } from '../helpers/serve-process';

// The README's first command, `npm start`, run for real in a temporary copy of the repository (its
// registry, model cache and prediction log land there). The commands it prints are parsed out of its
// output and executed, so the printed text is what is tested.

interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A copy of what `npm start` needs; the build and the dependencies are linked, not copied. */
function copyRepo(): string {
  const dir = tempDir('mlctl-quickstart-');
  for (const path of ['package.json', 'scripts/quickstart.js', 'bin/mlctl', 'data/processed']) {
    cpSync(join(REPO_ROOT, path), join(dir, path), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), 'junction');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
  return dir;
}

/** `npm start` in its own process group, so a test can signal the group as a terminal's Ctrl-C does. */
function npmStart(cwd: string, port: number): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), npm_config_update_notifier: 'false' };
  for (const name of [
    'MLFLOW_TRACKING_URI',
    'MLCTL_REGISTRY_DIR',
    'PREDICTION_LOG_PATH',
    'HOST',
    'LOG_LEVEL',
    'LOG_FORMAT',
  ]) {
    delete env[name];
  }
  // Under `npm test`, npm_execpath is the npm running it; otherwise the npm on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli?.endsWith('.js')
    ? [process.execPath, [npmCli, 'start']]
    : ['npm', ['start']];
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Splits a shell command line into words: single and double quotes, backslash escapes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < line.length && line[j] !== '"'; j++) s += line[j] === '\\' ? line[++j] : line[j];
      if (j >= line.length) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + s;
      i = j;
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Runs a printed `curl` line with fetch; only the options the quick start prints are understood. */
async function curl(line: string): Promise<{ path: string; status: number; body: string }> {
  const words = shellWords(line);
  expect(words[0]).toBe('curl');
  let method = 'GET';
  let url = '';
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '-s') continue;
    else if (w === '-X') method = words[++i] as string;
    else if (w === '-H') {
      const [name, ...value] = (words[++i] as string).split(':');
      headers[(name as string).trim()] = value.join(':').trim();
    } else if (w === '-d') body = words[++i];
    else if (!w.startsWith('-') && url === '') url = w.includes('://') ? w : `http://${w}`;
    else throw new Error(`unexpected curl argument ${w} in: ${line}`);
  }
  if (body !== undefined && method === 'GET') method = 'POST';
  const res = await fetch(url, { method, headers, body });
  return { path: new URL(url).pathname, status: res.status, body: await res.text() };
}

function runMlctl(args: string[], cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MLCTL_BIN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

const irisRows = (): number[][] =>
  readFileSync(join(REPO_ROOT, 'data', 'processed', 'iris.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(0, 4).map(Number));

// Process groups (a terminal's Ctrl-C) are a POSIX notion.
const describePosix = process.platform === 'win32' ? describe.skip : describe;

describePosix('npm start (the quick start)', () => {
  const dirs: string[] = [];
  const runs: Run[] = [];
  // A failed test may leave a quick start running: stop it as a user would (it stops its server,
  // which has a process group of its own), and kill what is left.
  afterAll(async () => {
    for (const run of runs) {
      if (run.child.exitCode !== null || run.child.signalCode !== null) continue;
      process.kill(-(run.child.pid as number), 'SIGTERM');
      await Promise.race([run.exited, new Promise((r) => setTimeout(r, 5000))]);
      if (run.child.exitCode === null && run.child.signalCode === null) {
        process.kill(-(run.child.pid as number), 'SIGKILL');
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('validates, trains, registers, serves; the printed curls and drift command work; Ctrl-C stops it cleanly', async () => {
    const dir = copyRepo();
    dirs.push(dir);
    const port = await freePort();
    const run = npmStart(dir, port);
    runs.push(run);
    const printed = () => run.stdout().includes('Ctrl-C stops the server.');
    await Promise.race([
      eventually(async () => printed(), 45_000),
      run.exited.then(() => {
        if (!printed()) throw new Error(`npm start exited early:\n${run.stdout()}\n${run.stderr()}`);
      }),
    ]);
    const out = run.stdout();
    expect(out).toContain('✓ data/processed/iris.csv: 150 rows');
    expect(out).toMatch(/^MODEL_URI=models:\/iris\/1$/m);

    const lines = out.split('\n').map((l) => l.trim());
    const curls = lines.filter((l) => l.startsWith('curl '));
    const answers = new Map<string, { status: number; body: string }>();
    for (const line of curls) {
      expect(line).toContain(`localhost:${port}/`);
      const { path, ...answer } = await curl(line);
      answers.set(path, answer);
    }
    expect([...answers.keys()].sort()).toEqual(['/explain', '/feedback', '/health', '/metrics', '/predict']);
    for (const [path, { status, body }] of answers)
      expect({ path, status, body }).toMatchObject({ status: 200 });
    const json = (path: string) => JSON.parse(answers.get(path)?.body as string) as Record<string, unknown>;
    expect(json('/predict')).toMatchObject({ predictions: [0, 2], model_version: '1' });
    const explained = (json('/explain').explanations as Array<Record<string, unknown>>)[0] as {
      prediction: number;
      probability: number;
      expected_value: number;
      shap_values: Record<string, number>;
    };
    expect(explained.prediction).toBe(1);
    expect(Object.keys(explained.shap_values)).toHaveLength(4);
    const sum = Object.values(explained.shap_values).reduce((a, b) => a + b, explained.expected_value);
    expect(sum).toBeCloseTo(explained.probability, 9);
    expect(json('/feedback')).toMatchObject({ accepted: 1, correct: 1 });
    expect(json('/health')).toMatchObject({
      status: 'ok',
      model: { name: 'iris', version: '1', uri: 'models:/iris@production' },
    });
    expect(answers.get('/metrics')?.body).toMatch(
      /^ml_model_info\{name="iris",version="1",uri="models:\/iris@production"\} 1$/m,
    );

    // README.md's quick start shows exactly these lines (for the default port).
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start')),
    );
    const shown = section
      .split('\n')
      .filter((l) => l.startsWith('curl ') || l.startsWith('npx mlctl drift '));
    const printedLines = lines.filter((l) => l.startsWith('curl ') || l.startsWith('npx mlctl drift '));
    expect(printedLines.map((l) => l.replace(`localhost:${port}/`, 'localhost:8000/'))).toEqual(shown);

    // Enough traffic for a verdict: the dataset itself, which must not drift from its training reference.
    const predictLine = curls.find((l) => l.includes('/predict')) as string;
    const url = /(localhost:\d+\/predict)/.exec(predictLine)?.[1] as string;
    const all = await fetch(`http://${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: irisRows() }),
    });
    expect(all.status).toBe(200);

    // The prediction log is written while serving (flushed within a second), not only at shutdown.
    const logPath = join(dir, '.mlctl', 'predictions.jsonl');
    const events = () =>
      (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { event: string; features?: number[][] });
    await eventually(async () => events().at(-1)?.features?.length === 150, 10_000);
    expect(new Set(events().map((e) => e.event))).toEqual(new Set(['prediction', 'feedback']));
    const rows = events().reduce((n, e) => n + (e.event === 'prediction' ? (e.features?.length ?? 0) : 0), 0);

    const driftLine = lines.find((l) => l.startsWith('npx mlctl drift ')) as string;
    expect(driftLine).toBeDefined();
    const drift = await runMlctl(shellWords(driftLine).slice(2), dir);
    expect(drift.code).toBe(0);
    expect(drift.stdout).toMatch(/^Data drift not detected: 0 of 4 columns drifted/m);
    expect(drift.stdout).toContain(`predictions.jsonl (${rows} rows`);

    // A terminal's Ctrl-C: SIGINT to npm, its shell, the quick start at once (the server has its own group).
    const t0 = Date.now();
    process.kill(-(run.child.pid as number), 'SIGINT');
    const { code, signal } = await run.exited;
    expect(Date.now() - t0).toBeLessThan(5000);
    // The quick start exits with the server's status and says so only when it is 0. npm reports the
    // Ctrl-C itself as SIGINT when its shell is dash (which re-raises it), 0 where the shell is bash.
    expect(run.stdout()).toMatch(/^quick start: stopped\.$/m);
    expect(run.stderr()).toContain('INFO: stopped');
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
  }, 90_000);

  test('a busy port is reported with what to do, before any work, without a stack trace', async () => {
    const dir = copyRepo();
    dirs.push(dir);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const run = npmStart(dir, port);
      runs.push(run);
      const { code } = await run.exited;
      expect(code).toBe(1);
      expect(run.stderr()).toContain(`quick start: port ${port} is already in use`);
      expect(run.stderr()).toContain(`PORT=${port + 1} npm start`);
      expect(run.stderr()).not.toMatch(/^\s+at /m);
      expect(existsSync(join(dir, '.mlctl'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 30_000);
});
