import { describe, expect, it } from 'vitest';
import {
  distinctAssignments,
  postureStage,
  profileName,
  ssoConfig,
  ssoLoginCommands,
  ssoSessionName,
  ssoSessionOf,
} from '../../../src/features/identity-center/domain.js';
import { postureCounts, weeklySeries, weekStart } from '../../../src/features/posture/domain.js';

const settings = { startUrl: 'https://d-1234567890.awsapps.com/start', region: 'us-east-1' };

describe('IAM Identity Center answers', () => {
  it('names the session after the portal and each profile after account and permission set', () => {
    expect(ssoSessionName(settings.startUrl)).toBe('d-1234567890');
    expect(ssoSessionName('https://acme.awsapps.com/start/#/')).toBe('acme');
    expect(profileName({ accountId: '111111111111', permissionSet: 'ReadOnly Access' })).toBe(
      '111111111111-readonly-access',
    );
  });

  it('writes the ~/.aws/config that aws configure sso would, one profile per assignment, sorted and once', () => {
    const a = { accountId: '222222222222', permissionSet: 'Admin' };
    const b = { accountId: '111111111111', permissionSet: 'ReadOnly' };
    expect(distinctAssignments([a, b, a])).toEqual([b, a]);
    expect(ssoConfig(settings, [a, b, a], 'ap-northeast-2')).toBe(
      [
        '[sso-session d-1234567890]',
        'sso_start_url = https://d-1234567890.awsapps.com/start',
        'sso_region = us-east-1',
        'sso_registration_scopes = sso:account:access',
        '',
        '[profile 111111111111-readonly]',
        'sso_session = d-1234567890',
        'sso_account_id = 111111111111',
        'sso_role_name = ReadOnly',
        'region = ap-northeast-2',
        '',
        '[profile 222222222222-admin]',
        'sso_session = d-1234567890',
        'sso_account_id = 222222222222',
        'sso_role_name = Admin',
        'region = ap-northeast-2',
      ].join('\n'),
    );
    expect(ssoLoginCommands(settings, [a])).toBe(
      'aws sso login --sso-session d-1234567890\naws sts get-caller-identity --profile 222222222222-admin',
    );
  });

  it('recognises an Identity Center role session named after the person, and nothing else', () => {
    const arn = (role: string, name: string) => `arn:aws:sts::111111111111:assumed-role/${role}/${name}`;
    expect(
      ssoSessionOf(arn('AWSReservedSSO_ReadOnly_0a1b2c', 'Alice@Example.com'), ['alice@example.com']),
    ).toEqual({
      accountId: '111111111111',
      roleName: 'AWSReservedSSO_ReadOnly_0a1b2c',
    });
    expect(ssoSessionOf(arn('AWSReservedSSO_ReadOnly_0a1b2c', 'bob'), ['alice'])).toBeUndefined();
    expect(ssoSessionOf(arn('deploy', 'alice'), ['alice'])).toBeUndefined();
    expect(ssoSessionOf('arn:aws:iam::111111111111:user/alice', ['alice'])).toBeUndefined();
    expect(ssoSessionOf(undefined, ['alice'])).toBeUndefined();
  });

  it.each([
    [{ usedIdentityCenter: true, activeKeys: 2, mfa: false }, 'identity_center'],
    [{ usedIdentityCenter: false, activeKeys: 1, mfa: true }, 'iam_keys'],
    [{ usedIdentityCenter: false, activeKeys: 0, mfa: true }, 'iam_mfa_no_keys'],
    [{ usedIdentityCenter: false, activeKeys: 0, mfa: false }, 'iam_other'],
  ] as const)('stage of %o is %s', (input, stage) => {
    expect(postureStage(input)).toBe(stage);
  });
});

describe('posture counts and weeks', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  const key = (age: number, used?: number) => ({
    slot: 1 as const,
    active: true,
    lastRotated: daysAgo(age),
    lastUsed: used === undefined ? undefined : daysAgo(used),
    lastUsedService: undefined,
  });
  const row = (mfa: boolean, keys: ReturnType<typeof key>[], isRoot = false) => ({
    user: 'u',
    arn: 'arn:aws:iam::111111111111:user/u',
    isRoot,
    createdAt: undefined,
    passwordEnabled: false,
    passwordLastUsed: undefined,
    mfaActive: mfa,
    keys,
  });

  it('counts users, MFA, keys by age band and unused keys; root is left out', () => {
    const counts = postureCounts(
      [row(true, [key(10, 1), key(100, 1)]), row(false, [key(50)]), row(false, [], true)],
      {
        now,
        keyMaxAgeDays: 90,
        keyUnusedDays: 45,
        findings: { key_rotation_due: 1 },
      },
    );
    expect(counts).toEqual({
      iamUsers: 2,
      iamUsersWithMfa: 1,
      activeKeys: 3,
      keysByAge: { under30: 1, toMax: 1, overMax: 1 },
      unusedKeys: 1,
      findings: { key_rotation_due: 1 },
    });
  });

  it('takes the last snapshot of each week, leaves weeks without a scan empty, ignores per-account rows', () => {
    const counts = (mfa: number) => ({
      iamUsers: 4,
      iamUsersWithMfa: mfa,
      activeKeys: 0,
      keysByAge: { under30: 0, toMax: 0, overMax: 0 },
      unusedKeys: 0,
      findings: {},
    });
    const points = weeklySeries(
      [
        { at: daysAgo(15).getTime(), accountId: '', counts: counts(1) },
        { at: daysAgo(14).getTime(), accountId: '', counts: counts(2) },
        { at: daysAgo(1).getTime(), accountId: '', counts: counts(3) },
        { at: daysAgo(1).getTime() + 1, accountId: '111111111111', counts: counts(0) },
      ],
      4,
      now,
    );
    expect(points.map((p) => p.weekStart.toISOString().slice(0, 10))).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
    ]);
    expect(points.map((p) => p.mfaCoverage)).toEqual([undefined, 50, undefined, 75]);
    expect(new Date(weekStart(now.getTime())).getUTCDay()).toBe(1);
  });
});
