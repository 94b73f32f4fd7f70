import { FactError, UnmanagedSecretError } from '../../errors.js';
import type { NewAccessKey } from '../../kernel/aws-ports.js';
import type { AccessKey } from '../../kernel/domain/types.js';
import { RELEASED, SYSTEM } from '../../kernel/domain/workflow.js';
import { apply, syncMessage } from './apply.js';
import { type RotationRequest, secretNameFor } from './domain.js';
import type { RotationDeps } from './ports.js';
import type { StoredSecret } from './ports-aws.js';

/** Long enough for CreateAccessKey and Secrets Manager with retries; another worker waits this long. */
export const LEASE_MS = 5 * 60_000;
const STORE_ATTEMPTS = 3;
/** Clock skew between us and IAM when recognising a key created by an earlier attempt. */
const SKEW_MS = 5_000;

export type ExecuteResult = 'delivered' | 'failed' | 'skipped';

class RotationFailure extends Error {}

async function fail(deps: RotationDeps, request: RotationRequest, reason: string): Promise<ExecuteResult> {
  deps.logger.error({ requestId: request.id, iamUser: request.iamUser, reason }, 'rotation failed');
  const failed = await apply(deps, request, { kind: 'failed', reason }, SYSTEM);
  if (failed) await syncMessage(deps, failed);
  return 'failed';
}

/** Moves a created key to `delivered` and queues the owner's DM in the same transaction: the DM cannot be lost. */
export async function deliverKey(deps: RotationDeps, request: RotationRequest): Promise<ExecuteResult> {
  const moved = await apply(deps, request, { kind: 'delivered', at: deps.clock.now().getTime() }, SYSTEM);
  // The approval message says "delivered" now, not at the next job run.
  if (moved) await syncMessage(deps, moved);
  return 'delivered';
}

const ownerOf = (r: RotationRequest) => ({
  userName: r.iamUser,
  arn: r.iamUserArn,
  slackUserId: r.requesterSlackId,
});

/**
 * Keys that appeared since the attempt began: what that attempt may have created. Known by the key IDs listed just
 * before it (a clock ahead of IAM's cannot hide one); attempts recorded before that list existed fall back to times.
 */
function madeByAttempt(request: RotationRequest, keys: readonly AccessKey[]): AccessKey[] {
  if (request.attemptStartedAt === undefined) return [];
  const before = request.keysBefore?.split(',');
  return keys.filter((k) =>
    before
      ? !before.includes(k.accessKeyId)
      : k.accessKeyId !== request.oldKeyId &&
        k.createDate.getTime() >= (request.attemptStartedAt ?? 0) - SKEW_MS,
  );
}

/**
 * A key left by an attempt that crashed (or lost CreateAccessKey's answer). If its secret was stored, the attempt got
 * that far: the key is adopted once the secret's owner-only policy is verified. Otherwise nobody can ever read its
 * secret, so it is deleted.
 */
async function recoverEarlierAttempt(
  deps: RotationDeps,
  request: RotationRequest,
  keys: AccessKey[],
  secretName: string,
): Promise<{ adopted?: AccessKey; remaining: AccessKey[] }> {
  let remaining = keys;
  for (const key of madeByAttempt(request, keys)) {
    if (await deps.secrets.hasVersion(secretName, request.id, request.accountId)) {
      await deps.secrets.secure(secretName, request.id, ownerOf(request), request.accountId);
      return { adopted: key, remaining };
    }
    deps.logger.warn(
      { requestId: request.id, accessKeyId: key.accessKeyId },
      'deleting a key whose secret was never stored',
    );
    await deps.keys.deleteAccessKey(request.iamUser, key.accessKeyId, request.accountId);
    remaining = remaining.filter((k) => k !== key);
  }
  return { remaining };
}

/**
 * Any error from CreateAccessKey may hide a key IAM did create (a cut connection, a 500 after the fact): the SDK does
 * not retry that call, and whatever the attempt left that no secret holds is deleted at once.
 */
