import { describe, expect, it } from 'vitest';
import {
  claimsFor,
  type DirectoryIndex,
  mapIamUserToSlack,
  mappingTrust,
  OWNER_CONFIRMED_TAG,
  type SlackPerson,
} from '../../../src/kernel/domain/identity.js';
import type { IamUser } from '../../../src/kernel/domain/types.js';

const person = (id: string, email: string, extra: Partial<SlackPerson> = {}): SlackPerson => ({
  id,
  email,
  locale: 'en-US',
  deleted: false,
  isBot: false,
  ...extra,
});
const people = [
  person('U0ALICE', 'alice@example.com'),
  person('U0BOB', 'bob@example.com'),
  person('U0GONE', 'gone@example.com', { deleted: true }),
  person('B0BOT', 'bot@example.com', { isBot: true }),
];
const directory: DirectoryIndex = { byEmail: (e) => people.find((p) => p.email === e.toLowerCase()) };
const user = (userName: string, tags: Record<string, string> = {}): IamUser => ({
  userName,
  arn: `arn:aws:iam::123456789012:user/${userName}`,
  accountId: '123456789012',
  tags,
});

describe('mapIamUserToSlack', () => {
  it.each([
    ['SlackUserId tag', user('svc', { SlackUserId: 'U0BOB' }), { slackUserId: 'U0BOB', rule: 'tag' }],
    [
      'SlackUserId tag wins over the e-mail tag',
      user('x', { SlackUserId: 'U0BOB', email: 'alice@example.com' }),
      { slackUserId: 'U0BOB', rule: 'tag' },
    ],
    [
      'SlackUserId tag wins over an e-mail user name',
      user('alice@example.com', { SlackUserId: 'W0ENTERPRISE' }),
      { slackUserId: 'W0ENTERPRISE', rule: 'tag' },
    ],
    ['tag key in other case', user('x', { slackuserid: 'U0BOB' }), { slackUserId: 'U0BOB', rule: 'tag' }],
    [
      'malformed SlackUserId falls through to e-mail tag',
      user('x', { SlackUserId: '@bob', email: 'bob@example.com' }),
      { slackUserId: 'U0BOB', rule: 'email-tag' },
    ],
    [
      'e-mail tag, any case',
      user('x', { email: 'Alice@Example.com' }),
      { slackUserId: 'U0ALICE', rule: 'email-tag' },
    ],
    [
      'e-mail tag wins over the user name',
      user('bob@example.com', { email: 'alice@example.com' }),
      { slackUserId: 'U0ALICE', rule: 'email-tag' },
    ],
    [
      'unknown e-mail tag falls through to the user name',
      user('bob@example.com', { email: 'nobody@example.com' }),
      { slackUserId: 'U0BOB', rule: 'user-name' },
    ],
    [
      'user name is an e-mail address',
      user('alice@example.com'),
      { slackUserId: 'U0ALICE', rule: 'user-name' },
    ],
    ['plain user name is never guessed', user('alice'), undefined],
    ['deactivated Slack account', user('gone@example.com'), undefined],
    ['Slack bot user', user('bot@example.com'), undefined],
    ['e-mail not in Slack', user('carol@example.com'), undefined],
  ])('%s', (_name, iamUser, expected) => {
    expect(mapIamUserToSlack(iamUser, directory, 'email')).toEqual(expected);
  });

  it('uses the configured e-mail tag key', () => {
    expect(
      mapIamUserToSlack(user('x', { 'owner-email': 'bob@example.com' }), directory, 'owner-email')
        ?.slackUserId,
    ).toBe('U0BOB');
    expect(
      mapIamUserToSlack(user('x', { 'owner-email': 'bob@example.com' }), directory, 'email'),
    ).toBeUndefined();
  });
});

