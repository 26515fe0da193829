import { readTrainingTable } from './training-table';
import { tempDir, writeCsv } from '../../test/helpers/data';

describe('readTrainingTable', () => {
  it('reads numeric features column by column and sorts numeric classes by value', async () => {
    const file = writeCsv(tempDir(), 'd.csv', ['a', 'label', 'b'], [
      [1, 10, 2],
      [3, 9, 4],
      [5, '10.0', 6],
      [7, 2, 8],
    ]);
    const t = await readTrainingTable(file, { target: 'label' });
    expect(t.features).toEqual(['a', 'b']);
    expect(t.specs).toEqual([
      { name: 'a', type: 'numeric', nullable: false },
      { name: 'b', type: 'numeric', nullable: false },
    ]);
    expect(t.task).toBe('classification');
    expect(t.classes).toEqual([2, 9, 10]);
    expect(t.classType).toBe('integer');
    expect(Array.from(t.y)).toEqual([2, 1, 2, 0]);
    expect(Array.from(t.columns[1] as Float64Array)).toEqual([2, 4, 6, 8]);
  });

  it('keeps text labels as strings, sorted', async () => {
    const file = writeCsv(tempDir(), 'd.csv', ['x', 'species'], [
      [1, 'virginica'],
      [2, 'setosa'],
    ]);
    const t = await readTrainingTable(file, { target: 'species', features: ['x'] });
    expect(t.classes).toEqual(['setosa', 'virginica']);
    expect(t.classType).toBe('string');
  });

  it('makes a text column categorical (codes into sorted categories) and reads empty cells as missing', async () => {
    const file = writeCsv(tempDir(), 'd.csv', ['colour', 'size', 'target'], [
      ['red', 1.5, 'a'],
      ['blue', '', 'b'],
      ['', 2.5, 'a'],
      ['red', 3, 'b'],
    ]);
    const t = await readTrainingTable(file, { target: 'target' });
    expect(t.specs).toEqual([
      { name: 'colour', type: 'categorical', nullable: true, categories: ['blue', 'red'] },
      { name: 'size', type: 'numeric', nullable: true },
    ]);
    expect(Array.from(t.columns[0] as Float64Array)).toEqual([1, 0, NaN, 1]);
    expect(Array.from(t.columns[1] as Float64Array)).toEqual([1.5, NaN, 2.5, 3]);
  });

  it('leaves out an identifier-like column with the reason, and reads --na-values as missing', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [`id-${i}`, i % 4 === 0 ? 'NA' : i, i % 2]);
    const file = writeCsv(tempDir(), 'd.csv', ['id', 'x', 'target'], rows);
    const t = await readTrainingTable(file, { target: 'target', naValues: ['NA'] });
    expect(t.features).toEqual(['x']);
    expect(t.leftOut).toEqual([{ column: 'id', reason: 'identifier-like: 40 distinct values in 40 rows' }]);
    expect(t.specs[0]).toEqual({ name: 'x', type: 'numeric', nullable: true });
    expect(Number.isNaN(t.columns[0]?.[0] as number)).toBe(true);
  });

  it('refuses numbers mixed with a few texts until told what the texts are', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i === 3 ? 'NA' : i * 1.5, i % 2]);
    const file = writeCsv(tempDir(), 'd.csv', ['x', 'target'], rows);
    await expect(readTrainingTable(file, { target: 'target', name: 'd.csv' })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      problems: [
        'column "x" has 39 numbers and 1 text ("NA"): if they mean "missing", train with --na-values NA, or --categorical x / --numeric x',
      ],
    });
    const asNumbers = await readTrainingTable(file, { target: 'target', numeric: ['x'], naValues: ['NA'] });
    expect(asNumbers.specs[0]?.type).toBe('numeric');
    const asCategories = await readTrainingTable(file, { target: 'target', categorical: ['x'] });
    expect(asCategories.specs[0]?.categories).toHaveLength(40);
  });

  it('infers regression from a target of fractions or many integers, and says why', async () => {
    const dir = tempDir();
    const fractions = writeCsv(dir, 'f.csv', ['x', 'y'], [[1, 0.5], [2, 1.5], [3, 2.25]]);
    const f = await readTrainingTable(fractions, { target: 'y' });
    expect(f.task).toBe('regression');
    expect(f.taskReason).toBe('the target "y" holds numbers with fractions');
    expect(Array.from(f.values)).toEqual([0.5, 1.5, 2.25]);
    const many = writeCsv(dir, 'm.csv', ['x', 'y'], Array.from({ length: 40 }, (_, i) => [i, i * 10]));
    expect((await readTrainingTable(many, { target: 'y' })).taskReason).toBe(
      'the target "y" has 40 distinct integers, more than a class column plausibly has (30)',
    );
    expect((await readTrainingTable(many, { target: 'y', task: 'classification' })).classes).toHaveLength(40);
    const text = writeCsv(dir, 't.csv', ['x', 'y'], [[1, 'a'], [2, 'b']]);
    await expect(readTrainingTable(text, { target: 'y', task: 'regression', name: 't.csv' })).rejects.toMatchObject({
      problems: ['line 2: the target "y" = "a" is not a number (regression)', 'line 3: the target "y" = "b" is not a number (regression)'],
    });
  });

  it('leaves out rows without a target, saying which', async () => {
    const file = writeCsv(tempDir(), 'd.csv', ['x', 'target'], [[1, 0], [2, ''], [3, 1], [4, 'NA']]);
    const t = await readTrainingTable(file, { target: 'target', naValues: ['NA'] });
    expect(t.rows).toBe(2);
    expect(t.notes).toEqual(['2 rows have no target "target" and are left out (lines 3, 5)']);
  });

  it('takes the types of a schema, and lists every text in a numeric column and ragged row at once', async () => {
    const file = writeCsv(tempDir(), 'd.csv', ['x', 'y', 'target'], [
      [1, 'abc', 0],
      ['', 2, 1],
      [1, 2],
      [1, 3, 1],
    ]);
    const schema = {
      version: 1 as const,
      additionalColumns: false,
      columns: [
        { name: 'x', type: 'integer' as const, nullable: true },
        { name: 'y', type: 'number' as const, nullable: false },
        { name: 'target', type: 'integer' as const, nullable: false },
      ],
    };
    await expect(readTrainingTable(file, { target: 'target', name: 'd.csv', schema })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: 'd.csv: 2 problems in the training data',
      problems: ['line 4: 2 fields, the header has 3', 'line 2: column "y" = "abc" is not a number (numeric feature)'],
    });
  });

  it('names the columns when the target is unknown, and refuses a single class', async () => {
    const dir = tempDir();
    const file = writeCsv(dir, 'd.csv', ['x', 'target'], [
      [1, 0],
      [2, 0],
    ]);
    await expect(readTrainingTable(file, { target: 'class' })).rejects.toMatchObject({ problems: ['columns: x, target'] });
    await expect(readTrainingTable(file, { target: 'target' })).rejects.toThrow(/single class/);
    await expect(readTrainingTable(file, { target: 'target', features: ['nope'] })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(readTrainingTable(file, { target: 'target', categorical: ['x'], numeric: ['x'] })).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
});
