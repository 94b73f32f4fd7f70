import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { AssumeRootCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { fakeRootSessions, rootWithEverything } from '../../../fakes/root-session.js';
import { describeWithMoto } from '../../../helpers/aws.js';
import { useTestBot } from '../../../helpers/bot.js';

// moto lacks ListOrganizationsFeatures, AssumeRoot and a root user with credentials: exactly those are faked; the
// scan, the credential report, the member account's role and everything else go to moto.
const trail = mockClient(CloudTrailClient);
const roots = fakeRootSessions();
/** A member account of its own: its root credentials are this test's. */
const MEMBER = '556677889900';

describeWithMoto('deleting a member account root credentials, through the real Bolt app', () => {
  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY', AWS_ACCOUNTS: MEMBER }, trail });
  beforeEach(() => {
    roots.reset();
    roots.iam.on(ListOrganizationsFeaturesCommand).resolves({
      OrganizationId: 'o-abcdefghij',
      EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
    });
    roots.seed(MEMBER, rootWithEverything(MEMBER));
    t.fake.usergroups.set('S0APPROVERS', ['U0APPROVER2', 'U0APPROVER3']);
  });
  afterAll(() => roots.restore());

  const posts = (channel: string) =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === channel);
  /** `who` clicks; resolves with the ephemeral answer only they see. */
  async function click(who: string, channel: string, actionId: string, value: string): Promise<string> {
    const c = t.clickMessageButton(who, channel, actionId, value);
    expect((await c.sent).status).toBe(200);
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === c.path));
    return JSON.stringify(t.fake.responses.find((r) => r.path === c.path)?.body);
  }

  it('the digest offers it; one approval does nothing; the second deletes once, as root; security is told', async () => {
    await t.bot.scan({ dryRun: false });
    const digest = posts('C0SECURITY').find((c) => String(c.args.text).startsWith('AWS IAM scan'));
    const buttons = JSON.stringify(digest?.args.blocks);
    expect(buttons).toContain('root_credentials_present');
    expect(buttons).toContain(`"action_id":"${ACTION.rootDeleteRequest}","value":"${MEMBER}"`);

    // Someone who is not an approver: refused, nothing posted for approval.
    expect(await click('U0SOMEONE', 'C0SECURITY', ACTION.rootDeleteRequest, MEMBER)).toContain(
      'Only approvers',
    );
    expect(posts('C0APPROVALS')).toEqual([]);
    expect(await click('U0APPROVER1', 'C0SECURITY', ACTION.rootDeleteRequest, MEMBER)).toContain(
      'posted for approval',
    );
    expect(await click('U0APPROVER2', 'C0SECURITY', ACTION.rootDeleteRequest, MEMBER)).toContain(
      'already waiting',
    );
    const approval = posts('C0APPROVALS');
    expect(approval).toHaveLength(1);
    const id = JSON.stringify(approval[0]?.args.blocks).match(
      new RegExp(`"action_id":"${ACTION.rootDeleteApprove}","value":"([^"]+)"`),
    )?.[1] as string;
    expect(id).toBeTruthy();

    expect(await click('U0APPROVER1', 'C0APPROVALS', ACTION.rootDeleteApprove, id)).toContain(
      'You asked for this',
    );
    expect(await click('U0SOMEONE', 'C0APPROVALS', ACTION.rootDeleteApprove, id)).toContain('not allowed');
    expect(await click('U0APPROVER2', 'C0APPROVALS', ACTION.rootDeleteApprove, id)).toContain('(1 of 2)');
    expect(roots.sts.commandCalls(AssumeRootCommand)).toHaveLength(0);
    expect(roots.roots.get(MEMBER)?.password).toBe(true);

    const last = t.clickMessageButton('U0APPROVER3', 'C0APPROVALS', ACTION.rootDeleteApprove, id);
    expect((await last.sent).status).toBe(200);
    await t.fake.waitFor(() =>
      posts('C0SECURITY').some((c) => String(c.args.text).includes('root credentials of')),
    );
    expect(roots.assumed).toEqual([
      expect.objectContaining({
        TargetPrincipal: MEMBER,
        TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials' },
      }),
    ]);
    expect(roots.roots.get(MEMBER)).toEqual({
      password: false,
      accessKeys: [],
      certificates: [],
      mfaDevices: [],
    });
    const done = posts('C0SECURITY').find((c) => String(c.args.text).includes('root credentials of'));
    expect(String(done?.args.text)).toMatch(/were deleted \(approved by <@U0APPROVER2>, <@U0APPROVER3>\)/);
    expect(String(done?.args.text)).toContain(
      'the console password, 1 access key, 1 signing certificate, 1 MFA device',
    );
    // The approval message shows it done, without buttons; the requester was told it was approved.
    await t.fake.waitFor(() =>
      t.fake.callsTo('chat.update').some((c) => JSON.stringify(c.args.blocks).includes('Deleted')),
    );
    const updated = t.fake.callsTo('chat.update').at(-1);
    expect(JSON.stringify(updated?.args.blocks)).not.toContain(ACTION.rootDeleteApprove);
    await t.fake.waitFor(() =>
      posts('U0APPROVER1').some((c) => String(c.args.text).includes('was approved')),
    );
    // A late click changes nothing.
    expect(await click('U0APPROVER3', 'C0APPROVALS', ACTION.rootDeleteApprove, id)).toContain(
      'already decided',
    );
    expect(roots.sts.commandCalls(AssumeRootCommand)).toHaveLength(1);
    // Nothing secret of the root session reached Slack or the logs.
    const seen = JSON.stringify([t.fake.calls, t.logs]);
    expect(seen).not.toContain('root-session-secret-not-real');
    expect(seen).not.toContain('root-session-token');
  });
});
