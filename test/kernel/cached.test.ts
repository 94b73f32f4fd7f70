import { describe, expect, it } from 'vitest';
import { cached } from '../../src/kernel/cached.js';

describe('cached', () => {
  it('shares one load between concurrent callers and does not keep a failure', async () => {
    let now = 0;
    let loads = 0;
    let fail = true;
    const c = cached(
      async () => {
        loads++;
        if (fail) throw new Error('down');
        return loads;
      },
      { ttlMs: 1000, clock: { now: () => new Date(now) } },
    );
    await expect(Promise.all([c.get(), c.get()])).rejects.toThrow('down');
    expect(loads).toBe(1);
    fail = false;
    expect(await c.get()).toBe(2);
    expect(await c.get()).toBe(2);
    now = 1000;
    expect(await c.get()).toBe(3);
    expect(c.peek()).toBe(3);
  });
});
