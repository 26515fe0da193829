import type { CompiledForest } from './compiled-forest';
import { gaussLegendre } from './gauss-legendre';
import type { Predictor } from './predictor';

/**
 * Exact path-dependent TreeSHAP (Lundberg et al. 2020, Algorithm 2): what `shap.TreeExplainer(model,
 * feature_perturbation="tree_path_dependent")` computes for a random forest — the Shapley values of the
 * game whose value for a feature set S is the tree's output with the features outside S integrated out
 * by the training covers. Per row and tree every node is visited once, as in shap's own code; the
 * arithmetic is arranged differently, to the same values within rounding error.
 *
 * For a root-to-leaf path whose distinct features j carry a cover fraction z_j (the product of the
 * cover ratios of their splits on the path) and a flag o_j (1 when the row takes all their splits' way),
 * the leaf's share for feature i is
 *   v · (o_i − z_i) · Σ_{S ⊆ others} |S|!(D−|S|−1)!/D! · Π_{j∈S} o_j · Π_{j∉S} z_j,
 * and since |S|!(D−|S|−1)!/D! = ∫₀¹ t^|S| (1−t)^(D−|S|−1) dt, that is
 *   v · (o_i − z_i) · ∫₀¹ P(t) / g_i(t) dt,   g_j(t) = o_j·t + z_j·(1−t),   P = Π_j g_j,
 * the integral of a polynomial of degree D − 1, which an m-point Gauss–Legendre rule (m = ⌈D/2⌉)
 * gives exactly. The walk keeps P at the rule's m points — the flagged features' factors; an unflagged
 * feature's factor z·(1−t) is kept as a count and a product — and sums v·P over each subtree on the way
 * back up (H). A feature's share at a leaf depends only on its deepest split on the path: the edge of a
 * split on feature i adds (o_i − z_i)·⟨w/g_i, H_child⟩ for the state after the split and takes back the
 * same term for the state before it (when the feature was already on the path), a telescoping sum that
 * leaves each leaf counted at its deepest split. For an unflagged feature (o − z)/g = −1/(1 − t) whatever
 * z is, so a split on a feature already unflagged adds nothing. An edge costs O(m) instead of shap's
 * O(D) unwinding at each of the D features of every leaf.
 */
export class TreeShap {
  /** The forest's mean output before any feature is known, per output (the roots' values). */
  readonly expectedValue: Float64Array;
  readonly d: number;
  readonly K: number;
  private readonly forest: CompiledForest;
  private readonly m: number;
  private readonly t: Float64Array;
  private readonly w: Float64Array;
  /** −w_q / (1 − t_q): the weights of an unflagged feature. */
  private readonly coldWeights: Float64Array;
  /** (1 − t_q)^n at [n·m + q]: the unflagged features' factors but for their z. */
  private readonly coldPowers: Float64Array;
  // Per depth: the node, the child to visit next, the row's child; where its P lives (a split that
  // leaves P as it was shares its parent's), the unflagged features' count and product of z; w/g at the
  // rule's points for the flagged state set on entering it; H (m per output); the path's length.
  private readonly node: Int32Array;
  private readonly stage: Uint8Array;
  private readonly hot: Int32Array;
  private readonly productAt: Int32Array;
  private readonly products: Float64Array;
  private readonly coldCount: Int32Array;
  private readonly coldZ: Float64Array;
  private readonly weightsAt: Float64Array;
  private readonly sums: Float64Array;
  /** The outputs walked for every class: K, or K − 1 when the last is the others' complement. */
  private readonly width: number;
  /** Scratch: a leaf's P·Π z_unflagged·(1 − t)^unflagged, and an edge's credit weights, at the rule's points. */
  private readonly leafBase: Float64Array;
  private readonly credits: Float64Array;
  private readonly pathLength: Int32Array;
  // Per depth: the split that led there — its feature, where the feature sits on the path (-1: new),
  // and the feature's state before it.
  private readonly edgeFeature: Int32Array;
  private readonly edgePlace: Int32Array;
  private readonly beforeZ: Float64Array;
  private readonly beforeFlag: Uint8Array;
  private readonly beforeSetAt: Int32Array;
  // The path's distinct features: cover fraction z, flag o, the depth holding their w/g (flagged); each
  // feature's place on the path.
  private readonly pathZ: Float64Array;
  private readonly pathFlag: Uint8Array;
  private readonly setAt: Int32Array;
  private readonly placeOf: Int32Array;

