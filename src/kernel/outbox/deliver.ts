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

/**
 * Slack's pace for `chat.postMessage`: about one message a second per conversation (short bursts tolerated), so a
 * second message to the same channel waits out the rest of that second — by real time, as Slack counts it.
 * https://docs.slack.dev/reference/methods/chat.postMessage (Rate limits).
 */
export const PER_CONVERSATION_MS = 1_000;

export interface Pace {
  readonly perConversationMs: number;
  /** Real time (Slack's clock, not the bot's). */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const slackPace: Pace = {
  perConversationMs: PER_CONVERSATION_MS,
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

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
 * given back untried. Messages go one at a time, and a conversation gets at most one a second (`pace`).
 */
export function createDeliverer(deps: {
  readonly outbox: OutboxStore;
  /** Renders and sends one message; throws when Slack refuses it (it stays queued). */
  readonly send: (message: OutboxMessage) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `<instance>#<boot>`: who holds the claims this process takes. */
  readonly holder: string;
  /** Slack's per-conversation pace; unset: as fast as sends return (tests of what is sent, not when). */
  readonly pace?: Pace;
}) {
  let running: Promise<void> | undefined;
  /** When each conversation was last posted to (real time); only the last second's are kept. */
  const lastPost = new Map<string, number>();
  const waitFor = (channel: string) =>
    deps.pace ? (lastPost.get(channel) ?? -Infinity) + deps.pace.perConversationMs - deps.pace.now() : 0;
  /**
   * The next message to send: the first whose conversation may be posted to now — so a conversation waiting out its
   * second holds up no other, and each conversation's messages keep their order — after sleeping if none may.
   */
  async function nextOf(pending: OutboxMessage[]): Promise<OutboxMessage | undefined> {
    if (pending.length === 0) return undefined;
    // Paused by Slack: the rest are only given back, nothing to pace.
    if (deps.clock.now().getTime() < pausedUntil) return pending.shift();
    let index = pending.findIndex((m) => waitFor(m.channel) <= 0);
    if (index < 0 && deps.pace) {
      await deps.pace.sleep(Math.min(...pending.map((m) => waitFor(m.channel))));
      index = pending.findIndex((m) => waitFor(m.channel) <= 0);
    }
    return pending.splice(Math.max(index, 0), 1)[0];
  }
  /** Slack answered a post to `channel` (or refused it): its second starts now, when Slack has counted it. */
  function posted(channel: string): void {
    if (!deps.pace) return;
    const now = deps.pace.now();
    // Oldest first (a post moves its conversation to the end): only the second's expired front is visited, not every
    // conversation of the last second on every post.
    for (const [c, at] of lastPost) {
      if (now - at < deps.pace.perConversationMs) break;
      lastPost.delete(c);
    }
    lastPost.delete(channel);
    lastPost.set(channel, now);
  }
  let again = false;
  /** Slack's Retry-After pauses the whole queue, not one message: nothing is sent before this. */
  let pausedUntil = 0;
  const totals: DeliveryReport = { dmsSent: 0, dmsFailed: 0 };

  async function deliverDue(): Promise<void> {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      // Each batch is claimed as of now: a run paced over minutes must not claim its later batches with a claim that
      // has already run out (another replica would take and send them too).
      const now = deps.clock.now().getTime();
      if (now < pausedUntil) return;
      const due = await deps.outbox.claimDue(now, OUTBOX_BATCH, OUTBOX_CLAIM_MS, deps.holder);
      if (due.length === 0) return;
      const pending = [...due];
      for (let m = await nextOf(pending); m; m = await nextOf(pending)) {
        if (deps.clock.now().getTime() < pausedUntil) {
          // The rest of the batch waits with the queue: given back, due again when the pause ends.
          await deps.outbox.markFailed(m.id, 'ratelimited', pausedUntil, { attempt: false });
          continue;
        }
        try {
          await deps.send(m).finally(() => posted(m.channel));
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
            wait !== undefined ? pausedUntil : deps.clock.now().getTime() + backoffMs(m.attempts + 1),
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
