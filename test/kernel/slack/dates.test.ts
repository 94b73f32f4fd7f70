import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateChecklist } from '../../../src/features/checklist/domain/checklist.js';
import { checklistBlocks } from '../../../src/features/checklist/slack/blocks.js';
import type { KeyRetirement } from '../../../src/features/key-retirement/domain.js';
import { retiredMessage } from '../../../src/features/key-retirement/slack/blocks.js';
import { approvalMessage } from '../../../src/features/rotation/slack/blocks.js';
import { trailMessage } from '../../../src/features/trail-signals/slack/blocks.js';
import { messagesFor } from '../../../src/i18n/messages.js';
import { slackDate, slackMinute } from '../../../src/kernel/slack/mrkdwn.js';
import { checkMessage } from '../../fakes/block-kit-limits.js';
import { completeFacts, NOW } from '../../fixtures/facts.js';
import { request, T0 } from '../../fixtures/rotation.js';

const TOKEN = /<!date\^\d+\^\{date_num\}( \{time\})?\|[^>]+>/;
const texts = (m: { text: string; blocks: unknown[] }) => `${m.text} ${JSON.stringify(m.blocks)}`;

describe("times in each reader's time zone", () => {
  it('a minute is a Slack date token in the reader’s zone, with the UTC time as its fallback', () => {
    const at = Date.parse('2026-06-01T09:05:00Z');
    expect(slackMinute(at)).toBe(`<!date^${at / 1000}^{date_num} {time}|2026-06-01 09:05 UTC>`);
    expect(slackDate(new Date(at))).toBe(`<!date^${at / 1000}^{date_num}|2026-06-01>`);
    expect(slackMinute(undefined)).toBe('—');
  });

  it('no message in the catalog writes "UTC" after a time: every time is a token, its fallback says UTC', () => {
    const catalog = readFileSync('src/i18n/messages.ts', 'utf8');
    expect(catalog).not.toMatch(/\}\s*UTC/);
  });

  for (const locale of ['en', 'ko-KR']) {
    const m = messagesFor(locale);
    it(`messages that show a time carry a date token (${locale}), inside Slack limits`, () => {
      const retired: KeyRetirement = {
        id: 'FAKE-KEY-ID-1',
        state: 'deactivated',
        iamUser: 'alice',
        iamUserArn: 'arn:aws:iam::123456789012:user/alice',
        accountId: '123456789012',
        ownerSlackId: 'U0ALICE',
        actor: 'U0ALICE',
        source: 'owner',
        deactivatedAt: T0,
        deleteAfter: T0 + 7 * 86_400_000,
        deletedAt: undefined,
        reactivatedAt: undefined,
        reactivatedUntil: undefined,
        leaseUntil: undefined,
        leaseHolder: undefined,
        createdAt: T0,
        updatedAt: T0,
      };
      const decided = request({ state: 'approved', decidedBy: 'U0BOB', decidedAt: T0 + 60_000 });
      const messages = [
        retiredMessage(m, retired),
        approvalMessage(m, decided, ['U0BOB']),
        trailMessage(m, {
          kind: 'root_activity',
          eventName: 'ConsoleLogin',
          eventTime: '2026-06-01T10:42:00Z',
          region: 'us-east-1',
          sourceIp: '203.0.113.9',
          userAgent: undefined,
        }),
      ];
      for (const message of messages) {
        expect(texts(message)).toMatch(TOKEN);
        expect(checkMessage(message)).toEqual([]);
      }
      const checklist = checklistBlocks(
        m,
        evaluateChecklist(completeFacts(), NOW, { keyMaxAgeDays: 90, keyUnusedDays: 45 }),
        {
          keyMaxAgeDays: 90,
          keyUnusedDays: 45,
          checkedAt: NOW,
        },
      );
      expect(JSON.stringify(checklist)).toMatch(TOKEN);
    });
  }

  it('a CloudTrail time that is not a time is shown inert, not as a token', () => {
    const message = trailMessage(messagesFor('en'), {
      kind: 'root_activity',
      eventName: 'ConsoleLogin',
      eventTime: '<!channel> soon',
      region: 'us-east-1',
      sourceIp: undefined,
      userAgent: undefined,
    });
    expect(texts(message)).not.toContain('<!channel>');
    expect(texts(message)).not.toMatch(TOKEN);
  });
});
