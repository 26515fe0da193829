import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli';
import { describeIfAvailable } from '../helpers/requirement';
import { useTmpDir } from '../helpers/tmp';
import { predictionLog, referenceCsv } from '../unit/drift/data';

// The HTML report in a real browser (Debian's chromium; scripts/ci/chromium.sh installs it). Without
// chromium the test is skipped — unless MLCTL_REQUIRE_CHROMIUM=1, where a missing browser fails it.
const chromium = findChromium();
const tmp = useTmpDir('mlctl-drift-browser-');

function findChromium(): string | undefined {
  if (process.env.MLCTL_CHROMIUM && existsSync(process.env.MLCTL_CHROMIUM)) return process.env.MLCTL_CHROMIUM;
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

function browse(args: string[], profile: string): { status: number | null; stdout: string } {
  const r = spawnSync(
    chromium!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
  );
  return { status: r.status, stdout: r.stdout };
}

// The page has no script at all (checked below and in reports.test.ts), so it reads the same with
// JavaScript off. Chromium itself needs JavaScript on for --dump-dom and --screenshot, so it stays on.
describeIfAvailable(
  'drift HTML report in headless chromium',
  chromium ? undefined : 'chromium not found (run scripts/ci/chromium.sh, or set MLCTL_CHROMIUM)',
  'MLCTL_REQUIRE_CHROMIUM',
  () => {
    let report = '';
    beforeAll(async () => {
      tmp.write('ref.csv', referenceCsv(300));
      tmp.write('cur.jsonl', predictionLog(5000, { shift: 3 }));
      report = tmp.path('report.html');
      const r = await runCli([
        'drift',
        '--reference',
        tmp.path('ref.csv'),
        '--current',
        tmp.path('cur.jsonl'),
        '--report',
        report,
      ]);
      expect(r.code).toBe(0);
    });

    it('renders the summary, the table and every chart', () => {
      const { status, stdout } = browse(['--dump-dom', pathToFileURL(report).href], tmp.path('profile-dom'));
      expect(status).toBe(0);
      expect(stdout).toContain('Dataset drift is detected.');
      expect(stdout).toContain('Drift is detected for 66.7% of columns (2 out of 3).');
      const table = /<table id="drift-table">([\s\S]*?)<\/table>/.exec(stdout)?.[1] ?? '';
      expect((table.match(/<tr>/g) ?? []).length).toBe(1 + 3);
      expect((stdout.match(/<svg /g) ?? []).length).toBe(3 * 2 + 4);
      expect(stdout).not.toContain('<script');
    });

    it('takes a full-size screenshot that is not blank', () => {
      const png = tmp.path('report.png');
      const { status } = browse(
        ['--screenshot=' + png, '--window-size=1280,2000', pathToFileURL(report).href],
        tmp.path('profile-png'),
      );
      expect(status).toBe(0);
      const bytes = readFileSync(png);
      expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, 2000]);
      // A blank 1280×2000 page compresses to a few kB; text, tables and charts do not.
      expect(statSync(png).size).toBeGreaterThan(40_000);
    });
  },
);
