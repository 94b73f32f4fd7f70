import { describe, expect, it } from 'vitest';
import {
  evaluateReport,
  evaluateRow,
  type ReportKey,
  type ReportRow,
} from '../../../src/kernel/domain/findings.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (d: number) => new Date(NOW.getTime() - d * DAY);
const t = { keyMaxAgeDays: 90, keyUnusedDays: 45 };

const key = (o: Partial<ReportKey> = {}): ReportKey => ({
  slot: 1,
  active: true,
  lastRotated: ago(10),
  lastUsed: ago(1),
  lastUsedService: 's3',
  ...o,
});
const row = (o: Partial<ReportRow> = {}): ReportRow => ({
  user: 'alice',
  arn: 'arn:aws:iam::123456789012:user/alice',
  isRoot: false,
  createdAt: ago(400),
  passwordEnabled: false,
  passwordLastUsed: undefined,
  mfaActive: true,
  keys: [key(), key({ slot: 2, active: false, lastRotated: undefined, lastUsed: undefined })],
  ...o,
});
const rules = (r: ReportRow) =>
  evaluateRow(r, NOW, t)
    .map((f) => f.ruleId)
    .sort();

describe('finding rules at their edges', () => {
  it.each([
    ['a healthy user', row(), []],
    ['key 82 days old: nothing yet', row({ keys: [key({ lastRotated: ago(82) })] }), []],
    [
      'key 83 days old: heads-up 7 days before',
      row({ keys: [key({ lastRotated: ago(83) })] }),
      ['key_rotation_soon'],
    ],
    [
      'key 89 days old: still the heads-up',
      row({ keys: [key({ lastRotated: ago(89) })] }),
      ['key_rotation_soon'],
    ],
    ['key 90 days old: rotation due', row({ keys: [key({ lastRotated: ago(90) })] }), ['key_rotation_due']],
    ['inactive old key: nothing', row({ keys: [key({ active: false, lastRotated: ago(400) })] }), []],
    ['used 44 days ago', row({ keys: [key({ lastUsed: ago(44) })] }), []],
    ['used 45 days ago: unused', row({ keys: [key({ lastUsed: ago(45) })] }), ['key_unused']],
    ['never used, 44 days old', row({ keys: [key({ lastUsed: undefined, lastRotated: ago(44) })] }), []],
    [
      'never used, 45 days old: unused',
      row({ keys: [key({ lastUsed: undefined, lastRotated: ago(45) })] }),
      ['key_unused'],
    ],
    ['two active keys', row({ keys: [key(), key({ slot: 2 })] }), ['two_active_keys']],
    [
      'console password without MFA',
      row({ mfaActive: false, passwordEnabled: true, keys: [] }),
      ['console_without_mfa'],
    ],
    ['active keys without MFA', row({ mfaActive: false }), ['keys_without_mfa']],
    [
      'both without MFA',
      row({ mfaActive: false, passwordEnabled: true }),
      ['console_without_mfa', 'keys_without_mfa'],
    ],
    ['no MFA, no password, no active key', row({ mfaActive: false, keys: [key({ active: false })] }), []],
  ])('%s', (_name, r, expected) => {
    expect(rules(r)).toEqual(expected);
  });

  it('keeps one subject from heads-up to due, so getting worse is not a new finding', () => {
    const soon = evaluateRow(row({ keys: [key({ lastRotated: ago(85) })] }), NOW, t)[0];
    const due = evaluateRow(
      row({ keys: [key({ lastRotated: ago(85) })] }),
      new Date(NOW.getTime() + 5 * DAY),
      t,
    )[0];
    expect(soon?.ruleId).toBe('key_rotation_soon');
    expect(due?.ruleId).toBe('key_rotation_due');
    expect(due?.subject).toBe(soon?.subject);
    expect(due?.key).toEqual({ slot: 1, lastRotated: ago(85).toISOString() });
  });

  it('names a different key differently: a rotated key is a new subject', () => {
    const before = evaluateRow(row({ keys: [key({ lastRotated: ago(95) })] }), NOW, t)[0];
    const after = evaluateRow(
      row({ keys: [key({ lastRotated: ago(1), lastUsed: undefined })] }),
      new Date(NOW.getTime() + 100 * DAY),
      t,
    )[0];
    expect(before?.subject).not.toBe(after?.subject);
  });

  it.each([
    [
      'root without MFA',
      row({ isRoot: true, user: '<root_account>', mfaActive: false, keys: [] }),
      ['root_without_mfa'],
    ],
    [
      'root with access keys',
      row({ isRoot: true, user: '<root_account>', keys: [key({ lastUsed: ago(3) })] }),
      ['root_access_keys'],
    ],
    [
      'root signed in 23 hours ago',
      row({
        isRoot: true,
        user: '<root_account>',
        keys: [],
        passwordLastUsed: new Date(NOW.getTime() - 23 * 3_600_000),
      }),
      ['root_used_recently'],
    ],
    [
      'root signed in 25 hours ago',
      row({
        isRoot: true,
        user: '<root_account>',
        keys: [],
        passwordLastUsed: new Date(NOW.getTime() - 25 * 3_600_000),
      }),
      [],
    ],
  ])('%s — for the security channel only', (_name, r, expected) => {
    const found = evaluateRow(r, NOW, t);
    expect(found.map((f) => f.ruleId)).toEqual(expected);
    expect(found.every((f) => f.audience === 'security')).toBe(true);
  });

  it('evaluates every row of a report', () => {
    expect(
      evaluateReport(
        [row(), row({ user: 'bob', mfaActive: false, passwordEnabled: true, keys: [] })],
        NOW,
        t,
      ).map((f) => f.user),
    ).toEqual(['bob']);
  });
});

describe('root under centralised root access (RootCredentialsManagement)', () => {
  const root = (accountId: string, o: Partial<ReportRow> = {}) =>
    row({
      user: '<root_account>',
      arn: `arn:aws:iam::${accountId}:root`,
      isRoot: true,
      keys: [],
      mfaActive: false,
      ...o,
    });
  const central = { centralRoot: (id: string) => id !== '111111111111' };
  const judged = (r: ReportRow, options = central) => evaluateRow(r, NOW, t, options).map((f) => f.ruleId);

  it.each([
    ['an access key', { keys: [key({ lastUsed: ago(30) })] }],
    ['an inactive access key', { keys: [key({ active: false, lastUsed: ago(30) })] }],
    ['an MFA device', { mfaActive: true }],
    ['a password used once', { passwordLastUsed: ago(200) }],
  ])('a member account whose root has %s: root credentials present, not "root without MFA"', (_what, o) => {
    const rules = judged(root('222222222222', o));
    expect(rules).toContain('root_credentials_present');
    expect(rules).not.toContain('root_without_mfa');
    expect(rules).not.toContain('root_access_keys');
  });

  it('a member account whose root has no credentials: nothing to say', () => {
    expect(judged(root('222222222222'))).toEqual([]);
  });

  it("the bot's own account (and every account without the feature) keeps the old rules", () => {
    expect(judged(root('111111111111', { keys: [key({ lastUsed: ago(30) })] })).sort()).toEqual([
      'root_access_keys',
      'root_without_mfa',
    ]);
    expect(judged(root('222222222222'), {} as typeof central)).toEqual(['root_without_mfa']);
  });

  it('recent root use is still reported under the feature', () => {
    expect(judged(root('222222222222', { passwordLastUsed: ago(0.5) })).sort()).toEqual([
      'root_credentials_present',
      'root_used_recently',
    ]);
  });
});
