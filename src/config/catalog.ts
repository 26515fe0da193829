import type { SettingsGroup, SettingsSpec } from './settings';
import { driftServeSettings, driftSettings } from './sections/drift';
import { loggingSettings } from './sections/logging';
import { validateSettings } from './sections/validate';

/** Every settings group, in the order docs/CONFIGURATION.md lists them. */
export const SETTINGS_GROUPS: ReadonlyArray<SettingsGroup<SettingsSpec>> = [
  loggingSettings,
  validateSettings,
  driftSettings,
  driftServeSettings,
] as unknown as ReadonlyArray<SettingsGroup<SettingsSpec>>;