  constructor(predictor: Predictor) {
    const forest = (this.forest = predictor.compiled);
    const { d, K, roots, out } = forest;
    this.d = d;
    this.K = K;
    const depth = maxDepth(forest);
    const distinct = Math.max(1, Math.min(depth, d));
    const m = (this.m = Math.ceil(distinct / 2));
    const rule = gaussLegendre(m);
    this.t = rule.nodes;
    this.w = rule.weights;
    this.coldWeights = this.w.map((w, q) => -w / (1 - (this.t[q] as number)));
    this.coldPowers = new Float64Array((distinct + 1) * m);
    for (let q = 0; q < m; q++) {
      this.coldPowers[q] = 1;
      for (let n = 1; n <= distinct; n++)
        this.coldPowers[n * m + q] =
          (this.coldPowers[(n - 1) * m + q] as number) * (1 - (this.t[q] as number));
    }
    const levels = depth + 2;
    this.node = new Int32Array(levels);
    this.stage = new Uint8Array(levels);
    this.hot = new Int32Array(levels);
    this.productAt = new Int32Array(levels);
    this.products = new Float64Array(levels * m);
    this.coldCount = new Int32Array(levels);
    this.coldZ = new Float64Array(levels);
    this.weightsAt = new Float64Array(levels * m);
    this.sums = new Float64Array(levels * m * K);
    this.width = K > 1 && distributions(forest) ? K - 1 : K;
    this.leafBase = new Float64Array(m);
    this.credits = new Float64Array(m);
    this.pathLength = new Int32Array(levels);
    this.edgeFeature = new Int32Array(levels);
    this.edgePlace = new Int32Array(levels);
    this.beforeZ = new Float64Array(levels);
    this.beforeFlag = new Uint8Array(levels);
    this.beforeSetAt = new Int32Array(levels);
    this.pathZ = new Float64Array(distinct + 1);
    this.pathFlag = new Uint8Array(distinct + 1);
    this.setAt = new Int32Array(distinct + 1);
    this.placeOf = new Int32Array(d).fill(-1);
    this.expectedValue = new Float64Array(K);
    for (let tree = 0; tree < roots.length; tree++) {
      const root = roots[tree] as number;
      for (let c = 0; c < K; c++)
        this.expectedValue[c] = (this.expectedValue[c] as number) + (out[root * K + c] as number);
    }
    for (let c = 0; c < K; c++) this.expectedValue[c] = (this.expectedValue[c] as number) / roots.length;
  }

  /**
   * The SHAP values of one row (encoded as the predictor takes it: category codes, NaN for missing) into
   * `phi`: with `output` −1, `phi[f * K + c]` for every feature f and output c; else `phi[f]` for that
   * output alone (cheaper with many classes). Then `expectedValue + Σ_f phi` is the prediction.
   */
  shapInto(row: ArrayLike<number>, phi: Float64Array, output = -1): void {
    phi.fill(0);
    const { roots } = this.forest;
    for (let tree = 0; tree < roots.length; tree++) this.walk(roots[tree] as number, row, phi, output);
    const n = roots.length;
    for (let j = 0; j < phi.length; j++) phi[j] = (phi[j] as number) / n;
    if (output >= 0 || this.width === this.K) return;
    // Every leaf's outputs sum to 1, so every feature's values over the classes sum to 0.
    const { K } = this;
    for (let at = 0; at < phi.length; at += K) {
      let sum = 0;
      for (let c = 0; c < K - 1; c++) sum += phi[at + c] as number;
      phi[at + K - 1] = 0 - sum; // not -sum: a feature no tree uses gets 0, not -0
    }
  }

