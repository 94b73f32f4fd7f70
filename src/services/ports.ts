import type { DirectoryIndex, SlackPerson } from '../domain/identity.js';
import type {
  AccessKey,
  AttachedPolicy,
  FaultReason,
  IamUser,
  MfaDevice,
  SessionTokenUse,
} from '../domain/types.js';

/** Thrown by adapters when AWS refuses or fails a call; carries what the user and the operator need to know. */
export class FactError extends Error {
  readonly code: string;
  constructor(
    readonly reason: FaultReason,
    options?: { cause?: unknown },
  ) {
    super(`${reason.action} failed: ${reason.kind}${reason.code ? ` (${reason.code})` : ''}`, options);
    this.name = 'FactError';
    this.code = `aws_${reason.kind}`;
  }
}

export interface IamPort {
  /** Every IAM user of the account with its tags, in as few calls as IAM allows. */
  listUsers(): Promise<IamUser[]>;
  listMfaDevices(userName: string): Promise<MfaDevice[]>;
  /** Access keys with their last use. */
  listAccessKeys(userName: string): Promise<AccessKey[]>;
  /** Every identity policy that reaches the user: managed and inline, directly and through groups. */
  listPolicies(userName: string): Promise<AttachedPolicy[]>;
}

export interface TrailPort {
  /**
   * The latest `GetSessionToken` call by the user since `since`, across the regions given. Throws {@link FactError}
   * with kind `access_denied` when the bot may not read CloudTrail.
   */
  findSessionTokenUse(userName: string, since: Date): Promise<SessionTokenUse | undefined>;
}

export interface SlackDirectoryPort {
  /** The whole workspace directory, loaded in bulk and cached. */
  index(options?: { refresh?: boolean }): Promise<DirectoryIndex>;
  /** One person, from the cached directory or, when not there yet (new hire), looked up on their own. */
  person(slackUserId: string): Promise<SlackPerson | undefined>;
  /** The cached entry only, without any call: for answers that must go out within Slack's 3 seconds. */
  peek(slackUserId: string): SlackPerson | undefined;
}
