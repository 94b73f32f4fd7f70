import { describe, expect, it } from 'vitest';
import {
  evaluateMfaPolicies,
  findEnforcingStatements,
  GUIDE_POLICY,
  SELF_SERVICE_POLICY,
} from '../../src/domain/mfa-policy.js';

const guideNotAction = [...GUIDE_POLICY.Statement[0].NotAction];
const deny = (overrides: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      NotAction: guideNotAction,
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      ...overrides,
    },
  ],
});
const without = (key: string) => {
  const doc = deny({});
  delete (doc.Statement[0] as Record<string, unknown>)[key];
  return doc;
};

describe('findEnforcingStatements', () => {
  const cases: [string, unknown, 'BoolIfExists' | 'Bool' | undefined][] = [
    ["the guide's policy", GUIDE_POLICY, 'BoolIfExists'],
    ["AWS's self-service variant", SELF_SERVICE_POLICY, 'BoolIfExists'],
    [
      'Bool instead of BoolIfExists',
      deny({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      'Bool',
    ],
    [
      'boolean false value',
      deny({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } } }),
      'BoolIfExists',
    ],
    [
      'value in a list',
      deny({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': ['false'] } } }),
      'BoolIfExists',
    ],
    [
      'condition key in other case',
      deny({ Condition: { BoolIfExists: { 'AWS:MultiFactorAuthPresent': 'FALSE' } } }),
      'BoolIfExists',
    ],
    [
      'Action "*" instead of NotAction',
      { Statement: { ...without('NotAction').Statement[0], Action: '*' } },
      'BoolIfExists',
    ],
    [
      'Action ["*"]',
      { Statement: [{ ...without('NotAction').Statement[0], Action: ['*'] }] },
      'BoolIfExists',
    ],
    ['a single statement object', { Statement: deny({}).Statement[0] }, 'BoolIfExists'],
    ['Resource as a list', deny({ Resource: ['*'] }), 'BoolIfExists'],
    ['NotAction with only some MFA actions', deny({ NotAction: ['iam:EnableMFADevice'] }), 'BoolIfExists'],
    ['NotAction a single string', deny({ NotAction: 'sts:GetSessionToken' }), 'BoolIfExists'],
    [
      'NotAction wildcard limited to MFA setup',
      deny({ NotAction: ['iam:List*MFADevices', 'iam:EnableMFADevice'] }),
      'BoolIfExists',
    ],
    ['NotAction in other case', deny({ NotAction: ['IAM:enablemfadevice'] }), 'BoolIfExists'],
    // Policies that only look similar:
    ['Effect Allow', deny({ Effect: 'Allow' }), undefined],
    [
      'condition value "true"',
      deny({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } }),
      undefined,
    ],
    [
      'another condition key',
      deny({ Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }),
      undefined,
    ],
    [
      'wrong operator',
      deny({ Condition: { StringEquals: { 'aws:MultiFactorAuthPresent': 'false' } } }),
      undefined,
    ],
    [
      'Null operator on MFA age',
      deny({ Condition: { Null: { 'aws:MultiFactorAuthAge': 'true' } } }),
      undefined,
    ],
    [
      'an extra condition that narrows the deny',
      deny({
        Condition: {
          BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' },
          IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
        },
      }),
      undefined,
    ],
    [
      'an extra key under the same operator',
      deny({
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false', 'aws:ViaAWSService': 'false' } },
      }),
      undefined,
    ],
    ['no condition at all', without('Condition'), undefined],
    ['NotAction exempting a whole service', deny({ NotAction: [...guideNotAction, 's3:*'] }), undefined],
    ['NotAction exempting all of IAM', deny({ NotAction: ['iam:*', 'sts:GetSessionToken'] }), undefined],
    [
      'NotAction wildcard that also exempts DeactivateMFADevice',
      deny({ NotAction: ['iam:*MFADevice*'] }),
      undefined,
    ],
    ['NotAction "*"', deny({ NotAction: '*' }), undefined],
    [
      'NotAction exempting CreateAccessKey',
      deny({ NotAction: [...guideNotAction, 'iam:CreateAccessKey'] }),
      undefined,
    ],
    ['empty NotAction', deny({ NotAction: [] }), undefined],
    [
      'Action limited to one service',
      { Statement: [{ ...without('NotAction').Statement[0], Action: 's3:*' }] },
      undefined,
    ],
    ['a specific Resource', deny({ Resource: 'arn:aws:s3:::bucket/*' }), undefined],
    [
      'NotResource',
      { Statement: [{ ...without('Resource').Statement[0], NotResource: 'arn:aws:s3:::x' }] },
      undefined,
    ],
    ['lower-case effect', deny({ Effect: 'deny' }), undefined],
    ['a resource-policy Principal', deny({ Principal: '*' }), undefined],
    ['no document', undefined, undefined],
    ['garbage', 'not a policy', undefined],
    ['no statements', { Version: '2012-10-17' }, undefined],
  ];

  it.each(cases)('%s', (_name, document, expected) => {
    const found = findEnforcingStatements(document);
    if (expected === undefined) expect(found).toEqual([]);
    else expect(found.map((s) => s.operator)).toEqual([expected]);
  });

  it('reports the Sid of the enforcing statement', () => {
    expect(findEnforcingStatements(SELF_SERVICE_POLICY)).toEqual([
      { sid: 'BlockMostAccessUnlessSignedInWithMFA', operator: 'BoolIfExists' },
    ]);
  });
});

describe('evaluateMfaPolicies', () => {
  const inline = { kind: 'user-inline', policyName: 'weak' } as const;
  const group = {
    kind: 'group-managed',
    groupName: 'devs',
    policyName: 'RequireMFA',
    policyArn: 'arn:aws:iam::123456789012:policy/RequireMFA',
  } as const;

  it('does not apply when no policy enforces MFA', () => {
    expect(evaluateMfaPolicies([{ source: inline, document: deny({ Effect: 'Allow' }) }])).toEqual({
      applies: false,
      via: [],
    });
  });

  it('lists every enforcing policy, the BoolIfExists one first', () => {
    const verdict = evaluateMfaPolicies([
      { source: inline, document: deny({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }) },
      { source: group, document: GUIDE_POLICY },
    ]);
    expect(verdict.applies).toBe(true);
    expect(verdict.via.map((v) => [v.source.policyName, v.statement.operator])).toEqual([
      ['RequireMFA', 'BoolIfExists'],
      ['weak', 'Bool'],
    ]);
  });
});
