import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { eventually, startServeProcess } from '../helpers/serve-process';
import type { ServeProcess } from '../helpers/serve-process';
import { sendTraffic } from '../helpers/traffic';
import { trainAndRegister, writeTestPolicy } from '../helpers/canary';
import { expectJsonOutput } from '../helpers/json-output';

describe('mlctl canary (built CLI, local registry, a real mlctl serve canary read through --metrics-url)', () => {
  let dir: string;
  let canary: ServeProcess;
  const env = () => ({ MLCTL_REGISTRY_DIR: join(dir, 'registry'), MODEL_CACHE_DIR: join(dir, 'cache') });
  const cli = (args: string[]) => spawnCli(args, { env: env(), cwd: dir });
  const versionOf = async (ref: string) =>
    JSON.parse((await cli(['models', 'show', ref, '--json'])).stdout) as {
      version: { version: string; aliases: string[]; tags: Record<string, string> };
    };
  const servedVersion = async () =>
    ((await (await fetch(`${canary.url}/readyz`)).json()) as { model?: { version: string } }).model?.version;

  beforeAll(async () => {
    dir = tempDir('mlctl-canary-');
    await trainAndRegister(cli, dir, '1', 'production');
    await trainAndRegister(cli, dir, '2', 'candidate');
    canary = await startServeProcess(['--model', 'models:/iris@candidate'], {
      cwd: dir,
      env: { ...env(), MODEL_AUTO_REFRESH_SECONDS: '1', PREDICTION_LOG_STDOUT: 'false' },
    });
    await eventually(async () => (await servedVersion()) === '2', 20_000);
  }, 90_000);

  afterAll(async () => {
    await canary?.stop();
  });

  it('no traffic: inconclusive, exit 3, production untouched; GitHub gets the summary and outputs', async () => {
    const summary = join(dir, 'summary.md');
    const outputs = join(dir, 'outputs.txt');
    writeFileSync(summary, '');
    writeFileSync(outputs, '');
    const r = await spawnCli(
      [
        'canary',
        'promote',
        '--model',
        'models:/iris/2',
        '--policy',
        writeTestPolicy(dir),
        '--metrics-url',
        `${canary.url}/metrics`,
      ],
      {
        cwd: dir,
        env: { ...env(), GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputs },
      },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/INCONCLUSIVE/);
    expect(r.stdout).toMatch(/live-accuracy: 3 of 3 measurements had no data/);
    expect(readFileSync(summary, 'utf8')).toMatch(/Canary `models:\/iris\/2`: inconclusive/);
    expect(readFileSync(outputs, 'utf8')).toMatch(/decision=inconclusive/);
    expect((await versionOf('models:/iris@production')).version.version).toBe('1');
    expect((await versionOf('models:/iris/2')).version.tags['mlctl.canary.decision']).toBe('inconclusive');
  }, 60_000);

  it('a good candidate is promoted: exit 0, the alias moves, the history is tagged', async () => {
    const traffic = sendTraffic(canary.url, { label: 'right' });
    let r;
    try {
      r = await cli([
        'canary',
        'promote',
        '--model',
        'models:/iris@candidate',
        '--policy',
        writeTestPolicy(dir),
        '--metrics-url',
        `${canary.url}/metrics`,
        '--canary-url',
        canary.url,
        '--json',
        '--helm-release',
        'iris',
        '--image-tag',
        'abc123',
      ]);
    } finally {
      expect((await traffic.stop()).failed).toBe(0);
    }
    expect({ code: r.code, out: r.code === 0 ? '' : r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
    expect(r.stderr).toMatch(/\[1\] ok {3}live-accuracy/);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      decision: 'promoted',
      model: { name: 'iris', version: '2', uri: 'models:/iris/2' },
      target: 'iris@production',
      smoke: { ok: true },
      registry: { previous_version: '1' },
      helm: {
        commands: [
          'helm upgrade iris infra/helm/mlctl --reuse-values --set canary.enabled=false --set-string image.tag=abc123 --wait',
        ],
        applied: false,
      },
    });
    expect(report.analysis.measurements).toHaveLength(9);
    expectJsonOutput('canary-promote', report);
    const v2 = (await versionOf('models:/iris@production')).version;
    expect(v2.version).toBe('2');
    expect(v2.tags).toMatchObject({
      'mlctl.canary.decision': 'promoted',
      'mlctl.canary.previous_version': '1',
    });
    expect((await versionOf('models:/iris/1')).version.tags['mlctl.canary.replaced_by']).toBe('2');
  }, 60_000);

  it('a bad candidate (live accuracy from feedback below 0.7) is rejected: exit 3, candidate alias removed', async () => {
    const t = await cli([
      'register',
      '--model-dir',
      join(dir, 'm1'),
      '--name',
      'iris',
      '--alias',
      'candidate',
    ]);
    expect(t.code).toBe(0);
    await eventually(async () => (await servedVersion()) === '3', 20_000);
    const traffic = sendTraffic(canary.url, { label: 'wrong' });
    await new Promise((r) => setTimeout(r, 300));
    let r;
    try {
      r = await cli([
        'canary',
        'promote',
        '--model',
        'models:/iris/3',
        '--policy',
        writeTestPolicy(dir),
        '--metrics-url',
        `${canary.url}/metrics`,
      ]);
    } finally {
      await traffic.stop();
    }
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/REJECTED/);
    expect(r.stdout).toMatch(/live-accuracy: critical, and 1 of 1 measurement failed \(must be ≥ 0.7\)/);
    expect(r.stdout).toMatch(/removed alias iris@candidate/);
    expect((await versionOf('models:/iris@production')).version.version).toBe('2');
    const v3 = (await versionOf('models:/iris/3')).version;
    expect(v3.aliases).not.toContain('candidate');
    expect(v3.tags['mlctl.canary.decision']).toBe('rejected');
  }, 60_000);

  it('rollback follows the recorded history, then needs --to; --dry-run changes nothing', async () => {
    const dry = await cli(['canary', 'rollback', '--name', 'iris', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ from: '2', to: '1', chosen_by: 'history', dry_run: true });
    expect((await versionOf('models:/iris@production')).version.version).toBe('2');

    const r = await cli(['canary', 'rollback', '--name', 'iris']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Rolled back iris@production: version 2 → version 1/);
    expect((await versionOf('models:/iris@production')).version.version).toBe('1');

    const again = await cli(['canary', 'rollback', '--name', 'iris']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/has no recorded previous version/);
    expect(again.stderr).toMatch(/--to <version>/);
  }, 60_000);

  it('--apply runs the helm command (a recording helm on PATH); a failing helm is exit 1', async () => {
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    const calls = join(dir, 'helm-calls.txt');
    writeFileSync(join(bin, 'helm'), `#!/bin/sh\necho "$@" >> '${calls}'\nexit \${FAKE_HELM_EXIT:-0}\n`, {
      mode: 0o755,
    });
    const path = `${bin}:${process.env.PATH}`;
    const r = await spawnCli(
      [
        'canary',
        'rollback',
        '--name',
        'iris',
        '--to',
        '2',
        '--helm-release',
        'iris',
        '--helm-namespace',
        'ml',
        '--apply',
      ],
      {
        cwd: dir,
        env: { ...env(), PATH: path },
      },
    );
    expect(r.code).toBe(0);
    expect(readFileSync(calls, 'utf8')).toBe('rollback iris --wait --namespace ml\n');
    const failing = await spawnCli(
      ['canary', 'rollback', '--name', 'iris', '--to', '1', '--helm-release', 'iris', '--apply'],
      {
        cwd: dir,
        env: { ...env(), PATH: path, FAKE_HELM_EXIT: '1' },
      },
    );
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/`helm rollback iris --wait` exited with 1/);
  }, 60_000);

  it('says what is wrong: usage (2), policy (2), unreachable metrics (1)', async () => {
    const policy = writeTestPolicy(dir);
    const both = await cli([
      'canary',
      'promote',
      '--model',
      'models:/iris/2',
      '--policy',
      policy,
      '--metrics-url',
      'http://x',
      '--prometheus-url',
      'http://y',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    const none = await cli(['canary', 'promote', '--model', 'models:/iris/2', '--policy', policy]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no metrics source given/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'count: 0\nmetrics: [{name: a, query: up, condition: {}}]\n');
    const invalid = await cli([
      'canary',
      'promote',
      '--model',
      'models:/iris/2',
      '--policy',
      bad,
      '--prometheus-url',
      'http://127.0.0.1:1',
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/count: /);
    expect(invalid.stderr).toMatch(/metrics\.0\.condition: give min, max or both/);

    const down = await cli([
      'canary',
      'promote',
      '--model',
      'models:/iris/2',
      '--policy',
      policy,
      '--metrics-url',
      'http://127.0.0.1:1/metrics',
      '--prometheus-retries',
      '0',
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot evaluate the canary: cannot read http:\/\/127.0.0.1:1\/metrics/);
    expect(down.stderr).toMatch(/nothing was promoted or rolled back/);
  }, 60_000);
});
