import { FeedbackTracker } from './feedback';

describe('FeedbackTracker', () => {
  it('remembers the most recent requests and forgets the oldest first', () => {
    const t = new FeedbackTracker({ maxRequests: 3, window: 10 });
    for (const id of ['a', 'b', 'c', 'd']) t.remember(id, '1', [0]);
    expect(t.lookup('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => t.lookup(id)?.predictions)).toEqual([['0'], ['0'], ['0']]);
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
      { version: '2', predictions: ['1'] },
      { version: '1', predictions: ['setosa'] },
    ]);
    t.remember('c', '2', [0]); // reuses the first slot, whose id has moved on
    expect(t.lookup('a')).toEqual({ version: '2', predictions: ['1'] });
  });
});
