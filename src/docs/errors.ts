import { ERROR_CATALOGUE } from '../errors';

/** docs/ERRORS.md, generated from the error catalogue. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(
    ([code, spec]) => `| \`${code}\` | ${spec.exit} | ${spec.http} | ${spec.summary} |`,
  );
  return [
    '# Errors and exit codes',
    '',
    '<!-- Generated from src/errors.ts by `npm run docs`; a test fails when this file is out of date. -->',
    '',
    'Every mlctl command exits with one of four codes, so CI can gate on them:',
    '',
    '| Exit | Meaning |',
    '|---|---|',
    '| 0 | success |',
    '| 1 | operational failure: I/O, a remote service, a bug |',
    '| 2 | usage or configuration error: unknown flag, bad value, missing input file |',
    '| 3 | a check ran and failed: validation failed, quality gate missed, drift detected, canary rejected |',
    '',
    'Each error has a code; with `--json` it is printed on stdout as',
    '`{"error": {"code", "message", "problems", "hint"}}`. When an error ends a request to `mlctl serve` or',
    '`mlctl drift serve`, the response has the HTTP status of this table and the code as `error_code` in its',
    'JSON body (docs/API.md).',
    '',
    '| Code | Exit | HTTP | Meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
