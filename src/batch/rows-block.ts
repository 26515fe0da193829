import type { CsvDefect } from '../data/csv';
import { RowEncoder } from '../data/row-encoder';
import type { EncodedFeature } from '../data/row-encoder';
import type { Predictor } from '../forest/predictor';
import { chunkRecords } from './chunk-records';
import type { CsvChunk, CsvLayout } from './csv-chunks';

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
  records: string[][];
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
 * the chunk is only checked.
 */
export function readRows(chunk: CsvChunk, spec: RowsSpec, encoder: RowEncoder): RowsBlock {
  const d = spec.index.length;
  const records: string[][] = [];
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
        records.push(fields);
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

/**
 * The outputs of `n` rows held row after row in `block`, K per row: the sums of `Predictor.predictInto`,
 * tree after tree in the same order, so to the last bit; walking a block through one tree at a time
 * keeps the tree in cache.
 */
export function predictBlock(predictor: Predictor, block: Float64Array, n: number): Float64Array {
  const { compiled } = predictor;
  const { roots, out: values, K } = compiled;
  const out = new Float64Array(n * K);
  const leaves = new Int32Array(n);
  for (let t = 0; t < roots.length; t++) {
    compiled.leaves(block, roots[t] as number, n, leaves);
    for (let k = 0; k < n; k++) {
      const leaf = (leaves[k] as number) * K;
      const at = k * K;
      for (let c = 0; c < K; c++) out[at + c] = (out[at + c] as number) + (values[leaf + c] as number);
    }
  }
  for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / roots.length;
  return out;
}
