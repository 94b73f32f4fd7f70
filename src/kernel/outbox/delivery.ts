import type { Logger } from '../../logger.js';

/**
 * The one path that sends queued DMs. Whatever queues a notice (a transition, a nudge, an alert) makes the store
 * announce it after commit; this sends what is due, one run at a time in this process — a second announcement during
 * a run asks for one more run, never a parallel one. Other replicas may flush too: the outbox rows are claimed.
 */
export function createDelivery(flushOutbox: () => Promise<unknown>, logger: Logger) {
  let running: Promise<void> | undefined;
  let again = false;

  function run(): Promise<void> {
    running ??= (async () => {
      do {
        again = false;
        await flushOutbox().catch((error) => logger.error({ err: error }, 'outbox flush failed'));
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    /** Something was queued: send it soon. */
    kick(): void {
      if (running) again = true;
      else void run();
    },
    /** Resolves when no run is under way (before the database is closed). */
    idle(): Promise<void> {
      return running ?? Promise.resolve();
    },
    /** Sends what is due now and resolves when done (the CLI's one-shot commands wait for it before exiting). */
    flush(): Promise<void> {
      if (running) again = true;
      return run();
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
