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
