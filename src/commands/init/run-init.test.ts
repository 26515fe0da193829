import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { REPO_ROOT, runCli } from '../../../test/helpers/cli';
import { useTmpDir } from '../../../test/helpers/tmp';
import { planInit } from './run-init';

const tmp = useTmpDir('mlctl-init-');
const { version, devDependencies } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: { node: string };
};
const ownNode = devDependencies.node;
const read = (...p: string[]) => readFileSync(join(...p), 'utf8');

function allFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? allFiles(dir, rel) : [rel];
  });
}

describe('mlctl init', () => {
  it('scaffolds a service repository with the names filled in', async () => {
    const dir = tmp.path('churn-service');
    const r = await runCli(['init', dir, '--model-name', 'churn', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { files: Array<{ path: string; action: string }> };
    expect(result.files.every((f) => f.action === 'created')).toBe(true);
    expect(allFiles(dir).sort()).toEqual(result.files.map((f) => f.path).sort());
    expect(result.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/data-validation.yml',
        '.github/workflows/model-training.yml',
        '.github/workflows/deploy-canary-and-promote.yml',
        '.github/workflows/rollback.yml',
        '.gitignore',
        '.gitattributes',
        'infra/canary/policy.yaml',
        'deploy/values.yaml',
        'data/processed/iris.csv',
        'data/processed/iris.schema.json',
        'bin/mlctl.ps1',
        'bin/mlctl.cmd',
        'package.json',
        'README.md',
      ]),
    );
    for (const file of result.files)
      expect([file.path, read(dir, file.path)]).not.toEqual([
        file.path,
        expect.stringMatching(/__[A-Z_]+__/),
      ]);
    const pkg = JSON.parse(read(dir, 'package.json')) as {
      name: string;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    // Run from this checkout (not installed from a registry): the scaffold depends on this directory,
    // and brings the same Node.js as mlctl's own devDependency.
    expect(pkg).toMatchObject({
      name: 'churn-service',
      dependencies: { mlctl: `file:${relative(dir, REPO_ROOT).split(sep).join('/')}` },
      devDependencies: { node: ownNode },
      allowScripts: { node: true },
    });
    expect(pkg).not.toHaveProperty('engines');
    expect(JSON.parse(r.stdout)).toMatchObject({ mlctl_package: pkg.dependencies.mlctl });
    expect(read(dir, 'deploy/values.yaml')).toContain('uri: models:/churn@production');
    expect(read(dir, 'deploy/values.yaml')).toContain(`tag: '${version}'`);
    expect(read(dir, '.github/workflows/model-training.yml')).toContain("vars.MODEL_NAME || 'churn'");
    // Written whole through temp files, none left behind.
    expect(allFiles(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('ships the canary policy, the wrappers and the dataset exactly as mlctl has them', async () => {
    const dir = tmp.path('copies');
    expect((await runCli(['init', dir])).code).toBe(0);
    expect(read(dir, 'infra/canary/policy.yaml')).toBe(read(REPO_ROOT, 'infra/canary/policy.yaml'));
    expect(read(REPO_ROOT, 'templates/service/infra/canary/policy.yaml')).toBe(
      read(REPO_ROOT, 'infra/canary/policy.yaml'),
    );
    for (const f of ['bin/mlctl.ps1', 'bin/mlctl.cmd', 'data/processed/iris.schema.json'])
      expect(readFileSync(join(dir, f))).toEqual(readFileSync(join(REPO_ROOT, f)));
  });

  it('refuses to overwrite without --force: exit 2, every clashing file listed, nothing written', async () => {
    const dir = tmp.path('existing');
    tmp.write('existing/README.md', 'mine\n');
    tmp.write('existing/.github/workflows/ci.yml', 'name: mine\n');
    const r = await runCli(['init', dir, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mlctl init would overwrite 2 existing file(s)');
    expect(r.stderr).toContain('  - .github/workflows/ci.yml');
    expect(r.stderr).toContain('  - README.md');
    expect(r.stderr).toContain('--force');
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'OUTPUT_CONFLICT', problems: ['.github/workflows/ci.yml', 'README.md'] },
    });
    expect(read(dir, 'README.md')).toBe('mine\n');
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
  });

  it('overwrites with --force and says which files it replaced', async () => {
    const dir = tmp.path('forced');
    tmp.write('forced/README.md', 'mine\n');
    const r = await runCli(['init', dir, '--force', '--json']);
    expect(r.code).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: Array<{ path: string; action: string }> }).files;
    expect(files.filter((f) => f.action === 'overwritten').map((f) => f.path)).toEqual(['README.md']);
    expect(read(dir, 'README.md')).toContain('# forced');
  });

  it('rejects names that cannot work and a target that is a file (exit 2)', async () => {
    expect((await runCli(['init', tmp.path('bad'), '--model-name', 'a/b'])).code).toBe(2);
    expect((await runCli(['init', tmp.path('Bad Name!'), '--service-name', 'Bad Name!'])).code).toBe(2);
    writeFileSync(tmp.path('a-file'), '');
    const r = await runCli(['init', tmp.path('a-file')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a directory');
  });

  it('plans in the current directory by default and marks files that exist', async () => {
    const cwd = tmp.path('plan');
    tmp.write('plan/package.json', '{}');
    const plan = await planInit(
      { dir: '.', force: false, modelName: 'iris', image: 'mlctl', version, nodeVersion: '24.21.0' },
      { cwd, packageRoot: REPO_ROOT },
    );
    expect(plan.filter((f) => f.exists).map((f) => f.path)).toEqual(['package.json']);
    expect(JSON.parse(plan.find((f) => f.path === 'package.json')!.content.toString())).toMatchObject({
      name: 'plan',
    });
  });
});
