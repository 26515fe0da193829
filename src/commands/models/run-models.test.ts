import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRegistry } from '../../registry/local-registry';
import { createSilentLogger } from '../../telemetry/logger';
import { createModelFixture } from '../../../test/helpers/model-fixture';
import { registerModel } from '../register/run-register';
import { formatDetails } from './format';
import { showModel } from './run-models';

describe('showModel', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'mlctl-show-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('shows a version whose logged model and run were deleted since, saying so', async () => {
    const root = join(work, 'registry');
    const registry = new LocalRegistry({ root });
    const deps = { logger: createSilentLogger(), cwd: work, mlctlVersion: '0.1.0' };
    const result = await registerModel(
      registry,
      { modelDir: await createModelFixture(work), name: 'iris', experiment: 'e' },
      deps,
    );
    await rm(join(root, 'logged-models', result.logged_model_id as string), { recursive: true });
    await rm(join(root, 'runs', result.runId), { recursive: true });
    const details = await showModel(registry, 'models:/iris/1');
    expect(details).not.toHaveProperty('logged_model');
    expect(details.run).toBeUndefined();
    const text = formatDetails(details);
    expect(text).toContain(`  logged model ${result.logged_model_id as string} (not found)`);
    expect(text).toContain(`  run          ${result.runId} (not found)`);
  });
});
