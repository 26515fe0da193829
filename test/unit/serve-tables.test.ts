import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadModel } from '../../src/artifact/load';
import { runPredict } from '../../src/commands/predict/run-predict';
import { runTrain } from '../../src/commands/train/run-train';
import type { TrainOptions } from '../../src/commands/train/run-train';
import { toServable } from '../../src/serve/sources';
import { createSilentLogger } from '../../src/telemetry/logger';
import { tempDir } from '../helpers/data';
import { loaded, postJson, startTestServer } from '../helpers/serve';
import type { TestServer } from '../helpers/serve';

// Penguins as they are (text categories, NA cells) served on every protocol: each answer is `mlctl
// predict`'s for the same rows, a category never seen in training is a counted missing value, text in a
// numeric column is a 400 naming row and column; a regression model answers numbers and keeps live error.
const PENGUINS = join(__dirname, '..', '..', 'data', 'penguins', 'penguins.csv');
const base: Omit<TrainOptions, 'data' | 'output'> = {
  nEstimators: 15,
  maxFeatures: 'sqrt',
  minSamplesLeaf: 1,
  seed: 7,
  testSize: 0.2,
  threads: 1,
  naValues: ['NA'],
};
const logger = createSilentLogger();
const HEADER = 'island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year';
// Rows with gaps, an unseen island, a year written 2008.0 (an integer category, compared by value).
const ROWS = [
  ['Biscoe', 46.5, null, 210, 4500, 'male', 2008],
  ['Dream', null, 18.1, 190, null, null, 2009],
  ['Atlantis', 39.1, 18.7, 181, 3750, 'female', 2008.0],
  ['Torgersen', 38.6, 21.2, 191, 3800, 'male', null],
];
const csvOf = (rows: unknown[][]) =>
  `${HEADER}\n${rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(',')).join('\n')}\n`;

let dir: string;
let species: TestServer;
let mass: TestServer;
let expected: { species: string[]; mass: number[] };

/** `mlctl predict`'s predictions for a CSV. */
async function predictCsv(model: string, csv: string): Promise<string[]> {
  writeFileSync(join(dir, 'rows.csv'), csv);
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  await runPredict(
    { model, data: 'rows.csv', format: 'jsonl', proba: false },
    { logger, cwd: dir, stdout: out },
  );
  return text
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { prediction: string }).prediction);
}

beforeAll(async () => {
  dir = tempDir();
  // year as an integer category that may be missing (MLmodel types it double): three years emptied.
  const lines = readFileSync(PENGUINS, 'utf8').trim().split('\n');
  for (const at of [5, 50, 150]) lines[at] = lines[at]!.replace(/,\d{4}$/, ',');
  writeFileSync(join(dir, 'penguins.csv'), `${lines.join('\n')}\n`);
  const deps = { logger, cwd: dir, version: '0.1.0-test' };
  await runTrain(
    { ...base, data: 'penguins.csv', target: 'species', categorical: ['year'], output: 'species' },
    deps,
  );
  await runTrain({ ...base, data: PENGUINS, target: 'body_mass_g', output: 'mass' }, deps);
  const [sp, ms] = await Promise.all([loadModel(join(dir, 'species')), loadModel(join(dir, 'mass'))]);
  expect(sp.featureInfo.year).toMatchObject({ type: 'categorical', nullable: true });
  species = await startTestServer({ model: loaded('1', toServable(sp), 'species') });
  // With the artifact's own metrics.json: its test RMSE and MAE are ml_model_error{source="training"}.
  const massMetrics = ms.metrics as unknown as Record<string, unknown>;
  mass = await startTestServer({ model: { ...loaded('1', toServable(ms), 'mass'), metrics: massMetrics } });
  const massRows = ROWS.map((r) => ['Adelie', ...r.slice(0, 4), r[5], r[6]]);
  expected = {
    species: await predictCsv('species', csvOf(ROWS)),
    mass: (
      await predictCsv(
        'mass',
        `species,${HEADER.replace('body_mass_g,', '')}\n${massRows.map((r) => r.map((v) => v ?? '').join(',')).join('\n')}\n`,
      )
    ).map(Number),
  };
}, 60_000);
afterAll(async () => {
  await species?.close();
  await mass?.close();
});

const names = HEADER.split(',');
const records = (rows: unknown[][]) => rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])));

