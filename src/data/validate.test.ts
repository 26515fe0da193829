import { validateCsvFile } from './validate';
import type { FileReport, ProblemKind } from './validate';
import type { DatasetSchema } from './schema';
import { useTmpDir } from '../../test/helpers/tmp';

const tmp = useTmpDir();

const schema: DatasetSchema = {
  version: 1,
  target: 'target',
  additionalColumns: false,
  rows: { min: 1, max: 5 },
  columns: [
    { name: 'x', type: 'number', nullable: false, min: 0, max: 10 },
    { name: 'n', type: 'integer', nullable: true },
    { name: 'colour', type: 'category', nullable: false, values: ['red', 'blue'] },
    { name: 'target', type: 'integer', nullable: false, values: [0, 1, 2] },
  ],
};

let counter = 0;
async function check(content: string | Buffer, s: DatasetSchema = schema): Promise<FileReport> {
  const file = tmp.write(`case${counter++}.csv`, content);
  return validateCsvFile(file, s, { maxSamples: 3 });
}

function failing(report: FileReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of report.checks) if (c.count > 0) out[c.column ? `${c.kind}:${c.column}` : c.kind] = c.count;
  return out;
}

function samplesOf(report: FileReport, kind: ProblemKind) {
  return report.checks.filter((c) => c.kind === kind).flatMap((c) => c.samples);
}

describe('validateCsvFile', () => {
  it('passes a valid file, with BOM, CRLF, quoted numbers and surrounding spaces', async () => {
    const report = await check('\uFEFFx,n,colour,target\r\n"1.5",,red,0\r\n 2 ,3,blue,"2"\r\n1e1,-4,red,1.0\r\n');
    expect(failing(report)).toEqual({});
    expect(report).toMatchObject({ valid: true, rows: 3, columns: ['x', 'n', 'colour', 'target'] });
    // Every check that ran is listed, passing ones with count 0 (JUnit shows them as passed tests).
    expect(report.checks.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['wrong_type', 'null_value', 'out_of_range', 'unknown_value', 'missing_column', 'ragged_row']),
    );
  });

  it('finds a missing column, an unexpected one and a duplicate header', async () => {
    const report = await check('x,n,x,extra,target\n1,2,3,4,0\n');
    expect(failing(report)).toEqual({ 'missing_column:colour': 1, unexpected_column: 1, duplicate_header: 1 });
    expect(samplesOf(report, 'unexpected_column')[0]).toMatchObject({ line: 1, column: 'extra' });
    expect(samplesOf(report, 'duplicate_header')[0]?.message).toMatch(/position 3 \(first at 1\)/);
  });

  it('allows extra columns when the schema says so', async () => {
    const report = await check('x,n,colour,target,extra\n1,2,red,0,zzz\n', { ...schema, additionalColumns: true });
    expect(failing(report)).toEqual({});
  });

  it('finds wrong types: text, NaN, Infinity, hex and fractions in an integer column', async () => {
    const report = await check('x,n,colour,target\nabc,1,red,0\nNaN,1,red,0\nInfinity,0x1F,red,0\n1,1.5,red,0\n');
    expect(failing(report)).toEqual({ 'wrong_type:x': 3, 'wrong_type:n': 2 });
    expect(samplesOf(report, 'wrong_type').map((s) => [s.line, s.column, s.value])).toEqual([
      [2, 'x', 'abc'],
      [3, 'x', 'NaN'],
      [4, 'x', 'Infinity'],
      [4, 'n', '0x1F'],
      [5, 'n', '1.5'],
    ]);
  });

  it('finds empty values only where the column is not nullable', async () => {
    const report = await check('x,n,colour,target\n,,red,0\n1,,,0\n');
    expect(failing(report)).toEqual({ 'null_value:x': 1, 'null_value:colour': 1 });
  });

  it('finds values out of range', async () => {
    const report = await check('x,n,colour,target\n-0.5,1,red,0\n10.01,1,red,0\n10,1,red,0\n');
    expect(failing(report)).toEqual({ 'out_of_range:x': 2 });
    expect(samplesOf(report, 'out_of_range')[0]).toMatchObject({ line: 2, value: '-0.5', message: 'outside [0, 10]' });
  });

  it('finds unknown categories and classes, comparing numbers by value', async () => {
    const report = await check('x,n,colour,target\n1,1,green,0\n1,1,red,3\n1,1,Red,2.0\n');
    expect(failing(report)).toEqual({ 'unknown_value:colour': 2, 'unknown_value:target': 1 });
  });

  it('finds ragged rows and does not judge their values', async () => {
    const report = await check('x,n,colour,target\n1,1,red\n1,1,red,0,9\nabc,1,red,0\n');
    expect(failing(report)).toEqual({ ragged_row: 2, 'wrong_type:x': 1 });
    expect(samplesOf(report, 'ragged_row').map((s) => s.line)).toEqual([2, 3]);
  });

  it('reports an unparseable CSV with its line', async () => {
    const report = await check('x,n,colour,target\n1,1,red,0\n1,1,"red,0\n2,2,blue,1\n');
    expect(failing(report)).toEqual({ unparseable_csv: 1 });
    expect(samplesOf(report, 'unparseable_csv')[0]).toMatchObject({ line: 3 });
  });

  it('reports binary garbage', async () => {
    const report = await check(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x10]));
    expect(failing(report)).toEqual({ unparseable_csv: 1 });
    expect(samplesOf(report, 'unparseable_csv')[0]?.message).toMatch(/binary content/);
  });

  it('reports an empty file', async () => {
    const report = await check('');
    expect(failing(report)).toEqual({ empty_file: 1 });
    expect(report.valid).toBe(false);
  });

  it('reports a header-only file', async () => {
    const report = await check('x,n,colour,target\n');
    expect(failing(report)).toEqual({ header_only: 1 });
  });

  it('reports a row count outside the bounds', async () => {
    const rows = Array.from({ length: 6 }, () => '1,1,red,0').join('\n');
    const report = await check(`x,n,colour,target\n${rows}\n`);
    expect(failing(report)).toEqual({ row_count: 1 });
    expect(samplesOf(report, 'row_count')[0]?.message).toBe('6 rows, expected 1 to 5');
  });

  it('caps samples but counts every problem', async () => {
    const rows = Array.from({ length: 5 }, () => 'bad,1,red,0').join('\n');
    const report = await check(`x,n,colour,target\n${rows}\n`);
    const wrong = report.checks.find((c) => c.kind === 'wrong_type' && c.column === 'x');
    expect(wrong).toMatchObject({ count: 5 });
    expect(wrong?.samples).toHaveLength(3);
  });
});
