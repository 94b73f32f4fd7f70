import type { IamPort } from '../aws-ports.js';
import {
  type Claim,
  conflictingClaims,
  emailTrust,
  type MappingRule,
  mapIamUserToSlack,
  steerable,
} from '../domain/identity.js';
import { HOUR_MS } from '../domain/time.js';
import type { Clock, IamUser } from '../domain/types.js';
import type { Outgoing } from '../outbox/ports.js';
import { identityCenterKey } from './identity-guard.js';
import type { IdentityNotice, IdentityStore, SlackDirectoryPort, StoredMapping } from './ports.js';

/** One IAM user (or IAM Identity Center user) and the Slack person it maps to, as the operator reviews it. */
export interface IdentityEntry {
  /** The IAM user's ARN, or `identitycenter:user/<id>` for an IAM Identity Center user. */
  readonly iamUserArn: string;
  readonly accountId: string | undefined;
  readonly slackUserId: string | undefined;
  readonly rule: MappingRule | undefined;
  /**
   * `trusted`: key actions open. `waiting`: an e-mail mapping younger than EMAIL_MAPPING_TRUST_HOURS (until
   * `trustedFrom`). `new`: an e-mail mapping not seen yet, whose wait starts at its first use. `contested`: several IAM
   * users claim the person. `unmapped`: nobody.
   */
  readonly state: 'trusted' | 'waiting' | 'new' | 'contested' | 'unmapped';
  readonly since?: number;
  readonly trustedFrom?: number;
  readonly trustedAt?: number;
  readonly trustedBy?: string;
  readonly claimants?: readonly string[];
}

export interface IdentitiesDeps {
  readonly iam: Pick<IamPort, 'listUsers'>;
  readonly directory: Pick<SlackDirectoryPort, 'index'>;
  /** Unset: no database yet (every e-mail mapping is `new`). */
  readonly identities: Pick<IdentityStore, 'read' | 'list'> | undefined;
  readonly clock: Clock;
  readonly emailTagKey: string;
  readonly trustHours: number;
}

function entryFor(
  claim: Claim,
  rivals: readonly Claim[],
  stored: StoredMapping | undefined,
  now: number,
  trustMs: number,
): IdentityEntry {
  const base = {
    iamUserArn: claim.user.arn,
    accountId: claim.user.accountId,
    slackUserId: claim.mapping.slackUserId,
    rule: claim.mapping.rule,
  };
  if (rivals.length > 0) return { ...base, state: 'contested', claimants: rivals.map((r) => r.user.arn) };
  return stateOf(base, stored?.slackUserId === claim.mapping.slackUserId ? stored : undefined, now, trustMs);
}

/** A mapping without rivals: trusted, waiting, or not seen yet (an e-mail mapping's wait starts at first use). */
function stateOf(
  base: Pick<IdentityEntry, 'iamUserArn' | 'accountId' | 'slackUserId' | 'rule'>,
  stored: StoredMapping | undefined,
  now: number,
  trustMs: number,
): IdentityEntry {
  const rule = base.rule as MappingRule;
  const remembered = stored
    ? {
        since: stored.since,
        ...(stored.trustedAt !== undefined ? { trustedAt: stored.trustedAt } : {}),
        ...(stored.trustedBy ? { trustedBy: stored.trustedBy } : {}),
      }
    : {};
  if (!stored && steerable(rule)) return { ...base, state: 'new' };
  const trust = emailTrust(rule, stored ?? { since: now }, now, trustMs);
  return trust.kind === 'recent'
    ? { ...base, ...remembered, state: 'waiting', trustedFrom: trust.trustedFrom }
    : { ...base, ...remembered, state: 'trusted' };
}

/**
 * Every IAM user of every looked-after account with the Slack person it maps to (or none), how, since when and whether
 * its person may act on keys; then the IAM Identity Center users the bot has matched by e-mail. Reads only.
 */
