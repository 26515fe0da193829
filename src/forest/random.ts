/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32). Every random draw of training comes
 * from a stream derived from (seed, stream id) alone, so a tree is the same whichever thread grows it
 * and in whatever order: that is what makes the model byte-identical for any `--threads`.
 */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform integer in [0, n), n ≥ 1. */
  nextInt(n: number): number;
  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number;
}

/** Stream id of tree i (stream 0 is left unused: the train/test split follows NumPy, numpy-random.ts). */
export const treeStream = (treeIndex: number): number => treeIndex + 1;

const TWO_32 = 4294967296;
const EXACT_INT_LIMIT = 1 << 21;

/** murmur3's finaliser: a bijective 32-bit mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let a = state | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

export function createRng(seed: number, stream: number): Rng {
  const init = splitmix32(fmix32((seed >>> 0) ^ fmix32((stream >>> 0) + 0x6a09e667)));
  let s0 = init();
  let s1 = init();
  let s2 = init();
  let s3 = init();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const nextFloat = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992;
  return {
    nextUint32,
    nextFloat,
    // One 32-bit draw is exact (multiply-shift, no modulo bias worth the name) below 2^21; past that,
    // a 53-bit float keeps every index reachable.
    nextInt: (n) =>
      n <= EXACT_INT_LIMIT ? Math.floor((nextUint32() * n) / TWO_32) : Math.floor(nextFloat() * n),
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
