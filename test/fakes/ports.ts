import type { IamUser } from '../../src/kernel/domain/types.js';
import type { FindIamUser } from '../../src/kernel/people/find-iam-user.js';

/** Port fakes the use-case tests share: each answers as the real adapter does in its plainest case. */

/** Everyone is `user`'s owner, mapped and trusted (one IAM user, one account, no other claims). */
export const alwaysFinds =
  (user: IamUser): FindIamUser =>
  async () => ({
    kind: 'found',
    user,
    person: undefined,
    others: [],
    trust: { kind: 'trusted' },
    users: [{ user, trust: { kind: 'trusted' } }],
    claims: [{ user, trust: { kind: 'trusted' } }],
  });
