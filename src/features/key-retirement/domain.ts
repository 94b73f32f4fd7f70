import { DAY_MS } from '../../kernel/domain/time.js';
/**
 * An access key its owner retires (unused, surplus, or pasted somewhere it should not be): switched off at once, with
 * no approval because it only removes access, and deleted OLD_KEY_DELETE_DAYS later unless the owner switches it back
 * on first. The row's ID is the access key ID: one retirement per key.
 */
export type RetirementState =
  /** Claimed; the key is being switched off (a run that dies here is resumed by the jobs). */
  | 'deactivating'
  | 'deactivated'
  /**
   * Switched back on: by its owner through the bot, for one grace period (`reactivatedUntil`), after which the jobs
   * switch it off again for good; or outside the bot (no deadline: recorded, told to security, not deleted). Retiring
   * it again starts over.
   */
  | 'reactivated'
  | 'deleted';

export const RETIREMENT_TRANSITIONS: Readonly<Record<RetirementState, readonly RetirementState[]>> = {
  deactivating: ['deactivated'],
  deactivated: ['reactivated', 'deleted'],
  reactivated: ['deactivating'],
  deleted: [],
};

export interface KeyRetirement {
  readonly id: string;
  readonly state: RetirementState;
  readonly iamUser: string;
  readonly iamUserArn: string;
  readonly accountId: string;
  /** The Slack user the key's IAM user maps to: the DMs go there. */
  readonly ownerSlackId: string;
  /** Who switched it off: the owner, or an approver (a key pasted into Slack). */
  readonly actor: string;
  readonly source: 'owner' | 'pasted';
  readonly deactivatedAt: number | undefined;
  readonly deleteAfter: number | undefined;
  readonly deletedAt: number | undefined;
  /** When its owner switched it back on through the bot: once per key, never for a key that leaked. */
  readonly reactivatedAt: number | undefined;
  /** Until when it stays on: then the jobs switch it off again. */
  readonly reactivatedUntil: number | undefined;
  readonly leaseUntil: number | undefined;
  readonly leaseHolder: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const retirementDeleteAfter = (deactivatedAt: number, deleteDays: number) =>
  deactivatedAt + deleteDays * DAY_MS;

/** Switched back on now, it goes off again after one grace period, like a replaced key. */
export const reactivatedUntil = (at: number, graceDays: number) => at + graceDays * DAY_MS;

/**
 * Why the owner may not switch a retired key back on; undefined when they may. A key that leaked (pasted into Slack)
 * stays off — a new key comes through rotation — and any key is switched back on once at most.
 */
export function reactivationRefusal(r: KeyRetirement): 'leaked' | 'once' | 'not_now' | undefined {
  if (r.state !== 'deactivated') return 'not_now';
  if (r.source === 'pasted') return 'leaked';
  if (r.reactivatedAt !== undefined) return 'once';
  return undefined;
}

/** Due for switching off again: reactivated through the bot, and its grace period is over. */
export const reactivationOver = (r: KeyRetirement, now: number) =>
  r.state === 'reactivated' && r.reactivatedUntil !== undefined && now >= r.reactivatedUntil;

/** Why a person may not retire a key; `undefined` when they may. */
export type RetireRefusal =
  /** The key is not one of the clicker's IAM user's keys (and they are not an approver acting on a leak). */
  | 'not_owner'
  /** The key is already inactive or gone. */
  | 'not_active'
  /** The key belongs to the bot's own principal: switching it off would stop the bot. */
  | 'bot_principal'
  /** The key is the old key of an open rotation: that rotation's own buttons switch it off. */
  | 'in_rotation'
  /** The mapping between the person and the IAM user is not trusted yet (see the identity guard). */
  | 'untrusted';

/** The IAM user name of a principal ARN when it is an IAM user (`arn:aws:iam::1:user/path/name` → `name`). */
export function iamUserNameOf(principalArn: string): string | undefined {
  const match = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  return match?.[1];
}
