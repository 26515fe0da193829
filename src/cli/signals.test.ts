import { EventEmitter } from 'node:events';
import { onShutdownSignal, shutdownSignals } from './signals';

describe('shutdown signals', () => {
  it('are SIGTERM and SIGINT on POSIX, and include Ctrl+Break and console close on Windows', () => {
    expect(shutdownSignals('linux')).toEqual(['SIGTERM', 'SIGINT']);
    expect(shutdownSignals('darwin')).toEqual(['SIGTERM', 'SIGINT']);
    expect(shutdownSignals('win32')).toEqual(expect.arrayContaining(['SIGINT', 'SIGBREAK', 'SIGHUP']));
  });

  it.each([
    ['linux', 'SIGTERM'],
    ['linux', 'SIGINT'],
    ['win32', 'SIGBREAK'],
    ['win32', 'SIGHUP'],
  ] as const)('on %s, %s stops once and removes every listener', (platform, signal) => {
    const source = new EventEmitter();
    const stops: string[] = [];
    onShutdownSignal((s) => stops.push(s), source, platform);
    source.emit(signal, signal);
    source.emit(signal, signal);
    expect(stops).toEqual([signal]);
    for (const s of shutdownSignals(platform)) expect(source.listenerCount(s)).toBe(0);
  });

  it('does not stop on SIGHUP on POSIX (a terminal hang-up is not a shutdown request there)', () => {
    const source = new EventEmitter();
    const stops: string[] = [];
    onShutdownSignal((s) => stops.push(s), source, 'linux');
    source.emit('SIGHUP', 'SIGHUP');
    expect(stops).toEqual([]);
  });
});
