import type { IamPort } from '../../kernel/aws-ports.js';
import type { Checked, IamUser } from '../../kernel/domain/types.js';
import { readFact } from '../../kernel/read-fact.js';
import type { Logger } from '../../logger.js';
import type { ConfirmVerdict } from './confirm-verdict.js';
import { evaluateMfaPolicies, type PolicyVerdict } from './domain/mfa-policy.js';

export type GetPolicyVerdict = (user: IamUser) => Promise<Checked<PolicyVerdict>>;

/** Whether the policies that reach the user deny access without MFA, and through which policies. */
export function createGetPolicyVerdict(deps: {
  iam: IamPort;
  logger: Logger;
  confirm?: ConfirmVerdict;
}): GetPolicyVerdict {
  return async (user) => {
    const policies = await readFact(deps.logger, 'policy', user, () =>
      deps.iam.listPolicies(user.userName, user.accountId),
    );
    if (policies.state !== 'ok') return policies;
    const verdict = evaluateMfaPolicies(policies.value, user);
    await deps.confirm?.(user, verdict);
    return { state: 'ok', value: verdict };
  };
}
