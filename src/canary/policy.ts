import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { MlctlError, fromFsError } from '../errors';
import { DURATION_PATTERN, parseDuration } from './duration';
import { parseSelector } from './selector';
import { templateVariables } from './template';

/**
 * The canary policy file: Argo Rollouts' analysis (interval, count, initialDelay, failureLimit,
 * inconclusiveLimit, consecutiveErrorLimit) with Flagger's threshold ranges, as one YAML document.
 * docs/schemas/canary-policy.json is generated from this schema; docs/CANARY.md explains it.
 */

const duration = z
  .string()
  .regex(DURATION_PATTERN, 'expected a duration such as 30s, 1m or 1m30s')
  .refine((s) => s !== '', 'expected a duration such as 30s, 1m or 1m30s');

const selector = z.string().superRefine((text, ctx) => {
  try {
    parseSelector(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const scrapeSchema = z.union([
  z.strictObject({
    gauge: selector.describe(
      'Series whose current value is the measurement, e.g. ml_model_accuracy{source="feedback"}.',
    ),
    aggregate: z
      .enum(['min', 'max', 'sum', 'avg'])
      .default('min')
      .describe('How several matching series become one number.'),
  }),
  z.strictObject({
    ratio: z.strictObject({
      numerator: selector.describe('Counter series summed for the numerator.'),
      denominator: selector.describe('Counter series summed for the denominator.'),
    }),
  }),
  z.strictObject({
    quantile: z.number().gt(0).lt(1).describe('Which quantile, e.g. 0.95.'),
    histogram: selector.describe(
      'The histogram (without _bucket), e.g. ml_request_latency_seconds{path="/predict"}.',
    ),
  }),
]);

const metricSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _, . and - only')
      .describe('Names the metric in the decision and the registry tags.'),
    description: z.string().optional(),
    query: z
      .string()
      .min(1)
      .optional()
      .describe('PromQL returning one number; {{variable}} placeholders are filled and escaped.'),
    scrape: scrapeSchema
      .optional()
      .describe(
        "How to compute the same number from the canary's /metrics when there is no Prometheus (--metrics-url).",
      ),
    condition: z
      .strictObject({
        min: z.number().optional().describe('Lowest passing value (inclusive).'),
        max: z.number().optional().describe('Highest passing value (inclusive).'),
      })
      .refine((c) => c.min !== undefined || c.max !== undefined, 'give min, max or both')
      .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, 'min is above max'),
    noData: z
      .enum(['inconclusive', 'fail', 'pass'])
      .default('inconclusive')
      .describe('What an empty result or NaN means.'),
    critical: z.boolean().default(false).describe('One failed measurement rejects the candidate.'),
    failureLimit: z
      .int()
      .min(0)
      .optional()
      .describe("Failed measurements tolerated for this metric (default: the policy's failureLimit)."),
  })
  .refine(
    (m) => m.query !== undefined || m.scrape !== undefined,
    'give a query (Prometheus), a scrape, or both',
  );

export const canaryPolicySchema = z
  .strictObject({
    interval: duration.default('1m').describe('Time between measurements.'),
    count: z.int().min(1).max(1000).default(1).describe('Number of measurements.'),
    initialDelay: duration.default('0s').describe('Wait before the first measurement.'),
    failureLimit: z
      .int()
      .min(0)
      .default(0)
      .describe('A metric fails when its failed measurements exceed this (Argo: failed > failureLimit).'),
    inconclusiveLimit: z
      .int()
      .min(0)
      .default(0)
      .describe('The run is inconclusive when a metric has more no-data measurements than this.'),
    consecutiveErrorLimit: z
      .int()
      .min(0)
      .default(4)
      .describe('Query errors in a row, retried every 10 s at most, before the run cannot be evaluated.'),
    variables: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), z.number()]))
      .default({})
      .describe('Template variables for the queries; --var name=value overrides.'),
    metrics: z.array(metricSchema).min(1),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.metrics.forEach((m, i) => {
      if (seen.has(m.name))
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', i, 'name'],
          message: `duplicate metric name "${m.name}"`,
        });
      seen.add(m.name);
    });
  });

export type CanaryPolicyInput = z.input<typeof canaryPolicySchema>;
type Parsed = z.output<typeof canaryPolicySchema>;
export type PolicyMetric = Parsed['metrics'][number];
export type ScrapeSpec = NonNullable<PolicyMetric['scrape']>;

/** A policy with its durations in milliseconds and variables as text. */
export interface CanaryPolicy extends Omit<Parsed, 'interval' | 'initialDelay' | 'variables'> {
  intervalMs: number;
  initialDelayMs: number;
  variables: Record<string, string>;
  /** Where it was read from, for messages. */
  source: string;
}

/** Reads and validates a policy file; every problem is listed with its path in the file. */
export async function loadPolicy(file: string): Promise<CanaryPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw fromFsError(err, 'canary policy', file);
  }
  return parsePolicy(text, file);
}

export function parsePolicy(text: string, source: string): CanaryPolicy {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new MlctlError('POLICY_INVALID', `${source} is not valid YAML: ${doc.errors[0]?.message}`, {
      location: { file: source, line: lineAt(text, doc.errors[0]?.pos[0] ?? 0) },
      hint: 'See infra/canary/policy.yaml for a complete example.',
    });
  }
  const parsed = canaryPolicySchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`,
    );
    throw new MlctlError(
      'POLICY_INVALID',
      `${source} is not a valid canary policy (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      {
        problems,
        location: { file: source },
        hint: 'See docs/CANARY.md and docs/schemas/canary-policy.json; infra/canary/policy.yaml is a complete example.',
      },
    );
  }
  const p = parsed.data;
  const variables = Object.fromEntries(Object.entries(p.variables).map(([k, v]) => [k, String(v)]));
  return {
    ...p,
    intervalMs: parseDuration(p.interval) as number,
    initialDelayMs: parseDuration(p.initialDelay) as number,
    variables,
    source,
  };
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Problems that make a policy unusable with the chosen source, or with the variables at hand. */
export function policyProblems(
  policy: CanaryPolicy,
  source: 'prometheus' | 'scrape',
  variables: Record<string, string>,
): string[] {
  const problems: string[] = [];
  policy.metrics.forEach((m, i) => {
    if (source === 'prometheus') {
      if (m.query === undefined) {
        problems.push(`metrics.${i} (${m.name}): has no query; Prometheus (--prometheus-url) needs one`);
        return;
      }
      for (const name of templateVariables(m.query)) {
        if (!(name in variables)) {
          problems.push(
            `metrics.${i} (${m.name}): the query uses {{${name}}}, which is not set (set it under variables: or with --var ${name}=...)`,
          );
        }
      }
    } else if (m.scrape === undefined) {
      problems.push(
        `metrics.${i} (${m.name}): has no scrape; reading /metrics directly (--metrics-url) needs one`,
      );
    }
  });
  return problems;
}
