import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { MlctlError } from '../errors';
import { createLogger } from '../telemetry/logger';
import { MlflowClient } from './mlflow-client';
import type { MlflowClientOptions } from './mlflow-client';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
  bytes: Buffer;
}
type Reply = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on port 0 that answers with the queued replies, in order, and records requests. */
async function startServer(
  replies: Reply[],
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
        bytes: Buffer.concat(chunks),
      });
      const reply =
        replies.shift() ?? json(500, { error_code: 'INTERNAL_ERROR', message: 'no reply queued' });
      reply(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

function client(url: string, extra: Partial<MlflowClientOptions> = {}) {
  const waits: number[] = [];
  const c = new MlflowClient({
    trackingUri: url,
    auth: { kind: 'none' },
    timeoutMs: 2000,
    maxRetries: 3,
    backoffFactor: 2,
    backoffJitter: 1,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { c, waits };
}

async function caught(promise: Promise<unknown>): Promise<MlctlError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MlctlError);
    return err as MlctlError;
  }
  throw new Error('expected a rejection');
}

describe('MlflowClient', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends GET fields as a query string and other fields as a JSON body', async () => {
    server = await startServer([json(200, { a: 1 }), json(200, {})]);
    const { c } = client(server.url);
    expect(await c.call('GET', '/mlflow/x', { query: { name: 'a b', n: 2, skip: undefined } })).toEqual({
      a: 1,
    });
    expect(await c.call('POST', '/mlflow/y', { json: { name: 'm' } })).toEqual({});
    expect(server.seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['GET', '/api/2.0/mlflow/x?name=a+b&n=2', ''],
      ['POST', '/api/2.0/mlflow/y', '{"name":"m"}'],
    ]);
    await c.close();
  });

  it('retries 503 and 5xx with exponential backoff plus jitter, then succeeds', async () => {
    server = await startServer([json(503, {}), json(502, {}), json(500, {}), json(200, { ok: true })]);
    const { c, waits } = client(server.url);
    expect(await c.call('GET', '/mlflow/x')).toEqual({ ok: true });
    // factor 2: 2 s, 4 s, 8 s, each plus jitter 1 s × random 0.5
    expect(waits).toEqual([2500, 4500, 8500]);
    await c.close();
  });

  it('honours Retry-After on 429 when it asks for more than the backoff', async () => {
    server = await startServer([json(429, {}, { 'retry-after': '7' }), json(200, {})]);
    const { c, waits } = client(server.url);
    await c.call('GET', '/mlflow/x');
    expect(waits).toEqual([7000]);
    await c.close();
  });

  it('gives up after max retries with REGISTRY_UNAVAILABLE naming the server and the attempts', async () => {
    server = await startServer(
      [1, 2, 3, 4].map(() => json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' })),
    );
    const { c, waits } = client(server.url);
    const err = await caught(c.call('GET', '/mlflow/x'));
    expect(err.code).toBe('REGISTRY_UNAVAILABLE');
    expect(err.message).toContain(
      `MLflow at ${server.url} answered GET /api/2.0/mlflow/x with HTTP 503 TEMPORARILY_UNAVAILABLE: busy`,
    );
    expect(err.hint).toMatch(/after 4 attempts/);
    expect(waits).toHaveLength(3);
    await c.close();
  });

  it('never retries a 4xx, and maps MLflow error codes to mlctl codes', async () => {
    server = await startServer([
      json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=x not found' }),
      json(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad' }),
      json(400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' }),
      (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
    ]);
    const { c, waits } = client(server.url);
    expect((await caught(c.call('GET', '/a'))).code).toBe('MODEL_NOT_FOUND');
    expect((await caught(c.call('POST', '/b'))).code).toBe('REGISTRY_REJECTED');
    expect((await caught(c.call('POST', '/c'))).code).toBe('REGISTRY_CONFLICT');
    const notMlflow = await caught(c.call('GET', '/d'));
    expect([notMlflow.code, notMlflow.hint]).toEqual([
      'REGISTRY_ERROR',
      expect.stringMatching(/Is .* an MLflow tracking server/),
    ]);
    expect(waits).toEqual([]);
    await c.close();
  });

  it('retries a call that creates something only when the server certainly did not act', async () => {
    server = await startServer([json(503, {}), json(500, { error_code: 'INTERNAL_ERROR', message: 'db' })]);
    const { c } = client(server.url);
    const err = await caught(
      c.call('POST', '/mlflow/model-versions/create', { json: {}, idempotent: false }),
    );
    expect(err.code).toBe('REGISTRY_UNAVAILABLE');
    // 503 was retried, the 500 was not: a second create might have made a second version.
    expect(server.seen).toHaveLength(2);
    await c.close();
  });

  it('fails at once when nothing listens (connection refused): one attempt, no backoff, the URI tried', async () => {
    server = await startServer([]);
    const url = server.url;
    await server.close();
    server = undefined;
    const { c, waits } = client(url, { maxRetries: 2 });
    const err = await caught(c.call('GET', '/mlflow/x'));
    expect(err.code).toBe('REGISTRY_UNAVAILABLE');
    expect(err.message).toBe(
      `cannot reach the MLflow server at ${url} (ECONNREFUSED on GET /api/2.0/mlflow/x, 1 attempt)`,
    );
    expect(err.hint).toMatch(/^Nothing listens at http:\/\/127\.0\.0\.1:\d+: check MLFLOW_TRACKING_URI/);
    expect(waits).toEqual([]);
    await c.close();
  });

  it('fails at once when the host name does not resolve (DNS)', async () => {
    const { c, waits } = client('http://mlflow.example.invalid:5000', { maxRetries: 3 });
    const err = await caught(c.call('GET', '/mlflow/x'));
    expect(err.message).toMatch(/\(ENOTFOUND on GET \/api\/2\.0\/mlflow\/x, 1 attempt\)$/);
    expect(err.hint).toMatch(/does not resolve: check MLFLOW_TRACKING_URI/);
    expect(waits).toEqual([]);
    await c.close();
  });

  it('times out a server that does not answer, and retries it', async () => {
    server = await startServer([() => undefined, () => undefined]);
    const { c } = client(server.url, { timeoutMs: 200, maxRetries: 1 });
    const err = await caught(c.call('GET', '/mlflow/slow'));
    expect(err.code).toBe('REGISTRY_UNAVAILABLE');
    expect(err.message).toMatch(/UND_ERR_HEADERS_TIMEOUT on GET \/api\/2.0\/mlflow\/slow, 2 attempts/);
    await c.close();
  });

  it('sends basic auth or a bearer token, or no Authorization header at all', async () => {
    server = await startServer([json(200, {}), json(200, {}), json(200, {})]);
    const basic = client(server.url, { auth: { kind: 'basic', username: 'alice', password: 'p@ss:word' } }).c;
    await basic.call('GET', '/x');
    const bearer = client(server.url, { auth: { kind: 'bearer', token: 'tok-123' } }).c;
    await bearer.call('GET', '/x');
    const none = client(server.url).c;
    await none.call('GET', '/x');
    expect(server.seen.map((s) => s.authorization)).toEqual([
      `Basic ${Buffer.from('alice:p@ss:word').toString('base64')}`,
      'Bearer tok-123',
      undefined,
    ]);
    await Promise.all([basic.close(), bearer.close(), none.close()]);
  });

  it('on 401/403 says which credentials were sent, never their secret, and never logs them', async () => {
    server = await startServer([
      (_req, res) => res.writeHead(401).end('You are not authenticated.'),
      (_req, res) => res.writeHead(403).end('Permission denied'),
    ]);
    const lines: string[] = [];
    const logger = createLogger({
      level: 'trace',
      format: 'json',
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const basic = client(server.url, {
      auth: { kind: 'basic', username: 'alice', password: 's3cret-pw' },
      logger,
    }).c;
    const err = await caught(basic.call('GET', '/mlflow/x'));
    expect(err.code).toBe('REGISTRY_AUTH');
    expect(err.message).toContain(
      "refused the credentials (HTTP 401 on GET /api/2.0/mlflow/x); mlctl sent basic auth as user 'alice'",
    );
    const bearer = client(server.url, { auth: { kind: 'bearer', token: 'tok-s3cret' }, logger }).c;
    const denied = await caught(bearer.call('GET', '/mlflow/x'));
    expect(denied.message).toContain('denied permission (HTTP 403');
    expect(denied.message).toContain('a bearer token (MLFLOW_TRACKING_TOKEN)');
    const everything = [err.message, err.hint, denied.message, denied.hint, ...lines].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toMatch(/s3cret|czNjcmV0|dG9r/);
    await Promise.all([basic.close(), bearer.close()]);
  });

  it('streams file uploads and downloads through the artifact proxy paths', async () => {
    const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'mlctl-client-'));
    await writeFile(join(dir, 'in.bin'), Buffer.from([0, 1, 2, 255]));
    server = await startServer([
      json(200, {}),
      (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([9, 8, 7])),
    ]);
    const { c } = client(server.url);
    await c.putFile('/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model/in.bin', join(dir, 'in.bin'));
    await c.getFile('/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model/out.bin', join(dir, 'out.bin'));
    expect(server.seen[0]).toMatchObject({
      method: 'PUT',
      url: '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model/in.bin',
    });
    expect(server.seen[0]?.bytes).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(await readFile(join(dir, 'out.bin'))).toEqual(Buffer.from([9, 8, 7]));
    await c.close();
    await rm(dir, { recursive: true, force: true });
  });
});
