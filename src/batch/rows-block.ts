import type { CsvDefect } from '../data/csv';
import { RowEncoder } from '../data/row-encoder';
import type { EncodedFeature } from '../data/row-encoder';
import { chunkRecords } from './chunk-records';
import type { CsvChunk, CsvLayout } from './csv-chunks';
import type { BatchChunkResult } from './run-batch';

/** How a chunk's records become a predictor's rows: the columns and the encoding. */
export interface RowsSpec {
  layout: CsvLayout;
  /** Fields per record (the header's). */
  headerLength: number;
  /** Feature f is the field at `index[f]`. */
  index: number[];
  features: EncodedFeature[];
  naValues: string[];
}

/** Every problem is counted; the first ten are kept as text. */
export const MAX_PROBLEMS = 10;

/** A chunk's valid records, encoded row after row into `block` (d numbers a row), and its problems. */
export interface RowsBlock {
  /** Each valid record's fields; undefined where the caller's `keep` said they are not needed. */
  records: Array<string[] | undefined>;
  /** Each record's text as in the file, where its chunk has no quotes (chunk-records.ts). */
  texts: Array<string | undefined>;
  block: Float64Array;
  problems: string[];
  problemCount: number;
  /** A defect after which nothing of the file was read (binary content, an unclosed quote). */
  fatal: boolean;
  unknown: Record<string, number>;
}

/**
 * Reads one chunk's records and encodes them (row-encoder.ts: numbers, category codes, NaN for a
 * missing value). A record with the wrong number of fields, or a value that cannot be encoded, is a
 * problem with its line, in the words `mlctl predict` has always used; once there is one, the rest of
 * the chunk is only checked. `keep` says, from a record's text, whether its fields are wanted after
 * encoding (default: always): fields nobody reads are not held until the chunk is done.
 */
export function readRows(
  chunk: CsvChunk,
  spec: RowsSpec,
  encoder: RowEncoder,
  keep: (text: string | undefined) => boolean = () => true,
): RowsBlock {
  const d = spec.index.length;
  const records: Array<string[] | undefined> = [];
  const texts: Array<string | undefined> = [];
  let block = new Float64Array(d * 256);
  const problems: string[] = [];
  let problemCount = 0;
  let fatal = false;
  const problem = (text: string): void => {
    if (problemCount++ < MAX_PROBLEMS) problems.push(text);
  };
  const unknownBefore = { ...encoder.unknown };
  chunkRecords(
    chunk,
    spec.layout,
    (fields, line, text) => {
      if (fatal) return;
      if (fields.length !== spec.headerLength) {
        problem(`line ${line}: ${fields.length} fields, the header has ${spec.headerLength}`);
        return;
      }
      const at = records.length * d;
      if (at + d > block.length) {
        const grown = new Float64Array(block.length * 2);
        grown.set(block);
        block = grown;
      }
      let ok = true;
      for (let f = 0; f < d; f++) {
        const v = encoder.encode(f, fields[spec.index[f] as number] as string);
        if (typeof v === 'number') block[at + f] = v;
        else {
          ok = false;
          problem(`line ${line}: ${v.feature} = ${JSON.stringify(v.value)} ${v.message}`);
        }
      }
      if (ok && problemCount === 0) {
        records.push(keep(text) ? fields : undefined);
        texts.push(text);
      }
    },
    (defect: CsvDefect) => {
      if (fatal) return;
      problem(`line ${defect.line}: ${defect.message}`);
      fatal ||= defect.fatal;
    },
  );
  const unknown: Record<string, number> = {};
  for (const [name, n] of Object.entries(encoder.unknown)) {
    const added = n - (unknownBefore[name] ?? 0);
    if (added > 0) unknown[name] = added;
  }
  return {
    records,
    texts,
    block: block.subarray(0, records.length * d),
    problems,
    problemCount,
    fatal,
    unknown,
  };
}

/** A new encoder for the spec's features. */
export function encoderOf(spec: RowsSpec): RowEncoder {
  return new RowEncoder(spec.features, new Set(spec.naValues));
}

/** What every chunk result starts as: no text yet, and the read's problems and unknown categories. */
export function chunkResultOf(read: RowsBlock): BatchChunkResult {
  const { unknown, problems, problemCount, fatal } = read;
  return { text: '', rows: 0, unknown, problems, problemCount, fatal };
}
