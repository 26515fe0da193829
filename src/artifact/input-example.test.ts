import {
  inputExample,
  inputExampleJson,
  pythonFloat,
  pythonJson,
  servingInputExampleJson,
} from './input-example';
import type { ReferenceRows } from './write';

describe('the input example in MLflow’s formats', () => {
  it('writes floats as Python’s repr does (the expected strings are Python 3.11’s)', () => {
    const cases: Array<[number, string]> = [
      [0, '0.0'],
      [-0, '-0.0'],
      [1, '1.0'],
      [5.1, '5.1'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e15, '1000000000000000.0'],
      [2 ** 53, '9007199254740992.0'],
      [9999999999999998, '9999999999999998.0'],
      [1e16, '1e+16'],
      [1e21, '1e+21'],
      [1e100, '1e+100'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [1e-4, '0.0001'],
      [0.0001234, '0.0001234'],
      [1e-5, '1e-05'],
      [1.5e-5, '1.5e-05'],
      [2.5e-7, '2.5e-07'],
      [-1.5e-300, '-1.5e-300'],
      [5e-324, '5e-324'],
      [-3.75, '-3.75'],
    ];
    expect(cases.map(([x]) => pythonFloat(x))).toEqual(cases.map(([, text]) => text));
  });

  it('writes JSON as Python’s json.dumps does, compact and with indent=2', () => {
    const doc = {
      columns: ['a', 'ü', '😀', 'q"\\\u007f\n\u0001'],
      data: [[{ float: 1 }, null, 'Zürich', 3]],
    };
    expect(pythonJson(doc)).toBe(
      '{"columns": ["a", "\\u00fc", "\\ud83d\\ude00", "q\\"\\\\\\u007f\\n\\u0001"], "data": [[1.0, null, "Z\\u00fcrich", 3]]}',
    );
    expect(pythonJson({ x: { c: ['a'], d: [[{ float: 1 }, null]], e: [] } }, '  ')).toBe(
      '{\n  "x": {\n    "c": [\n      "a"\n    ],\n    "d": [\n      [\n        1.0,\n        null\n      ]\n    ],\n    "e": []\n  }\n}',
    );
  });

  it('takes the first training rows: numbers as doubles, categories as their text or integer, gaps as null', () => {
    const reference: ReferenceRows = {
      features: ['size', 'colour', 'grade'],
      columns: [
        Float64Array.from([2, 3.5, NaN, 1, 1, 1, 1]),
        Float64Array.from([1, NaN, 0, 0, 0, 0, 0]),
        Float64Array.from([0, 1, 1, 0, 0, 0, 0]),
      ],
      categories: [undefined, ['blue', 'red'], [3, 7]],
      rows: Int32Array.from([2, 0, 1, 3, 4, 5, 6]),
      target: [0, 0, 0, 0, 0, 0, 0],
      prediction: [0, 0, 0, 0, 0, 0, 0],
      classes: [0],
    };
    const specs = [
      { name: 'size', type: 'numeric' as const, nullable: true },
      { name: 'colour', type: 'categorical' as const, nullable: true, categories: ['blue', 'red'] },
      { name: 'grade', type: 'categorical' as const, nullable: false, categories: [3, 7] },
    ];
    const frame = inputExample(reference, specs);
    expect(inputExampleJson(frame)).toBe(
      '{"columns": ["size", "colour", "grade"], "data": [[null, "blue", 7], [2.0, "red", 3], [3.5, null, 7], [1.0, "blue", 3], [1.0, "blue", 3]]}',
    );
    expect(JSON.parse(servingInputExampleJson(frame))).toEqual({
      dataframe_split: {
        columns: ['size', 'colour', 'grade'],
        data: JSON.parse(inputExampleJson(frame)).data,
      },
    });
  });
});
