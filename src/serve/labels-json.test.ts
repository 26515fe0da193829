import { predictionsJson } from './labels-json';

describe('predictionsJson', () => {
  it('is JSON.stringify of the labels, for numbers and strings, per model', () => {
    const a = {};
    const b = {};
    for (const labels of [[0], [2, 0, 1], ['setosa', 'virginica'], ['a "quoted" \\ label'], []]) {
      expect(predictionsJson(a, labels)).toBe(JSON.stringify(labels));
      expect(predictionsJson(b, labels)).toBe(JSON.stringify(labels));
    }
    // The same label of another type is another label.
    expect(predictionsJson(a, ['0', 0])).toBe('["0",0]');
  });
});
