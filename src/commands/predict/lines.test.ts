import { csvLine } from './lines';
import type { LineShape } from './lines';

const shape: LineShape = {
  proba: true,
  classes: ['no', 'yes'],
  features: ['a', 'b'],
  categorical: [false, false],
  naValues: new Set(),
};
const p = Float64Array.from([0.25, 0.75]);

describe('csvLine', () => {
  it('echoes a record read without quotes as its text', () => {
    expect(csvLine(['1.5', '', 'x y'], '1.5,,x y', 'yes', p, shape)).toBe('1.5,,x y,yes,0.25,0.75');
  });

  it('gives the characters that quoting each field gives, for texts a field of which needs quotes', () => {
    // White space at a field's edge, a CR in a LF file, a LF in a CRLF file, a tab.
    for (const text of [' 1,2', '1 ,2', '1, 2', '1,2 ', '1,2\r', '1\n,2', '\t1,2', '1,\u00a02', '1,2,'])
      expect(csvLine(text.split(','), text, 'no', p, shape)).toBe(
        csvLine(text.split(','), undefined, 'no', p, shape),
      );
    expect(csvLine([' 1', '2'], ' 1,2', 'a,b', p, { ...shape, proba: false })).toBe('" 1",2,"a,b"');
  });
});
