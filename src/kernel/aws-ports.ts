import type { RolePolicies } from './domain/privilege.js';
import type { AccessKey, AttachedPolicy, IamUser, MfaDevice } from './domain/types.js';

export interface IamPort {
  /**
   * Every IAM user with its tags, in as few calls as IAM allows: of one account when `accountId` is given (an error
   * when it cannot be read), else of every account the bot looks after (each user carries its `accountId`; an account
   * that cannot be read is logged and left out).
   */
  listUsers(accountId?: string): Promise<IamUser[]>;
  /** `accountId`, in every method of the AWS ports: the account the user or key is in (unset: the bot's own). */
  listMfaDevices(userName: string, accountId?: string): Promise<MfaDevice[]>;
  /** Access keys with their last use. */
  listAccessKeys(userName: string, accountId?: string): Promise<AccessKey[]>;
  /**
   * Every identity policy that reaches the user: managed and inline, directly and through groups, and the user's
   * permissions boundary.
   */
  listPolicies(userName: string, accountId?: string): Promise<AttachedPolicy[]>;
  /** The account's roles with what they grant (one bulk listing): who can become an admin-level role. */
  listRoles(accountId?: string): Promise<RolePolicies[]>;
}

/** A freshly created key. `secretAccessKey` lives only in memory, between CreateAccessKey and Secrets Manager. */
export interface NewAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly createDate: Date;
  /** The secret must never reach a log line, even through JSON.stringify of this object. */
  toJSON(): unknown;
}

export interface KeyAdminPort {
  listAccessKeys(userName: string, accountId?: string): Promise<AccessKey[]>;
  createAccessKey(userName: string, accountId?: string): Promise<NewAccessKey>;
  setAccessKeyStatus(
    userName: string,
    accessKeyId: string,
    status: 'Active' | 'Inactive',
    accountId?: string,
  ): Promise<void>;
  deleteAccessKey(userName: string, accessKeyId: string, accountId?: string): Promise<void>;
  lastUsed(accessKeyId: string, accountId?: string): Promise<AccessKey['lastUsed']>;
}

/** Centralised root access for AWS Organizations: the features enabled (`RootCredentialsManagement`, `RootSessions`). */
export interface RootAccessPort {
  features(): Promise<string[]>;
}

/** A call made with an access key, as CloudTrail records it. */
export interface KeyUseEvent {
  readonly eventTime: Date;
  readonly eventName: string;
  readonly eventSource: string;
  readonly region: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
}

/** CloudTrail by access key: the rotation's old-key check and the quarantine alert's evidence. */
export interface KeyTrailPort {
  /** Recent calls made with one access key, newest first (a few at most). */
  recentUseOfKey(accessKeyId: string, since: Date, limit: number, accountId?: string): Promise<KeyUseEvent[]>;
}