  /** One tree, depth first, without recursion (a tree may be deeper than the call stack). */
  private walk(root: number, row: ArrayLike<number>, phi: Float64Array, output: number): void {
    const { forest, m, node, stage, hot, products, productAt, coldCount, coldZ, coldPowers, leafBase } = this;
    const { links, cover } = forest;
    node[0] = root;
    stage[0] = 0;
    for (let q = 0; q < m; q++) products[q] = 1;
    productAt[0] = 0;
    coldCount[0] = 0;
    coldZ[0] = 1;
    this.pathLength[0] = 0;
    let level = 0;
    for (;;) {
      const at = node[level] as number;
      const feature = links[4 * at + 2] as number;
      const s = stage[level] as number;
      if (feature >= 0 && s < 2) {
        if (s === 0) hot[level] = forest.step(at, row);
        stage[level] = s + 1;
        const child = (links[4 * at + 3] as number) + s;
        const ratio = (cover[child] as number) / (cover[at] as number);
        this.enter(level, feature < this.d ? feature : feature - this.d, ratio, child === hot[level]);
        node[++level] = child;
        stage[level] = 0;
        continue;
      }
      if (level === 0) return;
      if (feature < 0) {
        // A leaf: H = v·P, P = (flagged factors)·Π z_unflagged·(1 − t)^unflagged; P once, v per output.
        const p = (productAt[level] as number) * m;
        const powers = (coldCount[level] as number) * m;
        const z = coldZ[level] as number;
        for (let q = 0; q < m; q++)
          leafBase[q] = z * (products[p + q] as number) * (coldPowers[powers + q] as number);
      }
      this.leave(level, phi, output, feature < 0 ? at : -1);
      level--;
    }
  }

  /** Extends the path of `level` by one split on `f` into level + 1. */
  private enter(level: number, f: number, ratio: number, flagged: boolean): void {
    const { m, t, w, products, productAt, weightsAt, pathZ, pathFlag, setAt, placeOf } = this;
    const next = level + 1;
    const place = placeOf[f] as number;
    let length = this.pathLength[level] as number;
    this.edgeFeature[next] = f;
    this.edgePlace[next] = place;
    let at = place;
    let z = ratio;
    let o = flagged ? 1 : 0;
    let o0 = 0;
    if (place < 0) {
      at = length++;
      placeOf[f] = at;
    } else {
      o0 = pathFlag[at] as number;
      this.beforeZ[next] = pathZ[at] as number;
      this.beforeFlag[next] = o0;
      this.beforeSetAt[next] = setAt[at] as number;
      z *= pathZ[at] as number;
      o &= o0;
    }
    pathZ[at] = z;
    pathFlag[at] = o;
    setAt[at] = next;
    this.pathLength[next] = length;
    const from = (productAt[level] as number) * m;
    const to = next * m;
    const old = o0 === 1 ? (this.beforeSetAt[next] as number) * m : -1;
    // w/g_old · 1/w = 1/g_old: the old flagged factor comes out of P.
    if (o === 1) {
      productAt[next] = next;
      for (let q = 0; q < m; q++) {
        const tq = t[q] as number;
        const wq = w[q] as number;
        const g = tq + (1 - tq) * z;
        weightsAt[to + q] = wq / g;
        const p = (products[from + q] as number) * g;
        products[to + q] = old < 0 ? p : (p * (weightsAt[old + q] as number)) / wq;
      }
    } else if (old >= 0) {
      productAt[next] = next;
      for (let q = 0; q < m; q++)
        products[to + q] =
          ((products[from + q] as number) * (weightsAt[old + q] as number)) / (w[q] as number);
    } else productAt[next] = productAt[level] as number;
    const wasCold = place >= 0 && o0 === 0;
    this.coldCount[next] = (this.coldCount[level] as number) + (o === 0 && !wasCold ? 1 : 0);
    this.coldZ[next] = (this.coldZ[level] as number) * (o === 1 ? 1 : wasCold ? ratio : z);
  }

