import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ACTION } from '../../src/kernel/slack/action-ids.js';
import { type AwsProxy, startAwsProxy } from '../fakes/aws-proxy.js';
import { describeWithMoto, motoUrl } from '../helpers/aws.js';
import { type Engineer, openChecklistView, useTestBot } from '../helpers/bot.js';
import { interaction, post, slashCommand } from '../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('attack: making the bot read AWS again and again for one person', () => {
  let proxy: AwsProxy;
  let who: Engineer;

  beforeAll(async () => {
    proxy = await startAwsProxy(motoUrl);
  });
  afterAll(() => proxy.stop());
  const t = useTestBot({ awsEndpoint: () => proxy.url, trail });
  beforeEach(async () => {
    who = await t.engineer({ mfa: true });
    await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
  });

  const iamCalls = () => proxy.total();
  /** Until AWS has been quiet for a moment: a checklist's verdict is confirmed with the simulator after it is shown. */
  async function settled() {
    for (let last = -1; last !== iamCalls(); ) {
      last = iamCalls();
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  it('40 forged account-picker selections after one checklist read nothing more from IAM', async () => {
    const { viewId } = await openChecklistView(t, who);
    await settled();
    const after = iamCalls();
    const snap = proxy.snapshot();
    const updates = t.fake.callsTo('views.update').length;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(
          t.baseUrl,
          interaction({
            type: 'block_actions',
            user: { id: who.slackUserId },
            team: { id: 'T0FAKE' },
            api_app_id: 'A0FAKE',
            trigger_id: t.fake.issueTriggerId(),
            view: { id: viewId, type: 'modal' },
            actions: [
              {
                type: 'static_select',
                action_id: ACTION.checklistAccount,
                block_id: 'b',
                action_ts: '1',
                selected_option: { value: String(100000000000 + i) },
              },
            ],
          }),
        ),
      ),
    );
    // Each selection redraws the modal (loading, then filled), from the facts already read.
    await t.fake.waitFor(() => t.fake.callsTo('views.update').length >= updates + 80);
    await settled();
    expect([...proxy.snapshot()].filter(([a, n]) => n > (snap.get(a) ?? 0))).toEqual([]);
    expect(iamCalls() - after).toBe(0);
  });

  it('40 `/aws-mfa rotate` and 40 `/aws-mfa lost-device` read the keys and the devices once each', async () => {
    const before = { keys: proxy.count('ListAccessKeys'), devices: proxy.count('ListMFADevices') };
    const updates = t.fake.callsTo('views.update').filter((c) => c.ok).length;
    for (const text of ['rotate', 'lost-device'])
      await Promise.all(
        Array.from({ length: 40 }, () =>
          post(
            t.baseUrl,
            slashCommand({ user_id: who.slackUserId, text, trigger_id: t.fake.issueTriggerId() }),
          ),
        ),
      );
    await t.fake.waitFor(() => t.fake.callsTo('views.update').filter((c) => c.ok).length >= updates + 80);
    expect(proxy.count('ListAccessKeys') - before.keys).toBe(1);
    expect(proxy.count('ListMFADevices') - before.devices).toBe(1);
  });
});
