import { FeedbackTracker } from './feedback';

describe('FeedbackTracker', () => {
  it('remembers the most recent requests and forgets the oldest first', () => {
    const t = new FeedbackTracker({ maxRequests: 3, window: 10 });
    for (const id of ['a', 'b', 'c', 'd']) t.remember(id, '1', [0]);
    expect(t.lookup('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => t.lookup(id)?.predictions)).toEqual([[0], [0], [0]]);
  });

  it('scores over a sliding window of the current version, reset when the version changes', () => {
    const t = new FeedbackTracker({ maxRequests: 10, window: 4 });
    t.score('1', [0, 1, 2], [0, 1, 1]);
    expect(t.accuracy('1')).toBeCloseTo(2 / 3);
    t.score('1', [0, 0], [0, 0]); // window 4: drops the first outcome (a hit)
    expect(t.accuracy('1')).toBeCloseTo(3 / 4);
    t.score('2', [1], [0]);
    expect([t.accuracy('1'), t.accuracy('2'), t.windowSize]).toEqual([undefined, 0, 1]);
  });

  it('evicts in order across many wraps of the ring', () => {
    const t = new FeedbackTracker({ maxRequests: 100_000, window: 10 });
    for (let i = 0; i < 300_000; i++) t.remember(`r${i}`, '1', [0]);
    expect(t.lookup('r199999')).toBeUndefined();
    expect(t.lookup('r200000')).toBeDefined();
  });

  it('keeps batches and one-row requests apart, and the newest request of a repeated id', () => {
    const t = new FeedbackTracker({ maxRequests: 3, window: 10 });
    t.remember('a', '1', [0, 'x', 2]);
    t.remember('b', '1', ['setosa']);
    t.remember('a', '2', [1]);
    expect([t.lookup('a'), t.lookup('b')]).toEqual([
      { version: '2', predictions: [1] },
      { version: '1', predictions: ['setosa'] },
    ]);
    t.remember('c', '2', [0]); // reuses the first slot, whose id has moved on
    expect(t.lookup('a')).toEqual({ version: '2', predictions: [1] });
  });

  it('keeps live RMSE and MAE of numeric labels over the window, reset with the version', () => {
    const t = new FeedbackTracker({ maxRequests: 10, window: 3 });
    t.scoreValues('1', [1, 2, 3], [2, 2, 5]); // errors 1, 0, 2
    expect(t.error('1')).toEqual({ rmse: Math.sqrt(5 / 3), mae: 1 });
    expect(t.accuracy('1')).toBeUndefined();
    t.scoreValues('1', [0], [-4]); // window 3: drops the first error, errors 0, 2, 4
    expect(t.error('1')!.rmse).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(t.error('1')!.mae).toBeCloseTo(2, 12);
    t.score('2', [0], [0]);
    expect([t.error('1'), t.error('2'), t.accuracy('2')]).toEqual([undefined, undefined, 1]);
  });

  it('adds the window up afresh as it goes: no drift from running sums over many wraps', () => {
    const t = new FeedbackTracker({ maxRequests: 10, window: 4 });
    for (let i = 0; i < 10_000; i++)
      t.scoreValues('1', [1e9 + i * 0.1], [1e9 + i * 0.1 + (i % 2 ? 0.5 : -0.5)]);
    expect(t.error('1')!.mae).toBeCloseTo(0.5, 6);
    expect(t.error('1')!.rmse).toBeCloseTo(0.5, 6);
  });
});
