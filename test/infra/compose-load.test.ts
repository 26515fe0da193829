import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import { COMPOSE_CHECK, describeWithTools, runTool } from '../helpers/infra-tools';
import { useTmpDir } from '../helpers/tmp';

// docker-compose.yml through compose-go, the loader of `docker compose` (scripts/ci/compose-check):
// the Compose Specification schema, interpolation, merge keys and the project's consistency checks.
// test/unit/compose.test.ts checks the wiring between the services on top of this.
jest.setTimeout(60_000);

describeWithTools('docker-compose.yml loads in compose-go', { 'compose-check': COMPOSE_CHECK }, () => {
  const tmp = useTmpDir('mlctl-compose-');
  const load = (file: string) => runTool(COMPOSE_CHECK as string, [file]);

  test('it loads; the shared mlctl settings reach every mlctl service; variables resolve to their defaults', () => {
    const result = load(join(REPO_ROOT, 'docker-compose.yml'));
    expect([result.status, result.stderr]).toEqual([0, '']);
    const project = JSON.parse(result.stdout);
    expect(project.name).toBe('mlctl');
    for (const name of ['bootstrap', 'mlctl', 'drift-monitor']) {
      const service = project.services[name];
      expect([name, service.read_only, service.image, service.user]).toEqual([
        name,
        true,
        'mlctl:local',
        undefined,
      ]);
      expect(service.build.dockerfile).toBe('Dockerfile');
    }
    expect(project.services.mlctl.environment.ADMIN_API_TOKEN).toBe('');
    expect(project.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBe('admin');
    expect(project.services.mlctl.depends_on.bootstrap.condition).toBe('service_completed_successfully');
  });

  test('it rejects what Docker would reject (a check that cannot fail proves nothing)', () => {
    const original = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    const unquoted = original.replace(/- "(fetch\(.*\))"$/m, '- $1');
    expect(unquoted).not.toBe(original);
    const broken = load(tmp.write('argv.yml', unquoted));
    expect(broken.stderr).toMatch(/healthcheck\.test\.\d+ must be a string/);
    const dangling = load(
      tmp.write('depends.yml', original.replace('      bootstrap:\n', '      bootstrapp:\n')),
    );
    expect(dangling.stderr).toMatch(/undefined service "bootstrapp"/);
    expect(dangling.status).toBe(1);
  });
});
