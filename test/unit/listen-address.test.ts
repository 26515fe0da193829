import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { resolveSettings } from '../../src/config/settings';
import { serveSettings } from '../../src/config/sections/serve';
import { driftServeSettings } from '../../src/config/sections/drift';
import { MLCTL_BIN, REPO_ROOT, spawnCli } from '../helpers/cli';
import { readDockerfile, stageEnv } from '../helpers/dockerfile';
import { useTmpDir } from '../helpers/tmp';

// Safe defaults: like `mlflow models serve` and uvicorn, mlctl's servers answer this machine only unless
// told otherwise; the deployment kit says 0.0.0.0 where it needs every interface.
const tmp = useTmpDir('mlctl-listen-');
const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');

describe('listen address', () => {
  test('serve and drift serve default to 127.0.0.1; HOST and DRIFT_HOST change it', () => {
    expect(resolveSettings(serveSettings, { env: {} }).config?.host).toBe('127.0.0.1');
    expect(resolveSettings(driftServeSettings, { env: {} }).config?.host).toBe('127.0.0.1');
    expect(resolveSettings(serveSettings, { env: { HOST: '0.0.0.0' } }).config?.host).toBe('0.0.0.0');
    expect(resolveSettings(driftServeSettings, { env: { DRIFT_HOST: '::' } }).config?.host).toBe('::');
  });

  test('`mlctl serve` with no HOST listens on 127.0.0.1', async () => {
    const model = tmp.path('model');
    const trained = await spawnCli(['train', '--data', IRIS, '--output', model, '--n-estimators', '3']);
    expect(trained.code).toBe(0);
    const child = spawn(process.execPath, [MLCTL_BIN, 'serve', '--model', model, '--port', '0'], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const listening = new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    try {
      expect(await listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('the image, compose, the Helm chart and the Terraform module say 0.0.0.0 explicitly', () => {
    const dockerfile = readDockerfile(join(REPO_ROOT, 'Dockerfile'));
    const env = stageEnv(dockerfile.stages[dockerfile.stages.length - 1]!);
    expect([env.HOST, env.DRIFT_HOST]).toEqual(['0.0.0.0', '0.0.0.0']);

    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    expect(compose.services.mlctl?.environment?.HOST).toBe('0.0.0.0');
    expect(compose.services['drift-monitor']?.environment?.DRIFT_HOST).toBe('0.0.0.0');

    const chart = (p: string) => readFileSync(join(REPO_ROOT, 'infra', 'helm', 'mlctl', p), 'utf8');
    const values = parse(chart('values.yaml')) as { host: string; drift: { host: string } };
    expect([values.host, values.drift.host]).toEqual(['0.0.0.0', '0.0.0.0']);
    expect(chart('templates/configmap.yaml')).toContain('HOST: {{ .Values.host | quote }}');
    expect(chart('templates/drift.yaml')).toContain('DRIFT_HOST: {{ $d.host | quote }}');

    const module = readFileSync(
      join(REPO_ROOT, 'infra', 'terraform', 'modules', 'chart-values', 'main.tf'),
      'utf8',
    );
    expect(module).toMatch(/^\s+host\s+= "0\.0\.0\.0"/m);
    expect(module).toMatch(/drift\s+= \{[^}]*host = "0\.0\.0\.0"/);
  });
});
