import { MlctlError } from '../errors';
import { formatModelUri, parseModelUri } from './uri';

function usageError(uri: string): MlctlError {
  try {
    parseModelUri(uri);
  } catch (err) {
    expect(err).toBeInstanceOf(MlctlError);
    return err as MlctlError;
  }
  throw new Error(`expected ${uri} to be refused`);
}

describe('models:/ URIs (MLflow rules)', () => {
  it.each([
    ['models:/iris/3', { name: 'iris', kind: 'version', version: '3' }],
    ['models:/iris/007', { name: 'iris', kind: 'version', version: '7' }],
    ['models:/iris/latest', { name: 'iris', kind: 'latest' }],
    ['models:/iris/Latest', { name: 'iris', kind: 'latest' }],
    ['models:/iris/production', { name: 'iris', kind: 'stage', stage: 'Production' }],
    ['models:/iris/STAGING', { name: 'iris', kind: 'stage', stage: 'Staging' }],
    ['models:/iris/None', { name: 'iris', kind: 'stage', stage: 'None' }],
    ['models:/iris@champion', { name: 'iris', kind: 'alias', alias: 'champion' }],
    ['models:/team@iris@champion', { name: 'team@iris', kind: 'alias', alias: 'champion' }],
    ['models:/my model/2', { name: 'my model', kind: 'version', version: '2' }],
  ])('%s', (uri, expected) => {
    expect(parseModelUri(uri)).toEqual(expected);
  });

  it.each([
    'models:/',
    'models:',
    'models:/iris',
    'models:/iris/',
    'models:/iris/1/2',
    'models:/ /1',
    'models:/iris@',
    'models:/@x',
    'runs:/abc/model',
    'iris',
  ])('refuses %s with MLflow’s explanation (exit 2)', (uri) => {
    const err = usageError(uri);
    expect([err.code, err.exitCode]).toEqual(['USAGE', 2]);
    expect(err.message).toContain(`Not a proper models:/ URI: ${uri}.`);
    expect(err.hint).toMatch(/models:\/iris@champion/);
  });

  it('refuses an MLflow 3 logged model id, saying to use the version registered from it', () => {
    const err = usageError(`models:/m-${'a'.repeat(32)}`);
    expect([err.code, err.message]).toEqual([
      'USAGE',
      `models:/m-${'a'.repeat(32)} names an MLflow 3 logged model, not a registered model version; mlctl loads registered versions`,
    ]);
  });

  it('refuses a suffix that is neither a version, latest nor a stage', () => {
    const err = usageError('models:/iris/Live');
    expect([err.code, err.message]).toEqual([
      'REGISTRY_REJECTED',
      'Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.',
    ]);
  });

  it('formats a reference back into its canonical URI', () => {
    for (const uri of [
      'models:/iris/3',
      'models:/iris/latest',
      'models:/iris/Production',
      'models:/iris@champion',
    ]) {
      expect(formatModelUri(parseModelUri(uri))).toBe(uri);
    }
    expect(formatModelUri(parseModelUri('models:/iris/production'))).toBe('models:/iris/Production');
  });
});
