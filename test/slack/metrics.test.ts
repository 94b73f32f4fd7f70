import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithMoto } from '../helpers/aws.js';
import { startTestBot, type TestBot } from '../helpers/bot.js';
import { post, slashCommand } from '../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('GET /metrics', () => {
  let t: TestBot;
  beforeEach(async () => {
    trail.reset();
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    t = await startTestBot();
  });
  afterEach(() => t.stop());

  it('reports Slack requests, ack latency, AWS calls, jobs, the outbox and rotations, with no person in any label', async () => {
    const who = await t.engineer();
    await post(t.baseUrl, slashCommand({ user_id: who.slackUserId, trigger_id: t.fake.issueTriggerId() }));
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    await t.bot.runJobs();

    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('aws_mfa_bot_slack_requests_total{type="command",outcome="ok"} 1');
    expect(text).toMatch(/aws_mfa_bot_slack_ack_seconds_count \d+/);
    expect(text).toMatch(/aws_mfa_bot_aws_calls_total\{operation="iam:ListMFADevices",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/aws_mfa_bot_job_runs_total\{job="rotation",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/aws_mfa_bot_job_last_success_timestamp_seconds\{job="rotation"\} \d+/);
    expect(text).toMatch(/aws_mfa_bot_outbox_depth \d+/);
    expect(text).toMatch(/aws_mfa_bot_outbox_oldest_age_seconds \d+/);
    expect(text).toContain('# TYPE aws_mfa_bot_rotations gauge');
    for (const personal of [who.userName, who.slackUserId, '@example.com'])
      expect(text).not.toContain(personal);
  });
});