async function createKeyOrCleanUp(
  deps: RotationDeps,
  request: RotationRequest,
  secretName: string,
): Promise<NewAccessKey> {
  try {
    return await deps.keys.createAccessKey(request.iamUser, request.accountId);
  } catch (error) {
    deps.logger.warn(
      { requestId: request.id, kind: error instanceof FactError ? error.reason.kind : 'other' },
      'CreateAccessKey failed; removing any key it may have created',
    );
    await cleanUpUnheldKeys(deps, request, secretName).catch((cleanup) =>
      deps.logger.error(
        { err: cleanup, requestId: request.id },
        'could not check for an unheld key; the jobs will',
      ),
    );
    throw error;
  }
}

/** Deletes keys an attempt made that no secret of this request holds. Resolves with how many it deleted. */
export async function cleanUpUnheldKeys(
  deps: RotationDeps,
  request: RotationRequest,
  secretName: string,
): Promise<number> {
  const leftovers = madeByAttempt(
    request,
    await deps.keys.listAccessKeys(request.iamUser, request.accountId),
  );
  if (leftovers.length === 0 || (await deps.secrets.hasVersion(secretName, request.id, request.accountId)))
    return 0;
  for (const key of leftovers) {
    await deps.keys.deleteAccessKey(request.iamUser, key.accessKeyId, request.accountId);
    deps.logger.warn({ requestId: request.id, accessKeyId: key.accessKeyId }, 'deleted a key nobody holds');
  }
  return leftovers.length;
}

/** IAM allows two keys: make room by deleting an inactive one, never an active one. Resolves with the keys left. */
async function makeRoom(
  deps: RotationDeps,
  request: RotationRequest,
  keys: AccessKey[],
): Promise<AccessKey[]> {
  if (!keys.some((k) => k.accessKeyId === request.oldKeyId)) {
    throw new RotationFailure(`the key ${request.oldKeyId} no longer exists`);
  }
  if (keys.length < 2) return keys;
  // An old key that is already off (it leaked and was switched off) is the one to go: nothing can be using it.
  const inactive =
    keys.find((k) => k.accessKeyId !== request.oldKeyId && k.status === 'Inactive') ??
    keys.find((k) => k.accessKeyId === request.oldKeyId && k.status === 'Inactive');
  if (!inactive) {
    throw new RotationFailure(
      'the user already has two active access keys; deactivate the one not being replaced first',
    );
  }
  await deps.keys.deleteAccessKey(request.iamUser, inactive.accessKeyId, request.accountId);
  deps.logger.info(
    { requestId: request.id, accessKeyId: inactive.accessKeyId },
    'deleted an inactive key to make room',
  );
  return keys.filter((k) => k !== inactive);
}

async function storeWithRetries(
  deps: RotationDeps,
  request: RotationRequest,
  secretName: string,
  key: NewAccessKey,
): Promise<StoredSecret | undefined> {
  for (let attempt = 1; attempt <= STORE_ATTEMPTS; attempt++) {
    try {
      return await deps.secrets.storeAccessKey({
        name: secretName,
        requestId: request.id,
        owner: { userName: request.iamUser, arn: request.iamUserArn, slackUserId: request.requesterSlackId },
        key,
        accountId: request.accountId,
      });
    } catch (error) {
      // Only AWS faults are retried; anything else is a bug or a dying process, for start-up recovery to handle.
      if (error instanceof UnmanagedSecretError) throw error;
      if (!(error instanceof FactError)) throw error;
      const reason = error.reason;
      deps.logger.warn(
        { requestId: request.id, attempt, action: reason.action, kind: reason.kind },
        'storing the new key failed',
      );
      if (attempt < STORE_ATTEMPTS) await deps.sleep(500 * attempt);
    }
  }
  return undefined;
}

