import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlctlError } from '../errors';

export interface RunningServer {
  server: Server;
  /** `http://host:port` as bound (port 0 resolved). */
  url: string;
  /**
   * Stops accepting, lets requests in flight finish for up to `drainMs`, then closes what is left.
   * Resolves with the number of requests that had to be cut off.
   */
  close(drainMs: number): Promise<{ cutOff: number }>;
}

/** Listens on host:port; fails with a clear error when the port is taken or the address is wrong. */
export async function listen(
  handler: ((req: IncomingMessage, res: ServerResponse) => void) & { inFlight(): number },
  host: string,
  port: number,
): Promise<RunningServer> {
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
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ cutOff });
        };
        let cutOff = 0;
        // close() stops accepting and ends idle keep-alive connections; busy ones end after their response.
        server.close(finish);
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          cutOff = handler.inFlight();
          server.closeAllConnections();
          finish();
        }, drainMs);
        timer.unref();
      });
    },
  };
}
