import { escapeXml } from '../format/xml';

const e = escapeXml;
const r2 = (x: number): string => String(Math.round(x * 100) / 100);

/** Ten colours for classes (and series), told apart in print and by most colour-blind readers. */
export const PALETTE = [
  '#4c72b0',
  '#dd8452',
  '#55a868',
  '#c44e52',
  '#8172b3',
  '#937860',
  '#da8bc3',
  '#8c8c8c',
  '#ccb974',
  '#64b5cd',
];
export const colourOf = (i: number): string => PALETTE[i % PALETTE.length] as string;

/** A number for an axis tick: short. */
export function tick(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(1);
  return Number(x.toPrecision(3)).toString();
}

/** Round tick values inside [lo, hi]: steps of 1, 2, 2.5 or 5 times a power of ten, about five ticks. */
export function niceTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  parts: string[];
  width: number;
  height: number;
}

/** Axes, grid and tick labels of a plot over [x0, x1] × [y0, y1]. */
function frame(
  xs: [number, number],
  ys: [number, number],
  labels: [string, string],
  size = [520, 300],
): Frame {
  const [width, height] = size as [number, number];
  const left = 56;
  const right = 12;
  const top = 10;
  const bottom = 40;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const span = (d: [number, number]): [number, number] => (d[1] > d[0] ? d : [d[0] - 1, d[0] + 1]);
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const x = (v: number): number => left + ((v - x0) / (x1 - x0)) * pw;
  const y = (v: number): number => top + ph - ((v - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  for (const vy of niceTicks(y0, y1)) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${r2(y(vy))}" y2="${r2(y(vy))}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${r2(y(vy) + 4)}" text-anchor="end">${tick(vy)}</text>`);
  }
  for (const vx of niceTicks(x0, x1)) {
    const anchor = x(vx) - left < 10 ? 'start' : width - right - x(vx) < 10 ? 'end' : 'middle';
    parts.push(`<text x="${r2(x(vx))}" y="${top + ph + 15}" text-anchor="${anchor}">${tick(vx)}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${top + ph}" y2="${top + ph}" class="axis"/>`);
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + ph}" class="axis"/>`);
  parts.push(
    `<text x="${left + pw / 2}" y="${height - 4}" text-anchor="middle" class="label">${e(labels[0])}</text>`,
  );
  parts.push(
    `<text x="12" y="${top + ph / 2}" text-anchor="middle" transform="rotate(-90 12 ${top + ph / 2})" class="label">${e(labels[1])}</text>`,
  );
  return { x, y, parts, width, height };
}

function svg(f: Frame, title: string, body: string[]): string {
  return `<svg class="chart" role="img" aria-label="${e(title)}" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}">${[...f.parts, ...body].join('')}</svg>`;
}

export interface Series {
  name: string;
  colour: string;
  x: number[];
  y: Array<number | null>;
  /** Draw points as well as the line. */
  points?: boolean;
}

/** Lines over [0, 1]² (ROC, precision-recall, calibration) or any domain, with an optional diagonal. */
export function lineChart(
  series: Series[],
  options: {
    title: string;
    labels: [string, string];
    x?: [number, number];
    y?: [number, number];
    diagonal?: boolean;
  },
): string {
  const values = series.flatMap((s) => s.y.filter((v): v is number => v !== null));
  const xs = series.flatMap((s) => s.x);
  const f = frame(
    options.x ?? [Math.min(...xs), Math.max(...xs)],
    options.y ?? [Math.min(...values), Math.max(...values)],
    options.labels,
  );
  const body: string[] = [];
  if (options.diagonal)
    body.push(
      `<line x1="${r2(f.x(0))}" y1="${r2(f.y(0))}" x2="${r2(f.x(1))}" y2="${r2(f.y(1))}" class="diagonal"/>`,
    );
  for (const s of series) {
    const pts = s.x.flatMap((x, i) =>
      s.y[i] === null ? [] : [`${r2(f.x(x))},${r2(f.y(s.y[i] as number))}`],
    );
    body.push(
      `<polyline fill="none" stroke="${s.colour}" stroke-width="1.8" points="${pts.join(' ')}"><title>${e(s.name)}</title></polyline>`,
    );
    if (s.points)
      for (const p of pts)
        body.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${s.colour}"/>`);
  }
  return svg(f, options.title, body);
}

/** Points, optionally with the line y = x (predicted against actual) or y = 0 (residuals). */
export function scatterChart(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { title: string; labels: [string, string]; reference: 'identity' | 'zero' },
): string {
  const xs = Array.from(x);
  const ys = Array.from(y);
  const lo = Math.min(...xs, ...(options.reference === 'identity' ? ys : []));
  const hi = Math.max(...xs, ...(options.reference === 'identity' ? ys : []));
  const yr: [number, number] =
    options.reference === 'identity' ? [lo, hi] : [Math.min(0, ...ys), Math.max(0, ...ys)];
  const f = frame([lo, hi], yr, options.labels);
  const body =
    options.reference === 'identity'
      ? [
          `<line x1="${r2(f.x(lo))}" y1="${r2(f.y(lo))}" x2="${r2(f.x(hi))}" y2="${r2(f.y(hi))}" class="diagonal"/>`,
        ]
      : [
          `<line x1="${r2(f.x(lo))}" y1="${r2(f.y(0))}" x2="${r2(f.x(hi))}" y2="${r2(f.y(0))}" class="diagonal"/>`,
        ];
  body.push(
    `<g fill="${PALETTE[0]}" fill-opacity="0.45">${xs.map((v, i) => `<circle cx="${r2(f.x(v))}" cy="${r2(f.y(ys[i] as number))}" r="2.2"/>`).join('')}</g>`,
  );
  return svg(f, options.title, body);
}

/** A heat map of a matrix with its numbers: rows true classes, columns predicted (shade: row share). */
export function heatMap(matrix: number[][], labels: string[], title: string): string {
  const n = labels.length;
  const cell = Math.max(26, Math.min(56, Math.floor(440 / Math.max(1, n))));
  const left = 70;
  const top = 36;
  const width = left + n * cell + 10;
  const height = top + n * cell + 30;
  const parts: string[] = [
    `<text x="${left + (n * cell) / 2}" y="12" text-anchor="middle" class="label">predicted</text>`,
    `<text x="12" y="${top + (n * cell) / 2}" text-anchor="middle" transform="rotate(-90 12 ${top + (n * cell) / 2})" class="label">true</text>`,
  ];
  labels.forEach((label, i) => {
    const shown = e(label.length > 8 ? `${label.slice(0, 7)}…` : label);
    parts.push(`<text x="${left + i * cell + cell / 2}" y="${top - 6}" text-anchor="middle">${shown}</text>`);
    parts.push(
      `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${shown}</text>`,
    );
  });
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const share = total > 0 ? count / total : 0;
      const fill =
        i === j
          ? `rgba(47,158,68,${r2(0.08 + 0.85 * share)})`
          : `rgba(217,72,15,${r2(share > 0 ? 0.08 + 0.85 * share : 0)})`;
      const ink = share > 0.55 ? '#fff' : '#1f2933';
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"><title>true ${e(labels[i] as string)}, predicted ${e(labels[j] as string)}: ${count}</title></rect>`,
        `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" fill="${ink}" class="cell">${count}</text>`,
      );
    });
  });
  return `<svg class="chart heat" role="img" aria-label="${e(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** Horizontal bars, largest first, with an optional ± spread. */
export function barChart(
  items: Array<{ label: string; value: number; spread?: number }>,
  title: string,
  unit: string,
): string {
  const left = 150;
  const width = 380;
  const bar = 16;
  const height = 20 + items.length * (bar + 6) + 24;
  const max = Math.max(...items.map((i) => i.value + (i.spread ?? 0)), 1e-12);
  const min = Math.min(0, ...items.map((i) => i.value));
  const x = (v: number): number => left + ((v - min) / (max - min)) * (width - left - 50);
  const parts = items.map((item, k) => {
    const y = 10 + k * (bar + 6);
    const label = e(item.label.length > 22 ? `${item.label.slice(0, 21)}…` : item.label);
    const from = Math.min(x(0), x(item.value));
    const err =
      item.spread !== undefined
        ? `<line x1="${r2(x(item.value - item.spread))}" x2="${r2(x(item.value + item.spread))}" y1="${y + bar / 2}" y2="${y + bar / 2}" class="axis"/>`
        : '';
    return `<text x="${left - 6}" y="${y + 12}" text-anchor="end">${label}</text><rect x="${r2(from)}" y="${y}" width="${r2(Math.abs(x(item.value) - x(0)))}" height="${bar}" fill="${PALETTE[0]}"><title>${label}: ${tick(item.value)}</title></rect>${err}<text x="${r2(Math.max(x(item.value), x(0)) + 4)}" y="${y + 12}">${tick(item.value)}</text>`;
  });
  parts.push(`<text x="${left}" y="${height - 6}" class="label">${e(unit)}</text>`);
  return `<svg class="chart" role="img" aria-label="${e(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}
