import { describe, expect, it } from 'vitest';
import { evaluateChecklist } from '../../../../src/features/checklist/domain/checklist.js';
import { evaluateMfaPolicies, GUIDE_POLICY } from '../../../../src/features/checklist/domain/mfa-policy.js';
import { checklistBlocks, home } from '../../../../src/features/checklist/slack/blocks.js';
import { helpBlocks } from '../../../../src/features/checklist/slack/help-blocks.js';
import { policyBlocks } from '../../../../src/features/checklist/slack/policy-blocks.js';
import { sessionBlocks } from '../../../../src/features/checklist/slack/session-blocks.js';
import { noticeMessage } from '../../../../src/features/rotation/slack/blocks.js';
import { messagesFor } from '../../../../src/i18n/messages.js';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { modal } from '../../../../src/kernel/slack/modal.js';
import { checkMessage, checkView } from '../../../fakes/block-kit-limits.js';
import { completeFacts, daysAgo, key, NOW } from '../../../fixtures/facts.js';
import { request } from '../../../fixtures/rotation.js';

const options = { keyMaxAgeDays: 90, keyUnusedDays: 45, checkedAt: NOW };
const en = messagesFor('en-US');
const ko = messagesFor('ko-KR');
const render = (facts = completeFacts(), m = en) =>
  checklistBlocks(m, evaluateChecklist(facts, NOW, { keyMaxAgeDays: 90, keyUnusedDays: 45 }), options);

describe('checklist blocks', () => {
  it('renders header, summary, six steps, practices and the buttons', () => {
    const blocks = render();
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'divider',
      'section',
      // Step 1 with a device assigned: "Lost or broken device?"
      'actions',
      'section',
      'section',
      'section',
      'section',
      'section',
      'divider',
      'section',
      'section',
      'actions',
      'context',
    ]);
    const [lost, actions] = blocks.filter((b) => b.type === 'actions') as {
      elements: { action_id: string; value?: string }[];
    }[];
    expect(lost?.elements.map((e) => e.action_id)).toEqual([ACTION.lostDeviceOpen]);
    if (!actions) throw new Error('no actions block');
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      ACTION.recheck,
      ACTION.showSession,
      ACTION.requestRotation,
    ]);
    expect(JSON.parse(actions.elements[1]?.value ?? '')).toEqual({
      serial: 'arn:aws:iam::123456789012:mfa/alice',
      region: 'ap-northeast-2',
      expected: false,
    });
    expect(JSON.stringify(blocks)).toContain(
      '*6 of 6* steps done for IAM user `alice` in account `123456789012`',
    );
  });

  it('stays inside Slack limits in a modal and the Home tab, even for a crowded user', () => {
    const devices = Array.from({ length: 8 }, (_, i) => ({
      serialNumber: `arn:aws:iam::123456789012:mfa/${'x'.repeat(60)}-${i}`,
      type: 'virtual' as const,
      enableDate: daysAgo(i),
    }));
    const policies = Array.from({ length: 30 }, (_, i) => ({
      source: {
        kind: 'group-managed' as const,
        groupName: `g${'y'.repeat(100)}${i}`,
        policyName: `p${i}`,
        policyArn: `arn:aws:iam::123456789012:policy/p${i}`,
      },
      document: GUIDE_POLICY,
    }));
    const crowded = completeFacts({
      mfaDevices: { state: 'ok', value: devices },
      accessKeys: {
        state: 'ok',
        value: [key({ createDate: daysAgo(400) }), key({ accessKeyId: 'FAKEKEY002', lastUsed: undefined })],
      },
      policies: { state: 'ok', value: policies },
    });
    for (const m of [en, ko]) {
      const blocks = render(crowded, m);
      expect(checkView(modal(m, blocks))).toEqual([]);
      expect(checkView(home(blocks))).toEqual([]);
    }
  });

  it('escapes text that comes from AWS', () => {
    const hostile = completeFacts({
      accessKeys: {
        state: 'ok',
        value: [key({ lastUsed: { date: daysAgo(1), serviceName: '<!channel>', region: '<@U0BOSS>' } })],
      },
    });
    const text = JSON.stringify(render(hostile));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0BOSS>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('says why a step could not be checked', () => {
    const text = JSON.stringify(
      render(
        completeFacts({
          mfaDevices: {
            state: 'failed',
            reason: { kind: 'access_denied', action: 'iam:ListMFADevices', code: 'AccessDenied' },
          },
        }),
      ),
    );
    expect(text).toContain("Couldn't check: the bot's AWS role is not allowed to call `iam:ListMFADevices`");
  });

  it('speaks Korean with the same structure', () => {
    const blocks = render(completeFacts({ mfaDevices: { state: 'ok', value: [] } }), ko);
    const text = JSON.stringify(blocks);
    for (const title of Object.values(ko.steps)) expect(text).toContain(title);
    expect(text).toContain('Assign MFA device');
    expect(modal(ko, blocks).title.text).toBe('AWS MFA 체크리스트');
    expect(blocks.map((b) => b.type)).toEqual(
      render(completeFacts({ mfaDevices: { state: 'ok', value: [] } })).map((b) => b.type),
    );
  });
});

