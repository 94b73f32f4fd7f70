import { FactError } from '../../errors.js';
import type { AccessKey, Clock, FaultReason, IamUser } from '../../kernel/domain/types.js';
import type { FindIamUser, OwnedUser } from '../../kernel/people/find-iam-user.js';
import type { PersonReads } from '../../kernel/people/person-reads.js';
import type { KeyAdminPort, KeyNotice, Outgoing, RotationStore } from '../../kernel/ports.js';
import type { WorkflowTable } from '../../kernel/workflow/table.js';
import type { Logger } from '../../logger.js';
import {
  iamUserNameOf,
  type KeyRetirement,
  type RetireRefusal,
  reactivatedUntil,
  reactivationOver,
  reactivationRefusal,
  retirementDeleteAfter,
} from './domain.js';

export interface RetireDeps {
  readonly retirements: WorkflowTable<KeyRetirement>;
  readonly rotations: Pick<RotationStore, 'openRequestForKey'>;
  readonly keys: KeyAdminPort;
  readonly findIamUser: FindIamUser;
  /** A person's keys, through the per-person reuse and limit: checked again on every click and submit. */
  readonly reads: Pick<PersonReads, 'keys'>;
  /** The bot's own principal ARN: its keys are never switched off by it. */
  readonly botArn: () => Promise<string>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly holder: string;
  readonly config: {
    readonly deleteDays: number;
    /** ROTATION_GRACE_DAYS: a key switched back on goes off again after this, like a replaced key. */
    readonly graceDays: number;
    readonly securityChannel: string | undefined;
  };
}

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

/** How long switching one key off or on may take before another runner may try it. */
const STEP_LEASE_MS = 2 * 60_000;
const SYSTEM = 'aws-mfa-bot';

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
  if (await deps.rotations.openRequestForKey(key.accessKeyId)) return 'in_rotation';
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
  const inserted = await deps.retirements.insert(
    {
      id: input.keyId,
      state: 'deactivating',
      createdAt: at,
      updatedAt: at,
      reactivatedAt: undefined,
      reactivatedUntil: undefined,
      ...fields,
    },
    input.actor,
  );
  if (inserted === 'duplicate') {
    // Retired before and switched back on since: it starts over. Anything else is under way or done.
    const again = await deps.retirements.transition(
      input.keyId,
      ['reactivated'],
      'deactivating',
      fields,
      input.actor,
    );
    if (!again) return 'already';
  }
  const row = await deps.retirements.get(input.keyId);
  return row ? finishDeactivation(deps, row) : 'failed';
}

/** AWS, then the record: after a crash in between, doing it again is harmless. */
async function finishDeactivation(deps: RetireDeps, row: KeyRetirement): Promise<RetireResult> {
  try {
    await deps.keys.setAccessKeyStatus(row.iamUser, row.id, 'Inactive', row.accountId);
  } catch (error) {
    deps.logger.error({ err: error, accessKeyId: row.id }, 'could not deactivate the key');
    await deps.retirements.update(row.id, { leaseUntil: undefined, leaseHolder: undefined });
    return 'failed';
  }
  const at = deps.clock.now().getTime();
  const notify: Outgoing[] = [{ channel: row.ownerSlackId, notice: { kind: 'key_retired', keyId: row.id } }];
  // A leaked key switched off is closure for the security channel, which was told it leaked.
  if (row.source === 'pasted') notify.push(...toSecurity(deps, { kind: 'key_retired_alert', keyId: row.id }));
  const moved = await deps.retirements.transition(
    row.id,
    ['deactivating'],
    'deactivated',
    {
      deactivatedAt: at,
      deleteAfter: retirementDeleteAfter(at, deps.config.deleteDays),
      leaseUntil: undefined,
      leaseHolder: undefined,
    },
    row.actor,
    { notify },
  );
  if (moved)
    deps.logger.info({ accessKeyId: row.id, iamUser: row.iamUser, source: row.source }, 'key retired');
  return moved ? 'done' : 'already';
}

const toSecurity = (deps: RetireDeps, notice: KeyNotice): Outgoing[] =>
  deps.config.securityChannel ? [{ channel: deps.config.securityChannel, notice }] : [];

export type ReactivateResult = 'done' | 'not_owner' | 'not_now' | 'failed' | 'leaked' | 'once';

/**
 * The owner switches a retired key back on before it is deleted: once, for one grace period (then the jobs switch it
 * off again for good), and the security channel is told. A key that leaked stays off: a new key comes through rotation.
 */
