/**
 * The request header that marks synthetic traffic (any value; the canary's smoke test sends
 * `canary-smoke`). `mlctl serve` answers such a request as any other, but logs it as a
 * `synthetic_prediction` / `synthetic_feedback` event, which `mlctl drift` does not read, and leaves it
 * out of ml_predictions_total, the feedback store and the live accuracy (docs/PREDICTION-LOG.md).
 */
export const SYNTHETIC_HEADER = 'X-MLCTL-Synthetic';
