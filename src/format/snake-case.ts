/**
 * Fields whose values are maps keyed by user data — tag, param and metric names, alias names, template
 * variables — whose keys are printed as they are, whatever their case.
 */
const DATA_MAPS: ReadonlySet<string> = new Set(['tags', 'params', 'metrics', 'aliases', 'variables']);

/** `modelUri` → `model_uri`, `lastUpdatedTimestamp` → `last_updated_timestamp`; snake_case stays. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * A `--json` document with every field name in snake_case, as MLflow's REST API and the rest of mlctl's
 * output spell them. The maps in DATA_MAPS keep their keys (and their values) untouched; an array under
 * such a name is a list of records and is converted.
 */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      snakeCase(key),
      DATA_MAPS.has(key) && isRecord(inner) ? inner : snakeCaseKeys(inner),
    ]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
