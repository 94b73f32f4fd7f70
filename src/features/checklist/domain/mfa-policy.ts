import { asList } from '../../../kernel/domain/policy-document.js';
import type { AttachedPolicy, IamUser, PolicySource } from '../../../kernel/domain/types.js';
import { findOpenAction } from './action-coverage.js';
import { CLOSED_SERVICES } from './iam-actions.js';
import { evaluateCondition, type RequestContext, type Undecided } from './iam-conditions.js';

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

/**
 * Actions that must stay denied without MFA, tried first when looking for an action a policy leaves open, so that
 * the example given is one a person recognises. The search itself is exact and does not depend on this list.
 */
const CATALOGUE = [
  'iam:CreateAccessKey',
  'iam:DeactivateMFADevice',
  'iam:DeleteVirtualMFADevice',
  'iam:ListAccessKeys',
  'iam:PutUserPolicy',
  'iam:AttachUserPolicy',
  'iam:CreateUser',
  'iam:PassRole',
  'sts:AssumeRole',
  'sts:GetFederationToken',
  's3:GetObject',
  's3:ListAllMyBuckets',
  'ec2:DescribeInstances',
  'ec2:RunInstances',
  'secretsmanager:GetSecretValue',
  'kms:Decrypt',
  'lambda:InvokeFunction',
  'dynamodb:Scan',
];

/** Representative actions for AWS's own simulator (`iam:SimulatePrincipalPolicy`) to confirm a verdict with. */
export const SIMULATED_ACTIONS: readonly string[] = [
  'iam:CreateAccessKey',
  'iam:DeactivateMFADevice',
  's3:ListAllMyBuckets',
  'ec2:DescribeInstances',
  'sts:AssumeRole',
];

/** The three requests the verdict is about. */
export type RequestKind = 'console' | 'accessKey' | 'withMfa';

/** What IAM does with one kind of request, for every action outside the enrolment set. */
export type Outcome =
  | { readonly result: 'denied' }
  /** Some action is not explicitly denied; `example` is one. */
  | { readonly result: 'open'; readonly example: string }
  | { readonly result: 'unknown'; readonly because: UndecidedReason };

export type UndecidedReason =
  | (Undecided & { readonly source: PolicySource })
  | { readonly kind: 'unreadable'; readonly source: PolicySource }
  | { readonly kind: 'complex' };

/**
 * Whether policies that reach the user deny a request without MFA for every action outside the enrolment set,
 * while the same request with MFA is not denied for all of them:
 * - `enforced`: denied both from the console (`aws:MultiFactorAuthPresent` false) and with long-term access keys
 *   (the key absent);
 * - `weak`: denied for one of the two only (the classic case: `Bool` instead of `BoolIfExists` leaves access keys
 *   open);
 * - `absent`: neither is denied;
 * - `denies_all`: certainly denied even with MFA, so MFA is not what decides;
 * - `undecided`: it depends on something the evaluator cannot know, named in `reason`. Never a guess.
 */
export type PolicyVerdict =
  | { readonly kind: 'enforced'; readonly via: readonly PolicySource[]; readonly outcomes: Outcomes }
  | {
      readonly kind: 'weak';
      readonly via: readonly PolicySource[];
      readonly open: 'accessKey' | 'console';
      readonly outcomes: Outcomes;
    }
  | { readonly kind: 'absent'; readonly via: readonly PolicySource[]; readonly outcomes: Outcomes }
  | { readonly kind: 'denies_all'; readonly via: readonly PolicySource[]; readonly outcomes: Outcomes }
  | {
      readonly kind: 'undecided';
      readonly via: readonly PolicySource[];
      readonly reason: UndecidedReason;
      readonly outcomes: Outcomes;
    };

export type Outcomes = Readonly<Record<RequestKind, Outcome>>;

/** The parts of a Deny statement the verdict needs; anything it cannot read becomes `unknown`, not ignored. */
interface DenyStatement {
  readonly source: PolicySource;
  /** Action patterns (`match`) or NotAction patterns (`except`). */
  readonly actions: { readonly kind: 'match' | 'except'; readonly patterns: readonly string[] };
  readonly condition: unknown;
  /** The policy document itself could not be read: it might deny anything. */
  readonly unreadable?: true;
}

const strings = (value: unknown): string[] | undefined => {
  const list = asList(value);
  return list.length > 0 && list.every((v) => typeof v === 'string') ? (list as string[]) : undefined;
};

/** A pattern list that matches every resource (`*`, `**`): a request for any resource is covered. */
const everyResource = (stmt: Record<string, unknown>) =>
  !('NotResource' in stmt) && (strings(stmt.Resource) ?? []).some((r) => /^\*+$/.test(r));

function denyStatements(policies: readonly AttachedPolicy[]): DenyStatement[] {
  const out: DenyStatement[] = [];
  for (const policy of policies) {
    const unreadable: DenyStatement = {
      source: policy.source,
      actions: { kind: 'match', patterns: ['*'] },
      condition: undefined,
      unreadable: true,
    };
    if (policy.document === null || typeof policy.document !== 'object') {
      out.push(unreadable);
      continue;
    }
    for (const raw of asList((policy.document as Record<string, unknown>).Statement)) {
      if (raw === null || typeof raw !== 'object') {
        out.push(unreadable);
        continue;
      }
      const stmt = raw as Record<string, unknown>;
      // Allow statements never deny; a Deny scoped to some resources never denies *every* request.
      if (stmt.Effect !== 'Deny' || 'Principal' in stmt || 'NotPrincipal' in stmt || !everyResource(stmt))
        continue;
      const match = strings(stmt.Action);
      const except = strings(stmt.NotAction);
      if ((match && except) || (!match && !except)) {
        out.push({ ...unreadable });
        continue;
      }
      out.push({
        source: policy.source,
        actions: match ? { kind: 'match', patterns: match } : { kind: 'except', patterns: except ?? [] },
        condition: stmt.Condition,
      });
    }
  }
  return out;
}

