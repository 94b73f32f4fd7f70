import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsOnPort } from '../src/adapters/slack/app.js';
import { describeWithMoto } from './helpers/aws.js';
import { startTestBot, type TestBot, useTestBot } from './helpers/bot.js';
import { post, slashCommand } from './helpers/slack-requests.js';
import { freePort } from './setup/moto-server.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('GET /metrics', () => {
  // Its own port, as an operator sets METRICS_PORT for Prometheus.
  const t = useTestBot({ env: async () => ({ METRICS_PORT: String(await freePort()) }), trail });

  it('reports Slack requests, ack latency, AWS calls, jobs, the outbox and rotations, with no person in any label', async () => {
    const who = await t.engineer();
    await post(t.baseUrl, slashCommand({ user_id: who.slackUserId, trigger_id: t.fake.issueTriggerId() }));
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    await t.bot.runJobs();

    const res = await fetch(`http://127.0.0.1:${t.bot.metricsPort}/metrics`);
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

describeWithMoto(
  'attack: an unauthenticated scrape of /metrics on the port Slack must reach (HTTP mode)',
  () => {
    let t: TestBot | undefined;
    afterEach(() => t?.stop());

    it('answers 404 on PORT, by default and with METRICS_PORT elsewhere; only METRICS_PORT serves it', async () => {
      trail.reset();
      trail.on(LookupEventsCommand).resolves({ Events: [] });
      t = await startTestBot();
      expect(t.bot.metricsPort).toBeUndefined();
      expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404);
      expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
      await t.stop();

      t = await startTestBot({ METRICS_PORT: String(await freePort()) });
      expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404);
      const own = await fetch(`http://127.0.0.1:${t.bot.metricsPort}/metrics`);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('aws_mfa_bot_slack_requests_total');
      // Nothing else is served there: no Slack endpoint, no health check.
      expect(
        (await fetch(`http://127.0.0.1:${t.bot.metricsPort}/slack/events`, { method: 'POST' })).status,
      ).toBe(404);
    });
  },
);

describe('where GET /metrics is served', () => {
  const config = (metricsPort: number | undefined, socket: boolean) =>
    ({ metricsPort, port: 3000, slack: { appToken: socket ? 'xapp-1' : undefined } }) as const;
  it.each([
    ['HTTP mode, METRICS_PORT unset: not on PORT (Slack reaches it)', undefined, false, false],
    ['Socket Mode, METRICS_PORT unset: on PORT (nobody outside reaches it)', undefined, true, true],
    ['METRICS_PORT elsewhere: not on PORT, in either mode', 9100, false, false],
    ['METRICS_PORT equal to PORT: on PORT, as the operator says', 3000, false, true],
  ] as const)('%s', (_name, metricsPort, socket, onPort) => {
    expect(metricsOnPort(config(metricsPort, socket) as never)).toBe(onPort);
  });
});

describeWithMoto('settings that weaken a defence, at start', () => {
  it('are each logged once as the bot starts', async () => {
    trail.reset();
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    const t = await startTestBot({ PRIVILEGED_APPROVALS: '1', EMAIL_MAPPING_TRUST_HOURS: '0' });
    try {
      await t.bot.runJobs();
      const lines = t.logs.filter((l) => l.msg === 'a setting weakens a defence');
      expect(lines.map((l) => l.variable)).toEqual(['EMAIL_MAPPING_TRUST_HOURS', 'PRIVILEGED_APPROVALS']);
      expect(lines.every((l) => l.level === 40)).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
