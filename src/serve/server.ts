import { STATUS_CODES, createServer } from 'node:http';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { ERROR_CATALOGUE, MlctlError } from '../errors';
import type { ErrorCode } from '../errors';
import type { HttpHandler } from './http/handler';

export interface RunningServer {
  server: Server;
  /** `http://host:port` as bound (port 0 resolved). */
  url: string;
  /**
   * Stops accepting and ends keep-alive: every response from now on says `Connection: close`, and
   * connections without a request close after IDLE_GRACE_MS. Resolves when every connection is closed,
   * or at `drainMs`, when what is left is cut off; with the number of requests that were.
   */
  close(drainMs: number): Promise<{ cutOff: number }>;
}

/**
 * How long a keep-alive connection may stay without a request once the drain starts. Under load a
 * client's next request may already be in the socket's buffer, unread, when the drain starts: closing
 * such a connection at once resets it. Every busy connection gets its next request within this time and
 * its answer closes it; only a connection idle this long is closed without one.
 */
export const IDLE_GRACE_MS = 250;

/** Listens on host:port; fails with a clear error when the port is taken or the address is wrong. */
export async function listen(handler: HttpHandler, host: string, port: number): Promise<RunningServer> {
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 60_000 }, handler);
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'EADDRINUSE'
          ? `Port ${port} is taken; stop the other process or pass --port (or PORT).`
          : err.code === 'EACCES'
            ? `No permission to listen on port ${port}; use a port above 1023.`
            : `Check --host ${host}.`;
      reject(
        new MlctlError('IO_ERROR', `cannot listen on ${host}:${port}: ${err.message}`, { hint, cause: err }),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close(drainMs) {
      return new Promise((resolve) => {
        let cutOff = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(idle);
          clearTimeout(deadline);
          resolve({ cutOff });
        };
        handler.drain();
        // net.Server's close: stop accepting, and call back once every connection has closed. (http's
        // own close() would also close idle keep-alive connections at once, resetting a request that
        // is on its way; they get IDLE_GRACE_MS instead.)
        NetServer.prototype.close.call(server, finish);
        const idle = setTimeout(() => server.closeIdleConnections(), Math.min(IDLE_GRACE_MS, drainMs));
        const deadline = setTimeout(() => {
          cutOff = handler.inFlight();
          server.closeAllConnections();
          finish();
        }, drainMs);
        idle.unref();
        deadline.unref();
      });
    },
  };
}

/**
 * What node:http cannot even parse as a request (a malformed request line, headers over 16 KiB, a request
 * that never finished) is answered here, before any route: with the catalogue's status and a JSON body
 * with `error_code`, as every other error (node:http's default answers an empty 400).
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'BAD_REQUEST';
  const { http } = ERROR_CATALOGUE[code];
  const message =
    code === 'BAD_REQUEST'
      ? `malformed HTTP request (${err.code ?? err.message})`
      : ERROR_CATALOGUE[code].summary;
  const body = JSON.stringify({ error: message, error_code: code, status: http });
  socket.end(
    `HTTP/1.1 ${http} ${STATUS_CODES[http]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
