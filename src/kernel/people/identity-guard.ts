import type { Logger } from '../../logger.js';
import type { IamPort } from '../aws-ports.js';
import {
  type Claim,
  conflictingClaims,
  emailTrust,
  type Mapping,
  type MappingRule,
  type MappingTrust,
  mappingTrust,
  steerable,
} from '../domain/identity.js';
import { HOUR_MS } from '../domain/time.js';
import type { Clock, IamUser } from '../domain/types.js';
import type { Memo } from '../memo.js';
import type { OutboxWriter } from '../outbox/ports.js';
import type { IdentityNotice, IdentityStore, MappingChange } from './ports.js';

export interface IdentityGuardDeps {
  readonly identities: IdentityStore;
  readonly scans: Pick<Memo, 'markSeen'>;
  readonly outbox: OutboxWriter;
  readonly iam: Pick<IamPort, 'listAccessKeys'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly trustHours: number;
  readonly securityChannel: string | undefined;
}

/** A mapping seen in bulk: which IAM user (its name and account are enough) maps to whom, and by what rule. */
export interface SeenClaim {
  readonly user: Pick<IamUser, 'arn' | 'userName' | 'accountId'>;
  readonly mapping: Mapping;
}

export interface IdentityGuard {
  /** How far each of a person's claims may be trusted; remembers the mappings and tells security of trouble. */
  assess(slackUserId: string, claims: readonly Claim[]): Promise<MappingTrust[]>;
  /**
   * Remembers mappings seen in bulk (the scan), telling security of any IAM user with keys that changed person or is
   * matched by e-mail for the first time (those in one message). `withKeys`: the ARNs known to hold active keys.
   */
  watch(claims: readonly SeenClaim[], options?: { readonly withKeys?: ReadonlySet<string> }): Promise<void>;
  /**
   * How far the IAM Identity Center user found by a person's Slack e-mail may be shown as theirs: by the same trust as
   * e-mail mappings of IAM users (a changed Slack e-mail waits; the change is told to security).
   */
  assessIdentityCenter(
    slackUserId: string,
    identityCenterUserId: string,
    options?: { readonly record?: boolean },
  ): Promise<MappingTrust>;
}

/** How many IAM users a bulk notice names; the rest are counted (the CLI lists them all). */
const NAMED = 20;
/** The key identity_mappings keeps an IAM Identity Center user under. */
export const identityCenterKey = (userId: string) => `identitycenter:user/${userId}`;

export function createIdentityGuard(deps: IdentityGuardDeps): IdentityGuard {
  const tell = async (notice: IdentityNotice, at: number) => {
    if (deps.securityChannel) await deps.outbox.enqueue({ channel: deps.securityChannel, notice }, at);
  };
  const trustMs = deps.trustHours * HOUR_MS;

  /** Whether the IAM user holds keys (unknown counts as yes: security looks rather than misses it). */
  async function hasKeys(claims: readonly SeenClaim[], arn: string, withKeys?: ReadonlySet<string>) {
    if (withKeys) return withKeys.has(arn);
    const claim = claims.find((c) => c.user.arn === arn);
    const keys = claim
      ? await deps.iam.listAccessKeys(claim.user.userName, claim.user.accountId).catch(() => undefined)
      : undefined;
    return !(keys && keys.length === 0);
  }

  /** Records the claims; tells security of the changes and first e-mail sightings that put keys in new hands. */
  async function observe(
    claims: readonly SeenClaim[],
    now: number,
    bulk?: { withKeys?: ReadonlySet<string> },
  ) {
    const { records, changed, first } = await deps.identities.observe(
      claims.map((c) => ({
        iamUserArn: c.user.arn,
        slackUserId: c.mapping.slackUserId,
        rule: c.mapping.rule,
      })),
      now,
    );
    for (const change of changed) {
      // A person change on a user without keys moves nothing of value; with keys (or unknown), security looks.
      if (!(await hasKeys(claims, change.iamUserArn, bulk?.withKeys))) continue;
      deps.logger.warn({ ...change }, 'an IAM user with access keys now maps to another Slack user');
      await tell({ kind: 'mapping_changed', ...change, from: change.from ?? '' }, now);
    }
    const firstByEmail: MappingChange[] = [];
    for (const f of first)
      if (steerable(f.rule) && (await hasKeys(claims, f.iamUserArn, bulk?.withKeys))) firstByEmail.push(f);
    if (firstByEmail.length > 0) {
      deps.logger.warn(
        { count: firstByEmail.length, iamUsers: firstByEmail.slice(0, NAMED).map((f) => f.iamUserArn) },
        'IAM users with access keys matched by e-mail for the first time',
      );
      const [one] = firstByEmail;
      if (!bulk && one && firstByEmail.length === 1)
        await tell({ kind: 'mapping_new', iamUserArn: one.iamUserArn, to: one.to, rule: one.rule }, now);
      else
        await tell(
          {
            kind: 'mappings_new',
            mappings: firstByEmail.slice(0, NAMED).map((f) => ({ iamUserArn: f.iamUserArn, to: f.to })),
            total: firstByEmail.length,
          },
          now,
        );
    }
    return records;
  }

  /** Several IAM users claiming the person, in any account: told to security once per set of claimants. */
  async function reportConflict(slackUserId: string, claims: readonly Claim[], now: number) {
    const rivals = conflictingClaims(claims);
    if (rivals.length === 0) return;
    const arns = rivals.map((c) => c.user.arn).sort();
    if (await deps.scans.markSeen(`identity-conflict:${slackUserId}:${arns.join(',')}`, now)) {
      deps.logger.warn(
        { slackUserId, claimants: arns },
        'several IAM users claim one Slack user; key actions refused',
      );
      await tell({ kind: 'identity_conflict', slackUserId, claimants: arns }, now);
    }
  }

  return {
    async assess(slackUserId, claims) {
      const now = deps.clock.now().getTime();
      const records = await observe(claims, now);
      await reportConflict(slackUserId, claims, now);
      return claims.map((c) =>
        mappingTrust(c, claims, records.get(c.user.arn) ?? { since: now }, now, trustMs),
      );
    },
    async watch(claims, options = {}) {
      await observe(claims, deps.clock.now().getTime(), options);
    },
    async assessIdentityCenter(slackUserId, userId, options = {}) {
      const now = deps.clock.now().getTime();
      const rule: MappingRule = 'sso-email';
      const arn = identityCenterKey(userId);
      if (options.record === false) {
        // Looking only (a dry run): what is remembered, as if seen now for the first time when it is not.
        const known = (await deps.identities.read([arn])).get(arn);
        const same = known?.slackUserId === slackUserId ? known : undefined;
        return emailTrust(rule, same ?? { since: now }, now, trustMs);
      }
      const { records, changed } = await deps.identities.observe(
        [{ iamUserArn: arn, slackUserId, rule }],
        now,
      );
      for (const change of changed) {
        deps.logger.warn({ ...change }, 'an IAM Identity Center user now maps to another Slack user');
        await tell({ kind: 'mapping_changed', ...change, from: change.from ?? '' }, now);
      }
      return emailTrust(rule, records.get(arn) ?? { since: now }, now, trustMs);
    },
  };
}
