import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { describeWithMoto } from '../helpers/aws.js';
import { useTestBot } from '../helpers/bot.js';
import { eventCallback, interaction, post, sign, slashCommand } from '../helpers/slack-requests.js';

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

describeWithMoto('an org-wide install: SLACK_TEAM_ID names the Enterprise organisation', () => {
  const ORG = 'E0FAKEORG';
  const t = useTestBot({ env: { SLACK_TEAM_ID: ORG }, trail });

  /** An app_home_opened event as an org-wide install receives it: from one workspace of the organisation. */
  const homeEvent = (userId: string, enterprise: string) =>
    sign(
      eventCallback({ type: 'app_home_opened', user: userId, tab: 'home' })
        .body.replace('"team_id":"T0FAKE"', `"team_id":"T0WORKSPACE2","enterprise_id":"${enterprise}"`)
        .replace(
          '"authorizations":[{"team_id":"T0FAKE",',
          `"authorizations":[{"enterprise_id":"${enterprise}","team_id":null,"is_enterprise_install":true,`,
        ),
      'application/json',
    );

  it("serves the organisation's workspaces — commands, events and button clicks — and refuses another organisation's", async () => {
    const who = await t.engineer();
    // A slash command from a workspace of the organisation.
    await post(
      t.baseUrl,
      slashCommand({
        user_id: who.slackUserId,
        team_id: 'T0WORKSPACE1',
        enterprise_id: ORG,
        trigger_id: t.fake.issueTriggerId(),
      }),
    );
    await t.fake.waitFor(() => t.fake.callsTo('views.open').some((c) => c.ok));

    // The Home tab from another of its workspaces, and Re-check clicked there.
    await post(t.baseUrl, homeEvent(who.slackUserId, ORG));
    await t.fake.waitFor(() => t.fake.callsTo('views.publish').some((c) => c.ok));
    const published = t.fake.callsTo('views.publish').length;
    await post(
      t.baseUrl,
      interaction({
        type: 'block_actions',
        user: { id: who.slackUserId, team_id: 'T0WORKSPACE2' },
        team: { id: 'T0WORKSPACE2', enterprise_id: ORG },
        enterprise: { id: ORG, name: 'Fake Org' },
        is_enterprise_install: true,
        api_app_id: 'A0FAKE',
        trigger_id: t.fake.issueTriggerId(),
        view: { id: 'V0HOME', type: 'home' },
        actions: [{ type: 'button', action_id: 'checklist_recheck', block_id: 'b', action_ts: '1' }],
      }),
    );
    await t.fake.waitFor(() => t.fake.callsTo('views.publish').length > published);

    // Another organisation, and a workspace outside any: acknowledged, logged, nothing done.
    await new Promise((r) => setTimeout(r, 500));
    const opened = t.fake.callsTo('views.open').length;
    const publishedNow = t.fake.callsTo('views.publish').length;
    for (const foreign of [
      slashCommand({
        user_id: who.slackUserId,
        team_id: 'T0ELSEWHERE',
        enterprise_id: 'E0OTHERORG',
        trigger_id: t.fake.issueTriggerId(),
      }),
      slashCommand({ user_id: who.slackUserId, team_id: 'T0FAKE', trigger_id: t.fake.issueTriggerId() }),
      homeEvent(who.slackUserId, 'E0OTHERORG'),
    ])
      expect((await post(t.baseUrl, foreign)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(t.fake.callsTo('views.open')).toHaveLength(opened);
    expect(t.fake.callsTo('views.publish')).toHaveLength(publishedNow);
    expect(t.logs.filter((l) => l.msg === 'refused a payload from another organisation')).toHaveLength(3);
  });
});
