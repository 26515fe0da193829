import { z } from 'zod';
import { PROBLEM_KINDS } from '../../data/validate';
import { datasetSchemaSchema } from '../../data/schema';
import { STAT_TEST_NAMES } from '../../drift/select-test';
import { ERROR_CATALOGUE } from '../../errors';

// The `--json` documents of validate, train, drift, canary, init, and the error document every command
// prints with --json when it fails. Maps keyed by data (column, class, file, tag names) keep their keys.

const problemKind = z.enum(Object.keys(PROBLEM_KINDS) as [keyof typeof PROBLEM_KINDS]);
const check = z.strictObject({
  kind: problemKind,
  column: z.string().optional(),
  count: z.number().int().describe('Problems found (0: the check passed).'),
  samples: z.array(
    z.strictObject({
      line: z.number().int().optional(),
      column: z.string().optional(),
      value: z.string().optional(),
      message: z.string(),
    }),
  ),
});

export const validateOutput = z.union([
  z.strictObject({
    mode: z.literal('validate'),
    valid: z.boolean(),
    schema: z.string(),
    summary: z.strictObject({
      files: z.number().int(),
      passed: z.number().int(),
      failed: z.number().int(),
      problems: z.number().int(),
    }),
    files: z.array(
      z.strictObject({
        file: z.string(),
        valid: z.boolean(),
        rows: z.number().int(),
        columns: z.array(z.string()),
        checks: z.array(check),
        seconds: z.number(),
      }),
    ),
  }),
  z.strictObject({
    mode: z.literal('infer'),
    valid: z.boolean(),
    file: z.string(),
    schema_path: z.string().describe('Where the inferred schema was written.'),
    rows: z.number().int(),
    schema: datasetSchemaSchema
      .nullable()
      .describe(
        'The inferred dataset schema as written to the file, in that file’s own format (docs/schemas/dataset-schema.json); null when none was written.',
      ),
    defects: z.array(z.strictObject({ line: z.number().int(), message: z.string() })),
  }),
]);

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const classLabel = z.union([z.string(), z.number()]);

export const trainOutput = (registration: z.ZodType) =>
  z.strictObject({
    model_dir: z.string(),
    data: z.strictObject({ path: z.string(), sha256: z.string(), rows: z.number().int() }),
    schema: z.string().nullable().describe('The dataset schema the data was checked against.'),
    test_data: z
      .string()
      .nullable()
      .describe('The --test-data file the metrics come from; null when they come from a split or OOB.'),
    task: z.enum(['classification', 'regression']),
    task_reason: z.string().describe('Why: as asked (--task), or what the target looked like.'),
    target: z.string(),
    features: z.array(z.string()),
    feature_types: z
      .record(
        z.string(),
        z.strictObject({
          type: z.enum(['numeric', 'categorical']),
          nullable: z.boolean(),
          categories: z.array(classLabel).optional(),
        }),
      )
      .describe('Each feature’s type as trained (model.json feature_info).'),
    left_out: z
      .array(z.strictObject({ column: z.string(), reason: z.string() }))
      .describe('Columns not used as features, and why (identifier-like, empty).'),
    notes: z.array(z.string()),
    classes: z.array(classLabel).describe('Classification: the labels; empty for regression.'),
    params: z.record(z.string(), scalar).describe('Hyper-parameters, by name (as in MLmodel).'),
    metrics: z
      .union([
        z.looseObject({ accuracy: z.number(), f1_macro: z.number() }),
        z.looseObject({ r2: z.number(), rmse: z.number(), mae: z.number() }),
      ])
      .describe('metrics.json of the artifact (docs/ARTIFACT.md).'),
    gate: z
      .strictObject({
        passed: z.boolean(),
        reason: z.string(),
        checks: z.array(
          z.strictObject({
            metric: z.enum(['accuracy', 'r2', 'rmse']),
            value: z.number(),
            kind: z.enum(['min', 'max']),
            bound: z.number(),
            passed: z.boolean(),
          }),
        ),
      })
      .nullable()
      .describe('The quality gate (--min-accuracy, --min-r2, --max-rmse); null without one.'),
    threads: z.number().int(),
    seconds: z.record(z.string(), z.number()),
    files: z.record(z.string(), z.string()).describe('File → sha256, as in SHA256SUMS.'),
    registration: registration.optional().describe('With --register: what `mlctl register --json` prints.'),
  });

const columnDrift = {
  name: z.string(),
  type: z
    .enum(['numerical', 'categorical', 'text'])
    .nullable()
    .describe('Evidently 0.7’s column type; null when neither side holds a value.'),
  type_rule: z.string().describe('How the type was decided (docs/DRIFT.md).'),
  status: z.enum(['drift', 'no_drift', 'not_evaluated']),
  reason: z.string().nullable().describe('Why the column was not evaluated; null when it was.'),
  stattest: z.enum(STAT_TEST_NAMES).nullable(),
  score: z.number().nullable().describe('p-value or distance; null when not evaluated (or not finite).'),
  threshold: z.number().nullable(),
  drift_detected: z.boolean().nullable(),
  reference_rows: z.number().int().describe('Values compared (missing and non-numeric cells left out).'),
  current_rows: z.number().int(),
  reference_missing: z.number().int(),
  current_missing: z.number().int(),
  reference_missing_share: z.number().nullable().describe('Missing cells / cells; null without cells.'),
  current_missing_share: z.number().nullable(),
  reference_non_numeric: z.number().int().describe('Cells of a numeric column that are not numbers.'),
  current_non_numeric: z.number().int(),
};

