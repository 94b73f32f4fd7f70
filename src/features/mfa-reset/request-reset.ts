import { FactError } from '../../errors.js';
import type { MappingTrust } from '../../kernel/domain/identity.js';
import type { FaultReason, MfaDevice } from '../../kernel/domain/types.js';
import type { OwnedUser } from '../../kernel/people/find-iam-user.js';
import { isAdminLevel } from '../../kernel/people/privilege.js';
import { syncResetMessage } from './apply.js';
import {
  checkNote,
  type LostDeviceWhat,
  type MfaReset,
  NOTE_MAX,
  type NoteProblem,
  requiredResetApprovals,
  resetExpiresAt,
} from './domain.js';
import type { MfaResetDeps } from './ports.js';

export type RequestResetResult =
  | { readonly kind: 'created'; readonly resetId: string }
  | {
      readonly kind: 'invalid';
      readonly problem: NoteProblem | 'device_not_yours' | 'no_device' | 'several_devices' | 'open_request';
      /** With `several_devices`: how many the person holds (they choose one with the command). */
      readonly devices?: number;
    }
  | { readonly kind: 'unmapped' }
  | { readonly kind: 'untrusted'; readonly trust: Exclude<MappingTrust, { kind: 'trusted' }> }
  | { readonly kind: 'failed'; readonly reason: FaultReason };

/**
 * A person says one of their devices is lost, broken or replaced. Nothing changes in AWS until approvers, each having
 * verified the person outside Slack, say yes: this records the request and posts it for approval. Without
 * `serialNumber` (a Workflow Builder step, which offers no choice) it is their one device; with several they choose
 * with the command.
 */
export async function requestReset(
  deps: MfaResetDeps,
  input: { slackUserId: string; serialNumber?: string; what: LostDeviceWhat; note: string },
): Promise<RequestResetResult> {
  const problem = checkNote(input.note);
  if (problem) return { kind: 'invalid', problem };
  try {
    // The device may belong to the person's IAM user in any of their accounts.
    const { found, devices: listed } = await deps.reads.devices(input.slackUserId, { refresh: true });
    if (found.kind === 'unmapped') return { kind: 'unmapped' };
    if (found.kind === 'failed') return { kind: 'failed', reason: found.reason };
    let owner: OwnedUser | undefined;
    let device: MfaDevice | undefined;
    if (input.serialNumber === undefined) {
      const trusted = listed.filter((c) => c.owner.trust.kind === 'trusted' && c.devices.length > 0);
      const count = trusted.reduce((n, c) => n + c.devices.length, 0);
      if (count > 1) return { kind: 'invalid', problem: 'several_devices', devices: count };
      // None behind a mapping that may act: one behind a mapping that may not is refused as such, below.
      const candidate = trusted[0] ?? listed.find((c) => c.devices.length > 0);
      if (!candidate) return { kind: 'invalid', problem: 'no_device' };
      owner = candidate.owner;
      device = candidate.devices[0];
    } else
      for (const candidate of listed) {
        device = candidate.devices.find((d) => d.serialNumber === input.serialNumber);
        if (device) {
          owner = candidate.owner;
          break;
        }
      }
    if (!owner || !device) return { kind: 'invalid', problem: 'device_not_yours' };
    const user = owner.user;
    if (owner.trust.kind !== 'trusted') {
      deps.logger.warn(
        { slackUserId: input.slackUserId, iamUser: user.userName, trust: owner.trust.kind },
        'MFA reset request refused: the mapping may not act on devices',
      );
      return { kind: 'untrusted', trust: owner.trust };
    }
    const privileged = await isAdminLevel(deps.iam, user);
    const now = deps.clock.now().getTime();
    const reset: MfaReset = {
      id: deps.newId(),
      state: 'requested',
      requesterSlackId: input.slackUserId,
      iamUser: user.userName,
      iamUserArn: user.arn,
      accountId: user.accountId,
      serialNumber: device.serialNumber,
      deviceType: device.type,
      deviceEnabledAt: device.enableDate?.getTime(),
      what: input.what,
      note: input.note.trim().slice(0, NOTE_MAX),
      requiredApprovals: requiredResetApprovals(privileged, deps.config),
      privileged,
      approvalChannel: deps.config.approvalChannel,
      approvalTs: undefined,
      messageSynced: false,
      decidedBy: undefined,
      decidedAt: undefined,
      denyReason: undefined,
      removedAt: undefined,
      reenrolDue: undefined,
      reenrolledAt: undefined,
      failure: undefined,
      leaseUntil: undefined,
      leaseHolder: undefined,
      expiresAt: resetExpiresAt(now, deps.config),
      createdAt: now,
      updatedAt: now,
    };
    if ((await deps.resets.insert(reset, input.slackUserId)) === 'duplicate')
      return { kind: 'invalid', problem: 'open_request' };
    deps.logger.info(
      { resetId: reset.id, iamUser: user.userName, serialNumber: device.serialNumber, privileged },
      'MFA device reset requested',
    );
    await syncResetMessage(deps, reset, []);
    return { kind: 'created', resetId: reset.id };
  } catch (error) {
    if (error instanceof FactError) return { kind: 'failed', reason: error.reason };
    throw error;
  }
}