export async function listIdentities(deps: IdentitiesDeps): Promise<IdentityEntry[]> {
  const now = deps.clock.now().getTime();
  const trustMs = deps.trustHours * HOUR_MS;
  const [users, index] = await Promise.all([deps.iam.listUsers(), deps.directory.index()]);
  const claims = new Map<string, Claim[]>();
  const unmapped: IamUser[] = [];
  for (const user of users) {
    const mapping = mapIamUserToSlack(user, index, deps.emailTagKey);
    if (!mapping) unmapped.push(user);
    else claims.set(mapping.slackUserId, [...(claims.get(mapping.slackUserId) ?? []), { user, mapping }]);
  }
  const stored = deps.identities ? await deps.identities.read(users.map((u) => u.arn)) : new Map();
  const entries: IdentityEntry[] = [];
  for (const theirs of claims.values()) {
    const rivals = conflictingClaims(theirs);
    for (const claim of theirs)
      entries.push(entryFor(claim, rivals, stored.get(claim.user.arn), now, trustMs));
  }
  for (const user of unmapped)
    entries.push({
      iamUserArn: user.arn,
      accountId: user.accountId,
      slackUserId: undefined,
      rule: undefined,
      state: 'unmapped',
    });
  for (const sso of deps.identities ? await deps.identities.list(identityCenterKey('')) : [])
    entries.push(
      stateOf(
        { iamUserArn: sso.iamUserArn, accountId: undefined, slackUserId: sso.slackUserId, rule: sso.rule },
        sso,
        now,
        trustMs,
      ),
    );
  return entries.sort((a, b) => a.iamUserArn.localeCompare(b.iamUserArn));
}

export type TrustRefusal = 'unknown' | 'unmapped' | 'by_tag' | 'contested' | 'already_trusted';

export interface TrustResult {
  readonly trusted: readonly string[];
  readonly refused: readonly { readonly iamUserArn: string; readonly why: TrustRefusal }[];
}

/** How many ARNs the security channel's message names; the audit log has every one. */
const NAMED = 20;

/**
 * The operator trusts e-mail mappings now (`aws-mfa-bot identities trust`): every one that waits or was not seen yet,
 * or those named. Each is recorded as trusted until its IAM user maps to someone else, audited, and the security
 * channel is told in the same transaction. A tag mapping needs no trust; a contested one needs the administrators' tags.
 */
export async function trustIdentities(
  deps: IdentitiesDeps & {
    readonly identities: Pick<IdentityStore, 'read' | 'list' | 'trust'>;
    readonly securityChannel: string | undefined;
  },
  which: { readonly all: true } | { readonly arns: readonly string[] },
  by: string,
): Promise<TrustResult> {
  const entries = await listIdentities(deps);
  const byArn = new Map(entries.map((e) => [e.iamUserArn, e]));
  const refused: { iamUserArn: string; why: TrustRefusal }[] = [];
  const chosen: IdentityEntry[] = [];
  const candidates = 'all' in which ? entries.map((e) => e.iamUserArn) : which.arns;
  for (const arn of candidates) {
    const e = byArn.get(arn);
    const why: TrustRefusal | undefined = !e
      ? 'unknown'
      : e.state === 'unmapped'
        ? 'unmapped'
        : e.state === 'contested'
          ? 'contested'
          : e.rule === 'tag'
            ? 'by_tag'
            : e.state === 'trusted'
              ? 'already_trusted'
              : undefined;
    if (why === undefined && e) chosen.push(e);
    else if (why && !('all' in which)) refused.push({ iamUserArn: arn, why });
  }
  const at = deps.clock.now().getTime();
  const notify = (trusted: readonly string[]): Outgoing[] => {
    if (!deps.securityChannel) return [];
    const notice: IdentityNotice = {
      kind: 'mappings_trusted',
      mappings: trusted
        .slice(0, NAMED)
        .map((arn) => ({ iamUserArn: arn, to: byArn.get(arn)?.slackUserId ?? '' })),
      total: trusted.length,
      by,
    };
    return [{ channel: deps.securityChannel, notice }];
  };
  const trusted = await deps.identities.trust(
    chosen.map((e) => ({
      iamUserArn: e.iamUserArn,
      slackUserId: e.slackUserId as string,
      rule: e.rule as MappingRule,
    })),
    at,
    by,
    notify,
  );
  return { trusted, refused };
}
