import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Received {
  headers: IncomingHttpHeaders;
  body: {
    resourceSpans: Array<{
      resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
      scopeSpans: Array<{ scope: { name: string }; spans: Array<Record<string, unknown>> }>;
    }>;
  };
}

/**
 * A loopback OTLP/HTTP receiver for unit tests (the integration test reads a real Collector): keeps what
 * it is sent; `statuses` are answered first, in turn.
 */
export async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        received.push({ headers: req.headers, body: JSON.parse(text) as Received['body'] });
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export const spansOf = (r: Received[]) =>
  r.flatMap((x) => x.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)));
export const attrs = (span: Record<string, unknown>) =>
  Object.fromEntries(
    (span.attributes as Array<{ key: string; value: unknown }>).map((a) => [a.key, a.value]),
  );
