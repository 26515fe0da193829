/** Probabilities are clipped to [0, 1], as scipy does after each method. */
export const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** Matrix powers and long products are rescaled by 2^128 to stay within double range (scipy: _EP128). */
export const SCALE = 2 ** 128;
export const SCALE_EXP = 128;
