import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createSilentLogger } from '../../src/telemetry/logger';
import { runTrain } from '../../src/commands/train/run-train';
import type { TrainOptions } from '../../src/commands/train/run-train';
import { runPredict } from '../../src/commands/predict/run-predict';
import { describeIfAvailable } from '../helpers/requirement';
import { tempDir } from '../helpers/data';

// docs/ARTIFACT.md is the contract other readers build on (a numpy loader for MLflow, TreeSHAP): a reader
// written from it alone (test/fixtures/reader/artifact_reader.py) must give mlctl's outputs to 1e-12.
const python = process.env.MLCTL_TEST_PYTHON || 'python3';
const READER = join(__dirname, '..', 'fixtures', 'reader', 'artifact_reader.py');
const PENGUINS = join(__dirname, '..', '..', 'data', 'penguins', 'penguins.csv');
const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
const missing = probe.status === 0 ? undefined : `${python} cannot import numpy (set MLCTL_TEST_PYTHON)`;

/** Rows with text categories, empty cells and noise: trees grow to thousands of nodes. */
function mixedCsv(dir: string, n: number): string {
  const colours = ['red', 'green', 'blue', 'black', 'white', 'grey'];
  const lines = ['size,colour,weight,grade,label,amount'];
  for (let i = 0; i < n; i++) {
    const size = Math.sin(i * 1.3) * 10;
    const colour = colours[(i * 7) % 6] as string;
    const weight = Math.cos(i * 0.7) * 5;
    const noisy = Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1;
    const label = (size > 0 !== (colour === 'red' || colour === 'blue')) !== noisy < 0.15 ? 'yes' : 'no';
    const amount = size * 3 + (colour === 'green' ? 20 : 0) + noisy * 10;
    lines.push(
      [
        i % 9 === 0 ? '' : size.toFixed(6),
        i % 13 === 0 ? '' : colour,
        i % 7 === 0 ? 'NA' : weight.toFixed(6),
        (i * 31) % 4,
        label,
        amount.toFixed(6),
      ].join(','),
    );
  }
  const path = join(dir, 'mixed.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describeIfAvailable(
  'docs/ARTIFACT.md is enough to reproduce mlctl’s outputs',
  missing,
  'MLCTL_REQUIRE_NUMPY',
  () => {
    const dir = tempDir();
    const data = mixedCsv(dir, 4000);
    const eval300 = join(dir, 'eval.csv');
    writeFileSync(eval300, `${readFileSync(data, 'utf8').trim().split('\n').slice(0, 301).join('\n')}\n`);
    const deps = { logger: createSilentLogger(), cwd: dir, version: '0.1.0' };
    const base = { minSamplesLeaf: 1, seed: 3, threads: 1, naValues: ['NA'] };
    const cases: Array<[string, Omit<TrainOptions, 'output'>, string, string]> = [
      [
        'penguins, classification, inline',
        { ...base, data: PENGUINS, target: 'species', nEstimators: 20 },
        PENGUINS,
        'inline',
      ],
      [
        'penguins, regression, inline',
        { ...base, data: PENGUINS, target: 'body_mass_g', nEstimators: 10 },
        PENGUINS,
        'inline',
      ],
      [
        'categories, gaps, class weights, trees.bin',
        {
          ...base,
          data,
          target: 'label',
          features: ['size', 'colour', 'weight', 'grade'],
          categorical: ['grade'],
          classWeight: 'balanced',
          nEstimators: 40,
        },
        eval300,
        'trees.bin',
      ],
      [
        'regression, trees.bin',
        { ...base, data, target: 'amount', features: ['size', 'colour', 'weight', 'grade'], nEstimators: 20 },
        eval300,
        'trees.bin',
      ],
    ];

    it.each(cases)(
      '%s',
      async (name, options, scored, storage) => {
        const output = name.replace(/\W+/g, '-');
        const trained = await runTrain({ ...options, output }, deps);
        const doc = JSON.parse(readFileSync(join(trained.modelPath, 'model.json'), 'utf8'));
        expect(doc.forest.storage).toBe(storage);

        const stdout = new PassThrough();
        let csv = '';
        stdout.on('data', (c: Buffer) => (csv += c.toString('utf8')));
        const regression = trained.task === 'regression';
        await runPredict(
          { model: output, data: scored, format: 'csv', proba: !regression },
          { logger: createSilentLogger(), cwd: dir, stdout },
        );
        const [header, ...lines] = csv.trim().split('\n');
        const names = (header as string).split(',');
        const columns = regression
          ? [names.indexOf('prediction')]
          : trained.classes.map((c) => names.indexOf(`proba_${String(c)}`));
        const ours = lines.map((l) => {
          const cells = l.split(',');
          return columns.map((c) => Number(cells[c]));
        });

        const read = spawnSync(python, [READER, trained.modelPath, scored], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        });
        expect(read.stderr).toBe('');
        const theirs = JSON.parse(read.stdout) as number[][];
        expect(theirs).toHaveLength(ours.length);
        let worst = 0;
        theirs.forEach((row, i) =>
          row.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - (ours[i]?.[c] as number))))),
        );
        expect(worst).toBeLessThanOrEqual(
          1e-12 * (regression ? Math.max(...ours.map((r) => Math.abs(r[0] as number))) : 1),
        );
      },
      60_000,
    );
  },
);
