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

export type MappingRule = 'tag' | 'email-tag' | 'user-name';

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

/** The IAM users that map to one Slack user, sorted by name so the choice among several is stable. */
export function iamUsersForSlackUser(
  users: readonly IamUser[],
  slackUserId: string,
  directory: DirectoryIndex,
  emailTagKey: string,
): IamUser[] {
  return users
    .filter((u) => mapIamUserToSlack(u, directory, emailTagKey)?.slackUserId === slackUserId)
    .sort((a, b) => a.userName.localeCompare(b.userName));
}
