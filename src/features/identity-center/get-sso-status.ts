import { cachedBy } from '../../kernel/cached.js';
import { DAY_MS } from '../../kernel/domain/time.js';
import type { Checked, Clock, IamUser } from '../../kernel/domain/types.js';
import type { IdentityGuard } from '../../kernel/people/identity-guard.js';
import { readFact } from '../../kernel/read-fact.js';
import type { Logger } from '../../logger.js';
import type { SsoSession, SsoUser } from './domain.js';
import type { IdentityCenterPort, SsoTrailPort } from './ports.js';

/** How far back a session of an Identity Center role counts as "uses it". */
export const SSO_LOOKBACK_DAYS = 30;
const CACHE_MS = 10 * 60_000;

export interface SsoStatus {
  /** Undefined: no Identity Center user has the person's e-mail (or their Slack profile has none), or see `waitingUntil`. */
  readonly user: SsoUser | undefined;
  /**
   * An Identity Center user has the person's Slack e-mail, but that match is too recent to show it as theirs (the same
   * trust as e-mail mappings of IAM users): until then.
   */
  readonly waitingUntil?: number;
  /** Their latest role session, in the accounts the bot looks after that they are assigned to. */
  readonly session: Checked<SsoSession | undefined>;
}

class NotCached extends Error {
  constructor(readonly status: Checked<SsoStatus>) {
    super('not cached');
  }
}

export type GetSsoStatus = (
  email: string | undefined,
  options?: { refresh?: boolean },
) => Promise<Checked<SsoStatus>>;

/**
 * A person's way to IAM Identity Center: their user (found by the same e-mail the Slack mapping uses), their account
 * assignments, and whether they have used it (CloudTrail). Cached ten minutes per person; CloudTrail the bot may not
 * read makes the use "unknown", not a failure.
 */
export function createGetSsoStatus(deps: {
  readonly identityCenter: IdentityCenterPort;
  readonly ssoTrail: SsoTrailPort;
  /** The accounts the bot looks after (their CloudTrail is where the sessions are). */
  readonly accounts: () => Promise<readonly string[]>;
  readonly clock: Clock;
  readonly logger: Logger;
}): GetSsoStatus {
  const load = async (email: string): Promise<Checked<SsoStatus>> => {
    // readFact names an IAM user in its log line; there is none here, and an e-mail address stays out of the logs.
    const who: IamUser = { userName: '(identity center)', arn: '', accountId: '', tags: {} };
    const user = await readFact(deps.logger, 'identity_center', who, () =>
      deps.identityCenter.findUser(email),
    );
    if (user.state !== 'ok') return user;
    if (!user.value)
      return { state: 'ok', value: { user: undefined, session: { state: 'ok', value: undefined } } };
    const found = user.value;
    const since = new Date(deps.clock.now().getTime() - SSO_LOOKBACK_DAYS * DAY_MS);
    const session = await readFact(
      deps.logger,
      'identity_center_use',
      who,
      async () => {
        const looked = new Set(await deps.accounts());
        let latest: SsoSession | undefined;
        for (const accountId of new Set(found.assignments.map((a) => a.accountId))) {
          if (!looked.has(accountId)) continue;
          const s = await deps.ssoTrail.latestSession([found.userName, email], since, accountId);
          if (s && (!latest || s.eventTime > latest.eventTime)) latest = s;
        }
        return latest;
      },
      { deniedIsUnknown: true },
    );
    return { state: 'ok', value: { user: found, session } };
  };
  // A failed read is not kept: it is thrown past the cache and turned back into the answer.
  const cache = cachedBy(
    async (email: string) => {
      const status = await load(email);
      if (status.state !== 'ok') throw new NotCached(status);
      return status;
    },
    { ttlMs: CACHE_MS, minRefreshMs: 10_000, clock: deps.clock },
  );
  return async (email, options) => {
    if (!email)
      return { state: 'ok', value: { user: undefined, session: { state: 'ok', value: undefined } } };
    return cache.get(email.toLowerCase(), options).catch((error: unknown) => {
      if (error instanceof NotCached) return error.status;
      throw error;
    });
  };
}

/** The Identity Center status of a Slack person: their status by e-mail, shown only once that match is trusted. */
export type GetSsoFor = (
  slackUserId: string,
  email: string | undefined,
  /** `record: false`: the match is judged without being remembered (dry runs write nothing). */
  options?: { refresh?: boolean; record?: boolean },
) => Promise<Checked<SsoStatus>>;

/**
 * A Slack e-mail can be changed to an Identity Center user's address: the user found by it is shown as the person's
 * (assignments, sessions, "uses Identity Center") only once that match is trusted, like an e-mail mapping of an IAM
 * user — recorded, told to security when it moves to someone else, and waited out (or trusted by the operator).
 */
export function createGetSsoFor(deps: {
  readonly status: GetSsoStatus;
  readonly guard: Pick<IdentityGuard, 'assessIdentityCenter'> | undefined;
}): GetSsoFor {
  return async (slackUserId, email, options) => {
    const status = await deps.status(
      email,
      options?.refresh === undefined ? {} : { refresh: options.refresh },
    );
    if (status.state !== 'ok' || !status.value.user || !deps.guard) return status;
    const trust = await deps.guard.assessIdentityCenter(
      slackUserId,
      status.value.user.userId,
      options?.record === false ? { record: false } : {},
    );
    if (trust.kind === 'trusted') return status;
    return {
      state: 'ok',
      value: {
        user: undefined,
        session: { state: 'ok', value: undefined },
        ...(trust.kind === 'recent' ? { waitingUntil: trust.trustedFrom } : {}),
      },
    };
  };
}
