import { describe, expect, it } from 'vitest';
import {
  canTransition,
  checkReason,
  decide,
  dueLifecycleStep,
  newRotationRequest,
  OPEN_STATES,
  oldKeyVerdict,
  type RotationEvent,
  type RotationState,
  requiredApprovals,
  secretConsoleUrl,
  secretNameFor,
  TRANSITIONS,
} from '../../../src/features/rotation/domain.js';
import { checkApprover } from '../../../src/kernel/domain/approval.js';
import { assumableRoles, isPrivileged } from '../../../src/kernel/domain/privilege.js';
import type { AttachedPolicy } from '../../../src/kernel/domain/types.js';
import { SECURITY_CHANNEL } from '../../../src/kernel/domain/workflow.js';
import { request, settings, T0 } from '../../fixtures/rotation.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('state machine', () => {
  it('allows only the documented moves, and nothing out of a final state', () => {
    expect(canTransition('requested', 'approved')).toBe(true);
    expect(canTransition('approved', 'requested')).toBe(false);
    expect(canTransition('delivered', 'old_deleted')).toBe(false);
    expect(canTransition('old_deactivated', 'delivered')).toBe(true);
    for (const final of ['old_deleted', 'denied', 'expired', 'failed'] as RotationState[])
      expect(TRANSITIONS[final]).toEqual([]);
    expect(OPEN_STATES).toEqual(['requested', 'approved', 'key_created', 'delivered']);
  });
});

describe('newRotationRequest', () => {
  it('files a trimmed request that expires after REQUEST_TTL_HOURS, needing more approvals when privileged', () => {
    const r = newRotationRequest(
      { ...request(), reason: '  spring clean  ', privileged: true },
      T0,
      settings,
    );
    expect(r).toMatchObject({
      state: 'requested',
      reason: 'spring clean',
      requiredApprovals: 2,
      createdAt: T0,
      expiresAt: T0 + 24 * HOUR,
    });
    expect(r.newKeyId).toBeUndefined();
  });
});

describe('checkReason', () => {
  it.each([
    ['', 'reason_required'],
    ['   ', 'reason_required'],
    ['x'.repeat(500), undefined],
    ['x'.repeat(501), 'reason_too_long'],
    ['  ok  ', undefined],
  ])('%j → %s', (reason, problem) => {
    expect(checkReason(reason)).toBe(problem);
  });
});

describe('checkApprover on a rotation request', () => {
  const r = request({ requesterSlackId: 'U0ALICE' });
  const now = r.createdAt + 1;
  it.each([
    ['an approver', 'U0BOB', true, [], undefined],
    ['the requester, even an approver', 'U0ALICE', true, [], 'self'],
    ['a non-approver', 'U0EVE', false, [], 'not_approver'],
    ['an approver twice', 'U0BOB', true, ['U0BOB'], 'already_approved'],
  ])('%s', (_name, who, isApprover, approvedBy, refusal) => {
    expect(
      checkApprover(r, who as string, {
        isApprover: isApprover as boolean,
        approvedBy: approvedBy as string[],
        now,
      }),
    ).toBe(refusal);
  });

  it('refuses everyone once the request is decided', () => {
    expect(
      checkApprover(request({ state: 'denied' }), 'U0BOB', { isApprover: true, approvedBy: [], now }),
    ).toBe('closed');
  });
});

