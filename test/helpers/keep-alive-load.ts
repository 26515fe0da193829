import { Agent, request } from 'node:http';

export interface LoadOutcome {
  /** Requests answered (any status). */
  answered: number;
  /** Answers that said `Connection: close` (a draining server's). */
  closes: number;
  /** Answers without it that arrived after the first that had it: replies already on their way. */
  keptAliveAfterFirstClose: number;
  /** New connections refused (the server stopped listening): expected once a drain has begun. */
  refused: number;
  /** Requests that failed on an open connection (reset, or closed without an answer): never expected. */
  broken: string[];
}

/**
 * Steady load: `clients` loops, each POSTing /predict on its own keep-alive connection as fast as the
 * server answers, until told to stop or until its connection is refused (the server is gone).
 */
export function keepAliveLoad(url: string, clients: number, body: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const outcome: LoadOutcome = {
    answered: 0,
    closes: 0,
    keptAliveAfterFirstClose: 0,
    refused: 0,
    broken: [],
  };
  let running = true;
  const post = () =>
    new Promise<'ok' | 'close' | 'refused'>((resolve, reject) => {
      const req = request(`${url}/predict`, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers.connection === 'close' ? 'close' : 'ok'));
        res.on('error', reject);
      });
      req.on('error', (err: NodeJS.ErrnoException) =>
        err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err),
      );
      req.end(body);
    });
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const answer = await post();
        if (answer === 'refused') {
          outcome.refused++;
          return;
        }
        outcome.answered++;
        if (answer === 'close') outcome.closes++;
        else if (outcome.closes > 0) outcome.keptAliveAfterFirstClose++;
      } catch (err) {
        outcome.broken.push(`${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`);
        return;
      }
    }
  });
  return {
    /** Stops the loops (each finishes its request) and resolves with what happened. */
    async stop(): Promise<LoadOutcome> {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return outcome;
    },
    /** Resolves once every loop has ended by itself (all refused or broken). */
    async ended(): Promise<LoadOutcome> {
      await Promise.all(loops);
      agent.destroy();
      return outcome;
    },
  };
}
