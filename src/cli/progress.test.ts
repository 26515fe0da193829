import { PassThrough } from 'node:stream';
import { createProgressBar, formatProgress } from './progress';

describe('the training progress bar', () => {
  it('shows trees built, rows per second and the time left', () => {
    expect(formatProgress({ trees: 25, totalTrees: 100, rows: 40_000, elapsedMs: 2000 })).toBe(
      '[######..................] 25/100 trees · 500.0k rows/s · ETA 6s',
    );
    expect(formatProgress({ trees: 0, totalTrees: 10, rows: 5, elapsedMs: 0 })).toContain('ETA ?');
  });

  const capture = (tty: boolean): { stream: PassThrough; text: () => string } => {
    const stream = Object.assign(new PassThrough(), { isTTY: tty });
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    return { stream, text: () => text };
  };

  it('redraws one line in place on a terminal and clears it when done', () => {
    const { stream, text } = capture(true);
    const bar = createProgressBar(stream);
    bar.update({ trees: 1, totalTrees: 2, rows: 10, elapsedMs: 5 });
    bar.update({ trees: 2, totalTrees: 2, rows: 10, elapsedMs: 10 });
    bar.done();
    const clearLine = '\u001b[K';
    const frames = text().split('\r').slice(1);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatch(/^\[#{12}\.{12}\] 1\/2 trees /);
    expect(frames[1]).toMatch(/^\[#{24}\] 2\/2 trees /);
    expect(frames.every((f) => f.endsWith(clearLine))).toBe(true);
    expect(frames[2]).toBe(clearLine);
  });

  it('writes nothing when the stream is not a terminal (CI logs)', () => {
    const { stream, text } = capture(false);
    const bar = createProgressBar(stream);
    bar.update({ trees: 2, totalTrees: 2, rows: 10, elapsedMs: 10 });
    bar.done();
    expect(text()).toBe('');
  });
});
