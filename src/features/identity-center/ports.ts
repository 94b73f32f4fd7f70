import type { SsoSession, SsoUser } from './domain.js';

/** IAM Identity Center, read only. */
export interface IdentityCenterPort {
  /** The person's Identity Center user by e-mail, with their account assignments; undefined when there is none. */
  findUser(email: string): Promise<SsoUser | undefined>;
  /** Every e-mail address (lower case) an Identity Center user has: one paged listing, for the scan. */
  listEmails(): Promise<ReadonlySet<string>>;
}

/** CloudTrail: sessions of Identity Center roles (`AWSReservedSSO_*`) named after a person. */
export interface SsoTrailPort {
  /** The latest such session since `since` in `accountId` (unset: the bot's own). */
  latestSession(names: readonly string[], since: Date, accountId?: string): Promise<SsoSession | undefined>;
}