describe('mlctl serve: a model with text categories and missing values', () => {
  it('answers `mlctl predict`’s predictions on /predict (arrays and objects), /invocations (4 JSON forms, CSV) and OIP', async () => {
    const answers: Record<string, unknown> = {};
    const post = async (path: string, body: unknown) => (await postJson(`${species.url}${path}`, body)).json;
    answers.array = (await post('/predict', { features: ROWS })).predictions;
    answers.object = (await post('/predict', { features: records(ROWS) })).predictions;
    answers.split = (
      await post('/invocations', { dataframe_split: { columns: names, data: ROWS } })
    ).predictions;
    answers.records = (await post('/invocations', { dataframe_records: records(ROWS) })).predictions;
    answers.instances = (await post('/invocations', { instances: records(ROWS) })).predictions;
    const columns = Object.fromEntries(names.map((n, j) => [n, ROWS.map((r) => r[j])]));
    answers.inputs = (await post('/invocations', { inputs: columns })).predictions;
    const csv = await fetch(`${species.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csvOf(ROWS),
    });
    answers.csv = ((await csv.json()) as { predictions: unknown }).predictions;
    const inputs = names.map((name, j) => {
      const text = j === 0 || j === 5;
      return {
        name,
        shape: [ROWS.length, 1],
        datatype: text ? 'BYTES' : 'FP64',
        data: ROWS.map((r) => r[j]),
      };
    });
    const oip = await post('/v2/models/species/infer', { inputs });
    answers.oip = (oip.outputs as Array<{ name: string; data: unknown }>).find(
      (o) => o.name === 'predict',
    )!.data;
    for (const [form, got] of Object.entries(answers)) expect([form, got]).toEqual([form, expected.species]);
  });

  it('reads a category never seen in training as a missing value, and counts it per feature', async () => {
    const before = await unknownCount(species, 'island');
    const unseen = await postJson(`${species.url}/predict`, { features: [ROWS[2]] });
    const missing = await postJson(`${species.url}/predict`, { features: [[null, ...ROWS[2]!.slice(1)]] });
    expect(unseen.json.probabilities).toEqual(missing.json.probabilities);
    expect((await unknownCount(species, 'island')) - before).toBe(1);
  });

  it('matches an integer category by value: 2008, 2008.0 and "2008" are one', async () => {
    const row = (year: unknown) => [...ROWS[0]!.slice(0, 6), year];
    const r = await postJson(`${species.url}/predict`, { features: [row(2008), row(2008.0), row('2008')] });
    const p = r.json.probabilities as number[][];
    expect(p[1]).toEqual(p[0]);
    expect(p[2]).toEqual(p[0]);
    expect(await unknownCount(species, 'year')).toBe(0);
  });

  it.each([
    [
      '/predict',
      { features: [ROWS[0], ['Biscoe', 'long', 17, 200, 4000, 'male', 2008]] },
      'features[1].bill_length_mm',
    ],
    [
      '/invocations',
      { dataframe_records: [{ ...records(ROWS)[0], flipper_length_mm: 'tall' }] },
      'input[0].flipper_length_mm',
    ],
    ['/explain', { features: { ...records(ROWS)[0], body_mass_g: 'heavy' } }, 'features[0].body_mass_g'],
  ])('refuses text in a numeric column on %s with a 400 naming row and column', async (path, body, where) => {
    const r = await postJson(`${species.url}${path}`, body);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toContain(`${where} is the string`);
  });

  it('refuses text in a numeric OIP input and a numeric datatype for a text feature', async () => {
    const inputs = names.map((name, j) => ({
      name,
      shape: [1],
      datatype: j === 0 || j === 5 ? 'BYTES' : 'FP64',
      data: [ROWS[0]![j]],
    }));
    const wrongType = inputs.map((t, j) => (j === 0 ? { ...t, datatype: 'FP64', data: [1] } : t));
    const text = inputs.map((t, j) => (j === 1 ? { ...t, datatype: 'BYTES', data: ['x'] } : t));
    const a = await postJson(`${species.url}/v2/models/species/infer`, { inputs: wrongType });
    const b = await postJson(`${species.url}/v2/models/species/infer`, { inputs: text });
    expect([a.status, a.json.error]).toEqual([
      400,
      expect.stringMatching(/inputs\[0\]\.datatype must be BYTES/),
    ]);
    expect([b.status, b.json.error]).toEqual([
      400,
      expect.stringMatching(/inputs\[1\]\.datatype must be a numeric/),
    ]);
  });

  it('takes BYTES inputs in binary form, as tritonclient sends them', async () => {
    const parts: Buffer[] = [];
    const inputs = names.map((name, j) => {
      const values = ROWS.map((r) => r[j]);
      const text = j === 0 || j === 5;
      const blob = text
        ? Buffer.concat(
            values.flatMap((v) => {
              const s = Buffer.from(v === null ? '' : String(v));
              const n = Buffer.alloc(4);
              n.writeUInt32LE(s.length);
              return [n, s];
            }),
          )
        : Buffer.from(new Float64Array(values.map((v) => (v === null ? NaN : Number(v)))).buffer);
      parts.push(blob);
      return {
        name,
        shape: [ROWS.length, 1],
        datatype: text ? 'BYTES' : 'FP64',
        parameters: { binary_data_size: blob.length },
      };
    });
    const header = Buffer.from(JSON.stringify({ inputs, outputs: [{ name: 'predict' }] }));
    const r = await fetch(`${species.url}/v2/models/species/infer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.length),
      },
      body: Buffer.concat([header, ...parts]),
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { outputs: Array<{ data: unknown }> }).outputs[0]!.data).toEqual(
      expected.species,
    );
  });

  it('logs the rows with their text and nulls, as drift reads them; OIP metadata says BYTES/FP64 per input', async () => {
    await postJson(
      `${species.url}/predict`,
      { features: [ROWS[0], ROWS[2]] },
      { 'x-correlation-id': 'tables-log-1' },
    );
    const event = species.events().find((e) => e.request_id === 'tables-log-1')!;
    expect(event.features).toEqual([ROWS[0], [null, ...ROWS[2]!.slice(1)]]);
    const meta = (await (await fetch(`${species.url}/v2/models/species`)).json()) as { inputs: unknown[] };
    expect(meta.inputs).toEqual(
      names.map((name, j) => ({ name, datatype: j === 0 || j === 5 ? 'BYTES' : 'FP64', shape: [-1, 1] })),
    );
  });

  it('explains a row of text and gaps through the same decoding: bias + Σ contributions = probability', async () => {
    const r = await postJson(`${species.url}/explain`, { features: records(ROWS)[1] });
    const sum =
      (r.json.bias as number) +
      Object.values(r.json.contributions as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(r.json.probability as number, 12);
    expect(r.json.feature_values).toEqual(records(ROWS)[1]);
  });
});

