import type { Command } from 'commander';
import type { MlctlError } from '../errors';
import type { Logger } from '../telemetry/logger';
import { tracingRequested } from '../telemetry/tracing/requested';
import type * as TracingModule from '../telemetry/tracing';
import type { Span, Tracer } from '../telemetry/tracing/types';

/**
 * Commands that run until stopped: their requests and registry calls are spans of their own, not the
 * children of one command span that would last for months (and be exported only at the end).
 */
const LONG_RUNNING = new Set(['mlctl serve', 'mlctl drift serve']);

/**
 * A command's tracing: the tracer when the environment asks for traces (OTEL_EXPORTER_OTLP_ENDPOINT),
 * made and loaded only then; the command's span, a child of TRACEPARENT when the environment carries
 * one (so a CI job's trace takes mlctl's in); and the export of what is left when the command ends.
 */
export class CommandTracing {
  private tracer: Tracer | undefined;
  private made = false;
  private span: Span | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly deps: { logger: () => Logger; version: string },
  ) {}

  /** The tracer, or undefined when no traces are asked for. Throws CONFIG_INVALID for bad OTEL_* values. */
  get(): Tracer | undefined {
    if (!this.made) {
      this.made = true;
      if (tracingRequested(this.env)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createTracer } = require('../telemetry/tracing') as typeof TracingModule;
        this.tracer = createTracer(this.env, { logger: this.deps.logger(), version: this.deps.version });
      }
    }
    return this.tracer;
  }

  /** Starts the span of the command about to run and makes it current for everything the command calls. */
  begin(command: Command): void {
    const tracer = this.get();
    if (!tracer) return;
    const name = commandPath(command);
    if (LONG_RUNNING.has(name)) return;
    this.span = tracer.startSpan(name, {
      parent: { traceparent: this.env.TRACEPARENT, tracestate: this.env.TRACESTATE },
      attributes: { 'mlctl.command': name.slice('mlctl '.length) },
    });
    tracer.enter(this.span);
  }

  /** Ends the command's span with its outcome, then exports every span still waiting. */
  async end(exitCode: number, error: MlctlError | undefined): Promise<void> {
    if (!this.tracer) return;
    if (this.span) {
      this.span.setAttribute('process.exit.code', exitCode);
      if (error) this.span.fail(error.message, error.code);
      this.span.end();
    }
    await this.tracer.shutdown();
  }
}

/** `mlctl drift serve` for the drift command's serve subcommand. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
