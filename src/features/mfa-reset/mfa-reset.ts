import { FactError } from '../../errors.js';
import { isOverdue } from '../../kernel/domain/approval.js';
import type { Clock, FaultReason, MfaDevice } from '../../kernel/domain/types.js';
import type { FindIamUser, OwnedUser } from '../../kernel/people/find-iam-user.js';
import type { PersonReads } from '../../kernel/people/person-reads.js';
import { isAdminLevel } from '../../kernel/people/privilege.js';
import type { ApproversPort, IamPort, MfaAdminPort, Outgoing } from '../../kernel/ports.js';
import type { WorkflowTable } from '../../kernel/workflow/table.js';
import type { Logger } from '../../logger.js';
import {
  checkNote,
  checkResetDecider,
  type LostDeviceWhat,
  type MfaReset,
  type MfaResetSettings,
  NOTE_MAX,
  type NoteProblem,
  type ResetRefusal,
  reenrolDue,
  reenrolled,
  requiredResetApprovals,
  resetExpiresAt,
} from './domain.js';

export interface MfaResetStorePort extends WorkflowTable<MfaReset> {
  approvals(id: string): Promise<string[]>;
  approve(
    id: string,
    approverSlackId: string,
    at: number,
    enough: (approvals: readonly string[]) => readonly Outgoing[] | undefined,
  ): Promise<{ approvals: string[]; approved: boolean }>;
}

/** The approval message for a reset in APPROVAL_CHANNEL: posted once, then updated to show where it stands. */
export interface ResetBoard {
  publish(reset: MfaReset, approvedBy: readonly string[]): Promise<string>;
}

export interface MfaResetDeps {
  readonly resets: MfaResetStorePort;
  readonly iam: Pick<IamPort, 'listMfaDevices' | 'listPolicies' | 'listRoles'>;
  readonly devices: MfaAdminPort;
  readonly board: ResetBoard;
  readonly approvers: ApproversPort;
  readonly findIamUser: FindIamUser;
  /** A person's devices, through the per-person reuse and limit. */
  readonly reads: Pick<PersonReads, 'devices'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly holder: string;
  readonly config: MfaResetSettings & {
    readonly approvalChannel: string;
    readonly securityChannel: string | undefined;
  };
}

const SYSTEM = 'aws-mfa-bot';
const STEP_LEASE_MS = 2 * 60_000;
const RELEASED = { leaseUntil: undefined, leaseHolder: undefined };

export type RequestResetResult =
  | { readonly kind: 'created'; readonly resetId: string }
  | { readonly kind: 'invalid'; readonly problem: NoteProblem | 'device_not_yours' | 'open_request' }
  | { readonly kind: 'unmapped' }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'failed'; readonly reason: FaultReason };

const decided = (r: MfaReset, state: string): Outgoing => ({
  channel: r.requesterSlackId,
  notice: { kind: 'mfa_reset_decided', resetId: r.id, state },
});

/**
 * A person says one of their devices is lost, broken or replaced. Nothing changes in AWS until approvers, each having
 * verified the person outside Slack, say yes: this records the request and posts it for approval.
 */
export async function requestReset(
  deps: MfaResetDeps,
  input: { slackUserId: string; serialNumber: string; what: LostDeviceWhat; note: string },
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
      return { kind: 'untrusted' };
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
    await syncResetMessage(deps, reset.id);
    return { kind: 'created', resetId: reset.id };
  } catch (error) {
    if (error instanceof FactError) return { kind: 'failed', reason: error.reason };
    throw error;
  }
}

/** Brings the approval message in line with the reset; a failure leaves it unsynced and the jobs try again. */
export async function syncResetMessage(deps: MfaResetDeps, id: string): Promise<boolean> {
  const reset = await deps.resets.get(id);
  if (!reset) return false;
  try {
    const ts = await deps.board.publish(reset, await deps.resets.approvals(id));
    const fresh = await deps.resets.get(id);
    await deps.resets.update(id, { approvalTs: ts, messageSynced: fresh?.updatedAt === reset.updatedAt });
    return true;
  } catch (error) {
    deps.logger.error(
      { err: error, resetId: id },
      'could not post or update the reset approval message; will retry',
    );
    return false;
  }
}

