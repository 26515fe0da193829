import { classificationMetrics, probabilityMetrics, regressionMetrics } from './metrics';

describe('classificationMetrics', () => {
  it('matches a hand-computed confusion matrix and per-class scores', () => {
    // truth:     a a a a b b b c c c
    // predicted: a a b c b b a c c b
    const truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const predicted = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];
    const m = classificationMetrics(truth, predicted, ['a', 'b', 'c']);
    expect(m.confusion_matrix).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 1, 2],
    ]);
    expect(m.accuracy).toBeCloseTo(0.6, 12);
    // a: tp 2, predicted 3, support 4 → P 2/3, R 1/2, F1 = 4/7
    expect(m.per_class.a).toEqual({ precision: 2 / 3, recall: 0.5, f1: 4 / 7, support: 4 });
    // b: tp 2, predicted 4, support 3 → P 1/2, R 2/3, F1 = 4/7
    expect(m.per_class.b?.f1).toBeCloseTo(4 / 7, 12);
    // c: tp 2, predicted 3, support 3 → 2/3 each
    expect(m.per_class.c?.precision).toBeCloseTo(2 / 3, 12);
    expect(m.f1_macro).toBeCloseTo((4 / 7 + 4 / 7 + 2 / 3) / 3, 12);
  });

  it('scores 0 where a ratio has no denominator, and averages F1 over the classes that occur', () => {
    const m = classificationMetrics([0, 0, 1], [0, 0, 0], [0, 1, 2]);
    expect(m.per_class['1']).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.per_class['2']).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    // class 0: P 2/3, R 1 → F1 0.8; class 1: 0; class 2 never occurs and is left out.
    expect(m.f1_macro).toBeCloseTo(0.4, 12);
  });
});

describe('probability and regression metrics', () => {
  // Expected values are scikit-learn 1.9.1's (log_loss, roc_auc_score multi_class="ovr",
  // balanced_accuracy_score, r2_score, root_mean_squared_error, mean_absolute_error) for these arrays.
  it('match scikit-learn on three classes', () => {
    const y = [0, 0, 1, 2, 2, 1, 0, 2, 1, 1];
    const p = Float64Array.from(
      [
        [0.7, 0.2, 0.1],
        [0.5, 0.5, 0],
        [0.2, 0.6, 0.2],
        [0.1, 0.1, 0.8],
        [0.3, 0.3, 0.4],
        [0.25, 0.5, 0.25],
        [1, 0, 0],
        [0.2, 0.5, 0.3],
        [0.1, 0.8, 0.1],
        [0.4, 0.3, 0.3],
      ].flat(),
    );
    const m = probabilityMetrics(y, p, 3);
    expect(m.log_loss).toBeCloseTo(0.602431837197906, 14);
    expect(m.roc_auc).toBeCloseTo(0.9434523809523808, 14);
    expect(m.balanced_accuracy).toBeCloseTo(0.8055555555555555, 14);
  });

  it('match scikit-learn on two classes (a probability of exactly 1 clipped), and AUC needs both classes', () => {
    const y = [0, 1, 1, 0, 1, 0, 1, 1];
    const p1 = [0.2, 0.7, 0.7, 0.3, 0.9, 0.7, 0.4, 1.0];
    const m = probabilityMetrics(y, Float64Array.from(p1.flatMap((q) => [1 - q, q])), 2);
    expect(m.log_loss).toBeCloseTo(0.43984905437354055, 14);
    expect(m.roc_auc).toBeCloseTo(0.8666666666666667, 14);
    expect(m.balanced_accuracy).toBeCloseTo(0.7333333333333334, 14);
    expect(probabilityMetrics([1, 1], Float64Array.from([0.2, 0.8, 0.6, 0.4]), 2).roc_auc).toBeNull();
  });

  it('r2, rmse and mae match scikit-learn; a constant truth scores r2 1 only when hit exactly', () => {
    const m = regressionMetrics([3, -0.5, 2, 7, 4.25], [2.5, 0, 2, 8, 4]);
    expect(m.r2).toBeCloseTo(0.9491042345276873, 14);
    expect(m.rmse).toBeCloseTo(0.5590169943749475, 14);
    expect(m.mae).toBeCloseTo(0.45, 14);
    expect(regressionMetrics([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionMetrics([2, 2], [2, 3]).r2).toBe(0);
  });
});
