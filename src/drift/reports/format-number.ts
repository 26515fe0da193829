/** A score as people read it: 4 significant digits, exponent form below 0.0001 (p-values get tiny). */
export function formatScore(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  if (Math.abs(x) < 1e-4) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

export function formatPercent(share: number | null): string {
  if (share === null || Number.isNaN(share)) return '—';
  return `${Number((share * 100).toFixed(1))}%`;
}

export const thousands = (n: number): string => n.toLocaleString('en-US');
