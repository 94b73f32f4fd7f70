export interface RateLimiter {
  /**
   * Resolves `true` when the next request may start. With `maxWaitMs`, resolves `false` at once (and takes no place
   * in the queue) when the wait would be longer: a person's checklist says "couldn't check" instead of hanging.
   */
  take(maxWaitMs?: number): Promise<boolean>;
}

/**
 * Spaces request starts at least `1000 / perSecond` ms apart, process-wide, in arrival order. CloudTrail LookupEvents
 * allows 2 requests per second per account and region; going over only earns ThrottlingException and retries.
 */
export function createRateLimiter(
  perSecond: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): RateLimiter {
  const interval = 1000 / perSecond;
  let next = 0;
  return {
    async take(maxWaitMs = Number.POSITIVE_INFINITY) {
      const t = now();
      const slot = Math.max(t, next);
      if (slot - t > maxWaitMs) return false;
      next = slot + interval;
      if (slot > t) await sleep(slot - t);
      return true;
    },
  };
}
