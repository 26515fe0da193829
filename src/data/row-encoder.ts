import type { ClassLabel } from '../forest/predictor';
import { decimalValue, isFiniteNumberText, normaliseValue } from './numeric-text';

/** What the encoder needs to know of a feature (model.json's feature_info; absent: numeric). */
export interface EncodedFeature {
  name: string;
  type: 'numeric' | 'categorical';
  categories?: readonly ClassLabel[];
}

/** Why a value could not be encoded. */
export interface EncodeProblem {
  feature: string;
  value: string;
  message: string;
}

/**
 * Turns raw values — CSV text, or JSON numbers, strings and nulls — into the numbers a predictor takes
 * (docs/ARTIFACT.md, "Routing a row"): a number for a numeric feature, the category's code for a
 * categorical one, NaN for a missing value. Missing is an empty cell, null, or a text of `naValues`; a
 * category not seen in training is missing too, and counted per feature. Text in a numeric feature is a
 * problem, returned for the caller to report with its row.
 */
export class RowEncoder {
  /** Unknown categories met, per feature name. */
  readonly unknown: Record<string, number> = {};
  private readonly lookups: Array<Map<string, number> | undefined>;
  private readonly numericCategories: boolean[];

  constructor(
    readonly features: readonly EncodedFeature[],
    private readonly naValues: ReadonlySet<string> = new Set(),
  ) {
    this.numericCategories = features.map((f) => (f.categories ?? []).every((c) => typeof c === 'number'));
    this.lookups = features.map((f, i) =>
      f.type === 'categorical'
        ? new Map((f.categories ?? []).map((c, k) => [normaliseValue(c, this.numericCategories[i] as boolean), k]))
        : undefined,
    );
  }

  /** The encoded value of feature f, or a problem. */
  encode(f: number, raw: string | number | boolean | null | undefined): number | EncodeProblem {
    const feature = this.features[f] as EncodedFeature;
    if (raw === null || raw === undefined) return NaN;
    const lookup = this.lookups[f];
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) return problem(feature, String(raw), 'is not a finite number');
      if (!lookup) return raw;
      return this.category(f, lookup, normaliseValue(raw, this.numericCategories[f] as boolean));
    }
    const text = typeof raw === 'string' ? raw.trim() : String(raw);
    if (text === '' || this.naValues.has(text)) return NaN;
    if (!lookup) {
      const n = decimalValue(text);
      return n === n ? n : problem(feature, text, 'is not a number (numeric feature)');
    }
    const numeric = this.numericCategories[f] as boolean;
    if (numeric && !isFiniteNumberText(text)) return this.unknownCategory(feature);
    return this.category(f, lookup, normaliseValue(text, numeric));
  }

  private category(f: number, lookup: Map<string, number>, key: string): number {
    const code = lookup.get(key);
    return code === undefined ? this.unknownCategory(this.features[f] as EncodedFeature) : code;
  }

  private unknownCategory(feature: EncodedFeature): number {
    this.unknown[feature.name] = (this.unknown[feature.name] ?? 0) + 1;
    return NaN;
  }
}

function problem(feature: EncodedFeature, value: string, message: string): EncodeProblem {
  return { feature: feature.name, value, message };
}

/** The encoder's view of a model's features (numeric unless `info` says otherwise). */
export function encodedFeatures(
  names: readonly string[],
  info: Readonly<Record<string, { type: 'numeric' | 'categorical'; categories?: ClassLabel[] }>>,
): EncodedFeature[] {
  return names.map((name) => ({
    name,
    type: info[name]?.type ?? 'numeric',
    ...(info[name]?.categories ? { categories: info[name]?.categories } : {}),
  }));
}
