import { inferDatasetSchema, MAX_CATEGORY_VALUES } from './infer';
import { checkDatasetSchema } from './schema';
import { validateCsvFile } from './validate';
import { useTmpDir } from '../../test/helpers/tmp';

const tmp = useTmpDir();

describe('inferDatasetSchema', () => {
  it('infers types, nullability, ranges, categories and the classes of the target', async () => {
    const file = tmp.write('a.csv', 'x,n,colour,note,target\n1.5,1,red,,0\n-2,,blue,hello,1\n3,7,red,x,1\n');
    const result = await inferDatasetSchema(file, { target: 'target' });
    if (!('schema' in result)) throw new Error('expected a schema');
    expect(result.rows).toBe(3);
    expect(result.schema).toEqual({
      version: 1,
      target: 'target',
      columns: [
        { name: 'x', type: 'number', nullable: false, min: -2, max: 3 },
        { name: 'n', type: 'integer', nullable: true, min: 1, max: 7 },
        { name: 'colour', type: 'category', nullable: false, values: ['blue', 'red'] },
        { name: 'note', type: 'category', nullable: true, values: ['hello', 'x'] },
        { name: 'target', type: 'integer', nullable: false, values: [0, 1] },
      ],
      rows: { min: 1 },
      additionalColumns: false,
    });
    // What it writes is a valid schema that the same file passes.
    expect(checkDatasetSchema(result.schema)).toHaveProperty('schema');
    expect((await validateCsvFile(file, result.schema, { maxSamples: 1 })).valid).toBe(true);
  });

  it('makes a high-cardinality text column a free string', async () => {
    const rows = Array.from({ length: MAX_CATEGORY_VALUES + 1 }, (_, i) => `id${i},0`).join('\n');
    const result = await inferDatasetSchema(tmp.write('ids.csv', `id,target\n${rows}\n`), { target: 'target' });
    expect('schema' in result && result.schema.columns[0]).toEqual({ name: 'id', type: 'string', nullable: false });
  });

  it('makes an identifier-like text column a string, and gives a quantity target a range, not classes', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `name${i},${i % 3 === 0 ? 'a' : 'b'},${1000 + i * 7}`).join('\n');
    const result = await inferDatasetSchema(tmp.write('q.csv', `name,kind,target\n${rows}\n`), { target: 'target' });
    if (!('schema' in result)) throw new Error('expected a schema');
    expect(result.schema.columns).toEqual([
      { name: 'name', type: 'string', nullable: false },
      { name: 'kind', type: 'category', nullable: false, values: ['a', 'b'] },
      { name: 'target', type: 'integer', nullable: false, min: 1000, max: 1273 },
    ]);
  });

  it('has no target when the file has no such column', async () => {
    const result = await inferDatasetSchema(tmp.write('nt.csv', 'a,b\n1,2\n'), { target: 'target' });
    expect('schema' in result && result.schema.target).toBeUndefined();
  });

  it('refuses a file that is not sound CSV, saying where', async () => {
    const ragged = await inferDatasetSchema(tmp.write('r.csv', 'a,b\n1,2\n3\n'), { target: 'target' });
    expect(ragged).toEqual({ rows: 2, defects: [{ line: 3, message: '1 field, the header has 2' }] });
    const dup = await inferDatasetSchema(tmp.write('d.csv', 'a,a\n1,2\n'), { target: 'target' });
    expect('defects' in dup && dup.defects[0]?.message).toMatch(/appears more than once/);
    const empty = await inferDatasetSchema(tmp.write('e.csv', ''), { target: 'target' });
    expect('defects' in empty && empty.defects[0]?.message).toBe('the file is empty');
  });
});

describe('checkDatasetSchema', () => {
  it('lists every problem of a bad schema with its path', () => {
    const result = checkDatasetSchema({
      version: 2,
      target: 'y',
      columns: [
        { name: 'a', type: 'float' },
        { name: 'b', type: 'number', min: 5, max: 1 },
        { name: 'b', type: 'category', min: 0 },
      ],
    });
    expect('errors' in result && result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^version: /),
        expect.stringMatching(/^columns\.0\.type: /),
        'columns.1: min must not be greater than max',
        'columns.2: min/max apply to number and integer columns only',
      ]),
    );
  });

  it('rejects a duplicate column and an unknown target', () => {
    const result = checkDatasetSchema({
      version: 1,
      target: 'y',
      columns: [
        { name: 'a', type: 'number' },
        { name: 'a', type: 'number' },
      ],
    });
    expect('errors' in result && result.errors).toEqual([
      'columns.1.name: duplicate column "a"',
      'target: target "y" is not one of the columns',
    ]);
  });
});
