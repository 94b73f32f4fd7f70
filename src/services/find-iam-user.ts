import { claimsFor, type MappingTrust, type SlackPerson } from '../domain/identity.js';
import type { Clock, FaultReason, IamUser } from '../domain/types.js';
import { cached } from './cached.js';
import type { IdentityGuard } from './identity-guard.js';
import { FactError, type IamPort, type SlackDirectoryPort } from './ports.js';

const TRUSTED: MappingTrust = { kind: 'trusted' };

export type FindIamUserResult =
  | {
      readonly kind: 'found';
      readonly user: IamUser;
      readonly person: SlackPerson | undefined;
      readonly others: string[];
      /** Whether key and device actions may go through this mapping (see the identity guard). */
      readonly trust: MappingTrust;
    }
  | { readonly kind: 'unmapped'; readonly person: SlackPerson | undefined }
  | { readonly kind: 'failed'; readonly reason: FaultReason };

export type FindIamUser = (slackUserId: string) => Promise<FindIamUserResult>;

export interface FindIamUserDeps {
  readonly iam: IamPort;
  readonly directory: SlackDirectoryPort;
  readonly clock: Clock;
  readonly emailTagKey: string;
  /** Remembers mappings and judges their trust; without one (tests of other things) every mapping is trusted. */
  readonly guard?: IdentityGuard;
  /** How long the list of IAM users and their tags is reused. */
  readonly usersTtlMs?: number;
}

/**
 * Finds the IAM user a Slack user maps to. Lists are cached; when nobody matches, both are reloaded once (a tag may
 * just have been set) but no more often than every 15 seconds, so unmapped people cannot make the bot hammer IAM.
 */
export function createFindIamUser(deps: FindIamUserDeps): FindIamUser {
  const users = cached(() => deps.iam.listUsers(), {
    ttlMs: deps.usersTtlMs ?? 5 * 60_000,
    minRefreshMs: 15_000,
    clock: deps.clock,
  });

  return async function findIamUser(slackUserId) {
    try {
      const person = await deps.directory.person(slackUserId);
      for (const refresh of [false, true]) {
        const [list, index] = await Promise.all([users.get({ refresh }), deps.directory.index({ refresh })]);
        const claims = claimsFor(list, slackUserId, index, deps.emailTagKey);
        const [first, ...others] = claims;
        if (!first) continue;
        const trust = deps.guard ? ((await deps.guard.assess(slackUserId, claims))[0] ?? TRUSTED) : TRUSTED;
        return { kind: 'found', user: first.user, person, others: others.map((o) => o.user.userName), trust };
      }
      return { kind: 'unmapped', person };
    } catch (error) {
      if (error instanceof FactError) return { kind: 'failed', reason: error.reason };
      throw error;
    }
  };
}
