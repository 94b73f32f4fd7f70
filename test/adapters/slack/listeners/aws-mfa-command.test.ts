import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AttachUserPolicyCommand, CreatePolicyCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { GUIDE_POLICY } from '../../../../src/features/checklist/domain/mfa-policy.js';
import { PERSON_REFRESH_MIN_MS } from '../../../../src/kernel/people/person-reads.js';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { startSlowProxy } from '../../../fakes/slow-proxy.js';
import { describeWithMoto, motoUrl, unique } from '../../../helpers/aws.js';
import { type Engineer, startTestBot, testClock, useTestBot } from '../../../helpers/bot.js';
import { buttonClick, eventCallback, post, slashCommand } from '../../../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);

const blocksText = (view: Record<string, unknown> | undefined) => JSON.stringify(view?.blocks ?? []);

/** The checklist step sections, by their title, as rendered. */
function stepText(view: Record<string, unknown> | undefined, title: string): string {
  const blocks = (view?.blocks ?? []) as { text?: { text?: string } }[];
  return blocks.map((b) => b.text?.text ?? '').find((t) => t.includes(title)) ?? '';
}

describeWithMoto('/aws-mfa through the real Bolt app', () => {
  const clock = testClock();

  const t = useTestBot({ clock, trail });

  async function openChecklist(who: Engineer) {
    const triggerId = t.fake.issueTriggerId();
    const res = await post(
      t.baseUrl,
      slashCommand({ user_id: who.slackUserId, trigger_id: triggerId, response_url: t.fake.responseUrl() }),
    );
    expect(res.status).toBe(200);
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    const open = t.fake.callsTo('views.open')[0];
    expect(open?.ok).toBe(true);
    const update = t.fake.callsTo('views.update').at(-1);
    return { viewId: String(update?.args.view_id), view: update?.args.view as Record<string, unknown> };
  }

  it('shows a new engineer without MFA step 1 open with the next action, and Re-check sees the device', async () => {
    const who = await t.engineer();
    const { viewId, view } = await openChecklist(who);

    // The loading modal went out first, then the filled one replaced it.
    expect(blocksText(t.fake.callsTo('views.open')[0]?.args.view as Record<string, unknown>)).toContain(
      'Checking your AWS account',
    );
    expect(stepText(view, '1. MFA device')).toContain('to do');
    expect(stepText(view, '1. MFA device')).toContain('Assign MFA device');
    expect(stepText(view, '6. Temporary credentials')).toContain(
      `arn:aws:iam::123456789012:mfa/${who.userName}`,
    );
    // Without IAM Identity Center configured the checklist keeps the guide's six steps.
    expect(blocksText(view)).not.toContain('IAM Identity Center');
    expect(blocksText(view)).toContain('6. Temporary credentials');
    expect(blocksText(view)).toContain(who.userName);

    await t.enableMfa(who.userName);
    const recheck = async () => {
      const before = t.fake.callsTo('views.update').length;
      const res = await post(
        t.baseUrl,
        buttonClick(who.slackUserId, t.fake.issueTriggerId(), { id: viewId, type: 'modal' }, ACTION.recheck),
      );
      expect(res.status).toBe(200);
      await t.fake.waitFor(() => t.fake.callsTo('views.update').length >= before + 2);
      return t.fake.view(viewId);
    };
    // Within ten seconds of the last read, Re-check answers from it (one person cannot hammer AWS)…
    expect(stepText(await recheck(), '1. MFA device')).toContain('to do');
    // …after that it reads AWS again.
    clock.advance(PERSON_REFRESH_MIN_MS);
    const rechecked = await recheck();
    expect(stepText(rechecked, '1. MFA device')).toContain('done');
    expect(stepText(rechecked, '2. Authenticator app')).toContain('done');
  });

  it('opens the modal in time when IAM answers slowly (2 s a call)', async () => {
    const proxy = await startSlowProxy(motoUrl, 2000);
    // A bot of its own behind the slow proxy, beside this test's usual one.
    const slow = await startTestBot({}, { awsEndpoint: proxy.url });
    try {
      const who = await slow.engineer();
      const res = await post(
        slow.baseUrl,
        slashCommand({ user_id: who.slackUserId, trigger_id: slow.fake.issueTriggerId() }),
      );
      expect(res.status).toBe(200);
      // The fake refuses a trigger_id older than 3 s, so an ok views.open proves the modal opened in time.
      await slow.fake.waitFor(() => slow.fake.callsTo('views.open').length > 0, 3000);
      expect(slow.fake.callsTo('views.open')[0]).toMatchObject({ ok: true });
      await slow.fake.waitFor(() => slow.fake.callsTo('views.update').some((c) => c.ok), 20_000);
      const view = slow.fake.callsTo('views.update').at(-1)?.args.view as Record<string, unknown>;
      expect(stepText(view, '1. MFA device')).toContain('to do');
    } finally {
      await slow.stop();
      await proxy.stop();
    }
  }, 40_000);

  it('rejects a forged signature and a stale request, and changes nothing', async () => {
    const who = await t.engineer();
    const callsBefore = t.fake.calls.length;
    const forged = slashCommand(
      { user_id: who.slackUserId, trigger_id: t.fake.issueTriggerId() },
      { secret: 'not-the-secret' },
    );
    expect((await post(t.baseUrl, forged)).status).toBe(401);
    const stale = slashCommand(
      { user_id: who.slackUserId, trigger_id: t.fake.issueTriggerId() },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect((await post(t.baseUrl, stale)).status).toBe(401);
    const tampered = slashCommand({ user_id: who.slackUserId, trigger_id: t.fake.issueTriggerId() });
    const res = await post(t.baseUrl, {
      headers: tampered.headers,
      body: tampered.body.replace(who.slackUserId, 'U0SOMEONEELSE'),
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.fake.calls.slice(callsBefore)).toEqual([]);
  });

  it('publishes the checklist as the App Home tab', async () => {
    const who = await t.engineer({ mfa: true });
    const res = await post(
      t.baseUrl,
      eventCallback({ type: 'app_home_opened', user: who.slackUserId, channel: 'D0DM', tab: 'home' }),
    );
    expect(res.status).toBe(200);
    await t.fake.waitFor(() => t.fake.callsTo('views.publish').filter((c) => c.ok).length >= 2);
    const home = t.fake.callsTo('views.publish').at(-1)?.args ?? {};
    const view = home.view as Record<string, unknown>;
    expect(home.user_id).toBe(who.slackUserId);
    expect(view.type).toBe('home');
    expect(stepText(view, '1. MFA device')).toContain('done');
  });

  it("answers /aws-mfa session with the caller's own device ARN, ephemerally", async () => {
    const who = await t.engineer({ mfa: true });
    const url = t.fake.responseUrl();
    await post(t.baseUrl, slashCommand({ user_id: who.slackUserId, text: 'session', response_url: url }));
    await t.fake.waitFor(() => t.fake.responses.length > 0);
    const reply = t.fake.responses[0]?.body;
    expect(reply?.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply?.blocks)).toContain(
      `aws sts get-session-token --serial-number 'arn:aws:iam::123456789012:mfa/${who.userName}' --token-code`,
    );
    expect(JSON.stringify(reply?.blocks)).toContain(
      'export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN',
    );
  });

  it('a passkey-only person (a FIDO serial) gets aws login as step 6, never get-session-token', async () => {
    const who = await t.engineer();
    await t.iam.send(
      new EnableMFADeviceCommand({
        UserName: who.userName,
        SerialNumber: `arn:aws:iam::123456789012:u2f/user/${who.userName}/passkey-1`,
        AuthenticationCode1: '123456',
        AuthenticationCode2: '654321',
      }),
    );
    const { view } = await openChecklist(who);
    expect(stepText(view, '1. MFA device')).toContain('security key');
    expect(stepText(view, '2. ')).toContain('passkey or security key');
    expect(stepText(view, '2. ')).not.toContain('produces valid codes');
    const step6 = stepText(view, '6. Temporary credentials');
    expect(step6).toContain('aws login --profile aws-123456789012');
    expect(step6).toContain('add an authenticator app as a second MFA device');
    expect(step6).not.toContain('aws sts get-session-token');
    expect(blocksText(view)).not.toContain('sudo apt');

    await post(
      t.baseUrl,
      slashCommand({ user_id: who.slackUserId, text: 'session', response_url: t.fake.responseUrl() }),
    );
    await t.fake.waitFor(() => t.fake.responses.length > 0);
    const session = JSON.stringify(t.fake.responses[0]?.body.blocks);
    expect(session).toContain('aws login --profile aws-123456789012');
    expect(session).not.toContain('aws sts get-session-token');
  });

  it('offers aws login first and aws configure mfa-login beside get-session-token to a TOTP holder', async () => {
    const who = await t.engineer({ mfa: true });
    const { view } = await openChecklist(who);
    const step6 = stepText(view, '6. Temporary credentials');
    expect(step6.indexOf('aws login --profile')).toBeGreaterThan(-1);
    expect(step6.indexOf('aws login --profile')).toBeLessThan(step6.indexOf('get-session-token'));
    expect(step6).toContain(
      `aws configure mfa-login --serial-number 'arn:aws:iam::123456789012:mfa/${who.userName}' --update-profile mfa`,
    );
    expect(stepText(view, '2. ')).toContain('produces valid codes');
  });

  it("answers /aws-mfa login with the caller's commands, and says when the sign-in policy is missing", async () => {
    const who = await t.engineer();
    const ask = async () => {
      const before = t.fake.responses.length;
      await post(
        t.baseUrl,
        slashCommand({ user_id: who.slackUserId, text: 'login', response_url: t.fake.responseUrl() }),
      );
      await t.fake.waitFor(() => t.fake.responses.length > before);
      const reply = t.fake.responses.at(-1)?.body;
      expect(reply?.response_type).toBe('ephemeral');
      return JSON.stringify(reply?.blocks);
    };
    const without = await ask();
    expect(without).toContain('aws login --profile aws-123456789012');
    expect(without).toContain('getting-started-install.html');
    expect(without).toContain('which you do not have yet');
    await t.iam.send(
      new AttachUserPolicyCommand({
        UserName: who.userName,
        PolicyArn: 'arn:aws:iam::aws:policy/SignInLocalDevelopmentAccess',
      }),
    );
    // The person's reads are reused for a short while: a later answer sees the policy.
    clock.advance(PERSON_REFRESH_MIN_MS + 60_000);
    const withPolicy = await ask();
    expect(withPolicy).toContain('aws login --profile aws-123456789012');
    expect(withPolicy).not.toContain('which you do not have yet');
  });

  it('answers /aws-mfa policy with the policy that applies to the caller', async () => {
    const who = await t.engineer();
    const policyName = unique('RequireMFA');
    const created = await t.iam.send(
      new CreatePolicyCommand({ PolicyName: policyName, PolicyDocument: JSON.stringify(GUIDE_POLICY) }),
    );
    await t.iam.send(new AttachUserPolicyCommand({ UserName: who.userName, PolicyArn: created.Policy?.Arn }));
    await post(
      t.baseUrl,
      slashCommand({ user_id: who.slackUserId, text: 'policy', response_url: t.fake.responseUrl() }),
    );
    await t.fake.waitFor(() => t.fake.responses.length > 0);
    const text = JSON.stringify(t.fake.responses[0]?.body.blocks);
    expect(text).toContain(`managed policy \`${policyName}\` attached to you`);
    expect(text).toContain('BlockMostAccessUnlessSignedInWithMFA');
  });

  it('answers help, and usage with escaped text for an unknown subcommand', async () => {
    const who = await t.engineer();
    const help = await post(t.baseUrl, slashCommand({ user_id: who.slackUserId, text: 'help' }));
    expect(JSON.parse(help.text)).toMatchObject({ response_type: 'ephemeral' });
    expect(help.text).toContain('/aws-mfa session');
    expect(help.text).not.toContain('/aws-mfa sso');

    const hostile = await post(
      t.baseUrl,
      slashCommand({ user_id: who.slackUserId, text: 'pwn <!channel> <https://evil.example|click> `x`' }),
    );
    expect(hostile.status).toBe(200);
    expect(hostile.text).not.toContain('<!channel>');
    expect(hostile.text).not.toContain('<https://evil');
    expect(hostile.text).toContain('&lt;!channel&gt;');
    expect(t.fake.callsTo('views.open')).toEqual([]);
  });

  it('tells an unmapped caller which tag to set', async () => {
    const who = await t.engineer({ mapped: false });
    const { view } = await openChecklist(who);
    expect(blocksText(view)).toContain(`\`SlackUserId\` = \`${who.slackUserId}\``);
  });

  it('speaks Korean to a ko-KR user', async () => {
    const who = await t.engineer({ locale: 'ko-KR' });
    await openChecklist(who); // loads the directory; the next open knows the locale from the start
    const { view } = await openChecklist(who);
    expect((view.title as { text: string }).text).toBe('AWS MFA 체크리스트');
    expect(stepText(view, '1. MFA 디바이스 설정')).toContain('할 일');
  });

  it('shows step 6 as unknown when CloudTrail is denied, logging it once', async () => {
    trail.reset();
    trail.on(LookupEventsCommand).rejects(
      Object.assign(new Error('denied'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const who = await t.engineer();
    const { view } = await openChecklist(who);
    expect(stepText(view, '6. Temporary credentials')).toContain('unknown');
    expect(stepText(view, '1. MFA device')).toContain('to do');
    const lines = t.logs.filter((l) => l.step === 'session' && l.iamUser === who.userName);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ action: 'cloudtrail:LookupEvents', kind: 'access_denied' });
  });

  it('shows step 6 done when CloudTrail has a recent GetSessionToken by the user', async () => {
    const who = await t.engineer({ mfa: true });
    trail.reset();
    trail.on(LookupEventsCommand).resolves({
      Events: [
        {
          EventName: 'GetSessionToken',
          Username: who.userName,
          EventTime: new Date(Date.now() - 86_400_000),
        },
      ],
    });
    const { view } = await openChecklist(who);
    expect(stepText(view, '6. Temporary credentials')).toContain('done');
  });

  it('delivers the checklist after Slack answers views.update with 429', async () => {
    const who = await t.engineer();
    t.fake.rateLimit('views.update', 1, 1);
    const { view } = await openChecklist(who);
    expect(t.fake.callsTo('views.update').map((c) => c.error ?? 'ok')).toEqual(['ratelimited', 'ok']);
    expect(stepText(view, '1. MFA device')).toContain('to do');
  });

  it('pushes the temporary-credential commands from the checklist button', async () => {
    const who = await t.engineer({ mfa: true });
    const { viewId, view } = await openChecklist(who);
    const actions = (
      view.blocks as { type: string; elements?: { action_id: string; value?: string }[] }[]
    ).find((b) => b.type === 'actions' && b.elements?.some((e) => e.action_id === ACTION.showSession));
    const button = actions?.elements?.find((e) => e.action_id === ACTION.showSession);
    expect(button?.value).toBeDefined();
    await post(
      t.baseUrl,
      buttonClick(
        who.slackUserId,
        t.fake.issueTriggerId(),
        { id: viewId, type: 'modal' },
        ACTION.showSession,
        button?.value,
      ),
    );
    await t.fake.waitFor(() => t.fake.callsTo('views.push').length > 0);
    const pushed = t.fake.callsTo('views.push')[0];
    expect(pushed?.ok).toBe(true);
    expect(blocksText(pushed?.args.view as Record<string, unknown>)).toContain(`mfa/${who.userName}`);
  });

  it('ignores a tampered button value', async () => {
    const who = await t.engineer();
    await post(
      t.baseUrl,
      buttonClick(
        who.slackUserId,
        t.fake.issueTriggerId(),
        { id: 'V0NOPE', type: 'modal' },
        ACTION.showSession,
        '{"serial":"$(rm -rf /)","region":"x"}',
      ),
    );
    await t.fake.waitFor(() => t.logs.some((l) => l.msg === 'ignored a malformed button value'));
    expect(t.fake.callsTo('views.push')).toEqual([]);
  });

  it('loads the Slack directory in bulk once, never per person', async () => {
    const a = await t.engineer();
    const b = await t.engineer();
    await openChecklist(a);
    await post(
      t.baseUrl,
      slashCommand({ user_id: b.slackUserId, text: 'session', response_url: t.fake.responseUrl() }),
    );
    await t.fake.waitFor(() => t.fake.responses.length > 0);
    expect(t.fake.callsTo('users.list')).toHaveLength(1);
    expect(t.fake.callsTo('users.lookupByEmail')).toEqual([]);
    expect(t.fake.callsTo('users.list')[0]?.args).toMatchObject({ limit: '1000', include_locale: 'true' });
  });

  it('logs a Slack API error once and keeps serving', async () => {
    const who = await t.engineer();
    // A trigger_id Slack never issued (or one that expired): views.open fails with invalid_trigger_id.
    await post(t.baseUrl, slashCommand({ user_id: who.slackUserId, trigger_id: 'stale.trigger.id' }));
    await t.fake.waitFor(() => t.logs.some((l) => l.msg === 'a Slack listener failed'));
    const failures = t.logs.filter((l) => l.msg === 'a Slack listener failed');
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures[0])).toContain('invalid_trigger_id');
    expect(t.fake.callsTo('views.update')).toEqual([]);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });

  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { slack: true, database: true } });
  });

  it('never logs the bot token, though every Web API call carries it', async () => {
    const who = await t.engineer();
    await openChecklist(who);
    expect(t.fake.calls.filter((c) => c.error === 'invalid_auth')).toEqual([]);
    expect(JSON.stringify(t.logs)).not.toContain(t.fake.botToken);
  });
});
