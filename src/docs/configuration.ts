import { SETTINGS_GROUPS } from '../config/catalog';
import { kebab } from '../config/settings';
import type { Setting } from '../config/settings';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function flagOf(key: string, s: Setting): string {
  if (s.positional) return `argument \`<${kebab(key)}>\``;
  if (s.flag === false) return '—';
  return `\`--${kebab(key)}\``;
}

/** docs/CONFIGURATION.md, generated from the settings groups so it cannot drift from the code. */
export function renderConfigurationDoc(): string {
  const out: string[] = [
    '# Configuration',
    '',
    '<!-- Generated from src/config by `npm run docs`; a test fails when this file is out of date. -->',
    '',
    'Every setting can come from four places; the first one that has it wins:',
    '',
    '1. a command-line flag (`mlctl validate --format json`);',
    '2. an environment variable, where the setting has one (`LOG_LEVEL=debug`) — an empty variable counts as unset;',
    '3. the configuration file: `--config <file>`, else `$MLCTL_CONFIG`, else `./mlctl.yaml` when present,',
    '   under the section named below, with the flag spelling as key;',
    '4. the default.',
    '',
    'Invalid values stop the command with exit code 2 and a list of every problem, each named after where',
    'it came from (`--max-samples: expected an integer, got "lots"`, `mlctl.yaml: validate.shema: unknown setting`).',
    '',
    'Example `mlctl.yaml`:',
    '',
    '```yaml',
    'logging:',
    '  level: info',
    'validate:',
    '  schema: data/processed/iris.schema.json',
    '  files: [data/processed/iris.csv]',
    '  format: text',
    '```',
    '',
    'With it, `mlctl validate` needs no arguments.',
    '',
    '## Global',
    '',
    '| Setting | Flag | Environment | Type | Default | Description |',
    '|---|---|---|---|---|---|',
    '| config file | `--config` (before the command) | `MLCTL_CONFIG` | path | `./mlctl.yaml` when present | YAML file with a section per command; a file named explicitly must exist. |',
  ];
  for (const group of SETTINGS_GROUPS) {
    out.push('', `## ${group.title}`, '', `Section \`${group.section}:\` in mlctl.yaml.`, '');
    out.push('| Setting | Flag | Environment | Type | Default | Description |', '|---|---|---|---|---|---|');
    for (const [key, s] of Object.entries(group.settings)) {
      const def = s.default === undefined ? '—' : `\`${JSON.stringify(s.default)}\``;
      out.push(
        `| \`${kebab(key)}\` | ${flagOf(key, s)} | ${s.env ? `\`${s.env}\`` : '—'} | ${cell(s.field.type)} | ${def} | ${cell(s.describe)} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
