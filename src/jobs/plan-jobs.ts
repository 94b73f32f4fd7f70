import { planRetirements } from '../features/key-retirement/plan.js';
import { planResets } from '../features/mfa-reset/plan.js';
import { planRootDeletions } from '../features/root-credentials/jobs.js';
import { planRotations } from '../features/rotation/plan.js';
import { planSignals } from '../features/trail-signals/plan.js';
import { planOutbox } from '../kernel/outbox/plan.js';
import type { PlannedStep } from '../kernel/plan.js';
import type { Features } from '../wiring/features.js';
import type { Platform } from '../wiring/platform.js';

export type { PlannedStep } from '../kernel/plan.js';

/**
 * `jobs --dry-run`: what every due job would do now, each described by the feature that does it from the same rule
 * its job acts on. Read only: nothing is claimed, changed, sent or recorded.
 */
export async function planJobs(
  platform: Pick<Platform, 'stores' | 'clock'>,
  features: Pick<Features, 'rotation' | 'retire' | 'mfaReset' | 'rootDeletion' | 'signals'>,
): Promise<PlannedStep[]> {
  const now = platform.clock.now();
  const at = now.getTime();
  return [
    ...(await planRotations(features.rotation, at)),
    ...(await planRetirements(features.retire, at)),
    ...(await planResets(features.mfaReset, at)),
    ...(features.rootDeletion ? await planRootDeletions(features.rootDeletion, at) : []),
    ...(await planSignals(features.signals, now)),
    ...(await planOutbox(platform.stores.outbox, at)),
  ];
}
