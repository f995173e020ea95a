import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../src/sources/memory-budget.js';

describe('memory budget', () => {
  it('holds back what does not fit until room is released', async () => {
    const budget = new MemoryBudget(100);
    await budget.acquire(60);
    let second = false;
    const waiting = budget.acquire(60).then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    budget.release(60);
    await waiting;
    expect(second).toBe(true);
    expect(budget.inUse).toBe(60);
  });

  it('lets one item larger than the budget through when nothing else is held', async () => {
    const budget = new MemoryBudget(10);
    await budget.acquire(1000);
    expect(budget.inUse).toBe(1000);
    budget.release(1000);
    expect(budget.inUse).toBe(0);
  });
});
