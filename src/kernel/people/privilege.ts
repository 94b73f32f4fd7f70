import type { IamPort } from '../aws-ports.js';
import { isQuarantined } from '../domain/findings.js';
import { assumableRoles, isPrivileged } from '../domain/privilege.js';
import type { IamUser } from '../domain/types.js';

/**
 * Whether the user is admin-level (the two-person rule): their policies, and — only when they may become specific
 * roles — those roles' policies, read in one bulk listing of the account's roles. A user AWS quarantined (a key found
 * exposed) counts as admin-level too: whatever replaces its keys needs PRIVILEGED_APPROVALS.
 */
export async function isAdminLevel(
  iam: Pick<IamPort, 'listPolicies' | 'listRoles'>,
  user: IamUser,
): Promise<boolean> {
  const policies = await iam.listPolicies(user.userName, user.accountId);
  if (isQuarantined(policies.map((p) => p.source.policyName))) return true;
  const { any, patterns } = assumableRoles(policies);
  const roles = !any && patterns.length > 0 ? await iam.listRoles(user.accountId) : [];
  return isPrivileged(policies, roles);
}
