import type { Logger } from '../../logger.js';
import type { Clock } from '../domain/types.js';
import type { OutboxMessage, OutboxStore } from './ports.js';

/** Messages claimed at a time: a long queue is sent in bounded batches, never all at once. */
export const OUTBOX_BATCH = 50;
/** A claimed batch is this deliverer's to send; if it dies, the rows are due again after this (or at its restart). */
export const OUTBOX_CLAIM_MS = 2 * 60_000;
/** At most this many batches in one run; the rest go in the next. */
const MAX_BATCHES = 200;
const backoffMs = (attempts: number) => Math.min(2 ** attempts * 30_000, 3_600_000);

export interface DeliveryReport {
  dmsSent: number;
  dmsFailed: number;
}

/**
 * The one path that sends queued notices: claim a batch, render and send each (`send`), mark it sent or failed, until
 * nothing is due. One run at a time in this process — `wake` during a run asks for one more, never a parallel one —
 * and other replicas may deliver too: rows are claimed, and a claim of a dead boot of this instance is taken over.
 * A message Slack refuses goes back to the outbox with a growing delay and never holds up the others.
 */
export function createDeliverer(deps: {
  readonly outbox: OutboxStore;
  /** Renders and sends one message; throws when Slack refuses it (it stays queued). */
  readonly send: (message: OutboxMessage) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `<instance>#<boot>`: who holds the claims this process takes. */
  readonly holder: string;
}) {
  let running: Promise<void> | undefined;
  let again = false;
  const totals: DeliveryReport = { dmsSent: 0, dmsFailed: 0 };

  async function deliverDue(): Promise<void> {
    const now = deps.clock.now().getTime();
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const due = await deps.outbox.claimDue(now, OUTBOX_BATCH, OUTBOX_CLAIM_MS, deps.holder);
      if (due.length === 0) return;
      for (const m of due) {
        try {
          await deps.send(m);
          await deps.outbox.markSent(m.id, deps.clock.now().getTime());
          totals.dmsSent++;
        } catch (error) {
          const e = error as { code?: string; data?: { error?: string } };
          const code = e.data?.error ?? e.code ?? 'error';
          await deps.outbox.markFailed(m.id, code, now + backoffMs(m.attempts + 1));
          deps.logger.warn(
            { outboxId: m.id, kind: m.notice.kind, requestId: m.notice.requestId, code },
            'DM not sent; will retry',
          );
          totals.dmsFailed++;
        }
      }
    }
  }

  function run(): Promise<void> {
    running ??= (async () => {
      do {
        again = false;
        await deliverDue().catch((error) => deps.logger.error({ err: error }, 'outbox delivery failed'));
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    /** Something was queued: send it soon (the one wake-up every writer calls after its transaction commits). */
    wake(): void {
      if (running) again = true;
      else void run();
    },
    /** Sends what is due now and resolves when done, with what this deliverer has sent so far. */
    async flush(): Promise<DeliveryReport> {
      if (running) again = true;
      await run();
      return { ...totals };
    },
    /** What this deliverer has sent and failed to send so far (a run's share is the difference). */
    sent(): DeliveryReport {
      return { ...totals };
    },
    /** Resolves when no run is under way (before the database is closed). */
    idle(): Promise<void> {
      return running ?? Promise.resolve();
    },
  };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
