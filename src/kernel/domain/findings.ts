import { DAY_MS } from './time.js';
/** One row of the IAM credential report, parsed. `undefined` where the report says N/A, no_information … */
export interface ReportKey {
  readonly slot: 1 | 2;
  readonly active: boolean;
  /** When the key was created or last rotated: with the slot, it names the key (the report carries no key ID). */
  readonly lastRotated: Date | undefined;
  readonly lastUsed: Date | undefined;
  readonly lastUsedService: string | undefined;
}

export interface ReportRow {
  readonly user: string;
  readonly arn: string;
  readonly isRoot: boolean;
  readonly createdAt: Date | undefined;
  readonly passwordEnabled: boolean;
  readonly passwordLastUsed: Date | undefined;
  readonly mfaActive: boolean;
  readonly keys: readonly ReportKey[];
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 1, medium: 2, high: 3, critical: 4 };

export type RuleId =
  | 'key_rotation_due'
  | 'key_rotation_soon'
  | 'key_unused'
  | 'two_active_keys'
  | 'console_without_mfa'
  | 'keys_without_mfa'
  | 'sso_with_active_key'
  | 'login_with_active_key'
  | 'key_quarantined'
  | 'root_without_mfa'
  | 'root_access_keys'
  | 'root_used_recently'
  | 'root_credentials_present';

export const RULES: Readonly<Record<RuleId, { severity: Severity; audience: 'owner' | 'security' }>> = {
  key_rotation_due: { severity: 'high', audience: 'owner' },
  key_rotation_soon: { severity: 'low', audience: 'owner' },
  key_unused: { severity: 'medium', audience: 'owner' },
  two_active_keys: { severity: 'medium', audience: 'owner' },
  console_without_mfa: { severity: 'high', audience: 'owner' },
  keys_without_mfa: { severity: 'medium', audience: 'owner' },
  /** Uses IAM Identity Center, yet an access key of theirs is still active (the guide's next step, half done). */
  sso_with_active_key: { severity: 'low', audience: 'owner' },
  /** Uses `aws login` (console sign-in, temporary credentials), yet an access key of theirs is still active. */
  login_with_active_key: { severity: 'low', audience: 'owner' },
  /** AWS found a key of this user exposed and attached its quarantine policy: an emergency, told at once. */
  key_quarantined: { severity: 'critical', audience: 'owner' },
  root_without_mfa: { severity: 'critical', audience: 'security' },
  root_access_keys: { severity: 'critical', audience: 'security' },
  root_used_recently: { severity: 'high', audience: 'security' },
  /** A member account under centralised root access still has root credentials: delete them, not add MFA. */
  root_credentials_present: { severity: 'critical', audience: 'security' },
};

export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  readonly audience: 'owner' | 'security';
  readonly user: string;
  readonly arn: string;
  /** The key a key finding is about (slot and creation time), for the button that acts on it. */
  readonly key?: { readonly slot: 1 | 2; readonly lastRotated: string | undefined };
  /** Age or idle days, for the message. */
  readonly days?: number;
  /**
   * Identity for "the same finding": rule family, user and key. Rotation soon → due keeps one subject, so getting
   * worse is recognised rather than counted as new.
   */
  readonly subject: string;
}

export interface FindingThresholds {
  readonly keyMaxAgeDays: number;
  readonly keyUnusedDays: number;
}

/** The heads-up comes this many days before rotation is due. */
export const ROTATION_HEADS_UP_DAYS = 7;
const days = (from: Date, now: Date) => Math.floor((now.getTime() - from.getTime()) / DAY_MS);

function finding(row: ReportRow, ruleId: RuleId, family: string, extra: Partial<Finding> = {}): Finding {
  const keyPart = extra.key ? `:${extra.key.slot}:${extra.key.lastRotated ?? ''}` : '';
  return {
    ruleId,
    severity: RULES[ruleId].severity,
    audience: RULES[ruleId].audience,
    user: row.user,
    arn: row.arn,
    subject: `${family}:${row.arn}${keyPart}`,
    ...extra,
  };
}

function keyFindings(row: ReportRow, now: Date, t: FindingThresholds): Finding[] {
  const out: Finding[] = [];
  for (const k of row.keys.filter((key) => key.active)) {
    const key = { slot: k.slot, lastRotated: k.lastRotated?.toISOString() };
    const age = k.lastRotated ? days(k.lastRotated, now) : undefined;
    if (age !== undefined && age >= t.keyMaxAgeDays)
      out.push(finding(row, 'key_rotation_due', 'rotation', { key, days: age }));
    else if (age !== undefined && age >= t.keyMaxAgeDays - ROTATION_HEADS_UP_DAYS) {
      out.push(finding(row, 'key_rotation_soon', 'rotation', { key, days: t.keyMaxAgeDays - age }));
    }
    const idleSince = k.lastUsed ?? k.lastRotated;
    const idle = idleSince ? days(idleSince, now) : undefined;
    if (idle !== undefined && idle >= t.keyUnusedDays)
      out.push(finding(row, 'key_unused', 'unused', { key, days: idle }));
  }
  return out;
}