/** A key whose secret could not be stored must not stay usable: delete it, or at least deactivate it. */
async function discardKey(
  deps: RotationDeps,
  request: RotationRequest,
  accessKeyId: string,
): Promise<string> {
  try {
    await deps.keys.deleteAccessKey(request.iamUser, accessKeyId, request.accountId);
    return `storing the new key in Secrets Manager failed; the new key ${accessKeyId} was deleted`;
  } catch {
    await deps.keys
      .setAccessKeyStatus(request.iamUser, accessKeyId, 'Inactive', request.accountId)
      .catch(() => undefined);
    return `storing the new key in Secrets Manager failed and the new key ${accessKeyId} could not be deleted: delete it by hand`;
  }
}

/**
 * Carries out an approved rotation: make room, create the key, store it in Secrets Manager at once, record it, queue
 * the owner's DM. Safe to call again after a crash at any step, and from several workers: a lease lets one act.
 */
export async function executeRotation(deps: RotationDeps, row: RotationRequest): Promise<ExecuteResult> {
  if (row.state === 'key_created') return deliverKey(deps, row);
  const now = deps.clock.now().getTime();
  // The row as leased is the one acted on: nobody else can move it while the lease holds.
  const request = await deps.store.lease(row.id, 'approved', now, now + LEASE_MS, deps.holder);
  if (!request) return 'skipped';
  const requestId = request.id;
  const secretName = secretNameFor(deps.config.secretPrefix, request.accountId, request.iamUser);

  try {
    // One listing serves recovery, making room and the attempt's record of the keys that existed before it.
    const { adopted, remaining } = await recoverEarlierAttempt(
      deps,
      request,
      await deps.keys.listAccessKeys(request.iamUser, request.accountId),
      secretName,
    );
    if (adopted) {
      const created = await apply(
        deps,
        request,
        {
          kind: 'key_created',
          keyId: adopted.accessKeyId,
          createdAt: adopted.createDate.getTime(),
          secretName,
          recovered: true,
        },
        SYSTEM,
      );
      return created ? deliverKey(deps, created) : 'skipped';
    }
    const keysBefore = (await makeRoom(deps, request, remaining)).map((k) => k.accessKeyId).join(',');
    const attempt = { ...request, attemptStartedAt: deps.clock.now().getTime(), keysBefore };
    await deps.store.update(request.id, { attemptStartedAt: attempt.attemptStartedAt, keysBefore });
    const key = await createKeyOrCleanUp(deps, attempt, secretName);
    let stored: StoredSecret | undefined;
    try {
      stored = await storeWithRetries(deps, request, secretName, key);
    } catch (error) {
      if (!(error instanceof UnmanagedSecretError)) throw error;
      await discardKey(deps, request, key.accessKeyId);
      return fail(deps, request, error.message);
    }
    if (!stored) return fail(deps, request, await discardKey(deps, request, key.accessKeyId));

    const created = await apply(
      deps,
      request,
      {
        kind: 'key_created',
        keyId: key.accessKeyId,
        createdAt: key.createDate.getTime(),
        secretName,
        secretArn: stored.arn,
      },
      SYSTEM,
    );
    deps.logger.info(
      { requestId: request.id, iamUser: request.iamUser, newKeyId: key.accessKeyId },
      'new key created and stored',
    );
    return created ? deliverKey(deps, created) : 'skipped';
  } catch (error) {
    if (error instanceof RotationFailure) return fail(deps, request, error.message);
    if (error instanceof FactError) {
      const r = error.reason;
      // Throttling and network trouble are worth another try (the job resumes approved requests); refusals are not.
      if (r.kind === 'throttled' || r.kind === 'network') {
        deps.logger.warn({ requestId, action: r.action, kind: r.kind }, 'rotation interrupted; will resume');
        await deps.store.update(requestId, RELEASED);
        return 'skipped';
      }
      return fail(deps, request, `${r.action} failed (${r.code ?? r.kind})`);
    }
    throw error;
  }
}
