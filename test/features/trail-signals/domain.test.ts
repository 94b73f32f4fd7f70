import { describe, expect, it } from 'vitest';
import { classifyEvent, isBot, type TrailEvent } from '../../../src/features/trail-signals/domain.js';

const BOT = 'arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/i-0abc';
const event = (eventName: string, record: TrailEvent['record']): TrailEvent => ({
  eventId: `${eventName}-1`,
  eventName,
  eventTime: new Date('2026-06-01T10:42:00Z'),
  region: 'us-east-1',
  record,
});
const alice = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', userName: 'alice' };

describe('classifyEvent', () => {
  it.each([
    [
      'console sign-in without MFA',
      event('ConsoleLogin', {
        userIdentity: alice,
        responseElements: { ConsoleLogin: 'Success' },
        additionalEventData: { MFAUsed: 'No' },
      }),
      'console_login_without_mfa',
    ],
    [
      'console sign-in with MFA',
      event('ConsoleLogin', {
        userIdentity: alice,
        responseElements: { ConsoleLogin: 'Success' },
        additionalEventData: { MFAUsed: 'Yes' },
      }),
      undefined,
    ],
    [
      'failed console sign-in',
      event('ConsoleLogin', {
        userIdentity: alice,
        responseElements: { ConsoleLogin: 'Failure' },
        additionalEventData: { MFAUsed: 'No' },
      }),
      undefined,
    ],
    [
      'a federated sign-in',
      event('ConsoleLogin', {
        userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/sso/x' },
        responseElements: { ConsoleLogin: 'Success' },
        additionalEventData: { MFAUsed: 'No' },
      }),
      undefined,
    ],
    [
      'anything root did',
      event('ListBuckets', { userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' } }),
      'root_activity',
    ],
    [
      'root signing in',
      event('ConsoleLogin', {
        userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' },
        responseElements: { ConsoleLogin: 'Success' },
      }),
      'root_activity',
    ],
    [
      'a key created by a person',
      event('CreateAccessKey', { userIdentity: alice, requestParameters: { userName: 'bob' } }),
      'key_created_outside',
    ],
    [
      'a key created by the bot',
      event('CreateAccessKey', {
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/i-0def',
        },
        requestParameters: { userName: 'bob' },
      }),
      undefined,
    ],
    [
      'a refused CreateAccessKey',
      event('CreateAccessKey', { userIdentity: alice, errorCode: 'AccessDenied' }),
      undefined,
    ],
    [
      "AWS's quarantine policy attached to a user",
      event('AttachUserPolicy', {
        userIdentity: { type: 'AWSService' },
        requestParameters: {
          userName: 'bob',
          policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
        },
        recipientAccountId: '123456789012',
      }),
      'user_quarantined',
    ],
    [
      'the older quarantine policy (V2), attached by a person',
      event('AttachUserPolicy', {
        userIdentity: alice,
        requestParameters: {
          userName: 'bob',
          policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2',
        },
      }),
      'user_quarantined',
    ],
    [
      'another policy attached to a user',
      event('AttachUserPolicy', {
        userIdentity: alice,
        requestParameters: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      }),
      undefined,
    ],
    [
      "a customer policy that borrows the quarantine policy's name",
      event('AttachUserPolicy', {
        userIdentity: alice,
        requestParameters: {
          userName: 'bob',
          policyArn: 'arn:aws:iam::123456789012:policy/AWSCompromisedKeyQuarantineV3',
        },
      }),
      undefined,
    ],
  ])('%s', (_name, e, kind) => {
    expect(classifyEvent(e, BOT)?.kind).toBe(kind);
  });

  it('names the user a key was created for, or the caller when no user was given', () => {
    const forBob = classifyEvent(
      event('CreateAccessKey', { userIdentity: alice, requestParameters: { userName: 'bob' } }),
      BOT,
    );
    expect(forBob).toMatchObject({
      targetUserArn: 'arn:aws:iam::123456789012:user/bob',
      actorArn: alice.arn,
    });
    const self = classifyEvent(
      event('CreateAccessKey', { userIdentity: alice, requestParameters: null }),
      BOT,
    );
    expect(self).toMatchObject({ targetUserArn: alice.arn });
  });

  it('dedupes root activity per hour', () => {
    expect(classifyEvent(event('ListBuckets', { userIdentity: { type: 'Root' } }), BOT)).toMatchObject({
      dedupeKey: 'root:2026-06-01T10',
    });
  });
});

describe('isBot', () => {
  it.each([
    [BOT, BOT, true],
    ['arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/other-session', BOT, true],
    ['arn:aws:sts::123456789012:assumed-role/someone-else/s', BOT, false],
    ['arn:aws:iam::123456789012:user/bot', 'arn:aws:iam::123456789012:user/bot', true],
    [undefined, BOT, false],
  ])('%s as %s → %s', (caller, bot, expected) => {
    expect(isBot(caller, bot)).toBe(expected);
  });
});

describe('the quarantine signal', () => {
  it("names the user and the account (the event's own, else the caller's)", () => {
    const quarantine = {
      userName: 'bob',
      policyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
    };
    expect(
      classifyEvent(
        event('AttachUserPolicy', {
          userIdentity: {},
          requestParameters: quarantine,
          recipientAccountId: '210987654321',
        }),
        BOT,
      ),
    ).toMatchObject({ kind: 'user_quarantined', userName: 'bob', accountId: '210987654321' });
    expect(
      classifyEvent(event('AttachUserPolicy', { userIdentity: alice, requestParameters: quarantine }), BOT),
    ).toMatchObject({
      accountId: '123456789012',
    });
  });
});
