import { join } from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';

const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');

describe('a trained model through the registry and back', () => {
  it('registers with its params, metrics and dataset sha256, and predicts once downloaded', async () => {
    const cwd = tempDir();
    const env = { MLFLOW_TRACKING_URI: join(cwd, 'registry') };
    const trained = await spawnCli(['train', '--data', IRIS, '--n-estimators', '9', '--json'], { cwd, env });
    expect(trained.code).toBe(0);
    const train = JSON.parse(trained.stdout);

    const registered = await spawnCli(
      ['register', '--model-dir', train.model_dir, '--name', 'iris', '--json'],
      { cwd, env },
    );
    expect(registered.code).toBe(0);
    expect(JSON.parse(registered.stdout).metrics).toEqual({
      accuracy: train.metrics.accuracy,
      f1_macro: train.metrics.f1_macro,
      balanced_accuracy: train.metrics.balanced_accuracy,
      log_loss: train.metrics.log_loss,
      roc_auc: train.metrics.roc_auc,
      oob_accuracy: train.metrics.oob_accuracy,
    });

    const shown = JSON.parse(
      (await spawnCli(['models', 'show', 'models:/iris/1', '--json'], { cwd, env })).stdout,
    );
    expect(shown.run.params).toMatchObject({ n_estimators: '9', max_features: 'sqrt', seed: '42' });
    expect(shown.run.tags['mlctl.dataset_sha256']).toBe(train.data.sha256);

    const downloaded = await spawnCli(['models', 'download', 'models:/iris/1', 'copy'], { cwd, env });
    expect(downloaded.code).toBe(0);
    const direct = await spawnCli(['predict', '--model', train.model_dir, '--data', IRIS], { cwd });
    const viaRegistry = await spawnCli(['predict', '--model', 'copy', '--data', IRIS], { cwd });
    expect(viaRegistry.code).toBe(0);
    expect(viaRegistry.stdout).toBe(direct.stdout);
  });
});
