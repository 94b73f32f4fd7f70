import { FactError } from '../../errors.js';
import type { AccessKey, FaultReason, IamUser } from '../../kernel/domain/types.js';
import { RELEASED } from '../../kernel/domain/workflow.js';
import type { OwnedUser } from '../../kernel/people/find-iam-user.js';
import { STEP_LEASE_MS } from '../../kernel/workflow/move.js';
import { applyRetirement } from './apply.js';
import { iamUserNameOf, type KeyRetirement, type RetireRefusal } from './domain.js';
import type { RetireDeps } from './ports.js';

export type OwnedKey =
  | {
      readonly kind: 'ok';
      readonly user: IamUser;
      readonly key: AccessKey;
      readonly keys: readonly AccessKey[];
    }
  | { readonly kind: 'refused'; readonly why: RetireRefusal }
  | { readonly kind: 'failed'; readonly reason: FaultReason };

export type RetireResult = 'done' | 'already' | RetireRefusal | 'failed';

const faultOf = (error: unknown): FaultReason | undefined =>
  error instanceof FactError ? error.reason : undefined;

/** Whether `user` is the principal the bot itself runs as. */
async function isBotPrincipal(deps: RetireDeps, user: IamUser): Promise<boolean> {
  const arn = await deps.botArn();
  return iamUserNameOf(arn) === user.userName && arn.split(':')[4] === user.accountId;
}

/** Why `user`'s key `key` may not be switched off, whoever asks; undefined when it may. */
async function keyRefusal(
  deps: RetireDeps,
  user: IamUser,
  key: AccessKey,
): Promise<RetireRefusal | undefined> {
  if (await isBotPrincipal(deps, user)) return 'bot_principal';
  if (key.status !== 'Active') return 'not_active';
  if (await deps.inRotation(key.accessKeyId)) return 'in_rotation';
  return undefined;
}

/**
 * A key one of the person's IAM users was just seen to hold (`keys`: all of that user's): whether they may switch it
 * off — their mapping to that user is trusted, and the key may be switched off at all.
 */
export async function heldKey(
  deps: RetireDeps,
  owner: OwnedUser,
  key: AccessKey,
  keys: readonly AccessKey[],
): Promise<OwnedKey> {
  if (owner.trust.kind !== 'trusted') return { kind: 'refused', why: 'untrusted' };
  const why = await keyRefusal(deps, owner.user, key);
  return why ? { kind: 'refused', why } : { kind: 'ok', user: owner.user, key, keys };
}

/**
 * The key, if `slackUserId` owns it now: their IAM user (a trusted mapping) lists it, it is active, it is not the bot's,
 * and no rotation is replacing it. Checked on every click: what a button carries only names the key.
 */
export async function ownedKey(deps: RetireDeps, slackUserId: string, keyId: string): Promise<OwnedKey> {
  try {
    const { found, held } = await deps.reads.keys(slackUserId, { refresh: true });
    if (found.kind === 'failed') return { kind: 'failed', reason: found.reason };
    const mine = held.find((h) => h.key.accessKeyId === keyId);
    if (found.kind !== 'found' || !mine) return { kind: 'refused', why: 'not_owner' };
    const keys = held.filter((h) => h.owner.user.arn === mine.owner.user.arn).map((h) => h.key);
    return await heldKey(deps, mine.owner, mine.key, keys);
  } catch (error) {
    const reason = faultOf(error);
    if (reason) return { kind: 'failed', reason };
    throw error;
  }
}

/**
 * The key of a user given by IAM (a key pasted into Slack), for an approver: active, not the bot's, not in rotation.
 */
export async function keyOfUser(deps: RetireDeps, user: IamUser, keyId: string): Promise<OwnedKey> {
  try {
    const keys = await deps.keys.listAccessKeys(user.userName, user.accountId);
    const key = keys.find((k) => k.accessKeyId === keyId);
    if (!key) return { kind: 'refused', why: 'not_active' };
    const why = await keyRefusal(deps, user, key);
    return why ? { kind: 'refused', why } : { kind: 'ok', user, key, keys };
  } catch (error) {
    const reason = faultOf(error);
    if (reason) return { kind: 'failed', reason };
    throw error;
  }
}

/**
 * Switches a key off now and schedules its deletion. The claim is written first (a crash before AWS answers is resumed
 * by the jobs), then AWS, then the record with the owner's DM — so a retried click or a second replica does it once.
 */
export async function retireKey(
  deps: RetireDeps,
  input: {
    readonly user: IamUser;
    readonly keyId: string;
    readonly ownerSlackId: string;
    readonly actor: string;
    readonly source: KeyRetirement['source'];
  },
): Promise<RetireResult> {
  const at = deps.clock.now().getTime();
  const claim = { leaseUntil: at + STEP_LEASE_MS, leaseHolder: deps.holder };
  const fields = {
    iamUser: input.user.userName,
    iamUserArn: input.user.arn,
    accountId: input.user.accountId,
    ownerSlackId: input.ownerSlackId,
    actor: input.actor,
    source: input.source,
    deactivatedAt: undefined,
    deleteAfter: undefined,
    deletedAt: undefined,
    ...claim,
  };
  const row: KeyRetirement = {
    id: input.keyId,
    state: 'deactivating',
    createdAt: at,
    updatedAt: at,
    reactivatedAt: undefined,
    reactivatedUntil: undefined,
    ...fields,
  };
  const inserted = await deps.retirements.insert(row, input.actor);
  if (inserted === 'created') return finishDeactivation(deps, row);
  // Retired before and switched back on since: it starts over. Anything else is under way or done.
  const again = await deps.retirements.transition(
    input.keyId,
    ['reactivated'],
    'deactivating',
    fields,
    input.actor,
  );
  return again ? finishDeactivation(deps, again) : 'already';
}

/** AWS, then the record: after a crash in between, doing it again is harmless. */
export async function finishDeactivation(deps: RetireDeps, row: KeyRetirement): Promise<RetireResult> {
  try {
    await deps.keys.setAccessKeyStatus(row.iamUser, row.id, 'Inactive', row.accountId);
  } catch (error) {
    deps.logger.error({ err: error, accessKeyId: row.id }, 'could not deactivate the key');
    await deps.retirements.update(row.id, RELEASED);
    return 'failed';
  }
  const moved = await applyRetirement(
    deps,
    row,
    { kind: 'deactivated', at: deps.clock.now().getTime() },
    row.actor,
  );
  if (moved)
    deps.logger.info({ accessKeyId: row.id, iamUser: row.iamUser, source: row.source }, 'key retired');
  return moved ? 'done' : 'already';
}
