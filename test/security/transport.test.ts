import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { describeWithMoto } from '../helpers/aws.js';
import { useTestBot } from '../helpers/bot.js';
import { eventCallback, post, sign, slashCommand } from '../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('attack: requests from the wrong time or the wrong workspace', () => {
  const t = useTestBot({ env: { SLACK_TEAM_ID: 'T0FAKE' }, trail });

  it('refuses a correctly signed request dated more than five minutes ahead; four minutes ahead is fine', async () => {
    const who = await t.engineer();
    const ahead = (minutes: number) =>
      slashCommand(
        { user_id: who.slackUserId, trigger_id: t.fake.issueTriggerId() },
        { timestamp: Math.floor(Date.now() / 1000) + minutes * 60 },
      );
    expect((await post(t.baseUrl, ahead(6))).status).toBe(401);
    expect(t.fake.callsTo('views.open')).toEqual([]);
    expect(t.logs.filter((l) => l.msg === 'refused a request dated in the future')).toHaveLength(1);
    expect((await post(t.baseUrl, ahead(4))).status).toBe(200);
    await t.fake.waitFor(() => t.fake.callsTo('views.open').some((c) => c.ok));
  });

  it('with SLACK_TEAM_ID, acknowledges and ignores payloads from another workspace', async () => {
    const who = await t.engineer();
    const foreign = await post(
      t.baseUrl,
      slashCommand({ user_id: who.slackUserId, team_id: 'T0OTHER', trigger_id: t.fake.issueTriggerId() }),
    );
    expect(foreign.status).toBe(200);
    const home = eventCallback({ type: 'app_home_opened', user: who.slackUserId, tab: 'home' });
    const foreignHome = sign(
      home.body.replace('"team_id":"T0FAKE"', '"team_id":"T0OTHER"'),
      'application/json',
    );
    expect((await post(t.baseUrl, foreignHome)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(t.fake.callsTo('views.open')).toEqual([]);
    expect(t.fake.callsTo('views.publish')).toEqual([]);
    expect(t.logs.filter((l) => l.msg === 'refused a payload from another workspace')).toHaveLength(2);

    // The same event from the configured workspace is served.
    await post(t.baseUrl, home);
    await t.fake.waitFor(() => t.fake.callsTo('views.publish').some((c) => c.ok));
  });
});
