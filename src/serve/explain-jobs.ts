import { Predictor } from '../forest/predictor';
import type { SharedPredictor } from '../forest/predictor';
import { RowExplainer, saabasExplanation } from '../forest/shap-rows';
import type { ExplainMethod, RowExplanation } from '../forest/shap-rows';

/** One /explain request's rows, as posted to the explanation thread (plain data; the forest is shared). */
export interface ExplainJob {
  id: number;
  /** Names the forest: one key, one forest, so the thread keeps its explainers by it. */
  model: number;
  forest: SharedPredictor;
  /** `n` rows, one after another, each as the forest takes it (numbers, category codes, NaN). */
  rows: Float64Array;
  n: number;
  allClasses: boolean;
  method: ExplainMethod;
}

/**
 * The explanations of a job's rows, flat (transferred back, not copied): row k's outputs at `k·K`, its
 * expected values at `k·O` and its values at `k·d·O`, O the outputs explained (1, or every class).
 */
export interface ExplainedRows {
  /** Per row, the predicted class's index (0 for regression). */
  predicted: Int32Array;
  outputs: Float64Array;
  expected: Float64Array;
  values: Float64Array;
}

/** The thread's answer to a job: its explanations, or why it failed. */
export type ExplainReply = { id: number; result: ExplainedRows } | { id: number; error: string };

interface CachedForest {
  predictor: Predictor;
  /** TreeSHAP explainers, for the predicted class [0] or every class [1], made at first use. */
  shap: Array<RowExplainer | undefined>;
}

/**
 * The explanation thread's work: each job's rows explained with its forest, exactly as a single-threaded
 * explain would (the same RowExplainer and Saabas code). A forest's predictor and explainers are built
 * once and kept for the `keep` forests used last (a hot swap brings a new one; the one before may still
 * have requests in the queue), older ones dropped.
 */
export class ExplainRunner {
  private readonly forests = new Map<number, CachedForest>();

  constructor(private readonly keep = 2) {}

  run(job: ExplainJob): ExplainedRows {
    const forest = this.forest(job);
    const { predictor } = forest;
    const d = predictor.features.length;
    const K = predictor.nOutputs;
    const O = job.allClasses && predictor.task !== 'regression' ? K : 1;
    const out: ExplainedRows = {
      predicted: new Int32Array(job.n),
      outputs: new Float64Array(job.n * K),
      expected: new Float64Array(job.n * O),
      values: new Float64Array(job.n * d * O),
    };
    const explainer =
      job.method === 'saabas'
        ? undefined
        : (forest.shap[job.allClasses ? 1 : 0] ??= new RowExplainer(predictor, job.allClasses));
    for (let k = 0; k < job.n; k++) {
      const row = job.rows.subarray(k * d, k * d + d);
      const e: RowExplanation = explainer
        ? explainer.explain(row)
        : saabasExplanation(predictor, row, job.allClasses);
      out.predicted[k] = e.predicted;
      out.outputs.set(e.outputs, k * K);
      out.expected.set(e.expected, k * O);
      out.values.set(e.shap, k * d * O);
    }
    return out;
  }

  /** The forest of a job, from the cache (moved to the most recent) or built from its shared memory. */
  private forest(job: ExplainJob): CachedForest {
    let forest = this.forests.get(job.model);
    if (forest === undefined) forest = { predictor: new Predictor(job.forest), shap: [] };
    else this.forests.delete(job.model);
    this.forests.set(job.model, forest);
    for (const key of this.forests.keys()) {
      if (this.forests.size <= this.keep) break;
      this.forests.delete(key);
    }
    return forest;
  }

  /** How many forests are kept now (for tests). */
  get size(): number {
    return this.forests.size;
  }
}
