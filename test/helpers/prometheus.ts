import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describeIfAvailable } from './requirement';

/** The Prometheus binary (Debian's `prometheus` package), or MLCTL_PROMETHEUS_BIN. */
export const PROMETHEUS_BIN = process.env.MLCTL_PROMETHEUS_BIN || 'prometheus';

export function prometheusAvailable(): boolean {
  return spawnSync(PROMETHEUS_BIN, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** `describe` when Prometheus is installed; otherwise skipped, or failed under MLCTL_REQUIRE_PROMETHEUS=1. */
export function describeWithPrometheus(name: string, body: () => void): void {
  const missing = prometheusAvailable()
    ? undefined
    : `\`${PROMETHEUS_BIN} --version\` fails: apt-get install prometheus`;
  describeIfAvailable(name, missing, 'MLCTL_REQUIRE_PROMETHEUS', body);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Target {
  /** http://host:port of an mlctl serve or drift serve. */
  url: string;
  labels: Record<string, string>;
}

export interface PrometheusServer {
  url: string;
  child: ChildProcess;
  /** One instant query; the API's `data`. */
  query(q: string): Promise<{
    resultType: string;
    result: Array<{ metric: Record<string, string>; value: [number, string] }>;
  }>;
  /** Resolves once a query returns at least one series (and `accept` likes the first value). */
  waitFor(q: string, accept?: (value: number) => boolean, timeoutMs?: number): Promise<number>;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a free loopback port, scraping the targets every second (each target its own job
 * `mlctl-<n>` with its labels, e.g. track="canary"), with optional rule files evaluated every second.
 */
export async function startPrometheus(
  dir: string,
  targets: Target[],
  options: { ruleFiles?: string[]; scrapeIntervalS?: number } = {},
): Promise<PrometheusServer> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const interval = `${options.scrapeIntervalS ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: targets.map((t, i) => ({
      job_name: `mlctl-${i}`,
      static_configs: [{ targets: [new URL(t.url).host], labels: t.labels }],
    })),
  };
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  child.stdout?.on('data', (c: Buffer) => (logs += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (logs += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${logs}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`prometheus not ready in 30 s: ${logs}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const query: PrometheusServer['query'] = async (q) => {
    const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: q })}`);
    const body = (await r.json()) as {
      status: string;
      data: Awaited<ReturnType<PrometheusServer['query']>>;
      error?: string;
    };
    if (body.status !== 'success') throw new Error(`query ${q}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    child,
    query,
    async waitFor(q, accept = () => true, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      let last: string;
      for (;;) {
        const data = await query(q);
        const v = data.result[0] ? Number(data.result[0].value[1]) : undefined;
        if (v !== undefined && accept(v)) return v;
        last = v === undefined ? 'no series' : String(v);
        if (Date.now() > end)
          throw new Error(`prometheus: ${q} did not get there in ${timeoutMs} ms (last: ${last})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    logs: () => logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
