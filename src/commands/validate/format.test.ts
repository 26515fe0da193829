import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { formatValidation, validationAnnotations, validationSummaryMarkdown } from './format';
import type { ValidateResult } from './run-validate';

const failed: ValidateResult = {
  mode: 'validate',
  valid: false,
  schema: 'schema.json',
  files: [
    {
      file: 'data/good.csv',
      valid: true,
      rows: 3,
      columns: ['x'],
      seconds: 0.01,
      checks: [{ kind: 'wrong_type', column: 'x', count: 0, samples: [] }],
    },
    {
      file: 'data/bad.csv',
      valid: false,
      rows: 9,
      columns: ['x'],
      seconds: 0.02,
      checks: [
        {
          kind: 'wrong_type',
          column: 'x',
          count: 4,
          samples: [
            { line: 3, column: 'x', value: 'a<b & "c"\u0001', message: 'not a finite number' },
            { line: 7, column: 'x', value: '50%,\nx', message: 'not a finite number' },
          ],
        },
        {
          kind: 'missing_column',
          column: 'y',
          count: 1,
          samples: [{ line: 1, column: 'y', message: 'column "y" is missing' }],
        },
        { kind: 'ragged_row', count: 0, samples: [] },
      ],
    },
  ],
};

describe('formatValidation', () => {
  it('json is one document with a summary', () => {
    const doc = JSON.parse(formatValidation(failed, 'json'));
    expect(doc).toMatchObject({ valid: false, summary: { files: 2, passed: 1, failed: 1, problems: 5 } });
    expect(doc.files[1].checks[0]).toMatchObject({ kind: 'wrong_type', count: 4 });
  });

  it('junit is well-formed XML with a testcase per check and a failure per failing check', () => {
    const xml = formatValidation(failed, 'junit');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites).toMatchObject({ tests: '4', failures: '2' });
    const bad = doc.testsuites.testsuite[1];
    expect(bad).toMatchObject({ name: 'data/bad.csv', tests: '3', failures: '2' });
    expect(bad.testcase[0]).toMatchObject({ name: 'column x: wrong_type', failure: { type: 'wrong_type' } });
    expect(bad.testcase[0].failure['#text']).toContain('data/bad.csv:3');
    expect(bad.testcase[2].failure).toBeUndefined();
  });

  it('github prints one escaped ::error per sampled problem with file and line', () => {
    const out = formatValidation(failed, 'github', '/repo');
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(
      '::error file=data/bad.csv,line=3,title=mlctl validate%3A wrong_type::x = "a<b & \\"c\\"\\u0001": not a finite number',
    );
    expect(lines[1]).toContain('x = "50%25,\\nx"');
    expect(lines[2]).toBe(
      '::error file=data/bad.csv,line=1,title=mlctl validate%3A missing_column::column "y" is missing',
    );
    expect(lines.at(-1)).toBe('1 of 2 files valid against schema.json');
  });

  it('text names file:line, the column and the value, and says what to do', () => {
    const text = formatValidation(failed, 'text');
    expect(text).toContain('✓ data/good.csv: 3 rows, 1 column, 1 check passed');
    expect(text).toContain('✗ data/bad.csv: 5 problems in 2 of 3 checks (9 rows)');
    expect(text).toContain('data/bad.csv:3  x = "a<b & \\"c\\"\\u0001": not a finite number');
    expect(text).toContain('… and 2 more');
    expect(text).toContain('--infer');
  });

  it('annotations use workspace-relative paths', () => {
    expect(validationAnnotations(failed, process.cwd())[0]).toMatch(/^::error file=data\/bad.csv,line=3,/);
  });

  it('summarises for the GitHub step summary', () => {
    const md = validationSummaryMarkdown(failed);
    expect(md).toContain('### mlctl validate — failed');
    expect(md).toContain('| ❌ | `data/bad.csv` | 9 | 5 | wrong_type, missing_column |');
  });
});
