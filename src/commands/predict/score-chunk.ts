import type { CsvChunk } from '../../batch/csv-chunks';
import type { ChunkScorer } from '../../batch/pool';
import { chunkResultOf, encoderOf, readRows } from '../../batch/rows-block';
import type { RowsSpec } from '../../batch/rows-block';
import type { BatchChunkResult } from '../../batch/run-batch';
import { Predictor, argmax } from '../../forest/predictor';
import type { SharedPredictor } from '../../forest/predictor';
import { csvLine, echoes, jsonLine } from './lines';
import type { LineShape } from './lines';

/** Everything a thread needs to score chunks for `mlctl predict` (plain, cloneable data). */
export interface PredictJob extends RowsSpec {
  predictor: SharedPredictor;
  format: 'csv' | 'jsonl';
  proba: boolean;
}

/** One chunk's predictions and what the summary needs of them. */
export interface PredictChunkResult extends BatchChunkResult {
  /** Classification: predictions per class. */
  counts: number[];
  /** Regression: smallest, largest and sum of the predictions. */
  min: number;
  max: number;
  sum: number;
}

/** The chunk scorer of `mlctl predict` (batch-worker.ts loads this module by name). */
export function createChunkScorer(job: PredictJob): ChunkScorer<PredictChunkResult> {
  const predictor = new Predictor(job.predictor);
  const encoder = encoderOf(job);
  const { classes, nOutputs: K } = predictor;
  const regression = predictor.task === 'regression';
  const d = job.index.length;
  const shape: LineShape = {
    proba: job.proba,
    classes,
    features: predictor.features,
    categorical: job.features.map((f) => f.type === 'categorical'),
    naValues: new Set(job.naValues),
  };
  // A CSV line echoed as its text needs no fields; JSON lines take them.
  const keep = job.format === 'csv' ? (text: string | undefined) => !echoes(text) : undefined;
  return {
    score(chunk: CsvChunk): PredictChunkResult {
      const read = readRows(chunk, job, encoder, keep);
      const result: PredictChunkResult = {
        ...chunkResultOf(read),
        counts: new Array<number>(classes.length).fill(0),
        min: Infinity,
        max: -Infinity,
        sum: 0,
      };
      if (read.problemCount > 0) return result;
      const n = read.records.length;
      const outputs = predictor.predictRows(read.block, n);
      const lines: string[] = new Array(n);
      for (let k = 0; k < n; k++) {
        const p = outputs.subarray(k * K, k * K + K);
        const fields = read.records[k];
        let prediction: string | number;
        if (regression) {
          prediction = p[0] as number;
          result.min = Math.min(result.min, prediction);
          result.max = Math.max(result.max, prediction);
          result.sum += prediction;
        } else {
          const best = argmax(p);
          result.counts[best] = (result.counts[best] as number) + 1;
          prediction = classes[best] as string | number;
        }
        lines[k] =
          job.format === 'csv'
            ? csvLine(fields, read.texts[k], prediction, p, shape)
            : jsonLine(
                job.index.map((at) => (fields as string[])[at] as string),
                read.block.subarray(k * d, k * d + d),
                prediction,
                p,
                shape,
              );
      }
      result.rows = n;
      result.text = n > 0 ? `${lines.join('\n')}\n` : '';
      return result;
    },
  };
}
