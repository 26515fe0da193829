import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { browse as browseWith, findChromium } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { describeIfAvailable } from '../helpers/requirement';
import { useTmpDir } from '../helpers/tmp';
import { mixedTables, wideTables } from '../unit/drift/data';

// The HTML report in a real browser (Debian's chromium; scripts/ci/chromium.sh installs it). Without
// chromium the test is skipped — unless MLCTL_REQUIRE_CHROMIUM=1, where a missing browser fails it.
const chromium = findChromium();
const tmp = useTmpDir('mlctl-drift-browser-');

function browse(args: string[], profile: string): { status: number | null; stdout: string } {
  return browseWith(chromium as string, args, profile);
}

function screenshot(page: string, png: string, height: number, profile: string): Buffer {
  const { status } = browse(
    [`--screenshot=${png}`, `--window-size=1280,${height}`, pathToFileURL(page).href],
    profile,
  );
  expect(status).toBe(0);
  const bytes = readFileSync(png);
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, height]);
  return bytes;
}

const rowsOf = (dom: string): string[] => [...dom.matchAll(/<tr data-column="([^"]+)"/g)].map((m) => m[1]!);

// The report at 5 and 64 columns. Chromium needs JavaScript on for --dump-dom and --screenshot; the page's
// one script (the filter) is checked with it on, and the page itself with scripts disabled.
describeIfAvailable(
  'drift HTML report in headless chromium',
  chromium ? undefined : 'chromium not found (run scripts/ci/chromium.sh, or set MLCTL_CHROMIUM)',
  'MLCTL_REQUIRE_CHROMIUM',
  () => {
    const reports: Record<'five' | 'wide', string> = { five: '', wide: '' };
    beforeAll(async () => {
      const five = mixedTables(1500);
      const wide = wideTables(64, 800);
      for (const [name, data] of [
        ['five', five],
        ['wide', wide],
      ] as const) {
        tmp.write(`${name}-ref.csv`, data.reference);
        tmp.write(`${name}-cur.csv`, data.current);
        reports[name] = tmp.path(`${name}.html`);
        const r = await runCli([
          'drift',
          '--reference',
          tmp.path(`${name}-ref.csv`),
          '--current',
          tmp.path(`${name}-cur.csv`),
          '--report',
          reports[name],
        ]);
        expect(r.code).toBe(0);
      }
    });

    it('5 columns: drifted first, missing shares, bars per value, a log axis for the long tail, the identifier left out', () => {
      const { status, stdout } = browse(
        ['--dump-dom', pathToFileURL(reports.five).href],
        tmp.path('profile-five'),
      );
      expect(status).toBe(0);
      expect(stdout).toContain('Dataset drift is detected.');
      expect(stdout).toContain(
        'Drift is detected for 75% of columns (3 out of 4). 1 column was not evaluated',
      );
      expect(rowsOf(stdout)).toEqual(['visits', 'amount', 'plan', 'income', 'user_id']);
      expect(stdout).toContain('<td class="num">5.9% / 5.9%');
      expect(stdout).toContain('non-numeric: 1 / 1');
      expect(stdout).toMatch(/identifier-like text \(texts, 1,500 distinct of 1,500 current values/);
      const card = (name: string): string =>
        stdout.slice(stdout.indexOf(`data-column="${name}"><figcaption>`)).split('</figure>')[0]!;
      // visits (0/1/2 counts) gets a bar per value with its label, not a continuous axis.
      expect(card('visits')).toMatch(
        /text-anchor="middle">0<\/text>.*text-anchor="middle">1<\/text>.*text-anchor="middle">2<\/text>/,
      );
      expect(card('income')).toContain('log scale (long tail)');
      expect(card('user_id')).toContain('Nothing to plot.');
      expect(stdout).toContain('Prediction PSI');
    });

    it('64 columns: every column in the table and as a chart, drifted ones first', () => {
      const { status, stdout } = browse(
        ['--dump-dom', pathToFileURL(reports.wide).href],
        tmp.path('profile-wide'),
      );
      expect(status).toBe(0);
      const rows = rowsOf(stdout);
      expect(rows).toHaveLength(64);
      const verdicts = [...stdout.matchAll(/<tr data-column="[^"]+">.*?badge (bad|good|muted)/g)].map(
        (m) => m[1],
      );
      expect(verdicts.indexOf('good')).toBeGreaterThan(0);
      expect(verdicts.slice(verdicts.indexOf('good'))).not.toContain('bad');
      expect((stdout.match(/<figure class="card"/g) ?? []).length).toBe(64);
      expect(stdout).not.toContain('Prediction PSI');
    });

    it('filters rows and charts by name with JavaScript, and hides nothing without it', () => {
      const html = readFileSync(reports.wide, 'utf8');
      // Type "f1" into the box as a user would, then record what is hidden.
      const typed = html.replace(
        '</body>',
        `<script>var b=document.getElementById('filter');b.value='f1';b.dispatchEvent(new Event('input'));</script></body>`,
      );
      const page = tmp.write('wide-typed.html', typed);
      const on = browse(['--dump-dom', pathToFileURL(page).href], tmp.path('profile-typed')).stdout;
      const shown = [...on.matchAll(/<tr data-column="([^"]+)"(?! hidden)>/g)].map((m) => m[1]).sort();
      expect(shown).toEqual(['f10', 'f11', 'f12', 'f13', 'f14', 'f15', 'f16', 'f17', 'f18', 'f19']);
      expect(on).toContain('<span id="filter-count" class="muted">10 shown</span>');
      expect((on.match(/<figure class="card"[^>]*hidden/g) ?? []).length).toBe(54);
      // Without JavaScript: the page as a browser that runs no script gets it (headless --dump-dom itself
      // needs scripts on, so the page's script is taken out instead). Every row and chart stays visible.
      const noScript = tmp.write('wide-noscript.html', html.replace(/<script>[\s\S]*?<\/script>/, ''));
      const off = browse(['--dump-dom', pathToFileURL(noScript).href], tmp.path('profile-off')).stdout;
      expect(rowsOf(off)).toHaveLength(64);
      expect((off.match(/<figure class="card"/g) ?? []).length).toBe(64);
      expect(off).not.toMatch(/\shidden[\s>=]/);
      expect(off).toMatch(/<input type="search" id="filter" placeholder="column name" disabled/);
      expect(html).toContain(
        '<noscript><span class="muted">(filtering needs JavaScript; every column is shown)</span></noscript>',
      );
    });

    it('takes full-size screenshots at 5 and 64 columns that are not blank', () => {
      // A blank page compresses to a few kB; text, tables and charts do not.
      expect(
        screenshot(reports.five, tmp.path('five.png'), 2200, tmp.path('profile-png5')).length,
      ).toBeGreaterThan(80_000);
      expect(
        screenshot(reports.wide, tmp.path('wide.png'), 4000, tmp.path('profile-png64')).length,
      ).toBeGreaterThan(150_000);
    });
  },
);
