/** An m-point Gauss–Legendre rule on [0, 1]: Σ weights[q] · g(nodes[q]) = ∫₀¹ g exactly for degree ≤ 2m − 1. */
export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

/**
 * The Gauss–Legendre rule with m points, moved from [-1, 1] to [0, 1]. Nodes are the roots of the
 * Legendre polynomial P_m, found by Newton's method from Chebyshev-like first guesses (the classic
 * recipe); each converges to the last bit in a few steps, so the rule integrates polynomials of degree
 * up to 2m − 1 to rounding error — what tree-shap.ts needs of it.
 */
export function gaussLegendre(m: number): QuadratureRule {
  const nodes = new Float64Array(m);
  const weights = new Float64Array(m);
  for (let i = 0; i < Math.ceil(m / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let derivative = 0;
    for (let step = 0; step < 100; step++) {
      // P_m(x) and P_{m-1}(x) by the three-term recurrence, then P_m'(x).
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= m; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pm = m === 1 ? x : p1;
      const pPrev = m === 1 ? 1 : p0;
      derivative = (m * (x * pm - pPrev)) / (x * x - 1);
      const dx = pm / derivative;
      x -= dx;
      if (Math.abs(dx) <= 1e-16) break;
    }
    const w = 2 / ((1 - x * x) * derivative * derivative);
    // x and -x are both nodes; on [0, 1] they become (1 ∓ x) / 2, each with half the weight.
    nodes[i] = (1 - x) / 2;
    nodes[m - 1 - i] = (1 + x) / 2;
    weights[i] = w / 2;
    weights[m - 1 - i] = w / 2;
  }
  return { nodes, weights };
}
