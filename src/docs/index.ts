import { renderConfigurationDoc } from './configuration';
import { renderErrorsDoc } from './errors';
import { renderJsonOutputSchemas } from './output';
import { renderCanaryPolicyJsonSchema, renderDatasetJsonSchema } from './schemas';

/** Every generated documentation file, by path relative to the repository root. */
export function generatedDocs(): Record<string, string> {
  return {
    'docs/CONFIGURATION.md': renderConfigurationDoc(),
    'docs/ERRORS.md': renderErrorsDoc(),
    'docs/schemas/dataset-schema.json': renderDatasetJsonSchema(),
    'docs/schemas/canary-policy.json': renderCanaryPolicyJsonSchema(),
    ...renderJsonOutputSchemas(),
  };
}
