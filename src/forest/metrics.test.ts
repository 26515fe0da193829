import { classificationMetrics } from './metrics';

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
