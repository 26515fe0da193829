import { integer, list, number, oneOf, boolean, text } from './fields';
import type { Field } from './fields';
import { defineSettings, kebab, resolveSettings } from './settings';

const group = defineSettings(
  'train',
  'test settings',
  {
    nEstimators: { field: integer({ min: 1 }), env: 'MODEL_N_ESTIMATORS', default: 100, describe: 'trees' },
    testSize: {
      field: number({ min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }),
      env: 'MODEL_TEST_SIZE',
      default: 0.2,
      describe: 'held-out share',
    },
    format: { field: oneOf(['text', 'json'] as const), default: 'text' as const, describe: 'output' },
    verbose: { field: boolean(), default: false, describe: 'more output' },
    columns: { field: list(), describe: 'columns' },
    token: { field: text(), env: 'TOKEN', secret: true, describe: 'a secret' },
  },
  [(c) => (c.format === 'json' && c.verbose ? ['verbose: cannot be combined with format json'] : [])],
);

describe('resolveSettings', () => {
  it('uses defaults when nothing is given', () => {
    expect(resolveSettings(group, {}).config).toEqual({
      nEstimators: 100,
      testSize: 0.2,
      format: 'text',
      verbose: false,
      columns: undefined,
      token: undefined,
    });
  });

  it('takes flags over environment over file over defaults', () => {
    const file = {
      path: 'mlctl.yaml',
      data: { train: { 'n-estimators': 5, 'test-size': 0.3, format: 'json' } },
    };
    const env = { MODEL_N_ESTIMATORS: '7', MODEL_TEST_SIZE: '0.25' };
    const { config } = resolveSettings(group, { flags: { nEstimators: '9' }, env, file });
    expect(config).toMatchObject({ nEstimators: 9, testSize: 0.25, format: 'json' });
  });

  it('treats an empty environment variable as unset', () => {
    const { config } = resolveSettings(group, { env: { MODEL_N_ESTIMATORS: '' } });
    expect(config?.nEstimators).toBe(100);
  });

  it('reports every problem at once, each named after its source', () => {
    const file = { path: 'conf/mlctl.yaml', data: { train: { format: 'xml', trees: 3 } } };
    const result = resolveSettings(group, {
      flags: { nEstimators: 'abc' },
      env: { MODEL_TEST_SIZE: '1.5' },
      file,
    });
    expect(result.errors).toEqual([
      'conf/mlctl.yaml: train.trees: unknown setting (known: n-estimators, test-size, format, verbose, columns, token)',
      '--n-estimators: expected an integer, got "abc"',
      'MODEL_TEST_SIZE: expected a number > 0 and < 1, got "1.5"',
      'conf/mlctl.yaml: train.format: expected one of text, json, got "xml"',
    ]);
  });

  it('never echoes a secret value', () => {
    const result = resolveSettings(group, { env: { TOKEN: '   ' } });
    expect(result.errors).toEqual(['TOKEN: expected a non-empty string']);
    const bad = resolveSettings(group, {
      file: { path: 'f.yaml', data: { train: { token: { nested: 's3cr3t' } } } },
    });
    expect(bad.errors?.join()).not.toContain('s3cr3t');
  });

  it('checks cross-setting rules after every setting parsed', () => {
    const result = resolveSettings(group, { flags: { format: 'json', verbose: true } });
    expect(result.errors).toEqual(['verbose: cannot be combined with format json']);
  });

  it('rejects a section that is not a mapping', () => {
    const result = resolveSettings(group, { file: { path: 'mlctl.yaml', data: { train: [1, 2] } } });
    expect(result.errors).toEqual(['mlctl.yaml: train: expected a mapping of settings']);
  });
});

describe('fields', () => {
  const parse = <T>(f: Field<T>, v: unknown): { success: boolean; data?: T } => {
    const r = f.parse(v);
    return r.ok ? { success: true, data: r.value } : { success: false };
  };

  it('parses integers strictly', () => {
    expect(parse(integer(), '12').data).toBe(12);
    expect(parse(integer(), 12).data).toBe(12);
    for (const bad of ['1.5', '', 'abc', '0x10a', null, true])
      expect(parse(integer(), bad).success).toBe(false);
  });

  it('parses booleans in the usual spellings', () => {
    for (const yes of ['true', 'TRUE', '1', 'yes', 'on', true]) expect(parse(boolean(), yes).data).toBe(true);
    for (const no of ['false', '0', 'no', 'off', false]) expect(parse(boolean(), no).data).toBe(false);
    expect(parse(boolean(), 'maybe').success).toBe(false);
  });

  it('splits lists given as commas, repeats or YAML sequences', () => {
    expect(parse(list(), 'a, b,,c').data).toEqual(['a', 'b', 'c']);
    expect(parse(list(), ['a,b', 'c']).data).toEqual(['a', 'b', 'c']);
  });

  it('spells keys as flags do', () => {
    expect(kebab('nEstimators')).toBe('n-estimators');
    expect(kebab('maxSamples')).toBe('max-samples');
  });
});
