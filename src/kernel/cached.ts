import type { Clock } from './domain/types.js';

export interface Cached<T> {
  /** The cached value while fresh; `refresh` reloads unless the value is younger than `minRefreshMs`. */
  get(options?: { refresh?: boolean }): Promise<T>;
  /** The cached value, even if stale, without loading. */
  peek(): T | undefined;
}

/** How a load was asked for: `refresh` when someone asked to read again (Re-check), so inner caches read again too. */
export interface LoadReason {
  readonly refresh: boolean;
}

/**
 * A value loaded on demand and kept for `ttlMs`. Concurrent callers share one load, and a failed load is not cached,
 * so the next caller tries again.
 */
export function cached<T>(
  load: (why: LoadReason) => Promise<T>,
  options: { ttlMs: number; minRefreshMs?: number; clock: Clock },
): Cached<T> {
  let value: { data: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  const now = () => options.clock.now().getTime();

  const reload = (why: LoadReason) => {
    inflight ??= load(why)
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
      return reload({ refresh });
    },
    peek: () => value?.data,
  };
}

/**
 * One {@link cached} value per key (a person, an IAM user), for `ttlMs`. Keys unused for a while are dropped, so the
 * map holds only what was asked for recently.
 */
export function cachedBy<T>(
  load: (key: string, why: LoadReason) => Promise<T>,
  options: { ttlMs: number; minRefreshMs?: number; clock: Clock },
): { get(key: string, options?: { refresh?: boolean }): Promise<T> } {
  const entries = new Map<string, { value: Cached<T>; usedAt: number }>();
  return {
    get(key, getOptions) {
      const now = options.clock.now().getTime();
      if (entries.size > 5_000) {
        for (const [k, e] of entries) if (now - e.usedAt > options.ttlMs) entries.delete(k);
      }
      let entry = entries.get(key);
      if (!entry) {
        entry = { value: cached((why) => load(key, why), options), usedAt: now };
        entries.set(key, entry);
      }
      entry.usedAt = now;
      return entry.value.get(getOptions);
    },
  };
}
