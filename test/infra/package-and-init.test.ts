import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import { copyCheckout, machineEnv, machineNode, runToEnd, spawnGroup } from '../helpers/fresh-clone';
import { describeWithTool, runTool } from '../helpers/infra-tools';
import { freePort } from '../helpers/prometheus';
import { eventually } from '../helpers/serve-process';
import { useTmpDir } from '../helpers/tmp';

// mlctl as a package: `npm pack` makes a tarball that installs on a clean prefix and runs with `npx`;
// `mlctl init`, run from that install, scaffolds a project whose `npm install` gets that same mlctl (it
// is on no registry) and the pinned Node, and whose own scripts validate, train and serve — on the
// machine's Node (Node 20 on the CI machine) — and whose workflows pass actionlint. npm reads the
// registry metadata from its cache when it has it (--prefer-offline); nothing else is fetched.
jest.setTimeout(600_000);

const tmp = useTmpDir('mlctl-package-');
const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
const node = machineNode();
const env = machineEnv(node);
const run = (cwd: string, command: string, args: string[]) => runToEnd(command, args, { cwd, env });

describeWithTool('actionlint', 'the npm package and a project made by mlctl init', (actionlint) => {
  const tarball = () => tmp.path('pack', `mlctl-${version}.tgz`);
  const prefix = () => tmp.path('prefix');
  const service = () => tmp.path('churn-service');

  beforeAll(async () => {
    // Packed from a copy, with a file left over from an old build: prepack must rebuild dist/ from nothing.
    const checkout = tmp.path('checkout');
    copyCheckout(checkout);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(checkout, 'node_modules'), 'junction');
    mkdirSync(join(checkout, 'dist', 'model'), { recursive: true });
    writeFileSync(join(checkout, 'dist', 'model', 'stale.js'), '// from a layout that no longer exists\n');
    mkdirSync(tmp.path('pack'));
    const packed = await run(checkout, 'npm', ['pack', '--pack-destination', tmp.path('pack')]);
    expect({ code: packed.code, stderr: packed.stderr.slice(-2000) }).toMatchObject({ code: 0 });
  });

  test('npm pack: built code, templates and the Helm chart; no sources, tests or stale files', async () => {
    const listed = await run(tmp.path(), 'tar', ['-tzf', tarball()]);
    const files = listed.stdout.split('\n').filter((f) => f !== '');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/LICENSE',
        'package/README.md',
        'package/bin/mlctl',
        'package/bin/mlctl.ps1',
        'package/dist/cli/main.js',
        'package/templates/service/package.json',
        'package/infra/helm/mlctl/Chart.yaml',
        'package/data/processed/iris.csv',
        'package/python/mlctl_pyfunc.py',
        'package/python/python_env.yaml',
        'package/python/requirements.txt',
      ]),
    );
    expect(
      files.filter((f) => /^package\/(src|test|bench|python\/tests)\/|\.test\.|dist\/model\//.test(f)),
    ).toEqual([]);
  });

  test('the tarball installs on a clean prefix and `npx mlctl --help` works', async () => {
    mkdirSync(prefix());
    const installed = await run(prefix(), 'npm', ['install', tarball()]);
    expect({ code: installed.code, stderr: installed.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    // npx finds the installed bin; it runs on the Node that runs this test (mlctl needs 22.12).
    const help = await runToEnd('npx', ['mlctl', '--help'], {
      cwd: prefix(),
      env: { ...env, PATH: `${join(process.execPath, '..')}:${env.PATH}` },
    });
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: mlctl \[options\] \[command\]/);
    expect(help.stdout).toMatch(/\n {2}init \[options\] \[dir\]/);
  });

  test('init from that install → npm install → the project’s validate, train, serve; actionlint passes', async () => {
    const mlctl = join(prefix(), 'node_modules', '.bin', 'mlctl');
    const init = await runToEnd(process.execPath, [mlctl, 'init', service(), '--model-name', 'churn'], {
      cwd: tmp.path(),
      env,
    });
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    const pkg = JSON.parse(readFileSync(join(service(), 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // Not from a registry: the tarball it was installed from.
    expect(pkg.dependencies.mlctl).toBe(`file:../pack/mlctl-${version}.tgz`);

    const installed = await run(service(), 'npm', ['install']);
    expect({ code: installed.code, stderr: installed.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    expect(installed.stderr).not.toMatch(/E404|install-scripts/);
    expect(existsSync(join(service(), 'package-lock.json'))).toBe(true);

    const validated = await run(service(), 'npm', ['run', 'validate']);
    expect({ code: validated.code, out: validated.stdout }).toMatchObject({
      code: 0,
      out: expect.stringContaining('✓ data/processed/iris.csv: 150 rows'),
    });
    const trained = await run(service(), 'npm', ['run', 'train']);
    expect({ code: trained.code, out: trained.stdout }).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^MODEL_DIR=model$/m),
    });

    const port = await freePort();
    const serve = spawnGroup('npm', ['run', 'serve'], {
      cwd: service(),
      env: { ...env, PORT: String(port), PREDICTION_LOG_STDOUT: 'false' },
    });
    try {
      await eventually(async () => {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        return ready?.status === 200;
      }, 60_000).catch(() => {
        throw new Error(`npm run serve did not become ready:\n${serve.err()}`);
      });
      const res = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: [[5.1, 3.5, 1.4, 0.2]] }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ predictions: [0] });
    } finally {
      serve.stop();
      await serve.exited;
    }

    const workflows = join(service(), '.github', 'workflows');
    const files = readdirSync(workflows).map((f) => join(workflows, f));
    expect(files).toHaveLength(5);
    const lint = runTool(actionlint, ['-no-color', ...files], { cwd: service() });
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });
});
