import { describe, expect, it } from 'vitest';
import {
  evaluateChecklist,
  expectedVirtualMfaArn,
  mfaDeviceType,
  type StepId,
  type UserFacts,
} from '../../../../src/features/checklist/domain/checklist.js';
import { signInAllowed } from '../../../../src/features/checklist/domain/login.js';
import type { StepStatus } from '../../../../src/kernel/domain/types.js';
import { alice, completeFacts, daysAgo, key, NOW } from '../../../fixtures/facts.js';

const thresholds = { keyMaxAgeDays: 90, keyUnusedDays: 45 };
const statuses = (facts: UserFacts) =>
  Object.fromEntries(evaluateChecklist(facts, NOW, thresholds).steps.map((s) => [s.id, s.status])) as Record<
    StepId,
    StepStatus
  >;
const denied = {
  state: 'failed',
  reason: { kind: 'access_denied', action: 'iam:ListMFADevices', code: 'AccessDenied' },
} as const;

describe('evaluateChecklist', () => {
  it('marks every step done for a user who followed the guide', () => {
    const c = evaluateChecklist(completeFacts(), NOW, thresholds);
    expect(c.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(c.doneCount).toBe(6);
    expect(c.mfaSerial).toBe('arn:aws:iam::123456789012:mfa/alice');
    expect(c.mfaSerialIsExpected).toBe(false);
    expect(c.practices.filter((p) => p.attention)).toEqual([]);
  });

  const table: [string, Partial<UserFacts>, Partial<Record<StepId, StepStatus>>][] = [
    ['no MFA device', { mfaDevices: { state: 'ok', value: [] } }, { mfa: 'todo', app: 'todo' }],
    ['MFA devices unreadable', { mfaDevices: denied }, { mfa: 'failed', app: 'failed', keys: 'done' }],
    ['no access key', { accessKeys: { state: 'ok', value: [] } }, { keys: 'todo', cli: 'todo' }],
    [
      'two active keys',
      { accessKeys: { state: 'ok', value: [key(), key({ accessKeyId: 'FAKEKEY002' })] } },
      { keys: 'warn', cli: 'done' },
    ],
    [
      'one active and one inactive key',
      { accessKeys: { state: 'ok', value: [key(), key({ accessKeyId: 'FAKEKEY002', status: 'Inactive' })] } },
      { keys: 'done' },
    ],
    [
      'key one day under the age limit',
      { accessKeys: { state: 'ok', value: [key({ createDate: daysAgo(89) })] } },
      { keys: 'done' },
    ],
    [
      'key exactly at the age limit',
      { accessKeys: { state: 'ok', value: [key({ createDate: daysAgo(90) })] } },
      { keys: 'warn' },
    ],
    [
      'an old key that is inactive',
      {
        accessKeys: {
          state: 'ok',
          value: [key(), key({ accessKeyId: 'FAKEKEY002', status: 'Inactive', createDate: daysAgo(400) })],
        },
      },
      { keys: 'done' },
    ],
    [
      'key never used',
      { accessKeys: { state: 'ok', value: [key({ lastUsed: undefined })] } },
      { keys: 'done', cli: 'todo' },
    ],
    [
      'keys unreadable',
      { accessKeys: { ...denied, reason: { ...denied.reason, action: 'iam:ListAccessKeys' } } },
      { keys: 'failed', cli: 'failed' },
    ],
    ['no MFA policy', { policies: { state: 'ok', value: [] } }, { policy: 'todo' }],
    [
      'policy with Bool only',
      {
        policies: {
          state: 'ok',
          value: [
            {
              source: { kind: 'user-inline', policyName: 'p' },
              document: {
                Statement: {
                  Effect: 'Deny',
                  Action: '*',
                  Resource: '*',
                  Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
                },
              },
            },
          ],
        },
      },
      { policy: 'warn' },
    ],
    ['no GetSessionToken seen', { sessionTokenUse: { state: 'ok', value: undefined } }, { session: 'todo' }],
    [
      'GetSessionToken 30 days ago',
      {
        sessionTokenUse: {
          state: 'ok',
          value: { eventTime: daysAgo(30), region: 'us-east-1', via: 'get_session_token' },
        },
      },
      { session: 'done' },
    ],
    [
      'GetSessionToken 31 days ago',
      {
        sessionTokenUse: {
          state: 'ok',
          value: { eventTime: daysAgo(31), region: 'us-east-1', via: 'get_session_token' },
        },
      },
      { session: 'todo' },
    ],
    [
      'CloudTrail not readable by the bot',
      {
        sessionTokenUse: {
          state: 'unknown',
          reason: { kind: 'access_denied', action: 'cloudtrail:LookupEvents' },
        },
      },
      { session: 'unknown', mfa: 'done' },
    ],
    [
      'CloudTrail throttled',
      {
        sessionTokenUse: {
          state: 'failed',
          reason: { kind: 'throttled', action: 'cloudtrail:LookupEvents' },
        },
      },
      { session: 'failed' },
    ],
  ];

  it.each(table)('%s', (_name, overrides, expected) => {
    expect(statuses(completeFacts(overrides))).toMatchObject(expected);
  });

  it('gives the ARN a new virtual device will get when there is none yet', () => {
    const c = evaluateChecklist(completeFacts({ mfaDevices: { state: 'ok', value: [] } }), NOW, thresholds);
    expect(c.mfaSerial).toBe('arn:aws:iam::123456789012:mfa/alice');
    expect(c.mfaSerialIsExpected).toBe(true);
    expect(c.doneCount).toBe(4);
  });

  it('flags best practices the user breaks, with the keys concerned', () => {
    const old = key({
      accessKeyId: 'FAKEKEYOLD',
      createDate: daysAgo(120),
      lastUsed: { date: daysAgo(50), serviceName: undefined, region: undefined },
    });
    const c = evaluateChecklist(
      completeFacts({ accessKeys: { state: 'ok', value: [key(), old] } }),
      NOW,
      thresholds,
    );
    const attention = Object.fromEntries(c.practices.map((p) => [p.id, p.attention ? p.keyIds : false]));
    expect(attention).toMatchObject({
      rotate: ['FAKEKEYOLD'],
      unused: ['FAKEKEYOLD'],
      'one-key': ['FAKEKEYOLD', 'FAKEKEY001'],
      storage: false,
    });
  });

  it('says nothing about rotation or unused keys when there is no active key', () => {
    const c = evaluateChecklist(completeFacts({ accessKeys: { state: 'ok', value: [] } }), NOW, thresholds);
    expect(c.practices.map((p) => p.id)).toEqual(['least-privilege', 'storage', 'monitoring']);
  });

  it('counts a never-used key as unused once it is as old as the unused threshold', () => {
    const at = (age: number) =>
      evaluateChecklist(
        completeFacts({
          accessKeys: { state: 'ok', value: [key({ lastUsed: undefined, createDate: daysAgo(age) })] },
        }),
        NOW,
        thresholds,
      ).practices.find((p) => p.id === 'unused')?.attention;
    expect(at(44)).toBe(false);
    expect(at(45)).toBe(true);
  });

  it('sorts keys oldest first and reports their age in whole days', () => {
    const c = evaluateChecklist(
      completeFacts({
        accessKeys: {
          state: 'ok',
          value: [
            key({ createDate: daysAgo(3) }),
            key({ accessKeyId: 'FAKEKEY002', createDate: daysAgo(200), status: 'Inactive' }),
          ],
        },
      }),
      NOW,
      thresholds,
    );
    const keys = c.steps.find((s) => s.id === 'keys');
    expect(keys && 'keys' in keys ? keys.keys.map((k) => k.ageDays) : []).toEqual([200, 3]);
  });
});

describe('MFA helpers', () => {
  it.each([
    ['arn:aws:iam::123456789012:mfa/alice', 'virtual'],
    ['arn:aws-us-gov:iam::123456789012:mfa/alice', 'virtual'],
    ['arn:aws:iam::123456789012:u2f/user/alice/key-ABC', 'security_key'],
    ['GAHT12345678', 'hardware'],
  ])('%s is a %s', (serial, type) => {
    expect(mfaDeviceType(serial)).toBe(type);
  });

  it('derives the virtual device ARN from the user ARN without the path', () => {
    expect(expectedVirtualMfaArn(alice)).toBe('arn:aws:iam::123456789012:mfa/alice');
  });
});

describe('the way to temporary credentials (passkeys, aws login)', () => {
  const THRESHOLDS = { keyMaxAgeDays: 90, keyUnusedDays: 90 };
  const passkey = {
    serialNumber: 'arn:aws:iam::123456789012:u2f/user/alice/pk-1',
    type: 'security_key' as const,
    enableDate: daysAgo(3),
  };
  const app = {
    serialNumber: 'arn:aws:iam::123456789012:mfa/alice',
    type: 'virtual' as const,
    enableDate: daysAgo(30),
  };

  it('a passkey alone: MFA and step 2 done, passkey-only, and never its serial for get-session-token', () => {
    const c = evaluateChecklist(
      completeFacts({ mfaDevices: { state: 'ok', value: [passkey] } }),
      NOW,
      THRESHOLDS,
    );
    expect(c.passkeyOnly).toBe(true);
    expect(c.steps.find((s) => s.id === 'app')).toMatchObject({ status: 'done', deviceType: 'security_key' });
    expect(c.mfaSerial).not.toContain(':u2f/');
  });

  it('a passkey first and an app second: the app is the device for get-session-token', () => {
    const c = evaluateChecklist(
      completeFacts({ mfaDevices: { state: 'ok', value: [passkey, app] } }),
      NOW,
      THRESHOLDS,
    );
    expect(c.passkeyOnly).toBe(false);
    expect(c.mfaSerial).toBe(app.serialNumber);
    expect(c.mfaSerialIsExpected).toBe(false);
  });

  it.each([
    [
      'the managed policy by name',
      { kind: 'user-managed', policyName: 'SignInLocalDevelopmentAccess' },
      undefined,
      true,
    ],
    [
      'an Allow of signin:*',
      { kind: 'user-inline', policyName: 'dev' },
      { Statement: [{ Effect: 'Allow', Action: 'signin:*', Resource: '*' }] },
      true,
    ],
    [
      'an Allow of everything',
      { kind: 'user-inline', policyName: 'admin' },
      { Statement: { Effect: 'Allow', Action: ['*'], Resource: '*' } },
      true,
    ],
    [
      'a Deny of signin:*',
      { kind: 'user-inline', policyName: 'no' },
      { Statement: [{ Effect: 'Deny', Action: 'signin:*', Resource: '*' }] },
      false,
    ],
    [
      'only S3',
      { kind: 'user-inline', policyName: 's3' },
      { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      false,
    ],
  ] as const)('aws login allowed by %s: %s', (_name, source, document, allowed) => {
    expect(signInAllowed([{ source: source as never, document }])).toBe(allowed);
    const c = evaluateChecklist(
      completeFacts({ policies: { state: 'ok', value: [{ source: source as never, document }] } }),
      NOW,
      THRESHOLDS,
    );
    expect(c.signInAllowed).toBe(allowed);
  });

  it('policies that could not be read: nothing is claimed about aws login', () => {
    const c = evaluateChecklist(
      completeFacts({
        policies: {
          state: 'failed',
          reason: { kind: 'access_denied', action: 'iam:ListAttachedUserPolicies' },
        } as never,
      }),
      NOW,
      THRESHOLDS,
    );
    expect(c.signInAllowed).toBeUndefined();
  });

  const loggedIn = (daysBack: number) =>
    ({
      state: 'ok',
      value: { eventTime: daysAgo(daysBack), region: 'us-east-1', via: 'aws_login' },
    }) as const;

  it('aws login seen: step 6 done, and the active keys are offered for retirement', () => {
    const c = evaluateChecklist(completeFacts({ sessionTokenUse: loggedIn(3) }), NOW, THRESHOLDS);
    const step = c.steps.find((s) => s.id === 'session');
    expect(step).toMatchObject({
      status: 'done',
      seen: { via: 'aws_login' },
      retireKeys: [key().accessKeyId],
    });
  });

  it('aws login with no active key offers nothing; get-session-token never offers retirement', () => {
    const noKeys = evaluateChecklist(
      completeFacts({
        sessionTokenUse: loggedIn(3),
        accessKeys: { state: 'ok', value: [key({ status: 'Inactive' })] },
      }),
      NOW,
      THRESHOLDS,
    );
    expect(noKeys.steps.find((s) => s.id === 'session')).not.toHaveProperty('retireKeys');
    const sts = evaluateChecklist(completeFacts(), NOW, THRESHOLDS);
    expect(sts.steps.find((s) => s.id === 'session')).not.toHaveProperty('retireKeys');
  });

  it('an aws login older than the look-back is not counted', () => {
    const c = evaluateChecklist(completeFacts({ sessionTokenUse: loggedIn(31) }), NOW, THRESHOLDS);
    expect(c.steps.find((s) => s.id === 'session')?.status).toBe('todo');
  });
});
