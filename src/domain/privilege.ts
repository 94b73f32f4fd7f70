import { asList, statementsOf, wildcardToRegExp } from './policy-document.js';
import type { AttachedPolicy } from './types.js';

/** Made-up actions: a pattern that allows one of them allows (nearly) the whole service, or everything. */
const SERVICE_WIDE_PROBES = ['iam:ZzAnyAction', 'sts:ZzAnyAction', 'zzanyservice:ZzAnyAction'];

/** Actions that let their holder give themselves (or anyone) more power: writing policies, keys or passwords. */
const ESCALATING_ACTIONS = [
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:AddUserToGroup',
  'iam:PutUserPermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
];

const AWS_MANAGED_ADMIN = new Set(['AdministratorAccess', 'IAMFullAccess']);

/** Whether an Allow statement allows `action` (Action patterns, or everything outside NotAction). */
function allows(stmt: Record<string, unknown>, action: string): boolean {
  if (stmt.Effect !== 'Allow') return false;
  const matches = (patterns: unknown[]) =>
    patterns.some((p) => typeof p === 'string' && wildcardToRegExp(p).test(action));
  if ('NotAction' in stmt) return !matches(asList(stmt.NotAction));
  return matches(asList(stmt.Action));
}

const onEveryResource = (stmt: Record<string, unknown>) =>
  'NotResource' in stmt || asList(stmt.Resource).some((r) => r === '*');

/** The reason a document is admin-equivalent, or undefined. Conditions are ignored: more approvals, never fewer. */
export function adminEquivalence(document: unknown): string | undefined {
  for (const stmt of statementsOf(document)) {
    const wide = SERVICE_WIDE_PROBES.find((probe) => allows(stmt, probe));
    if (wide)
      return `allows ${wide.split(':')[0] === 'zzanyservice' ? 'every service' : `all of ${wide.split(':')[0]}`}`;
    if (allows(stmt, 'iam:PassRole') && onEveryResource(stmt)) return 'allows iam:PassRole on every role';
    const escalating = ESCALATING_ACTIONS.find((a) => allows(stmt, a));
    if (escalating) return `allows ${escalating}`;
  }
  return undefined;
}

/**
 * Admin-level users need more approvals (the two-person rule). Decided from the documents themselves — managed and
 * inline, on the user and through groups — not from policy names; the AWS-managed admin policies count even when
 * their document could not be read.
 */
export function isPrivileged(policies: readonly AttachedPolicy[]): boolean {
  // A permissions boundary only limits: an AdministratorAccess boundary grants nothing.
  return policies.some((p) => {
    const s = p.source;
    if (s.kind === 'boundary') return false;
    const awsManagedAdmin =
      (s.kind === 'user-managed' || s.kind === 'group-managed') &&
      /^arn:aws[\w-]*:iam::aws:policy\//.test(s.policyArn) &&
      AWS_MANAGED_ADMIN.has(s.policyName);
    return awsManagedAdmin || adminEquivalence(p.document) !== undefined;
  });
}
