// How a long-running command obeys SIGINT and SIGTERM (docs/collecting.md, "Stopping"):
// - the first signal aborts `signal`: collection ends where it is (requests in flight, limiter
//   waits, backoffs), what is committed stays committed, and the command closes its store;
// - if that has not finished after `graceMs`, the process exits anyway: every commit is one
//   transaction and DuckDB's write-ahead log replays an interrupted checkpoint, so exiting
//   loses nothing committed and leaves nothing half-written;
// - a second signal exits at once.
// The exit code says which signal (130 SIGINT, 143 SIGTERM), as shells do.

export interface StopSignals {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Resolves with the first signal received. */
  readonly stopped: Promise<NodeJS.Signals>;
}

export const STOP_GRACE_MS = 8_000;

export function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Installs the handlers for the rest of the process's life (a command that finishes lets the
 * process exit: nothing here keeps it alive).
 */
export function handleStopSignals(
  options: { graceMs?: number; onStop?: (signal: NodeJS.Signals) => void } = {},
): StopSignals {
  const graceMs = options.graceMs ?? STOP_GRACE_MS;
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let resolveStopped: (s: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`\n${signal} again: exiting now (committed data is kept)\n`);
      process.exit(exitCodeFor(signal));
    }
    received = signal;
    options.onStop?.(signal);
    const timer = setTimeout(() => {
      process.stderr.write(
        `\nstill stopping after ${Math.round(graceMs / 1000)} s: exiting now (committed data is kept)\n`,
      );
      process.exit(exitCodeFor(signal));
    }, graceMs);
    timer.unref();
    controller.abort();
    resolveStopped(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    stopped,
  };
}