  /**
   * Done with the subtree at `level` (a leaf's H is v·leafBase, never stored): credits its split's
   * feature with (o − z)·⟨w/g, H⟩ for the state after the split, less the same for the state before it;
   * adds H to the parent's; takes the split off the path. The weights of that difference do not depend
   * on the output, so they are formed once per edge.
   */
  private leave(level: number, phi: Float64Array, output: number, leaf: number): void {
    const { m, sums, weightsAt, coldWeights, pathZ, pathFlag, setAt, placeOf, K, credits, leafBase } = this;
    const f = this.edgeFeature[level] as number;
    const place = this.edgePlace[level] as number;
    const at = place < 0 ? (this.pathLength[level] as number) - 1 : place;
    const o = pathFlag[at] as number;
    const now = 1 - (pathZ[at] as number);
    let before = 0;
    let old = 0;
    if (place >= 0) {
      const o0 = this.beforeFlag[level] as number;
      if (o0 === 1) {
        before = 1 - (this.beforeZ[level] as number);
        old = (this.beforeSetAt[level] as number) * m;
      }
      pathZ[at] = this.beforeZ[level] as number;
      pathFlag[at] = o0;
      setAt[at] = this.beforeSetAt[level] as number;
    } else placeOf[f] = -1;
    // A split on a feature that was already unflagged: both terms are −⟨w/(1−t), H⟩ and cancel.
    const credit = place < 0 || before !== 0;
    if (credit) {
      const mine = level * m;
      for (let q = 0; q < m; q++) {
        const a = o === 1 ? now * (weightsAt[mine + q] as number) : (coldWeights[q] as number);
        credits[q] = before === 0 ? a : a - before * (weightsAt[old + q] as number);
      }
    }
    const width = output >= 0 ? 1 : this.width;
    const span = m * width;
    const h = level * span;
    const parent = h - span;
    // The parent's H starts as its first child's and adds its second's.
    const add = this.stage[level - 1] === 2;
    const first = output >= 0 ? output : 0;
    let leafShare = 0;
    if (leaf >= 0 && credit)
      for (let q = 0; q < m; q++) leafShare += (credits[q] as number) * (leafBase[q] as number);
    for (let c = 0; c < width; c++) {
      const pc = parent + c * m;
      const j = output >= 0 ? f : f * K + c;
      if (leaf >= 0) {
        const v = this.forest.out[leaf * K + first + c] as number;
        if (credit) phi[j] = (phi[j] as number) + v * leafShare;
        if (add)
          for (let q = 0; q < m; q++) sums[pc + q] = (sums[pc + q] as number) + v * (leafBase[q] as number);
        else for (let q = 0; q < m; q++) sums[pc + q] = v * (leafBase[q] as number);
        continue;
      }
      const hc = h + c * m;
      if (credit) {
        let share = 0;
        for (let q = 0; q < m; q++) share += (credits[q] as number) * (sums[hc + q] as number);
        phi[j] = (phi[j] as number) + share;
      }
      if (add) for (let q = 0; q < m; q++) sums[pc + q] = (sums[pc + q] as number) + (sums[hc + q] as number);
      else for (let q = 0; q < m; q++) sums[pc + q] = sums[hc + q] as number;
    }
  }
}

/**
 * Whether every leaf holds a class distribution (its outputs sum to 1): then the classes' SHAP values
 * sum to 0 for every feature, and the last class's need not be walked.
 */
function distributions(forest: CompiledForest): boolean {
  const { links, out, K } = forest;
  const total = links.length / 4;
  for (let i = 0; i < total; i++) {
    if ((links[4 * i + 2] as number) >= 0) continue;
    let sum = 0;
    for (let c = 0; c < K; c++) sum += out[i * K + c] as number;
    if (!(Math.abs(sum - 1) <= 1e-12)) return false;
  }
  return true;
}

/** The deepest leaf's depth (the root is 0). Children follow their parent in the compiled layout. */
function maxDepth(forest: CompiledForest): number {
  const { links } = forest;
  const total = links.length / 4;
  const depth = new Int32Array(total);
  let deepest = 0;
  for (let i = 0; i < total; i++) {
    const at = depth[i] as number;
    if (at > deepest) deepest = at;
    if ((links[4 * i + 2] as number) < 0) continue;
    const child = links[4 * i + 3] as number;
    depth[child] = at + 1;
    depth[child + 1] = at + 1;
  }
  return deepest;
}
