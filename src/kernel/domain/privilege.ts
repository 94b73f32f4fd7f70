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

/** A role of the user's account with what it grants: inline and customer-managed documents, AWS-managed names. */
export interface RolePolicies {
  readonly arn: string;
  /** Inline and customer-managed policy documents (parsed). */
  readonly documents: readonly unknown[];
  /** Names of the AWS-managed policies attached (their documents are not listed). */
  readonly awsManaged: readonly string[];
}

/** Any role ARN no account would have: a Resource pattern that matches it matches every role. */
const ANY_ROLE_PROBE = 'arn:aws:iam::000000000000:role/zz-any/zz-any-role';

/**
 * Which roles the policies allow the user to become (`sts:AssumeRole`): every role, or the Resource patterns named.
 * Conditions are not weighed, and `NotResource` counts as every role: in doubt, more approvals.
 */
export function assumableRoles(policies: readonly AttachedPolicy[]): { any: boolean; patterns: string[] } {
  const patterns: string[] = [];
  for (const p of policies) {
    if (p.source.kind === 'boundary') continue;
    for (const stmt of statementsOf(p.document)) {
      if (!allows(stmt, 'sts:AssumeRole')) continue;
      if ('NotResource' in stmt) return { any: true, patterns: [] };
      for (const r of asList(stmt.Resource))
        if (typeof r === 'string') {
          if (wildcardToRegExp(r).test(ANY_ROLE_PROBE)) return { any: true, patterns: [] };
          patterns.push(r);
        }
    }
  }
  return { any: false, patterns };
}

const grantsAdmin = (role: RolePolicies) =>
  role.awsManaged.some((name) => AWS_MANAGED_ADMIN.has(name)) ||
  role.documents.some((d) => adminEquivalence(d) !== undefined);

/**
 * Admin-level users need more approvals (the two-person rule). Decided from the documents themselves — managed and
 * inline, on the user and through groups — not from policy names; the AWS-managed admin policies count even when
 * their document could not be read. Becoming another role counts too: `sts:AssumeRole` on every role, or on a role of
 * `roles` (the account's, as far as the bot can see them) whose policies are admin-level.
 */
export function isPrivileged(
  policies: readonly AttachedPolicy[],
  roles: readonly RolePolicies[] = [],
): boolean {
  // A permissions boundary only limits: an AdministratorAccess boundary grants nothing.
  const direct = policies.some((p) => {
    const s = p.source;
    if (s.kind === 'boundary') return false;
    const awsManagedAdmin =
      (s.kind === 'user-managed' || s.kind === 'group-managed') &&
      /^arn:aws[\w-]*:iam::aws:policy\//.test(s.policyArn) &&
      AWS_MANAGED_ADMIN.has(s.policyName);
    return awsManagedAdmin || adminEquivalence(p.document) !== undefined;
  });
  if (direct) return true;
  const assumable = assumableRoles(policies);
  if (assumable.any) return true;
  const matchers = assumable.patterns.map((p) => wildcardToRegExp(p));
  return roles.some((role) => matchers.some((m) => m.test(role.arn)) && grantsAdmin(role));
}
