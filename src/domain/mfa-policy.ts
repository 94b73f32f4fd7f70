import { asList, wildcardToRegExp } from './policy-document.js';
import type { AttachedPolicy, PolicySource } from './types.js';

/**
 * Actions a Deny-unless-MFA statement may leave open: the guide's list (step 5) plus those AWS's self-service
 * examples add so a user can sign in, change a password and enrol a device before they have MFA.
 */
export const MFA_SETUP_ACTIONS: ReadonlySet<string> = new Set(
  [
    'iam:CreateVirtualMFADevice',
    'iam:EnableMFADevice',
    'iam:GetUser',
    'iam:GetMFADevice',
    'iam:ListMFADevices',
    'iam:ListVirtualMFADevices',
    'iam:ResyncMFADevice',
    'iam:ListUsers',
    'iam:ChangePassword',
    'iam:GetAccountPasswordPolicy',
    'sts:GetSessionToken',
  ].map((a) => a.toLowerCase()),
);

// A wildcard in NotAction cannot be expanded without the full action catalogue. Instead it is tried against actions
// that must stay denied without MFA; if it exempts any of them, the statement does not enforce MFA.
const MUST_STAY_DENIED = [
  'iam:CreateAccessKey',
  'iam:DeleteAccessKey',
  'iam:UpdateAccessKey',
  'iam:ListAccessKeys',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
  'iam:CreateUser',
  'iam:PassRole',
  'iam:DeactivateMFADevice',
  'iam:DeleteVirtualMFADevice',
  'sts:AssumeRole',
  'sts:GetFederationToken',
  's3:GetObject',
  's3:ListBucket',
  'ec2:DescribeInstances',
  'ec2:RunInstances',
  'secretsmanager:GetSecretValue',
  'kms:Decrypt',
  'lambda:InvokeFunction',
  'dynamodb:Scan',
];

export type MfaConditionOperator = 'BoolIfExists' | 'Bool';

export interface EnforcingStatement {
  readonly sid: string | undefined;
  readonly operator: MfaConditionOperator;
}

export interface PolicyVerdict {
  readonly applies: boolean;
  /** The policies that carry an enforcing statement, strongest (BoolIfExists) first. */
  readonly via: readonly { readonly source: PolicySource; readonly statement: EnforcingStatement }[];
}

function isExemptionAcceptable(entry: unknown): boolean {
  if (typeof entry !== 'string') return false;
  if (!/[*?]/.test(entry)) return MFA_SETUP_ACTIONS.has(entry.toLowerCase());
  const re = wildcardToRegExp(entry);
  return !MUST_STAY_DENIED.some((action) => re.test(action));
}

function coversEveryResource(stmt: Record<string, unknown>): boolean {
  if ('NotResource' in stmt) return false;
  return asList(stmt.Resource).some((r) => r === '*');
}

function coversEveryAction(stmt: Record<string, unknown>): boolean {
  if ('NotAction' in stmt) {
    const exempt = asList(stmt.NotAction);
    return exempt.length > 0 && exempt.every(isExemptionAcceptable);
  }
  return asList(stmt.Action).some((a) => a === '*');
}

function isFalse(value: unknown): boolean {
  const values = asList(value);
  return (
    values.length > 0 &&
    values.every((v) => v === false || (typeof v === 'string' && v.toLowerCase() === 'false'))
  );
}

/** The condition must be exactly "MFA is not present": any other operator or key would narrow the deny. */
function mfaConditionOperator(stmt: Record<string, unknown>): MfaConditionOperator | undefined {
  const condition = stmt.Condition;
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return undefined;
  const operators = Object.entries(condition as Record<string, unknown>);
  if (operators.length !== 1) return undefined;
  const [operator, block] = operators[0] as [string, unknown];
  if (operator !== 'BoolIfExists' && operator !== 'Bool') return undefined;
  if (block === null || typeof block !== 'object' || Array.isArray(block)) return undefined;
  const keys = Object.entries(block as Record<string, unknown>);
  if (keys.length !== 1) return undefined;
  const [key, value] = keys[0] as [string, unknown];
  if (key.toLowerCase() !== 'aws:multifactorauthpresent') return undefined;
  return isFalse(value) ? operator : undefined;
}

/**
 * The statements of a policy document that deny (nearly) everything when the request is not MFA-authenticated —
 * the guide's step 5 policy and equivalents. `Bool` is accepted but reported: it leaves long-term access keys
 * unblocked, because such requests carry no `aws:MultiFactorAuthPresent` key at all.
 */
export function findEnforcingStatements(document: unknown): EnforcingStatement[] {
  if (document === null || typeof document !== 'object') return [];
  const found: EnforcingStatement[] = [];
  for (const raw of asList((document as Record<string, unknown>).Statement)) {
    if (raw === null || typeof raw !== 'object') continue;
    const stmt = raw as Record<string, unknown>;
    if (stmt.Effect !== 'Deny') continue;
    if ('Principal' in stmt || 'NotPrincipal' in stmt) continue;
    if (!coversEveryResource(stmt) || !coversEveryAction(stmt)) continue;
    const operator = mfaConditionOperator(stmt);
    if (operator) found.push({ sid: typeof stmt.Sid === 'string' ? stmt.Sid : undefined, operator });
  }
  return found;
}

/** Whether any policy that reaches the user (directly, through a group, inline or managed) enforces MFA. */
export function evaluateMfaPolicies(policies: readonly AttachedPolicy[]): PolicyVerdict {
  const via = policies.flatMap((p) =>
    findEnforcingStatements(p.document).map((statement) => ({ source: p.source, statement })),
  );
  via.sort((a, b) =>
    a.statement.operator === b.statement.operator ? 0 : a.statement.operator === 'BoolIfExists' ? -1 : 1,
  );
  return { applies: via.length > 0, via };
}

/** The guide's policy (step 5), verbatim. */
export const GUIDE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      NotAction: [
        'iam:CreateVirtualMFADevice',
        'iam:EnableMFADevice',
        'iam:GetUser',
        'iam:ListMFADevices',
        'iam:ListVirtualMFADevices',
        'iam:ResyncMFADevice',
        'sts:GetSessionToken',
      ],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
} as const;

/**
 * AWS's fuller self-service variant ("IAM: Allows IAM users to self-manage an MFA device"): the same deny, plus the
 * allows a user needs to enrol and manage their own device.
 */
export const SELF_SERVICE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowListActions',
      Effect: 'Allow',
      Action: ['iam:ListUsers', 'iam:ListVirtualMFADevices'],
      Resource: '*',
    },
    {
      Sid: 'AllowUserToCreateVirtualMFADevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice'],
      Resource: 'arn:aws:iam::*:mfa/*',
    },
    {
      Sid: 'AllowUserToManageTheirOwnMFA',
      Effect: 'Allow',
      Action: ['iam:EnableMFADevice', 'iam:GetMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA',
      Effect: 'Allow',
      Action: ['iam:DeactivateMFADevice'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
      Resource: ['arn:aws:iam::*:user/${aws:username}'],
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
    {
      Sid: 'BlockMostAccessUnlessSignedInWithMFA',
      Effect: 'Deny',
      NotAction: [
        'iam:CreateVirtualMFADevice',
        'iam:EnableMFADevice',
        'iam:ListMFADevices',
        'iam:ListUsers',
        'iam:ListVirtualMFADevices',
        'iam:ResyncMFADevice',
      ],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
} as const;
