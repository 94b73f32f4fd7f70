import { evaluateMfaPolicies, type PolicyVerdict } from '../domain/mfa-policy.js';
import type { Checked, IamUser } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { IamPort } from './ports.js';
import { readFact } from './read-fact.js';

export type GetPolicyVerdict = (user: IamUser) => Promise<Checked<PolicyVerdict>>;

/** Whether a Deny-unless-MFA statement reaches the user, and through which policies. */
export function createGetPolicyVerdict(deps: { iam: IamPort; logger: Logger }): GetPolicyVerdict {
  return async (user) => {
    const policies = await readFact(deps.logger, 'policy', user, () =>
      deps.iam.listPolicies(user.userName, user.accountId),
    );
    return policies.state === 'ok' ? { state: 'ok', value: evaluateMfaPolicies(policies.value) } : policies;
  };
}
