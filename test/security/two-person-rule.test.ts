import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, ListAccessKeysCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-ids.js';
import { describeWithMoto } from '../helpers/aws.js';
import { startTestBot, type TestBot } from '../helpers/bot.js';
import { approveUntilDelivered, fileRotation } from '../helpers/rotation-bolt.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('attack: an admin-equivalent user hidden behind an inline policy', () => {
  let t: TestBot;
  beforeEach(async () => {
    trail.reset();
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    t = await startTestBot({ APPROVERS: 'U0APPROVER1,U0APPROVER2' });
  });
  afterEach(() => t.stop());

  it('an inline *:* policy still needs two approvals', async () => {
    const who = await t.engineer({ mfa: true });
    await t.iam.send(
      new PutUserPolicyCommand({
        UserName: who.userName,
        PolicyName: 'everything',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    const requestId = await fileRotation(t, who.slackUserId, key.AccessKey?.AccessKeyId ?? '');

    const first = t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.approve, requestId);
    await first.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === first.path));
    expect(t.fake.responses.find((r) => r.path === first.path)?.body.text).toBe(
      'Approval recorded (1 of 2).',
    );
    const keys = await t.iam.send(new ListAccessKeysCommand({ UserName: who.userName }));
    expect(keys.AccessKeyMetadata).toHaveLength(1);

    await approveUntilDelivered(t, 'U0APPROVER2', requestId, who.slackUserId);
    const after = await t.iam.send(new ListAccessKeysCommand({ UserName: who.userName }));
    expect(after.AccessKeyMetadata).toHaveLength(2);
  });
});
