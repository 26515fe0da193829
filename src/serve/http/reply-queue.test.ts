import { ReplyQueue } from './reply-queue';

const endOfRound = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ReplyQueue', () => {
  it('writes the replies of a round together when the round ends, in the order they came', async () => {
    const written: string[] = [];
    const queue = new ReplyQueue<string>(
      (r) => written.push(r),
      1,
      () => 0,
    );
    queue.add('a');
    queue.add('b');
    queue.add('c');
    expect(written).toEqual([]);
    expect(queue.size).toBe(3);
    await endOfRound();
    expect(written).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
    // The next round is scheduled again.
    queue.add('d');
    expect(written).toEqual(['a', 'b', 'c']);
    await endOfRound();
    expect(written).toEqual(['a', 'b', 'c', 'd']);
  });

  it('writes everything at once when the oldest reply has waited maxWaitMs', async () => {
    const written: string[] = [];
    let now = 100;
    const queue = new ReplyQueue<string>(
      (r) => written.push(r),
      1,
      () => now,
    );
    queue.add('a');
    now = 100.6;
    queue.add('b');
    expect(written).toEqual([]);
    now = 101;
    queue.add('c');
    expect(written).toEqual(['a', 'b', 'c']);
    // A new batch starts its own wait from its first reply.
    now = 101.5;
    queue.add('d');
    now = 102.4;
    queue.add('e');
    expect(written).toEqual(['a', 'b', 'c']);
    await endOfRound();
    expect(written).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('writes each reply at once when maxWaitMs is 0', () => {
    const written: string[] = [];
    const queue = new ReplyQueue<string>(
      (r) => written.push(r),
      0,
      () => 5,
    );
    queue.add('a');
    expect(written).toEqual(['a']);
    queue.add('b');
    expect(written).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
  });

  it('flush() writes what waits now, and the end of the round then has nothing left to write', async () => {
    const written: string[] = [];
    const queue = new ReplyQueue<string>(
      (r) => written.push(r),
      1,
      () => 0,
    );
    queue.flush();
    queue.add('a');
    queue.add('b');
    queue.flush();
    expect(written).toEqual(['a', 'b']);
    await endOfRound();
    expect(written).toEqual(['a', 'b']);
  });
});
