import { boolean, integer, list, number, oneOf, text } from '../fields';
import { defineSettings } from '../settings';

export const DRIFT_FORMATS = ['text', 'json', 'html', 'junit', 'prometheus'] as const;
export const DRIFT_STATTESTS = [
  'auto',
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
] as const;

export const driftSettings = defineSettings('drift', '`mlctl drift`', {
  reference: {
    field: text(),
    placeholder: 'csv|dir|uri',
    env: 'REFERENCE_DATASET_URI',
    describe: 'Reference data: a CSV, a model artifact directory (its reference.csv), or a models:/ URI.',
  },
  current: {
    field: text(),
    placeholder: 'csv|jsonl|loki-url',
    env: 'CURRENT_DATASET_URI',
    describe:
      'Current data: a CSV, a JSONL prediction log, or loki+http(s)://host:3100?query=<LogQL>&since=1h; unset = Loki from LOKI_BASE_URL.',
  },
  columns: {
    field: list(),
    placeholder: 'names...',
    describe: 'Feature columns to compare (default: all the reference has but target and prediction).',
  },
  columnTyping: {
    field: oneOf(['evidently', 'legacy'] as const),
    env: 'DRIFT_COLUMN_TYPING',
    default: 'evidently' as const,
    describe:
      "How columns get their type: `evidently` follows Evidently 0.7's default rules on the current data (integers with ≤ 10 values are categorical, mostly-distinct text is left out); `legacy`: the reference decides, numbers are numerical.",
  },
  profileCache: {
    field: text(),
    placeholder: 'dir',
    env: 'DRIFT_PROFILE_CACHE',
    default: '.mlctl/cache/drift',
    describe:
      "Directory where reference profiles are cached by the reference file's sha256 (relative to the working directory); `none` computes them every run.",
  },
  stattest: {
    field: oneOf(DRIFT_STATTESTS),
    default: 'auto' as const,
    describe: "Test for every feature column; `auto` picks Evidently's default per column.",
  },
  threshold: {
    field: number({ min: 0 }),
    describe: "Drift threshold for the test (default: the test's own: 0.05 for p-values, 0.1 for distances).",
  },
  driftShare: {
    field: number({ min: 0, max: 1, exclusiveMin: true }),
    default: 0.5,
    describe: 'Dataset drift when at least this share of columns drifted.',
  },
  bins: {
    field: integer({ min: 1, max: 1000 }),
    describe:
      'Bins for PSI and Jensen–Shannon on numbers and for the report charts (default: Sturges, as Evidently).',
  },
  minRows: {
    field: integer({ min: 1 }),
    env: 'DRIFT_MIN_ROWS',
    default: 50,
    describe: 'Fewer current values in a column than this: the run is "not evaluated", never "no drift".',
  },
  maxRows: {
    field: integer({ min: 1 }),
    env: 'DRIFT_MAX_ROWS',
    describe: 'Keep only the most recent N current rows.',
  },
  threads: {
    field: integer({ min: 1, max: 64 }),
    env: 'DRIFT_THREADS',
    describe:
      'Threads reading a JSONL prediction log (default: the CPUs, at most 4, for logs of 64 MB or more; 1 with --max-rows).',
  },
  format: {
    field: oneOf(DRIFT_FORMATS),
    default: 'text' as const,
    describe: 'Output on stdout: `text`, `json`, `html`, `junit` (XML) or `prometheus` (text exposition).',
  },
  report: {
    field: text(),
    placeholder: 'file',
    describe: 'Also write the report to this file (format by extension: .html, .xml, .json, .prom, .txt).',
  },
  reportFormat: { field: oneOf(DRIFT_FORMATS), describe: 'Format of the --report file.' },
  failOnDrift: {
    field: boolean(),
    default: false,
    describe: 'Exit 3 when dataset drift is detected or the run is not evaluated.',
  },
  predictionColumn: {
    field: text(),
    placeholder: 'column',
    default: 'prediction',
    describe: 'Column holding the model output; reported separately, with PSI.',
  },
  targetColumn: {
    field: text(),
    placeholder: 'column',
    env: 'MLCTL_TARGET',
    default: 'target',
    describe: 'Label column, left out of the comparison.',
  },
  lokiBaseUrl: {
    field: text(),
    placeholder: 'url',
    env: 'LOKI_BASE_URL',
    describe: 'Loki server, e.g. http://loki:3100 (when --current is not given).',
  },
  lokiQuery: {
    field: text(),
    placeholder: 'logql',
    env: 'LOKI_QUERY',
    describe: 'LogQL selecting the prediction log lines, e.g. {app="mlctl"} |= "prediction" | json.',
  },
  lokiRangeMinutes: {
    field: integer({ min: 1 }),
    env: 'LOKI_RANGE_MINUTES',
    default: 60,
    describe: 'How far back to read from Loki (a URL `since=` wins).',
  },
  lokiBatchSize: {
    field: integer({ min: 1, max: 5000 }),
    env: 'LOKI_BATCH_SIZE',
    default: 1000,
    describe: "Entries per query_range request (at most Loki's max_entries_limit_per_query).",
  },
  lokiMaxEntries: {
    field: integer({ min: 1 }),
    env: 'LOKI_MAX_ENTRIES',
    describe: 'Stop after this many log lines.',
  },
  lokiToken: {
    field: text(),
    env: 'LOKI_TOKEN',
    flag: false,
    secret: true,
    describe: 'Bearer token for Loki (user:password in the URL gives basic auth instead).',
  },
  lokiOrgId: {
    field: text(),
    placeholder: 'tenant',
    env: 'LOKI_ORG_ID',
    describe: 'Tenant sent as X-Scope-OrgID to a multi-tenant Loki.',
  },
  lokiTimeoutSeconds: {
    field: integer({ min: 1, max: 3600 }),
    env: 'LOKI_TIMEOUT_SECONDS',
    default: 30,
    describe: 'Timeout of each Loki request.',
  },
});

export const driftServeSettings = defineSettings('drift-serve', '`mlctl drift serve`', {
  host: {
    field: text(),
    placeholder: 'address',
    env: 'DRIFT_HOST',
    default: '127.0.0.1',
    describe:
      'Address to listen on: 127.0.0.1 (this machine only), or 0.0.0.0 for every interface (containers set it).',
  },
  port: {
    field: integer({ min: 0, max: 65535 }),
    env: 'DRIFT_PORT',
    default: 9000,
    describe: 'Port to listen on (0 = any free port).',
  },
  interval: {
    field: integer({ min: 1 }),
    env: 'DRIFT_EVALUATION_INTERVAL_SECONDS',
    default: 300,
    describe: 'Seconds between drift runs.',
  },
  staleAfter: {
    field: integer({ min: 1 }),
    env: 'DRIFT_STALE_AFTER_SECONDS',
    describe: '/healthz turns 503 when no run succeeded for this long (default: 3 intervals).',
  },
  adminToken: {
    field: text(),
    env: 'ADMIN_API_TOKEN',
    flag: false,
    secret: true,
    describe: 'Token that POST /refresh requires; unset, /refresh is refused (403), never open.',
  },
  adminTokenHeader: {
    field: text(),
    placeholder: 'header',
    env: 'ADMIN_TOKEN_HEADER',
    default: 'X-Admin-Token',
    describe: 'Header that carries the admin token.',
  },
});
