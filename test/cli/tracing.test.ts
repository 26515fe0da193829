import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createModelFixture } from '../helpers/model-fixture';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { attrs, receiver, spansOf } from '../helpers/otlp-receiver';

const run = promisify(execFile);

/** Runs a command in a fresh node (the built dist/) and lists the tracing modules it loaded. */
async function loadedTracingModules(argv: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const script = `
    const main = require(${JSON.stringify(join(REPO_ROOT, 'dist', 'cli', 'main.js'))});
    require(${JSON.stringify(join(REPO_ROOT, 'dist', 'serve', 'run-serve.js'))});
    const { PassThrough } = require('node:stream');
    main.run(${JSON.stringify(argv)}, { stdout: new PassThrough(), stderr: new PassThrough(), env: process.env, cwd: process.cwd() })
      .then((code) => console.log(JSON.stringify({ code, loaded: Object.keys(require.cache).filter((f) => /telemetry[\\\\/]tracing/.test(f)).map((f) => f.split(/[\\\\/]/).slice(-2).join('/')).sort() })));`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env },
  });
  const { code, loaded } = JSON.parse(stdout) as { code: number; loaded: string[] };
  expect(code).toBe(0);
  return loaded;
}

describe('tracing in the CLI (built CLI)', () => {
  it('loads nothing of the tracer unless OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const registry = { MLCTL_REGISTRY_DIR: join(tempDir('mlctl-tracing-'), 'registry') };
    expect(await loadedTracingModules(['models', 'list'], registry)).toEqual(['tracing/requested.js']);
    const r = await receiver();
    try {
      const on = await loadedTracingModules(['models', 'list'], {
        ...registry,
        OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
      });
      expect(on).toEqual(
        expect.arrayContaining(['tracing/index.js', 'tracing/otlp-exporter.js', 'tracing/tracer.js']),
      );
    } finally {
      await r.close();
    }
  });

  it("exports the command's span, a child of TRACEPARENT, with a span for each registry call", async () => {
    const dir = tempDir('mlctl-tracing-');
    const model = await createModelFixture(dir);
    const r = await receiver();
    try {
      const result = await spawnCli(
        ['register', '--model-dir', model, '--name', 'iris', '--alias', 'production'],
        {
          env: {
            MLCTL_REGISTRY_DIR: join(dir, 'registry'),
            OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
            OTEL_SERVICE_NAME: 'ci-job',
            TRACEPARENT: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          },
        },
      );
      expect(result.code).toBe(0);
      const spans = spansOf(r.received);
      const command = spans.find((s) => s.name === 'mlctl register');
      expect(command).toMatchObject({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentSpanId: '00f067aa0ba902b7',
        kind: 1,
      });
      expect(attrs(command!)['process.exit.code']).toEqual({ intValue: '0' });
      const registry = spans.filter((s) => String(s.name).startsWith('registry '));
      expect(registry.map((s) => s.name)).toEqual(
        expect.arrayContaining([
          'registry createModelVersion',
          'registry setAlias',
          'registry logModelArtifacts',
        ]),
      );
      for (const s of registry) expect([s.name, s.parentSpanId]).toEqual([s.name, command!.spanId]);
      const alias = registry.find((s) => s.name === 'registry setAlias')!;
      expect(attrs(alias)).toMatchObject({
        'mlctl.model.name': { stringValue: 'iris' },
        'mlctl.model.alias': { stringValue: 'production' },
        'mlctl.registry.backend': { stringValue: 'local' },
      });
    } finally {
      await r.close();
    }
  });

  it('refuses invalid OTEL_* settings with exit 2 and every problem listed', async () => {
    const result = await spawnCli(['models', 'list'], {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_SAMPLER: 'sometimes',
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid OpenTelemetry configuration/);
    expect(result.stderr).toMatch(/grpc is not supported/);
    expect(result.stderr).toMatch(/OTEL_TRACES_SAMPLER: "sometimes"/);
  });
});
