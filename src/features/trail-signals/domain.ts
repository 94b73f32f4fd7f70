import { QUARANTINE_POLICIES } from '../../kernel/domain/findings.js';

/** A CloudTrail management event, reduced to what the signals need. */
export interface TrailEvent {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: Date;
  readonly region: string;
  /** The parsed `CloudTrailEvent` record. */
  readonly record: {
    readonly userIdentity?: { readonly type?: string; readonly arn?: string; readonly userName?: string };
    readonly additionalEventData?: { readonly MFAUsed?: string };
    readonly responseElements?: {
      readonly ConsoleLogin?: string;
      readonly accessKey?: { readonly accessKeyId?: string };
    } | null;
    readonly requestParameters?: { readonly userName?: string; readonly policyArn?: string } | null;
    readonly sourceIPAddress?: string;
    readonly awsRegion?: string;
    readonly userAgent?: string;
    readonly errorCode?: string;
    readonly recipientAccountId?: string;
  };
}

export type Signal =
  | { readonly kind: 'console_login_without_mfa'; readonly userArn: string; readonly event: TrailEvent }
  | { readonly kind: 'root_activity'; readonly event: TrailEvent; readonly dedupeKey: string }
  /** AWS attached its compromised-key quarantine policy to an IAM user. */
  | {
      readonly kind: 'user_quarantined';
      readonly userName: string;
      readonly accountId: string;
      readonly event: TrailEvent;
    }
  | {
      readonly kind: 'key_created_outside';
      readonly targetUserArn: string;
      readonly actorArn: string;
      readonly event: TrailEvent;
    };

/**
 * Does `callerArn` (from the event) belong to the bot? The bot runs as `arn:…:assumed-role/Role/session` or as a user:
 * any session of the bot's role counts.
 */
export function isBot(callerArn: string | undefined, botArn: string): boolean {
  if (!callerArn) return false;
  const role = (arn: string) => /^(arn:[\w-]+:sts::\d{12}:assumed-role\/[^/]+)\//.exec(arn)?.[1];
  const botRole = role(botArn);
  return botRole ? role(callerArn) === botRole : callerArn === botArn;
}

function userArnFrom(actorArn: string, userName: string): string {
  const account = actorArn.split(':')[4] ?? '';
  const partition = actorArn.split(':')[1] ?? 'aws';
  return `arn:${partition}:iam::${account}:user/${userName}`;
}

/** `arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3` → `AWSCompromisedKeyQuarantineV3`. */
const policyName = (arn: string | undefined) =>
  /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn ?? '')?.[1];

/**
 * What an event means for us, if anything: a console sign-in without MFA, anything the root identity did, an
 * access key created by someone other than the bot, or AWS's quarantine policy attached to a user. Failed calls are
 * not signals.
 */
export function classifyEvent(e: TrailEvent, botArn: string): Signal | undefined {
  const who = e.record.userIdentity ?? {};
  if (e.record.errorCode) return undefined;
  const target = e.record.requestParameters?.userName;
  if (
    e.eventName === 'AttachUserPolicy' &&
    target &&
    isQuarantinePolicy(policyName(e.record.requestParameters?.policyArn))
  ) {
    const account = e.record.recipientAccountId ?? who.arn?.split(':')[4];
    if (account) return { kind: 'user_quarantined', userName: target, accountId: account, event: e };
  }
  if (who.type === 'Root') {
    return { kind: 'root_activity', event: e, dedupeKey: `root:${e.eventTime.toISOString().slice(0, 13)}` };
  }
  if (
    e.eventName === 'ConsoleLogin' &&
    who.type === 'IAMUser' &&
    who.arn &&
    e.record.responseElements?.ConsoleLogin === 'Success' &&
    e.record.additionalEventData?.MFAUsed === 'No'
  ) {
    return { kind: 'console_login_without_mfa', userArn: who.arn, event: e };
  }
  if (e.eventName === 'CreateAccessKey' && who.arn && !isBot(who.arn, botArn)) {
    // Without userName in the request the caller made a key for themselves.
    const target = e.record.requestParameters?.userName;
    const targetUserArn = target ? userArnFrom(who.arn, target) : who.arn;
    return { kind: 'key_created_outside', targetUserArn, actorArn: who.arn, event: e };
  }
  return undefined;
}

const isQuarantinePolicy = (name: string | undefined) =>
  name !== undefined && QUARANTINE_POLICIES.includes(name);
