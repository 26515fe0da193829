import { connect } from 'node:net';
import { ERROR_CATALOGUE } from '../../src/errors';
import { createApp } from '../../src/serve/app';
import { listen } from '../../src/serve/server';
import { SETOSA, postJson, startTestServer } from '../helpers/serve';
import type { TestServer } from '../helpers/serve';

/** Every error: the catalogue's status, its code as `error_code`, and the log line at the right level. */
describe('mlctl serve: one error path (real HTTP on port 0)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      settings: { adminToken: 's3cret', maxBatch: 2 },
      reload: () => Promise.reject(new TypeError('a bug in the loader')),
    });
  });
  afterAll(() => s.close());

  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  };

  it.each([
    ['ENDPOINT_NOT_FOUND', 'GET', '/nope', undefined, {}],
    ['METHOD_NOT_ALLOWED', 'GET', '/predict', undefined, {}],
    ['BAD_REQUEST', 'POST', '/predict', '{"features": [[1, 2]]}', {}],
    ['REQUEST_TOO_LARGE', 'POST', '/predict', '{"features": [[1,2,3,4],[1,2,3,4],[1,2,3,4]]}', {}],
    ['RESOURCE_DOES_NOT_EXIST', 'POST', '/feedback', '{"request_id": "never", "labels": [0]}', {}],
    ['PERMISSION_DENIED', 'POST', '/admin/reload', undefined, {}],
    ['INTERNAL', 'POST', '/admin/reload', undefined, { 'x-admin-token': 's3cret' }],
  ] as const)(
    '%s: %s %s has the catalogue status and error_code',
    async (code, method, path, body, headers) => {
      const r = await call(method, path, body, headers);
      expect([r.status, r.json.error_code, r.json.status]).toEqual([
        ERROR_CATALOGUE[code].http,
        code,
        ERROR_CATALOGUE[code].http,
      ]);
      expect(r.json.request_id).toBe(r.headers.get('x-correlation-id'));
      if (code === 'METHOD_NOT_ALLOWED') expect(r.headers.get('allow')).toBe('POST');
    },
  );

  it('answers a bug with a generic message and logs it at error with its stack', async () => {
    const r = await call('POST', '/admin/reload', undefined, {
      'x-admin-token': 's3cret',
      'x-correlation-id': 'bug-1',
    });
    expect(r.json.error).toBe('internal error; the request id identifies it in the server log');
    const line = s.logs().find((l) => l.request_id === 'bug-1');
    expect(line).toMatchObject({
      level: 50,
      msg: 'request failed',
      status: 500,
      error_code: 'INTERNAL',
      err: { type: 'TypeError', message: 'a bug in the loader', stack: expect.stringContaining('TypeError') },
    });
  });

  it('logs a client error at info with its code and message, without a stack', async () => {
    await call('POST', '/predict', '{"features": [[1, 2]]}', { 'x-correlation-id': 'client-1' });
    const line = s.logs().find((l) => l.request_id === 'client-1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request rejected',
      status: 400,
      error_code: 'BAD_REQUEST',
      error: expect.stringMatching(/features\[0\] has 2 values/),
    });
    expect(line).not.toHaveProperty('err');
  });

  it('logs a server error the code chose (a failed reload) at error with its stack', async () => {
    const failing = await startTestServer({
      settings: { adminToken: 't' },
      reload: async () => ({ result: 'failed', error: 'registry down' }),
    });
    try {
      const r = await postJson(
        `${failing.url}/admin/reload`,
        {},
        { 'x-admin-token': 't', 'x-correlation-id': 'r-1' },
      );
      expect([r.status, r.json.error_code]).toEqual([502, 'RELOAD_FAILED']);
      expect(failing.logs().find((l) => l.request_id === 'r-1')).toMatchObject({
        level: 50,
        error_code: 'RELOAD_FAILED',
        err: { message: expect.stringMatching(/registry down/), stack: expect.any(String) },
      });
    } finally {
      await failing.close();
    }
  });

  it('labels a 405 on a known route with its template, and an unknown path (unmatched)', async () => {
    await call('GET', '/predict');
    await call('PUT', '/v2/models/iris/infer');
    await call('GET', '/wp-login.php');
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toMatch(/ml_request_count_total\{method="GET",path="\/predict",status="405"\} \d+/);
    expect(text).toContain(
      'ml_request_count_total{method="OTHER",path="/v2/models/:name/infer",status="405"} 1',
    );
    expect(text).toContain('path="(unmatched)",status="404"');
    expect(text).not.toContain('wp-login');
  });

  it('keeps MLflow error bodies as MLflow writes them, and OIP bodies with error_code', async () => {
    const mlflow = await call('POST', '/invocations', '{"instances": [[1, 2]]}');
    expect(mlflow.json).toEqual({
      error_code: 'BAD_REQUEST',
      message: expect.stringMatching(/has 2 values/),
    });
    const oip = await call('GET', '/v2/models/other');
    expect([oip.status, oip.json]).toEqual([
      404,
      { error: 'Model with name other does not exist.', error_code: 'MODEL_NOT_FOUND' },
    ]);
  });

  it('answers 503 MODEL_NOT_READY on every protocol while no model is loaded', async () => {
    const empty = await startTestServer({ model: null });
    try {
      const native = await postJson(`${empty.url}/predict`, { features: [SETOSA] });
      const oip = await postJson(`${empty.url}/v2/models/iris/infer`, {
        inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP64', data: SETOSA }],
      });
      const mlflow = await postJson(`${empty.url}/invocations`, { instances: [SETOSA] });
      expect([native.status, oip.status, mlflow.status]).toEqual([503, 503, 503]);
      expect([native.json.error_code, oip.json.error_code, mlflow.json.error_code]).toEqual([
        'MODEL_NOT_READY',
        'MODEL_NOT_READY',
        'MODEL_NOT_READY',
      ]);
    } finally {
      await empty.close();
    }
  });

  it.each([
    ['a malformed request line', 'NOT HTTP\r\n\r\n', 400, 'BAD_REQUEST'],
    [
      'headers over 16 KiB',
      `GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
  ])(
    'answers %s, which no route sees, with the catalogue status and error_code',
    async (_what, raw, status, code) => {
      const running = await listen(createApp(s.deps), '127.0.0.1', 0);
      try {
        const { port } = new URL(running.url);
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
          let text = '';
          socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
        });
        expect(answer.split('\r\n')[0]).toBe(
          `HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Request Header Fields Too Large'}`,
        );
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
          error_code: code,
          status,
        });
      } finally {
        await running.close(1000);
      }
    },
  );
});
