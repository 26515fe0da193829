import { Option } from 'commander';
import type { Command } from 'commander';
import { kebab } from '../config/settings';
import type { Setting, SettingsGroup, SettingsSpec } from '../config/settings';

/**
 * Declares a flag for every setting of a group that has one (but those in `except`). Defaults are shown
 * in --help but not given to commander: an absent flag must stay undefined so env and mlctl.yaml can
 * supply the value. A switch that defaults to true also gets its `--no-` form.
 */
export function addSettingOptions<S extends SettingsSpec>(
  command: Command,
  group: SettingsGroup<S>,
  except: ReadonlyArray<keyof S & string> = [],
): Command {
  for (const [key, setting] of Object.entries(group.settings)) {
    if (setting.positional || setting.flag === false || except.includes(key)) continue;
    const name = kebab(key);
    const arity = setting.field.arity;
    const flags = arity === 'switch' ? `--${name}` : `--${name} <${placeholderOf(setting)}>`;
    const notes: string[] = [];
    if (setting.env) notes.push(`env ${setting.env}`);
    if (setting.default !== undefined && arity !== 'switch')
      notes.push(`default ${JSON.stringify(setting.default)}`);
    const describe = `${setting.required ? '(required) ' : ''}${setting.describe}`;
    command.addOption(new Option(flags, `${describe}${notes.length ? ` (${notes.join('; ')})` : ''}`));
    if (arity === 'switch' && setting.default === true) {
      command.addOption(new Option(`--no-${name}`, `turn off --${name} (on by default)`));
    }
  }
  return command;
}

/** What a flag's value is: the setting's own placeholder, else one from its type (`<n>`, `<a|b>`). */
export function placeholderOf(setting: Setting): string {
  if (setting.placeholder) return setting.placeholder;
  const type = setting.field.type;
  if (setting.field.arity === 'list') return 'values...';
  if (type.startsWith('integer')) return 'n';
  if (type.startsWith('number')) return 'number';
  if (type.startsWith('`')) return type.replace(/`/g, '').split(' | ').join('|');
  if (type === 'header name') return 'header';
  return 'value';
}
