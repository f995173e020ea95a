// Waiting that a stop ends early: the one listener it puts on the signal goes when the wait ends,
// however it ends, so that a loop waiting on one signal forever leaves none behind.

/** Thrown by work that a stop request ended (SIGINT/SIGTERM, a server closing): not a failure. */
export class Stopped extends Error {
  constructor(message = 'stopped') {
    super(message);
    this.name = 'Stopped';
  }
}

/** Throws Stopped when `signal` has aborted. */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Stopped();
}

/** Whether `error` is a stop (ours, or a fetch aborted by our signal). */
export function isStopped(error: unknown, signal?: AbortSignal): boolean {
  return error instanceof Stopped || (signal?.aborted === true && isAbortError(error));
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'Stopped');
}

/** Resolves after `ms`, or at once when `signal` aborts (true then). */
export function waitOrStop(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(false);
    }, ms);
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** Sleeps `ms`; rejects with Stopped at once when `signal` aborts (before or during the sleep). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) {
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
    return;
  }
  if (await waitOrStop(ms, signal)) throw new Stopped();
}
