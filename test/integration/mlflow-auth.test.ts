import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { registerModel } from '../../src/commands/register/run-register';
import { createSilentLogger } from '../../src/telemetry/logger';
import { spawnCli } from '../helpers/cli';
import { createModelFixture } from '../helpers/model-fixture';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  MLFLOW_AUTH_URI,
  describeWithMlflow,
  openMlflow,
} from '../helpers/mlflow-env';
import { expectCode, uniqueName } from '../helpers/registry-contract';

jest.setTimeout(120_000);

/** MLflow's own basic-auth app (`mlflow server --app-name basic-auth`): real 401s and 403s. */
describeWithMlflow('MLflow with basic auth', MLFLOW_AUTH_URI, 'MLCTL_TEST_MLFLOW_AUTH_URI', () => {
  const uri = MLFLOW_AUTH_URI as string;
  const admin = { username: ADMIN_USER, password: ADMIN_PASSWORD };
  const deps = { logger: createSilentLogger(), cwd: process.cwd(), mlctlVersion: '0.1.0' };
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mlctl-auth-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('registers with basic auth, which is used even when a token is also set', async () => {
    const registry = openMlflow(uri, { ...admin, token: 'not-a-valid-token' });
    const name = uniqueName('auth');
    const result = await registerModel(
      registry,
      { modelDir: await createModelFixture(work), name, experiment: 'auth' },
      deps,
    );
    expect(result.version).toBe('1');
    expect(await registry.serverVersion()).toMatch(/^3\./);
    await registry.close();
  });

  it('refuses a wrong password or a bare token with REGISTRY_AUTH saying what was sent', async () => {
    const wrong = openMlflow(uri, { username: ADMIN_USER, password: 'wrong-password' });
    const err = await expectCode(
      wrong.listRegisteredModels(),
      'REGISTRY_AUTH',
      /refused the credentials \(HTTP 401/,
    );
    expect(err.message).toContain(`basic auth as user '${ADMIN_USER}'`);
    expect(err.message).not.toContain('wrong-password');
    const bearer = openMlflow(uri, { token: 'some-token' });
    await expectCode(
      bearer.listRegisteredModels(),
      'REGISTRY_AUTH',
      /a bearer token \(MLFLOW_TRACKING_TOKEN\)/,
    );
    const none = openMlflow(uri);
    await expectCode(none.listRegisteredModels(), 'REGISTRY_AUTH', /no credentials/);
    await Promise.all([wrong.close(), bearer.close(), none.close()]);
  });

  it("answers 403 as REGISTRY_AUTH when a user lacks permission on another user's model", async () => {
    const owner = openMlflow(uri, admin);
    const name = uniqueName('owned');
    await registerModel(owner, { modelDir: await createModelFixture(work), name, experiment: 'auth' }, deps);
    const user = uniqueName('reader');
    const password = `pw-${Date.now()}-Aa1!`;
    const res = await request(`${uri}/api/2.0/mlflow/users/create`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`,
      },
      body: JSON.stringify({ username: user, password }),
    });
    expect([res.statusCode, await res.body.text()]).toEqual([200, expect.any(String)]);
    const reader = openMlflow(uri, { username: user, password });
    expect((await reader.getModelVersion(name, '1')).version).toBe('1'); // default permission: READ
    const err = await expectCode(
      reader.setAlias(name, 'champion', '1'),
      'REGISTRY_AUTH',
      /denied permission \(HTTP 403/,
    );
    expect(err.message).toContain(`basic auth as user '${user}'`);
    await Promise.all([owner.close(), reader.close()]);
  });

  it('the CLI exits 1 on refused credentials and never prints the password', async () => {
    const r = await spawnCli(['models', 'list'], {
      env: {
        MLFLOW_TRACKING_URI: uri,
        MLFLOW_TRACKING_USERNAME: ADMIN_USER,
        MLFLOW_TRACKING_PASSWORD: 'nope-secret',
        LOG_LEVEL: 'debug',
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`MLflow at ${uri} refused the credentials`);
    expect(r.stdout + r.stderr).not.toContain('nope-secret');
    const ok = await spawnCli(['models', 'list'], {
      env: {
        MLFLOW_TRACKING_URI: uri,
        MLFLOW_TRACKING_USERNAME: ADMIN_USER,
        MLFLOW_TRACKING_PASSWORD: ADMIN_PASSWORD,
      },
    });
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining(`Registry: MLflow 3.`)]);
  });
});
