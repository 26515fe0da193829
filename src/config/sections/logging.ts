import { oneOf } from '../fields';
import { LOG_LEVELS } from '../../telemetry/logger';
import { defineSettings } from '../settings';

export const loggingSettings = defineSettings('logging', 'Logging (every command)', {
  level: {
    field: oneOf(LOG_LEVELS, { lowercase: true }),
    env: 'LOG_LEVEL',
    flag: false,
    describe:
      'Least severe level written to stderr; default `warn` on a terminal (warnings and errors: the result is on stdout), `info` otherwise (CI logs, containers).',
  },
  format: {
    field: oneOf(['json', 'text'] as const, { lowercase: true }),
    env: 'LOG_FORMAT',
    flag: false,
    describe: 'Log line format on stderr; default `text` on a terminal, `json` otherwise.',
  },
});
