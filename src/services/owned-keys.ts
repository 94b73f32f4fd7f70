import type { AccessKey } from '../domain/types.js';
import type { OwnedUser } from './find-iam-user.js';
import type { KeyAdminPort } from './ports.js';

/**
 * Which of a person's IAM users (one per account) holds the key `keyId`, with that user's keys; undefined when none
 * does. Accounts are asked one after another until one lists it: a key ID is unique across AWS.
 */
export async function findKeyOwner(
  keys: Pick<KeyAdminPort, 'listAccessKeys'>,
  users: readonly OwnedUser[],
  keyId: string,
): Promise<{ owner: OwnedUser; key: AccessKey; keys: AccessKey[] } | undefined> {
  for (const owner of users) {
    const listed = await keys.listAccessKeys(owner.user.userName, owner.user.accountId);
    const key = listed.find((k) => k.accessKeyId === keyId);
    if (key) return { owner, key, keys: listed };
  }
  return undefined;
}

/** Every key of every one of the person's IAM users, each with the user that holds it. */
export async function keysOfAll(
  keys: Pick<KeyAdminPort, 'listAccessKeys'>,
  users: readonly OwnedUser[],
): Promise<{ owner: OwnedUser; key: AccessKey }[]> {
  const lists = await Promise.all(
    users.map(async (owner) =>
      (await keys.listAccessKeys(owner.user.userName, owner.user.accountId)).map((key) => ({ owner, key })),
    ),
  );
  return lists.flat();
}
