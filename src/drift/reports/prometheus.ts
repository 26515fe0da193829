import { createDriftMetrics } from '../metrics';
import type { DriftResult } from '../run-drift';

/** Prometheus text exposition of one run (the same metrics `mlctl drift serve` exposes), e.g. for a textfile collector. */
export async function renderPrometheus(result: DriftResult): Promise<string> {
  const metrics = createDriftMetrics();
  metrics.recordRun(result, Date.parse(result.evaluated_at));
  return metrics.registry.metrics();
}
