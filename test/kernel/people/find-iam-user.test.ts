import { describe, expect, it } from 'vitest';
import { FactError } from '../../../src/errors.js';
import type { IamPort } from '../../../src/kernel/aws-ports.js';
import type { DirectoryIndex, SlackPerson } from '../../../src/kernel/domain/identity.js';
import type { IamUser } from '../../../src/kernel/domain/types.js';
import { createFindIamUser } from '../../../src/kernel/people/find-iam-user.js';
import type { SlackDirectoryPort } from '../../../src/kernel/people/ports.js';

function setup(initialUsers: IamUser[]) {
  let now = Date.parse('2026-06-01T00:00:00Z');
  const clock = { now: () => new Date(now) };
  let users = initialUsers;
  let fail = false;
  const counts = { listUsers: 0, directory: 0 };
  const iam: IamPort = {
    listUsers: async () => {
      counts.listUsers++;
      if (fail)
        throw new FactError({
          kind: 'access_denied',
          action: 'iam:GetAccountAuthorizationDetails',
          code: 'AccessDenied',
        });
      return users;
    },
    listMfaDevices: async () => [],
    listAccessKeys: async () => [],
    listPolicies: async () => [],
    listRoles: async () => [],
  };
  const alice: SlackPerson = {
    id: 'U0ALICE',
    email: 'alice@example.com',
    locale: 'ko-KR',
    deleted: false,
    isBot: false,
  };
  const index: DirectoryIndex = { byEmail: (e) => (e === alice.email ? alice : undefined) };
  const directory: SlackDirectoryPort = {
    index: async () => {
      counts.directory++;
      return index;
    },
    person: async (id) => (id === alice.id ? alice : undefined),
    peek: () => undefined,
  };
  const find = createFindIamUser({ iam, directory, clock, emailTagKey: 'email' });
  return {
    find,
    counts,
    advance: (ms: number) => {
      now += ms;
    },
    setUsers: (u: IamUser[]) => {
      users = u;
    },
    failIam: () => {
      fail = true;
    },
  };
}

const user = (userName: string, tags: Record<string, string> = {}): IamUser => ({
  userName,
  arn: `arn:aws:iam::123456789012:user/${userName}`,
  accountId: '123456789012',
  tags,
});

describe('findIamUser', () => {
  it('finds the mapped user with the person, and reuses the cached user list', async () => {
    const s = setup([user('alice@example.com'), user('bob', { SlackUserId: 'U0BOB' })]);
    const first = await s.find('U0ALICE');
    expect(first).toMatchObject({
      kind: 'found',
      user: { userName: 'alice@example.com' },
      person: { locale: 'ko-KR' },
      others: [],
    });
    await s.find('U0ALICE');
    expect(s.counts.listUsers).toBe(1);
  });

  it('reloads a cached list once when nobody matches, then answers unmapped', async () => {
    const s = setup([user('bob', { SlackUserId: 'U0BOB' })]);
    expect(await s.find('U0ALICE')).toMatchObject({ kind: 'unmapped', person: { id: 'U0ALICE' } });
    expect(s.counts.listUsers).toBe(1); // just loaded: nothing newer to see
    s.advance(2 * 60_000);
    expect(await s.find('U0ALICE')).toMatchObject({ kind: 'unmapped' });
    expect(s.counts.listUsers).toBe(2);
    expect(s.counts.directory).toBe(4);
  });

  it('does not reload more often than every 15 seconds for unmapped callers', async () => {
    const s = setup([]);
    await s.find('U0ALICE');
    await s.find('U0ALICE');
    await s.find('U0ALICE');
    expect(s.counts.listUsers).toBe(1);
  });

  it('sees a tag set after the first lookup once the reload is allowed', async () => {
    const s = setup([user('alice')]);
    expect((await s.find('U0ALICE')).kind).toBe('unmapped');
    s.setUsers([user('alice', { SlackUserId: 'U0ALICE' })]);
    s.advance(16_000);
    expect(await s.find('U0ALICE')).toMatchObject({ kind: 'found', user: { userName: 'alice' } });
  });

  it('lists the other IAM users mapped to the same person', async () => {
    const s = setup([user('alice-admin', { SlackUserId: 'U0ALICE' }), user('alice@example.com')]);
    expect(await s.find('U0ALICE')).toMatchObject({
      user: { userName: 'alice-admin' },
      others: ['alice@example.com'],
    });
  });

  it('answers failed, with the reason, when IAM refuses the listing', async () => {
    const s = setup([]);
    s.failIam();
    expect(await s.find('U0ALICE')).toEqual({
      kind: 'failed',
      reason: { kind: 'access_denied', action: 'iam:GetAccountAuthorizationDetails', code: 'AccessDenied' },
    });
  });
});
