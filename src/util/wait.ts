// Waiting that a stop ends early: the one listener it puts on the signal goes when the wait ends,
// however it ends, so that a loop waiting on one signal forever leaves none behind.

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
