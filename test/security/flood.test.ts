import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { describeWithMoto } from '../helpers/aws.js';
import { type Engineer, useTestBot } from '../helpers/bot.js';
import { post, slashCommand } from '../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('attack: one person floods /aws-mfa', () => {
  const t = useTestBot({ trail });

  /** Sends `/aws-mfa` as the engineer; resolves with the ID of the modal it opened. */
  async function open(who: Engineer): Promise<string> {
    const triggerId = t.fake.issueTriggerId();
    await post(t.baseUrl, slashCommand({ user_id: who.slackUserId, trigger_id: triggerId }));
    await t.fake.waitFor(() =>
      t.fake.callsTo('views.open').some((c) => c.ok && c.args.trigger_id === triggerId),
    );
    const opened = t.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId);
    return String((opened?.result?.view as { id?: string } | undefined)?.id);
  }
  const filled = (viewId: string) =>
    t.fake.callsTo('views.update').some((c) => c.ok && c.args.view_id === viewId);

  it('40 commands at once cost one read of AWS; everyone else is answered as usual', async () => {
    const flooder = await t.engineer();
    const other = await t.engineer();
    const views = await Promise.all(Array.from({ length: 40 }, () => open(flooder)));
    const theirs = await open(other);
    await t.fake.waitFor(() => [...views, theirs].every(filled), 15_000);
    // One look-up (two regions) for the flooder's 40, one for the other person.
    expect(trail.commandCalls(LookupEventsCommand).length).toBeLessThanOrEqual(4);
  });

  it('a burst of people on a busy account: CloudTrail is read once for all of them; the jobs keep their own budget', async () => {
    // A busy account: the GetSessionToken query pages (four pages a region at most).
    trail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetSessionToken' }],
      })
      .resolves({ Events: [], NextToken: 'more' });
    const people = await Promise.all(Array.from({ length: 8 }, () => t.engineer()));
    const views = await Promise.all(people.map((p) => open(p)));
    // The CloudTrail signals job starts behind that burst and still finishes before the checklists do.
    let signalsDone = 0;
    const signals = t.bot.trailSignals().then((report) => {
      signalsDone = Date.now();
      return report;
    });
    await t.fake.waitFor(() => views.every(filled), 45_000);
    const lastFilled = Math.max(
      ...t.fake
        .callsTo('views.update')
        .filter((c) => views.includes(String(c.args.view_id)))
        .map((c) => c.at),
    );
    await expect(signals).resolves.toMatchObject({ denied: false });
    expect(signalsDone).toBeLessThan(lastFilled);
    const sessionLookups = trail
      .commandCalls(LookupEventsCommand)
      .filter((c) => c.args[0].input.LookupAttributes?.[0]?.AttributeValue === 'GetSessionToken');
    // Two regions, four pages each, for all eight people together.
    expect(sessionLookups.length).toBeLessThanOrEqual(8);
  }, 60_000);
});
