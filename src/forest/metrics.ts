import type { ClassLabel } from './predictor';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Rows of this class in the evaluated set. */
  support: number;
}

/** Held-out classification metrics, as metrics.json stores them (docs/ARTIFACT.md). */
export interface ClassificationMetrics {
  accuracy: number;
  /** Unweighted mean of the per-class F1 over the classes that occur (truth or prediction). */
  f1_macro: number;
  classes: ClassLabel[];
  per_class: Record<string, ClassMetrics>;
  /** `confusion_matrix[true][predicted]`, in `classes` order. */
  confusion_matrix: number[][];
}

/**
 * Accuracy, per-class precision/recall/F1 and the confusion matrix from class indexes, with
 * scikit-learn's conventions: a ratio with a zero denominator is 0, macro F1 averages the classes that
 * appear in the truth or the predictions.
 */
export function classificationMetrics(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: readonly ClassLabel[],
): ClassificationMetrics {
  const K = classes.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const p = predicted[i] as number;
    (confusion[t] as number[])[p] = ((confusion[t] as number[])[p] as number) + 1;
    if (t === p) correct++;
  }
  const per_class: Record<string, ClassMetrics> = {};
  const f1s: number[] = [];
  for (let c = 0; c < K; c++) {
    const tp = (confusion[c] as number[])[c] as number;
    const support = (confusion[c] as number[]).reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + (row[c] as number), 0);
    const precision = ratio(tp, predictedCount);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * tp, support + predictedCount);
    per_class[String(classes[c])] = { precision, recall, f1, support };
    if (support > 0 || predictedCount > 0) f1s.push(f1);
  }
  return {
    accuracy: ratio(correct, truth.length),
    f1_macro: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    classes: [...classes],
    per_class,
    confusion_matrix: confusion,
  };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Probability metrics of classification, as scikit-learn computes them (docs/ARTIFACT.md). */
export interface ProbabilityMetrics {
  balanced_accuracy: number;
  log_loss: number;
  /** Binary AUC, or the macro one-vs-rest AUC; null when fewer than two classes occur in the truth. */
  roc_auc: number | null;
}

const EPS = 2 ** -52;

/** `proba` holds K probabilities per row, rows in `truth` order. */
export function probabilityMetrics(
  truth: ArrayLike<number>,
  proba: Float64Array,
  K: number,
): ProbabilityMetrics {
  const n = truth.length;
  let loss = 0;
  const support = new Float64Array(K);
  const hits = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const t = truth[i] as number;
    const p = Math.min(Math.max(proba[i * K + t] as number, EPS), 1 - EPS);
    loss -= Math.log(p);
    support[t] = (support[t] as number) + 1;
    let best = 0;
    for (let c = 1; c < K; c++) if ((proba[i * K + c] as number) > (proba[i * K + best] as number)) best = c;
    if (best === t) hits[t] = (hits[t] as number) + 1;
  }
  const present: number[] = [];
  for (let c = 0; c < K; c++) if ((support[c] as number) > 0) present.push(c);
  const recall = present.map((c) => (hits[c] as number) / (support[c] as number));
  let roc: number | null = null;
  if (present.length >= 2) {
    const classes = K === 2 ? [1] : present;
    const aucs = classes.map((c) => binaryAuc(truth, proba, K, c));
    roc = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  }
  return {
    balanced_accuracy: recall.reduce((a, b) => a + b, 0) / Math.max(1, recall.length),
    log_loss: n === 0 ? 0 : loss / n,
    roc_auc: roc,
  };
}

/** AUC of class c against the rest, scored by its probability: the Mann–Whitney U with tied ranks averaged. */
function binaryAuc(truth: ArrayLike<number>, proba: Float64Array, K: number, c: number): number {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (proba[a * K + c] as number) - (proba[b * K + c] as number),
  );
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    const v = proba[(order[i] as number) * K + c] as number;
    while (j < n && proba[(order[j] as number) * K + c] === v) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (truth[order[k] as number] === c) {
        positives++;
        rankSum += rank;
      }
    }
    i = j;
  }
  const negatives = n - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Regression metrics (scikit-learn's r2_score, root_mean_squared_error, mean_absolute_error). */
export interface RegressionMetrics {
  r2: number;
  rmse: number;
  mae: number;
}

export function regressionMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i] as number;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const e = (truth[i] as number) - (predicted[i] as number);
    ssRes += e * e;
    abs += Math.abs(e);
    ssTot += ((truth[i] as number) - mean) ** 2;
  }
  // scikit-learn's force_finite: a constant truth scores 1 when predicted exactly, else 0.
  const r2 = ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  return { r2, rmse: Math.sqrt(ssRes / n), mae: abs / n };
}
