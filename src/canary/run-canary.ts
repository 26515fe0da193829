import { MlctlError } from '../errors';
import { formatModelUri, parseModelUri, resolveModelUri } from '../registry/uri';
import type { ModelRegistry } from '../registry/types';
import { describeTarget, promote, reject } from './actions';
import type { RegistryChange, Target } from './actions';
import { runAnalysis } from './analysis';
import type { AnalysisDeps, AnalysisResult } from './analysis';
import { formatDuration } from './duration';
import { decisionCommands, runCommand, shellQuote } from './helm';
import type { HelmOptions } from './helm';
import { loadPolicy, policyProblems } from './policy';
import type { CanaryPolicy } from './policy';
import { PrometheusSource } from './prometheus-source';
import { ScrapeSource } from './scrape-source';
import { smokeTest } from './smoke';
import type { SmokeResult } from './smoke';
import type { MetricsSource } from './source';

export type Decision = 'promoted' | 'rejected' | 'inconclusive';

export interface PromoteOptions {
  model: string;
  policyFile: string;
  source: { kind: 'prometheus' | 'scrape'; url: string; bearerToken?: string };
  timeoutMs: number;
  retries: number;
  target: Target;
  /** --var overrides. */
  variables: Record<string, string>;
  canaryUrl?: string;
  smokeInput?: unknown;
  dryRun: boolean;
  helm?: HelmOptions & { apply: boolean };
}

export interface PromoteReport {
  decision: Decision;
  dry_run: boolean;
  model: { name: string; version: string; uri: string };
  target: string;
  policy: {
    file: string;
    interval: string;
    count: number;
    initial_delay: string;
    failure_limit: number;
    inconclusive_limit: number;
  };
  source: { kind: 'prometheus' | 'scrape'; location: string };
  variables: Record<string, string>;
  smoke?: SmokeResult;
  analysis?: AnalysisResult;
  /** Why, one line per deciding check. */
  reasons: string[];
  registry: RegistryChange;
  helm: { commands: string[]; applied: boolean };
  started_at: string;
  finished_at: string;
}

export interface PromoteDeps extends AnalysisDeps {
  registry: ModelRegistry;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * `mlctl canary promote`: resolve the candidate, check the policy fits the source, smoke-test the canary
 * (when --canary-url), run the analysis, then act on the registry (and Helm) as the decision says. A run
 * that cannot evaluate throws (exit 1) before touching anything.
 */
export async function runPromote(options: PromoteOptions, deps: PromoteDeps): Promise<PromoteReport> {
  const startedAt = deps.now();
  const ref = parseModelUri(options.model);
  const candidate = await resolveModelUri(deps.registry, ref);
  const policy = await loadPolicy(options.policyFile);
  const variables = {
    ...policy.variables,
    model_name: candidate.name,
    model_version: candidate.version,
    ...options.variables,
  };
  const problems = policyProblems(policy, options.source.kind, variables);
  if (problems.length > 0) {
    throw new MlctlError(
      'POLICY_INVALID',
      `${options.policyFile} cannot be evaluated against ${options.source.kind === 'prometheus' ? 'Prometheus' : 'a /metrics page'}`,
      {
        problems,
        hint:
          options.source.kind === 'scrape'
            ? 'Give each metric a scrape: block, or use --prometheus-url.'
            : 'Give each metric a query:, or use --metrics-url with scrape: blocks.',
      },
    );
  }
  const source = createSource(options);
  const base = {
    dry_run: options.dryRun,
    model: {
      name: candidate.name,
      version: candidate.version,
      uri: formatModelUri({ name: candidate.name, kind: 'version', version: candidate.version }),
    },
    target: describeTarget(candidate.name, options.target),
    policy: policySummary(policy),
    source: { kind: source.kind, location: source.location },
    variables,
  };
  let smoke: SmokeResult | undefined;
  let analysis: AnalysisResult | undefined;
  let decision: Decision;
  let reasons: string[];
  try {
    if (options.canaryUrl !== undefined) {
      smoke = await smokeTest(options.canaryUrl, candidate.version, options.timeoutMs, options.smokeInput);
    }
    if (smoke && !smoke.ok) {
      decision = 'rejected';
      reasons = smoke.checks.filter((c) => !c.ok).map((c) => `smoke test ${c.name}: ${c.detail}`);
    } else {
      analysis = await runAnalysis(policy, source, variables, deps);
      decision =
        analysis.outcome === 'successful'
          ? 'promoted'
          : analysis.outcome === 'failed'
            ? 'rejected'
            : 'inconclusive';
      reasons = analysis.reasons;
    }
  } finally {
    await source.close();
  }
  const summary = `${decision} by ${policy.source}: ${reasons.join('; ')}`.slice(0, 4000);
  const actionOptions = { dryRun: options.dryRun, now: deps.now() };
  const registry =
    decision === 'promoted'
      ? await promote(deps.registry, candidate, options.target, summary, actionOptions)
      : await reject(deps.registry, candidate, options.target, decision, summary, actionOptions);
  const helmCommands = options.helm ? decisionCommands(decision, options.helm) : [];
  const apply = options.helm?.apply === true && !options.dryRun;
  if (apply) for (const cmd of helmCommands) await runCommand(cmd, deps.stderr, deps.stderr);
  return {
    ...base,
    decision,
    smoke,
    analysis,
    reasons,
    registry,
    helm: { commands: helmCommands.map(shellQuote), applied: apply && helmCommands.length > 0 },
    started_at: startedAt.toISOString(),
    finished_at: deps.now().toISOString(),
  };
}

function createSource(options: PromoteOptions): MetricsSource {
  const common = {
    bearerToken: options.source.bearerToken,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  };
  return options.source.kind === 'prometheus'
    ? new PrometheusSource({ url: options.source.url, ...common })
    : new ScrapeSource({ url: options.source.url, ...common });
}

function policySummary(policy: CanaryPolicy): PromoteReport['policy'] {
  return {
    file: policy.source,
    interval: formatDuration(policy.intervalMs),
    count: policy.count,
    initial_delay: formatDuration(policy.initialDelayMs),
    failure_limit: policy.failureLimit,
    inconclusive_limit: policy.inconclusiveLimit,
  };
}

/** Exit code of a decision: 0 promoted, 3 rejected or inconclusive. */
export function decisionExitCode(decision: Decision): 0 | 3 {
  return decision === 'promoted' ? 0 : 3;
}