describe('mlctl serve: a regression model', () => {
  const massRow = (r: unknown[]) => ['Adelie', ...r.slice(0, 4), r[5], r[6]];

  it('answers numbers and no probabilities on /predict, /invocations and OIP (FP64, no predict_proba)', async () => {
    const rows = ROWS.map(massRow);
    const p = await postJson(`${mass.url}/predict`, { features: rows });
    expect(Object.keys(p.json).sort()).toEqual(['model_version', 'predictions', 'request_id']);
    expect(p.json.predictions).toEqual(expected.mass);
    const inv = await postJson(`${mass.url}/invocations`, { instances: rows });
    expect(inv.json).toEqual({ predictions: expected.mass });
    const oip = await postJson(`${mass.url}/v2/models/mass/infer`, {
      inputs: [{ name: 'x', shape: [1, 7], datatype: 'FP64', data: [null, null, 40, 18, 200, null, 2008] }],
    });
    expect(oip.json.outputs).toEqual([
      { name: 'predict', datatype: 'FP64', shape: [1], data: [expect.any(Number)] },
    ]);
    const proba = await postJson(`${mass.url}/v2/models/mass/infer`, {
      inputs: [{ name: 'x', shape: [1, 7], datatype: 'FP64', data: [1, 1, 40, 18, 200, 1, 2008] }],
      outputs: [{ name: 'predict_proba' }],
    });
    expect([proba.status, proba.json.error]).toEqual([
      400,
      expect.stringMatching(/has the outputs predict$/),
    ]);
  });

  it('counts predictions without a class label (no series per value)', async () => {
    await postJson(`${mass.url}/predict`, { features: ROWS.map(massRow) });
    const text = await (await fetch(`${mass.url}/metrics`)).text();
    expect(text).toMatch(/^ml_predictions_total\{model_version="1"\} \d+$/m);
    expect(text).not.toMatch(/ml_predictions_total\{[^}]*class=/);
  });

  it('keeps live RMSE and MAE from numeric feedback: ml_model_error{source="feedback",metric}', async () => {
    const p = await postJson(`${mass.url}/predict`, { features: ROWS.slice(0, 2).map(massRow) });
    const predicted = p.json.predictions as number[];
    const labels = [predicted[0]! + 300, predicted[1]! - 100];
    const f = await postJson(`${mass.url}/feedback`, { request_id: p.json.request_id, labels });
    expect(f.json).toMatchObject({
      accepted: 2,
      live_rmse: expect.any(Number),
      live_mae: expect.any(Number),
    });
    expect(f.json.live_mae as number).toBeGreaterThan(0);
    const text = await (await fetch(`${mass.url}/metrics`)).text();
    expect(text).toContain(`ml_model_error{source="feedback",metric="rmse"} ${f.json.live_rmse as number}`);
    expect(text).toContain(`ml_model_error{source="feedback",metric="mae"} ${f.json.live_mae as number}`);
    expect(text).toMatch(/ml_model_error\{source="training",metric="rmse"\} \d/);
    const bad = await postJson(`${mass.url}/feedback`, {
      request_id: p.json.request_id,
      labels: ['heavy', 1],
    });
    expect([bad.status, bad.json.error]).toEqual([400, expect.stringMatching(/labels\[0\] .*finite number/)]);
  });

  it('explains a value: bias + Σ contributions = the prediction; logs numeric predictions', async () => {
    const row = massRow(ROWS[1]!);
    const r = await postJson(
      `${mass.url}/explain`,
      { features: row },
      { 'x-correlation-id': 'mass-explain-1' },
    );
    const sum =
      (r.json.bias as number) +
      Object.values(r.json.contributions as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(r.json.prediction as number, 9);
    expect(r.json).not.toHaveProperty('probability');
    const event = mass.events().find((e) => e.request_id === 'mass-explain-1')!;
    expect(event.predictions).toEqual([r.json.prediction]);
    expect(event.features).toEqual([row]);
  });
});

async function unknownCount(server: TestServer, feature: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`^ml_unknown_category_total\\{feature="${feature}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}
