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

/** Slack said "too many" (HTTP 429) after the client's own retries: how long it asked us to wait, in ms. */
function rateLimitedFor(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
  // The Web API client's WebAPIRateLimitedError (`slack_webapi_rate_limited_error`), or Slack's own `ratelimited`.
  if (!/^slack_webapi_rate_limited/.test(e.code ?? '') && e.data?.error !== 'ratelimited') return undefined;
  return Math.max(1, e.retryAfter ?? 30) * 1000;
}

export interface DeliveryReport {
  dmsSent: number;
  dmsFailed: number;
}

/**
 * The one path that sends queued notices: claim a batch, render and send each (`send`), mark it sent or failed, until
 * nothing is due. One run at a time in this process — `wake` during a run asks for one more, never a parallel one —
 * and other replicas may deliver too: rows are claimed, and a claim of a dead boot of this instance is taken over.
 * A message Slack refuses goes back to the outbox with a growing delay and never holds up the others — except Slack's
 * rate limit (HTTP 429 after the client's own waits): its Retry-After pauses the whole queue, the rest of the batch
 * given back untried.
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
  /** Slack's Retry-After pauses the whole queue, not one message: nothing is sent before this. */
  let pausedUntil = 0;
  const totals: DeliveryReport = { dmsSent: 0, dmsFailed: 0 };

  async function deliverDue(): Promise<void> {
    const now = deps.clock.now().getTime();
    if (now < pausedUntil) return;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const due = await deps.outbox.claimDue(now, OUTBOX_BATCH, OUTBOX_CLAIM_MS, deps.holder);
      if (due.length === 0) return;
      for (const m of due) {
        if (deps.clock.now().getTime() < pausedUntil) {
          // The rest of the batch waits with the queue: given back, due again when the pause ends.
          await deps.outbox.markFailed(m.id, 'ratelimited', pausedUntil, { attempt: false });
          continue;
        }
        try {
          await deps.send(m);
          await deps.outbox.markSent(m.id, deps.clock.now().getTime());
          totals.dmsSent++;
        } catch (error) {
          const e = error as { code?: string; data?: { error?: string } };
          const code = e.data?.error ?? e.code ?? 'error';
          const wait = rateLimitedFor(error);
          if (wait !== undefined) pausedUntil = deps.clock.now().getTime() + wait;
          await deps.outbox.markFailed(
            m.id,
            code,
            wait !== undefined ? pausedUntil : now + backoffMs(m.attempts + 1),
          );
          deps.logger.warn(
            { outboxId: m.id, kind: m.notice.kind, requestId: m.notice.requestId, code, retryAfterMs: wait },
            wait !== undefined ? 'Slack rate limit: the whole queue waits' : 'DM not sent; will retry',
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
