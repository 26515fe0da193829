import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';

// mlctl explain as users run it (the built CLI, so its worker threads run too): the SHAP values add up
// to what predict says, every model kind, and the output does not depend on the thread count.
const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
const cwd = tempDir();

/** A seeded table with text categories, empty and "NA" cells, and a numeric target. */
function mixedTable(rows: number, seed: number): string {
  let s = seed;
  const r = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const colours = ['red', 'green', 'blue', 'plain white'];
  const lines = ['size,colour,weight,shop,price'];
  for (let i = 0; i < rows; i++) {
    const size = (r() * 10).toFixed(3);
    const colour = colours[Math.floor(r() * 4)] as string;
    const weight = r() < 0.15 ? (r() < 0.5 ? '' : 'NA') : (r() * 5).toFixed(2);
    const shop = r() < 0.1 ? '' : r() < 0.5 ? 'north' : 'south';
    const price =
      Number(size) * 2 +
      (colour === 'blue' ? 5 : 0) +
      (weight === '' || weight === 'NA' ? 3 : Number(weight)) +
      r();
    lines.push(`${size},"${colour}",${weight},${shop},${price.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

function csvRows(text: string): Array<Record<string, string>> {
  const [header, ...rows] = text.trim().split('\n');
  const names = (header as string).split(',');
  return rows.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i] as string, v])));
}

beforeAll(async () => {
  writeFileSync(join(cwd, 'mixed.csv'), mixedTable(3000, 7));
  const trained = await Promise.all([
    spawnCli(['train', '--data', IRIS, '--output', 'iris-model', '--n-estimators', '20'], { cwd }),
    spawnCli(
      // Shallow trees keep SHAP on 3,000 rows quick (it visits every node of every tree for each row).
      [
        'train',
        '--data',
        'mixed.csv',
        '--target',
        'price',
        '--na-values',
        'NA',
        '--output',
        'mixed-model',
      ].concat(['--max-depth', '7', '--min-samples-leaf', '5']),
      { cwd, env: { MODEL_N_ESTIMATORS: '10' } },
    ),
  ]);
  for (const r of trained) expect(r.code).toBe(0);
}, 60_000);

describe('mlctl explain (built CLI)', () => {
  it('explains the predicted class: expected_value + Σ shap = its probability, to 1e-9', async () => {
    const [explained, predicted] = await Promise.all([
      spawnCli(['explain', '--model', 'iris-model', '--data', IRIS], { cwd }),
      spawnCli(['predict', '--model', 'iris-model', '--data', IRIS, '--proba'], { cwd }),
    ]);
    expect(explained.code).toBe(0);
    const rows = csvRows(explained.stdout);
    const probabilities = csvRows(predicted.stdout);
    expect(rows).toHaveLength(150);
    rows.forEach((row, i) => {
      const p = probabilities[i] as Record<string, string>;
      expect(row.prediction).toBe(p.prediction);
      expect(Number(row.probability)).toBe(Number(p[`proba_${row.prediction}`]));
      const sum = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].reduce(
        (a, f) => a + Number(row[`shap_${f}`]),
        Number(row.expected_value),
      );
      expect(Math.abs(sum - Number(row.probability))).toBeLessThan(1e-9);
    });
    // Petal measurements carry iris: they get most of the credit.
    const mean = (f: string): number =>
      rows.reduce((a, r) => a + Math.abs(Number(r[`shap_${f}`])), 0) / rows.length;
    expect(mean('petal_length') + mean('petal_width')).toBeGreaterThan(
      mean('sepal_length') + mean('sepal_width'),
    );
  });

  it('explains every class with --all-classes, as JSON lines', async () => {
    const r = await spawnCli(
      ['explain', '--model', 'iris-model', '--data', IRIS, '--all-classes', '--output', 'all.jsonl'],
      { cwd },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote SHAP values of 150 rows to all\.jsonl \(jsonl/);
    const docs = readFileSync(join(cwd, 'all.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(docs).toHaveLength(150);
    for (const doc of docs) {
      expect(Object.keys(doc.shap_values)).toEqual(['0', '1', '2']);
      let total = 0;
      for (const c of ['0', '1', '2']) {
        const values = Object.values(doc.shap_values[c] as Record<string, number>);
        const sum = values.reduce((a, v) => a + v, doc.expected_value[c] as number);
        expect(Math.abs(sum - doc.probabilities[c])).toBeLessThan(1e-9);
        total += doc.probabilities[c];
      }
      expect(total).toBeCloseTo(1, 12);
      expect(doc.features.petal_length).toEqual(expect.any(Number));
    }
  });

  it('explains a regression model with categories and missing values, on any thread count', async () => {
    const args = ['explain', '--model', 'mixed-model', '--data', 'mixed.csv'];
    const [one, three, predicted] = await Promise.all([
      spawnCli([...args, '--threads', '1', '--output', 'one.csv'], { cwd }),
      spawnCli([...args, '--threads', '3', '--output', 'three.csv'], { cwd }),
      spawnCli(['predict', '--model', 'mixed-model', '--data', 'mixed.csv'], { cwd }),
    ]);
    expect([one.code, three.code, predicted.code]).toEqual([0, 0, 0]);
    expect(three.stdout).toMatch(
      /^Wrote SHAP values of 3000 rows to three\.csv \(csv, 3 threads; expected value \d/,
    );
    const text = readFileSync(join(cwd, 'one.csv'), 'utf8');
    // The input spans several chunks: threads split it, and the bytes are the same.
    expect(readFileSync(join(cwd, 'mixed.csv')).length).toBeGreaterThan(64 * 1024);
    expect(readFileSync(join(cwd, 'three.csv'), 'utf8')).toBe(text);
    const rows = csvRows(text);
    const values = csvRows(predicted.stdout);
    rows.forEach((row, i) => {
      expect(row.prediction).toBe(values[i]?.prediction);
      const sum = ['size', 'colour', 'weight', 'shop'].reduce(
        (a, f) => a + Number(row[`shap_${f}`]),
        Number(row.expected_value),
      );
      expect(Math.abs(sum - Number(row.prediction))).toBeLessThan(1e-9);
    });
    // Rows with a missing weight get credit through the trees' missing side, not nothing.
    expect(rows.some((r) => (r.weight === 'NA' || r.weight === '') && Number(r.shap_weight) !== 0)).toBe(
      true,
    );
  });

  it('refuses --all-classes for regression, and bad rows, leaving no output', async () => {
    const all = await spawnCli(
      ['explain', '--model', 'mixed-model', '--data', 'mixed.csv', '--all-classes'],
      {
        cwd,
      },
    );
    expect(all.code).toBe(2);
    expect(all.stderr).toContain('--all-classes: a regression model has one output');
    writeFileSync(
      join(cwd, 'bad.csv'),
      'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5,x,1,1\n',
    );
    const bad = await spawnCli(
      ['explain', '--model', 'iris-model', '--data', 'bad.csv', '--output', 'bad-out.csv'],
      {
        cwd,
      },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 3: sepal_width = "x" is not a number');
    expect(existsSync(join(cwd, 'bad-out.csv'))).toBe(false);
  });
});

describe('mlctl predict on every core', () => {
  it('writes the same bytes with one thread and with three', async () => {
    // ~1.5 MB: two chunks at least.
    const lines = ['sepal_length,sepal_width,petal_length,petal_width'];
    for (let i = 0; i < 40_000; i++)
      lines.push(`${4 + (i % 37) / 10},${2 + (i % 23) / 10},${1 + (i % 59) / 10},${(i % 25) / 10}`);
    writeFileSync(join(cwd, 'many.csv'), `${lines.join('\n')}\n`);
    const args = ['predict', '--model', 'iris-model', '--data', 'many.csv', '--proba'];
    const [one, three] = await Promise.all([
      spawnCli([...args, '--threads', '1', '--output', 'p1.csv'], { cwd }),
      spawnCli([...args, '--threads', '3', '--output', 'p3.csv'], { cwd }),
    ]);
    expect([one.code, three.code]).toEqual([0, 0]);
    const text = readFileSync(join(cwd, 'p1.csv'), 'utf8');
    expect(text.split('\n')).toHaveLength(40_002);
    expect(readFileSync(join(cwd, 'p3.csv'), 'utf8')).toBe(text);
  });
});

describe('mlctl predict echoes its input', () => {
  it('keeps every input record as CSV has it: CRLF, padded and quoted fields, no final line end', async () => {
    // ~1.3 MB: two chunks, the second with quotes (read by csv-parse), the first without.
    const records = ['sepal_length,sepal_width,petal_length,petal_width'];
    for (let i = 0; i < 80_000; i++) {
      const a = `${4 + (i % 37) / 10}`;
      const b = i % 997 === 0 ? ` ${2 + (i % 23) / 10}` : `${2 + (i % 23) / 10}`;
      const c = i === 78_000 ? `"${1 + (i % 59) / 10}"` : `${1 + (i % 59) / 10}`;
      records.push(`${a},${b},${c},${(i % 25) / 10}${i % 1500 === 0 ? ' ' : ''}`);
    }
    writeFileSync(join(cwd, 'crlf.csv'), records.join('\r\n'));
    const args = ['predict', '--model', 'iris-model', '--data', 'crlf.csv'];
    const [one, three] = await Promise.all([
      spawnCli([...args, '--threads', '1', '--output', 'e1.csv'], { cwd }),
      spawnCli([...args, '--threads', '3', '--output', 'e3.csv'], { cwd }),
    ]);
    expect([one.code, three.code]).toEqual([0, 0]);
    const text = readFileSync(join(cwd, 'e1.csv'), 'utf8');
    expect(readFileSync(join(cwd, 'e3.csv'), 'utf8')).toBe(text);
    const lines = text.split('\n');
    expect(lines).toHaveLength(80_002);
    const quote = (f: string): string => (f.trim() === f ? f : `"${f}"`);
    for (let i = 1; i <= 80_000; i++) {
      const input = (records[i] as string).replaceAll('"', '').split(',').map(quote).join(',');
      expect((lines[i] as string).slice(0, input.length + 1)).toBe(`${input},`);
    }
  });
});
