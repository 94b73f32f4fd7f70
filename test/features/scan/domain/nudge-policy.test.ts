import { describe, expect, it, vi } from 'vitest';
import {
  decideNudge,
  type NudgeRecord,
  nextWorkingTime,
  shouldEscalate,
} from '../../../../src/features/scan/domain/nudge-policy.js';
import type { Finding } from '../../../../src/kernel/domain/findings.js';

const NOW = Date.parse('2026-06-01T03:00:00Z'); // 12:00 in Seoul
const DAY = 86_400_000;
const finding = (severity: Finding['severity'] = 'low'): Finding => ({
  ruleId: severity === 'high' ? 'key_rotation_due' : 'key_rotation_soon',
  severity,
  audience: 'owner',
  user: 'alice',
  arn: 'arn:aws:iam::123456789012:user/alice',
  subject: 'rotation:arn:aws:iam::123456789012:user/alice:1:2026-03-01',
});
const record = (o: Partial<NudgeRecord> = {}): NudgeRecord => ({
  subject: finding().subject,
  ruleId: 'key_rotation_soon',
  severity: 'low',
  sentCount: 1,
  lastSentAt: NOW - DAY,
  snoozedUntil: undefined,
  answeredAt: undefined,
  slackUserId: 'U0ALICE',
  iamUserArn: 'arn:aws:iam::123456789012:user/alice',
  ...o,
});

describe('decideNudge', () => {
  it.each([
    ['never nudged', undefined, finding(), 'send'],
    ['nudged yesterday', record(), finding(), 'recently_sent'],
    [
      'nudged 6 days 23 hours ago',
      record({ lastSentAt: NOW - 7 * DAY + 3_600_000 }),
      finding(),
      'recently_sent',
    ],
    ['nudged exactly 7 days ago', record({ lastSentAt: NOW - 7 * DAY }), finding(), 'send'],
    ['got worse since yesterday', record(), finding('high'), 'send'],
    ['snoozed, even though worse', record({ snoozedUntil: NOW + 1 }), finding('high'), 'snoozed'],
    ['snooze over', record({ snoozedUntil: NOW, lastSentAt: NOW - 8 * DAY }), finding(), 'send'],
  ])('%s → %s', (_name, r, f, expected) => {
    expect(decideNudge(f, r, NOW, 7)).toBe(expected);
  });
});

describe('shouldEscalate', () => {
  it.each([
    [undefined, false],
    [record({ sentCount: 2 }), false],
    [record({ sentCount: 3 }), true],
    [record({ sentCount: 5, answeredAt: NOW }), false],
  ])('%o → %s', (r, expected) => {
    expect(shouldEscalate(r)).toBe(expected);
  });
});

describe('nextWorkingTime', () => {
  it.each([
    ['noon in Seoul: now', NOW, 'Asia/Seoul', NOW],
    [
      '08:30 in Seoul: 09:00 the same day',
      Date.parse('2026-05-31T23:30:00Z'),
      'Asia/Seoul',
      Date.parse('2026-06-01T00:00:00Z'),
    ],
    [
      '18:00 in Seoul: 09:00 next day',
      Date.parse('2026-06-01T09:00:00Z'),
      'Asia/Seoul',
      Date.parse('2026-06-02T00:00:00Z'),
    ],
    [
      '17:59 in Seoul: now',
      Date.parse('2026-06-01T08:59:00Z'),
      'Asia/Seoul',
      Date.parse('2026-06-01T08:59:00Z'),
    ],
    [
      '03:00 in New York (EDT): 09:00',
      Date.parse('2026-06-01T07:00:00Z'),
      'America/New_York',
      Date.parse('2026-06-01T13:00:00Z'),
    ],
    [
      'unknown zone counts as UTC',
      Date.parse('2026-06-01T20:00:00Z'),
      'Mars/Olympus',
      Date.parse('2026-06-02T09:00:00Z'),
    ],
    [
      'no zone counts as UTC',
      Date.parse('2026-06-01T10:00:00Z'),
      undefined,
      Date.parse('2026-06-01T10:00:00Z'),
    ],
  ])('%s', (_name, now, zone, expected) => {
    expect(nextWorkingTime(now, zone)).toBe(expected);
  });

  it('makes one formatter per time zone, not one per person (each holds native memory V8 does not see)', () => {
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    try {
      for (let i = 0; i < 500; i++) {
        nextWorkingTime(NOW + i * 60_000, 'Pacific/Chatham');
        nextWorkingTime(NOW + i * 60_000, 'America/St_Johns');
        nextWorkingTime(NOW, 'Mars/Olympus');
      }
      // Two zones made once each (if not made before in this file); the unknown zone is tried each time.
      expect(made.mock.calls.filter(([, o]) => o?.timeZone !== 'Mars/Olympus').length).toBeLessThanOrEqual(2);
    } finally {
      made.mockRestore();
    }
  });
});
