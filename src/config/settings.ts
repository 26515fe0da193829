import type { Field } from './fields';

/** One setting: its type, where it can be set, and its default. */
export interface Setting<T = unknown> {
  readonly field: Field<T>;
  /** What it does, one sentence, for --help and docs/CONFIGURATION.md. */
  readonly describe: string;
  /** Environment variable that sets it (the seed's names where it had one). */
  readonly env?: string;
  /** False when the setting has no command-line flag (env or file only). */
  readonly flag?: boolean;
  /** A value given on the command line as a positional argument, not a flag. */
  readonly positional?: boolean;
  readonly default?: T;
  /** Never echoed back in errors or logs. */
  readonly secret?: boolean;
  /** What the flag's value is, for --help: `--data <csv>` (default: from the field, e.g. `<n>`). */
  readonly placeholder?: string;
  /** Needed on every run (a rule of the group says so when it is missing); --help marks it. */
  readonly required?: boolean;
}

export type SettingsSpec = Record<string, Setting>;

export interface SettingsGroup<S extends SettingsSpec> {
  /** The section of mlctl.yaml these settings live under. */
  readonly section: string;
  readonly title: string;
  readonly settings: S;
  /** Cross-setting rules, checked after every setting parsed; each returns problems as `path: message`. */
  readonly rules: ReadonlyArray<(config: ResolvedSettings<S>) => string[]>;
}

type ValueOf<S> = S extends { field: Field<infer T> } ? T : never;

/** A setting with a default always has a value; one without may be undefined. */
export type ResolvedSettings<S extends SettingsSpec> = {
  [K in keyof S]: S[K] extends { default: infer D }
    ? undefined extends D
      ? ValueOf<S[K]> | undefined
      : ValueOf<S[K]>
    : ValueOf<S[K]> | undefined;
};

export function defineSettings<S extends SettingsSpec>(
  section: string,
  title: string,
  settings: S,
  rules: SettingsGroup<S>['rules'] = [],
): SettingsGroup<S> {
  return { section, title, settings, rules };
}

/** `nEstimators` → `n-estimators`: the spelling used by flags and by mlctl.yaml keys. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export interface ConfigFile {
  /** Path shown in errors. */
  path: string;
  data: Record<string, unknown>;
}

export interface SettingSources {
  /** Parsed command-line values keyed by setting name (commander's camelCase); undefined = not given. */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  file?: ConfigFile;
}

export type Resolution<S extends SettingsSpec> =
  { config: ResolvedSettings<S>; errors?: undefined } | { config?: undefined; errors: string[] };

/**
 * Resolves a group's settings: flags > environment variables > mlctl.yaml > defaults. Every setting is
 * parsed, and every problem is returned at once, each named after the source it came from.
 */
export function resolveSettings<S extends SettingsSpec>(
  group: SettingsGroup<S>,
  sources: SettingSources,
): Resolution<S> {
  const errors: string[] = [];
  const config: Record<string, unknown> = {};
  const section = readSection(group.section, sources.file, errors);

  if (section) {
    for (const key of Object.keys(section)) {
      if (!Object.keys(group.settings).some((k) => kebab(k) === key)) {
        const known = Object.keys(group.settings).map(kebab).join(', ');
        errors.push(`${sources.file?.path}: ${group.section}.${key}: unknown setting (known: ${known})`);
      }
    }
  }

  for (const [key, setting] of Object.entries(group.settings)) {
    const picked = pick(key, setting, group.section, sources, section);
    if (picked === undefined) {
      config[key] = setting.default;
      continue;
    }
    const parsed = setting.field.parse(picked.value);
    if (parsed.ok) {
      config[key] = parsed.value;
    } else {
      const { message } = parsed;
      errors.push(
        `${picked.label}: ${setting.secret ? message.replace(/got .*$/, 'got an invalid value') : message}`,
      );
    }
  }

  if (errors.length === 0) {
    for (const rule of group.rules) errors.push(...rule(config as ResolvedSettings<S>));
  }
  return errors.length ? { errors } : { config: config as ResolvedSettings<S> };
}

function readSection(
  name: string,
  file: ConfigFile | undefined,
  errors: string[],
): Record<string, unknown> | undefined {
  const section = file?.data[name];
  if (section === undefined || section === null) return undefined;
  if (typeof section !== 'object' || Array.isArray(section)) {
    errors.push(`${file?.path}: ${name}: expected a mapping of settings`);
    return undefined;
  }
  return section as Record<string, unknown>;
}

function pick(
  key: string,
  setting: Setting,
  sectionName: string,
  sources: SettingSources,
  section: Record<string, unknown> | undefined,
): { value: unknown; label: string } | undefined {
  const flagValue = sources.flags?.[key];
  if (flagValue !== undefined) {
    return { value: flagValue, label: setting.positional ? `argument <${kebab(key)}>` : `--${kebab(key)}` };
  }
  // An empty variable counts as unset: compose files and CI templates often pass `NAME=`.
  const envValue = setting.env ? sources.env?.[setting.env] : undefined;
  if (setting.env && envValue !== undefined && envValue !== '')
    return { value: envValue, label: setting.env };
  const fileKey = kebab(key);
  if (section && section[fileKey] !== undefined && section[fileKey] !== null) {
    return { value: section[fileKey], label: `${sources.file?.path}: ${sectionName}.${fileKey}` };
  }
  return undefined;
}
