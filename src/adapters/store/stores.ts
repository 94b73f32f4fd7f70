import type { Db } from './db.js';
import { createIdentityStore } from './identity-store.js';
import { createMetricsReads } from './metrics-reads.js';
import { createMfaResetStore } from './mfa-reset-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createPastedKeyStore, createRateStore } from './pasted-store.js';
import { createPostureStore } from './posture-store.js';
import { createRetirementStore } from './retirement-store.js';
import { createRootDeletionStore } from './root-deletion-store.js';
import { createRotationStore } from './rotation-store.js';
import { createRunClaims } from './run-claims.js';
import { createScanStore } from './scan-store.js';

/**
 * Every store on one database. `wake` is called after a transaction that queued a notice commits: the one deliverer
 * listens. Leases of `holder` are given back by `release` (a clean shutdown).
 */
export function createStores(db: Db, deps: { now(): number; wake(): void }) {
  const stores = {
    rotations: createRotationStore(db, deps),
    resets: createMfaResetStore(db, deps),
    rootDeletions: createRootDeletionStore(db, deps),
    retirements: createRetirementStore(db, deps),
    outbox: createOutboxStore(db, deps),
    scans: createScanStore(db),
    posture: createPostureStore(db),
    identities: createIdentityStore(db),
    pasted: createPastedKeyStore(db),
    rates: createRateStore(db),
    runs: createRunClaims(db),
    metrics: createMetricsReads(db),
  };
  return {
    ...stores,
    /** Gives back every lease and outbox claim `holder` has, so another replica carries on at once. */
    async release(holder: string): Promise<void> {
      for (const table of [
        stores.rotations,
        stores.resets,
        stores.rootDeletions,
        stores.retirements,
        stores.outbox,
      ])
        await table.release(holder);
    },
  };
}

export type Stores = ReturnType<typeof createStores>;
