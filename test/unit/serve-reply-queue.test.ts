import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApp } from '../../src/serve/app';
import { createTestDeps } from '../helpers/serve';

// The app on fake requests and responses, so a test decides what arrives in one round of I/O: what is
// checked here is when replies are written (src/serve/http/reply-queue.ts). Every endpoint is tested
// over real HTTP in serve-app.test.ts.

class FakeRequest extends EventEmitter {
  readonly method = 'POST';
  readonly headers: Record<string, string>;
  constructor(
    readonly url: string,
    readonly body: string,
    id: string,
  ) {
    super();
    this.headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-correlation-id': id,
    };
  }
  resume(): this {
    return this;
  }
  /** The body arrives (as node:http delivers it: data, then end). */
  arrive(): void {
    this.emit('data', Buffer.from(this.body));
    this.emit('end');
  }
}

class FakeResponse {
  status = 0;
  headers: string[] = [];
  payload: string | undefined;
  ended = false;
  destroyed = false;
  headersSent = false;
  constructor(private readonly refuse = false) {}
  writeHead(status: number, headers: string[]): this {
    if (this.refuse) throw new Error('refused by node:http');
    this.status = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }
  end(payload?: string): this {
    this.payload = payload;
    this.ended = true;
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
  json(): Record<string, unknown> {
    return JSON.parse(this.payload as string) as Record<string, unknown>;
  }
  header(name: string): string | undefined {
    const at = this.headers.indexOf(name);
    return at === -1 ? undefined : this.headers[at + 1];
  }
}

const endOfRound = () => new Promise<void>((resolve) => setImmediate(resolve));

function setUp() {
  const t = createTestDeps();
  // Time never flushes a round here (a cold first request can take milliseconds): only its end does.
  const app = createApp(t.deps, { maxReplyWaitMs: 60_000 });
  const send = (id: string, rows: number[][], res = new FakeResponse()) => {
    const req = new FakeRequest('/predict', JSON.stringify({ features: rows }), id);
    app(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    req.arrive();
    return res;
  };
  return { ...t, app, send };
}

describe('mlctl serve: replies are written together at the end of a round of I/O', () => {
  it('answers each request of a round with its own reply once the round ends', async () => {
    const { app, send } = setUp();
    const a = send('req-a', [[5.1, 3.5, 1.4, 0.2]]);
    const b = send('req-b', [[5.9, 3.0, 4.2, 1.5]]);
    expect([a.ended, b.ended]).toEqual([false, false]);
    expect(app.inFlight()).toBe(2);
    await endOfRound();
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json()).toMatchObject({ predictions: [0], request_id: 'req-a' });
    expect(b.json()).toMatchObject({ predictions: [1], request_id: 'req-b' });
    expect(a.header('X-Correlation-ID')).toBe('req-a');
    expect(b.header('content-length')).toBe(String(Buffer.byteLength(b.payload as string)));
    expect(app.inFlight()).toBe(0);
  });

  it('writes the replies waiting before a request with a big body is scored', async () => {
    const { send } = setUp();
    const small = send('small', [[5.1, 3.5, 1.4, 0.2]]);
    const rows = Array.from({ length: 1000 }, (_, i) => [5 + (i % 10) / 10, 3.1, 1.5 + (i % 50) / 10, 0.2]);
    expect(JSON.stringify({ features: rows }).length).toBeGreaterThan(16 * 1024);
    const big = send('big', rows);
    expect(small.ended).toBe(true);
    expect(small.json()).toMatchObject({ request_id: 'small' });
    expect(big.ended).toBe(false);
    await endOfRound();
    expect((big.json().predictions as unknown[]).length).toBe(1000);
  });

  it('cuts off a reply node:http refuses, logs it as a failure, and still writes the others', async () => {
    const { app, send, logs } = setUp();
    const refused = send('refused', [[5.1, 3.5, 1.4, 0.2]], new FakeResponse(true));
    const fine = send('fine', [[5.1, 3.5, 1.4, 0.2]]);
    await endOfRound();
    expect(refused.destroyed).toBe(true);
    expect(fine.json()).toMatchObject({ request_id: 'fine' });
    expect(app.inFlight()).toBe(0);
    expect(logs()).toContainEqual(
      expect.objectContaining({ msg: 'request failed', request_id: 'refused', status: 500 }),
    );
  });
});
