import type { IamPort } from '../aws-ports.js';
import { cachedBy, type LoadReason } from '../cached.js';
import { createConcurrencyLimit } from '../concurrency.js';
import type { AccessKey, Clock, MfaDevice } from '../domain/types.js';
import type { FindIamUser, FindIamUserResult, OwnedUser } from './find-iam-user.js';

/** A person asking again within this long gets the answer they just had: one person cannot crowd out the rest. */
export const PERSON_REUSE_MS = 60_000;
/** Asked to read again (Re-check, a submit), AWS is read at most this often for one person. */
export const PERSON_REFRESH_MIN_MS = 10_000;
/** People whose AWS reads run at once; a burst waits its turn rather than starving Slack's acks. */
export const PERSON_READ_CONCURRENCY = 4;

export interface PersonKeys {
  readonly found: FindIamUserResult;
  /** Every key of every IAM user claiming the person, with the user that holds it (trusted or not: see `owner`). */
  readonly held: readonly { readonly owner: OwnedUser; readonly key: AccessKey }[];
}

export interface PersonDevices {
  readonly found: FindIamUserResult;
  readonly devices: readonly { readonly owner: OwnedUser; readonly devices: readonly MfaDevice[] }[];
}

type Get<T> = (slackUserId: string, options?: { refresh?: boolean }) => Promise<T>;

/**
 * Every path that reads AWS for one person — the checklist (and its account picker), the rotation, retire and
 * lost-device modals and their submits, button clicks — goes through here: the last answer is reused for a minute
 * (`refresh` reads again, but not more than every ten seconds), concurrent asks share one read, and at most
 * PERSON_READ_CONCURRENCY people's reads run at a time. A failed read is not kept.
 */
export interface PersonReads {
  keys: Get<PersonKeys>;
  devices: Get<PersonDevices>;
  /** Another per-person answer (the checklist's facts) under the same reuse and the same limit. */
  cache<T>(load: (slackUserId: string, why: LoadReason) => Promise<T>): { get: Get<T> };
}

export function createPersonReads(deps: {
  readonly findIamUser: FindIamUser;
  readonly iam: Pick<IamPort, 'listAccessKeys' | 'listMfaDevices'>;
  readonly clock: Clock;
}): PersonReads {
  const limit = createConcurrencyLimit(PERSON_READ_CONCURRENCY);
  const cache = <T>(load: (slackUserId: string, why: LoadReason) => Promise<T>) => {
    const entries = cachedBy((slackUserId, why) => limit(() => load(slackUserId, why)), {
      ttlMs: PERSON_REUSE_MS,
      minRefreshMs: PERSON_REFRESH_MIN_MS,
      clock: deps.clock,
    });
    return {
      get: (slackUserId: string, options?: { refresh?: boolean }) => entries.get(slackUserId, options),
    };
  };
  const claimsOf = (found: FindIamUserResult) => (found.kind === 'found' ? found.claims : []);
  // A lookup that failed is answered, not kept: it is thrown past the cache and turned back into the answer.
  const person = async (slackUserId: string) => {
    const found = await deps.findIamUser(slackUserId);
    if (found.kind === 'failed') throw new NotKept(found);
    return found;
  };
  const answered =
    <T>(get: Get<T>, empty: (found: FindIamUserResult) => T): Get<T> =>
    (slackUserId, options) =>
      get(slackUserId, options).catch((error: unknown) => {
        if (error instanceof NotKept) return empty(error.found);
        throw error;
      });
  const keys = cache(async (slackUserId): Promise<PersonKeys> => {
    const found = await person(slackUserId);
    const lists = await Promise.all(
      claimsOf(found).map(async (owner) =>
        (await deps.iam.listAccessKeys(owner.user.userName, owner.user.accountId)).map((key) => ({
          owner,
          key,
        })),
      ),
    );
    return { found, held: lists.flat() };
  });
  const devices = cache(async (slackUserId): Promise<PersonDevices> => {
    const found = await person(slackUserId);
    const lists = await Promise.all(
      claimsOf(found).map(async (owner) => ({
        owner,
        devices: await deps.iam.listMfaDevices(owner.user.userName, owner.user.accountId),
      })),
    );
    return { found, devices: lists };
  });
  return {
    keys: answered(keys.get, (found) => ({ found, held: [] })),
    devices: answered(devices.get, (found) => ({ found, devices: [] })),
    cache,
  };
}

class NotKept extends Error {
  constructor(readonly found: FindIamUserResult) {
    super('not kept');
  }
}