describe('isPrivileged and requiredApprovals', () => {
  const managed = (policyName: string, policyArn: string, group?: string): AttachedPolicy => ({
    source: group
      ? { kind: 'group-managed', groupName: group, policyName, policyArn }
      : { kind: 'user-managed', policyName, policyArn },
    document: undefined,
  });
  it.each([
    [
      'AdministratorAccess on the user',
      [managed('AdministratorAccess', 'arn:aws:iam::aws:policy/AdministratorAccess')],
      true,
    ],
    [
      'IAMFullAccess through a group',
      [managed('IAMFullAccess', 'arn:aws:iam::aws:policy/IAMFullAccess', 'admins')],
      true,
    ],
    [
      'a customer policy that only borrows the name',
      [managed('AdministratorAccess', 'arn:aws:iam::123456789012:policy/AdministratorAccess')],
      false,
    ],
    ['read-only', [managed('ReadOnlyAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess')], false],
    [
      'an inline policy',
      [
        {
          source: { kind: 'user-inline', policyName: 'AdministratorAccess' },
          document: undefined,
        } as AttachedPolicy,
      ],
      false,
    ],
    ...(
      [
        ['inline *:* on the user', { Effect: 'Allow', Action: '*', Resource: '*' }, true],
        [
          'inline iam:* through a group',
          { Effect: 'Allow', Action: ['s3:GetObject', 'iam:*'], Resource: '*' },
          true,
        ],
        ['sts:*', { Effect: 'Allow', Action: 'sts:*', Resource: '*' }, true],
        ['a wildcard that writes policies', { Effect: 'Allow', Action: 'iam:Put*', Resource: '*' }, true],
        [
          'attaching policies to yourself only',
          { Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: 'arn:aws:iam::1:user/me' },
          true,
        ],
        ['iam:PassRole on every role', { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, true],
        [
          'iam:PassRole on one role',
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::1:role/app' },
          false,
        ],
        [
          'Allow with NotAction (everything but S3)',
          { Effect: 'Allow', NotAction: 's3:*', Resource: '*' },
          true,
        ],
        ['all of S3', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, false],
        ['reading IAM', { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }, false],
        ['a Deny of everything', { Effect: 'Deny', Action: '*', Resource: '*' }, false],
        // Becoming any role is becoming an admin role, wherever one exists.
        ['sts:AssumeRole on every role', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }, true],
        [
          'sts:AssumeRole on every role of every account',
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*' },
          true,
        ],
        [
          'sts:AssumeRole with NotResource',
          { Effect: 'Allow', Action: 'sts:AssumeRole', NotResource: 'arn:aws:iam::1:role/admin' },
          true,
        ],
        [
          'sts:AssumeRole on one role the bot sees nothing admin in',
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::1:role/app' },
          false,
        ],
      ] as const
    ).map(([name, statement, expected]) => [
      name,
      [
        {
          source: name.includes('group')
            ? { kind: 'group-inline', groupName: 'devs', policyName: 'p' }
            : { kind: 'user-inline', policyName: 'p' },
          document: { Version: '2012-10-17', Statement: [statement] },
        } as AttachedPolicy,
      ],
      expected,
    ]),
  ] as [string, AttachedPolicy[], boolean][])('%s', (_name, policies, expected) => {
    expect(isPrivileged(policies)).toBe(expected);
  });

  it('counts becoming a role whose policies are admin-level, as far as the roles can be seen', () => {
    const assume = (resource: string): AttachedPolicy[] => [
      {
        source: { kind: 'user-inline', policyName: 'hop' },
        document: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource }] },
      },
    ];
    const roles = [
      { arn: 'arn:aws:iam::1:role/app', documents: [], awsManaged: ['ReadOnlyAccess'] },
      { arn: 'arn:aws:iam::1:role/ops-admin', documents: [], awsManaged: ['AdministratorAccess'] },
      {
        arn: 'arn:aws:iam::1:role/ops-inline',
        documents: [{ Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] }],
        awsManaged: [],
      },
    ];
    expect(isPrivileged(assume('arn:aws:iam::1:role/app'), roles)).toBe(false);
    expect(isPrivileged(assume('arn:aws:iam::1:role/ops-admin'), roles)).toBe(true);
    expect(isPrivileged(assume('arn:aws:iam::1:role/ops-*'), roles)).toBe(true);
    expect(isPrivileged(assume('arn:aws:iam::1:role/ops-inline'), roles)).toBe(true);
    expect(assumableRoles(assume('arn:aws:iam::1:role/app'))).toEqual({
      any: false,
      patterns: ['arn:aws:iam::1:role/app'],
    });
  });

  it('never asks fewer approvals of a privileged user than of anyone', () => {
    expect(requiredApprovals(false, settings)).toBe(1);
    expect(requiredApprovals(true, settings)).toBe(2);
    expect(requiredApprovals(true, { ...settings, requiredApprovals: 3 })).toBe(3);
  });
});

describe('dueLifecycleStep', () => {
  it.each([
    ['requested, before expiry', request({ expiresAt: T0 + 1 }), T0, undefined],
    ['requested, at expiry', request({ expiresAt: T0 }), T0, 'expire'],
    ['delivered, grace not over', request({ state: 'delivered', deactivateAfter: T0 + 1 }), T0, undefined],
    ['delivered, grace over', request({ state: 'delivered', deactivateAfter: T0 }), T0, 'deactivate'],
    [
      'delivered after a postponement, grace over again',
      request({ state: 'delivered', deactivateAfter: T0, postponedAt: T0 - 7 * DAY }),
      T0,
      'deactivate',
    ],
    ['deactivated, not yet due', request({ state: 'old_deactivated', deleteAfter: T0 + 1 }), T0, undefined],
    ['deactivated, due', request({ state: 'old_deactivated', deleteAfter: T0 }), T0, 'delete'],
    ['deleted', request({ state: 'old_deleted' }), T0 + 365 * DAY, undefined],
  ])('%s', (_name, r, now, step) => {
    expect(dueLifecycleStep(r, now)).toBe(step);
  });
});

