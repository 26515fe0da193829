#!/usr/bin/env bash
# The monitoring rules against a real Prometheus scraping real mlctl processes, on loopback:
#   bash scripts/ci/prometheus-smoke.sh
# Trains a small model, starts `mlctl serve` twice (track stable and canary) and `mlctl drift serve`,
# starts Prometheus (Debian `prometheus`, or PROMETHEUS_BIN) with infra/prometheus/rules/*.yml and a 1 s
# scrape/evaluation interval, sends traffic, then requires: every target up, every rule evaluated without
# error, the per-track recording rules holding values, and the drift gauges scraped.
# Needs a built mlctl (npm ci). Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
PROMETHEUS_BIN="${PROMETHEUS_BIN:-prometheus}"
command -v "$PROMETHEUS_BIN" >/dev/null || { echo "prometheus-smoke.sh: error: $PROMETHEUS_BIN not found (apt-get install prometheus)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/mlctl-prom.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "prometheus-smoke.sh: $*" >&2; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

node bin/mlctl train --data data/processed/iris.csv --output "$work/model" --n-estimators 10 >/dev/null
stable_port=$(free_port) canary_port=$(free_port) drift_port=$(free_port) prom_port=$(free_port)
PREDICTION_LOG_STDOUT=false node bin/mlctl serve --model "$work/model" --host 127.0.0.1 --port "$stable_port" 2>"$work/stable.log" &
pids+=($!)
PREDICTION_LOG_STDOUT=false node bin/mlctl serve --model "$work/model" --host 127.0.0.1 --port "$canary_port" 2>"$work/canary.log" &
pids+=($!)
node bin/mlctl drift serve --reference "$work/model" --current data/processed/iris.csv --interval 2 \
  --host 127.0.0.1 --port "$drift_port" >"$work/drift.out" 2>"$work/drift.log" &
pids+=($!)

cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $PWD/infra/prometheus/rules/*.yml
scrape_configs:
  - job_name: mlctl
    static_configs:
      - targets: ['127.0.0.1:$stable_port']
        labels: { track: stable }
      - targets: ['127.0.0.1:$canary_port']
        labels: { track: canary }
  - job_name: mlctl-drift
    static_configs:
      - targets: ['127.0.0.1:$drift_port']
EOF
"$PROMETHEUS_BIN" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prom_port" 2>"$work/prometheus.log" &
pids+=($!)
prom="http://127.0.0.1:$prom_port"

for port in "$stable_port" "$canary_port"; do
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
done
# Traffic for 12 s: good requests on both tracks, bad requests (400) on the canary.
end=$((SECONDS + 12))
while [ $SECONDS -lt $end ]; do
  for port in "$stable_port" "$canary_port"; do
    curl -fsS -X POST "http://127.0.0.1:$port/predict" -H 'content-type: application/json' \
      -d '{"features": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}' >/dev/null
  done
  curl -sS -o /dev/null -X POST "http://127.0.0.1:$canary_port/predict" -H 'content-type: application/json' -d '{}'
  sleep 0.2
done

query() { curl -fsS --get "$prom/api/v1/query" --data-urlencode "query=$1"; }
node - "$prom" <<'EOF'
const prom = process.argv[2];
const get = async (path) => (await (await fetch(prom + path)).json()).data;
const fail = (msg) => { console.error(`prometheus-smoke.sh: error: ${msg}`); process.exit(1); };
(async () => {
  const targets = (await get('/api/v1/targets')).activeTargets;
  const down = targets.filter((t) => t.health !== 'up');
  if (targets.length !== 3 || down.length) fail(`targets not all up: ${JSON.stringify(targets.map((t) => [t.scrapeUrl, t.health, t.lastError]))}`);
  const rules = (await get('/api/v1/rules')).groups.flatMap((g) => g.rules);
  const bad = rules.filter((r) => r.health !== 'ok');
  if (rules.length < 10 || bad.length) fail(`rules not healthy: ${JSON.stringify(bad.map((r) => [r.name, r.health, r.lastError]))}`);
  for (const [expr, expected] of [
    ['track:ml_request_count:rate5m', ['canary', 'stable']],
    ['track:ml_request_error_ratio:rate5m', ['canary', 'stable']],
    ['track:ml_request_latency_seconds:p95_5m', ['canary', 'stable']],
  ]) {
    const result = (await get(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;
    const tracks = result.filter((s) => Number.isFinite(Number(s.value[1]))).map((s) => s.metric.track).sort();
    if (JSON.stringify(tracks) !== JSON.stringify(expected)) fail(`${expr}: tracks ${JSON.stringify(result)}`);
  }
  const drift = (await get(`/api/v1/query?query=${encodeURIComponent('ml_data_drift_status')}`)).result;
  if (drift.length !== 1 || drift[0].value[1] !== '0') fail(`ml_data_drift_status: ${JSON.stringify(drift)}`);
  console.error(`prometheus-smoke.sh: ${targets.length} targets up, ${rules.length} rules healthy, recording rules per track, drift scraped`);
})().catch((e) => fail(e.message));
EOF
