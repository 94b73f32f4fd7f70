import { DAY_MS } from '../../kernel/domain/time.js';
import { type Move, RELEASED, SECURITY_CHANNEL } from '../../kernel/domain/workflow.js';

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

/**
 * A retired key. To the owner: `key_retired` (switched off: the deletion date, and Reactivate unless it leaked),
 * `key_retired_deleted`. To security: `key_retired_alert` (a key pasted into Slack was switched off, by whom) and
 * `key_retired_reactivated` (switched back on: through the bot, for one grace period, or `outside` it).
 */
export type KeyNotice = {
  readonly kind: 'key_retired' | 'key_retired_deleted' | 'key_retired_alert' | 'key_retired_reactivated';
  readonly keyId: string;
  readonly outside?: boolean;
  readonly requestId?: undefined;
};

export interface RetirementSettings {
  /** OLD_KEY_DELETE_DAYS: a retired key is deleted this long after it was switched off. */
  readonly deleteDays: number;
  /** ROTATION_GRACE_DAYS: a key switched back on goes off again after this, like a replaced key. */
  readonly graceDays: number;
}

/** Something that happened to a retired key; `decide` says what it moves the row to and who is told. */
export type RetirementEvent =
  /** AWS switched it off. */
  | { readonly kind: 'deactivated'; readonly at: number }
  /** Its owner switched it back on through the bot. */
  | { readonly kind: 'reactivated'; readonly at: number }
  /** Found switched back on outside the bot when it was due for deletion. */
  | { readonly kind: 'reactivated_outside' }
  /** Its grace period back on is over: off again. */
  | { readonly kind: 'grace_over' }
  | { readonly kind: 'deleted'; readonly at: number };

export type RetirementMove = Move<KeyRetirement, KeyNotice>;

const securityAlert = (keyId: string): RetirementMove['notices'][number] => ({
  to: SECURITY_CHANNEL,
  notice: { kind: 'key_retired_alert', keyId },
});

/** The retirement's state machine in one place: `(row, event) → move`. */
export function decide(r: KeyRetirement, e: RetirementEvent, s: RetirementSettings): RetirementMove {
  const keyId = r.id;
  switch (e.kind) {
    case 'deactivated':
      return {
        from: ['deactivating'],
        to: 'deactivated',
        patch: { deactivatedAt: e.at, deleteAfter: retirementDeleteAfter(e.at, s.deleteDays), ...RELEASED },
        notices: [
          { to: r.ownerSlackId, notice: { kind: 'key_retired', keyId } },
          // A leaked key switched off is closure for the security channel, which was told it leaked.
          ...(r.source === 'pasted' ? [securityAlert(keyId)] : []),
        ],
      };
    case 'reactivated':
      return {
        from: ['deactivated'],
        to: 'reactivated',
        patch: { reactivatedAt: e.at, reactivatedUntil: reactivatedUntil(e.at, s.graceDays), ...RELEASED },
        notices: [{ to: SECURITY_CHANNEL, notice: { kind: 'key_retired_reactivated', keyId } }],
        detail: 'reactivated by the owner for one grace period',
      };
    case 'reactivated_outside':
      return {
        from: ['deactivated'],
        to: 'reactivated',
        patch: { ...RELEASED },
        notices: [
          { to: SECURITY_CHANNEL, notice: { kind: 'key_retired_reactivated', keyId, outside: true } },
        ],
        detail: 'switched back on outside the bot: not deleted',
      };
    case 'grace_over':
      // The lease the job took stays with the row: the same runner switches it off.
      return {
        from: ['reactivated'],
        to: 'deactivating',
        patch: {},
        notices: [],
        detail: 'its grace period back on is over',
      };
    case 'deleted':
      return {
        from: ['deactivated'],
        to: 'deleted',
        patch: { deletedAt: e.at, ...RELEASED },
        notices: [{ to: r.ownerSlackId, notice: { kind: 'key_retired_deleted', keyId } }],
      };
  }
}

/** One thing the retirement jobs have to do now. */
export interface RetirementStep {
  readonly kind: 'finish' | 'switch_off_again' | 'delete';
  readonly row: KeyRetirement;
}

/** The states a retirement may still have work in. */
export const UNFINISHED_RETIREMENT_STATES: readonly RetirementState[] = [
  'deactivating',
  'deactivated',
  'reactivated',
];

/** What the jobs (and their dry-run plan) have to do with a retired key now; pure, the clock is an argument. */
export function dueRetirementStep(row: KeyRetirement, now: number): RetirementStep | undefined {
  if (row.state === 'deactivating') return { kind: 'finish', row };
  if (reactivationOver(row, now)) return { kind: 'switch_off_again', row };
  if (row.state === 'deactivated' && row.deleteAfter !== undefined && row.deleteAfter <= now)
    return { kind: 'delete', row };
  return undefined;
}
