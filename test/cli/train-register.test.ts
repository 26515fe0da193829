import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { useTmpDir } from '../helpers/tmp';

const tmp = useTmpDir('mlctl-train-register-');
const IRIS = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');

describe('mlctl train --register (built CLI)', () => {
  const env = () => ({ MLCTL_REGISTRY_DIR: tmp.path('registry') });

  it('trains and registers in one step, with the alias', async () => {
    const r = await spawnCli(
      [
        'train',
        '--data',
        IRIS,
        '--output',
        tmp.path('m1'),
        '--n-estimators',
        '5',
        '--register',
        'iris',
        '--alias',
        'production',
        '--json',
      ],
      {
        env: env(),
      },
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      model_dir: expect.any(String),
      registration: { model_uri: 'models:/iris/1', aliases: ['production'] },
    });
    const show = await spawnCli(['models', 'show', 'models:/iris@production', '--json'], { env: env() });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ version: { version: '1' } });
  }, 60_000);

  it('never registers a model that missed its quality gate: exit 3', async () => {
    const r = await spawnCli(
      [
        'train',
        '--data',
        IRIS,
        '--output',
        tmp.path('m2'),
        '--n-estimators',
        '5',
        '--register',
        'iris',
        '--min-accuracy',
        '1.0',
      ],
      {
        env: env(),
      },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Not registered: the model missed its quality gate.');
    const list = await spawnCli(['models', 'list', 'iris', '--json'], { env: env() });
    expect(JSON.parse(list.stdout).versions).toHaveLength(1);
  }, 60_000);
});