/** Whether the statements (each applying for certain) together deny every action outside the enrolment set. */
function coverage(statements: readonly DenyStatement[]) {
  return findOpenAction({
    required: statements.filter((s) => s.actions.kind === 'except').map((s) => s.actions.patterns),
    excluded: [
      ...MFA_SETUP_ACTIONS,
      ...statements.filter((s) => s.actions.kind === 'match').flatMap((s) => s.actions.patterns),
    ],
    catalogue: CATALOGUE,
    closed: CLOSED_SERVICES,
  });
}

function outcomeOf(statements: readonly DenyStatement[], context: RequestContext) {
  const judged = statements.map((s) => ({
    s,
    r: s.unreadable
      ? { value: 'unknown' as const, because: undefined }
      : evaluateCondition(s.condition, context),
  }));
  const sure = judged.filter((j) => j.r.value === true).map((j) => j.s);
  const maybe = judged.filter((j) => j.r.value !== false).map((j) => j.s);
  const outcome = ((): Outcome => {
    const definite = coverage(sure);
    if (definite.open === false) return { result: 'denied' };
    const possible = coverage(maybe);
    if (possible.open === true) return { result: 'open', example: possible.example };
    if (definite.open === 'too_complex' || possible.open === 'too_complex')
      return { result: 'unknown', because: { kind: 'complex' } };
    const first = judged.find((j) => j.r.value === 'unknown');
    if (!first) return { result: 'unknown', because: { kind: 'complex' } };
    return {
      result: 'unknown',
      because: first.r.because
        ? { ...first.r.because, source: first.s.source }
        : { kind: 'unreadable', source: first.s.source },
    };
  })();
  return { outcome, sure };
}

/** What the evaluator knows about the three requests; every other context key depends on the request. */
export function requestContexts(user: IamUser): Record<RequestKind, RequestContext> {
  const principal: [string, string[] | null][] = [
    ['aws:username', [user.userName]],
    ['aws:principalarn', [user.arn]],
    ['aws:principalaccount', [user.accountId]],
    ['aws:principaltype', ['User']],
    ['aws:viaawsservice', ['false']],
    ['aws:calledvia', null],
    ['aws:federatedprovider', null],
  ];
  return {
    console: new Map([
      ...principal,
      ['aws:multifactorauthpresent', ['false']],
      ['aws:multifactorauthage', null],
    ]),
    accessKey: new Map([
      ...principal,
      ['aws:multifactorauthpresent', null],
      ['aws:multifactorauthage', null],
    ]),
    // Just signed in with MFA (or GetSessionToken with a code).
    withMfa: new Map([
      ...principal,
      ['aws:multifactorauthpresent', ['true']],
      ['aws:multifactorauthage', ['60']],
    ]),
  };
}

const uniqueSources = (statements: readonly DenyStatement[]) => [
  ...new Map(statements.map((s) => [JSON.stringify(s.source), s.source])).values(),
];

/**
 * Evaluates, as IAM's documented logic does, whether the policies that reach the user (user and groups, inline and
 * managed, and the permissions boundary) explicitly deny every action outside {@link MFA_SETUP_ACTIONS} to a request
 * without MFA, and not to the same request with MFA. Statement and policy order never matter; an explicit deny in
 * any of them is final. SCPs and resource policies are outside it.
 */
export function evaluateMfaPolicies(policies: readonly AttachedPolicy[], user: IamUser): PolicyVerdict {
  const statements = denyStatements(policies);
  const contexts = requestContexts(user);
  const console = outcomeOf(statements, contexts.console);
  const accessKey = outcomeOf(statements, contexts.accessKey);
  const withMfa = outcomeOf(statements, contexts.withMfa);
  const outcomes: Outcomes = {
    console: console.outcome,
    accessKey: accessKey.outcome,
    withMfa: withMfa.outcome,
  };
  const gated = new Set(withMfa.sure);
  // The policies that do the work: statements that deny without MFA and not with it.
  const via = uniqueSources([...console.sure, ...accessKey.sure].filter((s) => !gated.has(s)));
  const c = console.outcome.result;
  const k = accessKey.outcome.result;
  const m = withMfa.outcome.result;
  if (m === 'denied') return { kind: 'denies_all', via: uniqueSources(withMfa.sure), outcomes };
  if (c === 'open' && k === 'open') return { kind: 'absent', via, outcomes };
  // With MFA, only a certain deny-everything matters: whether some MFA request might be denied (say, over plain
  // HTTP) does not change whether requests without MFA are.
  const firstUnknown = [console.outcome, accessKey.outcome].find((o) => o.result === 'unknown');
  if (firstUnknown?.result === 'unknown')
    return { kind: 'undecided', via, reason: firstUnknown.because, outcomes };
  if (c === 'denied' && k === 'denied') return { kind: 'enforced', via, outcomes };
  return { kind: 'weak', via, open: k === 'open' ? 'accessKey' : 'console', outcomes };
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
