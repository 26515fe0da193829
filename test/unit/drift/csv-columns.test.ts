import { readCsvColumns } from '../../../src/drift/sources/csv-columns';
import type { FieldSink } from '../../../src/drift/sources/csv-columns';
import { useTmpDir } from '../../helpers/tmp';

const tmp = useTmpDir('mlctl-csv-columns-');

/** Reads every column of a file as strings (null for a missing field), the way a sink sees them. */
async function read(
  content: string | Buffer,
  wanted?: string[],
): Promise<{ header: string[]; rows: number; columns: Record<string, Array<string | null>> }> {
  const file = tmp.write(`f${Math.random().toString(36).slice(2)}.csv`, content);
  const columns: Record<string, Array<string | null>> = {};
  const sink = (name: string): FieldSink => {
    const cells: Array<string | null> = (columns[name] = []);
    return {
      pushBytes: (buf, s, e) => cells.push(Buffer.from(buf.subarray(s, e)).toString('utf8')),
      pushText: (text) => cells.push(text),
      pushMissing: () => cells.push(null),
    };
  };
  const result = await readCsvColumns(file, {
    what: 'data',
    shown: 'x.csv',
    onHeader: (names) => names.map((n) => (wanted && !wanted.includes(n) ? undefined : sink(n))),
  });
  return { ...result, columns };
}

describe('CSV columns from bytes', () => {
  it('reads quotes, doubled quotes, commas and newlines inside quotes, CRLF, a BOM, blank lines', async () => {
    const text = '\uFEFFa,"b c",d\r\n1,"x, ""y""",3\r\n\r\n"multi\nline",,"q"\n4,5,6';
    const r = await read(text);
    expect(r.header).toEqual(['a', 'b c', 'd']);
    expect(r.rows).toBe(3);
    expect(r.columns).toEqual({
      a: ['1', 'multi\nline', '4'],
      'b c': ['x, "y"', '', '5'],
      d: ['3', 'q', '6'],
    });
  });

  it('gives short rows missing values, ignores extra fields, and reads only the columns asked for', async () => {
    const r = await read('a,b,c\n1\n1,2,3,4\n', ['a', 'c']);
    expect(r.columns).toEqual({ a: ['1', '1'], c: [null, '3'] });
  });

  it('reads records across its 1 MB chunks exactly', async () => {
    const lines = ['n,t'];
    for (let i = 0; i < 120_000; i++) lines.push(`${i},"v ""${i % 7}"" ${'x'.repeat(i % 13)}"`);
    const r = await read(`${lines.join('\n')}\n`);
    expect(r.rows).toBe(120_000);
    expect(r.columns.n![119_999]).toBe('119999');
    expect(r.columns.t!.every((t, i) => t === `v "${i % 7}" ${'x'.repeat(i % 13)}`)).toBe(true);
  });

  it('refuses an unterminated quote, binary content and an empty file, naming the line', async () => {
    await expect(read('a,b\n1,2\n3,"open\n')).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringContaining('x.csv:3: unterminated quoted field'),
    });
    await expect(read(Buffer.from([0x61, 0x0a, 0x31, 0x00, 0x0a]))).rejects.toMatchObject({
      message: expect.stringContaining('binary content'),
    });
    await expect(read('')).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: 'data x.csv is empty (no header line)',
    });
  });
});
