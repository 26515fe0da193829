import { csvField } from '../../artifact/write';
import type { ClassLabel } from '../../forest/predictor';
import { explanationDocument } from '../../forest/shap-rows';
import type { RowExplanation } from '../../forest/shap-rows';
import { featuresDocument } from '../predict/lines';

/** What every explanation line needs to know of the model and the run. */
export interface ExplainShape {
  task: 'classification' | 'regression';
  classes: readonly ClassLabel[];
  features: readonly string[];
  /** Every class's SHAP values, not only the predicted class's. */
  allClasses: boolean;
  categorical: readonly boolean[];
  naValues: ReadonlySet<string>;
}

/** The input's header, then the prediction and the explanation's columns. */
export function explainCsvHeader(fields: readonly string[], shape: ExplainShape): string {
  const names = [...fields, 'prediction'];
  if (shape.task === 'regression') names.push('expected_value', ...shape.features.map((f) => `shap_${f}`));
  else if (!shape.allClasses)
    names.push('probability', 'expected_value', ...shape.features.map((f) => `shap_${f}`));
  else
    for (const c of shape.classes)
      names.push(`proba_${c}`, `expected_value_${c}`, ...shape.features.map((f) => `shap_${f}_${c}`));
  return names.map(csvField).join(',');
}

/** The input line as it was, then the prediction and the explanation. */
export function explainCsvLine(fields: readonly string[], e: RowExplanation, shape: ExplainShape): string {
  const out = fields.map(csvField);
  out.push(csvField(String(e.prediction)));
  const d = shape.features.length;
  if (!shape.allClasses || shape.task === 'regression') {
    if (shape.task === 'classification') out.push(String(e.outputs[e.predicted]));
    out.push(String(e.expected[0]));
    for (let f = 0; f < d; f++) out.push(String(e.shap[f]));
    return out.join(',');
  }
  const K = shape.classes.length;
  for (let c = 0; c < K; c++) {
    out.push(String(e.outputs[c]), String(e.expected[c]));
    for (let f = 0; f < d; f++) out.push(String(e.shap[f * K + c]));
  }
  return out.join(',');
}

/**
 * One JSON document per row, shaped as `POST /explain` answers each row: `features` (numbers, category
 * texts, null for missing), `prediction`, then for the predicted class `probability`, `expected_value`
 * and `shap_values` {feature: value}; with every class, `probabilities`, `expected_value` and
 * `shap_values` keyed by class; for regression `expected_value` and `shap_values`.
 */
export function explainJsonLine(
  raw: readonly string[],
  row: ArrayLike<number>,
  e: RowExplanation,
  shape: ExplainShape,
): string {
  return JSON.stringify({ features: featuresDocument(raw, row, shape), ...explanationDocument(e, shape) });
}
