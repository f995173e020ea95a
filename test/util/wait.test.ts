// A loop that waits on one signal many times leaves no listener on it (the demo's and serve's
// poll loop used to add one per poll: Node's MaxListenersExceededWarning after ten).
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitOrStop } from '../../src/util/wait.js';

describe('waitOrStop', () => {
  it('leaves no abort listener behind, however many waits', async () => {
    const controller = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 25; i++) expect(await waitOrStop(1, controller.signal)).toBe(false);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      // A wait in progress holds one listener, and a stop ends it at once.
      const pending = waitOrStop(60_000, controller.signal);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      await expect(pending).resolves.toBe(true);
      expect(await waitOrStop(60_000, controller.signal)).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
