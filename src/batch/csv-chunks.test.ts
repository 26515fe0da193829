import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../data/csv';
import type { CsvDefect } from '../data/csv';
import { chunkRecords } from './chunk-records';
import { readCsvChunks } from './csv-chunks';
import type { CsvLayout } from './csv-chunks';

const dir = mkdtempSync(join(tmpdir(), 'mlctl-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Read {
  header?: string[];
  records: Array<[number, string[]]>;
  defects: Array<[number, string, boolean]>;
}

async function whole(path: string): Promise<Read> {
  const out: Read = { records: [], defects: [] };
  let header: string[] | undefined;
  await readCsv(path, {
    onRecord: (fields, line) => {
      if (header === undefined) header = fields;
      else out.records.push([line, fields]);
    },
    onDefect: (d: CsvDefect) => out.defects.push([d.line, d.kind, d.fatal]),
  });
  return { ...out, ...(header ? { header } : {}) };
}

async function chunked(path: string, size: number): Promise<Read> {
  const out: Read = { records: [], defects: [] };
  let layout: CsvLayout | undefined;
  for await (const chunk of readCsvChunks(path, size, (l) => (layout = l))) {
    let fatal = false;
    chunkRecords(
      chunk,
      layout as CsvLayout,
      (fields, line) => out.records.push([line, fields]),
      (d) => {
        out.defects.push([d.line, d.kind, d.fatal]);
        fatal ||= d.fatal;
      },
    );
    if (fatal) break;
  }
  return { ...out, ...(layout?.header ? { header: layout.header } : {}) };
}

const cases: Record<string, string | Buffer> = {
  plain: 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n',
  'no final newline': 'a,b\n1,2\n3,4',
  crlf: 'a,b\r\n1,2\r\n3,4\r\n\r\n5,6\r\n',
  'old mac': 'a,b\r1,2\r3,4\r',
  bom: '\ufeffa,b\n1,2\n',
  'quoted newlines and commas': 'a,b\n"x\ny",1\n"p,""q""\n\nr",2\n3,"z"\n',
  'blank lines and ragged rows': 'a,b\n\n1,2,3\n\n4\n5,6\n',
  'a quote inside a field': 'a,b\n1,x"y\n2,3\n',
  'unclosed quote': 'a,b\n1,2\n"3,4\n5,6\n',
  'NUL byte': Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0]), Buffer.from('\n5,6\n')]),
  'invalid UTF-8': Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]),
  'only a header': 'a,b\n',
  empty: '',
};

describe('readCsvChunks + chunkRecords', () => {
  it.each(Object.entries(cases))('read %s exactly as one parser over the whole file', async (name, text) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.csv`);
    writeFileSync(path, text);
    const expected = await whole(path);
    // Chunks of 1, 2, 5 … bytes cut the file everywhere a record may end.
    for (const size of [1, 2, 5, 7, 64, 1 << 20]) expect(await chunked(path, size)).toEqual(expected);
  });

  it('cuts a large file into chunks of about the asked size, records whole', async () => {
    const path = join(dir, 'large.csv');
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},"q ${i}\nnext",${i * 2}`);
    writeFileSync(path, `a,b,c\n${rows.join('\n')}\n`);
    const sizes: number[] = [];
    let layout: CsvLayout | undefined;
    let records = 0;
    for await (const chunk of readCsvChunks(path, 8192, (l) => (layout = l))) {
      sizes.push(chunk.bytes.length);
      chunkRecords(
        chunk,
        layout as CsvLayout,
        (fields, line) => {
          expect(fields[0]).toBe(String(records++));
          expect(line).toBe(2 * records + 1);
        },
        (d) => {
          throw new Error(d.message);
        },
      );
    }
    expect(records).toBe(5000);
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * 8192);
  });
});
