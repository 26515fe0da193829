import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Rows a model was not trained on, from a CSV it was: every row, then each again with one cell emptied,
 * and with every number moved off the training values (×1.37) and every text a category never seen in
 * training (`NA` and empty cells stay missing). Three times the rows of `data`, written to `out`.
 */
export function writeAwkwardRows(data: string, out: string): void {
  const [header, ...rows] = readFileSync(data, 'utf8').trim().split('\n');
  const lines = [header as string];
  const moved = (c: string): string =>
    /^[\d.-]+$/.test(c) ? String(Number(c) * 1.37) : c === '' || c === 'NA' ? c : `${c}x`;
  rows.forEach((line, i) => {
    const cells = line.split(',');
    lines.push(line);
    lines.push(cells.map((c, j) => (j === i % cells.length ? '' : c)).join(','));
    lines.push(cells.map(moved).join(','));
  });
  writeFileSync(out, `${lines.join('\n')}\n`);
}
