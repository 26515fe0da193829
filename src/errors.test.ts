import { ERROR_CATALOGUE, MlctlError, fromFsError } from './errors';

describe('error catalogue', () => {
  it('maps every code to a DESIGN.md exit code and an HTTP error status', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect([code, [1, 2, 3]]).toEqual([code, expect.arrayContaining([spec.exit])]);
      expect(spec.http).toBeGreaterThanOrEqual(400);
      expect(spec.http).toBeLessThan(600);
      expect(spec.summary).toMatch(/\.$/);
    }
  });

  it('keeps the DESIGN.md meaning of each exit code', () => {
    expect(ERROR_CATALOGUE.USAGE.exit).toBe(2);
    expect(ERROR_CATALOGUE.CONFIG_INVALID.exit).toBe(2);
    expect(ERROR_CATALOGUE.INPUT_NOT_FOUND.exit).toBe(2);
    expect(ERROR_CATALOGUE.VALIDATION_FAILED.exit).toBe(3);
    expect(ERROR_CATALOGUE.IO_ERROR.exit).toBe(1);
    expect(ERROR_CATALOGUE.INTERNAL.exit).toBe(1);
  });

  it('gives an error its exit code and status from the catalogue', () => {
    const err = new MlctlError('INPUT_NOT_FOUND', 'x not found', { hint: 'check it', problems: ['a'] });
    expect([err.exitCode, err.httpStatus, err.hint, err.problems]).toEqual([2, 404, 'check it', ['a']]);
  });

  it('turns fs errors into messages a user can act on', () => {
    const enoent = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    expect(fromFsError(enoent, 'data file', 'a.csv')).toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: 'data file not found: a.csv',
    });
    const eacces = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    expect(fromFsError(eacces, 'data file', 'a.csv')).toMatchObject({ code: 'IO_ERROR' });
  });
});
