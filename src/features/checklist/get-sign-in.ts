import type { IamPort } from '../../kernel/aws-ports.js';
import type { Checked, IamUser } from '../../kernel/domain/types.js';
import { readFact } from '../../kernel/read-fact.js';
import type { Logger } from '../../logger.js';
import { signInAllowed } from './domain/login.js';

export type GetSignIn = (user: IamUser) => Promise<Checked<boolean>>;

/** Whether the user's policies allow `aws login` (SignInLocalDevelopmentAccess): one listing of their policies. */
export function createGetSignIn(deps: { iam: Pick<IamPort, 'listPolicies'>; logger: Logger }): GetSignIn {
  return async (user) => {
    const policies = await readFact(deps.logger, 'policy', user, () =>
      deps.iam.listPolicies(user.userName, user.accountId),
    );
    return policies.state === 'ok' ? { state: 'ok', value: signInAllowed(policies.value) } : policies;
  };
}
