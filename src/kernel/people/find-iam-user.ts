import { FactError } from '../../errors.js';
import type { IamPort } from '../aws-ports.js';
import { cached } from '../cached.js';
import { claimsFor, type MappingTrust, type SlackPerson } from '../domain/identity.js';
import type { Clock, FaultReason, IamUser } from '../domain/types.js';
import type { IdentityGuard } from './identity-guard.js';
import type { SlackDirectoryPort } from './ports.js';

const TRUSTED: MappingTrust = { kind: 'trusted' };

export type FindIamUserResult =
  | {
      readonly kind: 'found';
      /** The first of `users`: the person's IAM user when they have one account. */
      readonly user: IamUser;
      readonly person: SlackPerson | undefined;
      /** Further IAM users claiming the person in an account where another already does (a conflict, or confirmed). */
      readonly others: string[];
      /** Whether key and device actions may go through this mapping (see the identity guard). */
      readonly trust: MappingTrust;
      /** One IAM user per account the person has one in (AWS_ACCOUNTS), each with its own trust. */
      readonly users: readonly OwnedUser[];
      /** Every IAM user claiming the person, each with its trust: where a key or device is looked for. */
      readonly claims: readonly OwnedUser[];
    }
  | { readonly kind: 'unmapped'; readonly person: SlackPerson | undefined }
  | { readonly kind: 'failed'; readonly reason: FaultReason };

export interface OwnedUser {
  readonly user: IamUser;
  readonly trust: MappingTrust;
}

export type FindIamUser = (slackUserId: string) => Promise<FindIamUserResult>;

/** The person's IAM user in `accountId`, if they have one there. */
export const userIn = (users: readonly OwnedUser[], accountId: string) =>
  users.find((u) => u.user.accountId === accountId);

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
        if (claims.length === 0) continue;
        const trusts = deps.guard ? await deps.guard.assess(slackUserId, claims) : [];
        // The first claim in each account is the person's user there; the rest are rivals (or confirmed extras).
        const all = claims.map((claim, i) => ({ user: claim.user, trust: trusts[i] ?? TRUSTED }));
        const owned: OwnedUser[] = [];
        const others: string[] = [];
        for (const claim of all) {
          if (owned.some((u) => u.user.accountId === claim.user.accountId)) others.push(claim.user.userName);
          else owned.push(claim);
        }
        const [first] = owned as [OwnedUser, ...OwnedUser[]];
        return {
          kind: 'found',
          user: first.user,
          person,
          others,
          trust: first.trust,
          users: owned,
          claims: all,
        };
      }
      return { kind: 'unmapped', person };
    } catch (error) {
      if (error instanceof FactError) return { kind: 'failed', reason: error.reason };
      throw error;
    }
  };
}
