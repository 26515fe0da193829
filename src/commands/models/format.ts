import type { DownloadedModel } from '../../registry/download';
import type { LoggedModel, Run } from '../../registry/types';
import type { RegisterResult } from '../register/run-register';
import type {
  AliasChange,
  ModelDetails,
  ModelListing,
  RegistryDescription,
  StageChange,
  VersionListing,
} from './run-models';

/** Human output of `mlctl register` and `mlctl models …` (the JSON output is the result objects themselves). */

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatTime(ms: number): string {
  return ms > 0
    ? new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '-';
}

export function formatRegistry(r: RegistryDescription): string {
  const kind = r.kind === 'mlflow' ? `MLflow ${r.serverVersion ?? '(version unknown)'}` : 'local registry';
  return `Registry: ${kind} at ${r.location}`;
}

export function formatListing(listing: ModelListing | VersionListing): string {
  const head = formatRegistry(listing.registry);
  if ('models' in listing) {
    if (listing.models.length === 0)
      return `${head}\nNo registered models yet. Register one with \`mlctl register\`.`;
    const rows = listing.models.map((m) => [
      m.name,
      latest(m.latestVersions.map((v) => v.version)),
      aliasList(m.aliases),
      formatTime(m.lastUpdatedTimestamp),
    ]);
    return `${head}\n${table(['NAME', 'LATEST', 'ALIASES', 'UPDATED'], rows)}`;
  }
  const title = `Model ${listing.model.name}${listing.model.description ? ` — ${listing.model.description}` : ''}`;
  if (listing.versions.length === 0) return `${head}\n${title}\nNo versions yet.`;
  const rows = listing.versions.map((v) => [
    v.version,
    v.stage,
    v.aliases.join(',') || '-',
    formatTime(v.creationTimestamp),
    v.runId ?? '-',
  ]);
  return `${head}\n${title}\n${table(['VERSION', 'STAGE', 'ALIASES', 'CREATED', 'RUN'], rows)}`;
}

export function formatDetails(d: ModelDetails): string {
  const v = d.version;
  const lines = [formatRegistry(d.registry), d.requested === d.uri ? d.uri : `${d.requested} → ${d.uri}`];
  const fields: string[][] = [
    ['stage', v.stage],
    ['aliases', v.aliases.join(', ') || '-'],
    ['status', v.status],
    ['source', v.source],
    ['created', formatTime(v.creationTimestamp)],
    ['updated', formatTime(v.lastUpdatedTimestamp)],
  ];
  if (v.description) fields.push(['description', v.description]);
  if (d.run)
    fields.push([
      'run',
      `${d.run.runId} (${d.run.runName}, experiment ${d.run.experimentId}, ${d.run.status})`,
    ]);
  else if (v.runId) fields.push(['run', `${v.runId} (not found)`]);
  const m = d.logged_model;
  if (m) fields.push(['logged model', `${m.model_id} (${m.name}, ${m.status})`]);
  else if (v.model_id) fields.push(['logged model', `${v.model_id} (not found)`]);
  for (const [key, value] of Object.entries(v.tags)) fields.push([`tag ${key}`, value]);
  lines.push(...fields.map(([k, val]) => `  ${(k ?? '').padEnd(12)} ${val}`));
  if (d.run) {
    lines.push(
      datasets(d.run),
      section('Metrics', d.run.metrics),
      section('Params', d.run.params),
      section('Run tags', d.run.tags),
    );
  }
  if (m) lines.push(modelMetrics(m));
  return lines.filter((l) => l !== '').join('\n');
}

/** The run's dataset inputs: what each is for, its rows (from the profile) and where it came from. */
function datasets(run: Run): string {
  const inputs = run.inputs?.dataset_inputs ?? [];
  if (inputs.length === 0) return '';
  const rows = inputs.map(({ dataset, tags }) => [
    `  ${dataset.name}`,
    tags['mlflow.data.context'] ?? '-',
    dataset.digest,
    String(jsonField(dataset.profile, 'num_rows') ?? '-'),
    String(jsonField(dataset.source, 'uri') ?? jsonField(dataset.source, 'url') ?? dataset.source),
  ]);
  return `Datasets\n${table(['  NAME', 'CONTEXT', 'DIGEST', 'ROWS', 'SOURCE'], rows)}`;
}

/** The logged model's metrics, each with the dataset it was measured on. */
function modelMetrics(model: LoggedModel): string {
  if (model.metrics.length === 0) return '';
  const rows = [...model.metrics]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((metric) => [`  ${metric.key}`, String(metric.value), metric.dataset_name ?? '-']);
  return `Logged model metrics\n${table(['  NAME', 'VALUE', 'DATASET'], rows)}`;
}

function jsonField(text: string | undefined, key: string): unknown {
  try {
    const parsed = JSON.parse(text ?? '') as Record<string, unknown>;
    return typeof parsed === 'object' && parsed !== null ? parsed[key] : undefined;
  } catch {
    return undefined;
  }
}

function section(title: string, values: Record<string, string | number>): string {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return '';
  return `${title}\n${table(
    ['  NAME', 'VALUE'],
    keys.map((k) => [`  ${k}`, String(values[k])]),
  )}`;
}

export function formatAlias(c: AliasChange): string {
  if (c.version === undefined)
    return `Deleted alias ${c.alias} of ${c.name} (it pointed at version ${c.previous}).`;
  const was =
    c.previous === undefined
      ? 'new alias'
      : c.previous === c.version
        ? 'unchanged'
        : `was version ${c.previous}`;
  return `models:/${c.name}@${c.alias} → version ${c.version} (${was})`;
}

export function formatStage(c: StageChange): string {
  const v = c.version;
  const archived = c.archived.length
    ? `; archived version${c.archived.length > 1 ? 's' : ''} ${c.archived.join(', ')}`
    : '';
  return `models:/${v.name}/${v.version}: ${c.previousStage} → ${v.stage}${archived}`;
}

export function formatDownload(d: DownloadedModel): string {
  const via = d.requested === d.uri ? d.uri : `${d.requested} → ${d.uri}`;
  return `Downloaded ${via} to ${d.dir} (checksums verified)`;
}

/** KEY=VALUE lines, so a shell or CI step can `eval` them or append them to $GITHUB_ENV. */
export function formatRegistered(r: RegisterResult): string {
  return [
    `MODEL_URI=${r.modelUri}`,
    `MODEL_NAME=${r.name}`,
    `MODEL_VERSION=${r.version}`,
    `RUN_ID=${r.runId}`,
    ...(r.logged_model_id ? [`LOGGED_MODEL_ID=${r.logged_model_id}`] : []),
  ].join('\n');
}

function latest(versions: string[]): string {
  return versions.length ? String(Math.max(...versions.map(Number))) : '-';
}

function aliasList(aliases: Record<string, string>): string {
  const entries = Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.map(([a, v]) => `${a}→${v}`).join(', ') || '-';
}
