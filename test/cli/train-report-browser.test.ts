import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnCli } from '../helpers/cli';
import { browse, findChromium } from '../helpers/chromium';
import { tempDir } from '../helpers/data';
import { describeIfAvailable } from '../helpers/requirement';

// The training report of a binary, a 10-class and a regression model, rendered by a real browser
// (headless chromium, scripts/ci/chromium.sh): every section is there and drawn, and a full-page
// screenshot is not blank. Skipped without chromium unless MLCTL_REQUIRE_CHROMIUM=1.
const chromium = findChromium();
const cwd = tempDir();
// Screenshots stay in MLCTL_REPORT_SHOTS when set (to look at them), else in the test's directory.
const shots = process.env.MLCTL_REPORT_SHOTS ?? cwd;

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Ten classes from 8 noisy features: each class a centre, some classes close to others. */
function tenClasses(rows: number): string {
  const r = seeded(3);
  const lines = [`${Array.from({ length: 8 }, (_, f) => `f${f}`).join(',')},digit`];
  for (let i = 0; i < rows; i++) {
    const c = i % 10;
    const x = Array.from({ length: 8 }, (_, f) => (((c * (f + 3)) % 7) + (r() - 0.5) * 4).toFixed(3));
    lines.push(`${x.join(',')},d${c}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A binary target with a text category and empty cells. */
function binary(rows: number): string {
  const r = seeded(5);
  const lines = ['age,plan,usage,churned'];
  for (let i = 0; i < rows; i++) {
    const age = Math.round(18 + r() * 60);
    const plan = ['basic', 'plus', 'pro'][Math.floor(r() * 3)] as string;
    const usage = r() < 0.1 ? '' : (r() * 100).toFixed(1);
    const risk =
      (plan === 'basic' ? 0.5 : 0) + (usage === '' ? 0.3 : (60 - Number(usage)) / 100) + (age < 30 ? 0.2 : 0);
    lines.push(`${age},${plan},${usage},${risk + (r() - 0.5) * 0.6 > 0.5 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

const MODELS = {
  binary: {
    file: 'churn.csv',
    data: binary(600),
    target: 'churned',
    sections: ['metrics', 'confusion', 'roc', 'pr', 'calibration', 'oob', 'importance', 'shap-summary'],
  },
  ten: {
    file: 'digits10.csv',
    data: tenClasses(1200),
    target: 'digit',
    sections: ['metrics', 'confusion', 'roc', 'pr', 'calibration', 'oob', 'importance', 'shap-summary'],
  },
  regression: {
    file: 'houses.csv',
    data: '',
    target: 'price',
    sections: ['metrics', 'predicted-actual', 'residual-plot', 'oob', 'importance', 'shap-summary'],
  },
};

describeIfAvailable(
  'training report in headless chromium',
  chromium ? undefined : 'chromium not found (run scripts/ci/chromium.sh, or set MLCTL_CHROMIUM)',
  'MLCTL_REQUIRE_CHROMIUM',
  () => {
    beforeAll(async () => {
      const r = seeded(9);
      const houses = ['rooms,district,garden,price'];
      for (let i = 0; i < 500; i++) {
        const rooms = 1 + Math.floor(r() * 6);
        const district = ['old town', 'harbour', 'hills'][Math.floor(r() * 3)] as string;
        const garden = r() < 0.2 ? '' : r() < 0.5 ? 'yes' : 'no';
        houses.push(
          `${rooms},"${district}",${garden},${(rooms * 50 + (district === 'hills' ? 80 : 0) + r() * 40).toFixed(1)}`,
        );
      }
      MODELS.regression.data = `${houses.join('\n')}\n`;
      for (const [name, m] of Object.entries(MODELS)) {
        writeFileSync(join(cwd, m.file), m.data);
        const trained = await spawnCli(
          [
            'train',
            '--data',
            m.file,
            '--target',
            m.target,
            '--output',
            `m-${name}`,
            '--report',
            `${name}.html`,
          ],
          { cwd, env: { MODEL_N_ESTIMATORS: '60' }, timeoutMs: 120_000 },
        );
        expect([name, trained.code, trained.stderr]).toEqual([name, 0, '']);
      }
    }, 240_000);

    it.each(Object.keys(MODELS))('renders every section of the %s report', (name) => {
      const m = MODELS[name as keyof typeof MODELS];
      const file = join(cwd, `m-${name}`, 'report.html');
      const html = readFileSync(file, 'utf8');
      // --report wrote the same page.
      expect(readFileSync(join(cwd, `${name}.html`), 'utf8')).toBe(html);
      expect(statSync(file).size).toBeLessThan(1024 * 1024);
      expect(html).not.toMatch(/<script|<link|<img|https?:\/\/|url\(/i);
      const { status, stdout } = browse(
        chromium as string,
        ['--dump-dom', pathToFileURL(file).href],
        join(cwd, `dom-${name}`),
      );
      expect(status).toBe(0);
      for (const id of m.sections) {
        const at = stdout.indexOf(`id="${id}"`);
        expect([id, at >= 0]).toEqual([id, true]);
        // Each section holds a drawing (or, for the counters, numbers).
        const rest = stdout.slice(at, at + 200_000);
        expect([id, id === 'metrics' ? /class="counter"/.test(rest) : /<svg /.test(rest)]).toEqual([
          id,
          true,
        ]);
      }
      if (name === 'ten') {
        // One curve per class in the ROC chart, a 10 × 10 heat map.
        const roc = stdout.slice(stdout.indexOf('id="roc"'), stdout.indexOf('id="pr"'));
        expect((roc.match(/<polyline /g) ?? []).length).toBe(10);
        const heat = stdout.slice(stdout.indexOf('id="confusion"'), stdout.indexOf('id="curves"'));
        expect((heat.match(/<rect /g) ?? []).length).toBe(100);
      }
    });

    it.each(Object.keys(MODELS))(
      'takes a full-page screenshot of the %s report that is not blank',
      (name) => {
        const png = join(shots, `report-${name}.png`);
        const file = join(cwd, `m-${name}`, 'report.html');
        const { status } = browse(
          chromium as string,
          [`--screenshot=${png}`, '--window-size=1280,3200', pathToFileURL(file).href],
          join(cwd, `png-${name}`),
        );
        expect(status).toBe(0);
        const bytes = readFileSync(png);
        expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, 3200]);
        // A blank page compresses to a few kB; charts and text do not.
        expect(statSync(png).size).toBeGreaterThan(100_000);
      },
    );
  },
);
