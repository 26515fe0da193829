import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { freePort } from '../helpers/prometheus';
import { describeIfAvailable } from '../helpers/requirement';
import { useTmpDir } from '../helpers/tmp';
import { predictionLog, referenceCsv } from '../unit/drift/data';

// mlctl drift against a real Loki (built by scripts/ci/loki.sh): MLCTL_LOKI_BIN, else the cached build,
// else `loki` on PATH. Skipped when there is none, unless MLCTL_REQUIRE_LOKI=1.
const loki = findLoki();
const tmp = useTmpDir('mlctl-real-loki-');

function findLoki(): string | undefined {
  if (process.env.MLCTL_LOKI_BIN)
    return existsSync(process.env.MLCTL_LOKI_BIN) ? process.env.MLCTL_LOKI_BIN : undefined;
  const cache = join(homedir(), '.cache', 'mlctl', 'loki');
  const cached = existsSync(cache) ? readdirSync(cache).filter((f) => /^loki-v[\d.]+$/.test(f)) : [];
  if (cached.length) return join(cache, cached.sort().at(-1)!);
  const r = spawnSync('sh', ['-c', 'command -v loki'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

describeIfAvailable(
  'mlctl drift against a real Loki',
  loki ? undefined : 'no Loki binary (scripts/ci/loki.sh builds one; or set MLCTL_LOKI_BIN)',
  'MLCTL_REQUIRE_LOKI',
  () => {
    let child: ChildProcess;
    let url = '';

    beforeAll(async () => {
      const [http, grpc] = [await freePort(), await freePort()];
      const dir = tmp.path('loki');
      const config = tmp.write(
        'loki.yaml',
        `auth_enabled: false
server: {http_listen_address: 127.0.0.1, http_listen_port: ${http}, grpc_listen_address: 127.0.0.1, grpc_listen_port: ${grpc}, log_level: warn}
common:
  instance_addr: 127.0.0.1
  path_prefix: ${dir}
  storage: {filesystem: {chunks_directory: ${dir}/chunks, rules_directory: ${dir}/rules}}
  replication_factor: 1
  ring: {kvstore: {store: inmemory}}
schema_config:
  configs: [{from: 2020-10-24, store: tsdb, object_store: filesystem, schema: v13, index: {prefix: index_, period: 24h}}]
limits_config: {max_entries_limit_per_query: 5000}
analytics: {reporting_enabled: false}
`,
      );
      child = spawn(loki as string, [`-config.file=${config}`], { stdio: 'ignore' });
      url = `http://127.0.0.1:${http}`;
      const deadline = Date.now() + 90_000;
      for (;;) {
        const ready = await fetch(`${url}/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline) throw new Error('Loki did not become ready in 90 s');
        await new Promise((r) => setTimeout(r, 500));
      }
    }, 120_000);

    afterAll(() => {
      child?.kill('SIGTERM');
    });

    it('reads every prediction line once, 40 to a timestamp across pages of 25, as the same data from a file', async () => {
      const ref = tmp.write('ref.csv', referenceCsv(300));
      const text = predictionLog(400, { shift: 3 });
      const file = tmp.write('log.jsonl', text);
      const t0 = BigInt(Date.now() - 60_000) * 1_000_000n;
      const lines = text.trim().split('\n');
      const values = (odd: number): Array<[string, string]> =>
        lines.flatMap((l, i) =>
          i % 2 === odd ? [[(t0 + BigInt(Math.floor(i / 40))).toString(), l] as [string, string]] : [],
        );
      const push = await fetch(`${url}/loki/api/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          streams: [
            { stream: { app: 'mlctl', pod: 'a' }, values: values(0) },
            { stream: { app: 'mlctl', pod: 'b' }, values: values(1) },
            { stream: { app: 'mlctl', pod: 'c' }, values: [[t0.toString(), 'GET /healthz 200']] },
          ],
        }),
      });
      expect(push.status).toBe(204);
      const query = encodeURIComponent('{app="mlctl"} |= "prediction" | json');
      const current = `loki+${url}?query=${query}&since=10m&batch=25`;
      let doc:
        | { current: { rows: number; loki: { entries: number } }; columns: Array<{ score: number }> }
        | undefined;
      for (let attempt = 0; attempt < 20; attempt++) {
        const r = await runCli(['drift', '--reference', ref, '--current', current, '--json']);
        expect(r.code).toBe(0);
        doc = JSON.parse(r.stdout);
        if (doc!.current.rows === 400) break;
        await new Promise((res) => setTimeout(res, 500)); // ingestion is asynchronous
      }
      expect(doc!.current).toMatchObject({ rows: 400, loki: { entries: 400, truncated: false } });
      const fromFile = JSON.parse(
        (await runCli(['drift', '--reference', ref, '--current', file, '--json'])).stdout,
      );
      expect(doc!.columns.map((c) => c.score)).toEqual(
        fromFile.columns.map((c: { score: number }) => c.score),
      );
    }, 120_000);

    it('turns a LogQL syntax error into a clear error (exit 1), not an empty result', async () => {
      const ref = tmp.write('ref2.csv', referenceCsv(300));
      const r = await runCli([
        'drift',
        '--reference',
        ref,
        '--current',
        `loki+${url}?query=${encodeURIComponent('{app="mlctl"')}&since=10m`,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Loki answered HTTP 400');
    });
  },
);
