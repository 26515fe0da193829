import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { createModelFixture } from '../helpers/model-fixture';
import { MLFLOW_URI, describeWithMlflow } from '../helpers/mlflow-env';
import { uniqueName } from '../helpers/registry-contract';

jest.setTimeout(120_000);

/** The README's register-and-promote walk-through, against a real MLflow server. */
describeWithMlflow(
  'mlctl register and mlctl models against MLflow (built CLI)',
  MLFLOW_URI,
  'MLCTL_TEST_MLFLOW_URI',
  () => {
    let work: string;
    const env = () => ({ MLFLOW_TRACKING_URI: MLFLOW_URI as string });
    const cli = (...args: string[]) => spawnCli(args, { cwd: work, env: env() });
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'mlctl-mlflow-cli-'));
    });
    afterAll(() => rm(work, { recursive: true, force: true }));

    it('registers, promotes with an alias and a stage, shows, downloads', async () => {
      const name = uniqueName('walkthrough');
      const first = await cli(
        'register',
        '--model-dir',
        await createModelFixture(work, { accuracy: 0.9 }),
        '--name',
        name,
        '--alias',
        'champion',
        '--stage',
        'Production',
      );
      expect([first.code, first.stdout.split('\n')[0]]).toEqual([0, `MODEL_URI=models:/${name}/1`]);
      const second = await cli(
        'register',
        '--model-dir',
        await createModelFixture(work, { accuracy: 0.97 }),
        '--name',
        name,
        '--alias',
        'challenger',
        '--json',
      );
      expect(JSON.parse(second.stdout)).toMatchObject({
        version: '2',
        aliases: ['challenger'],
        registry: { kind: 'mlflow' },
      });

      const list = await cli('models', 'list', name);
      expect(list.stdout).toMatch(/^Registry: MLflow 3\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+\n/);
      expect(list.stdout).toMatch(/\n2 +None +challenger +/);
      expect(list.stdout).toMatch(/\n1 +Production +champion +/);

      // Promote the challenger: move the alias and the stage.
      expect((await cli('models', 'alias', name, 'champion', '2')).stdout.trim()).toBe(
        `models:/${name}@champion → version 2 (was version 1)`,
      );
      expect(
        (await cli('models', 'stage', name, '2', 'Production', '--archive-existing')).stdout.trim(),
      ).toBe(`models:/${name}/2: None → Production; archived version 1`);
      const show = JSON.parse(
        (await cli('models', 'show', `models:/${name}/Production`, '--json')).stdout,
      ) as Record<string, unknown>;
      expect(show).toMatchObject({
        registry: { kind: 'mlflow', server_version: expect.stringMatching(/^3\./) },
        uri: `models:/${name}/2`,
        version: { aliases: expect.arrayContaining(['champion', 'challenger']), stage: 'Production' },
        run: { metrics: { accuracy: 0.97 }, status: 'FINISHED' },
      });

      const dl = await cli('models', 'download', `models:/${name}@champion`, 'model-out');
      expect(dl.code).toBe(0);
      expect(await readdir(join(work, 'model-out'))).toEqual([
        'MLmodel',
        'SHA256SUMS',
        'metrics.json',
        'model.json',
        'reference.csv',
      ]);
      expect((await cli('models', 'alias', '--delete', name, 'challenger')).code).toBe(0);
    });

    it.each([
      [
        ['models', 'show', 'models:/mlctl-no-such-model/1'],
        "registered model 'mlctl-no-such-model' not found in MLflow at",
      ],
      [
        ['models', 'show', 'models:/mlctl-no-such-model@x'],
        "registered model 'mlctl-no-such-model' not found",
      ],
      [['models', 'list', 'mlctl-no-such-model'], "registered model 'mlctl-no-such-model' not found"],
    ])('%j: exit 2 naming what does not exist', async (args, message) => {
      const r = await cli(...(args as string[]));
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(message)]);
    });
  },
);
