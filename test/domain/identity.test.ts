import { describe, expect, it } from 'vitest';
import {
  type DirectoryIndex,
  iamUsersForSlackUser,
  mapIamUserToSlack,
  type SlackPerson,
} from '../../src/domain/identity.js';
import type { IamUser } from '../../src/domain/types.js';

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

describe('iamUsersForSlackUser', () => {
  it('returns only the users that map to the person, sorted by name', () => {
    const users = [
      user('zed', { SlackUserId: 'U0ALICE' }),
      user('alice@example.com'),
      user('bob@example.com'),
      // Tagged for someone else: the e-mail-shaped name must not claim it for Alice.
      user('alice@example.com-old', { SlackUserId: 'U0BOB', email: 'alice@example.com' }),
    ];
    expect(iamUsersForSlackUser(users, 'U0ALICE', directory, 'email').map((u) => u.userName)).toEqual([
      'alice@example.com',
      'zed',
    ]);
  });
});