/**
 * Every rule over one report row. Pure: thresholds and the clock are arguments. Root findings are for the security
 * channel only; everything else goes to the user who owns the IAM user.
 */
export function evaluateRow(
  row: ReportRow,
  now: Date,
  t: FindingThresholds,
  options: RootJudgement = {},
): Finding[] {
  if (row.isRoot) {
    const out: Finding[] = [];
    if (options.centralRoot?.(row.arn.split(':')[4] ?? '')) {
      // Organizations manages this account's root: the advice is "delete root credentials", not "add MFA".
      if (rootCredentialsPresent(row)) out.push(finding(row, 'root_credentials_present', 'root_credentials'));
    } else {
      if (!row.mfaActive) out.push(finding(row, 'root_without_mfa', 'root_mfa'));
      if (row.keys.some((k) => k.active)) out.push(finding(row, 'root_access_keys', 'root_keys'));
    }
    const lastUse = [row.passwordLastUsed, ...row.keys.map((k) => k.lastUsed)]
      .filter((d): d is Date => d !== undefined)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    if (lastUse && now.getTime() - lastUse.getTime() < DAY_MS) {
      out.push(finding(row, 'root_used_recently', `root_used:${lastUse.toISOString().slice(0, 10)}`));
    }
    return out;
  }
  const out = keyFindings(row, now, t);
  const active = row.keys.filter((k) => k.active);
  if (active.length > 1) out.push(finding(row, 'two_active_keys', 'two_keys'));
  if (!row.mfaActive && row.passwordEnabled) out.push(finding(row, 'console_without_mfa', 'console_mfa'));
  if (!row.mfaActive && active.length > 0) out.push(finding(row, 'keys_without_mfa', 'keys_mfa'));
  return out;
}

export function evaluateReport(
  rows: readonly ReportRow[],
  now: Date,
  t: FindingThresholds,
  options: RootJudgement = {},
): Finding[] {
  return rows.flatMap((row) => evaluateRow(row, now, t, options));
}

/**
 * How a root row is judged. `centralRoot(accountId)`: the account is a member under centralised root access
 * (`RootCredentialsManagement` enabled in its organization), so its root should have no credentials at all.
 */
export interface RootJudgement {
  readonly centralRoot?: (accountId: string) => boolean;
}

/**
 * Whether a root row shows credentials: an access key (active or not), an MFA device, or a password (enabled, or used
 * once). The credential report says `not_supported` for root's password_enabled in many accounts, so a password that
 * was ever used counts too; one never used and not reported is not seen (IAMAuditRootUserCredentials would tell).
 */
export function rootCredentialsPresent(row: ReportRow): boolean {
  return (
    row.keys.some((k) => k.active || k.lastRotated !== undefined) ||
    row.mfaActive ||
    row.passwordEnabled ||
    row.passwordLastUsed !== undefined
  );
}

/**
 * Policies AWS attaches to a user whose access key it found exposed (in a public repository, say): they deny the user
 * creating or updating keys, so only the bot's role can replace them. An administrator removes the policy after the
 * review; the bot never does.
 */
export const QUARANTINE_POLICIES: readonly string[] = [
  'AWSCompromisedKeyQuarantineV3',
  'AWSCompromisedKeyQuarantineV2',
];

export const isQuarantined = (managedPolicies: readonly string[] | undefined) =>
  (managedPolicies ?? []).some((p) => QUARANTINE_POLICIES.includes(p));

/**
 * A quarantined user: one finding, about its first active key (the one the rotation button offers to replace). Its
 * subject is the user's alone, so the scan and the CloudTrail signal (which sees the key differently) are one finding.
 */
export function quarantineFinding(row: ReportRow): Finding {
  const k = row.keys.find((key) => key.active) ?? row.keys[0];
  return quarantineFindingOf(
    row,
    k ? { slot: k.slot, lastRotated: k.lastRotated?.toISOString() } : undefined,
  );
}

export function quarantineFindingOf(
  user: { readonly user: string; readonly arn: string },
  key: Finding['key'],
): Finding {
  return {
    ruleId: 'key_quarantined',
    severity: RULES.key_quarantined.severity,
    audience: RULES.key_quarantined.audience,
    user: user.user,
    arn: user.arn,
    subject: `quarantine:${user.arn}`,
    ...(key ? { key } : {}),
  };
}

/** An IAM user who uses `aws login` and still has an active key: the key is no longer needed for the CLI. */
export function loginKeyFinding(row: ReportRow): Finding | undefined {
  return !row.isRoot && row.keys.some((k) => k.active)
    ? finding(row, 'login_with_active_key', 'login_keys')
    : undefined;
}

/** One finding per IAM user with an active key whose person uses IAM Identity Center. */
export function ssoKeyFinding(row: ReportRow): Finding | undefined {
  return !row.isRoot && row.keys.some((k) => k.active)
    ? finding(row, 'sso_with_active_key', 'sso_keys')
    : undefined;
}