export type ResetDecision =
  | { readonly kind: 'approved' }
  | { readonly kind: 'recorded'; readonly approvals: number; readonly required: number }
  | { readonly kind: 'denied' }
  | { readonly kind: 'refused'; readonly why: ResetRefusal | 'not_found' };

/** A reset past its time is expired (requester told, message updated); `false` if someone moved it first. */
async function expireReset(deps: MfaResetDeps, r: MfaReset): Promise<boolean> {
  const moved = await deps.resets.transition(
    r.id,
    ['requested'],
    'expired',
    { messageSynced: false },
    SYSTEM,
    {
      notify: [decided(r, 'expired')],
    },
  );
  if (moved) await syncResetMessage(deps, r.id);
  return moved;
}

/**
 * Whether `approverId` may decide the reset now (checked before the confirmation modal opens, and again on submit).
 * A reset found past its time is expired on the spot: nobody approves it, whether or not a job marked it yet.
 */
export async function resetRefusal(
  deps: MfaResetDeps,
  id: string,
  approverId: string,
  verified: boolean,
): Promise<ResetRefusal | 'not_found' | undefined> {
  const reset = await deps.resets.get(id);
  if (!reset) return 'not_found';
  const isApprover = await deps.approvers.isApprover(approverId).catch(() => false);
  const refusal = checkResetDecider(reset, approverId, {
    isApprover,
    approvedBy: await deps.resets.approvals(id),
    now: deps.clock.now().getTime(),
    verified,
  });
  if (refusal === 'expired') await expireReset(deps, reset);
  return refusal;
}

/**
 * An approver, having ticked "I verified this person's identity outside Slack", says yes. With enough approvals the
 * reset moves to `approved` exactly once, and the caller whose move won removes the device.
 */
export async function approveReset(
  deps: MfaResetDeps,
  id: string,
  approverId: string,
  verified: boolean,
): Promise<ResetDecision> {
  const refusal = await resetRefusal(deps, id, approverId, verified);
  if (refusal) {
    deps.logger.info({ resetId: id, slackUserId: approverId, refusal }, 'MFA reset approval refused');
    return { kind: 'refused', why: refusal };
  }
  const reset = (await deps.resets.get(id)) as MfaReset;
  const now = deps.clock.now().getTime();
  const { approvals, approved } = await deps.resets.approve(id, approverId, now, (all) =>
    all.length >= reset.requiredApprovals ? [decided(reset, 'approved')] : undefined,
  );
  await syncResetMessage(deps, id);
  if (!approved) {
    if (approvals.length >= reset.requiredApprovals) return { kind: 'refused', why: 'closed' };
    return { kind: 'recorded', approvals: approvals.length, required: reset.requiredApprovals };
  }
  deps.logger.info({ resetId: id, approvers: approvals }, 'MFA device reset approved');
  await executeReset(deps, id);
  return { kind: 'approved' };
}

export async function denyReset(
  deps: MfaResetDeps,
  id: string,
  approverId: string,
  reason: string,
): Promise<ResetDecision> {
  const refusal = await resetRefusal(deps, id, approverId, true);
  if (refusal) return { kind: 'refused', why: refusal };
  const reset = (await deps.resets.get(id)) as MfaReset;
  const at = deps.clock.now().getTime();
  const moved = await deps.resets.transition(
    id,
    ['requested'],
    'denied',
    {
      decidedBy: approverId,
      decidedAt: at,
      denyReason: reason.trim().slice(0, NOTE_MAX),
      messageSynced: false,
    },
    approverId,
    { notify: [decided(reset, 'denied')] },
  );
  if (!moved) return { kind: 'refused', why: 'closed' };
  deps.logger.info({ resetId: id, slackUserId: approverId }, 'MFA device reset denied');
  await syncResetMessage(deps, id);
  return { kind: 'denied' };
}

/**
 * Removes the device under a lease: `iam:DeactivateMFADevice`, then `iam:DeleteVirtualMFADevice` for a virtual one
 * (both harmless to repeat), then the record with the owner's DM. AWS refusing fails the reset; a throttled or
 * unreachable AWS leaves it approved for the jobs to try again.
 */