export async function reactivateRetiredKey(
  deps: RetireDeps,
  slackUserId: string,
  keyId: string,
): Promise<ReactivateResult> {
  const row = await deps.retirements.get(keyId);
  if (row?.state !== 'deactivated') return 'not_now';
  const found = await deps.findIamUser(slackUserId);
  const mine = found.kind === 'found' ? found.claims.find((u) => u.user.arn === row.iamUserArn) : undefined;
  if (mine?.trust.kind !== 'trusted') return found.kind === 'failed' ? 'failed' : 'not_owner';
  const refusal = reactivationRefusal(row);
  if (refusal) {
    deps.logger.warn({ accessKeyId: keyId, slackUserId, refusal }, 'reactivation of a retired key refused');
    return refusal;
  }
  const at = deps.clock.now().getTime();
  if (!(await deps.retirements.lease(keyId, 'deactivated', at, at + STEP_LEASE_MS, deps.holder)))
    return 'not_now';
  try {
    await deps.keys.setAccessKeyStatus(row.iamUser, keyId, 'Active', row.accountId);
  } catch (error) {
    deps.logger.error({ err: error, accessKeyId: keyId }, 'could not reactivate the key');
    await deps.retirements.update(keyId, { leaseUntil: undefined, leaseHolder: undefined });
    return 'failed';
  }
  const moved = await deps.retirements.transition(
    keyId,
    ['deactivated'],
    'reactivated',
    {
      reactivatedAt: at,
      reactivatedUntil: reactivatedUntil(at, deps.config.graceDays),
      leaseUntil: undefined,
      leaseHolder: undefined,
    },
    slackUserId,
    {
      detail: 'reactivated by the owner for one grace period',
      notify: toSecurity(deps, { kind: 'key_retired_reactivated', keyId }),
    },
  );
  if (moved) deps.logger.warn({ accessKeyId: keyId, slackUserId }, 'a retired key was switched back on');
  return moved ? 'done' : 'not_now';
}

export interface RetirementReport {
  retiredDeleted: number;
  retirementsResumed: number;
}

/**
 * The jobs' part: deletes retired keys whose time has come — unless the key was switched back on outside the bot, which
 * is recorded and left alone — and finishes switching off keys whose runner died.
 */
export async function runRetirementJobs(
  deps: RetireDeps,
  report: { errors: number },
): Promise<RetirementReport> {
  const out: RetirementReport = { retiredDeleted: 0, retirementsResumed: 0 };
  const now = deps.clock.now().getTime();
  const lease = (row: KeyRetirement) =>
    deps.retirements.lease(row.id, row.state, now, now + STEP_LEASE_MS, deps.holder);
  for (const row of await deps.retirements.inStates(['deactivating', 'deactivated', 'reactivated'])) {
    try {
      if (row.state === 'reactivated') {
        if (!reactivationOver(row, now) || !(await lease(row))) continue;
        if ((await switchOffAgain(deps, row)) === 'done') out.retirementsResumed++;
        continue;
      }
      if (row.state === 'deactivating') {
        if (!(await lease(row))) continue;
        if ((await finishDeactivation(deps, row)) === 'done') out.retirementsResumed++;
        continue;
      }
      if (row.deleteAfter === undefined || row.deleteAfter > now || !(await lease(row))) continue;
      if (await deleteRetiredKey(deps, row)) out.retiredDeleted++;
    } catch (error) {
      report.errors++;
      deps.logger.error({ err: error, accessKeyId: row.id }, 'retired key step failed');
      await deps.retirements.update(row.id, { leaseUntil: undefined, leaseHolder: undefined });
    }
  }
  return out;
}

/** Its one grace period back on is over: off again, for good, and deleted on the usual schedule. */
async function switchOffAgain(deps: RetireDeps, row: KeyRetirement): Promise<RetireResult> {
  const moved = await deps.retirements.transition(row.id, ['reactivated'], 'deactivating', {}, SYSTEM, {
    detail: 'its grace period back on is over',
  });
  const again = moved ? await deps.retirements.get(row.id) : undefined;
  return again ? finishDeactivation(deps, again) : 'already';
}

async function deleteRetiredKey(deps: RetireDeps, row: KeyRetirement): Promise<boolean> {
  const released = { leaseUntil: undefined, leaseHolder: undefined };
  // A leaked key being replaced by a rotation: the rotation's own schedule deletes it.
  if (await deps.rotations.openRequestForKey(row.id)) {
    await deps.retirements.update(row.id, released);
    return false;
  }
  const key = (await deps.keys.listAccessKeys(row.iamUser, row.accountId)).find(
    (k) => k.accessKeyId === row.id,
  );
  if (key?.status === 'Active') {
    await deps.retirements.transition(row.id, ['deactivated'], 'reactivated', released, SYSTEM, {
      detail: 'switched back on outside the bot: not deleted',
      notify: toSecurity(deps, { kind: 'key_retired_reactivated', keyId: row.id, outside: true }),
    });
    deps.logger.warn(
      { accessKeyId: row.id },
      'a retired key was switched back on outside the bot; not deleted',
    );
    return false;
  }
  if (key) await deps.keys.deleteAccessKey(row.iamUser, row.id, row.accountId);
  const at = deps.clock.now().getTime();
  return deps.retirements.transition(
    row.id,
    ['deactivated'],
    'deleted',
    { deletedAt: at, ...released },
    SYSTEM,
    { notify: [{ channel: row.ownerSlackId, notice: { kind: 'key_retired_deleted', keyId: row.id } }] },
  );
}
