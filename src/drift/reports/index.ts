import type { DriftResult } from '../run-drift';
import { renderHtmlReport } from './html';
import { toDriftJson } from './json';
import { renderJunit } from './junit';
import { renderText } from './text';

import type { DRIFT_FORMATS } from '../../config/sections/drift';

export type DriftFormat = (typeof DRIFT_FORMATS)[number];

/** The report in one of the output formats; each is one complete document. */
export async function formatDrift(result: DriftResult, format: DriftFormat): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toDriftJson(result), null, 2)}\n`;
    case 'text':
      return renderText(result);
    case 'html':
      return renderHtmlReport(result);
    case 'junit':
      return renderJunit(result);
    case 'prometheus': {
      // prom-client loads only for this format.
      const { renderPrometheus } = await import('./prometheus');
      return renderPrometheus(result);
    }
  }
}

/** The format a --report file gets from its extension when --report-format is not given. */
export function reportFormatFor(path: string, fallback: DriftFormat): DriftFormat {
  if (/\.html?$/i.test(path)) return 'html';
  if (/\.xml$/i.test(path)) return 'junit';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.prom$/i.test(path)) return 'prometheus';
  if (/\.txt$/i.test(path)) return 'text';
  return fallback;
}
