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

  it('lists every non-numeric value, empty target and ragged row at once', async () => {
    const file = writeCsv(tempDir(), 'd.csv', ['x', 'y', 'target'], [
      [1, 'abc', 0],
      ['', 2, 1],
      [1, 2],
      [1, 2, ''],
    ]);
    await expect(readTrainingTable(file, { target: 'target', name: 'd.csv' })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: 'd.csv: 4 problems in the training data',
      problems: [
        'line 2: column "y" = "abc" is not a finite number',
        'line 3: column "x" = "" is not a finite number',
        'line 4: 2 fields, the header has 3',
        'line 5: the target "target" is empty',
      ],
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
  });
});
