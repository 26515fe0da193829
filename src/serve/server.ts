import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MlctlError } from '../errors';
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
