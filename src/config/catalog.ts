import { canaryPromoteSettings, canaryRollbackSettings, canaryTargetSettings } from './sections/canary';
import type { SettingsGroup, SettingsSpec } from './settings';
import { driftServeSettings, driftSettings } from './sections/drift';
import { loggingSettings } from './sections/logging';
import { predictSettings } from './sections/predict';
import { explainSettings } from './sections/explain';
import { trainSettings } from './sections/train';
import { validateSettings } from './sections/validate';
import { registrySettings } from './sections/registry';
import { registerSettings } from './sections/register';
import { serveSettings } from './sections/serve';
import { initSettings } from './sections/init';

/** Every settings group, in the order docs/CONFIGURATION.md lists them. */
export const SETTINGS_GROUPS: ReadonlyArray<SettingsGroup<SettingsSpec>> = [
  loggingSettings,
  validateSettings,
  trainSettings,
  predictSettings,
  explainSettings,
  registrySettings,
  registerSettings,
  serveSettings,
  driftSettings,
  driftServeSettings,
  canaryPromoteSettings,
  canaryTargetSettings,
  canaryRollbackSettings,
  initSettings,
] as unknown as ReadonlyArray<SettingsGroup<SettingsSpec>>;
