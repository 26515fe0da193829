import { SETOSA, VERSICOLOR, postJson, startTestServer } from '../helpers/serve';
import type { TestServer } from '../helpers/serve';

/** A binary-extension request: the JSON header, then the raw bytes, its length in the header. */
async function postBinary(url: string, header: unknown, data: Buffer) {
  const json = Buffer.from(JSON.stringify(header));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'inference-header-content-length': String(json.length) },
    body: Buffer.concat([json, data]),
  });
  const body = Buffer.from(await res.arrayBuffer());
  const length = Number(res.headers.get('inference-header-content-length') ?? body.length);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    json: JSON.parse(body.subarray(0, length).toString('utf8')) as Record<string, unknown>,
    binary: body.subarray(length),
  };
}

const float32 = (values: number[]) => Buffer.from(new Float32Array(values).buffer);

describe('mlctl serve: protocol details (real HTTP on port 0)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  describe('Open Inference Protocol: the binary tensor extension', () => {
    const infer = () => `${s.url}/v2/models/iris/infer`;

    it('reads binary FP32 input and answers binary outputs when asked (tritonclient’s default)', async () => {
      const r = await postBinary(
        infer(),
        {
          inputs: [
            { name: 'input-0', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } },
          ],
          parameters: { binary_data_output: true },
        },
        float32([...SETOSA, ...VERSICOLOR]),
      );
      expect([r.status, r.type]).toEqual([200, 'application/octet-stream']);
      expect(r.json.outputs).toEqual([
        { name: 'predict', datatype: 'INT64', shape: [2], parameters: { binary_data_size: 16 } },
        { name: 'predict_proba', datatype: 'FP64', shape: [2, 3], parameters: { binary_data_size: 48 } },
      ]);
      expect([r.binary.readBigInt64LE(0), r.binary.readBigInt64LE(8)]).toEqual([0n, 1n]);
      const proba = new Float64Array(
        r.binary.buffer.slice(r.binary.byteOffset + 16, r.binary.byteOffset + 64),
      );
      expect([...proba]).toEqual([1, 0, 0, 0, 1, 0]);
    });

    it('answers the outputs asked for, each as JSON or binary', async () => {
      const r = await postBinary(
        infer(),
        {
          inputs: [
            { name: 'input-0', shape: [1, 4], datatype: 'FP64', parameters: { binary_data_size: 32 } },
          ],
          outputs: [{ name: 'predict_proba', parameters: { binary_data: false } }],
        },
        Buffer.from(new Float64Array(SETOSA).buffer),
      );
      expect([r.status, r.json.outputs]).toEqual([
        200,
        [{ name: 'predict_proba', datatype: 'FP64', shape: [1, 3], data: [1, 0, 0] }],
      ]);
    });

    it.each([
      ['INT64', Buffer.from(new BigInt64Array([5n, 3n, 1n, 0n]).buffer), [0]],
      ['INT32', Buffer.from(new Int32Array([6, 3, 5, 2]).buffer), [1]],
      ['UINT8', Buffer.from([6, 3, 4, 1]), [1]],
      ['FP16', Buffer.from(new Uint16Array([0x4500, 0x4200, 0x3c00, 0x0000]).buffer), [0]],
    ])('decodes %s input', async (datatype, bytes, predictions) => {
      const r = await postBinary(
        infer(),
        {
          inputs: [
            { name: 'input-0', shape: [1, 4], datatype, parameters: { binary_data_size: bytes.length } },
          ],
        },
        bytes,
      );
      expect(r.json.outputs).toEqual(
        expect.arrayContaining([expect.objectContaining({ data: predictions })]),
      );
    });

    it.each([
      [
        'a binary size that does not match the shape',
        { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 12 } }] },
        float32(SETOSA),
        /binary_data_size is 12/,
      ],
      [
        'bytes after the header with no input declaring them',
        { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: SETOSA }] },
        float32(SETOSA),
        /no input declares binary_data_size/,
      ],
      [
        'the classification extension',
        {
          inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: SETOSA }],
          outputs: [{ name: 'predict_proba', parameters: { classification: 2 } }],
        },
        Buffer.alloc(0),
        /classification extension is not supported/,
      ],
      [
        'an output the model does not have',
        {
          inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: SETOSA }],
          outputs: [{ name: 'logits' }],
        },
        Buffer.alloc(0),
        /outputs\[0\]\.name is "logits"/,
      ],
    ])('refuses %s with 400', async (_what, header, data, message) => {
      const r = await postBinary(infer(), header, data);
      expect([r.status, r.json.error_code, r.json.error]).toEqual([
        400,
        'BAD_REQUEST',
        expect.stringMatching(message),
      ]);
    });

    it('refuses a header length longer than the body', async () => {
      const r = await fetch(infer(), {
        method: 'POST',
        headers: { 'inference-header-content-length': '999' },
        body: Buffer.from('{"inputs": []}'),
      });
      expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([
        400,
        expect.stringMatching(/Inference-Header-Content-Length is "999"/),
      ]);
    });

    it('says so in its server metadata', async () => {
      expect(await (await fetch(`${s.url}/v2`)).json()).toMatchObject({ extensions: ['binary_tensor_data'] });
    });

    it('takes JSON BOOL data as booleans', async () => {
      const r = await postJson(infer(), {
        inputs: [{ name: 'x', shape: [1, 4], datatype: 'BOOL', data: [true, false, true, false] }],
      });
      expect([r.status, r.json.outputs]).toEqual([
        200,
        expect.arrayContaining([expect.objectContaining({ data: [0] })]),
      ]);
      const wrong = await postJson(infer(), {
        inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [true, false, true, false] }],
      });
      expect(wrong.status).toBe(400);
    });

    it('answers 404 for a version it does not serve, on every model route', async () => {
      for (const path of ['/v2/models/iris/versions/9', '/v2/models/iris/versions/9/ready']) {
        expect([path, (await fetch(`${s.url}${path}`)).status]).toEqual([path, 404]);
      }
      expect((await fetch(`${s.url}/v2/models/iris/versions/1/ready`)).status).toBe(200);
    });
  });

  describe('MLflow scoring protocol', () => {
    it('GET /version answers the server version as text', async () => {
      const r = await fetch(`${s.url}/version`);
      expect([r.status, r.headers.get('content-type'), await r.text()]).toEqual([
        200,
        'text/plain; charset=utf-8',
        '0.0.0-test',
      ]);
    });

    it('reads numbers written as strings in the pandas forms, as MLflow casts them by the signature', async () => {
      const records = await postJson(`${s.url}/invocations`, {
        dataframe_records: [
          { sepal_length: '5.1', sepal_width: ' 3.5 ', petal_length: '4.3e0', petal_width: 0.2 },
        ],
      });
      expect([records.status, records.json]).toEqual([200, { predictions: [1] }]);
      const split = await postJson(`${s.url}/invocations`, {
        dataframe_split: {
          columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
          data: [['6.2', 2.9, '1.3', 1]],
        },
      });
      expect([split.status, split.json]).toEqual([200, { predictions: [0] }]);
    });

    it.each([
      [
        'a string that is not a number',
        { dataframe_records: [{ sepal_length: 'abc', sepal_width: 1, petal_length: 1, petal_width: 1 }] },
        /sepal_length is the string "abc"/,
      ],
      [
        'a boolean',
        { dataframe_records: [{ sepal_length: false, sepal_width: 1, petal_length: 1, petal_width: 1 }] },
        /sepal_length is boolean/,
      ],
      [
        'columns of different lengths',
        { inputs: { sepal_length: [1, 2], sepal_width: [1], petal_length: [1], petal_width: [1] } },
        /lists of one length/,
      ],
    ])('refuses %s with 400 BAD_REQUEST', async (_what, body, message) => {
      const r = await postJson(`${s.url}/invocations`, body);
      expect([r.status, r.json]).toEqual([
        400,
        { error_code: 'BAD_REQUEST', message: expect.stringMatching(message) },
      ]);
    });

    it('names a CSV without its header as such', async () => {
      const r = await fetch(`${s.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: '5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n',
      });
      expect([r.status, ((await r.json()) as { message: string }).message]).toEqual([
        400,
        expect.stringMatching(/first row \(5\.1,3\.5,1\.4,0\.2\) names none of the model's features/),
      ]);
    });

    it('reads a CSV whose lines end in CRLF and LF alike', async () => {
      const r = await fetch(`${s.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'sepal_length,sepal_width,petal_length,petal_width\r\n5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\r\n',
      });
      expect(await r.json()).toEqual({ predictions: [0, 1] });
    });
  });
});
