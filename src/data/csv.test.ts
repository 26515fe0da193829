import { readCsvRecords } from './csv';
import type { CsvDefect, CsvRecord } from './csv';
import { useTmpDir } from '../../test/helpers/tmp';

const tmp = useTmpDir();

async function read(content: string | Buffer, maxRecordSize?: number): Promise<{ records: CsvRecord[]; defects: CsvDefect[] }> {
  const file = tmp.write(`f${Math.random().toString(36).slice(2)}.csv`, content);
  const defects: CsvDefect[] = [];
  const records: CsvRecord[] = [];
  for await (const r of readCsvRecords(file, { onDefect: (d) => defects.push(d), maxRecordSize })) records.push(r);
  return { records, defects };
}

describe('readCsvRecords', () => {
  it('accepts a BOM, CRLF line endings and quoted numbers', async () => {
    const { records, defects } = await read('\uFEFFa,b\r\n"1.5",2\r\n3,"4"\r\n');
    expect(defects).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1.5', '2'] },
      { line: 3, fields: ['3', '4'] },
    ]);
  });

  it('skips blank lines and keeps line numbers true', async () => {
    const { records } = await read('a,b\n1,2\n\n3,4\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('numbers a record with a quoted line break by the line it ends on', async () => {
    const { records } = await read('a,b\n"x\ny",1\n2,3\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['x\ny', '1'] },
      { line: 4, fields: ['2', '3'] },
    ]);
  });

  it('passes ragged rows through for the caller to judge', async () => {
    const { records, defects } = await read('a,b\n1,2,3\n4\n');
    expect(defects).toEqual([]);
    expect(records.map((r) => r.fields.length)).toEqual([2, 3, 1]);
  });

  it('reports an unterminated quote where it starts and stops there', async () => {
    const { records, defects } = await read('a,b\n1,2\n3,"4\n5,6\n');
    expect(records).toHaveLength(2);
    expect(defects).toEqual([expect.objectContaining({ kind: 'unparseable', line: 3, fatal: true })]);
    expect(defects[0]?.message).toMatch(/unterminated quoted field/);
  });

  it('reports a stray quote and goes on with the next record', async () => {
    const { records, defects } = await read('a,b\n1,2"x\n5,6\n');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['5', '6']]);
    expect(defects).toEqual([expect.objectContaining({ kind: 'unparseable', line: 2, fatal: false })]);
  });

  it('bounds memory on a runaway quoted field', async () => {
    const { defects } = await read(`a,b\n1,"${'x'.repeat(5000)}\n`, 1000);
    expect(defects[0]?.message).toMatch(/longer than the limit/);
  });

  it('stops at binary content and says on which line', async () => {
    const { records, defects } = await read(Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0, 1, 2, 0xff]), Buffer.from('\n3,4\n')]));
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
    expect(defects).toEqual([expect.objectContaining({ kind: 'binary', line: 3, fatal: true })]);
    expect(defects[0]?.message).toMatch(/NUL byte/);
  });

  it('stops at invalid UTF-8', async () => {
    const { defects } = await read(Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    expect(defects).toEqual([expect.objectContaining({ kind: 'binary', line: 3 })]);
    expect(defects[0]?.message).toMatch(/invalid UTF-8/);
  });

  it('accepts multi-byte UTF-8 split across read chunks', async () => {
    const row = 'é,ü\n'.repeat(40000); // > 64 KiB, so chunk boundaries fall inside characters
    const { records, defects } = await read(`a,b\n${row}`);
    expect(defects).toEqual([]);
    expect(records).toHaveLength(40001);
  });

  it('fails on a file that does not exist', async () => {
    const iterate = async () => {
      for await (const _ of readCsvRecords(tmp.path('missing.csv'), { onDefect: () => undefined })) void _;
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
