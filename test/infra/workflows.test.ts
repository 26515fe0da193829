import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { describeWithTool, runTool } from '../helpers/infra-tools';

const WORKFLOWS = join(REPO_ROOT, '.github', 'workflows');
const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));

describeWithTool('actionlint', 'GitHub Actions workflows (actionlint)', (actionlint) => {
  it("passes on mlctl's own workflows", () => {
    const files = yamlIn(WORKFLOWS);
    expect(files.length).toBeGreaterThanOrEqual(5);
    const r = runTool(actionlint, ['-no-color', ...files], { cwd: REPO_ROOT });
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes on the workflows `mlctl init` generates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlctl-init-actionlint-'));
    try {
      expect((await runCli(['init', dir, '--model-name', 'churn'])).code).toBe(0);
      const files = yamlIn(join(dir, '.github', 'workflows'));
      expect(files.length).toBe(5);
      const r = runTool(actionlint, ['-no-color', ...files], { cwd: dir });
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on a broken workflow (the check is real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlctl-actionlint-'));
    try {
      const bad = join(dir, 'bad.yml');
      writeFileSync(
        bad,
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n',
      );
      expect(runTool(actionlint, ['-no-color', bad]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