describe('secret names and links', () => {
  it('names one secret per user and links to it in the console', () => {
    expect(secretNameFor('aws-mfa-bot/', '123456789012', 'alice@example.com')).toBe(
      'aws-mfa-bot/123456789012/alice@example.com',
    );
    expect(secretConsoleUrl('ap-northeast-2', 'aws-mfa-bot/123456789012/alice@example.com')).toBe(
      'https://ap-northeast-2.console.aws.amazon.com/secretsmanager/secret?name=aws-mfa-bot%2F123456789012%2Falice%40example.com&region=ap-northeast-2',
    );
  });
});

describe('oldKeyVerdict', () => {
  const created = T0;
  const delivered = request({ state: 'delivered', newKeyCreatedAt: created });
  it.each([
    ['never used', delivered, undefined, 'deactivate'],
    ['last used before the new key existed', delivered, created - DAY, 'deactivate'],
    ['used after the new key was made: one postponement', delivered, created + DAY, 'postpone'],
    [
      'postponed, no use after the one seen then',
      request({ ...delivered, postponedAt: created + 7 * DAY, lastUseSeenAt: created + DAY }),
      created + DAY,
      'deactivate',
    ],
    [
      'postponed, used again since: no second postponement',
      request({ ...delivered, postponedAt: created + 7 * DAY, lastUseSeenAt: created + DAY }),
      created + DAY + 1000,
      'deactivate_in_use',
    ],
  ] as const)('%s', (_name, r, lastUsed, verdict) => {
    expect(oldKeyVerdict(r, lastUsed)).toBe(verdict);
  });
});

describe('decide: the state machine in one function', () => {
  const r = request({ requesterSlackId: 'U0ALICE', postponedAt: undefined });
  const at = T0 + 1000;
  it.each([
    [
      { kind: 'approved', approvers: ['U0BOB', 'U0CAROL'], at },
      ['requested'],
      'approved',
      [
        'U0ALICE:request_decided:approved',
        'U0BOB:decision_recorded:approved',
        'U0CAROL:decision_recorded:approved',
      ],
    ],
    [
      { kind: 'denied', by: 'U0BOB', reason: ' no ', at },
      ['requested'],
      'denied',
      ['U0ALICE:request_decided:denied', 'U0BOB:decision_recorded:denied'],
    ],
    [{ kind: 'expired' }, ['requested'], 'expired', ['U0ALICE:request_decided:expired']],
    [
      { kind: 'failed', reason: 'x' },
      ['approved', 'key_created'],
      'failed',
      ['U0ALICE:request_decided:failed'],
    ],
    [{ kind: 'key_created', keyId: 'K', createdAt: at, secretName: 's' }, ['approved'], 'key_created', []],
    [{ kind: 'delivered', at }, ['key_created'], 'delivered', ['U0ALICE:key_delivered:']],
    [{ kind: 'old_deactivated', at }, ['delivered'], 'old_deactivated', ['U0ALICE:old_key_deactivated:']],
    [{ kind: 'old_reactivated', at }, ['old_deactivated'], 'delivered', ['security:old_key_reactivated:']],
    [{ kind: 'old_deleted', at }, ['old_deactivated'], 'old_deleted', ['U0ALICE:old_key_deleted:']],
  ] as [RotationEvent, RotationState[], RotationState, string[]][])('%o', (event, from, to, notices) => {
    const move = decide(r, event, settings);
    expect(move.from).toEqual(from);
    expect(move.to).toBe(to);
    for (const f of move.from) expect(canTransition(f, move.to)).toBe(true);
    expect(
      move.notices.map(
        (n) =>
          `${n.to === SECURITY_CHANNEL ? 'security' : String(n.to)}:${n.notice.kind}:${'state' in n.notice ? (n.notice.state ?? '') : ''}`,
      ),
    ).toEqual(notices);
  });

  it('sets the schedule and releases the lease where it moves on', () => {
    expect(decide(r, { kind: 'delivered', at }, settings).patch).toMatchObject({
      deliveredAt: at,
      deactivateAfter: at + 7 * DAY,
      leaseUntil: undefined,
    });
    expect(decide(r, { kind: 'old_reactivated', at }, settings).patch).toMatchObject({
      deactivateAfter: at + 7 * DAY,
      postponedAt: at,
      lastUseSeenAt: at,
    });
    expect(decide(r, { kind: 'denied', by: 'U0BOB', reason: ' no ', at }, settings).patch.denyReason).toBe(
      'no',
    );
  });
});
