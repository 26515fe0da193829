import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { eventually, startServeProcess } from '../helpers/serve-process';

const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
const HOOK = join(REPO_ROOT, 'test', 'fixtures', 'hooks', 'loaded-modules.js');
const cwd = tempDir();

/** The environment that makes a spawned mlctl record the ml-random-forest files it loaded. */
function recording(name: string): { env: NodeJS.ProcessEnv; loaded: () => string[] } {
  const file = join(cwd, `${name}.json`);
  return {
    env: { NODE_OPTIONS: `--require ${HOOK}`, MLCTL_LOADED_MODULES: file },
    loaded: () => JSON.parse(readFileSync(file, 'utf8')) as string[],
  };
}

beforeAll(async () => {
  const r = await spawnCli(['train', '--data', IRIS, '--output', 'model', '--n-estimators', '5'], { cwd });
  expect(r.code).toBe(0);
}, 30_000);

describe('ml-random-forest is loaded for ml.js model files only', () => {
  it('mlctl predict with an mlctl artifact does not load it; with an ml.js file it does', async () => {
    const artifact = recording('artifact');
    const r = await spawnCli(['predict', '--model', 'model', '--data', IRIS], { cwd, env: artifact.env });
    expect(r.code).toBe(0);
    expect(artifact.loaded()).toEqual([]);

    const rows = readFileSync(IRIS, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const rf = new RandomForestClassifier({ nEstimators: 3, seed: 1, noOOB: true });
    rf.train(
      rows.map((row) => row.slice(0, 4)),
      rows.map((row) => row[4] as number),
    );
    writeFileSync(join(cwd, 'mljs.json'), JSON.stringify(rf.toJSON()));
    const mljs = recording('mljs');
    const features = 'sepal_length,sepal_width,petal_length,petal_width';
    const m = await spawnCli(['predict', '--model', 'mljs.json', '--features', features, '--data', IRIS], {
      cwd,
      env: mljs.env,
    });
    expect(m.code).toBe(0);
    expect(mljs.loaded().length).toBeGreaterThan(0);
  }, 30_000);

  it('mlctl serve loads and serves an mlctl artifact without it', async () => {
    const serve = recording('serve');
    const server = await startServeProcess(['--model', join(cwd, 'model')], { cwd, env: serve.env });
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200);
    expect(await server.stop()).toBe(0);
    expect(serve.loaded()).toEqual([]);
  }, 30_000);
});
