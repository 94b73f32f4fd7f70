import { describe, expect, it } from 'vitest';
import {
  digestMessage,
  NUDGE_FINDINGS_SHOWN,
  nudgeMessage,
  nudgesMessage,
} from '../../../../src/features/scan/slack/blocks.js';
import { trailMessage } from '../../../../src/features/trail-signals/slack/blocks.js';
import { messagesFor } from '../../../../src/i18n/messages.js';
import { type Finding, RULES, type RuleId } from '../../../../src/kernel/domain/findings.js';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { checkMessage } from '../../../fakes/block-kit-limits.js';

const finding = (ruleId: RuleId, user = 'alice'): Finding => ({
  ruleId,
  severity: RULES[ruleId].severity,
  audience: RULES[ruleId].audience,
  user,
  arn: `arn:aws:iam::123456789012:user/${user}`,
  subject: `${ruleId}:${user}`,
  days: 95,
  ...(ruleId.startsWith('key_')
    ? { key: { slot: 1 as const, lastRotated: '2026-03-01T00:00:00.000Z' } }
    : {}),
});

describe('nudge and digest messages', () => {
  it.each(Object.keys(RULES) as RuleId[])(
    '%s renders in English and Korean inside Slack limits',
    (ruleId) => {
      for (const locale of ['en', 'ko-KR']) {
        const message = nudgeMessage(messagesFor(locale), finding(ruleId));
        expect(checkMessage(message)).toEqual([]);
        expect(message.text.length).toBeGreaterThan(0);
      }
    },
  );

  it("lists a person's findings in one message, and summarises past what Slack allows", () => {
    const many = Array.from({ length: 40 }, (_, i) => finding('key_unused', `user${i}`));
    for (const locale of ['en', 'ko-KR']) {
      const message = nudgesMessage(messagesFor(locale), many);
      expect(checkMessage(message)).toEqual([]);
      expect(message.blocks.filter((b) => b.type === 'actions')).toHaveLength(NUDGE_FINDINGS_SHOWN);
      expect(JSON.stringify(message.blocks.at(-1))).toContain(String(40 - NUDGE_FINDINGS_SHOWN));
    }
    const three = nudgesMessage(messagesFor('en'), [finding('key_rotation_due'), finding('key_unused')]);
    expect(three.text).toContain('2 things');
  });

  it('offers Request rotation only for key findings', () => {
    const ids = (ruleId: RuleId) =>
      (
        nudgeMessage(messagesFor('en'), finding(ruleId)).blocks.find((b) => b.type === 'actions') as {
          elements: { action_id: string }[];
        }
      ).elements.map((e) => e.action_id);
    expect(ids('key_rotation_due')).toEqual([
      ACTION.nudgeRotate,
      ACTION.nudgeChecklist,
      ACTION.nudgeSnooze,
      ACTION.nudgeNotMine,
    ]);
    expect(ids('console_without_mfa')).toEqual([
      ACTION.nudgeChecklist,
      ACTION.nudgeSnooze,
      ACTION.nudgeNotMine,
    ]);
  });

  it('member accounts with root credentials: a Delete button each, up to 10, the rest listed, inside Slack limits', () => {
    const roots = Array.from({ length: 14 }, (_, i) => {
      const account = String(200000000000 + i);
      return {
        ...finding('root_credentials_present', '<root_account>'),
        arn: `arn:aws:iam::${account}:root`,
      };
    });
    for (const locale of ['en', 'ko-KR']) {
      const message = digestMessage(messagesFor(locale), {
        scannedAt: '2026-06-01T10:00:00.000Z',
        counts: { root_credentials_present: 14 },
        previous: undefined,
        root: roots,
        escalations: [],
        unmapped: [],
        exempt: [],
      });
      expect(checkMessage(message)).toEqual([]);
      const buttons = message.blocks.flatMap((b) => {
        const accessory = (b as { accessory?: { action_id: string; value: string } }).accessory;
        return accessory ? [accessory] : [];
      });
      expect(buttons.map((a) => a.action_id)).toEqual(Array(10).fill(ACTION.rootDeleteRequest));
      expect(buttons.map((a) => a.value)).toEqual(roots.slice(0, 10).map((f) => f.arn.split(':')[4]));
      // The other four are named, without a button.
      for (const f of roots.slice(10)) expect(JSON.stringify(message.blocks)).toContain(f.arn.split(':')[4]);
    }
    // The bot's own root (old rules) gets no button.
    const own = digestMessage(messagesFor('en'), {
      scannedAt: '2026-06-01T10:00:00.000Z',
      counts: { root_without_mfa: 1 },
      previous: undefined,
      root: [finding('root_without_mfa', '<root_account>')],
      escalations: [],
      unmapped: [],
      exempt: [],
    });
    expect(JSON.stringify(own.blocks)).not.toContain(ACTION.rootDeleteRequest);
  });

  it('"where people are" is a table, unless the accounts have the message its one table', () => {
    const stages = { iam_keys: 12, iam_mfa_no_keys: 3, aws_login: 4, identity_center: 30, iam_other: 1 };
    const base = {
      scannedAt: '2026-06-01T10:00:00.000Z',
      counts: { key_rotation_due: 12 },
      previous: undefined,
      root: [],
      escalations: [],
      unmapped: [],
      exempt: [],
      stages,
    };
    for (const locale of ['en', 'ko-KR']) {
      const one = digestMessage(messagesFor(locale), base);
      expect(checkMessage(one)).toEqual([]);
      const table = one.blocks.find((b) => b.type === 'table') as unknown as { rows: { text: string }[][] };
      expect(table.rows.map((r) => r[1]?.text)).toEqual(['12', '3', '4', '30', '1']);
      expect(JSON.stringify(table)).not.toContain('`');
    }
    const accounts = [1, 2].map((i) => ({
      accountId: `${i}`.repeat(12),
      label: `${i}`.repeat(12),
      counts: { key_rotation_due: 6 },
      total: 6,
    }));
    const many = digestMessage(messagesFor('en'), { ...base, accounts });
    expect(checkMessage(many)).toEqual([]);
    expect(many.blocks.filter((b) => b.type === 'table')).toHaveLength(1);
    expect(JSON.stringify(many.blocks)).toContain('On IAM Identity Center: *30*');
  });

  it('keeps a digest of 5,000 unmapped and exempt users inside Slack limits', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `user-${i}@example.com`);
    const message = digestMessage(messagesFor('en'), {
      scannedAt: '2026-06-01T10:00:00.000Z',
      counts: { key_rotation_due: 5000, root_without_mfa: 1 },
      previous: { key_rotation_due: 4990 },
      root: [finding('root_without_mfa', '<root_account>')],
      escalations: many
        .slice(0, 200)
        .map((u, i) => ({ slackUserId: `U0${i}`, finding: finding('key_rotation_due', u), nudges: 3 })),
      unmapped: many,
      exempt: many.map((user) => ({ user, reason: 'CI <!channel>' })),
    });
    expect(checkMessage(message)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('+10');
    expect(text).toContain('and 4970 more');
    expect(text).not.toContain('<!channel>');
  });

  const digestFor = (accounts: number, rules: readonly string[], locale = 'en') =>
    digestMessage(messagesFor(locale), {
      scannedAt: '2026-06-01T10:00:00.000Z',
      counts: Object.fromEntries(rules.map((r) => [r, accounts])),
      previous: undefined,
      accounts: Array.from({ length: accounts }, (_, i) => ({
        accountId: String(100000000000 + i),
        label: `${100000000000 + i} (team-${i})`,
        counts: Object.fromEntries(rules.map((r) => [r, 1])),
        total: rules.length,
      })),
      unreadable: [],
      root: [],
      escalations: [],
      unmapped: [],
      exempt: [],
    });
  const tables = (message: ReturnType<typeof digestMessage>) =>
    message.blocks.filter((b) => b.type === 'table') as {
      rows: { type: string; text: string }[][];
    }[];

  it('compares accounts in one table (an account a row, a rule a column), inside Slack limits, in English and Korean', () => {
    const message = digestFor(40, ['key_rotation_due', 'key_unused', 'console_without_mfa']);
    expect(checkMessage(message)).toEqual([]);
    const [table] = tables(message);
    expect(table?.rows).toHaveLength(41);
    expect(table?.rows[0]?.map((c) => c.text)).toEqual([
      'Account',
      'Total',
      'console_without_mfa',
      'key_rotation_due',
      'key_unused',
    ]);
    expect(table?.rows[1]?.map((c) => c.text)).toEqual(['100000000000 (team-0)', '3', '1', '1', '1']);
    expect(JSON.stringify(message.blocks)).toContain('Findings by account');
    const ko = digestFor(2, ['key_unused'], 'ko-KR');
    expect(checkMessage(ko)).toEqual([]);
    expect(tables(ko)[0]?.rows[0]?.map((c) => c.text)).toEqual(['계정', '합계', 'key_unused']);
  });

  it('falls back to the list where a table would pass Slack limits: 150 accounts, or 25 rules', () => {
    for (const message of [
      digestFor(150, ['key_unused']),
      digestFor(
        3,
        Array.from({ length: 25 }, (_, i) => `rule_${i}`),
      ),
    ]) {
      expect(tables(message)).toEqual([]);
      expect(checkMessage(message)).toEqual([]);
      expect(JSON.stringify(message.blocks)).toContain('Findings by account');
    }
  });

  it('escapes what CloudTrail reports', () => {
    const message = trailMessage(messagesFor('en'), {
      kind: 'root_activity',
      eventName: 'ListBuckets',
      eventTime: '2026-06-01T10:01:00Z',
      region: 'us-east-1',
      sourceIp: '<!here>',
      userAgent: '<https://evil.example|x>',
    });
    expect(JSON.stringify(message.blocks)).not.toMatch(/<!here>|<https:/);
    expect(checkMessage(message)).toEqual([]);
  });
});
