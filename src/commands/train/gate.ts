import { MlctlError } from '../../errors';
import type { ModelMetrics } from '../../artifact/write';
import type { Task } from '../../forest/tree-arrays';

/** The bars a model must clear; each applies to one task. */
export interface GateOptions {
  minAccuracy?: number;
  minR2?: number;
  maxRmse?: number;
}

/** One bar and how the model did. */
export interface GateCheck {
  metric: 'accuracy' | 'r2' | 'rmse';
  value: number;
  /** `min`: the value must be at least the bound; `max`: at most. */
  kind: 'min' | 'max';
  bound: number;
  passed: boolean;
}

/** The quality gate's verdict: an expected outcome, not an error. */
export interface GateResult {
  passed: boolean;
  reason: string;
  checks: GateCheck[];
}

const FLAGS = { minAccuracy: '--min-accuracy', minR2: '--min-r2', maxRmse: '--max-rmse' } as const;

/** A bar for the other task is a usage error, found before training. */
export function checkGateOptions(gate: GateOptions, task: Task): void {
  const wrong = (task === 'regression' ? (['minAccuracy'] as const) : (['minR2', 'maxRmse'] as const)).filter(
    (k) => gate[k] !== undefined,
  );
  if (wrong.length > 0) {
    throw new MlctlError('USAGE', `${wrong.map((k) => FLAGS[k]).join(' and ')} cannot gate a ${task} model`, {
      hint:
        task === 'regression'
          ? 'Gate a regression model with --min-r2 and/or --max-rmse.'
          : 'Gate a classification model with --min-accuracy.',
    });
  }
}

/** The verdict on the held-out (or out-of-bag) metrics; undefined when no bar was set. */
export function judge(gate: GateOptions, metrics: ModelMetrics, where: string): GateResult | undefined {
  const checks: GateCheck[] = [];
  const add = (
    metric: GateCheck['metric'],
    value: number,
    kind: GateCheck['kind'],
    bound: number | undefined,
  ): void => {
    if (bound === undefined) return;
    checks.push({ metric, value, kind, bound, passed: kind === 'min' ? value >= bound : value <= bound });
  };
  if ('accuracy' in metrics) add('accuracy', metrics.accuracy, 'min', gate.minAccuracy);
  else {
    add('r2', metrics.r2, 'min', gate.minR2);
    add('rmse', metrics.rmse, 'max', gate.maxRmse);
  }
  if (checks.length === 0) return undefined;
  const flag = (c: GateCheck): string =>
    c.metric === 'accuracy' ? '--min-accuracy' : c.metric === 'r2' ? '--min-r2' : '--max-rmse';
  const text = (c: GateCheck): string =>
    `${where} ${c.metric === 'r2' ? 'R²' : c.metric === 'rmse' ? 'RMSE' : c.metric} ${round(c.value)} ${
      c.passed ? (c.kind === 'min' ? 'meets' : 'is within') : c.kind === 'min' ? 'is below' : 'is above'
    } ${flag(c)} ${c.bound}`;
  const failed = checks.filter((c) => !c.passed);
  return {
    passed: failed.length === 0,
    reason: (failed.length > 0 ? failed : checks).map(text).join('; '),
    checks,
  };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;
