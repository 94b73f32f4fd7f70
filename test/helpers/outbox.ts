import { Writable } from 'node:stream';
import type { Db } from '../../src/adapters/store/db.js';
import { createOutboxStore } from '../../src/adapters/store/outbox-store.js';
import type { Clock } from '../../src/kernel/domain/types.js';
import { createDeliverer } from '../../src/kernel/outbox/deliver.js';
import type { Notice } from '../../src/kernel/outbox/ports.js';
import { createLogger } from '../../src/logger.js';

/**
 * The real outbox and the real deliverer, sending into `sent` instead of Slack: what a feature queued, as it would go
 * out. `failSends(n)`: the next n sends are refused as Slack's 429 would be (they stay queued).
 */
export function outboxHarness(db: Db, clock: Clock) {
  const sent: { channel: string; notice: Notice }[] = [];
  let failures = 0;
  const outbox = createOutboxStore(db, { wake: () => {} });
  const deliverer = createDeliverer({
    outbox,
    async send({ channel, notice }) {
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('ratelimited'), { data: { error: 'ratelimited' } });
      }
      sent.push({ channel, notice });
    },
    clock,
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    holder: 'test#boot',
  });
  return {
    outbox,
    sent,
    failSends(n: number) {
      failures = n;
    },
    flush: () => deliverer.flush(),
  };
}
