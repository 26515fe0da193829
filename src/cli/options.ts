import { Option } from 'commander';
import type { Command } from 'commander';
import { kebab } from '../config/settings';
import type { SettingsGroup, SettingsSpec } from '../config/settings';

/**
 * Declares a flag for every setting of a group that has one. Defaults are shown in --help but not given
 * to commander: an absent flag must stay undefined so env and mlctl.yaml can supply the value.
 */
export function addSettingOptions<S extends SettingsSpec>(
  command: Command,
  group: SettingsGroup<S>,
): Command {
  for (const [key, setting] of Object.entries(group.settings)) {
    if (setting.positional || setting.flag === false) continue;
    const name = kebab(key);
    const arity = setting.field.arity;
    const flags =
      arity === 'switch' ? `--${name}` : arity === 'list' ? `--${name} <values...>` : `--${name} <value>`;
    const notes: string[] = [];
    if (setting.env) notes.push(`env ${setting.env}`);
    if (setting.default !== undefined && arity !== 'switch')
      notes.push(`default ${JSON.stringify(setting.default)}`);
    const option = new Option(flags, `${setting.describe}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    command.addOption(option);
  }
  return command;
}
