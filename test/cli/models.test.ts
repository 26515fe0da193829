import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerModel } from '../../src/commands/register/run-register';
import { LocalRegistry } from '../../src/registry/local-registry';
import { createSilentLogger } from '../../src/telemetry/logger';
import { runCli, spawnCli } from '../helpers/cli';
import { createModelFixture } from '../helpers/model-fixture';

jest.setTimeout(60_000);

describe('mlctl models (built CLI, local registry)', () => {
  let cwd: string;
  const cli = (...args: string[]) => spawnCli(['models', ...args], { cwd });

  afterAll(() => rm(cwd, { recursive: true, force: true }));
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mlctl-cli-models-'));
    // Set up in-process (fast); every assertion below goes through the built CLI.
    const registry = new LocalRegistry({ root: join(cwd, '.mlctl', 'registry') });
    const deps = { logger: createSilentLogger(), cwd, mlctlVersion: '0.1.0' };
    for (const accuracy of [0.9, 0.95, 0.97]) {
      await registerModel(
        registry,
        { modelDir: await createModelFixture(cwd, { accuracy }), name: 'iris', experiment: 'e' },
        deps,
      );
    }
    await registerModel(
      registry,
      { modelDir: await createModelFixture(cwd), name: 'wine', experiment: 'e', aliases: ['champion'] },
      deps,
    );
  });

  it('lists models, and the versions of one: human tables and --json', async () => {
    const all = await cli('list');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      /^Registry: local registry at .*\.mlctl\/registry\nNAME +LATEST +ALIASES +UPDATED\niris +3 +- +\S+/,
    );
    expect(all.stdout).toMatch(/\nwine +1 +champion→1 /);
    const versions = await cli('list', 'iris', '--json');
    expect(versions.code).toBe(0);
    const parsed = JSON.parse(versions.stdout) as {
      model: { name: string };
      versions: Array<{ version: string }>;
    };
    expect([parsed.model.name, parsed.versions.map((v) => v.version)]).toEqual(['iris', ['3', '2', '1']]);
  });

  it('moves aliases and shows what they resolve to, with the run metrics', async () => {
    expect((await cli('alias', 'iris', 'champion', '1')).stdout.trim()).toBe(
      'models:/iris@champion → version 1 (new alias)',
    );
    expect((await cli('alias', 'iris', 'champion', '2')).stdout.trim()).toBe(
      'models:/iris@champion → version 2 (was version 1)',
    );
    const show = await cli('show', 'models:/iris@champion');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('models:/iris@champion → models:/iris/2');
    expect(show.stdout).toMatch(/\n {2}accuracy +0\.95\n/);
    const json = JSON.parse((await cli('show', 'models:/iris/latest', '--json')).stdout) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      uri: 'models:/iris/3',
      version: { version: '3', stage: 'None', model_id: expect.stringMatching(/^m-[0-9a-f]{32}$/) },
      run: {
        metrics: { accuracy: 0.97 },
        inputs: { dataset_inputs: [{ dataset: { name: 'iris' } }, { dataset: { name: 'iris-test' } }] },
      },
      logged_model: { name: 'model', status: 'READY' },
    });
    // The logged model, the run's datasets and the model's metrics, each with its dataset.
    expect(show.stdout).toMatch(/\n {2}logged model m-[0-9a-f]{32} \(model, READY\)\n/);
    expect(show.stdout).toMatch(
      /\nDatasets\n {2}NAME +CONTEXT +DIGEST +ROWS +SOURCE\n {2}iris +training +a{36} +150 +data\/processed\/iris\.csv\n/,
    );
    expect(show.stdout).toMatch(
      /\nLogged model metrics\n {2}NAME +VALUE +DATASET\n {2}accuracy +0\.95 +iris-test\n/,
    );
    const deleted = await cli('alias', '--delete', 'iris', 'champion', '--json');
    expect(JSON.parse(deleted.stdout)).toEqual({ name: 'iris', alias: 'champion', previous: '2' });
  });

  it('moves stages, archiving the previous holder with --archive-existing', async () => {
    expect((await cli('stage', 'iris', '1', 'production')).stdout.trim()).toBe(
      'models:/iris/1: None → Production',
    );
    const r = await cli('stage', 'iris', '3', 'Production', '--archive-existing', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({
      version: { version: '3', stage: 'Production' },
      previous_stage: 'None',
      archived: ['1'],
    });
    expect(JSON.parse((await cli('show', 'models:/iris/Production', '--json')).stdout)).toMatchObject({
      uri: 'models:/iris/3',
    });
  });

  it('downloads a version, verified, into a new directory', async () => {
    const dest = join(cwd, 'downloaded');
    const r = await cli('download', 'models:/wine@champion', 'downloaded');
    expect([r.code, r.stdout.trim()]).toEqual([
      0,
      `Downloaded models:/wine@champion → models:/wine/1 to ${dest} (checksums verified)`,
    ]);
    expect(await readdir(dest)).toEqual([
      'MLmodel',
      'SHA256SUMS',
      'metrics.json',
      'model.json',
      'reference.csv',
    ]);
    const again = await cli('download', 'models:/wine/1', 'downloaded');
    expect([again.code, again.stderr]).toEqual([
      2,
      expect.stringContaining('the download directory is not empty'),
    ]);
  });

  it('refuses a tampered stored model: exit 1, and writes nothing', async () => {
    const modelId = JSON.parse((await cli('show', 'models:/wine/1', '--json')).stdout).version
      .model_id as string;
    const stored = join(cwd, '.mlctl', 'registry', 'logged-models', modelId, 'artifacts');
    await writeFile(join(stored, 'reference.csv'), 'a,b\n1,2\n');
    const r = await cli('download', 'models:/wine/1', 'tampered');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('models:/wine/1 failed its checksum verification after download');
    expect(r.stderr).toContain('  - reference.csv: sha256 does not match');
    await expect(readdir(join(cwd, 'tampered'))).rejects.toThrow();
  });

  it.each([
    [['show', 'models:/nope/1'], 2, "registered model 'nope' not found in the local registry"],
    [['show', 'models:/iris/9'], 2, "model 'iris' has no version 9"],
    [['show', 'models:/iris@ghost'], 2, "model 'iris' has no alias 'ghost'"],
    [['show', 'models:/iris/Staging'], 2, "No versions of model with name 'iris' and stage 'Staging' found"],
    [['show', 'iris'], 2, 'Not a proper models:/ URI: iris.'],
    [['alias', 'iris', 'champion'], 2, 'missing argument <version>'],
    [['alias', '--delete', 'iris', 'ghost'], 2, "model 'iris' has no alias 'ghost'"],
    [['alias', 'iris', 'latest', '1'], 2, "'latest' alias name (case insensitive) is reserved."],
    [['stage', 'iris', '1', 'Live'], 2, 'Invalid Model Version stage: Live.'],
    [
      ['stage', 'iris', '1', 'Archived', '--archive-existing'],
      2,
      "because 'Archived' is not an Active stage",
    ],
    [['list', 'nope'], 2, "registered model 'nope' not found"],
  ])('mlctl models %j: exit %i', async (args, code, message) => {
    // In-process (same code path as bin/mlctl, minus the node start-up) to keep the table fast.
    const r = await runCli(['models', ...(args as string[])], { cwd });
    expect([r.code, r.stderr]).toEqual([code, expect.stringContaining(message)]);
  });

  it('says so when the registry is empty', async () => {
    const empty = join(cwd, 'empty');
    await mkdir(empty);
    const r = await spawnCli(['models', 'list'], { cwd: empty });
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('No registered models yet.')]);
  });

  it('documents the subcommands and URI forms in --help', async () => {
    const r = await spawnCli(['models', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['list', 'show', 'alias', 'stage', 'download', 'models:/<name>@<alias>'])
      expect(r.stdout).toContain(word);
  });
});
