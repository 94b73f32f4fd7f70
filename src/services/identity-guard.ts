import { type Claim, conflictingClaims, type MappingTrust, mappingTrust } from '../domain/identity.js';
import type { Clock } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { IamPort, IdentityStore, Outgoing, ScanStore } from './ports.js';

export interface IdentityGuardDeps {
  readonly identities: IdentityStore;
  readonly scans: Pick<ScanStore, 'markSeen'>;
  readonly outbox: { enqueue(outgoing: Outgoing, at: number): Promise<string> };
  readonly iam: Pick<IamPort, 'listAccessKeys'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly trustHours: number;
  readonly securityChannel: string | undefined;
}

export interface IdentityGuard {
  /** How far each of a person's claims may be trusted; remembers the mappings and tells security of trouble. */
  assess(slackUserId: string, claims: readonly Claim[]): Promise<MappingTrust[]>;
  /** Remembers mappings seen in bulk (the scan), telling security of any IAM user with keys that changed person. */
  watch(claims: readonly Claim[]): Promise<void>;
}

export function createIdentityGuard(deps: IdentityGuardDeps): IdentityGuard {
  const tell = async (outgoing: Omit<Outgoing, 'channel'>, at: number) => {
    if (deps.securityChannel) await deps.outbox.enqueue({ channel: deps.securityChannel, ...outgoing }, at);
  };

  /** Records the claims; resolves with since when each mapping has held. */
  async function observe(claims: readonly Claim[], now: number) {
    const { since, changed } = await deps.identities.observe(
      claims.map((c) => ({
        iamUserArn: c.user.arn,
        slackUserId: c.mapping.slackUserId,
        rule: c.mapping.rule,
      })),
      now,
    );
    for (const change of changed) {
      const claim = claims.find((c) => c.user.arn === change.iamUserArn);
      const keys = claim
        ? await deps.iam.listAccessKeys(claim.user.userName, claim.user.accountId).catch(() => undefined)
        : undefined;
      // A person change on a user without keys moves nothing of value; with keys (or unknown), security looks.
      if (keys && keys.length === 0) continue;
      deps.logger.warn({ ...change }, 'an IAM user with access keys now maps to another Slack user');
      await tell({ notice: { kind: 'mapping_changed', ...change } }, now);
    }
    return since;
  }

  /** Several IAM users in one account claiming the person: told to security once per set of claimants. */
  async function reportConflicts(slackUserId: string, claims: readonly Claim[], now: number) {
    for (const account of new Set(claims.map((c) => c.user.accountId))) {
      const rivals = conflictingClaims(claims.find((c) => c.user.accountId === account) as Claim, claims);
      if (rivals.length === 0) continue;
      const arns = rivals.map((c) => c.user.arn).sort();
      if (await deps.scans.markSeen(`identity-conflict:${slackUserId}:${arns.join(',')}`, now)) {
        deps.logger.warn(
          { slackUserId, claimants: arns },
          'several IAM users claim one Slack user; key actions refused',
        );
        await tell({ notice: { kind: 'identity_conflict', slackUserId, claimants: arns } }, now);
      }
    }
  }

  async function assess(slackUserId: string, claims: readonly Claim[]): Promise<MappingTrust[]> {
    const now = deps.clock.now().getTime();
    const since = await observe(claims, now);
    await reportConflicts(slackUserId, claims, now);
    const trustMs = deps.trustHours * 3_600_000;
    return claims.map((c) => mappingTrust(c, claims, since.get(c.user.arn) ?? now, now, trustMs));
  }

  return {
    assess,
    async watch(claims) {
      await observe(claims, deps.clock.now().getTime());
    },
  };
}
