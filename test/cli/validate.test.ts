import { readFileSync } from 'node:fs';
import { XMLValidator } from 'fast-xml-parser';
import { spawnCli } from '../helpers/cli';
import { useTmpDir } from '../helpers/tmp';

const tmp = useTmpDir();
const IRIS = 'data/processed/iris.csv';
const SCHEMA = 'data/processed/iris.schema.json';
const BROKEN = 'data/examples/broken-iris.csv';

describe('mlctl validate (built CLI)', () => {
  it('passes the shipped iris data: exit 0', async () => {
    const r = await spawnCli(['validate', IRIS, '--schema', SCHEMA]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ data/processed/iris.csv: 150 rows, 5 columns');
  });

  it('fails the broken example with every problem located: exit 3', async () => {
    const r = await spawnCli(['validate', BROKEN, '--schema', SCHEMA, '--json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    const found = doc.files[0].checks
      .filter((c: { count: number }) => c.count > 0)
      .map(
        (c: { kind: string; samples: Array<{ line?: number }> }) => `${c.kind}@${c.samples[0]?.line ?? '-'}`,
      )
      .sort();
    expect(found).toEqual(
      [
        'wrong_type@7',
        'null_value@8',
        'unknown_value@9',
        'out_of_range@10',
        'ragged_row@11',
        'wrong_type@12',
        'row_count@-',
      ].sort(),
    );
  });

  it('accepts CRLF line endings, a BOM and Windows-style relative paths given with forward slashes', async () => {
    const crlf = readFileSync(IRIS, 'utf8').replace(/\n/g, '\r\n');
    const file = tmp.write('win/iris-crlf.csv', `\uFEFF${crlf}`);
    const r = await spawnCli(['validate', file, '--schema', SCHEMA]);
    expect(r.code).toBe(0);
  });

  it('validates several files and fails if any fails', async () => {
    const r = await spawnCli(['validate', IRIS, BROKEN, '--schema', SCHEMA]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('1 of 2 files failed validation');
  });

  it('writes a JUnit report chosen by extension while printing text', async () => {
    const report = tmp.path('results.xml');
    const r = await spawnCli(['validate', IRIS, BROKEN, '--schema', SCHEMA, '--report', report]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('✗ data/examples/broken-iris.csv');
    const xml = readFileSync(report, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<failure type="ragged_row"');
  });

  it('prints GitHub annotations with --format github', async () => {
    const r = await spawnCli(['validate', BROKEN, '--schema', SCHEMA, '--format', 'github']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      '::error file=data/examples/broken-iris.csv,line=7,title=mlctl validate%3A wrong_type::',
    );
  });

  it('in GitHub Actions writes outputs, a step summary and annotations, keeping --json clean', async () => {
    const output = tmp.write('gh-output', '');
    const summary = tmp.write('gh-summary', '');
    const r = await spawnCli(['validate', BROKEN, '--schema', SCHEMA, '--json'], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(3);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toContain('::error file=data/examples/broken-iris.csv,line=8,');
    expect(readFileSync(output, 'utf8')).toBe('valid=false\n');
    expect(readFileSync(summary, 'utf8')).toContain('### mlctl validate — failed');
  });

  it('infers a schema that the same file then passes', async () => {
    const schema = tmp.path('inferred.schema.json');
    const r = await spawnCli(['validate', IRIS, '--infer', schema]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('target column "target" with classes 0, 1, 2');
    expect((await spawnCli(['validate', IRIS, '--schema', schema])).code).toBe(0);
  });

  it('refuses to infer from a broken CSV and writes nothing: exit 3', async () => {
    const schema = tmp.path('never.schema.json');
    const r = await spawnCli(['validate', BROKEN, '--infer', schema]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`${BROKEN}:11  4 fields, the header has 5`);
    expect(() => readFileSync(schema)).toThrow();
  });

  it.each([
    ['a missing data file', ['validate', 'nope.csv', '--schema', SCHEMA], /data file not found: nope.csv/],
    ['a missing schema', ['validate', IRIS, '--schema', 'nope.json'], /schema file not found: nope.json/],
    ['no file at all', ['validate', '--schema', SCHEMA], /no data file given/],
    [
      'both --schema and --infer',
      ['validate', IRIS, '--schema', SCHEMA, '--infer', 'x.json'],
      /exactly one of/,
    ],
    ['an unknown flag', ['validate', IRIS, '--shema', SCHEMA], /unknown option '--shema'/],
    [
      'a bad format',
      ['validate', IRIS, '--schema', SCHEMA, '--format', 'xml'],
      /--format: expected one of text, json, junit, github, got "xml"/,
    ],
  ])('exits 2 on %s, with a message and no stack trace', async (_name, argv, message) => {
    const r = await spawnCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an invalid schema file, listing every problem', async () => {
    const bad = tmp.write(
      'bad.schema.json',
      JSON.stringify({
        version: 1,
        columns: [
          { name: 'a', type: 'float' },
          { name: 'a', type: 'number' },
        ],
      }),
    );
    const r = await spawnCli(['validate', IRIS, '--schema', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/columns\.0\.type: /);
    expect(r.stderr).toMatch(/columns\.1\.name: duplicate column "a"/);
  });

  it('lists every configuration problem at once: exit 2', async () => {
    const r = await spawnCli(['validate', IRIS, '--schema', SCHEMA, '--max-samples', 'lots'], {
      env: { LOG_LEVEL: 'loud' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-samples: expected an integer, got "lots"');
  });

  it('reads settings from mlctl.yaml, with flags winning', async () => {
    const config = tmp.write(
      'mlctl.yaml',
      `validate:\n  schema: ${process.cwd()}/${SCHEMA}\n  format: json\n`,
    );
    const viaFile = await spawnCli(['--config', config, 'validate', IRIS]);
    expect(viaFile.code).toBe(0);
    expect(JSON.parse(viaFile.stdout)).toMatchObject({ valid: true });
    const flagWins = await spawnCli(['--config', config, 'validate', IRIS, '--format', 'text']);
    expect(flagWins.stdout).toMatch(/^✓ /);
  });

  it('rejects an unknown key in mlctl.yaml, naming the file and key', async () => {
    const config = tmp.write('typo.yaml', 'validate:\n  shema: x.json\n');
    const r = await spawnCli(['validate', IRIS], { env: { MLCTL_CONFIG: config } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${config}: validate.shema: unknown setting`);
  });
});
