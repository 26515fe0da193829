import { parseNumberRows } from './number-rows';

const parse = (text: string) => {
  const rows = parseNumberRows(Buffer.from(text, 'utf8'), 'features');
  return rows && { features: rows };
};

/** A small seeded generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('parseNumberRows', () => {
  it('reads the common body exactly as JSON.parse does', () => {
    for (const text of [
      '{"features": [[5.1, 3.5, 1.4, 0.2]]}',
      '{"features":[[5.1,3.5,1.4,0.2],[6.7,3,5.2,2.3]]}',
      ' \n\t{ "features" :\r\n [ [ -0 , 0.0, -1.5e3 , 2E-2, 1e+2, 10, 0.000123 ] ] } \n',
      '{"features": []}',
      '{"features": [[123456789012345, 1234567890123456789, 0.1234567890123456789]]}',
      '{"features": [[1e22, 1e23, 1e-22, 1e-23, 4.9e-324, 1.7976931348623157e308, 1e-400]]}',
    ]) {
      const ours = parse(text);
      expect(ours).toEqual(JSON.parse(text));
      expect(
        Object.is(ours?.features?.[0]?.[0], (JSON.parse(text) as { features: number[][] }).features[0]?.[0]),
      ).toBe(true);
    }
  });

  it('agrees with JSON.parse bit for bit on many random numbers', () => {
    const random = generator(42);
    for (let n = 0; n < 20_000; n++) {
      const digits = 1 + Math.floor(random() * 19);
      let text = random() < 0.3 ? '-' : '';
      const intDigits = Math.floor(random() * digits);
      text += intDigits === 0 ? '0' : String(1 + Math.floor(random() * 9));
      for (let i = 1; i < intDigits; i++) text += String(Math.floor(random() * 10));
      if (digits - intDigits > 0) {
        text += '.';
        for (let i = 0; i < digits - intDigits; i++) text += String(Math.floor(random() * 10));
      }
      if (random() < 0.3) text += `e${random() < 0.5 ? '-' : ''}${Math.floor(random() * 40)}`;
      const body = `{"features": [[${text}]]}`;
      const expected = (JSON.parse(body) as { features: number[][] }).features[0]![0]!;
      const got = parse(body)?.features?.[0]?.[0];
      if (!Object.is(got, expected)) throw new Error(`${text}: got ${got}, JSON.parse ${expected}`);
    }
  });

  it('leaves every other body to the generic parse', () => {
    for (const text of [
      '',
      '{}',
      '[]',
      '{"features": [[1, 2]], "extra": 1}',
      '{"features": [[1, 2]], "features": [[3]]}',
      '{"featurez": [[1]]}',
      '{"feat\\u0075res": [[1]]}',
      '{"features": [{"a": 1}]}',
      '{"features": [[1, "2"]]}',
      '{"features": [[1, null]]}',
      '{"features": [[1, [2]]]}',
      '{"features": [[]]}',
      '{"features": [[1,]]}',
      '{"features": [[1] [2]]}',
      '{"features": [[01]]}',
      '{"features": [[1.]]}',
      '{"features": [[.5]]}',
      '{"features": [[+1]]}',
      '{"features": [[1e]]}',
      '{"features": [[-]]}',
      '{"features": [[NaN]]}',
      '{"features": [[Infinity]]}',
      '{"features": [[1e999]]}',
      '{"features": [[1]]} x',
      '{"features": [[1]]',
      '{"features": [[1]]}}',
    ]) {
      expect(parse(text)).toBeUndefined();
    }
  });
});
