import { formatJson } from './json-text';

describe('formatJson', () => {
  it('puts arrays of scalars on one line and objects one key per line, as Prettier would', () => {
    expect(
      formatJson({
        a: [1, 2],
        b: { c: 'x', d: null },
        e: [
          [1, 0],
          [0, 1],
        ],
        f: [],
      }),
    ).toBe(
      '{\n  "a": [1, 2],\n  "b": {\n    "c": "x",\n    "d": null\n  },\n  "e": [\n    [1, 0],\n    [0, 1]\n  ],\n  "f": []\n}',
    );
  });

  it('round-trips through JSON.parse, dropping undefined like JSON.stringify', () => {
    const value = { x: 0.1 + 0.2, y: ['a"b', -0], z: undefined, w: { v: [true, false] } };
    expect(JSON.parse(formatJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
