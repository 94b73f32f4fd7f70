export interface RateLimiter {
  /** Resolves when the next request may start. */
  take(): Promise<void>;
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
    async take() {
      const t = now();
      const slot = Math.max(t, next);
      next = slot + interval;
      if (slot > t) await sleep(slot - t);
    },
  };
}
