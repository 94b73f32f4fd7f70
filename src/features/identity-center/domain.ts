/**
 * The guide's next step (다음 단계): IAM Identity Center. A person signs in at the AWS access portal and gets
 * short-lived credentials (`aws configure sso`, `aws sso login`) instead of long-term access keys.
 */

export interface SsoAssignment {
  readonly accountId: string;
  /** The permission set's name: the role name in `aws configure sso`. */
  readonly permissionSet: string;
}

export interface SsoUser {
  readonly userId: string;
  readonly userName: string;
  /** Direct and through groups, each account and permission set once. */
  readonly assignments: readonly SsoAssignment[];
}

/** The latest session of an `AWSReservedSSO_*` role named after the person. */
export interface SsoSession {
  readonly eventTime: Date;
  readonly accountId: string;
  readonly roleName: string;
}

export interface IdentityCenterSettings {
  readonly startUrl: string;
  readonly region: string;
}

/** Where a person stands, for the digest and the weekly picture (`iam_other`: no keys, no MFA). */
export type PostureStage = 'iam_keys' | 'iam_mfa_no_keys' | 'identity_center' | 'aws_login' | 'iam_other';

/** The SSO session name in `~/.aws/config`: the portal's host name before the first dot (`d-1234567890`). */
export function ssoSessionName(startUrl: string): string {
  const host = new URL(startUrl).hostname.split('.')[0] ?? 'sso';
  return host.replace(/[^A-Za-z0-9_-]/g, '-') || 'sso';
}

/** `<account>-<permission set>`, lower case: the same name for the same assignment on every laptop. */
export function profileName(a: SsoAssignment): string {
  return `${a.accountId}-${a.permissionSet}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
}

/** Sorted by account, then permission set, each once. */
export function distinctAssignments(list: readonly SsoAssignment[]): SsoAssignment[] {
  const seen = new Map(list.map((a) => [`${a.accountId}/${a.permissionSet}`, a]));
  return [...seen.values()].sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.permissionSet.localeCompare(b.permissionSet),
  );
}

/** The answers `aws configure sso` asks for, as the `~/.aws/config` it writes: one profile per assignment. */
export function ssoConfig(
  settings: IdentityCenterSettings,
  assignments: readonly SsoAssignment[],
  defaultRegion: string,
): string {
  const session = ssoSessionName(settings.startUrl);
  const lines = [
    `[sso-session ${session}]`,
    `sso_start_url = ${settings.startUrl}`,
    `sso_region = ${settings.region}`,
    'sso_registration_scopes = sso:account:access',
  ];
  for (const a of distinctAssignments(assignments))
    lines.push(
      '',
      `[profile ${profileName(a)}]`,
      `sso_session = ${session}`,
      `sso_account_id = ${a.accountId}`,
      `sso_role_name = ${a.permissionSet}`,
      `region = ${defaultRegion}`,
    );
  return lines.join('\n');
}

/** Signing in and using a profile. */
export function ssoLoginCommands(
  settings: IdentityCenterSettings,
  assignments: readonly SsoAssignment[],
): string {
  const first = distinctAssignments(assignments)[0];
  return [
    `aws sso login --sso-session ${ssoSessionName(settings.startUrl)}`,
    ...(first ? [`aws sts get-caller-identity --profile ${profileName(first)}`] : []),
  ].join('\n');
}

/**
 * The role session a CloudTrail event was made by, when it is an Identity Center role's (`AWSReservedSSO_<set>_<id>`)
 * and named after one of `names` (the portal user name or e-mail, compared without case).
 */
export function ssoSessionOf(
  arn: string | undefined,
  names: readonly string[],
): { accountId: string; roleName: string } | undefined {
  const m = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/(AWSReservedSSO_[^/]+)\/(.+)$/.exec(arn ?? '');
  if (!m) return undefined;
  const session = (m[3] ?? '').toLowerCase();
  if (!names.some((n) => n.toLowerCase() === session)) return undefined;
  return { accountId: m[1] as string, roleName: m[2] as string };
}

/** Where a person stands: on Identity Center once they have used it; otherwise by their IAM user's keys and MFA. */
export function postureStage(input: {
  readonly usedIdentityCenter: boolean;
  /** Uses `aws login`: temporary credentials from a console sign-in. */
  readonly usedLogin?: boolean;
  readonly activeKeys: number;
  readonly mfa: boolean;
}): PostureStage {
  if (input.usedIdentityCenter) return 'identity_center';
  if (input.usedLogin) return 'aws_login';
  if (input.activeKeys > 0) return 'iam_keys';
  return input.mfa ? 'iam_mfa_no_keys' : 'iam_other';
}
