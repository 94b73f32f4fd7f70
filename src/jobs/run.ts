import { type RetirementReport, runRetirementJobs } from '../features/key-retirement/jobs.js';
import { type MfaResetReport, runMfaResetJobs } from '../features/mfa-reset/jobs.js';
import { type RootDeletionReport, runRootDeletionJobs } from '../features/root-credentials/jobs.js';
import { type JobReport, runRotationJobs } from '../features/rotation/jobs.js';
import { DAY_MS } from '../kernel/domain/time.js';
import type { DeliveryReport } from '../kernel/outbox/deliver.js';
import type { Features } from '../wiring/features.js';
import type { Platform } from '../wiring/platform.js';

/** What one run of the jobs did: rotations, retired keys, resets, root deletions, and the messages sent meanwhile. */
export type JobsReport = JobReport &
  RetirementReport &
  MfaResetReport &
  Partial<RootDeletionReport> &
  DeliveryReport;

/** Every scheduled step but the scan and CloudTrail: rotations, retired keys, resets, then what they queued. */
export async function runAllJobs(
  platform: Pick<Platform, 'stores' | 'clock' | 'logger'>,
  features: Pick<Features, 'rotation' | 'retire' | 'mfaReset' | 'rootDeletion' | 'deliverer'>,
): Promise<JobsReport> {
  const before = features.deliverer.sent();
  const rotations = await runRotationJobs(features.rotation);
  const retired = await runRetirementJobs(features.retire, rotations);
  const resets = await runMfaResetJobs(features.mfaReset, rotations);
  const roots = features.rootDeletion ? await runRootDeletionJobs(features.rootDeletion, rotations) : {};
  // Counters of pasted key IDs per poster and channel: windows older than two days are forgotten.
  await platform.stores.rates
    .prune(platform.clock.now().getTime() - 2 * DAY_MS)
    .catch((error) => platform.logger.warn({ err: error }, 'could not forget old rate windows'));
  const after = await features.deliverer.flush();
  return {
    ...rotations,
    ...retired,
    ...resets,
    ...roots,
    dmsSent: after.dmsSent - before.dmsSent,
    dmsFailed: after.dmsFailed - before.dmsFailed,
  };
}
