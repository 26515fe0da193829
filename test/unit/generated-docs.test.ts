import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocs } from '../../src/docs';

describe('generated docs', () => {
  it.each(Object.entries(generatedDocs()))(
    '%s matches its source (run `npm run docs` to update)',
    (path, content) => {
      expect(readFileSync(join(__dirname, '..', '..', path), 'utf8')).toBe(content);
    },
  );
});
