import { join } from 'node:path';
import { resolveSettings } from '../config/settings';
import { registrySettings } from '../config/sections/registry';
import { MlctlError } from '../errors';
import { createRegistry, resolveAuth, resolveRegistryTarget } from './create-registry';
import type { RegistrySettings } from './create-registry';

const cwd = '/work/project';
const target = (trackingUri?: string) =>
  resolveRegistryTarget({ trackingUri, registryDir: '.mlctl/registry' }, cwd);

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MlctlError);
    expect((err as MlctlError).code).toBe('CONFIG_INVALID');
    return (err as MlctlError).problems;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('the registry factory, keyed by MLFLOW_TRACKING_URI', () => {
  it('uses the local registry when unset, for a path, and for file: URIs', () => {
    expect(target(undefined)).toEqual({ kind: 'local', dir: join(cwd, '.mlctl/registry') });
    expect(target('models/registry')).toEqual({ kind: 'local', dir: join(cwd, 'models/registry') });
    expect(target('/srv/registry')).toEqual({ kind: 'local', dir: '/srv/registry' });
    expect(target('file:///srv/reg%20istry')).toEqual({ kind: 'local', dir: '/srv/reg istry' });
    expect(target('file:rel/dir')).toEqual({ kind: 'local', dir: join(cwd, 'rel/dir') });
  });

  it('uses MLflow for http(s) URLs, keeping a path prefix and dropping trailing slashes', () => {
    expect(target('http://127.0.0.1:5000/')).toEqual({ kind: 'mlflow', url: 'http://127.0.0.1:5000' });
    expect(target('HTTPS://mlflow.example/prefix')).toEqual({
      kind: 'mlflow',
      url: 'HTTPS://mlflow.example/prefix',
    });
  });

  it('refuses database URIs, Databricks and credentials inside the URL, without echoing a password', () => {
    expect(problemsOf(() => target('sqlite:///mlflow.db'))).toEqual([
      expect.stringMatching(/scheme "sqlite:" is not supported; use http\(s\):\/\//),
    ]);
    expect(problemsOf(() => target('postgresql://u:p@db/mlflow'))).toHaveLength(1);
    expect(problemsOf(() => target('databricks'))).toEqual([expect.stringMatching(/Databricks/)]);
    const problems = problemsOf(() => target('http://alice:hunter2@mlflow:5000'));
    expect(problems).toEqual([expect.stringMatching(/credentials in the URL are not used/)]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('chooses basic auth over a token when both are set, as MLflow does', () => {
    expect(resolveAuth({ username: 'u', password: 'p', token: 't' })).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(resolveAuth({ username: undefined, password: undefined, token: 't' })).toEqual({
      kind: 'bearer',
      token: 't',
    });
    expect(resolveAuth({ username: undefined, password: undefined, token: undefined })).toEqual({
      kind: 'none',
    });
  });

  it("reads MLflow's environment variables, with MLflow's defaults", () => {
    const resolved = resolveSettings(registrySettings, {
      env: {
        MLFLOW_TRACKING_URI: 'http://h:1',
        MLFLOW_HTTP_REQUEST_TIMEOUT: '7.5',
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
      },
    });
    expect(resolved.config).toMatchObject({
      trackingUri: 'http://h:1',
      requestTimeout: 7.5,
      maxRetries: 0,
      backoffFactor: 2,
      backoffJitter: 1,
      registryDir: '.mlctl/registry',
    });
  });

  it('lists every configuration problem, never echoing a secret', () => {
    const resolved = resolveSettings(registrySettings, {
      env: {
        MLFLOW_TRACKING_USERNAME: 'alice',
        MLFLOW_HTTP_REQUEST_TIMEOUT: 'soon',
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '-1',
      },
    });
    expect(resolved.errors).toEqual([
      expect.stringMatching(/^MLFLOW_HTTP_REQUEST_TIMEOUT: expected a number/),
      expect.stringMatching(/^MLFLOW_HTTP_REQUEST_MAX_RETRIES: expected an integer ≥ 0/),
    ]);
    const missing = resolveSettings(registrySettings, { env: { MLFLOW_TRACKING_USERNAME: 'alice' } });
    expect(missing.errors).toEqual([
      'MLFLOW_TRACKING_PASSWORD: required when MLFLOW_TRACKING_USERNAME is set',
    ]);
    const onlyPassword = resolveSettings(registrySettings, { env: { MLFLOW_TRACKING_PASSWORD: 'hunter2' } });
    expect(onlyPassword.errors).toEqual([
      'MLFLOW_TRACKING_USERNAME: required when MLFLOW_TRACKING_PASSWORD is set',
    ]);
  });

  it('builds the backend the URI names', async () => {
    const base = resolveSettings(registrySettings, { env: {} }).config as RegistrySettings;
    const local = createRegistry(base, { cwd });
    expect(local.info).toEqual({ kind: 'local', location: join(cwd, '.mlctl/registry') });
    const remote = createRegistry({ ...base, trackingUri: 'http://127.0.0.1:5000/' }, { cwd });
    expect(remote.info).toEqual({ kind: 'mlflow', location: 'http://127.0.0.1:5000' });
    await Promise.all([local.close(), remote.close()]);
  });
});