export async function executeReset(
  deps: MfaResetDeps,
  id: string,
): Promise<'removed' | 'failed' | 'skipped'> {
  const now = deps.clock.now().getTime();
  if (!(await deps.resets.lease(id, 'approved', now, now + STEP_LEASE_MS, deps.holder))) return 'skipped';
  const reset = await deps.resets.get(id);
  if (!reset) return 'skipped';
  try {
    await deps.devices.deactivate(reset.iamUser, reset.serialNumber, reset.accountId);
    if (reset.deviceType === 'virtual') await deps.devices.deleteVirtual(reset.serialNumber, reset.accountId);
  } catch (error) {
    const kind = error instanceof FactError ? error.reason.kind : 'other';
    deps.logger.error({ err: error, resetId: id }, 'could not remove the MFA device');
    if (kind === 'throttled' || kind === 'network') {
      await deps.resets.update(id, RELEASED);
      return 'skipped';
    }
    const failure =
      error instanceof FactError ? `${error.reason.action}: ${error.reason.kind}` : 'unexpected error';
    await deps.resets.transition(
      id,
      ['approved'],
      'failed',
      { failure, ...RELEASED, messageSynced: false },
      SYSTEM,
      {
        detail: failure,
        notify: [decided(reset, 'failed')],
      },
    );
    await syncResetMessage(deps, id);
    return 'failed';
  }
  const at = deps.clock.now().getTime();
  const moved = await deps.resets.transition(
    id,
    ['approved'],
    'removed',
    { removedAt: at, reenrolDue: reenrolDue(at, deps.config), ...RELEASED, messageSynced: false },
    SYSTEM,
    { notify: [{ channel: reset.requesterSlackId, notice: { kind: 'mfa_reset_done', resetId: id } }] },
  );
  if (moved)
    deps.logger.info(
      { resetId: id, iamUser: reset.iamUser, serialNumber: reset.serialNumber },
      'MFA device removed',
    );
  await syncResetMessage(deps, id);
  return moved ? 'removed' : 'skipped';
}

export interface MfaResetReport {
  resetsExpired: number;
  resetsResumed: number;
  reenrolled: number;
  reenrolOverdue: number;
}

/**
 * The jobs' part: expire resets nobody decided, resume removals a crash interrupted, and when MFA_REENROL_HOURS have
 * passed, either record the re-enrolment or nudge the owner and tell security — once.
 */
export async function runMfaResetJobs(
  deps: MfaResetDeps,
  report: { errors: number },
): Promise<MfaResetReport> {
  const out: MfaResetReport = { resetsExpired: 0, resetsResumed: 0, reenrolled: 0, reenrolOverdue: 0 };
  const now = deps.clock.now().getTime();
  for (const r of await deps.resets.inStates(['requested', 'approved', 'removed'])) {
    try {
      if (isOverdue(r, now)) {
        if (await expireReset(deps, r)) out.resetsExpired++;
      } else if (r.state === 'approved') {
        if ((await executeReset(deps, r.id)) !== 'skipped') out.resetsResumed++;
      } else if (r.state === 'removed' && r.reenrolDue !== undefined && now >= r.reenrolDue) {
        await followUp(deps, r, out);
      }
    } catch (error) {
      report.errors++;
      deps.logger.error(
        { err: error, resetId: r.id, state: r.state },
        'MFA reset job step failed; will retry',
      );
    }
  }
  for (const r of await deps.resets.where('message_synced = 0', [])) await syncResetMessage(deps, r.id);
  return out;
}

async function followUp(deps: MfaResetDeps, r: MfaReset, out: MfaResetReport): Promise<void> {
  const at = deps.clock.now().getTime();
  if (reenrolled(await deps.iam.listMfaDevices(r.iamUser, r.accountId))) {
    if (
      await deps.resets.transition(
        r.id,
        ['removed'],
        'reenrolled',
        { reenrolledAt: at, messageSynced: false },
        SYSTEM,
      )
    )
      out.reenrolled++;
    return;
  }
  const notify: Outgoing[] = [
    { channel: r.requesterSlackId, notice: { kind: 'mfa_reenrol_overdue', resetId: r.id } },
  ];
  if (deps.config.securityChannel)
    notify.push({
      channel: deps.config.securityChannel,
      notice: { kind: 'mfa_reenrol_overdue_alert', resetId: r.id },
    });
  if (
    await deps.resets.transition(r.id, ['removed'], 'overdue', { messageSynced: false }, SYSTEM, { notify })
  ) {
    out.reenrolOverdue++;
    deps.logger.warn({ resetId: r.id, iamUser: r.iamUser }, 'no MFA device enabled since the reset');
  }
}
