import { describe, expect, it } from 'vitest';
import {
  evaluateMfaPolicies,
  GUIDE_POLICY,
  type PolicyVerdict,
  SELF_SERVICE_POLICY,
} from '../../../../src/features/checklist/domain/mfa-policy.js';
import type { AttachedPolicy, PolicySource } from '../../../../src/kernel/domain/types.js';
import { alice as USER } from '../../../fixtures/facts.js';

const inline: PolicySource = { kind: 'user-inline', policyName: 'RequireMFA' };
const guideNotAction = [...GUIDE_POLICY.Statement[0].NotAction];
const MFA_FALSE = { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } };
const statement = (overrides: Record<string, unknown>) => ({
  Effect: 'Deny',
  NotAction: guideNotAction,
  Resource: '*',
  Condition: MFA_FALSE,
  ...overrides,
});
const deny = (overrides: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [statement(overrides)],
});
const without = (key: string) => {
  const stmt: Record<string, unknown> = statement({});
  delete stmt[key];
  return stmt;
};
const verdictOf = (...documents: unknown[]): PolicyVerdict =>
  evaluateMfaPolicies(
    documents.map((document, i) => ({ source: { kind: 'user-inline', policyName: `p${i}` }, document })),
    USER,
  );

describe('evaluateMfaPolicies: one policy', () => {
  const cases: [string, unknown, PolicyVerdict['kind']][] = [
    ["the guide's policy", GUIDE_POLICY, 'enforced'],
    ["AWS's self-service variant", SELF_SERVICE_POLICY, 'enforced'],
    [
      'Bool instead of BoolIfExists',
      deny({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      'weak',
    ],
    [
      'boolean false value',
      deny({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } } }),
      'enforced',
    ],
    [
      'value in a list',
      deny({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': ['false'] } } }),
      'enforced',
    ],
    [
      'condition key and value in other case',
      deny({ Condition: { BoolIfExists: { 'AWS:MultiFactorAuthPresent': 'FALSE' } } }),
      'enforced',
    ],
    ['Action "*" instead of NotAction', { Statement: { ...without('NotAction'), Action: '*' } }, 'enforced'],
    ['a single statement object', { Statement: statement({}) }, 'enforced'],
    ['Resource as a list', deny({ Resource: ['*'] }), 'enforced'],
    ['NotAction with only some MFA actions', deny({ NotAction: ['iam:EnableMFADevice'] }), 'enforced'],
    ['NotAction a single string', deny({ NotAction: 'sts:GetSessionToken' }), 'enforced'],
    [
      'NotAction wildcard limited to MFA setup',
      deny({ NotAction: ['iam:List*MFADevices', 'iam:EnableMFADevice'] }),
      'enforced',
    ],
    ['NotAction in other case', deny({ NotAction: ['IAM:enablemfadevice'] }), 'enforced'],
    // What IAM enforces just as strictly, which shape-matching missed:
    [
      'Null check on the MFA age',
      deny({ Condition: { Null: { 'aws:MultiFactorAuthAge': 'true' } } }),
      'enforced',
    ],
    [
      'MFA age older than an hour, IfExists',
      deny({ Condition: { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } } }),
      'enforced',
    ],
    [
      'StringNotEquals true (negated: holds when the key is absent)',
      deny({ Condition: { StringNotEquals: { 'aws:MultiFactorAuthPresent': 'true' } } }),
      'enforced',
    ],
    [
      'an extra key that holds for a person’s own calls',
      deny({
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false', 'aws:ViaAWSService': 'false' } },
      }),
      'enforced',
    ],
    [
      'a condition on the user name itself',
      deny({ Condition: { ...MFA_FALSE, StringLike: { 'aws:username': 'ali*' } } }),
      'enforced',
    ],
    // Half: the console or access keys left open.
    [
      'StringEquals false (the key absent with access keys)',
      deny({ Condition: { StringEquals: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      'weak',
    ],
    [
      'Null check on MultiFactorAuthPresent only',
      deny({ Condition: { Null: { 'aws:MultiFactorAuthPresent': 'true' } } }),
      'weak',
    ],
    // Not a Deny-unless-MFA policy:
    ['Effect Allow', deny({ Effect: 'Allow' }), 'absent'],
    ['lower-case effect', deny({ Effect: 'deny' }), 'absent'],
    ['NotAction exempting a whole service', deny({ NotAction: [...guideNotAction, 's3:*'] }), 'absent'],
    ['NotAction exempting all of IAM', deny({ NotAction: ['iam:*', 'sts:GetSessionToken'] }), 'absent'],
    [
      'NotAction wildcard that also exempts DeactivateMFADevice',
      deny({ NotAction: ['iam:*MFADevice*'] }),
      'absent',
    ],
    ['NotAction "*"', deny({ NotAction: '*' }), 'absent'],
    [
      'NotAction exempting CreateAccessKey',
      deny({ NotAction: [...guideNotAction, 'iam:CreateAccessKey'] }),
      'absent',
    ],
    ['Action limited to one service', { Statement: [{ ...without('NotAction'), Action: 's3:*' }] }, 'absent'],
    ['a specific Resource', deny({ Resource: 'arn:aws:s3:::bucket/*' }), 'absent'],
    ['NotResource', { Statement: [{ ...without('Resource'), NotResource: 'arn:aws:s3:::x' }] }, 'absent'],
    ['a resource-policy Principal', deny({ Principal: '*' }), 'absent'],
    ['no statements', { Version: '2012-10-17' }, 'absent'],
    [
      'a condition on another user name',
      deny({ Condition: { ...MFA_FALSE, StringEquals: { 'aws:username': 'bob' } } }),
      'absent',
    ],
    // Deny regardless of MFA:
    ['no condition at all', { Statement: [without('Condition')] }, 'denies_all'],
    [
      'condition value "true" (denies with MFA, and with access keys through IfExists)',
      deny({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } }),
      'denies_all',
    ],
    // Depends on what the evaluator cannot know:
    [
      'another condition key',
      deny({ Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }),
      'undecided',
    ],
    [
      'an extra condition that narrows the deny',
      deny({ Condition: { ...MFA_FALSE, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
      'undecided',
    ],
    [
      'an operator IAM does not have',
      deny({ Condition: { BoolEquals: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      'undecided',
    ],
    ['empty NotAction', deny({ NotAction: [] }), 'undecided'],
    ['no document', undefined, 'undecided'],
    ['garbage', 'not a policy', 'undecided'],
  ];

  it.each(cases)('%s', (_name, document, expected) => {
    expect(verdictOf(document).kind).toBe(expected);
  });

  it('says which access is left open by a half policy', () => {
    const bool = verdictOf(deny({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }));
    expect(bool).toMatchObject({ kind: 'weak', open: 'accessKey', via: [{ policyName: 'p0' }] });
    expect(bool.outcomes.console).toEqual({ result: 'denied' });
    expect(bool.outcomes.accessKey.result).toBe('open');
  });

  it('names an action a policy leaves open, a real one where it can', () => {
    const verdict = verdictOf(deny({ NotAction: ['iam:*MFADevice*'] }));
    expect(verdict.outcomes.console).toEqual({ result: 'open', example: 'iam:DeactivateMFADevice' });
    // No catalogue action is exempt: the exact search still finds what the wildcard leaves open.
    const odd = verdictOf(deny({ NotAction: ['s3:Zz*', ...guideNotAction] }));
    expect(odd.kind).toBe('absent');
    expect(odd.outcomes.console).toMatchObject({ result: 'open', example: expect.stringMatching(/^s3:zz/) });
  });

  it('judges IAM and STS wildcards by the actions that exist', () => {
    // iam:List*MFADevices matches ListMFADevices and ListVirtualMFADevices only, both enrolment actions.
    expect(verdictOf(deny({ NotAction: ['iam:List*MFADevices', 'iam:Zz*', 'sts:GetSession*'] })).kind).toBe(
      'enforced',
    );
    expect(verdictOf(deny({ NotAction: ['iam:List*', 'sts:GetSessionToken'] })).outcomes.console).toEqual({
      result: 'open',
      example: 'iam:ListAccessKeys',
    });
  });

  it('says why it cannot tell: the policy and the condition key', () => {
    const verdict = verdictOf(
      deny({ Condition: { ...MFA_FALSE, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
    );
    expect(verdict).toMatchObject({
      kind: 'undecided',
      reason: { kind: 'key', key: 'aws:SourceIp', source: { policyName: 'p0' } },
    });
  });
});

describe('evaluateMfaPolicies: several statements and policies', () => {
  const group: PolicySource = {
    kind: 'group-managed',
    groupName: 'devs',
    policyName: 'RequireMFA',
    policyArn: 'arn:aws:iam::123456789012:policy/RequireMFA',
  };

  it('is enforced when statements together deny everything but enrolment', () => {
    const verdict = verdictOf({
      Statement: [
        statement({ NotAction: undefined, Action: 'iam:*' }),
        statement({ NotAction: ['iam:*', 'sts:GetSessionToken'] }),
      ],
    });
    expect(verdict.kind).toBe('enforced');
  });

  it('is enforced when policies together deny everything, and names both', () => {
    const verdict = verdictOf(deny({ NotAction: [...guideNotAction, 's3:*'] }), {
      Statement: [statement({ NotAction: undefined, Action: ['s3:*'] })],
    });
    expect(verdict).toMatchObject({ kind: 'enforced', via: [{ policyName: 'p0' }, { policyName: 'p1' }] });
  });

  it('is absent when the split leaves a gap, and shows it', () => {
    const verdict = verdictOf(deny({ NotAction: [...guideNotAction, 's3:*'] }), {
      Statement: [statement({ NotAction: undefined, Action: ['s3:Get*', 's3:Put*'] })],
    });
    expect(verdict.kind).toBe('absent');
    expect(verdict.outcomes.console).toMatchObject({
      result: 'open',
      example: expect.stringMatching(/^s3:/),
    });
  });

  it('a console-only policy and an access-key-only policy together are enforced', () => {
    const verdict = verdictOf(
      deny({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      deny({ Condition: { Null: { 'aws:MultiFactorAuthPresent': 'true' } } }),
    );
    expect(verdict.kind).toBe('enforced');
  });

  it('a decided policy makes an undecided one irrelevant', () => {
    const verdict = verdictOf(
      GUIDE_POLICY,
      deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(verdict.kind).toBe('enforced');
  });

  it('counts a deny in the permissions boundary', () => {
    const boundary: AttachedPolicy = {
      source: {
        kind: 'boundary',
        policyName: 'Boundary',
        policyArn: 'arn:aws:iam::123456789012:policy/Boundary',
      },
      document: GUIDE_POLICY,
    };
    const verdict = evaluateMfaPolicies([boundary], USER);
    expect(verdict).toMatchObject({ kind: 'enforced', via: [boundary.source] });
  });

  it('lists every enforcing policy once', () => {
    const verdict = evaluateMfaPolicies(
      [
        { source: inline, document: GUIDE_POLICY },
        { source: group, document: { Statement: [statement({}), statement({ Sid: 'again' })] } },
      ],
      USER,
    );
    expect(verdict).toMatchObject({ kind: 'enforced', via: [inline, group] });
  });
});
