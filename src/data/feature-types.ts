import { MAX_CATEGORIES } from '../forest/binning';
import type { ClassLabel } from '../forest/predictor';
import type { ColumnReader } from './column-reader';
import { identifierLike } from './column-types';
import { MAX_CATEGORY_VALUES, describeColumn } from './infer';
import type { DatasetSchema } from './schema';
import type { ProblemList } from './table-plan';

/** A feature as the model takes it (model.json's feature_info, docs/ARTIFACT.md). */
export interface FeatureSpec {
  name: string;
  type: 'numeric' | 'categorical';
  /** Missing in some row (or allowed to be, by the schema). */
  nullable: boolean;
  /** Categorical: the categories, sorted; a category's code is its index. */
  categories?: ClassLabel[];
}

/** A column that is not a feature, and why. */
export interface LeftOut {
  column: string;
  reason: string;
}

export interface TypedFeatures {
  specs: FeatureSpec[];
  columns: Float64Array[];
  leftOut: LeftOut[];
  notes: string[];
}

/**
 * Each column's type: `--categorical` / `--numeric`, else the schema's, else the rule of
 * `validate --infer` (infer.ts): numbers are numeric, text with at most 100 distinct values that is
 * not identifier-like is categorical, other text (and an empty column) is left out. A column named
 * in --features that cannot be a feature is a problem, not a warning.
 */
export function typeFeatures(
  readers: readonly ColumnReader[],
  explicit: boolean,
  options: { schema?: DatasetSchema; categorical?: string[]; numeric?: string[] },
  problems: ProblemList,
): TypedFeatures {
  const out: TypedFeatures = { specs: [], columns: [], leftOut: [], notes: [] };
  for (const reader of readers) {
    const { stats } = reader;
    const name = stats.name;
    const schemaType = options.schema?.columns.find((c) => c.name === name);
    let type: 'numeric' | 'categorical' | 'string';
    if (options.categorical?.includes(name)) type = 'categorical';
    else if (options.numeric?.includes(name)) type = 'numeric';
    else {
      const t = schemaType?.type ?? describeColumn(stats, false).type;
      type = t === 'number' || t === 'integer' ? 'numeric' : t === 'category' ? 'categorical' : 'string';
    }
    const nullable = stats.nulls > 0 || schemaType?.nullable === true;
    const hint = naHint(reader);
    // Numbers with a few texts: most likely missing-value markers. Guessing either way would train on
    // the wrong thing, so the user says which (unless the schema or an override already did).
    const typed = options.categorical?.includes(name) || options.numeric?.includes(name) || schemaType !== undefined;
    if (hint && !typed) {
      problems.add(`column "${name}" has ${hint}, or --categorical ${name} / --numeric ${name}`);
      continue;
    }
    if (type === 'string') {
      const reason =
        (stats.values ?? 0) === 0
          ? 'every value is empty'
          : identifierLike(stats)
            ? `identifier-like: ${stats.distinct?.size} distinct values in ${stats.values} rows`
            : `text with more than ${MAX_CATEGORY_VALUES} distinct values (an identifier or free text)`;
      if (explicit) problems.add(`column "${name}" cannot be a feature: ${reason}${hint ? `; ${hint}` : ' (--categorical makes it one, with up to 255 categories)'}`);
      else out.leftOut.push({ column: name, reason });
      continue;
    }
    if (type === 'numeric') {
      for (const bad of reader.texts)
        problems.add(`line ${bad.line}: column "${name}" = ${JSON.stringify(bad.text)} is not a number (numeric feature)`);
      out.specs.push({ name, type, nullable });
      out.columns.push(reader.numericColumn());
      continue;
    }
    if (!reader.fitsCategories) {
      problems.add(`column "${name}" has more than ${MAX_CATEGORIES} distinct values: too many for a categorical feature (at most ${MAX_CATEGORIES})`);
      continue;
    }
    const { codes, categories } = reader.categoricalColumn();
    const marker = categories.find((c) => typeof c === 'string' && NA_MARKERS.has(c));
    if (marker !== undefined)
      out.notes.push(`column "${name}" has the category ${JSON.stringify(marker)}: if it means "missing", train with --na-values ${String(marker)}`);
    out.specs.push({ name, type, nullable, categories });
    out.columns.push(codes);
  }
  if (out.specs.length === 0 && problems.count === 0) {
    problems.add(`no column can be a feature: ${out.leftOut.map((l) => `"${l.column}" (${l.reason})`).join(', ')}`);
  }
  return out;
}

/** Texts that often stand for a missing value (pandas reads most of them as NaN by default). */
const NA_MARKERS = new Set(['NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '?', '-']);

/** For a column of numbers with a few texts: the texts, which may be missing-value markers. */
function naHint(reader: ColumnReader): string | undefined {
  const values = reader.stats.values ?? 0;
  if (reader.textCount === 0 || reader.textCount > 0.2 * values) return undefined;
  const texts = [...new Set(reader.texts.map((t) => t.text))];
  return `${values - reader.textCount} numbers and ${reader.textCount} text${reader.textCount === 1 ? '' : 's'} (${texts.map((t) => JSON.stringify(t)).join(', ')}): if they mean "missing", train with --na-values ${texts.join(',')}`;
}
