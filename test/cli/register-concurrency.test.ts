import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { createModelFixture } from '../helpers/model-fixture';

jest.setTimeout(180_000);

describe('mlctl register, 20 processes at once on the local registry', () => {
  it('gives every process its own version: 1..20, none shared, none lost', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mlctl-concurrency-'));
    const dirs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createModelFixture(cwd, { seed: i })),
    );
    const runs = await Promise.all(
      dirs.map((dir) =>
        spawnCli(['register', '--model-dir', dir, '--name', 'iris', '--alias', 'latest-build', '--json'], {
          cwd,
          timeoutMs: 150_000,
        }),
      ),
    );
    for (const r of runs) expect([r.code, r.stderr]).toEqual([0, '']);
    const versions = runs.map((r) => (JSON.parse(r.stdout) as { version: string }).version);
    expect(versions.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const list = await spawnCli(['models', 'list', 'iris', '--json'], { cwd });
    const listed = JSON.parse(list.stdout) as {
      model: { aliases: Record<string, string> };
      versions: Array<{ version: string; run_id: string }>;
    };
    expect(listed.versions).toHaveLength(20);
    expect(new Set(listed.versions.map((v) => v.run_id)).size).toBe(20);
    // The alias ends on one of the versions (the last writer wins), and no lock is left behind.
    expect(versions).toContain(listed.model.aliases['latest-build']);
    const modelDir = join(cwd, '.mlctl', 'registry', 'models', 'iris');
    expect((await readdir(modelDir)).sort()).toEqual(['model.json', 'versions']);
    await rm(cwd, { recursive: true, force: true });
  });
});