describe('other blocks', () => {
  it('session commands carry the serial and region, quoted for the shell', () => {
    const blocks = sessionBlocks(en, {
      serial: 'arn:aws:iam::123456789012:mfa/alice',
      expected: false,
      region: 'ap-northeast-2',
    });
    const text = JSON.stringify(blocks);
    expect(text).toContain("--serial-number 'arn:aws:iam::123456789012:mfa/alice' --token-code");
    expect(text).toContain("export AWS_REGION='ap-northeast-2'");
    expect(checkMessage({ blocks })).toEqual([]);
  });

  it('policy blocks fit a message and show both policies', () => {
    const verdict = evaluateMfaPolicies(
      [{ source: { kind: 'user-inline', policyName: 'RequireMFA' }, document: GUIDE_POLICY }],
      { userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', tags: {} },
    );
    for (const m of [en, ko]) {
      const blocks = policyBlocks(m, verdict);
      expect(checkMessage({ blocks })).toEqual([]);
      expect(JSON.stringify(blocks)).toContain('BlockMostAccessUnlessSignedInWithMFA');
    }
  });

  it('help echoes unknown text escaped and short', () => {
    const blocks = helpBlocks(en, `<!here> ${'a'.repeat(5000)}`);
    const text = JSON.stringify(blocks);
    expect(text).not.toContain('<!here>');
    expect(text.length).toBeLessThan(1500);
    expect(checkMessage({ blocks })).toEqual([]);
  });
});

describe('rotation notices', () => {
  const ctx = { region: 'ap-northeast-2', deleteDays: 7 };
  it.each([en, ko])('say what their transition did, not what the request became since ($locale)', (m) => {
    const failed = request({ state: 'failed', failure: 'storing the new key failed' });
    const approved = noticeMessage(
      m,
      { kind: 'request_decided', requestId: failed.id, state: 'approved' },
      failed,
      ctx,
    );
    const then = noticeMessage(
      m,
      { kind: 'request_decided', requestId: failed.id, state: 'failed' },
      failed,
      ctx,
    );
    expect(approved.text).toBe(m.rotation.decided.approved(`\`${failed.oldKeyId}\``));
    expect(then.text).toContain('storing the new key failed');
    for (const message of [approved, then]) expect(checkMessage(message)).toEqual([]);
  });

  it('keep a CloudTrail user agent inert in the security alert', () => {
    const r = request({ state: 'delivered', deactivateAfter: NOW.getTime() });
    const alert = noticeMessage(
      en,
      {
        kind: 'old_key_in_use_alert',
        requestId: r.id,
        outcome: 'postponed',
        events: [
          {
            eventTime: NOW.toISOString(),
            eventName: 'ListUsers',
            eventSource: 'iam.amazonaws.com',
            region: 'us-east-1',
            sourceIp: '203.0.113.9',
            userAgent: 'x\n*bold* <https://evil.example|click> <!here>',
          },
        ],
      },
      r,
      ctx,
    );
    const text = JSON.stringify(alert.blocks);
    expect(text).toContain('`x *bold* &lt;https://evil.example|click&gt; &lt;!here&gt;`');
    expect(text).not.toContain('<!here>');
    expect(checkMessage(alert)).toEqual([]);
  });
});

describe('counts read as English counts (Intl.PluralRules)', () => {
  it.each([
    [1, '1 more AWS account'],
    [2, '2 more AWS accounts'],
    [0, '0 more AWS accounts'],
  ])('%i → %s', async (n, text) => {
    const { messagesFor } = await import('../../../../src/i18n/messages.js');
    expect(messagesFor('en').moreAccounts(n)).toBe(text);
  });

  it('one thing to fix, one mapping trusted', async () => {
    const { messagesFor } = await import('../../../../src/i18n/messages.js');
    const m = messagesFor('en');
    expect(m.nudge.summary(1)).toBe('1 thing to fix in AWS');
    expect(m.nudge.summary(3)).toBe('3 things to fix in AWS');
    expect(m.digest.mappingsTrusted(1, 'ops')).toContain('ops trusted 1 e-mail mapping (');
  });
});
