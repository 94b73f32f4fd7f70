/** Time is injected so that domain rules are pure and testable with a fixed instant. */
export interface Clock {
  now(): Date;
}

/**
 * The outcome of reading one fact from AWS. A step whose fact could not be read says so instead of failing the whole
 * checklist. `unknown` is for answers that are not faults (CloudTrail not readable by the bot's role).
 */
export type Checked<T> =
  | { readonly state: 'ok'; readonly value: T }
  | { readonly state: 'unknown'; readonly reason: FaultReason }
  | { readonly state: 'failed'; readonly reason: FaultReason };

export interface FaultReason {
  /** `no_credentials`: the bot has no AWS credentials at all (an operator's problem, not the person's). */
  readonly kind: 'access_denied' | 'throttled' | 'network' | 'not_found' | 'no_credentials' | 'other';
  /** The IAM action that was refused or failed, e.g. `iam:ListMFADevices`. */
  readonly action: string;
  /** AWS error code when there is one (never a message that could carry data). */
  readonly code?: string;
}

export interface IamUser {
  readonly userName: string;
  readonly arn: string;
  readonly accountId: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Names of the managed policies attached to the user itself, where the bulk listing gave them (the scan). */
  readonly managedPolicies?: readonly string[];
}

export type MfaDeviceType = 'virtual' | 'security_key' | 'hardware';

export interface MfaDevice {
  readonly serialNumber: string;
  readonly type: MfaDeviceType;
  readonly enableDate: Date | undefined;
}

export interface AccessKey {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly createDate: Date;
  readonly lastUsed: KeyLastUsed | undefined;
}

export interface KeyLastUsed {
  readonly date: Date;
  readonly serviceName: string | undefined;
  readonly region: string | undefined;
}

/** Where a policy document reaches the user from. */
export type PolicySource =
  | { readonly kind: 'user-managed'; readonly policyName: string; readonly policyArn: string }
  | { readonly kind: 'user-inline'; readonly policyName: string }
  | {
      readonly kind: 'group-managed';
      readonly groupName: string;
      readonly policyName: string;
      readonly policyArn: string;
    }
  | { readonly kind: 'group-inline'; readonly groupName: string; readonly policyName: string }
  /** The user's permissions boundary: its explicit denies count like any other policy's. */
  | { readonly kind: 'boundary'; readonly policyName: string; readonly policyArn: string };

export interface AttachedPolicy {
  readonly source: PolicySource;
  /** The parsed JSON document; `undefined` when it could not be parsed. */
  readonly document: unknown;
}

/** The latest temporary credentials the user took: with `get-session-token` (an MFA code) or with `aws login`. */
export interface SessionTokenUse {
  readonly eventTime: Date;
  readonly region: string;
  readonly via: 'get_session_token' | 'aws_login';
}

export type StepStatus = 'done' | 'todo' | 'warn' | 'unknown' | 'failed';

/** A CloudTrail event made with an access key, as a notice carries it (plain data; every field but the time is the
 * caller's to choose, so it is shown inert). */
export interface KeyUseEventJson {
  readonly eventTime: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly region: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
}
