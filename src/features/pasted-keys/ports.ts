import type { IamUser } from '../../kernel/domain/types.js';

/** Whose an access key ID is. */
export interface KeyLookupPort {
  /** The account the key belongs to, whichever account that is. */
  accountOf(accessKeyId: string): Promise<string | undefined>;
  /** The IAM user (with tags) of a key of `accountId` (one the bot looks after); undefined when there is none. */
  userOf(accessKeyId: string, accountId?: string): Promise<IamUser | undefined>;
}

/**
 * An AWS access key ID seen in a Slack message. Carries the key ID and the message's permalink only — never the
 * message's text, and never a secret.
 */
export type PastedKeyNotice = {
  /** `key_pasted`: to the key's owner, with Deactivate now and Request rotation. `key_pasted_alert`: to security. */
  readonly kind: 'key_pasted' | 'key_pasted_alert';
  readonly keyId: string;
  /** Whose account the key belongs to (sts:GetAccessKeyInfo); the IAM user when it is this account's. */
  readonly accountId: string | undefined;
  readonly iamUser: string | undefined;
  readonly ownerSlackId: string | undefined;
  readonly permalink: string | undefined;
  /** A 40-character secret-shaped string was next to it. */
  readonly secretToo: boolean;
  /** Where it was pasted: channel ID, and who pasted it. */
  readonly channel: string;
  readonly poster: string | undefined;
  readonly requestId?: undefined;
};

/**
 * Key IDs pasted over the per-poster or per-channel limit, to the security channel: the first message over it opens a
 * thread (`key_pasted_flood`), later ones reply in it (`key_pasted_flood_more`). Counts and a permalink only.
 */
export type PastedFloodNotice = {
  readonly kind: 'key_pasted_flood' | 'key_pasted_flood_more';
  /** Names the thread: one per poster (or channel) and hour. */
  readonly floodKey: string;
  /** Key IDs in this message that were not looked up. */
  readonly keys: number;
  readonly channel: string;
  readonly poster: string | undefined;
  readonly permalink: string | undefined;
  readonly requestId?: undefined;
};

/** A key reported pasted into Slack whose IAM user the bot could tell (one of the accounts it looks after). */
export interface PastedKeyReport {
  readonly keyId: string;
  readonly accountId: string;
  readonly iamUser: string;
  readonly iamUserArn: string;
  /** Whom the IAM user mapped to when it was seen (the owner's DM went there). */
  readonly ownerSlackId: string | undefined;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  readonly closedAt: number | undefined;
}

export interface PastedKeyStore {
  /** Records a sighting: opens the report, or reopens a closed one. */
  record(report: Omit<PastedKeyReport, 'firstSeenAt' | 'lastSeenAt' | 'closedAt'>, at: number): Promise<void>;
  /** The report while it is open; undefined when the key was never reported pasted, or was switched off since. */
  open(keyId: string): Promise<PastedKeyReport | undefined>;
  close(keyId: string, at: number): Promise<void>;
}

/** Counters shared by every replica, per key (the key names its window). */
export interface RatePort {
  /** Adds `n` and resolves with the new total. */
  add(key: string, n: number, at: number): Promise<number>;
}
