import type { Finding, Severity } from '../../kernel/domain/findings.js';
import type { KeyUseEventJson } from '../../kernel/domain/types.js';
import type { Memo } from '../../kernel/memo.js';
import type { NudgeRecord } from './domain/nudge-policy.js';

/**
 * A scan's nudge to one person: every finding of theirs that is due, most severe first, each with its own buttons.
 * (`nudge`, one finding per message, is what earlier versions queued; such rows are still sent.)
 */
export type NudgeNotice =
  | { readonly kind: 'nudges'; readonly findings: readonly Finding[]; readonly requestId?: undefined }
  | { readonly kind: 'nudge'; readonly finding: Finding; readonly requestId?: undefined };

export type DigestNotice = {
  readonly kind: 'digest';
  readonly digest: Digest;
  readonly requestId?: undefined;
};

/** AWS quarantined an IAM user's key (found exposed): the security channel is told at once, with its owner. */
export type QuarantineNotice = {
  readonly kind: 'key_quarantined_alert';
  readonly finding: Finding;
  readonly slackUserId: string;
  /** CloudTrail's latest events made with the user's active keys; absent when CloudTrail could not be read. */
  readonly activity?: readonly KeyUseEventJson[];
  readonly requestId?: undefined;
};

/** Someone said an IAM user mapped to them is not theirs: the security channel is told. */
export type NotMineNotice = {
  readonly kind: 'not_my_account';
  readonly reporterSlackId: string;
  readonly iamUserArn: string;
  readonly requestId?: undefined;
};

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

export interface ScanStore extends Memo {
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
  saveScan(id: string, at: number, counts: Record<string, number>): Promise<void>;
}

/** Who in an account used `aws login` since a time: IAM user names, from CloudTrail. */
export interface LoginTrailPort {
  usersSince(since: Date, accountId?: string): Promise<ReadonlySet<string>>;
}

/** Where a quarantined user's keys were used lately: the evidence the security channel reviews. */
export interface QuarantineEvidencePort {
  /** The latest CloudTrail events made with the user's active keys, newest first, at most `limit`. */
  recentActivity(
    user: { readonly userName: string; readonly accountId: string },
    limit: number,
  ): Promise<readonly KeyUseEventJson[]>;
}
