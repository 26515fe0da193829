import { MlctlError } from '../errors';
import { runAnalysis } from './analysis';
import { parsePolicy } from './policy';
import type { PolicyMetric } from './policy';
import type { MetricsSource, Observation } from './source';
import { TransientSourceError } from './source';

type Script = Record<string, Array<number | undefined | Error>>;

/** A source that answers each metric from a script, one entry per call. */
function scripted(script: Script, measuresOverInterval = false): MetricsSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    kind: 'prometheus',
    location: 'fake',
    measuresOverInterval,
    calls,
    begin: async () => {},
    startRound: () => {},
    endRound: () => {},
    close: async () => {},
    async measure(metric: PolicyMetric): Promise<Observation> {
      calls.push(metric.name);
      const next = script[metric.name]?.shift();
      if (next instanceof Error) throw next;
      return { value: next, query: metric.query ?? '' };
    },
  };
}

function run(policyYaml: string, script: Script, overInterval = false) {
  const source = scripted(script, overInterval);
  const sleeps: number[] = [];
  const result = runAnalysis(
    parsePolicy(policyYaml, 'p.yaml'),
    source,
    {},
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      now: () => new Date(0),
    },
  );
  return { result, source, sleeps };
}

const TWO = (extra = '', count = 4) => `
interval: 1m
initialDelay: 30s
count: ${count}
${extra}
metrics:
  - {name: acc, query: a, condition: {min: 0.7}}
  - {name: lat, query: l, condition: {max: 0.5}}
`;

describe('runAnalysis', () => {
  test('all measurements in bounds: successful after count rounds, interval apart, after the delay', async () => {
    const { result, sleeps } = run(TWO(), { acc: [0.9, 0.8, 0.7, 0.95], lat: [0.1, 0.2, 0.5, 0.3] });
    const r = await result;
    expect(r.outcome).toBe('successful');
    expect(r.rounds).toBe(4);
    expect(sleeps).toEqual([30_000, 60_000, 60_000, 60_000]);
    expect(r.metrics.map((m) => [m.name, m.successful])).toEqual([
      ['acc', 4],
      ['lat', 4],
    ]);
  });

  test('a source measuring over intervals gets a whole interval before its first round', async () => {
    const noDelay = `interval: 1m\ncount: 2\nmetrics: [{name: acc, query: a, condition: {min: 0.7}}]`;
    const scrape = run(noDelay, { acc: [0.9, 0.9] }, true);
    await scrape.result;
    expect(scrape.sleeps).toEqual([60_000, 60_000]);
    const prometheus = run(noDelay, { acc: [0.9, 0.9] });
    await prometheus.result;
    expect(prometheus.sleeps).toEqual([60_000]);
  });

  test('failures up to the limit pass; one more fails the run and stops it early', async () => {
    const within = await run(TWO('failureLimit: 1'), { acc: [0.5, 0.8, 0.9, 0.9], lat: [0.1, 0.1, 0.1, 0.1] })
      .result;
    expect(within.outcome).toBe('successful');
    expect(within.reasons.join()).toMatch(/1 failed within the limit 1/);
    const over = run(TWO('failureLimit: 1'), { acc: [0.5, 0.6, 0.9, 0.9], lat: [0.1, 0.1, 0.1, 0.1] });
    const r = await over.result;
    expect(r.outcome).toBe('failed');
    expect(r.rounds).toBe(2);
    expect(r.stoppedEarly).toBe(true);
    expect(r.reasons).toEqual([
      expect.stringMatching(/^acc: 2 of 2 measurements failed, more than the failure limit 1/),
    ]);
    expect(over.source.calls).toHaveLength(4);
  });

  test('a critical metric fails the run on its first failure, whatever the limit', async () => {
    const r = await run(
      `count: 5
failureLimit: 3
metrics:
  - {name: acc, query: a, condition: {min: 0.7}, critical: true}`,
      { acc: [0.9, 0.2, 0.9, 0.9, 0.9] },
    ).result;
    expect(r.outcome).toBe('failed');
    expect(r.rounds).toBe(2);
    expect(r.reasons[0]).toMatch(/critical/);
  });

  test('no data: inconclusive by default, or fail / pass as the metric says', async () => {
    const policy = (noData: string) => `count: 2
metrics:
  - {name: acc, query: a, condition: {min: 0.7}${noData}}`;
    const inconclusive = await run(policy(''), { acc: [undefined, 0.9] }).result;
    expect(inconclusive.outcome).toBe('inconclusive');
    expect(inconclusive.reasons[0]).toMatch(/1 of 2 measurements had no data/);
    expect((await run(policy(', noData: fail'), { acc: [undefined, 0.9] }).result).outcome).toBe('failed');
    expect((await run(policy(', noData: pass'), { acc: [undefined, 0.9] }).result).outcome).toBe(
      'successful',
    );
    const tolerated = await run(`inconclusiveLimit: 1\n${policy('')}`, { acc: [undefined, 0.9] }).result;
    expect(tolerated.outcome).toBe('successful');
  });

  test('a failure outweighs no data elsewhere', async () => {
    const r = await run(TWO('', 1), { acc: [undefined], lat: [0.9] }).result;
    expect(r.outcome).toBe('failed');
    expect(r.reasons).toEqual([expect.stringMatching(/^lat:/)]);
  });

  test('query errors are retried without using up a round, then the run cannot be evaluated', async () => {
    const flaky = run(TWO('consecutiveErrorLimit: 2', 2), {
      acc: [new TransientSourceError('503'), new TransientSourceError('503'), 0.9, 0.9],
      lat: [0.1, 0.1],
    });
    const r = await flaky.result;
    expect(r.outcome).toBe('successful');
    expect(r.measurements[0]).toEqual(expect.objectContaining({ metric: 'acc', retries: 2, value: 0.9 }));
    expect(flaky.sleeps).toEqual([30_000, 10_000, 10_000, 60_000]);

    const down = run(TWO('consecutiveErrorLimit: 2'), {
      acc: [new TransientSourceError('a'), new TransientSourceError('b'), new TransientSourceError('c down')],
    });
    await expect(down.result).rejects.toThrow(
      /failed 3 times in a row \(consecutiveErrorLimit 2\); last: c down/,
    );
  });

  test('an error retrying cannot fix ends the run at once', async () => {
    const bad = new MlctlError('METRICS_QUERY_FAILED', 'parse error');
    await expect(run(TWO(), { acc: [bad] }).result).rejects.toBe(bad);
  });
});
