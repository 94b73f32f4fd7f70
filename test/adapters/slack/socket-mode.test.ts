import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithMoto } from '../../helpers/aws.js';
import { startTestBot, type TestBot } from '../../helpers/bot.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('Socket Mode', () => {
  let t: TestBot;

  beforeAll(async () => {
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    t = await startTestBot({}, { socketMode: true });
    await t.fake.waitFor(() => t.fake.socketConnections > 0);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('connects through SLACK_API_URL with the app-level token', () => {
    expect(t.fake.callsTo('apps.connections.open')).toEqual([expect.objectContaining({ ok: true })]);
  });

  it('acks /aws-mfa over the socket and opens the checklist modal', async () => {
    const who = await t.engineer();
    const ack = await t.fake.sendEnvelope('slash_commands', {
      command: '/aws-mfa',
      text: '',
      user_id: who.slackUserId,
      team_id: 'T0FAKE',
      channel_id: 'C0GENERAL1',
      trigger_id: t.fake.issueTriggerId(),
      response_url: t.fake.responseUrl(),
      api_app_id: 'A0FAKE',
    });
    expect(ack).toEqual({});
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    expect(t.fake.callsTo('views.open')[0]?.ok).toBe(true);
    expect(JSON.stringify(t.fake.callsTo('views.update').at(-1)?.args.view)).toContain('1. MFA device');
  });

  it('answers help in the ack payload', async () => {
    const who = await t.engineer();
    const ack = await t.fake.sendEnvelope('slash_commands', {
      command: '/aws-mfa',
      text: 'help',
      user_id: who.slackUserId,
      team_id: 'T0FAKE',
      api_app_id: 'A0FAKE',
    });
    expect(ack).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack)).toContain('/aws-mfa session');
  });

  it('serves health checks on PORT in Socket Mode too, reporting the connection', async () => {
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { socket: true } });
  });
});
