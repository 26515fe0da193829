import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { expectJsonOutput } from '../helpers/json-output';
import { useTmpDir } from '../helpers/tmp';
import { JSON_OUTPUTS } from '../../src/docs/output';

// Every command's --json document, from real runs, against its published JSON Schema (docs/schemas/json):
// the schemas are strict (no undeclared field), and every field they declare is snake_case, as in
// MLflow's REST API. Maps keyed by data (tags, params, metrics, aliases, columns) are exempt.
const tmp = useTmpDir('mlctl-json-');
const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
const SCHEMA = join(REPO_ROOT, 'data', 'processed', 'iris.schema.json');

/** Declared field names, except inside an embedded document of another format (a dataset schema file). */
function propertyNames(schema: unknown, out: string[] = []): string[] {
  if (Array.isArray(schema)) schema.forEach((s) => propertyNames(s, out));
  else if (schema && typeof schema === 'object') {
    if (/in that file’s own format/.test(String((schema as { description?: unknown }).description)))
      return out;
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object') out.push(...Object.keys(value));
      propertyNames(value, out);
    }
  }
  return out;
}

describe('--json output', () => {
  const cwd = () => tmp.path('work');
  const env = () => ({ MLCTL_REGISTRY_DIR: tmp.path('work', 'registry') });
  async function json(args: string[], expectedCode = 0): Promise<unknown> {
    const r = await runCli([...args, '--json'], { cwd: cwd(), env: env() });
    expect({ args, code: r.code, stderr: r.code === expectedCode ? '' : r.stderr }).toEqual({
      args,
      code: expectedCode,
      stderr: '',
    });
    return JSON.parse(r.stdout);
  }

  test('every command has a schema, and every field a schema declares is snake_case', () => {
    const files = readdirSync(join(REPO_ROOT, 'docs', 'schemas', 'json')).sort();
    expect(files).toEqual(
      Object.keys(JSON_OUTPUTS)
        .map((n) => `${n}.json`)
        .sort(),
    );
    for (const file of files) {
      const schema: unknown = JSON.parse(
        readFileSync(join(REPO_ROOT, 'docs', 'schemas', 'json', file), 'utf8'),
      );
      const names = propertyNames(schema).filter((n) => n !== '$schema');
      expect([file, names.filter((n) => !/^[a-z][a-z0-9_]*$/.test(n))]).toEqual([file, []]);
    }
  });

  test('validate, train (with --register and a gate), register, models, drift, rollback, init and errors match their schemas', async () => {
    expectJsonOutput('validate', await json(['validate', IRIS, '--schema', SCHEMA]));
    expectJsonOutput(
      'validate',
      await json(['validate', IRIS, '--infer', tmp.path('work', 'inferred.json')]),
    );
    const trained = (await json([
      'train',
      '--data',
      IRIS,
      '--n-estimators',
      '5',
      '--min-accuracy',
      '0.5',
      '--register',
      'iris',
      '--alias',
      'production',
    ])) as { gate: unknown; registration: unknown };
    expect(trained.gate).toMatchObject({ passed: true, checks: [{ metric: 'accuracy', bound: 0.5 }] });
    expect(trained.registration).toMatchObject({ model_uri: 'models:/iris/1', run_id: expect.any(String) });
    expectJsonOutput('train', trained);

    const registered = await json([
      'register',
      '--model-dir',
      '.mlctl/model',
      '--name',
      'iris',
      '--tag',
      'camelCaseTag=kept',
    ]);
    expect(registered).toMatchObject({ model_uri: 'models:/iris/2', experiment_id: expect.any(String) });
    expectJsonOutput('register', registered);

    expectJsonOutput('models-list', await json(['models', 'list']));
    const versions = (await json(['models', 'list', 'iris'])) as { versions: Array<{ tags: object }> };
    expect(versions.versions.map((v) => v.tags)).toContainEqual({ camelCaseTag: 'kept' });
    expectJsonOutput('models-list', versions);
    const shown = await json(['models', 'show', 'models:/iris@production']);
    expect(shown).toMatchObject({
      version: { run_id: expect.any(String) },
      run: { run_id: expect.any(String) },
    });
    expectJsonOutput('models-show', shown);
    expectJsonOutput('models-alias', await json(['models', 'alias', 'iris', 'champion', '2']));
    expectJsonOutput('models-alias', await json(['models', 'alias', '--delete', 'iris', 'champion']));
    const staged = await json(['models', 'stage', 'iris', '2', 'Staging']);
    expect(staged).toMatchObject({ previous_stage: 'None' });
    expectJsonOutput('models-stage', staged);
    expectJsonOutput('models-download', await json(['models', 'download', 'models:/iris/1', 'downloaded']));

    expectJsonOutput('drift', await json(['drift', '--reference', '.mlctl/model', '--current', IRIS]));

    await runCli(['models', 'alias', 'iris', 'production', '2'], { cwd: cwd(), env: env() });
    const rollback = await json(['canary', 'rollback', '--name', 'iris', '--to', '1', '--dry-run']);
    expect(rollback).toMatchObject({ chosen_by: 'flag', dry_run: true });
    expectJsonOutput('canary-rollback', rollback);

    expectJsonOutput('init', await json(['init', 'service']));
    expectJsonOutput('error', await json(['models', 'show', 'models:/iris/9'], 2));
  });
});
