import { readFileSync } from 'node:fs';
import { runCli } from '../../../test/helpers/cli';
import { useTmpDir } from '../../../test/helpers/tmp';
import { allowScriptsKey, defaultMlctlSpec } from './mlctl-source';

const tmp = useTmpDir('mlctl-source-');

/** An mlctl installed in <tree>/node_modules/mlctl, with npm's hidden lockfile saying where from. */
function installedFrom(tree: string, resolved: string): string {
  tmp.write(`${tree}/node_modules/mlctl/package.json`, '{"name": "mlctl", "version": "0.1.0"}');
  tmp.write(
    `${tree}/node_modules/.package-lock.json`,
    JSON.stringify({
      lockfileVersion: 3,
      packages: { 'node_modules/mlctl': { version: '0.1.0', resolved } },
    }),
  );
  return tmp.path(tree, 'node_modules', 'mlctl');
}

describe('the mlctl a scaffold depends on', () => {
  it('is ^version when the running mlctl came from a registry', async () => {
    const root = installedFrom('from-registry', 'https://registry.npmjs.org/mlctl/-/mlctl-0.1.0.tgz');
    expect(await defaultMlctlSpec(root, tmp.path('service'), '0.1.0')).toBe('^0.1.0');
  });

  it('is the tarball it was installed from, relative to the new project', async () => {
    const root = installedFrom('from-tarball/tool', 'file:../mlctl-0.1.0.tgz');
    expect(await defaultMlctlSpec(root, tmp.path('service'), '0.1.0')).toBe(
      'file:../from-tarball/mlctl-0.1.0.tgz',
    );
  });

  it('is the directory itself for a checkout (no lockfile says otherwise)', async () => {
    tmp.write('checkout/package.json', '{}');
    expect(await defaultMlctlSpec(tmp.path('checkout'), tmp.path('work', 'service'), '0.1.0')).toBe(
      'file:../../checkout',
    );
    expect(await defaultMlctlSpec(tmp.path('checkout'), tmp.path('checkout', 'service'), '0.1.0')).toBe(
      'file:..',
    );
  });

  it('is approved in allowScripts by the key npm matches it with', () => {
    expect(allowScriptsKey('^0.1.0', '/w/service')).toBe('mlctl');
    expect(allowScriptsKey('file:../mlctl', '/w/service')).toBe('file:../mlctl');
    expect(allowScriptsKey('file:../pack/mlctl-0.1.0.tgz', '/w/service')).toBe(
      'file:/w/pack/mlctl-0.1.0.tgz',
    );
    expect(allowScriptsKey('git+https://example.com/mlctl.git#v0.1.0', '/w/service')).toBe(
      'git+https://example.com/mlctl.git#v0.1.0',
    );
  });

  it('--mlctl-package wins', async () => {
    const r = await runCli(['init', tmp.path('pinned'), '--mlctl-package', '^0.1.0', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(tmp.path('pinned', 'package.json'), 'utf8')).dependencies).toEqual({
      mlctl: '^0.1.0',
    });
  });
});
