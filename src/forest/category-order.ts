/**
 * The order categories are cut in. For two classes, and for regression, sorting the categories by the
 * share of one class (by the mean target) and cutting that order finds the best of all 2^(C-1) subsets
 * (Breiman et al. 1984; Fisher 1958). For more classes no single order is exact: each class present in
 * the node gives one order (by its share, one-vs-rest), and the best cut of all of them wins — K orders
 * of C categories, where trying every subset would cost 2^(C-1).
 */

/** How many orders to try at a node: 1 with at most two classes present, else one per class present. */
export function classOrderings(parent: Float64Array, K: number): number {
  let present = 0;
  for (let c = 0; c < K; c++) if ((parent[c] as number) > 0) present++;
  return present <= 2 ? 1 : present;
}

/** The class of order o: the o-th class present in the node. */
export function orderingClass(parent: Float64Array, K: number, o: number): number {
  for (let c = 0, seen = 0; c < K; c++) {
    if ((parent[c] as number) > 0 && seen++ === o) return c;
  }
  return 0;
}

/** Sorts `order[0 … n)` by `keys[order[i]]`, equal keys by code: the same data gives the same order. */
export function sortByKey(order: Int32Array, n: number, keys: Float64Array): void {
  if (n > 24) {
    order.subarray(0, n).sort((u, v) => (keys[u] as number) - (keys[v] as number) || u - v);
    return;
  }
  for (let a = 1; a < n; a++) {
    const v = order[a] as number;
    const kv = keys[v] as number;
    let j = a - 1;
    while (j >= 0) {
      const u = order[j] as number;
      const ku = keys[u] as number;
      if (ku < kv || (ku === kv && u < v)) break;
      order[j + 1] = u;
      j--;
    }
    order[j + 1] = v;
  }
}
