'use strict';
// Tasks measured by drift.bench.js, each in its own process (peak RSS is the process's own).

module.exports = {
  /** mlctl drift end to end: read the reference CSV and the JSONL log, compare, write the HTML report. */
  async mlctlDrift({ reference, current, report }) {
    const { runDrift } = require('../dist/drift/run-drift.js');
    const { createSilentLogger } = require('../dist/telemetry/logger.js');
    const result = await runDrift(
      {
        reference,
        current,
        loki: { rangeMinutes: 60, batchSize: 1000, timeoutSeconds: 30 },
        stattest: 'auto',
        driftShare: 0.5,
        minRows: 50,
        predictionColumn: 'prediction',
        targetColumn: 'target',
        report,
        reportFormat: 'html',
      },
      { logger: createSilentLogger(), cwd: process.cwd() },
    );
    return {
      rows: result.current.rows,
      status: result.status,
      share: result.drift_share,
      scores: Object.fromEntries(result.columns.map((c) => [c.name, [c.stattest_display, c.score]])),
      predictionDrift: result.prediction?.drift_detected,
      datasetDrift: result.dataset_drift,
      prediction: [result.prediction?.stattest, result.prediction?.score, result.prediction?.psi],
    };
  },
};
