import type { SsoSession, SsoUser } from '../features/identity-center/domain.js';
import type { PostureSnapshot } from '../features/posture/domain.js';
import type { RotationNotice, RotationRequest, RotationState } from '../features/rotation/domain.js';
import type { Finding, Severity } from '../features/scan/domain/findings.js';
import type { NudgeRecord } from '../features/scan/domain/nudge-policy.js';
import type { DirectoryIndex, MappingRecord, MappingRule, SlackPerson } from './domain/identity.js';
import type { RolePolicies } from './domain/privilege.js';
import type { AccessKey, AttachedPolicy, IamUser, MfaDevice, SessionTokenUse } from './domain/types.js';

export interface IamPort {
  /**
   * Every IAM user with its tags, in as few calls as IAM allows: of every account the bot looks after (each user
   * carries its `accountId`). An account that cannot be read is logged and left out.
   */
  listUsers(): Promise<IamUser[]>;
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

/** The scans' counts, kept for the weekly picture. */
export interface PostureStore {
  record(id: string, snapshot: PostureSnapshot): Promise<void>;
  /** Snapshots taken at or after `since`, oldest first. */
  since(since: number): Promise<PostureSnapshot[]>;
}

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

export type SimulatedDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** AWS's own evaluation of a principal's policies (`iam:SimulatePrincipalPolicy`). */
export interface PolicySimulatorPort {
  /** The decision for each action, with `aws:MultiFactorAuthPresent` set to `mfa` or left out (`absent`). */
  simulate(
    principalArn: string,
    actions: readonly string[],
    mfa: 'true' | 'false' | 'absent',
    accountId?: string,
  ): Promise<Record<string, SimulatedDecision>>;
}

/** The bot's role removes a lost device: the person, without MFA under the Deny-unless-MFA policy, cannot. */
export interface MfaAdminPort {
  /** `iam:DeactivateMFADevice`; a device already gone is not an error. */
  deactivate(userName: string, serialNumber: string, accountId?: string): Promise<void>;
  /** `iam:DeleteVirtualMFADevice`; a device already gone is not an error. */
  deleteVirtual(serialNumber: string, accountId?: string): Promise<void>;
}

/** Whose an access key ID is. */
export interface KeyLookupPort {
  /** The account the key belongs to, whichever account that is. */
  accountOf(accessKeyId: string): Promise<string | undefined>;
  /** The IAM user (with tags) of a key of `accountId` (one the bot looks after); undefined when there is none. */
  userOf(accessKeyId: string, accountId?: string): Promise<IamUser | undefined>;
}

export interface TrailPort {
  /**
   * The latest `GetSessionToken` call by the user since `since`, across the regions given. Throws {@link FactError}
   * with kind `access_denied` when the bot may not read CloudTrail.
   */
  findSessionTokenUse(
    userName: string,
    since: Date,
    accountId?: string,
  ): Promise<SessionTokenUse | undefined>;
}

export interface SlackDirectoryPort {
  /** The whole workspace directory, loaded in bulk and cached. */
  index(options?: { refresh?: boolean }): Promise<DirectoryIndex>;
  /** One person, from the cached directory or, when not there yet (new hire), looked up on their own. */
  person(slackUserId: string): Promise<SlackPerson | undefined>;
  /** The cached entry only, without any call: for answers that must go out within Slack's 3 seconds. */
  peek(slackUserId: string): SlackPerson | undefined;
}

export type RequestPatch = Partial<Omit<RotationRequest, 'id' | 'state' | 'createdAt' | 'updatedAt'>>;

export interface AuditEntry {
  readonly requestId: string;
  readonly actor: string;
  readonly fromState: RotationState | undefined;
  readonly toState: RotationState;
  readonly at: number;
  readonly detail: string | undefined;
}

/**
 * Something a person must be told by DM. Stored in the outbox in the same transaction as the state change that
 * caused it, and rendered only when sent (in the recipient's language). Never carries a secret.
 */
export type Notice =
  | RotationNotice
  | NudgeNotice
  | DigestNotice
  | NotMineNotice
  | TrailNotice
  | IdentityNotice
  | KeyNotice
  | PastedKeyNotice
  | PastedFloodNotice
  | MfaResetNotice;

/** About a reset of a lost or broken MFA device; rendered from the reset's record when sent. */
export interface MfaResetNotice {
  /**
   * `mfa_reset_decided`: to the requester (approved, denied, expired, failed — `state`). `mfa_reset_done`: the device is
   * removed, re-enrol now. `mfa_reenrol_overdue`: to the owner, no device yet. `mfa_reenrol_overdue_alert`: to security.
   */
  readonly kind: 'mfa_reset_decided' | 'mfa_reset_done' | 'mfa_reenrol_overdue' | 'mfa_reenrol_overdue_alert';
  readonly resetId: string;
  readonly state?: string;
  readonly requestId?: undefined;
}

/**
 * A retired key. To the owner: `key_retired` (switched off: the deletion date, and Reactivate unless it leaked),
 * `key_retired_deleted`. To security: `key_retired_alert` (a key pasted into Slack was switched off, by whom) and
 * `key_retired_reactivated` (switched back on: through the bot, for one grace period, or `outside` it).
 */
export interface KeyNotice {
  readonly kind: 'key_retired' | 'key_retired_deleted' | 'key_retired_alert' | 'key_retired_reactivated';
  readonly keyId: string;
  readonly outside?: boolean;
  readonly requestId?: undefined;
}

/**
 * An AWS access key ID seen in a Slack message. Carries the key ID and the message's permalink only — never the
 * message's text, and never a secret.
 */
export interface PastedKeyNotice {
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
}

/**
 * Key IDs pasted over the per-poster or per-channel limit, to the security channel: the first message over it opens a
 * thread (`key_pasted_flood`), later ones reply in it (`key_pasted_flood_more`). Counts and a permalink only.
 */
export interface PastedFloodNotice {
  readonly kind: 'key_pasted_flood' | 'key_pasted_flood_more';
  /** Names the thread: one per poster (or channel) and hour. */
  readonly floodKey: string;
  /** Key IDs in this message that were not looked up. */
  readonly keys: number;
  readonly channel: string;
  readonly poster: string | undefined;
  readonly permalink: string | undefined;
  readonly requestId?: undefined;
}

/**
 * To the security channel, about who is who: an IAM user with keys changed person (`mapping_changed`) or was matched
 * by e-mail for the first time (`mapping_new`; a scan's first sightings come as one `mappings_new`); several IAM users
 * claim one person (`identity_conflict`); the operator trusted e-mail mappings (`mappings_trusted`).
 */
export type IdentityNotice =
  | {
      readonly kind: 'mapping_changed';
      readonly iamUserArn: string;
      readonly from: string;
      readonly to: string;
      readonly rule: MappingRule;
      readonly requestId?: undefined;
    }
  | {
      readonly kind: 'mapping_new';
      readonly iamUserArn: string;
      readonly to: string;
      readonly rule: MappingRule;
      readonly requestId?: undefined;
    }
  | {
      readonly kind: 'mappings_new' | 'mappings_trusted';
      /** The first few IAM user ARNs with their person, and how many there are in all. */
      readonly mappings: readonly { readonly iamUserArn: string; readonly to: string }[];
      readonly total: number;
      /** mappings_trusted: who trusted them (the operator, as the CLI names them). */
      readonly by?: string;
      readonly requestId?: undefined;
    }
  | {
      readonly kind: 'identity_conflict';
      readonly slackUserId: string;
      readonly claimants: readonly string[];
      readonly requestId?: undefined;
    };

/** A CloudTrail signal, told to the security channel (and the owner, for keys made outside the bot). */
export interface TrailNotice {
  readonly kind: 'root_activity' | 'key_created_outside';
  readonly eventName: string;
  readonly eventTime: string;
  readonly region: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  /** The IAM user a key was created for, and who created it (key_created_outside). */
  readonly targetUserArn?: string;
  readonly actorArn?: string;
  readonly requestId?: undefined;
}

/**
 * A scan's nudge to one person: every finding of theirs that is due, most severe first, each with its own buttons.
 * (`nudge`, one finding per message, is what earlier versions queued; such rows are still sent.)
 */
export type NudgeNotice =
  | { readonly kind: 'nudges'; readonly findings: readonly Finding[]; readonly requestId?: undefined }
  | { readonly kind: 'nudge'; readonly finding: Finding; readonly requestId?: undefined };

export interface DigestNotice {
  readonly kind: 'digest';
  readonly digest: Digest;
  readonly requestId?: undefined;
}

/** Someone said an IAM user mapped to them is not theirs: the security channel is told. */
export interface NotMineNotice {
  readonly kind: 'not_my_account';
  readonly reporterSlackId: string;
  readonly iamUserArn: string;
  readonly requestId?: undefined;
}

export interface Digest {
  readonly scannedAt: string;
  readonly counts: Readonly<Record<string, number>>;
  /** With several accounts: findings per account, worst first, and the accounts that could not be read. */
  readonly accounts?: readonly {
    readonly accountId: string;
    readonly label: string;
    readonly counts: Readonly<Record<string, number>>;
    readonly total: number;
  }[];
  readonly unreadable?: readonly {
    readonly accountId: string;
    readonly label: string;
    readonly reason: string;
  }[];
  readonly previous: Readonly<Record<string, number>> | undefined;
  readonly root: readonly Finding[];
  readonly escalations: readonly {
    readonly slackUserId: string;
    readonly finding: Finding;
    readonly nudges: number;
  }[];
  readonly unmapped: readonly string[];
  readonly exempt: readonly { readonly user: string; readonly reason: string }[];
  /** With IAM Identity Center configured: mapped people by where they are. */
  readonly stages?: Readonly<Record<string, number>>;
}

export type { KeyUseEventJson, RotationNotice } from '../features/rotation/domain.js';

export interface OutboxMessage {
  readonly id: string;
  /** A Slack user ID: DMs go to `channel` = user ID. */
  readonly channel: string;
  readonly notice: Notice;
  readonly attempts: number;
}

export interface Outgoing {
  readonly channel: string;
  readonly notice: Notice;
}

/** The approval message in APPROVAL_CHANNEL: posted once, then updated to show the decision. */
export interface ApprovalBoard {
  /** Posts (no `approvalTs` yet) or updates the message; resolves with its ts. */
  publish(request: RotationRequest, approvedBy: readonly string[]): Promise<string>;
}

export interface Messenger {
  send(channel: string, notice: Notice): Promise<void>;
}

export interface ApproversPort {
  /** APPROVERS: listed user IDs, or members of the listed user groups. */
  isApprover(slackUserId: string): Promise<boolean>;
}

/** Rotation requests, approvals, the audit log and the Slack outbox, in one database. */
export interface RotationStore {
  /** Inserts a new request in `requested`; `duplicate` when the key already has an open request. */
  create(request: RotationRequest, actor: string): Promise<'created' | 'duplicate'>;
  get(id: string): Promise<RotationRequest | undefined>;
  /**
   * Moves a request from one of `from` to `to` and writes the audit entry, atomically. Resolves `false` when the
   * request was not in `from` (someone else moved it first): the caller then does nothing.
   */
  transition(
    id: string,
    from: readonly RotationState[],
    to: RotationState,
    patch: RequestPatch,
    actor: string,
    options?: { detail?: string; notify?: readonly Outgoing[] },
  ): Promise<boolean>;
  /** Changes fields that are not the state (message ts, sync flag, schedule). */
  update(id: string, patch: RequestPatch): Promise<void>;
  /**
   * Records an approval once per approver and, in the same transaction, moves the request to `approved` when `decide`
   * says the approvals so far are enough (with the patch and the notices it gives). Resolves with every approver so
   * far and whether this call made the move.
   */
  approve(
    id: string,
    approverSlackId: string,
    at: number,
    decide?: (
      approvals: readonly string[],
    ) => { patch: RequestPatch; notify: readonly Outgoing[] } | undefined,
  ): Promise<{ approvals: string[]; approved: boolean }>;
  approvals(id: string): Promise<string[]>;
  /**
   * Takes the right to act on a request in `state` until `until`, for `holder` (`<instance>#<boot>`), unless someone
   * else holds it. A lease an earlier boot of the same instance held is taken over at once: that boot is dead.
   */
  lease(id: string, state: RotationState, now: number, until: number, holder: string): Promise<boolean>;
  inStates(states: readonly RotationState[]): Promise<RotationRequest[]>;
  /** The open request (requested … delivered) for an access key, if any. */
  openRequestForKey(accessKeyId: string): Promise<RotationRequest | undefined>;
  /** Requests whose approval message does not show their current state yet. */
  unsynced(): Promise<RotationRequest[]>;
  audit(id: string): Promise<AuditEntry[]>;
  /** `listener` is called after anything queued a notice and committed: the one delivery path listens. */
  onQueued(listener: () => void): void;
  /** Queues a DM; `notBefore` holds it until then (working hours). */
  enqueue(outgoing: Outgoing, now: number, notBefore?: number): Promise<string>;
  /** The messages `claimDue` would take now, without claiming them (read only: for dry runs). */
  peekDue(now: number, limit: number): Promise<OutboxMessage[]>;
  /** Claims up to `limit` due messages for `claimMs`; a message claimed by someone else is not returned. */
  claimDue(now: number, limit: number, claimMs: number): Promise<OutboxMessage[]>;
  markSent(id: string, now: number): Promise<void>;
  markFailed(id: string, error: string, nextAt: number): Promise<void>;
  ping(): Promise<void>;
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

export interface StoredSecret {
  readonly arn: string;
  readonly name: string;
}

export interface SecretsPort {
  /**
   * Stores the key under `name` (a new version if the secret exists), tagged, with a resource policy that lets only
   * the owner (and the bot) read it. `requestId` is the idempotency token: a retry stores nothing twice.
   */
  storeAccessKey(input: {
    name: string;
    requestId: string;
    owner: { userName: string; arn: string; slackUserId: string };
    key: NewAccessKey;
    /** The key's own account: the secret and its policy are made there. */
    accountId?: string;
  }): Promise<StoredSecret>;
  /** Whether the version written for `requestId` exists (start-up reconciliation). */
  hasVersion(name: string, requestId: string, accountId?: string): Promise<boolean>;
  /**
   * Puts the owner-only resource policy, verifies it, and puts the tags: every property of a finished rotation
   * (recovery does this before adopting a key a crashed attempt stored).
   */
  secure(
    name: string,
    requestId: string,
    owner: { userName: string; arn: string; slackUserId: string },
    accountId?: string,
  ): Promise<void>;
}

export interface KeyUseEvent {
  readonly eventTime: Date;
  readonly eventName: string;
  readonly eventSource: string;
  readonly region: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
}

export interface KeyTrailPort {
  /** Recent calls made with one access key, newest first (a few at most). */
  recentUseOfKey(accessKeyId: string, since: Date, limit: number, accountId?: string): Promise<KeyUseEvent[]>;
}

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

export interface MappingChange {
  readonly iamUserArn: string;
  /** The person it mapped to before (a first sighting: none). */
  readonly from: string | undefined;
  readonly to: string;
  readonly rule: MappingRule;
}

/** One remembered mapping: which person, by which rule, since when, and whether the operator trusted it. */
export interface StoredMapping extends MappingRecord {
  readonly iamUserArn: string;
  readonly slackUserId: string;
  readonly rule: MappingRule;
  readonly trustedBy?: string | undefined;
}

/** Who each IAM user (and IAM Identity Center user) maps to, remembered with the time it started. */
export interface IdentityStore {
  /**
   * Records what is seen now; resolves with what is remembered of each mapping, those that changed person, and those
   * seen for the first time.
   */
  observe(
    observations: readonly { iamUserArn: string; slackUserId: string; rule: MappingRule }[],
    at: number,
  ): Promise<{ records: Map<string, MappingRecord>; changed: MappingChange[]; first: MappingChange[] }>;
  /** What is remembered of these (read only). */
  read(iamUserArns: readonly string[]): Promise<Map<string, StoredMapping>>;
  /**
   * The operator trusts these mappings now (each as seen: it is recorded if it was not yet). Resolves with the ARNs
   * newly trusted; one already trusted, or mapping to someone else by now, is left as it is.
   */
  trust(
    observations: readonly { iamUserArn: string; slackUserId: string; rule: MappingRule }[],
    at: number,
    by: string,
    /** The notices to queue in the same transaction, given the ARNs newly trusted (audited there too). */
    notify?: (trusted: readonly string[]) => readonly Outgoing[],
  ): Promise<string[]>;
  /** Every remembered mapping whose key starts with `prefix` (IAM Identity Center users: `identitycenter:`). */
  list(prefix: string): Promise<StoredMapping[]>;
}

export interface ScanStore {
  nudge(subject: string): Promise<NudgeRecord | undefined>;
  /** Records that a nudge about `subject` was queued now. */
  recordNudge(
    input: { subject: string; ruleId: string; severity: Severity; iamUserArn: string; slackUserId: string },
    at: number,
  ): Promise<void>;
  /** Silences a finding until `until`; counts as an answer. `false` when no nudge about it exists. */
  snooze(subject: string, until: number, at: number): Promise<boolean>;
  /** The owner reacted to the nudge (any button): no escalation. */
  answer(subject: string, at: number): Promise<boolean>;
  lastScanCounts(): Promise<Record<string, number> | undefined>;
  /** Records `key` as handled; `false` when it already was (a signal seen twice is acted on once). */
  markSeen(key: string, at: number): Promise<boolean>;
  /** Whether `key` was handled already (read only: for dry runs). */
  wasSeen(key: string): Promise<boolean>;
  cursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string, at: number): Promise<void>;
  saveScan(id: string, at: number, counts: Record<string, number>): Promise<void>;
}
