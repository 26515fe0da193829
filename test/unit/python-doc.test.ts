import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import { docBlocks } from '../helpers/python-doc';

// docs/PYTHON.md's commands are run by the MLflow integration tests, block by block, by name: every code
// block must have a name one of them runs, or say why it is not run.
const PAGE = join(REPO_ROOT, 'docs', 'PYTHON.md');
const TESTS = ['mlflow-pyfunc.test.ts', 'mlflow-spark.test.ts'].map((f) =>
  readFileSync(join(REPO_ROOT, 'test', 'integration', f), 'utf8'),
);

describe('docs/PYTHON.md', () => {
  it('names every code block, and a test runs each named one', () => {
    const fences = readFileSync(PAGE, 'utf8').match(/^```\w+$/gm) ?? [];
    const blocks = [...docBlocks(PAGE).values()];
    expect(blocks).toHaveLength(fences.length);
    for (const block of blocks) {
      if (block.name.startsWith('skip')) {
        expect(block.name).toMatch(/^skip \(.{10,}\)$/);
        continue;
      }
      expect([block.name, TESTS.some((t) => t.includes(`DOC.get('${block.name}')`))]).toEqual([
        block.name,
        true,
      ]);
    }
  });
});
