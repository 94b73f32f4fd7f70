import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { ACTION } from '../../src/kernel/slack/action-ids.js';
import { describeWithMoto, unique } from '../helpers/aws.js';
import { useTestBot } from '../helpers/bot.js';
import { confirmReset, requestLostDeviceReset } from '../helpers/mfa-reset-bolt.js';
import { approveUntilDelivered, fileRotation } from '../helpers/rotation-bolt.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('attack: an admin-equivalent user hidden behind an inline policy', () => {
  const t = useTestBot({ env: { APPROVERS: 'U0APPROVER1,U0APPROVER2' }, trail });

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

describeWithMoto('attack: admin-level access hidden behind becoming another role', () => {
  const t = useTestBot({ env: { APPROVERS: 'U0APPROVER1,U0APPROVER2', MFA_RESET_APPROVALS: '1' }, trail });

  const answer = async (click: { sent: Promise<unknown>; path: string }) => {
    await click.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
    return t.fake.responses.find((r) => r.path === click.path)?.body.text;
  };
  const assume = (resource: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource }],
    });

  it('an inline sts:AssumeRole on * needs two approvals for a key', async () => {
    const who = await t.engineer({ mfa: true });
    await t.iam.send(
      new PutUserPolicyCommand({ UserName: who.userName, PolicyName: 'hop', PolicyDocument: assume('*') }),
    );
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    const requestId = await fileRotation(t, who.slackUserId, key.AccessKey?.AccessKeyId ?? '');
    expect(await answer(t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.approve, requestId))).toBe(
      'Approval recorded (1 of 2).',
    );
    expect(
      (await t.iam.send(new ListAccessKeysCommand({ UserName: who.userName }))).AccessKeyMetadata,
    ).toHaveLength(1);
  });

  it('sts:AssumeRole on one role that has AdministratorAccess needs two approvals, for a key and an MFA reset', async () => {
    const who = await t.engineer({ mfa: true });
    const roleName = unique('ops-admin');
    await t.iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::123456789012:root' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    await t.iam.send(
      new AttachRolePolicyCommand({
        RoleName: roleName,
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    await t.iam.send(
      new PutUserPolicyCommand({
        UserName: who.userName,
        PolicyName: 'hop',
        PolicyDocument: assume(`arn:aws:iam::123456789012:role/${roleName}`),
      }),
    );
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    const requestId = await fileRotation(t, who.slackUserId, key.AccessKey?.AccessKeyId ?? '');
    expect(await answer(t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.approve, requestId))).toBe(
      'Approval recorded (1 of 2).',
    );

    const serial = (await t.iam.send(new ListMFADevicesCommand({ UserName: who.userName }))).MFADevices?.[0]
      ?.SerialNumber;
    const { resetId } = await requestLostDeviceReset(t, who.slackUserId, String(serial));
    await confirmReset(t, 'U0APPROVER1', resetId, true);
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some((c) => c.args.channel === 'U0APPROVER1' && String(c.args.text).includes('1 of 2')),
    );
    expect((await t.iam.send(new ListMFADevicesCommand({ UserName: who.userName }))).MFADevices).toHaveLength(
      1,
    );
  });
});
