import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TAG, parseTarget, promote, reject, rollback } from '../../src/canary/actions';
import { MlctlError } from '../../src/errors';
import { registerModel } from '../../src/commands/register/run-register';
import { LocalRegistry } from '../../src/registry/local-registry';
import { createSilentLogger } from '../../src/telemetry/logger';
import { createModelFixture } from '../helpers/model-fixture';

const deps = {
  logger: createSilentLogger(),
  cwd: process.cwd(),
  mlctlVersion: '0.1.0-test',
  gitCommit: 'c'.repeat(40),
};
const now = new Date('2026-11-27T10:00:00Z');
const live = { dryRun: false, now };

describe('canary registry actions (local registry)', () => {
  let root: string;
  let registry: LocalRegistry;
  let n = 0;
  const fresh = async (versions: number) => {
    const name = `m${++n}`;
    for (let i = 0; i < versions; i++) {
      await registerModel(
        registry,
        { modelDir: await createModelFixture(root), name, experiment: 'canary' },
        deps,
      );
    }
    return name;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlctl-canary-actions-'));
    registry = new LocalRegistry({ root: join(root, 'registry') });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  test('stages: promotion archives the old Production version; rollback brings it back', async () => {
    const name = await fresh(2);
    await registry.transitionStage(name, '1', 'Production', false);
    await registry.transitionStage(name, '2', 'Staging', false);
    const target = parseTarget(undefined, 'production');
    const change = await promote(registry, await registry.getModelVersion(name, '2'), target, 'ok', live);
    expect(change.previousVersion).toBe('1');
    expect((await registry.getModelVersion(name, '1')).stage).toBe('Archived');
    expect((await registry.getModelVersion(name, '2')).stage).toBe('Production');
    expect((await registry.getModelVersion(name, '2')).tags[TAG.target]).toBe(`${name} stage Production`);
    const back = await rollback(registry, name, target, undefined, live);
    expect(back).toMatchObject({ from: '2', to: '1', chosenBy: 'history' });
    expect((await registry.getModelVersion(name, '1')).stage).toBe('Production');
    expect((await registry.getModelVersion(name, '2')).stage).toBe('Archived');
  });

  test('stages: a rejected Staging candidate is archived, Production untouched', async () => {
    const name = await fresh(2);
    await registry.transitionStage(name, '1', 'Production', false);
    await registry.transitionStage(name, '2', 'Staging', false);
    const change = await reject(
      registry,
      await registry.getModelVersion(name, '2'),
      parseTarget(undefined, 'Production'),
      'rejected',
      'bad',
      live,
    );
    expect(change.changes).toContain('moved version 2 from Staging to Archived');
    expect((await registry.getModelVersion(name, '2')).stage).toBe('Archived');
    expect((await registry.getModelVersion(name, '1')).stage).toBe('Production');
  });

  test('aliases: only candidate/canary aliases on the rejected version are removed', async () => {
    const name = await fresh(3);
    await registry.setAlias(name, 'production', '1');
    await registry.setAlias(name, 'candidate', '2');
    await registry.setAlias(name, 'canary', '2');
    await registry.setAlias(name, 'champion', '2');
    await reject(
      registry,
      await registry.getModelVersion(name, '2'),
      parseTarget(undefined, undefined),
      'rejected',
      'bad',
      live,
    );
    expect((await registry.getModelVersion(name, '2')).aliases).toEqual(['champion']);
    expect((await registry.getVersionByAlias(name, 'production')).version).toBe('1');
  });

  test('inconclusive only records the outcome; a dry run changes nothing at all', async () => {
    const name = await fresh(2);
    await registry.setAlias(name, 'production', '1');
    await registry.setAlias(name, 'candidate', '2');
    await reject(
      registry,
      await registry.getModelVersion(name, '2'),
      parseTarget('production', undefined),
      'inconclusive',
      'no data',
      live,
    );
    const v2 = await registry.getModelVersion(name, '2');
    expect(v2.aliases).toEqual(['candidate']);
    expect(v2.tags[TAG.decision]).toBe('inconclusive');
    const dry = await promote(registry, v2, parseTarget('production', undefined), 'ok', {
      dryRun: true,
      now,
    });
    expect(dry.changes[0]).toBe(`moved ${name}@production from version 1 to version 2`);
    expect((await registry.getVersionByAlias(name, 'production')).version).toBe('1');
    expect((await registry.getModelVersion(name, '2')).tags[TAG.decision]).toBe('inconclusive');
  });

  test('promoting a first production version (no alias yet) records no previous version', async () => {
    const name = await fresh(1);
    const change = await promote(
      registry,
      await registry.getModelVersion(name, '1'),
      parseTarget('production', undefined),
      'ok',
      live,
    );
    expect(change.previousVersion).toBeUndefined();
    await expect(
      rollback(registry, name, parseTarget('production', undefined), undefined, live),
    ).rejects.toThrow(/no recorded previous version/);
  });

  test('--alias and --stage together, or another stage, are usage errors', () => {
    expect(() => parseTarget('production', 'Production')).toThrow(MlctlError);
    expect(() => parseTarget(undefined, 'Archived')).toThrow(/Production or Staging/);
  });
});
