/**
 * The signals that ask a long-running command (serve, drift serve) to stop cleanly. POSIX sends SIGTERM
 * (Kubernetes, docker stop) and SIGINT (Ctrl+C). Windows never delivers SIGTERM — `kill()` there ends the
 * process outright — but Node emits SIGINT on Ctrl+C, SIGBREAK on Ctrl+Break, and SIGHUP when the
 * console window is closed, so those are the clean ways out on Windows.
 */
export function shutdownSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGBREAK', 'SIGHUP', 'SIGTERM'] : ['SIGTERM', 'SIGINT'];
}

interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Calls `onStop` once, on the first shutdown signal; later signals are left to Node's defaults. */
export function onShutdownSignal(
  onStop: (signal: NodeJS.Signals) => void,
  source: SignalSource = process,
  platform: NodeJS.Platform = process.platform,
): () => void {
  const signals = shutdownSignals(platform);
  const dispose = (): void => {
    for (const s of signals) source.off(s, listener);
  };
  const listener = (signal: NodeJS.Signals): void => {
    dispose();
    onStop(signal);
  };
  for (const s of signals) source.on(s, listener);
  return dispose;
}
