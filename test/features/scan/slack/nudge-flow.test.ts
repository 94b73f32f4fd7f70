import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { ACTION, INPUT } from '../../../../src/kernel/slack/action-ids.js';
import { describeWithMoto } from '../../../helpers/aws.js';
import { type Engineer, testClock, useTestBot } from '../../../helpers/bot.js';

const trail = mockClient(CloudTrailClient);
type Json = Record<string, unknown>;

describeWithMoto('scan and nudges through the real Bolt app, with the clock moved forward', () => {
  let owner: Engineer & { keyId: string };
  // 100 days from now, at 10:00 UTC: every key created today is past KEY_MAX_AGE_DAYS, and it is working hours.
  const later = new Date(Date.now() + 100 * 86_400_000);
  later.setUTCHours(10, 0, 0, 0);
  const clock = testClock(later);

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY', NUDGE_REPEAT_DAYS: '1' }, clock, trail });
  beforeEach(async () => {
    const who = await t.engineer({ mfa: false });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    owner = { ...who, keyId: key.AccessKey?.AccessKeyId ?? '' };
  });

  const nudgesTo = (channel: string) =>
    t.fake
      .callsTo('chat.postMessage')
      .filter(
        (c) => c.args.channel === channel && JSON.stringify(c.args.blocks ?? []).includes(ACTION.nudgeSnooze),
      );

  function buttonsOf(args: Json | undefined): { action_id: string; value: string }[] {
    const actions = ((args?.blocks ?? []) as Json[]).find((b) => b.type === 'actions');
    return (actions?.elements ?? []) as { action_id: string; value: string }[];
  }

  const click = (actionId: string, value: string) =>
    t.clickMessageButton(owner.slackUserId, owner.slackUserId, actionId, value);

  /** The findings a nudge DM lists, in order: the rule of each section followed by an actions block. */
  const actionBlocks = (args: Json | undefined) =>
    ((args?.blocks ?? []) as Json[]).filter((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    }[];
  const ruleOf = (value: string) => (JSON.parse(value) as { subject: string }).subject.split(':')[0];

  it('DMs the owner once listing every finding, most severe first, with working buttons; a second scan sends nothing', async () => {
    const first = await t.bot.scan({ dryRun: false });
    const mine = first.items.filter((i) => i.finding.user === owner.userName);
    // The new key is past KEY_MAX_AGE_DAYS and was never used, and the user has no MFA: three findings, one DM.
    expect(mine.map((i) => [i.finding.ruleId, i.outcome]).sort()).toEqual([
      ['key_rotation_due', 'send'],
      ['key_unused', 'send'],
      ['keys_without_mfa', 'send'],
    ]);

    const dms = nudgesTo(owner.slackUserId);
    expect(dms).toHaveLength(1);
    const groups = actionBlocks(dms[0]?.args);
    expect(groups.map((g) => ruleOf(g.elements[0]?.value ?? ''))).toEqual(['rotation', 'unused', 'keys_mfa']);
    expect(groups.map((g) => g.elements.map((e) => e.action_id))).toEqual([
      [ACTION.nudgeRotate, ACTION.nudgeChecklist, ACTION.nudgeSnooze, ACTION.nudgeNotMine],
      [
        ACTION.nudgeRotate,
        ACTION.nudgeRetire,
        ACTION.nudgeChecklist,
        ACTION.nudgeSnooze,
        ACTION.nudgeNotMine,
      ],
      [ACTION.nudgeChecklist, ACTION.nudgeSnooze, ACTION.nudgeNotMine],
    ]);
    const elements = groups[0]?.elements ?? [];
    const digest = t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SECURITY');
    expect(digest).toHaveLength(1);
    expect(JSON.stringify(digest[0]?.args.blocks)).toContain('key_rotation_due');

    const second = await t.bot.scan({ dryRun: false });
    expect(second.items.filter((i) => i.finding.user === owner.userName).map((i) => i.outcome)).toEqual([
      'recently_sent',
      'recently_sent',
      'recently_sent',
    ]);
    expect(nudgesTo(owner.slackUserId)).toHaveLength(1);

    // Request rotation: the rotation modal, with the nudged key preselected.
    const rotate = elements.find((e) => e.action_id === ACTION.nudgeRotate);
    await click(ACTION.nudgeRotate, rotate?.value ?? '').sent;
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    const modal = t.fake.callsTo('views.update').at(-1)?.args.view as Json;
    const select = (
      modal.blocks as { block_id?: string; element?: { initial_option?: { value: string } } }[]
    ).find((b) => b.block_id === INPUT.key);
    expect(select?.element?.initial_option?.value).toBe(owner.keyId);

    // Snooze: answered only to the owner.
    const snooze = click(
      ACTION.nudgeSnooze,
      elements.find((e) => e.action_id === ACTION.nudgeSnooze)?.value ?? '',
    );
    await snooze.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === snooze.path));
    expect(t.fake.responses.find((r) => r.path === snooze.path)?.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Snoozed until'),
    });
  });

  it('snoozing one finding leaves the others due: the next DM lists only those', async () => {
    await t.bot.scan({ dryRun: false });
    const unused = actionBlocks(nudgesTo(owner.slackUserId)[0]?.args).find(
      (g) => ruleOf(g.elements[0]?.value ?? '') === 'unused',
    );
    const snooze = unused?.elements.find((e) => e.action_id === ACTION.nudgeSnooze);
    const clicked = click(ACTION.nudgeSnooze, snooze?.value ?? '');
    await clicked.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === clicked.path));

    clock.advance(2 * 86_400_000); // past NUDGE_REPEAT_DAYS (1 here), inside the 7-day snooze
    const third = await t.bot.scan({ dryRun: false });
    expect(
      third.items
        .filter((i) => i.finding.user === owner.userName)
        .map((i) => [i.finding.ruleId, i.outcome])
        .sort(),
    ).toEqual([
      ['key_rotation_due', 'send'],
      ['key_unused', 'snoozed'],
      ['keys_without_mfa', 'send'],
    ]);
    const dms = nudgesTo(owner.slackUserId);
    expect(dms).toHaveLength(2);
    expect(actionBlocks(dms[1]?.args).map((g) => ruleOf(g.elements[0]?.value ?? ''))).toEqual([
      'rotation',
      'keys_mfa',
    ]);
  });

  it('--dry-run finds the same and sends nothing', async () => {
    const before = t.fake.calls.length;
    const dry = await t.bot.scan({ dryRun: true });
    expect(dry.items.find((i) => i.finding.user === owner.userName)).toMatchObject({
      outcome: 'send',
      finding: { ruleId: 'key_rotation_due' },
    });
    expect(t.fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    const real = await t.bot.scan({ dryRun: false });
    expect(real.items.find((i) => i.finding.user === owner.userName)?.outcome).toBe('send');
  });

  it('tells the security channel when someone says an account is not theirs', async () => {
    await t.bot.scan({ dryRun: false });
    const value = buttonsOf(nudgesTo(owner.slackUserId)[0]?.args).find(
      (e) => e.action_id === ACTION.nudgeNotMine,
    )?.value;
    const notMine = click(ACTION.nudgeNotMine, value ?? '');
    await notMine.sent;
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some((c) => c.args.channel === 'C0SECURITY' && JSON.stringify(c.args).includes('not theirs')),
    );
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === notMine.path));
  });
});
