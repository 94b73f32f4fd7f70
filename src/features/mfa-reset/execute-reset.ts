import { FactError } from '../../errors.js';
import { RELEASED, SYSTEM } from '../../kernel/domain/workflow.js';
import { claim } from '../../kernel/workflow/move.js';
import { applyReset, syncResetMessage } from './apply.js';
import type { MfaReset } from './domain.js';
import type { MfaResetDeps } from './ports.js';

/**
 * Removes the device under a lease: `iam:DeactivateMFADevice`, then `iam:DeleteVirtualMFADevice` for a virtual one
 * (both harmless to repeat), then the record with the owner's DM. AWS refusing fails the reset; a throttled or
 * unreachable AWS leaves it approved for the jobs to try again.
 */
export async function executeReset(
  deps: MfaResetDeps,
  row: MfaReset,
): Promise<'removed' | 'failed' | 'skipped'> {
  const reset = await claim(deps.resets, row, 'approved', {
    now: deps.clock.now().getTime(),
    holder: deps.holder,
  });
  if (!reset) return 'skipped';
  try {
    await deps.devices.deactivate(reset.iamUser, reset.serialNumber, reset.accountId);
    if (reset.deviceType === 'virtual') await deps.devices.deleteVirtual(reset.serialNumber, reset.accountId);
  } catch (error) {
    const kind = error instanceof FactError ? error.reason.kind : 'other';
    deps.logger.error({ err: error, resetId: reset.id }, 'could not remove the MFA device');
    if (kind === 'throttled' || kind === 'network') {
      await deps.resets.update(reset.id, RELEASED);
      return 'skipped';
    }
    const failure =
      error instanceof FactError ? `${error.reason.action}: ${error.reason.kind}` : 'unexpected error';
    const failed = await applyReset(deps, reset, { kind: 'failed', failure }, SYSTEM);
    if (failed) await syncResetMessage(deps, failed);
    return 'failed';
  }
  const removed = await applyReset(deps, reset, { kind: 'removed', at: deps.clock.now().getTime() }, SYSTEM);
  if (!removed) return 'skipped';
  deps.logger.info(
    { resetId: reset.id, iamUser: reset.iamUser, serialNumber: reset.serialNumber },
    'MFA device removed',
  );
  await syncResetMessage(deps, removed);
  return 'removed';
}
