import type { CsvChunk } from '../../batch/csv-chunks';
import type { ChunkScorer } from '../../batch/pool';
import { chunkResultOf, encoderOf, readRows } from '../../batch/rows-block';
import type { RowsSpec } from '../../batch/rows-block';
import type { BatchChunkResult } from '../../batch/run-batch';
import { Predictor } from '../../forest/predictor';
import type { SharedPredictor } from '../../forest/predictor';
import { RowExplainer } from '../../forest/shap-rows';
import { explainCsvLine, explainJsonLine } from './lines';
import type { ExplainShape } from './lines';

/** Everything a thread needs to explain chunks for `mlctl explain` (plain, cloneable data). */
export interface ExplainJob extends RowsSpec {
  predictor: SharedPredictor;
  format: 'csv' | 'jsonl';
  allClasses: boolean;
}

/** One chunk's explanations: its text and what every batch result carries. */
export type ExplainChunkResult = BatchChunkResult;

/** The chunk scorer of `mlctl explain` (batch-worker.ts loads this module by name). */
export function createChunkScorer(job: ExplainJob): ChunkScorer<ExplainChunkResult> {
  const predictor = new Predictor(job.predictor);
  const explainer = new RowExplainer(predictor, job.allClasses);
  const encoder = encoderOf(job);
  const K = predictor.nOutputs;
  const d = job.index.length;
  const shape: ExplainShape = {
    task: predictor.task,
    classes: predictor.classes,
    features: predictor.features,
    allClasses: job.allClasses,
    categorical: job.features.map((f) => f.type === 'categorical'),
    naValues: new Set(job.naValues),
  };
  return {
    score(chunk: CsvChunk): ExplainChunkResult {
      const read = readRows(chunk, job, encoder);
      const result: ExplainChunkResult = chunkResultOf(read);
      if (read.problemCount > 0) return result;
      const n = read.records.length;
      const outputs = predictor.predictRows(read.block, n);
      const lines: string[] = new Array(n);
      for (let k = 0; k < n; k++) {
        const row = read.block.subarray(k * d, k * d + d);
        const e = explainer.explain(row, outputs.slice(k * K, k * K + K));
        const fields = read.records[k] as string[];
        lines[k] =
          job.format === 'csv'
            ? explainCsvLine(fields, e, shape)
            : explainJsonLine(
                job.index.map((at) => fields[at] as string),
                row,
                e,
                shape,
              );
      }
      result.rows = n;
      result.text = n > 0 ? `${lines.join('\n')}\n` : '';
      return result;
    },
  };
}
