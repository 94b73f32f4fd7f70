import type { IamUser } from './types.js';

export const SLACK_USER_ID_TAG = 'SlackUserId';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export interface SlackPerson {
  readonly id: string;
  readonly email: string | undefined;
  readonly locale: string | undefined;
  /** IANA time zone from the Slack profile, for working hours. */
  readonly tz?: string | undefined;
  readonly deleted: boolean;
  readonly isBot: boolean;
}

/** What identity mapping needs of the Slack directory: people by lower-cased e-mail. */
export interface DirectoryIndex {
  byEmail(email: string): SlackPerson | undefined;
}

/**
 * How an IAM user (or an IAM Identity Center user, `sso-email`) was matched to a Slack person: the SlackUserId tag,
 * the e-mail tag, the user name being an e-mail address, or the Slack profile e-mail found in the identity store.
 */
export type MappingRule = 'tag' | 'email-tag' | 'user-name' | 'sso-email';

export interface Mapping {
  readonly slackUserId: string;
  readonly rule: MappingRule;
}

function tagValue(user: IamUser, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(user.tags)) if (k.toLowerCase() === wanted) return v.trim();
  return undefined;
}

function activePersonByEmail(directory: DirectoryIndex, email: string | undefined): SlackPerson | undefined {
  if (!email || !EMAIL.test(email)) return undefined;
  const person = directory.byEmail(email.toLowerCase());
  return person && !person.deleted && !person.isBot ? person : undefined;
}

/**
 * IAM user → Slack user, first rule that yields a person wins: the `SlackUserId` tag; the e-mail tag; the user name
 * when it is an e-mail address. Nothing is guessed beyond these (no name similarity, no partial matches).
 */
export function mapIamUserToSlack(
  user: IamUser,
  directory: DirectoryIndex,
  emailTagKey: string,
): Mapping | undefined {
  const tagged = tagValue(user, SLACK_USER_ID_TAG);
  if (tagged && SLACK_USER_ID.test(tagged)) return { slackUserId: tagged, rule: 'tag' };
  const byTag = activePersonByEmail(directory, tagValue(user, emailTagKey));
  if (byTag) return { slackUserId: byTag.id, rule: 'email-tag' };
  const byName = activePersonByEmail(directory, user.userName);
  if (byName) return { slackUserId: byName.id, rule: 'user-name' };
  return undefined;
}

/** An IAM user that maps to a Slack user, and by which rule. */
export interface Claim {
  readonly user: IamUser;
  readonly mapping: Mapping;
}

/** The IAM users that map to one Slack user, sorted by name so the choice among several is stable. */
export function claimsFor(
  users: readonly IamUser[],
  slackUserId: string,
  directory: DirectoryIndex,
  emailTagKey: string,
): Claim[] {
  const claims: Claim[] = [];
  for (const user of users) {
    const mapping = mapIamUserToSlack(user, directory, emailTagKey);
    if (mapping?.slackUserId === slackUserId) claims.push({ user, mapping });
  }
  return claims.sort((a, b) => a.user.userName.localeCompare(b.user.userName));
}

/**
 * An administrator confirms that several IAM users really are one person's — in one account or across the accounts
 * the bot looks after — by tagging each of them with this key and the person's Slack user ID (a tag non-admins must
 * not be allowed to set: see docs/identity.md).
 */
export const OWNER_CONFIRMED_TAG = 'aws-mfa-bot:owner-confirmed';

/** Whether a person may act on an IAM user's keys and devices through this mapping. */
export type MappingTrust =
  | { readonly kind: 'trusted' }
  /** Mapped by e-mail, which a Slack profile change can steer, too recently: trusted from then on. */
  | { readonly kind: 'recent'; readonly trustedFrom: number }
  /** Several IAM users claim the person: nobody acts on them until an administrator resolves it. */
  | { readonly kind: 'contested'; readonly claimants: readonly string[] };

/**
 * The claims that make a conflict: two or more IAM users claiming one person in any of the accounts the bot looks
 * after (an IAM user in another account tagged with someone's SlackUserId is as much a claim as one beside theirs),
 * unless an administrator confirmed every one of them.
 */
export function conflictingClaims(claims: readonly Claim[]): Claim[] {
  if (claims.length < 2) return [];
  const confirmed = claims.every((c) => tagValue(c.user, OWNER_CONFIRMED_TAG) === c.mapping.slackUserId);
  return confirmed ? [] : [...claims];
}

/** What the bot remembers of one mapping: since when it has held, and whether the operator trusted it. */
export interface MappingRecord {
  readonly since: number;
  /** `aws-mfa-bot identities trust`: trusted now, until the IAM user maps to someone else. */
  readonly trustedAt?: number | undefined;
}

/** E-mail rules: a Slack profile change (a recycled address, an admin or SCIM edit) can steer them. */
export const steerable = (rule: MappingRule) => rule !== 'tag';

/**
 * Key actions need a mapping the person cannot steer: the SlackUserId tag (which only administrators should be
 * allowed to set), an e-mail mapping the operator trusted, or one that has stayed the same for `trustMs`. A sighting
 * dated ahead of `now` (a process whose clock ran ahead) counts as now: it never locks a mapping for longer.
 */
export function mappingTrust(
  claim: Claim,
  claims: readonly Claim[],
  record: MappingRecord,
  now: number,
  trustMs: number,
): MappingTrust {
  const rivals = conflictingClaims(claims);
  if (rivals.length > 0) {
    // Across accounts a name alone may repeat: each claimant is then named with its account.
    const several = new Set(rivals.map((c) => c.user.accountId)).size > 1;
    const name = (c: Claim) => (several ? `${c.user.userName} (${c.user.accountId})` : c.user.userName);
    return { kind: 'contested', claimants: rivals.map(name) };
  }
  return emailTrust(claim.mapping.rule, record, now, trustMs);
}

/** The trust of a mapping on its own (no rivals): the tag at once, an e-mail once trusted or stable long enough. */
export function emailTrust(
  rule: MappingRule,
  record: MappingRecord,
  now: number,
  trustMs: number,
): MappingTrust {
  if (!steerable(rule) || record.trustedAt !== undefined) return { kind: 'trusted' };
  const since = Math.min(record.since, now);
  if (now >= since + trustMs) return { kind: 'trusted' };
  return { kind: 'recent', trustedFrom: since + trustMs };
}
