import { escapeXml } from '../format/xml';
import { tick } from './svg-charts';

const e = escapeXml;
const r2 = (x: number): string => String(Math.round(x * 100) / 100);

export interface BeeswarmInput {
  /** Feature names, in the order the rows' values are. */
  features: readonly string[];
  /** Which features to draw, top to bottom. */
  shown: readonly number[];
  rows: number;
  /** SHAP values `shap[r·d + f]` and feature values `values[r·d + f]` (NaN: missing). */
  shap: Float64Array;
  values: Float64Array;
}

/** Low to high feature values: shap's blue-to-magenta; a missing value is grey. */
function colour(t: number): string {
  const a = [0, 138, 250];
  const b = [255, 0, 82];
  const mix = (k: number): number => Math.round((a[k] as number) + ((b[k] as number) - (a[k] as number)) * t);
  return `rgb(${mix(0)},${mix(1)},${mix(2)})`;
}

/**
 * shap's summary plot: one band per feature, a dot per row at its SHAP value, stacked where they crowd,
 * coloured by the row's value of that feature (its rank among the rows).
 */
export function beeswarm(input: BeeswarmInput, title: string): string {
  const d = input.features.length;
  const band = 30;
  const left = 150;
  const width = 620;
  const top = 8;
  const height = top + input.shown.length * band + 44;
  let lo = 0;
  let hi = 0;
  for (const f of input.shown)
    for (let r = 0; r < input.rows; r++) {
      const v = input.shap[r * d + f] as number;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  if (hi === lo) hi = lo + 1;
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * (width - left - 20);
  const parts: string[] = [
    `<line x1="${r2(x(0))}" x2="${r2(x(0))}" y1="${top}" y2="${top + input.shown.length * band}" class="axis"/>`,
  ];
  input.shown.forEach((f, k) => {
    const mid = top + k * band + band / 2;
    const name = input.features[f] as string;
    parts.push(
      `<text x="${left - 8}" y="${mid + 4}" text-anchor="end">${e(name.length > 22 ? `${name.slice(0, 21)}…` : name)}</text>`,
    );
    const known = Array.from({ length: input.rows }, (_, r) => input.values[r * d + f] as number).filter(
      (v) => v === v,
    );
    known.sort((a, b) => a - b);
    const rank = (v: number): number => {
      if (known.length < 2) return 0.5;
      let lo2 = 0;
      let hi2 = known.length;
      while (lo2 < hi2) {
        const m = (lo2 + hi2) >>> 1;
        if ((known[m] as number) < v) lo2 = m + 1;
        else hi2 = m;
      }
      return lo2 / (known.length - 1);
    };
    const crowd = new Map<number, number>();
    const dots: string[] = [];
    for (let r = 0; r < input.rows; r++) {
      const s = input.shap[r * d + f] as number;
      const px = x(s);
      const bucket = Math.round(px / 3);
      const n = crowd.get(bucket) ?? 0;
      crowd.set(bucket, n + 1);
      const offset = Math.min(band / 2 - 2, Math.ceil(n / 2) * 2.2) * (n % 2 === 0 ? 1 : -1);
      const v = input.values[r * d + f] as number;
      dots.push(
        `<circle cx="${r2(px)}" cy="${r2(mid + offset)}" r="2" fill="${v === v ? colour(Math.min(1, rank(v))) : '#adb5bd'}"/>`,
      );
    }
    parts.push(`<g fill-opacity="0.85">${dots.join('')}</g>`);
  });
  const base = top + input.shown.length * band;
  for (const v of [lo, 0, hi])
    parts.push(`<text x="${r2(x(v))}" y="${base + 16}" text-anchor="middle">${tick(v)}</text>`);
  parts.push(
    `<text x="${r2(x((lo + hi) / 2))}" y="${base + 34}" text-anchor="middle" class="label">SHAP value (impact on the model output)</text>`,
  );
  return `<svg class="chart" role="img" aria-label="${e(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** The colour legend of a beeswarm, as HTML. */
export function beeswarmLegend(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => colour(t)).join(',');
  return `<p class="legend">feature value: low <span class="ramp" style="background:linear-gradient(90deg,${stops})"></span> high · <span class="swatch" style="background:#adb5bd"></span>missing (categories by their order)</p>`;
}
