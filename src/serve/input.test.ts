import { RowDecoder } from './input';
import { createOpenApiDocument } from './openapi';
import type { LoadedModel, ServableModel } from './model';

const numeric = new RowDecoder(
  ['a', 'b'].map((name) => ({ name, type: 'numeric' as const })),
  [],
);
const mixed = new RowDecoder(
  [
    { name: 'island', type: 'categorical', categories: ['Biscoe', 'Dream'] },
    { name: 'length', type: 'numeric' },
    { name: 'year', type: 'categorical', categories: [2007, 2008] },
  ],
  ['NA'],
);
const limits = { maxBatch: 10 };

describe('RowDecoder', () => {
  it('takes a numeric model’s row of finite numbers as it is: no copy on the hot path', () => {
    const row = [1.5, 2];
    expect(numeric.rows([row], limits).rows[0]).toBe(row);
    expect(numeric.rows([[1, null]], limits).rows[0]).toEqual([1, NaN]);
  });

  it('encodes categories by code, integers by value, null and na_values as NaN; counts unknown ones', () => {
    const decoded = mixed.rows(
      [['Dream', 3, 2008], { island: 'Atlantis', length: null, year: '2007.0' }, ['NA', 1, 'x']],
      limits,
    );
    expect(decoded.rows).toEqual([
      [1, 3, 1],
      [NaN, NaN, 0],
      [NaN, 1, NaN],
    ]);
    expect(decoded.unknown).toEqual({ island: 1, year: 1 });
    expect(mixed.takeUnknown()).toBeUndefined();
    expect(mixed.values([1, NaN, 0])).toEqual(['Dream', null, 2007]);
  });

  it.each([
    [
      'strict',
      ['Dream', '3', 2008],
      /features\[1\]\.length is the string "3"; expected a finite number or null/,
    ],
    ['strict', ['Dream', true, 2008], /length is boolean/],
    ['strict', [['Dream'], 3, 2008], /island is a nested array; expected a category/],
    ['csv', ['Dream', 'long', '2008'], /length is the string "long"; is not a number/],
  ] as const)('refuses a value of the wrong kind (%s text) naming row and column', (text, row, message) => {
    expect(() => mixed.rows([['Atlantis', 1, 2008], row], limits, { text })).toThrow(message);
    // A refused batch leaves no unknown categories behind for the next one.
    expect(mixed.takeUnknown()).toBeUndefined();
  });

  it('reads numbers written as text in the decimal (MLflow pandas) and CSV modes', () => {
    expect(mixed.rows([['Dream', ' 3.5 ', 2008]], limits, { text: 'decimal' }).rows).toEqual([[1, 3.5, 1]]);
    expect(mixed.rows([['Dream', '', 'NA']], limits, { text: 'csv' }).rows).toEqual([[1, NaN, NaN]]);
  });
});

describe('the OpenAPI document follows the model', () => {
  const model = (task: 'classification' | 'regression'): LoadedModel => {
    const features = [
      { name: 'island', type: 'categorical' as const, categories: ['Biscoe', 'Dream'] },
      { name: 'length', type: 'numeric' as const },
    ];
    const served = {
      task,
      featureNames: features.map((f) => f.name),
      features,
      categories: [['Biscoe', 'Dream'], undefined],
      classes: task === 'regression' ? [] : ['a', 'b'],
      decoder: new RowDecoder(features, []),
    } as unknown as ServableModel;
    return { model: served, name: 'm', version: '1', uri: 'm', loadedAt: '', metrics: {} };
  };
  const schemas = (task: 'classification' | 'regression') =>
    createOpenApiDocument('0', model(task), { maxBatch: 5, adminTokenHeader: 'x' }).components
      .schemas as Record<string, Record<string, unknown>>;

  it('types each value of a row: a category text, number or null; a number or null', () => {
    const row = schemas('classification').Row as { oneOf: Array<{ prefixItems?: unknown }> };
    expect(row.oneOf[0]!.prefixItems).toEqual([
      { type: ['string', 'number', 'null'] },
      { type: ['number', 'null'] },
    ]);
  });

  it('answers a regression with numbers only, and takes numeric labels', () => {
    const s = schemas('regression');
    expect(s.PredictResponse!.required).toEqual(['predictions', 'model_version', 'request_id']);
    expect(JSON.stringify(s.FeedbackRequest)).toContain('{"type":"number"}');
    expect(JSON.stringify(s.OipRequest)).toContain('"enum":["predict"]');
    expect(JSON.stringify(s.OipRequest)).toContain('"datatype":{"const":"BYTES"}');
  });
});
