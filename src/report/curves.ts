/** A curve as parallel x and y arrays, and the area or score that sums it up. */
export interface Curve {
  x: number[];
  y: number[];
  /** ROC: the AUC; precision-recall: the average precision. */
  score: number;
}

/** Points kept per curve: enough to draw it, few enough to keep the page small. */
const MAX_POINTS = 200;

/**
 * Positives and negatives above each distinct score, from the highest score down (ties together, as
 * scikit-learn's roc_curve and precision_recall_curve group them).
 */
function thresholds(positive: ArrayLike<boolean>, scores: ArrayLike<number>): Array<[number, number]> {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  const out: Array<[number, number]> = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (positive[i]) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) out.push([tp, fp]);
  }
  return out;
}

/** The ROC curve of `scores` for the positive rows, from (0, 0) to (1, 1); null without both kinds. */
export function rocCurve(positive: ArrayLike<boolean>, scores: ArrayLike<number>): Curve | null {
  const steps = thresholds(positive, scores);
  const last = steps[steps.length - 1];
  if (!last || last[0] === 0 || last[1] === 0) return null;
  const [P, N] = last;
  const x = [0];
  const y = [0];
  let auc = 0;
  for (const [tp, fp] of steps) {
    const fpr = fp / N;
    const tpr = tp / P;
    auc += ((fpr - (x[x.length - 1] as number)) * (tpr + (y[y.length - 1] as number))) / 2;
    x.push(fpr);
    y.push(tpr);
  }
  return { ...thin(x, y), score: auc };
}

/** The precision-recall curve and the average precision (scikit-learn's step-wise sum). */
export function prCurve(positive: ArrayLike<boolean>, scores: ArrayLike<number>): Curve | null {
  const steps = thresholds(positive, scores);
  const P = steps[steps.length - 1]?.[0] ?? 0;
  if (P === 0) return null;
  const x: number[] = [0];
  const y: number[] = [1];
  let ap = 0;
  let lastRecall = 0;
  for (const [tp, fp] of steps) {
    const recall = tp / P;
    const precision = tp / (tp + fp);
    ap += (recall - lastRecall) * precision;
    lastRecall = recall;
    x.push(recall);
    y.push(precision);
  }
  return { ...thin(x, y), score: ap };
}

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  /** Mean predicted probability of the bin's rows. */
  predicted: number;
  /** Share of them that were positive. */
  observed: number;
  count: number;
}

/** Ten equal-width bins of predicted probability (scikit-learn's calibration_curve, strategy uniform). */
export function calibration(
  positive: ArrayLike<boolean>,
  scores: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  const sum = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    const b = Math.min(bins - 1, Math.floor(s * bins));
    sum[b] = (sum[b] as number) + s;
    count[b] = (count[b] as number) + 1;
    if (positive[i]) hits[b] = (hits[b] as number) + 1;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b] as number;
    if (n > 0) out.push({ predicted: (sum[b] as number) / n, observed: (hits[b] as number) / n, count: n });
  }
  return out;
}

/** At most MAX_POINTS points, the first and last kept. */
function thin(x: number[], y: number[]): { x: number[]; y: number[] } {
  if (x.length <= MAX_POINTS) return { x, y };
  const step = (x.length - 1) / (MAX_POINTS - 1);
  const keep = Array.from({ length: MAX_POINTS }, (_, i) => Math.round(i * step));
  return { x: keep.map((i) => x[i] as number), y: keep.map((i) => y[i] as number) };
}
