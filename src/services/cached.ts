import type { Clock } from '../domain/types.js';

export interface Cached<T> {
  /** The cached value while fresh; `refresh` reloads unless the value is younger than `minRefreshMs`. */
  get(options?: { refresh?: boolean }): Promise<T>;
  /** The cached value, even if stale, without loading. */
  peek(): T | undefined;
}

/**
 * A value loaded on demand and kept for `ttlMs`. Concurrent callers share one load, and a failed load is not cached,
 * so the next caller tries again.
 */
export function cached<T>(
  load: () => Promise<T>,
  options: { ttlMs: number; minRefreshMs?: number; clock: Clock },
): Cached<T> {
  let value: { data: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  const now = () => options.clock.now().getTime();

  const reload = () => {
    inflight ??= load()
      .then((data) => {
        value = { data, at: now() };
        return data;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  return {
    get({ refresh = false } = {}) {
      if (value) {
        const age = now() - value.at;
        const fresh = age < options.ttlMs;
        const mayRefresh = age >= (options.minRefreshMs ?? 0);
        if (fresh && !(refresh && mayRefresh)) return Promise.resolve(value.data);
      }
      return reload();
    },
    peek: () => value?.data,
  };
}
