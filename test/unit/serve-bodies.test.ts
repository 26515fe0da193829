import { request } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { SETOSA, startTestServer } from '../helpers/serve';
import type { TestServer } from '../helpers/serve';

/** A POST with exactly these headers (fetch would add a content type); resolves with status and JSON. */
function rawPost(url: string, body: Buffer, headers: Record<string, string>) {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PREDICT = Buffer.from(JSON.stringify({ features: [SETOSA] }));
const INFER = Buffer.from(
  JSON.stringify({ inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP32', data: SETOSA }] }),
);

describe('mlctl serve: request bodies (content types and encodings)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ settings: { maxBodyBytes: 64 * 1024 } });
  });
  afterAll(() => s.close());

  it('takes JSON without a content type, as tritonclient sends it, on every JSON endpoint', async () => {
    expect((await rawPost(`${s.url}/predict`, PREDICT, {})).json).toMatchObject({ predictions: [0] });
    expect((await rawPost(`${s.url}/v2/models/iris/infer`, INFER, {})).json).toMatchObject({
      outputs: [{ name: 'predict', data: [0] }, { name: 'predict_proba' }],
    });
    expect((await rawPost(`${s.url}/explain`, PREDICT, {})).status).toBe(200);
    // A content type that is not JSON is still refused.
    const text = await rawPost(`${s.url}/predict`, PREDICT, { 'content-type': 'text/plain' });
    expect([text.status, text.json.error_code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['GZIP', gzipSync],
  ])('decompresses a %s body', async (encoding, compress) => {
    const r = await rawPost(`${s.url}/v2/models/iris/infer`, compress(INFER), {
      'content-encoding': encoding,
    });
    expect([r.status, r.json.outputs]).toEqual([200, expect.any(Array)]);
    const p = await rawPost(`${s.url}/predict`, compress(PREDICT), {
      'content-type': 'application/json',
      'content-encoding': encoding,
    });
    expect(p.json).toMatchObject({ predictions: [0] });
  });

  it('refuses another encoding with 415, and a corrupt gzip body with 400', async () => {
    const br = await rawPost(`${s.url}/predict`, PREDICT, { 'content-encoding': 'br' });
    expect([br.status, br.json.error_code, br.json.error]).toEqual([
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      expect.stringMatching(/content encoding "br"/),
    ]);
    const corrupt = await rawPost(`${s.url}/predict`, Buffer.from('not gzip at all'), {
      'content-encoding': 'gzip',
    });
    expect([corrupt.status, corrupt.json.error_code, corrupt.json.error]).toEqual([
      400,
      'BAD_REQUEST',
      expect.stringMatching(/not valid gzip data/),
    ]);
  });

  it('stops a decompression bomb at the body limit (413) without inflating it', async () => {
    // 200 MB of zeros, ~200 KB compressed: over the 64 KiB limit only once decompressed.
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeGreaterThan(64 * 1024);
    const small = gzipSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 });
    expect(small.length).toBeLessThan(64 * 1024);
    const before = process.memoryUsage().rss;
    const r = await rawPost(`${s.url}/predict`, small, { 'content-encoding': 'gzip' });
    expect([r.status, r.json.error_code, r.json.error]).toEqual([
      413,
      'REQUEST_TOO_LARGE',
      'request body larger than 65536 bytes',
    ]);
    // The server stopped at 64 KiB of output: it never held the 50 MB.
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    // A compressed body over the limit is refused as it arrives, too.
    expect((await rawPost(`${s.url}/predict`, bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
  });
});
