import { escapeXml } from '../../format/xml';
import type { Histogram } from '../histogram';
import { formatScore } from './format-number';

export const REFERENCE_COLOR = '#6b7f99';
export const CURRENT_COLOR = '#e8590c';

const r2 = (x: number): string => String(Math.round(x * 100) / 100);

/** A tiny bar chart of one side's shares, scaled to the larger of both sides so the pair compares. */
export function sparkline(shares: number[], max: number, color: string, label: string): string {
  const width = 140;
  const height = 36;
  const n = shares.length;
  if (n === 0) return '<span class="muted">no data</span>';
  const step = width / n;
  const bar = Math.max(step - (n > 30 ? 0.5 : 1.5), 0.8);
  const bars = shares
    .map((s, i) => {
      const h = max > 0 ? (s / max) * (height - 2) : 0;
      return `<rect x="${r2(i * step)}" y="${r2(height - h)}" width="${r2(bar)}" height="${r2(h)}"/>`;
    })
    .join('');
  return `<svg class="spark" role="img" aria-label="${escapeXml(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" class="bg"/><g fill="${color}">${bars}</g></svg>`;
}

/**
 * Reference and current shares side by side: one pair of bars per value or category (labels under each),
 * or per bin (edge values as ticks; on a symmetric-log axis the bins are equal in log space, so the
 * ticks are spread unevenly in value and say so).
 */
export function distributionChart(h: Histogram, title: string): string {
  const width = 560;
  const height = 230;
  const left = 54;
  const right = 10;
  const top = 12;
  const values = h.kind === 'values';
  // Short labels (class ids) stand upright; longer ones are turned so neighbours do not overlap.
  const turn = values && (h.labels.some((l) => l.length > 4) || h.labels.length > 16);
  const bottom = turn ? 62 : 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = h.reference.length;
  if (n === 0) return '<p class="muted">Nothing to plot.</p>';
  const max = Math.max(...h.reference, ...h.current, 1e-12);
  const step = plotW / n;
  const barW = Math.max((step - 2) / 2, 0.6);
  const y = (s: number): number => top + plotH - (s / max) * plotH;
  const parts: string[] = [];
  for (const frac of [0, 0.5, 1]) {
    const yy = top + plotH - frac * plotH;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${r2(yy)}" y2="${r2(yy)}" class="grid"/>`);
    const share = Number((frac * max * 100).toFixed(1));
    parts.push(`<text x="${left - 6}" y="${r2(yy + 4)}" text-anchor="end">${share}%</text>`);
  }
  for (let i = 0; i < n; i++) {
    const x = left + i * step + 1;
    const a = h.reference[i] ?? 0;
    const b = h.current[i] ?? 0;
    const label = escapeXml(binLabel(h, i));
    parts.push(
      `<rect x="${r2(x)}" y="${r2(y(a))}" width="${r2(barW)}" height="${r2(top + plotH - y(a))}" fill="${REFERENCE_COLOR}"><title>reference ${label}: ${r2(a * 100)}%</title></rect>`,
    );
    parts.push(
      `<rect x="${r2(x + barW)}" y="${r2(y(b))}" width="${r2(barW)}" height="${r2(top + plotH - y(b))}" fill="${CURRENT_COLOR}"><title>current ${label}: ${r2(b * 100)}%</title></rect>`,
    );
  }
  const base = top + plotH;
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${base}" y2="${base}" class="axis"/>`);
  if (h.kind === 'bins') {
    const ticks =
      h.scale === 'log' ? [0, n / 4, n / 2, (3 * n) / 4, n].map(Math.round) : [0, Math.floor(n / 2), n];
    for (const t of [...new Set(ticks)]) {
      const x = left + t * step;
      // The outer labels align inwards so they stay inside the chart.
      const anchor = t === 0 ? 'start' : t === n ? 'end' : 'middle';
      parts.push(`<line x1="${r2(x)}" x2="${r2(x)}" y1="${base}" y2="${base + 4}" class="axis"/>`);
      parts.push(
        `<text x="${r2(x)}" y="${base + 16}" text-anchor="${anchor}">${escapeXml(formatScore(h.edges[t] ?? 0))}</text>`,
      );
    }
    if (h.scale === 'log') {
      parts.push(
        `<text x="${width - right}" y="${top + 10}" text-anchor="end" class="note">log scale (long tail)</text>`,
      );
    }
  } else {
    h.labels.forEach((label, i) => {
      const x = left + i * step + step / 2;
      const shown = escapeXml(label.length > 14 ? `${label.slice(0, 13)}…` : label);
      const place = turn
        ? `text-anchor="end" transform="rotate(-35 ${r2(x)} ${base + 14})"`
        : 'text-anchor="middle"';
      parts.push(`<text x="${r2(x)}" y="${base + 14}" ${place}>${shown}</text>`);
    });
  }
  return `<svg class="chart" role="img" aria-label="${escapeXml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function binLabel(h: Histogram, i: number): string {
  if (h.kind === 'values') return h.labels[i] ?? '';
  return `[${formatScore(h.edges[i] ?? 0)}, ${formatScore(h.edges[i + 1] ?? 0)}${i === h.edges.length - 2 ? ']' : ')'}`;
}
