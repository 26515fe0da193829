import pino from 'pino';
import type { Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'text';

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where log lines go; stderr by default so stdout stays for results. */
  destination?: NodeJS.WritableStream;
  /** Fields bound to every line (service, command, ...). */
  base?: Record<string, unknown>;
  /** Colour the text format (default: when stderr is a terminal and no destination is given). */
  color?: boolean;
}

/** Secrets never reach a log line, whatever a caller passes in. */
export const REDACT_PATHS = [
  'password',
  'token',
  'authorization',
  '*.password',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: options.base ?? null,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.format === 'text') {
    // pino-pretty as a synchronous stream (no worker thread): lines are written before the process exits.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof PinoPretty;
    const stream = pretty({
      destination: options.destination ?? process.stderr,
      colorize: options.color ?? (process.stderr.isTTY === true && options.destination === undefined),
      // One line per event: a terminal shows what happened, not a block of fields under it.
      singleLine: true,
      sync: true,
      ignore: 'pid,hostname',
      translateTime: 'HH:MM:ss.l',
    });
    return pino(pinoOptions, stream);
  }
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(pinoOptions, destination);
}

/** A logger that drops everything, for tests and library callers that do not care. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
