import type { Clock } from './domain/types.js';

/**
 * At most `max` uses per key (a person) within `windowMs`, in this process: one person cannot make the bot work for
 * everyone else's share. Entries expire on their own; the map never holds more than the people active in a window.
 */
export function createPerPersonLimit(options: { max: number; windowMs: number; clock: Clock }) {
  const uses = new Map<string, number[]>();
  return {
    /** Counts one use; `false` when the person is over the limit (and the use is not counted). */
    take(key: string): boolean {
      const now = options.clock.now().getTime();
      const recent = (uses.get(key) ?? []).filter((t) => t > now - options.windowMs);
      if (recent.length >= options.max) {
        uses.set(key, recent);
        return false;
      }
      recent.push(now);
      uses.set(key, recent);
      if (uses.size > 10_000) {
        for (const [k, v] of uses) if (!v.some((t) => t > now - options.windowMs)) uses.delete(k);
      }
      return true;
    },
  };
}
