import type { IamPort } from '../../kernel/aws-ports.js';
import { DAY_MS } from '../../kernel/domain/time.js';
import type { Clock, IamUser } from '../../kernel/domain/types.js';
import { readFact } from '../../kernel/read-fact.js';
import type { Logger } from '../../logger.js';
import type { ConfirmVerdict } from './confirm-verdict.js';
import {
  type Checklist,
  evaluateChecklist,
  SESSION_TOKEN_LOOKBACK_DAYS,
  type Thresholds,
} from './domain/checklist.js';
import type { TrailPort } from './ports.js';

export interface GetChecklistDeps {
  readonly iam: IamPort;
  readonly trail: TrailPort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly thresholds: Thresholds;
  /** The region put into the commands the user is shown. */
  readonly region: string;
  /** Step 5's verdict checked against AWS's own evaluator, when the bot may call it (only logs). */
  readonly confirm?: ConfirmVerdict;
}

export type GetChecklist = (user: IamUser, options?: { readonly refresh?: boolean }) => Promise<Checklist>;

/** Reads the user's live state from IAM and CloudTrail, all sources at once, and evaluates the guide's steps. */
export function createGetChecklist(deps: GetChecklistDeps): GetChecklist {
  return async function getChecklist(user, options = {}) {
    const now = deps.clock.now();
    const since = new Date(now.getTime() - SESSION_TOKEN_LOOKBACK_DAYS * DAY_MS);
    const [mfaDevices, accessKeys, policies, sessionTokenUse] = await Promise.all([
      readFact(deps.logger, 'mfa', user, () => deps.iam.listMfaDevices(user.userName, user.accountId)),
      readFact(deps.logger, 'keys', user, () => deps.iam.listAccessKeys(user.userName, user.accountId)),
      readFact(deps.logger, 'policy', user, () => deps.iam.listPolicies(user.userName, user.accountId)),
      readFact(
        deps.logger,
        'session',
        user,
        () => deps.trail.findSessionTokenUse(user.userName, since, user.accountId, options),
        {
          deniedIsUnknown: true,
        },
      ),
    ]);
    const checklist = evaluateChecklist(
      { user, region: deps.region, mfaDevices, accessKeys, policies, sessionTokenUse },
      deps.clock.now(),
      deps.thresholds,
    );
    const policy = checklist.steps.find((s) => s.id === 'policy');
    if (policy?.id === 'policy' && policy.verdict) await deps.confirm?.(user, policy.verdict);
    return checklist;
  };
}
