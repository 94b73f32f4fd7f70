import { FactError } from '../../errors.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import type { IamUser } from '../../kernel/domain/types.js';
import type { Logger } from '../../logger.js';
import { type Outcome, type PolicyVerdict, SIMULATED_ACTIONS } from './domain/mfa-policy.js';
import type { PolicySimulatorPort } from './ports.js';

export type ConfirmVerdict = (user: IamUser, verdict: PolicyVerdict) => Promise<void>;

/** An account whose role may not simulate is not asked again for this long. */
const DENIED_RETRY_MS = HOUR_MS;
const FAILED_RETRY_MS = 300_000;
/** The same user with the same verdict is confirmed once per this long. */
const CONFIRMED_TTL_MS = HOUR_MS;
const REMEMBERED = 10_000;

type Simulated = 'denied' | 'open';

/**
 * Asks AWS's own evaluator (`iam:SimulatePrincipalPolicy`) the verdict's two questions, a request without MFA from
 * the console (`aws:MultiFactorAuthPresent` false) and with an access key (the key absent), and logs a warning when
 * its answer differs from the bot's. It never changes the verdict and never fails: a role without the permission
 * is noted once and not asked again for an hour.
 */
export function createConfirmVerdict(deps: {
  readonly simulator: PolicySimulatorPort;
  readonly logger: Logger;
  readonly now?: () => number;
}): ConfirmVerdict {
  const now = deps.now ?? Date.now;
  /** Accounts not to ask before then: the role may not simulate, or the simulator failed. */
  const deniedUntil = new Map<string, number>();
  const confirmed = new Map<string, { fingerprint: string; at: number }>();

  return async (user, verdict) => {
    const accountKey = user.accountId;
    if ((deniedUntil.get(accountKey) ?? 0) > now()) return;
    const fingerprint = JSON.stringify([verdict.kind, verdict.outcomes]);
    const last = confirmed.get(user.arn);
    if (last && last.fingerprint === fingerprint && now() - last.at < CONFIRMED_TTL_MS) return;

    const examples = [verdict.outcomes.console, verdict.outcomes.accessKey].flatMap((o) =>
      o.result === 'open' && /^[a-z0-9-]+:[a-z0-9*?]+$/i.test(o.example) ? [o.example] : [],
    );
    const actions = [...new Set([...SIMULATED_ACTIONS, ...examples])];
    try {
      const [console, accessKey] = await Promise.all(
        (['false', 'absent'] as const).map(async (mfa): Promise<Simulated> => {
          const decisions = await deps.simulator.simulate(user.arn, actions, mfa, user.accountId);
          return actions.every((a) => decisions[a] === 'explicitDeny') ? 'denied' : 'open';
        }),
      );
      confirmed.set(user.arn, { fingerprint, at: now() });
      if (confirmed.size > REMEMBERED) confirmed.delete(confirmed.keys().next().value as string);
      const ours = {
        console: answer(verdict.outcomes.console),
        accessKey: answer(verdict.outcomes.accessKey),
      };
      const theirs = { console, accessKey };
      const differs = (Object.keys(ours) as (keyof typeof ours)[]).some(
        (k) => ours[k] !== 'unknown' && ours[k] !== theirs[k],
      );
      if (differs)
        deps.logger.warn(
          {
            iamUser: user.userName,
            accountId: user.accountId,
            verdict: verdict.kind,
            ours,
            simulator: theirs,
          },
          "the MFA-policy verdict differs from IAM's policy simulator",
        );
      else
        deps.logger.debug(
          { iamUser: user.userName, accountId: user.accountId, verdict: verdict.kind, simulator: theirs },
          "the MFA-policy verdict agrees with IAM's policy simulator",
        );
    } catch (error) {
      // Not allowed (the role lacks the permission): say so once an hour. Failing: once in five minutes.
      const denied = error instanceof FactError && error.reason.kind === 'access_denied';
      deniedUntil.set(accountKey, now() + (denied ? DENIED_RETRY_MS : FAILED_RETRY_MS));
      if (denied)
        deps.logger.info(
          { accountId: user.accountId },
          'iam:SimulatePrincipalPolicy is not allowed: MFA-policy verdicts are not confirmed with AWS for an hour',
        );
      else
        deps.logger.warn(
          { err: error, iamUser: user.userName, accountId: user.accountId },
          "could not confirm the MFA-policy verdict with IAM's policy simulator; not trying again for 5 minutes",
        );
    }
  };
}

const answer = (o: Outcome) => (o.result === 'unknown' ? 'unknown' : o.result);