export const driftOutput = z.strictObject({
  status: z.enum(['drift', 'no_drift', 'not_evaluated']),
  reason: z.string().nullable(),
  dataset_drift: z.boolean().nullable(),
  drift_share: z.number().nullable(),
  drift_share_threshold: z.number(),
  drifted_columns: z.number().int().nullable(),
  number_of_columns: z.number().int().describe('Columns evaluated: the drift share’s denominator.'),
  not_evaluated_columns: z.number().int().describe('Columns compared but not evaluated (each says why).'),
  column_typing: z.enum(['evidently', 'legacy']),
  columns: z.array(z.strictObject(columnDrift)),
  prediction: z
    .strictObject({ ...columnDrift, psi: z.number().nullable(), psi_threshold: z.number() })
    .nullable(),
  stattest: z.enum(['auto', ...STAT_TEST_NAMES]),
  min_rows: z.number().int(),
  reference: z.strictObject({
    source: z.string(),
    rows: z.number().int(),
    artifact: z.string().nullable(),
    sha256: z.string(),
    profile: z.enum(['memory', 'disk', 'computed']).describe('Where the reference profile came from.'),
  }),
  current: z.strictObject({
    source: z.string(),
    kind: z.enum(['csv', 'jsonl', 'loki']),
    rows: z.number().int(),
    log: z
      .strictObject({
        lines: z.number().int(),
        events: z.number().int(),
        not_json: z.number().int(),
        other_events: z.number().int(),
        malformed: z.number().int(),
      })
      .nullable(),
    loki: z
      .strictObject({ requests: z.number().int(), entries: z.number().int(), truncated: z.boolean() })
      .nullable(),
  }),
  evaluated_at: z.string(),
});

const phase = z.enum(['successful', 'failed', 'inconclusive']);
const helm = z.strictObject({ commands: z.array(z.string()), applied: z.boolean() });

export const canaryPromoteOutput = z.strictObject({
  decision: z.enum(['promoted', 'rejected', 'inconclusive']),
  dry_run: z.boolean(),
  model: z.strictObject({ name: z.string(), version: z.string(), uri: z.string() }),
  target: z.string().describe('What moves on promotion, e.g. iris@production.'),
  policy: z.strictObject({
    file: z.string(),
    interval: z.string(),
    count: z.number().int(),
    initial_delay: z.string(),
    failure_limit: z.number().int(),
    inconclusive_limit: z.number().int(),
  }),
  source: z.strictObject({ kind: z.enum(['prometheus', 'scrape']), location: z.string() }),
  variables: z.record(z.string(), z.string()),
  smoke: z
    .strictObject({
      ok: z.boolean(),
      checks: z.array(z.strictObject({ name: z.string(), ok: z.boolean(), detail: z.string() })),
    })
    .optional(),
  analysis: z
    .strictObject({
      outcome: phase,
      rounds: z.number().int(),
      stopped_early: z.boolean(),
      metrics: z.array(
        z.strictObject({
          name: z.string(),
          critical: z.boolean(),
          condition: z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
          no_data: z.string(),
          failure_limit: z.number().int(),
          successful: z.number().int(),
          failed: z.number().int(),
          inconclusive: z.number().int(),
          phase,
          reason: z.string(),
        }),
      ),
      measurements: z.array(
        z.strictObject({
          metric: z.string(),
          round: z.number().int(),
          at: z.string(),
          value: z.number().optional(),
          phase,
          query: z.string(),
          detail: z.string().optional(),
          retries: z.number().int(),
        }),
      ),
      reasons: z.array(z.string()),
    })
    .optional(),
  reasons: z.array(z.string()),
  registry: z.strictObject({ changes: z.array(z.string()), previous_version: z.string().optional() }),
  helm,
  started_at: z.string(),
  finished_at: z.string(),
});

export const canaryRollbackOutput = z.strictObject({
  name: z.string(),
  target: z.string(),
  from: z.string(),
  to: z.string(),
  chosen_by: z.enum(['history', 'flag']).describe('The recorded history, or --to.'),
  changes: z.array(z.string()),
  dry_run: z.boolean(),
  helm,
});

export const initOutput = z.strictObject({
  dir: z.string(),
  files: z.array(z.strictObject({ path: z.string(), action: z.enum(['created', 'overwritten']) })),
  mlctl_package: z.string().describe('The npm spec the scaffold’s package.json depends on mlctl by.'),
});

export const errorOutput = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_CATALOGUE) as [keyof typeof ERROR_CATALOGUE]),
      message: z.string(),
      problems: z.array(z.string()),
      hint: z.string().nullable(),
    }),
  })
  .describe('What any command prints on stdout with --json when it fails (docs/ERRORS.md).');