describe('claimsFor', () => {
  it('returns only the users that map to the person, sorted by name', () => {
    const users = [
      user('zed', { SlackUserId: 'U0ALICE' }),
      user('alice@example.com'),
      user('bob@example.com'),
      // Tagged for someone else: the e-mail-shaped name must not claim it for Alice.
      user('alice@example.com-old', { SlackUserId: 'U0BOB', email: 'alice@example.com' }),
    ];
    expect(claimsFor(users, 'U0ALICE', directory, 'email').map((c) => c.user.userName)).toEqual([
      'alice@example.com',
      'zed',
    ]);
  });
});

describe('mappingTrust', () => {
  const HOUR = 3_600_000;
  const now = Date.parse('2026-06-01T09:00:00Z');
  const alice = (name: string, tags: Record<string, string>, accountId = '123456789012') =>
    claimsFor([{ ...user(name, tags), accountId }], 'U0ALICE', directory, 'email')[0] as ReturnType<
      typeof claimsFor
    >[number];
  const tagged = alice('alice', { SlackUserId: 'U0ALICE' });
  const byEmail = alice('alice-mail', { email: 'alice@example.com' });

  it.each([
    ['the SlackUserId tag, seen just now', tagged, [tagged], now, { kind: 'trusted' }],
    [
      'an e-mail mapping stable for the whole window',
      byEmail,
      [byEmail],
      now - 72 * HOUR,
      { kind: 'trusted' },
    ],
    [
      'an e-mail mapping that just appeared or changed person',
      byEmail,
      [byEmail],
      now - HOUR,
      { kind: 'recent', trustedFrom: now + 71 * HOUR },
    ],
    [
      'a second IAM user in the account claiming the same person',
      tagged,
      [tagged, alice('mallory', { SlackUserId: 'U0ALICE' })],
      now - 1000 * HOUR,
      { kind: 'contested', claimants: ['alice', 'mallory'] },
    ],
    [
      'two claims confirmed by an administrator',
      alice('alice', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }),
      [
        alice('alice', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }),
        alice('alice-admin', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }),
      ],
      now,
      { kind: 'trusted' },
    ],
    [
      'one confirmed, the other not',
      alice('alice', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }),
      [
        alice('alice', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }),
        alice('mallory', { SlackUserId: 'U0ALICE' }),
      ],
      now,
      { kind: 'contested', claimants: ['alice', 'mallory'] },
    ],
    [
      // Another account the bot looks after is no safer place for a false claim.
      'an IAM user in another account tagged with the same person',
      tagged,
      [tagged, alice('alice', { SlackUserId: 'U0ALICE' }, '210987654321')],
      now,
      { kind: 'contested', claimants: ['alice (123456789012)', 'alice (210987654321)'] },
    ],
    [
      'the same person in two accounts, each confirmed by an administrator',
      alice('alice', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }),
      [
        alice('alice', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }),
        alice('alice', { SlackUserId: 'U0ALICE', [OWNER_CONFIRMED_TAG]: 'U0ALICE' }, '210987654321'),
      ],
      now,
      { kind: 'trusted' },
    ],
    [
      'an e-mail mapping seen first by a process whose clock ran an hour ahead',
      byEmail,
      [byEmail],
      now + HOUR,
      { kind: 'recent', trustedFrom: now + 72 * HOUR },
    ],
  ] as const)('%s', (_name, claim, claims, since, expected) => {
    expect(mappingTrust(claim, claims, { since }, now, 72 * HOUR)).toEqual(expected);
  });

  it('an e-mail mapping the operator trusted is trusted at once; 0 hours means at once even for a sighting ahead', () => {
    expect(mappingTrust(byEmail, [byEmail], { since: now, trustedAt: now }, now, 72 * HOUR)).toEqual({
      kind: 'trusted',
    });
    expect(mappingTrust(byEmail, [byEmail], { since: now + HOUR }, now, 0)).toEqual({ kind: 'trusted' });
    // The operator's trust does not settle a conflict: that needs the administrators' tags.
    const rival = alice('mallory', { SlackUserId: 'U0ALICE' });
    expect(mappingTrust(byEmail, [byEmail, rival], { since: now, trustedAt: now }, now, 0).kind).toBe(
      'contested',
    );
  });
});
