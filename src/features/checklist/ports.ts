import type { SessionTokenUse } from '../../kernel/domain/types.js';

export type SimulatedDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** AWS's own evaluation of a principal's policies (`iam:SimulatePrincipalPolicy`). */
export interface PolicySimulatorPort {
  /** The decision for each action, with `aws:MultiFactorAuthPresent` set to `mfa` or left out (`absent`). */
  simulate(
    principalArn: string,
    actions: readonly string[],
    mfa: 'true' | 'false' | 'absent',
    accountId?: string,
  ): Promise<Record<string, SimulatedDecision>>;
}

export interface TrailPort {
  /**
   * The latest `GetSessionToken` call by the user since `since`, across the regions given. Throws {@link FactError}
   * with kind `access_denied` when the bot may not read CloudTrail.
   */
  findSessionTokenUse(
    userName: string,
    since: Date,
    accountId?: string,
    /** `refresh`: read CloudTrail again rather than answer from a recent look (Re-check). */
    options?: { readonly refresh?: boolean },
  ): Promise<SessionTokenUse | undefined>;
}
