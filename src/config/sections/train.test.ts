import { resolveSettings } from '../settings';
import { trainSettings } from './train';

const resolve = (
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  file?: Record<string, unknown>,
) =>
  resolveSettings(trainSettings, {
    flags: { data: 'd.csv', ...flags },
    env,
    file: file ? { path: 'mlctl.yaml', data: { train: file } } : undefined,
  });

describe('train settings', () => {
  it('reads max-features as a rule, a count or a fraction', () => {
    const value = (raw: unknown) => resolve({ maxFeatures: raw }).config?.maxFeatures;
    expect(value('sqrt')).toBe('sqrt');
    expect(value('LOG2')).toBe('log2');
    expect(value('all')).toBe('all');
    expect(value('3')).toBe(3);
    expect(value('0.5')).toBe(0.5);
    expect(value(0.25)).toBe(0.25);
    for (const bad of ['0', '1.5', '-1', 'half', '']) {
      expect(resolve({ maxFeatures: bad }).errors?.[0]).toMatch(
        /^--max-features: expected sqrt, log2, all, an integer ≥ 1 or a fraction in \(0, 1\)/,
      );
    }
  });

  it('takes flags over the seed’s environment variables over mlctl.yaml over defaults', () => {
    const file = { 'n-estimators': 5, seed: 1, 'test-size': 0.3, 'max-depth': 4 };
    const env = { MODEL_N_ESTIMATORS: '7', MODEL_RANDOM_STATE: '2' };
    expect(resolve({ nEstimators: '9' }, env, file).config).toMatchObject({
      nEstimators: 9,
      seed: 2,
      testSize: 0.3,
      maxDepth: 4,
    });
    expect(resolve({}, {}, {}).config).toMatchObject({
      nEstimators: 100,
      seed: 42,
      output: '.mlctl/model',
    });
  });

  it('names every problem and where it came from', () => {
    const r = resolve({ data: undefined }, { MODEL_TEST_SIZE: '2' }, { 'n-estimators': 0, shape: 'x' });
    expect(r.errors).toEqual([
      'mlctl.yaml: train.shape: unknown setting (known: data, target, schema, features, categorical, numeric, na-values, task, class-weight, test-data, output, report, n-estimators, max-depth, max-features, min-samples-leaf, seed, test-size, min-accuracy, min-r2, max-rmse, threads)',
      'mlctl.yaml: train.n-estimators: expected an integer ≥ 1 and ≤ 10000, got 0',
      'MODEL_TEST_SIZE: expected a number ≥ 0 and < 1, got "2"',
    ]);
  });
});
