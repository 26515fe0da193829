import { formatDuration, parseDuration } from './duration';

test.each([
  ['0', 0],
  ['500ms', 500],
  ['30s', 30_000],
  ['1m30s', 90_000],
  ['2h', 7_200_000],
  ['1d', 86_400_000],
])('parseDuration(%s) = %d ms', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
  if (ms > 0) expect(parseDuration(formatDuration(ms))).toBe(ms);
});

test.each(['', '5', '1.5m', '30s1m', 'm', '-1s', '1 m'])('%j is not a duration', (text) => {
  expect(parseDuration(text)).toBeUndefined();
});
