import { PROFILE_FORMAT } from './profile';
import type { RunLayout } from '../values/runs';
import type { NumberStats, ReferenceColumn, ReferenceProfile } from './profile';

const MAGIC = Buffer.from('MLCTL-DRIFT-PROFILE\n');

interface ColumnHead {
  name: string;
  rows: number;
  missing: number;
  numbers: {
    count: number;
    min: number | null;
    max: number | null;
    integerText: boolean;
    layout: RunLayout;
    length: number;
  };
  texts: { entries: Array<[string, number]>; total: number; overflow: boolean };
  numberStats: NumberStats | null;
}

interface Head {
  format: number;
  sha256: string;
  rows: number;
  header: readonly string[];
  columns: ColumnHead[];
}

/**
 * A profile as bytes: a magic line, the length of a JSON head (counts, texts, statistics), the head, then
 * every column's sorted numbers (as pairs of value and count, or as values) in native-endian float64,
 * 8-byte aligned.
 */
export function encodeProfile(profile: ReferenceProfile): Buffer {
  const arrays: Float64Array[] = [];
  const columns: ColumnHead[] = [...profile.columns.values()].map((c) => {
    const run = c.numbers.runs[0];
    const data = run?.kind === 'memory' ? run.data : new Float64Array(0);
    arrays.push(data);
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      name: c.name,
      rows: c.rows,
      missing: c.missing,
      numbers: {
        count: c.numbers.count,
        min: finite(c.numbers.min),
        max: finite(c.numbers.max),
        integerText: c.numbers.integerText,
        layout: run?.layout ?? 'values',
        length: data.length,
      },
      texts: { entries: [...c.texts.counts], total: c.texts.total, overflow: c.texts.overflow },
      numberStats: c.numberStats,
    };
  });
  const head: Head = {
    format: PROFILE_FORMAT,
    sha256: profile.sha256,
    rows: profile.rows,
    header: profile.header,
    columns,
  };
  const json = Buffer.from(JSON.stringify(head), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const before = MAGIC.length + 4 + json.length;
  const padding = Buffer.alloc((8 - (before % 8)) % 8);
  return Buffer.concat([
    MAGIC,
    length,
    json,
    padding,
    ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
  ]);
}

/** The profile in `bytes`, or undefined when they are not a profile of this format for this sha256. */
export function decodeProfile(bytes: Buffer, sha256: string): ReferenceProfile | undefined {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  let head: Head;
  try {
    head = JSON.parse(bytes.toString('utf8', start, start + length)) as Head;
  } catch {
    return undefined;
  }
  if (head.format !== PROFILE_FORMAT || head.sha256 !== sha256) return undefined;
  let at = start + length;
  at += (8 - (at % 8)) % 8;
  const columns = new Map<string, ReferenceColumn>();
  for (const c of head.columns) {
    const { layout, length } = c.numbers;
    if ((layout !== 'pairs' && layout !== 'values') || !Number.isSafeInteger(length) || length < 0)
      return undefined;
    const size = length * 8;
    if (at + size > bytes.length) return undefined;
    // A copy, aligned for Float64Array whatever the Buffer's offset in its pool.
    const data = new Float64Array(c.numbers.length);
    new Uint8Array(data.buffer).set(bytes.subarray(at, at + size));
    at += size;
    columns.set(c.name, {
      name: c.name,
      rows: c.rows,
      missing: c.missing,
      numbers: {
        runs: data.length ? [{ kind: 'memory', layout: c.numbers.layout, data }] : [],
        count: c.numbers.count,
        min: c.numbers.min ?? Number.POSITIVE_INFINITY,
        max: c.numbers.max ?? Number.NEGATIVE_INFINITY,
        integerText: c.numbers.integerText,
      },
      texts: { counts: new Map(c.texts.entries), total: c.texts.total, overflow: c.texts.overflow },
      numberStats: c.numberStats,
    });
  }
  if (at !== bytes.length) return undefined;
  return { format: head.format, sha256: head.sha256, rows: head.rows, header: head.header, columns };
}
