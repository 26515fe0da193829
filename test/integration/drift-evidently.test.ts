import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDrift } from '../../src/drift/run-drift';
import type { ColumnDrift } from '../../src/drift/dataset-drift';
import { createSilentLogger } from '../../src/telemetry/logger';
import { describeIfAvailable } from '../helpers/requirement';
import { useTmpDir } from '../helpers/tmp';

// mlctl drift against Evidently 0.7 itself (its default API: `Report([DataDriftPreset()])`, pinned by
// scripts/ci/evidently.sh) on awkward tables and the datasets scikit-learn ships (drift_evidently.py):
// every column's type, test, score and verdict must agree. Needs MLCTL_EVIDENTLY_PYTHON (the venv's
// python, which .ci/run sets); skipped without it, fatal with MLCTL_REQUIRE_EVIDENTLY=1.
const python = process.env.MLCTL_EVIDENTLY_PYTHON;
const probe = python
  ? spawnSync(python, ['-c', 'import evidently, sklearn; assert evidently.__version__.startswith("0.7.")'])
  : undefined;
const missing =
  probe?.status === 0
    ? undefined
    : 'no Python with Evidently 0.7 (run scripts/ci/evidently.sh and set MLCTL_EVIDENTLY_PYTHON to the python it prints)';
const script = join(__dirname, 'drift_evidently.py');
const tmp = useTmpDir('mlctl-drift-evidently-');

interface EvidentlyColumn {
  skipped?: string;
  type?: 'numerical' | 'categorical' | 'text' | null;
  method?: string;
  threshold?: number;
  score?: number | null;
  drift?: boolean;
}

interface Case {
  name: string;
  reference: string;
  current: string;
}

function py(command: string): string {
  const r = spawnSync(python!, [script, command, tmp.path()], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`drift_evidently.py ${command} failed: ${r.stderr.slice(-3000)}`);
  return r.stdout;
}

/** Disagreements of one column, as text (empty when mlctl and Evidently agree). */
function disagreement(ours: ColumnDrift, theirs: EvidentlyColumn | undefined): string | undefined {
  if (!theirs) return 'Evidently has no result';
  if (theirs.skipped) {
    // Evidently raises on an empty column (and fails the whole report); mlctl reports it not evaluated.
    return ours.status === 'not_evaluated'
      ? undefined
      : `Evidently cannot evaluate it (${theirs.skipped}), mlctl did`;
  }
  if (ours.type !== theirs.type)
    return `type: mlctl ${ours.type} (${ours.type_rule}), Evidently ${theirs.type}`;
  // Text columns: Evidently trains a classifier on their words; mlctl leaves them out, never drifted.
  if (ours.type === 'text')
    return ours.status === 'not_evaluated' ? undefined : 'mlctl evaluated a text column';
  if (ours.stattest_display !== theirs.method)
    return `test: mlctl ${ours.stattest_display}, Evidently ${theirs.method}`;
  if (ours.threshold !== theirs.threshold)
    return `threshold: mlctl ${ours.threshold}, Evidently ${theirs.threshold}`;
  const a = ours.score ?? Number.NaN;
  const b = theirs.score ?? Number.NaN;
  if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) return `score: mlctl ${a}, Evidently ${b}`;
  if (ours.drift_detected !== theirs.drift)
    return `verdict: mlctl ${ours.drift_detected}, Evidently ${theirs.drift}`;
  return undefined;
}

describeIfAvailable('mlctl drift agrees with Evidently 0.7', missing, 'MLCTL_REQUIRE_EVIDENTLY', () => {
  let cases: Case[] = [];
  let evidently: { evidently: string; cases: Record<string, Record<string, EvidentlyColumn>> };

  beforeAll(() => {
    py('make');
    cases = JSON.parse(readFileSync(tmp.path('cases.json'), 'utf8')) as Case[];
    evidently = JSON.parse(py('evidently')) as typeof evidently;
  }, 900_000);

  it('gives every column the same type, test, score (1e-9) and verdict, and the same dataset share', async () => {
    expect(evidently.evidently).toMatch(/^0\.7\./);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const c of cases) {
      const result = await runDrift(
        {
          reference: c.reference,
          current: c.current,
          loki: { rangeMinutes: 60, batchSize: 1000, timeoutSeconds: 30 },
          stattest: 'auto',
          driftShare: 0.5,
          minRows: 1,
          predictionColumn: 'prediction',
          targetColumn: 'target',
        },
        { logger: createSilentLogger(), cwd: tmp.path() },
      );
      const theirs = evidently.cases[c.name]!;
      for (const column of [...result.columns, ...(result.prediction ? [result.prediction] : [])]) {
        const problem = disagreement(column, theirs[column.name]);
        if (problem) problems.push(`${c.name} / ${column.name}: ${problem}`);
        seen.add(`${column.type}:${column.stattest ?? column.status}`);
      }
      // The dataset rule over the columns mlctl evaluates, from Evidently's own verdicts.
      const evaluated = result.columns.filter((col) => col.status !== 'not_evaluated');
      const drifted = evaluated.filter((col) => theirs[col.name]?.drift === true).length;
      if (evaluated.length && drifted / evaluated.length !== result.drift_share) {
        problems.push(
          `${c.name}: drift share mlctl ${result.drift_share}, Evidently's verdicts ${drifted}/${evaluated.length}`,
        );
      }
    }
    expect(problems).toEqual([]);
    // The cases exercise every default test on both column types, text columns and empty ones.
    for (const kind of [
      'numerical:ks',
      'numerical:wasserstein',
      'numerical:chisquare',
      'numerical:z',
      'numerical:jensenshannon',
      'categorical:chisquare',
      'categorical:z',
      'categorical:jensenshannon',
      'text:not_evaluated',
      'null:not_evaluated',
    ]) {
      expect([...seen]).toContain(kind);
    }
  }, 300_000);
});
