/**
 * Durations as Prometheus and Argo write them: `500ms`, `30s`, `1m30s`, `2h`, `1d`. Units must appear
 * largest first, each at most once (Prometheus' own rule), so a duration reads one way only.
 */
const UNITS = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
] as const;

export const DURATION_PATTERN = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** Milliseconds of a duration, or undefined when the text is not one. `0` alone means zero. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = DURATION_PATTERN.exec(text);
  if (!m || text === '') return undefined;
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number.parseInt(part, 10) * (UNITS[i] as (typeof UNITS)[number])[1];
  }
  return ms;
}

/** The shortest duration text for a number of milliseconds (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
